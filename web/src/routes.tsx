// The console's one table of pages: its routes, the menu built from them,
// and the permission each needs. A page of a later screen registers itself
// here (see web/README.md); nothing else has to change.
//
// A menu item is shown only when the server says the user holds its
// permission (GET /api/v1/me), so no item leads to a 403; a page opened
// directly without it shows "no permission" without asking the server.
//
// Paths the server keeps for itself are never console routes: /api, /catalog
// (and /catalog.*), /dataset, /healthz, /readyz, /metrics (http/console.go,
// reservedPath).
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import {
  AuditOutlined,
  BellOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  CloudUploadOutlined,
  DatabaseOutlined,
  FileSearchOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  ShareAltOutlined,
} from '@ant-design/icons';
import type { Permission } from './api/client';
import type { MessageKey } from './i18n';

export type MenuGroup = 'workbench' | 'catalog' | 'data' | 'sharing' | 'opening' | 'supervision' | 'admin' | 'security' | 'audit';

export interface ConsoleRoute {
  /** path under the console's root, as React Router matches it ("entries/:id"). */
  path: string;
  /** title is the page's heading and its menu label. */
  title: MessageKey;
  /** perm is the server's permission the page needs; none: every signed-in user. */
  perm?: Permission;
  page: LazyExoticComponent<ComponentType>;
  /** menu places the page in the left menu; detail pages have none. */
  menu?: MenuGroup;
}

// Each page is its own chunk, loaded when first opened: the sign-in page
// loads none of them.
const TasksPage = lazy(() => import('./pages/tasks/TasksPage'));
const NotificationsPage = lazy(() => import('./pages/notifications/NotificationsPage'));
const CatalogPage = lazy(() => import('./pages/catalog/CatalogPage'));
const EntryPage = lazy(() => import('./pages/catalog/EntryPage'));
const EntryEditPage = lazy(() => import('./pages/catalog/EntryEditPage'));
const ReviewQueuePage = lazy(() => import('./pages/review/ReviewQueuePage'));
const ReviewEntryPage = lazy(() => import('./pages/review/ReviewEntryPage'));
const SupervisionPage = lazy(() => import('./pages/supervision/SupervisionPage'));
const ProfilePage = lazy(() => import('./pages/profile/ProfilePage'));
const DatasetsPage = lazy(() => import('./pages/data/DatasetsPage'));
const DatasetPage = lazy(() => import('./pages/data/DatasetPage'));
const BatchPage = lazy(() => import('./pages/data/BatchPage'));
const MaintenancePage = lazy(() => import('./pages/data/MaintenancePage'));
const UsersPage = lazy(() => import('./pages/admin/UsersPage'));
const DepartmentsPage = lazy(() => import('./pages/admin/DepartmentsPage'));
const RegionsPage = lazy(() => import('./pages/admin/RegionsPage'));
const CalendarPage = lazy(() => import('./pages/admin/CalendarPage'));
const WebhooksPage = lazy(() => import('./pages/admin/WebhooksPage'));
const PublicAccountsPage = lazy(() => import('./pages/admin/PublicAccountsPage'));
const GrantsPage = lazy(() => import('./pages/grants/GrantsPage'));
const GrantPage = lazy(() => import('./pages/grants/GrantPage'));
const CredentialsPage = lazy(() => import('./pages/credentials/CredentialsPage'));
const MaskingPage = lazy(() => import('./pages/security/MaskingPage'));
const TracesPage = lazy(() => import('./pages/security/TracesPage'));
const KeysPage = lazy(() => import('./pages/security/KeysPage'));
const AuditPage = lazy(() => import('./pages/audit/AuditPage'));
const AccountPage = lazy(() => import('./pages/account/AccountPage'));
const ApplicationsPage = lazy(() => import('./pages/sharing/ApplicationsPage'));
const ApplicationPage = lazy(() => import('./pages/sharing/ApplicationPage'));
const ApplyPage = lazy(() => import('./pages/sharing/ApplyPage'));
const ScenariosPage = lazy(() => import('./pages/sharing/ScenariosPage'));
// openflow — OPN-2, OPN-3: conditional-open applications, open grants, withdrawals.
const OpenApplicationsPage = lazy(() => import('./pages/opening/OpenApplicationsPage'));
const OpenApplicationPage = lazy(() => import('./pages/opening/OpenApplicationPage'));
const OpenGrantsPage = lazy(() => import('./pages/opening/OpenGrantsPage'));
const WithdrawalsPage = lazy(() => import('./pages/opening/WithdrawalsPage'));
const WithdrawalPage = lazy(() => import('./pages/opening/WithdrawalPage'));
// zjopen — ZJ-20: approvals of open attributes.
const OpenAttributesPage = lazy(() => import('./pages/opening/OpenAttributesPage'));
const OpenAttributePage = lazy(() => import('./pages/opening/OpenAttributePage'));

