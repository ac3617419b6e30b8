// The public portal's one table of pages (OPN-1): no sign-in, outside the
// staff shell, under /portal. path is relative to /portal ("" is its home);
// title is the page's <title> and heading. Each page is a lazy chunk: the
// staff sign-in page loads none of them. The public and openflow parts add
// their pages here, one line each.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { MessageKey } from './i18n';

export interface PortalRoute {
  path: string;
  title: MessageKey;
  page: LazyExoticComponent<ComponentType>;
}

export const portalRoutes: PortalRoute[] = [
  { path: '', title: 'portal.page.home', page: lazy(() => import('./pages/portal/HomePage')) },
  { path: 'catalog', title: 'portal.page.catalog', page: lazy(() => import('./pages/portal/CatalogPage')) },
  // A resource code holds a slash (301001/…): the rest of the path is the code.
  { path: 'datasets/*', title: 'portal.page.dataset', page: lazy(() => import('./pages/portal/DatasetPage')) },
  { path: 'notices', title: 'portal.page.notices', page: lazy(() => import('./pages/portal/NoticesPage')) },
  { path: 'terms', title: 'portal.page.terms', page: lazy(() => import('./pages/portal/TermsPage')) },
  { path: 'account/downloads', title: 'portal.page.downloads', page: lazy(() => import('./pages/portal/DownloadsPage')) },
];
