// The public portal's table of pages (OPN-1, OPN-2): paths under /portal,
// mounted outside the staff shell so that none asks for a staff sign-in.
// One entry a line; the portal, opendata and openflow pages join here.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { MessageKey } from './i18n';

export interface PortalRoute {
  /** path under /portal, as React Router matches it ("account/keys"). */
  path: string;
  /** title is the page's heading and the document's title. */
  title: MessageKey;
  page: LazyExoticComponent<ComponentType>;
}

const AccountPage = lazy(() => import('./pages/portal/account/AccountPage'));

export const portalRoutes: PortalRoute[] = [
  { path: 'register', title: 'portal.register', page: lazy(() => import('./pages/portal/account/RegisterPage')) },
  { path: 'confirm', title: 'portal.confirmTitle', page: lazy(() => import('./pages/portal/account/ConfirmPage')) },
  { path: 'signin', title: 'portal.signIn', page: lazy(() => import('./pages/portal/account/PublicSignInPage')) },
  { path: 'account', title: 'portal.account', page: AccountPage },
  { path: 'account/keys', title: 'portal.keys', page: AccountPage },
  { path: 'account/messages', title: 'portal.messages', page: AccountPage },
];