export const menuGroups: { key: MenuGroup; title: MessageKey; icon: ReactNode }[] = [
  { key: 'workbench', title: 'menu.workbench', icon: <CheckSquareOutlined /> },
  { key: 'catalog', title: 'menu.catalog', icon: <FileSearchOutlined /> },
  { key: 'data', title: 'menu.data', icon: <DatabaseOutlined /> },
  { key: 'sharing', title: 'menu.sharing', icon: <ShareAltOutlined /> },
  { key: 'opening', title: 'menu.opening', icon: <CloudUploadOutlined /> },
  { key: 'supervision', title: 'menu.supervision', icon: <BellOutlined /> },
  { key: 'admin', title: 'menu.admin', icon: <SettingOutlined /> },
  { key: 'security', title: 'menu.security', icon: <SafetyCertificateOutlined /> },
  { key: 'audit', title: 'menu.audit', icon: <AuditOutlined /> },
];

export const routes: ConsoleRoute[] = [
  { path: 'tasks', title: 'page.tasks', page: TasksPage, menu: 'workbench' },
  { path: 'notifications', title: 'page.notifications', page: NotificationsPage, menu: 'workbench' },
  // The regulation behind every deadline the user sees: for everyone.
  { path: 'profile', title: 'page.profile', page: ProfilePage, menu: 'workbench' },

  { path: 'entries', title: 'page.entries', perm: 'catalog.read', page: CatalogPage, menu: 'catalog' },
  { path: 'entries/review', title: 'page.entryReview', perm: 'catalog.review', page: ReviewQueuePage, menu: 'catalog' },
  { path: 'entries/review/:id', title: 'page.entryReviewOne', perm: 'catalog.review', page: ReviewEntryPage },
  { path: 'entries/:id', title: 'page.entry', perm: 'catalog.read', page: EntryPage },
  { path: 'entries/new', title: 'catalog.pageNew', perm: 'catalog.write', page: EntryEditPage },
  { path: 'entries/:id/edit', title: 'catalog.pageEdit', perm: 'catalog.write', page: EntryEditPage },

  { path: 'data', title: 'page.datasets', perm: 'data.read', page: DatasetsPage, menu: 'data' },
  { path: 'data/:id', title: 'page.dataset', perm: 'data.read', page: DatasetPage },
  { path: 'data/batches/:id', title: 'page.batch', perm: 'data.read', page: BatchPage },
  { path: 'data/maintenance/:id', title: 'page.maintenance', perm: 'data.read', page: MaintenancePage },

  { path: 'sharing/applications', title: 'page.applications', perm: 'share.read', page: ApplicationsPage, menu: 'sharing' },
  { path: 'sharing/applications/:id', title: 'page.application', perm: 'share.read', page: ApplicationPage },
  { path: 'sharing/apply/:entryId', title: 'page.apply', perm: 'share.apply', page: ApplyPage },
  // LS-19(三): registered scenarios, read by whoever reads applications.
  { path: 'sharing/scenarios', title: 'page.scenarios', perm: 'share.read', page: ScenariosPage, menu: 'sharing' },
  { path: 'grants', title: 'page.grants', perm: 'grant.read', page: GrantsPage, menu: 'sharing' },
  { path: 'grants/:id', title: 'page.grant', perm: 'grant.read', page: GrantPage },

  // openflow — OPN-2, OPN-3 (HLJ-34, HLJ-35, HLJ-43, ZJ-23).
  { path: 'opening/applications', title: 'page.openApplications', perm: 'share.read', page: OpenApplicationsPage, menu: 'opening' },
  { path: 'opening/applications/:id', title: 'page.openApplication', perm: 'share.read', page: OpenApplicationPage },
  { path: 'opening/grants', title: 'page.openGrants', perm: 'grant.read', page: OpenGrantsPage, menu: 'opening' },
  { path: 'opening/withdrawals', title: 'page.openWithdrawals', perm: 'share.read', page: WithdrawalsPage, menu: 'opening' },
  { path: 'opening/withdrawals/:id', title: 'page.openWithdrawal', perm: 'share.read', page: WithdrawalPage },
  // zjopen — ZJ-20
  { path: 'opening/attributes', title: 'page.openAttributes', perm: 'share.read', page: OpenAttributesPage, menu: 'opening' },
  { path: 'opening/attributes/:id', title: 'page.openAttribute', perm: 'share.read', page: OpenAttributePage },

  // 督办 opens to whoever reads datasets: the reviewer (who also holds
  // supervision.read) sees overdue steps, on-time rates and every stale
  // dataset; a leader or an officer the department's stale datasets.
  { path: 'supervision', title: 'page.supervision', perm: 'data.read', page: SupervisionPage, menu: 'supervision' },

  { path: 'admin/users', title: 'page.users', perm: 'user.read', page: UsersPage, menu: 'admin' },
  { path: 'admin/departments', title: 'page.departments', perm: 'department.write', page: DepartmentsPage, menu: 'admin' },
  { path: 'admin/regions', title: 'page.regions', perm: 'region.write', page: RegionsPage, menu: 'admin' },
  { path: 'admin/calendar', title: 'page.calendar', perm: 'calendar.write', page: CalendarPage, menu: 'admin' },
  { path: 'admin/webhooks', title: 'page.webhooks', perm: 'delivery.manage', page: WebhooksPage, menu: 'admin' },
  // OPN-2, HLJ-43: the portal's accounts (the reviewer oversees, the sysadmin confirms by hand).
  { path: 'opening/public-accounts', title: 'page.publicAccounts', perm: 'public.read', page: PublicAccountsPage, menu: 'opening' },

  { path: 'security/credentials', title: 'page.credentials', perm: 'credential.read', page: CredentialsPage, menu: 'security' },
  { path: 'security/masking', title: 'page.masking', perm: 'mask.write', page: MaskingPage, menu: 'security' },
  { path: 'security/traces', title: 'page.traces', perm: 'trace.read', page: TracesPage, menu: 'security' },
  { path: 'security/keys', title: 'page.keys', perm: 'key.read', page: KeysPage, menu: 'security' },

  { path: 'audit', title: 'page.audit', perm: 'audit.read', page: AuditPage, menu: 'audit' },

  // Every signed-in user's own account, opened from the header's user menu.
  { path: 'account', title: 'page.account', page: AccountPage },
];

/**
 * menuRoutes are the pages of a menu group the user may open: those whose
 * permission the user holds, so no menu item leads to a 403.
 */
export function menuRoutes(group: MenuGroup, can: (perm: Permission | undefined) => boolean): ConsoleRoute[] {
  return routes.filter((r) => r.menu === group && can(r.perm));
}

/** The page a signed-in user lands on. */
export const homePath = '/tasks';

/**
 * subjectPath is the page of the object a task or notice is about
 * (WorkflowInstance.subject_type and subject_id); undefined when the
 * console has none.
 */
export function subjectPath(type: string | undefined, id: string | undefined): string | undefined {
  if (!id) return undefined;
  const enc = encodeURIComponent(id);
  switch (type) {
    case 'catalog_entry':
      return `/entries/${enc}`;
    case 'application':
      return `/sharing/applications/${enc}`;
    case 'maintenance':
      return `/data/maintenance/${enc}`;
    case 'open_application':
      return `/opening/applications/${enc}`;
    case 'open_withdrawal':
      return `/opening/withdrawals/${enc}`;
    case 'open_attribute':
      return `/opening/attributes/${enc}`;
  }
  return undefined;
}

// Used by the cluster icon of the header's platform name.
export const PlatformIcon = ClusterOutlined;
