// The public portal's one table of pages (OPN-1, OPN-2): paths under
// /portal (relative: "" is its home), mounted outside the staff shell so
// that none asks for a staff sign-in (pages/portal/PortalApp.tsx). title is
// the page's heading and the document's title. Each page is a lazy chunk:
// the staff sign-in page loads none of them. One entry a line; the portal,
// public, opendata and openflow pages join here.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { MessageKey } from './i18n';

export interface PortalRoute {
  /** path under /portal, as React Router matches it ("account/keys"); "" is the home page. */
  path: string;
  /** title is the page's heading and the document's title. */
  title: MessageKey;
  page: LazyExoticComponent<ComponentType>;
}

const AccountPage = lazy(() => import('./pages/portal/account/AccountPage'));

export const portalRoutes: PortalRoute[] = [
  // portal: the portal's own pages.
  { path: '', title: 'portal.page.home', page: lazy(() => import('./pages/portal/HomePage')) },
  { path: 'catalog', title: 'portal.page.catalog', page: lazy(() => import('./pages/portal/CatalogPage')) },
  // A resource code holds a slash (301001/…): the rest of the path is the code.
  { path: 'datasets/*', title: 'portal.page.dataset', page: lazy(() => import('./pages/portal/DatasetPage')) },
  { path: 'notices', title: 'portal.page.notices', page: lazy(() => import('./pages/portal/NoticesPage')) },
  { path: 'terms', title: 'portal.page.terms', page: lazy(() => import('./pages/portal/TermsPage')) },
  // public: the account.
  { path: 'register', title: 'portal.register', page: lazy(() => import('./pages/portal/account/RegisterPage')) },
  { path: 'confirm', title: 'portal.confirmTitle', page: lazy(() => import('./pages/portal/account/ConfirmPage')) },
  { path: 'signin', title: 'portal.signIn', page: lazy(() => import('./pages/portal/account/PublicSignInPage')) },
  { path: 'account', title: 'portal.account', page: AccountPage },
  { path: 'account/keys', title: 'portal.keys', page: AccountPage },
  { path: 'account/messages', title: 'portal.messages', page: AccountPage },
  { path: 'account/downloads', title: 'portal.page.downloads', page: AccountPage },
  // openflow — OPN-2: apply for conditionally open data (a resource code holds a slash: the rest of the path is the code).
  { path: 'apply/*', title: 'openApply.title', page: lazy(() => import('./pages/portal/apply/ApplyOpenPage')) },
  { path: 'account/applications', title: 'openApply.mine', page: lazy(() => import('./pages/portal/apply/MyApplicationsPage')) },
  { path: 'account/applications/:id', title: 'openApply.one', page: lazy(() => import('./pages/portal/apply/MyApplicationPage')) },
];
