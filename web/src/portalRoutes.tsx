// The public portal's table of pages (OPN-1, OPN-2): paths under /portal,
// outside the staff shell. One entry a line; the portal and public parts
// add theirs here.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { MessageKey } from './i18n';

export interface PortalRoute {
  path: string;
  title: MessageKey;
  page: LazyExoticComponent<ComponentType>;
}

export const portalRoutes: PortalRoute[] = [
  // openflow — OPN-2: apply for conditionally open data (a resource code holds a slash: the rest of the path is the code).
  { path: 'apply/*', title: 'openApply.title', page: lazy(() => import('./pages/portal/apply/ApplyOpenPage')) },
  { path: 'account/applications', title: 'openApply.mine', page: lazy(() => import('./pages/portal/apply/MyApplicationsPage')) },
  { path: 'account/applications/:id', title: 'openApply.one', page: lazy(() => import('./pages/portal/apply/MyApplicationPage')) },
];
