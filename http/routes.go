package http

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/govdata/govdata"
)

// authKind is how a route authenticates its caller.
type authKind int

const (
	authUser   authKind = iota // a session token (bearer or cookie)
	authNone                   // public
	authSigned                 // a signed system-credential call (ORG-5)
	// authPublic: a public account's session (OPN-2), never a staff one.
	authPublic
	// authOpen: anyone (OPN-1); a public session or an open-data API key,
	// when sent, names the caller, and a bad one is refused.
	authOpen
)

// route is one endpoint: its method and path, who may call it, how it is
// documented and how it is handled. The table below is the one place where
// access to each endpoint is decided (ORG-7) and from which the OpenAPI
// document is generated.
type route struct {
	method, path string
	auth         authKind
	perm         govdata.Permission
	// passwordChange: usable by a session that must change its password first.
	passwordChange bool
	// selfAudited: the service records the attempt itself (login).
	selfAudited bool
	// serviceCall: a data-service call (SHR-4), signed; once it is
	// authenticated, the service records it, answered or refused, in the
	// write that spends its nonce, so its refusals are not recorded again
	// here. (Every signed route's handler spends the call's nonce in its
	// one write: sqlstore's spendNonce, ORG-5.)
	serviceCall bool
	// decision: a workflow decision, whose every refusal is audited — the
	// wrong action, a closed step, a lost race — not only 401 and 403.
	decision bool
	// reads says, for a GET route, whether its answers are audited
	// (SEC-1): required, see readKind.
	reads readKind
	// securityChange: a change to users, roles, credentials, keys or a
	// security policy; its every refusal is audited, whatever the status
	// (SJZ-S-22, HLJ-38: a refused escalation is an event to review).
	securityChange bool
	// action and objectType name the route in audit records of refusals
	// and of audited reads.
	action, objectType string
	summary            string
	query              []string // documented query parameters
	request, response  any      // sample values for the OpenAPI schemas
	status             int      // success status (200 when 0)
	maxBody            int64    // the body limit when not Config.MaxBodyBytes (an upload)
	handle             func(w http.ResponseWriter, r *http.Request) error
}

func (rt route) pattern() string { return rt.method + " " + rt.path }

// routeTable lists every endpoint.
//
// Reads (SEC-1): a GET route is readAudited when it answers stored values
// (dataset rows, their history, rejected rows, the row values
// of maintenance requests, the catalog export) or records of other people
// (users and their role history, a grant's usage records and daily usage,
// deliveries with their addresses, export traces, the audit log itself).
// It is readPlain when it answers
//   - the platform's own state and documents: health, metrics, the
//     OpenAPI document, profiles, the masking policy, the data keys'
//     status (versions and counts, never a key), the calendar, the
//     catalog template;
//   - reference data and metadata: regions, departments, catalog entries
//     and their versions, descriptions of datasets, batches and sources
//     (counts, never values), stale datasets, credentials and webhooks
//     (their secrets are never shown), the sharing register both sides
//     work from (applications, grants, their flags, credentials and
//     scenarios), supervision figures, and the audit chain's verification
//     (whether it holds, no record's content);
//   - the caller's own things: itself (auth/me, whoami), its sessions,
//     its tasks and notifications;
//   - the open catalog, public (OPN-1).
//
// readSelf: the data service's calls and live queries, which their
// services record.
func (s *Server) routeTable() []route {
	pageQuery := []string{"limit", "cursor"}
	ckanH, dcatH := s.ckanHandler(), s.dcatHandler()
	return []route{
		{method: "GET", path: "/healthz", reads: readPlain, auth: authNone, summary: "Liveness", response: map[string]string{}, handle: s.handleHealthz},
		{method: "GET", path: "/readyz", reads: readPlain, auth: authNone, summary: "Readiness: the store answers", response: map[string]string{}, handle: s.handleReadyz},
		{method: "GET", path: "/api/v1/openapi.json", reads: readPlain, auth: authNone, summary: "This OpenAPI document", handle: s.handleOpenAPI},

		{method: "POST", path: "/api/v1/auth/login", auth: authNone, selfAudited: true, action: "auth.login", objectType: "session",
			summary: "Sign in; returns a bearer token and sets the session cookie", request: loginRequest{}, response: govdata.Session{}, handle: s.handleLogin},
		{method: "POST", path: "/api/v1/auth/logout", perm: govdata.PermSignedIn, passwordChange: true, action: "auth.logout", objectType: "session",
			summary: "End the current session", status: http.StatusNoContent, handle: s.handleLogout},
		{method: "POST", path: "/api/v1/auth/password", perm: govdata.PermSignedIn, passwordChange: true, securityChange: true, action: "auth.password_change", objectType: "user",
			summary: "Change one's own password", request: passwordRequest{}, status: http.StatusNoContent, handle: s.handlePassword},
		{method: "GET", path: "/api/v1/auth/me", reads: readPlain, perm: govdata.PermSignedIn, passwordChange: true, action: "auth.me", objectType: "user",
			summary: "The signed-in user", response: govdata.User{}, handle: s.handleMe},
		{method: "GET", path: "/api/v1/me", reads: readPlain, perm: govdata.PermSignedIn, passwordChange: true, action: "me.read", objectType: "user",
			summary:  "The signed-in user with its department, region and the permissions it holds (none until a required password change): what the console draws its menu from",
			response: meView{}, handle: s.handleMeView},
		// ORG-4: a user sees where it is signed in and ends a session left
		// open elsewhere; another's session is answered 404 (and recorded).
		{method: "GET", path: "/api/v1/auth/sessions", reads: readPlain, perm: govdata.PermSignedIn, action: "auth.sessions", objectType: "session",
			summary: "One's own sessions in force, newest first: created, expires, client address, the calling one marked (current); never a token", response: govdata.List[govdata.SessionInfo]{}, handle: s.handleSessions},
		{method: "DELETE", path: "/api/v1/auth/sessions/{id}", perm: govdata.PermSignedIn, securityChange: true, action: "auth.session_end", objectType: "session",
			summary: "End one of one's own sessions (another user's: 404)", status: http.StatusNoContent, handle: s.handleEndSession},
		{method: "PATCH", path: "/api/v1/auth/me", perm: govdata.PermSignedIn, securityChange: true, action: "user.email", objectType: "user",
			summary: "Set one's own e-mail address, where notices are mailed (\"\" removes it)", request: emailRequest{}, response: govdata.User{}, handle: s.handleSetEmail},

		{method: "POST", path: "/api/v1/regions", perm: govdata.PermRegionWrite, action: "region.create", objectType: "region",
			summary: "Create a region (GB/T 2260 code)", request: govdata.RegionInput{}, response: govdata.Region{}, status: http.StatusCreated, handle: create(s, http.StatusCreated, s.svc.Regions.CreateRegion)},
		{method: "GET", path: "/api/v1/regions", reads: readPlain, perm: govdata.PermRegionRead, action: "region.list", objectType: "region",
			summary: "List regions: roots=true the top of the tree (no parent), parent_code a region's children", query: append([]string{"parent_code", "roots", "level", "q"}, pageQuery...), response: govdata.List[govdata.Region]{}, handle: s.handleRegions},
		{method: "POST", path: "/api/v1/regions/import", perm: govdata.PermRegionWrite, action: "region.import", objectType: "region",
			summary:  "Import a region list (the body: CSV lines code,name[,parent_code], UTF-8 or GBK, such as the national 统计用区划代码 list down to villages). Every line is checked as it streams in: a bad one is refused with its line number, text and what is wrong (details.row, details.line), and nothing is written. Otherwise answers 202 with the import job, which writes the list in chunks of 1,000 rows, each one transaction; read its progress at /api/v1/regions/imports/{id}",
			response: regionImportView{}, status: http.StatusAccepted, maxBody: MaxRegionListBytes, handle: s.handleRegionImport},
		{method: "GET", path: "/api/v1/regions/imports/{id}", reads: readPlain, perm: govdata.PermRegionWrite, action: "region.import_status", objectType: "region",
			summary: "An import job: state (running, done, failed), rows done of the total, what it did; a failed one says why and names the refused line", response: regionImportView{}, handle: s.handleRegionImportStatus},
		{method: "GET", path: "/api/v1/regions/{code}", reads: readPlain, perm: govdata.PermRegionRead, action: "region.read", objectType: "region",
			summary: "One region", response: govdata.Region{}, handle: s.handleRegion},

		{method: "POST", path: "/api/v1/departments", perm: govdata.PermDepartmentEdit, action: "department.create", objectType: "department",
			summary: "Create a department", request: govdata.DepartmentInput{}, response: govdata.Department{}, status: http.StatusCreated, handle: create(s, http.StatusCreated, s.svc.Departments.CreateDepartment)},
		{method: "GET", path: "/api/v1/departments", reads: readPlain, perm: govdata.PermDepartmentRead, action: "department.list", objectType: "department",
			summary: "List departments", query: append([]string{"region_code", "parent_id", "q"}, pageQuery...), response: govdata.List[govdata.Department]{}, handle: s.handleDepartments},
		{method: "GET", path: "/api/v1/departments/{id}", reads: readPlain, perm: govdata.PermDepartmentRead, action: "department.read", objectType: "department",
			summary: "One department", response: govdata.Department{}, handle: byID(s.svc.Departments.FindDepartmentByID)},
		{method: "PATCH", path: "/api/v1/departments/{id}", perm: govdata.PermDepartmentEdit, action: "department.update", objectType: "department",
			summary: "Change a department; a change of its region or bureau flag, which moves what its reviewers oversee, is told to every secadmin", request: govdata.DepartmentPatch{}, response: govdata.Department{}, handle: updateByID(s, s.svc.Departments.UpdateDepartment)},

		{method: "POST", path: "/api/v1/users", perm: govdata.PermUserWrite, securityChange: true, action: "user.create", objectType: "user",
			summary: "Create a user; the password is issued and must be changed at first login; business roles the sysadmin gives wait for a secadmin (pending_roles)", request: govdata.UserInput{}, response: govdata.User{}, status: http.StatusCreated, handle: create(s, http.StatusCreated, s.svc.Users.CreateUser)},
		{method: "GET", path: "/api/v1/users", reads: readAudited, perm: govdata.PermUserRead, action: "user.list", objectType: "user",
			summary: "List users; pending=true lists the accounts whose business roles wait for a secadmin", query: append([]string{"department_id", "role", "q", "pending"}, pageQuery...), response: govdata.List[govdata.User]{}, handle: s.handleUsers},
		{method: "GET", path: "/api/v1/users/{id}", reads: readAudited, perm: govdata.PermSignedIn, action: "user.read", objectType: "user",
			summary: "One user (administrators, or the user itself)", response: govdata.User{}, handle: byID(s.svc.Users.FindUserByID)},
		{method: "PATCH", path: "/api/v1/users/{id}", perm: govdata.PermUserWrite, securityChange: true, action: "user.update", objectType: "user",
			summary: "Change a user: name, department, roles, disabled, issue a new password (a security event: the holder and every secadmin are told); business roles the sysadmin gives, and those of a holder it moves, re-enables or issues a password to, wait for a secadmin", request: govdata.UserPatch{}, response: govdata.User{}, handle: updateByID(s, s.svc.Users.UpdateUser)},
		{method: "POST", path: "/api/v1/users/{id}/roles/confirm", perm: govdata.PermRoleConfirm, securityChange: true, action: "user.roles_confirm", objectType: "user",
			summary: "Grant requested business roles for the account's present department (secadmin)", request: govdata.RoleDecision{}, response: govdata.User{}, handle: updateByID(s, s.svc.Users.ConfirmRoles)},
		{method: "POST", path: "/api/v1/users/{id}/roles/reject", perm: govdata.PermRoleConfirm, securityChange: true, action: "user.roles_reject", objectType: "user",
			summary: "Drop requested business roles (secadmin)", request: govdata.RoleDecision{}, response: govdata.User{}, handle: updateByID(s, s.svc.Users.RejectRoles)},
		// ORG-3: a lock lifts after its duration, or earlier by another
		// administrator (govdata.CheckUnlock says whom).
		{method: "POST", path: "/api/v1/users/{id}/unlock", perm: govdata.PermUserUnlock, securityChange: true, action: "user.unlock", objectType: "user",
			summary:  "Lift the login lock of an account before it expires: an ordinary account by the sysadmin; a sysadmin, secadmin or auditor by another of the three",
			response: govdata.User{}, handle: byID(s.svc.Auth.UnlockUser)},
		{method: "GET", path: "/api/v1/users/{id}/roles", reads: readAudited, perm: govdata.PermRoleHistory, action: "user.role_history", objectType: "user",
			summary: "Every period the user held each role (SJZ-S-7)", response: []govdata.RoleHolding{}, handle: byID(s.svc.Users.FindRoleHistory)},

		{method: "POST", path: "/api/v1/credentials", perm: govdata.PermCredentialManage, securityChange: true, action: "credential.create", objectType: "credential",
			summary: "Issue a system credential; the secret is shown once", request: govdata.CredentialInput{}, response: govdata.IssuedCredential{}, status: http.StatusCreated, handle: create(s, http.StatusCreated, s.svc.Credentials.CreateCredential)},
		{method: "GET", path: "/api/v1/credentials", reads: readPlain, perm: govdata.PermCredentialRead, action: "credential.list", objectType: "credential",
			summary: "List system credentials", query: append([]string{"department_id", "include_revoked"}, pageQuery...), response: govdata.List[govdata.Credential]{}, handle: s.handleCredentials},
		{method: "GET", path: "/api/v1/credentials/{id}", reads: readPlain, perm: govdata.PermCredentialRead, action: "credential.read", objectType: "credential",
			summary: "One system credential", response: govdata.Credential{}, handle: byID(s.svc.Credentials.FindCredentialByID)},
		{method: "POST", path: "/api/v1/credentials/{id}/rotate", perm: govdata.PermCredentialManage, securityChange: true, action: "credential.rotate", objectType: "credential",
			summary: "Replace the secret; the old one stops working at once", response: govdata.IssuedCredential{}, handle: byID(s.svc.Credentials.RotateCredential)},
		{method: "POST", path: "/api/v1/credentials/{id}/revoke", perm: govdata.PermCredentialRevoke, securityChange: true, action: "credential.revoke", objectType: "credential",
			summary: "Revoke a credential for good", request: reasonRequest{}, response: govdata.Credential{}, handle: s.handleRevokeCredential},

		{method: "GET", path: "/api/v1/audit", reads: readAudited, perm: govdata.PermAuditRead, action: "audit.list", objectType: "audit",
			summary: "The audit log, newest first", query: append([]string{"actor", "action", "object_type", "object_id", "result", "since", "until"}, pageQuery...),
			response: govdata.List[auditView]{}, handle: s.handleAudit},
		{method: "GET", path: "/api/v1/audit/verify", reads: readPlain, perm: govdata.PermAuditRead, action: "audit.verify", objectType: "audit",
			summary: "Verify the whole hash chain", response: govdata.AuditVerification{}, handle: s.handleAuditVerify},

		{method: "POST", path: "/api/v1/audit/checkpoint", perm: govdata.PermAuditRead, action: "audit.checkpoint", objectType: "audit",
			summary: "Sign the chain's current head; keep it away from the platform (govdata audit verify --checkpoint)", response: govdata.Checkpoint{}, handle: s.handleAuditCheckpoint},

		{method: "GET", path: "/api/v1/calendar", reads: readPlain, perm: govdata.PermCalendarRead, action: "calendar.read", objectType: "calendar_year",
			summary: "A year's holidays and make-up working days (CAL-1), and whether the year is known", query: []string{"year"},
			response: calendarView{}, handle: s.handleCalendar},
		{method: "PUT", path: "/api/v1/calendar/{year}", perm: govdata.PermCalendarWrite, action: "calendar.put", objectType: "calendar_year",
			summary: "Load or correct a year as its State Council notice states it", request: govdata.CalendarYear{}, response: calendarView{}, handle: s.handlePutCalendar},
		{method: "GET", path: "/api/v1/calendar/due", reads: readPlain, perm: govdata.PermCalendarRead, action: "calendar.due", objectType: "calendar_year",
			summary: "The Nth working day after a date: the day from does not count, the first working day after it is day 1",
			query:   []string{"from", "working_days"}, response: dueView{}, handle: s.handleDue},

		{method: "GET", path: "/api/v1/tasks", reads: readPlain, perm: govdata.PermSignedIn, action: "task.list", objectType: "workflow",
			summary: "My pending steps, soonest due first, with due_soon and overdue flags (CAL-2, CAL-3)", query: []string{"kind", "limit", "cursor"},
			response: govdata.List[govdata.Task]{}, handle: s.handleTasks},
		{method: "GET", path: "/api/v1/supervision/overdue", reads: readPlain, perm: govdata.PermSupervision, action: "supervision.overdue", objectType: "workflow",
			summary: "Overdue steps of the items the reviewer's bureau oversees, or for a leader those its department provides or applies for (CAL-3)", query: []string{"limit", "cursor"},
			response: govdata.List[govdata.WorkflowInstance]{}, handle: s.handleOverdue},
		{method: "GET", path: "/api/v1/supervision/timeliness", reads: readPlain, perm: govdata.PermSupervision, action: "supervision.timeliness", objectType: "workflow",
			summary: "Per-department on-time figures of timed steps begun since ?since= (default 90 days): a reviewer's for what its bureau oversees, a leader's for its own department (HLJ-42)", query: []string{"since"},
			response: govdata.List[govdata.Timeliness]{}, handle: s.handleTimeliness},
		{method: "GET", path: "/api/v1/notifications", reads: readPlain, perm: govdata.PermSignedIn, action: "notification.list", objectType: "notification",
			summary: "My notifications, newest first (reminders, overdue steps, escalations)", query: []string{"unread", "limit", "cursor"},
			response: govdata.List[govdata.Notification]{}, handle: s.handleNotifications},
		{method: "POST", path: "/api/v1/notifications/{id}/read", perm: govdata.PermSignedIn, action: "notification.read", objectType: "notification",
			summary: "Mark one of my notifications read", status: http.StatusNoContent, handle: s.handleNotificationRead},

		{method: "POST", path: "/api/v1/catalog", perm: govdata.PermCatalogWrite, action: "catalog.create", objectType: "catalog_entry",
			summary: "Create a draft entry of the officer's department (CAT-1, CAT-2)", request: govdata.EntryInput{}, response: govdata.Entry{}, status: http.StatusCreated,
			handle: create(s, http.StatusCreated, s.svc.Catalog.CreateEntry)},
		{method: "GET", path: "/api/v1/catalog", reads: readPlain, perm: govdata.PermCatalogRead, action: "catalog.search", objectType: "catalog_entry",
			summary:  "Search the catalog in Chinese by any part of a name, summary or item, with filters and facet counts (CAT-5)",
			query:    append([]string{"q", "department_id", "region_code", "classification", "share_type", "open_type", "grade", "format", "update_cycle", "status", "sort", "facets"}, pageQuery...),
			response: govdata.EntryList{}, handle: s.handleCatalog},
		{method: "GET", path: "/api/v1/catalog/template.xlsx", reads: readPlain, perm: govdata.PermCatalogRead, action: "catalog.template", objectType: "catalog_entry",
			summary: "The Excel template of a catalog import (CAT-6)", handle: s.handleCatalogTemplate},
		{method: "POST", path: "/api/v1/catalog/import", perm: govdata.PermCatalogWrite, action: "catalog.import", objectType: "catalog_entry",
			summary:  "Import the department's entries from an .xlsx of the template (the body, or the form field file): all rows or none; errors name sheet, row and column",
			response: importResult{}, status: http.StatusCreated, maxBody: MaxUploadBytes, handle: s.handleCatalogImport},
		{method: "GET", path: "/api/v1/catalog/export", reads: readAudited, perm: govdata.PermCatalogRead, action: "catalog.export", objectType: "catalog_entry",
			summary:  "Export the entries the caller may see as xlsx (the template's layout), csv or json, filtered as a search",
			query:    []string{"format", "q", "department_id", "region_code", "classification", "share_type", "open_type", "grade", "update_cycle", "status"},
			response: []govdata.Entry{}, handle: s.handleCatalogExport},
		{method: "GET", path: "/api/v1/catalog/{id}", reads: readPlain, perm: govdata.PermCatalogRead, action: "catalog.read", objectType: "catalog_entry",
			summary: "One entry: the working version for its department and bureau, the published one for everyone else", response: govdata.Entry{}, handle: byID(s.svc.Catalog.FindEntryByID)},
		{method: "PATCH", path: "/api/v1/catalog/{id}", perm: govdata.PermCatalogWrite, action: "catalog.update", objectType: "catalog_entry",
			summary: "Change a draft or returned entry; changing a published one opens a new version under the profile's change deadline",
			request: govdata.EntryPatch{}, response: govdata.Entry{}, handle: updateByID(s, s.svc.Catalog.UpdateEntry)},
		{method: "GET", path: "/api/v1/catalog/{id}/versions", reads: readPlain, perm: govdata.PermCatalogRead, action: "catalog.versions", objectType: "catalog_entry",
			summary: "Every version and who approved it", response: []govdata.EntryVersion{}, handle: byID(s.svc.Catalog.FindVersions)},
		{method: "POST", path: "/api/v1/catalog/{id}/submit", perm: govdata.PermCatalogWrite, decision: true, action: "catalog.submit", objectType: "catalog_entry",
			summary: "Send the working version to the bureau's review", response: govdata.Entry{}, handle: byID(s.svc.Catalog.Submit)},
		{method: "POST", path: "/api/v1/catalog/{id}/review", perm: govdata.PermCatalogReview, decision: true, action: "catalog.review", objectType: "catalog_entry",
			summary: "Approve or return a submitted version (a comment is required to return), or approve or reject a revocation",
			request: reviewRequest{}, response: govdata.Entry{}, handle: s.handleCatalogReview},
		{method: "POST", path: "/api/v1/catalog/{id}/revoke", perm: govdata.PermCatalogWrite, decision: true, action: "catalog.revoke", objectType: "catalog_entry",
			summary: "Ask for a published entry's revocation; in use, it is still supplied for the profile's grace period", request: reasonRequest{}, response: govdata.Entry{},
			handle: s.withReason(func(r *http.Request, id int64, reason string) (*govdata.Entry, error) {
				return s.svc.Catalog.Revoke(r.Context(), id, reason)
			})},
		{method: "POST", path: "/api/v1/catalog/{id}/extend", perm: govdata.PermCatalogReview, decision: true, action: "catalog.extend", objectType: "catalog_entry",
			summary: "Extend a change's deadline once, on the department's policy basis (HLJ-15)", request: reasonRequest{}, response: govdata.Entry{},
			handle: s.withReason(func(r *http.Request, id int64, reason string) (*govdata.Entry, error) {
				return s.svc.Catalog.Extend(r.Context(), id, reason)
			})},

		// Datasets (AGG-1…3): the data behind published entries.
		{method: "POST", path: "/api/v1/catalog/{id}/data", perm: govdata.PermDataWrite, action: "dataset.ingest", objectType: "catalog_entry",
			summary: "Load a batch into the entry's dataset: JSON {\"rows\": […]}, or a CSV (UTF-8 or GBK) or XLSX file as the body or the form field file; mode=upsert (by key, the default) or replace (all at once). Answers when the batch has ended, with its quality report",
			query:   []string{"mode", "file_name"}, response: govdata.Batch{}, status: http.StatusCreated, maxBody: MaxDataUploadBytes, handle: s.handleIngest},
		{method: "GET", path: "/api/v1/catalog/{id}/dataset", reads: readPlain, perm: govdata.PermDataRead, action: "dataset.read", objectType: "catalog_entry",
			summary: "The entry's dataset: columns, rows, last refresh", response: govdata.Dataset{}, handle: byID(s.svc.Datasets.FindDataset)},
		{method: "GET", path: "/api/v1/catalog/{id}/rows", reads: readAudited, perm: govdata.PermDataRows, action: "dataset.rows", objectType: "catalog_entry",
			summary: "Rows of the dataset with the batch that last wrote each; where=item:value matches exactly (sealed items through their blind index)",
			query:   append([]string{"where"}, pageQuery...), response: govdata.RowList{}, handle: s.handleRows},
		{method: "GET", path: "/api/v1/catalog/{id}/rows/history", reads: readAudited, perm: govdata.PermDataRows, action: "dataset.history", objectType: "catalog_entry",
			summary: "Earlier versions of the rows matching where=item:value, with the batch that replaced each (AGG-3)",
			query:   []string{"where"}, response: govdata.RowList{}, handle: s.handleRowHistory},
		{method: "GET", path: "/api/v1/catalog/{id}/batches", reads: readPlain, perm: govdata.PermDataRead, action: "dataset.batches", objectType: "catalog_entry",
			summary: "The entry's batches, newest first, with source, operator, file, SHA-256 and report (AGG-3)",
			query:   append([]string{"state"}, pageQuery...), response: govdata.BatchList{}, handle: s.handleBatches},
		// AGG-1 pulls and AGG-5 live entries: the provider's own systems.
		{method: "PUT", path: "/api/v1/catalog/{id}/source", perm: govdata.PermDataWrite, action: "source.set", objectType: "catalog_entry",
			summary: "Configure where the entry's data also comes from: a table of the provider's PostgreSQL or MySQL, or an HTTP endpoint, pulled every_minutes; or kind live, served from the provider's API and not stored. The secret is sealed and never shown",
			request: govdata.SourceInput{}, response: govdata.Source{}, handle: updateByID(s, s.svc.Sources.SetSource)},
		{method: "GET", path: "/api/v1/catalog/{id}/source", reads: readPlain, perm: govdata.PermDataRead, action: "source.read", objectType: "catalog_entry",
			summary: "The entry's source and how its last pull went", response: govdata.Source{}, handle: byID(s.svc.Sources.FindSource)},
		{method: "DELETE", path: "/api/v1/catalog/{id}/source", perm: govdata.PermDataWrite, action: "source.delete", objectType: "catalog_entry",
			summary: "Remove the entry's source (its stored data stays)", status: http.StatusNoContent, handle: s.handleDeleteSource},
		{method: "POST", path: "/api/v1/catalog/{id}/source/check", perm: govdata.PermDataWrite, action: "source.check", objectType: "catalog_entry",
			summary: "Connect to the source and read a few rows, storing nothing: the columns offered and the items none supplies", response: govdata.SourceCheck{}, handle: byID(s.svc.Sources.CheckSource)},
		{method: "POST", path: "/api/v1/catalog/{id}/source/run", perm: govdata.PermDataWrite, action: "source.run", objectType: "catalog_entry",
			summary: "Pull now: one batch, checked and applied as an upload is", response: govdata.Batch{}, status: http.StatusCreated, handle: s.handleRunSource},
		{method: "GET", path: "/api/v1/catalog/{id}/live", reads: readSelf, perm: govdata.PermDataRows, action: "source.query", objectType: "catalog_entry",
			summary: "Rows of a live entry, asked of the provider's API and checked against the items' types (AGG-5)",
			query:   append([]string{"where"}, pageQuery...), response: govdata.RowList{}, handle: s.handleLive},

		// AGG-6: changes of stored rows go apply → approve → change → verify.
		{method: "POST", path: "/api/v1/catalog/{id}/maintenance", perm: govdata.PermDataWrite, action: "maintenance.file", objectType: "catalog_entry",
			summary: "Apply for changes or deletions of stored rows (each change selects one row by exact values); the profile's data_maintenance workflow runs it",
			request: govdata.MaintenanceInput{}, response: govdata.Maintenance{}, status: http.StatusCreated, handle: createByID(s, http.StatusCreated, s.svc.Maintenance.FileMaintenance)},
		{method: "GET", path: "/api/v1/catalog/{id}/maintenance", reads: readAudited, perm: govdata.PermDataRead, action: "maintenance.list", objectType: "catalog_entry",
			summary: "The entry's maintenance requests, newest first", query: pageQuery, response: govdata.MaintenanceList{}, handle: s.handleMaintenanceList},
		{method: "GET", path: "/api/v1/maintenance/{id}", reads: readAudited, perm: govdata.PermDataRead, action: "maintenance.read", objectType: "maintenance",
			summary: "One maintenance request with its workflow", response: govdata.Maintenance{}, handle: byID(s.svc.Maintenance.FindMaintenanceByID)},
		{method: "POST", path: "/api/v1/maintenance/{id}/decide", perm: govdata.PermDataMaintain, decision: true, action: "maintenance.decide", objectType: "maintenance",
			summary: "Act on the current step: the bureau approves or rejects; the provider's officer makes the change (approve) or withdraws, and at a rework may send corrected changes; the provider's leader verifies (approve) or returns",
			request: govdata.MaintenanceDecision{}, response: govdata.Maintenance{}, handle: updateByID(s, s.svc.Maintenance.DecideMaintenance)},
		{method: "GET", path: "/api/v1/supervision/stale-datasets", reads: readPlain, perm: govdata.PermDataRead, action: "dataset.stale", objectType: "catalog_entry",
			summary: "Datasets not refreshed within their update cycle, longest stale first (AGG-4): all for reviewers, the department's for an officer",
			query:   pageQuery, response: govdata.StaleList{}, handle: s.handleStaleDatasets},
		{method: "GET", path: "/api/v1/batches/{id}", reads: readPlain, perm: govdata.PermDataRead, action: "batch.read", objectType: "batch",
			summary: "One batch; while it runs, its rows read so far", response: govdata.Batch{}, handle: byID(s.svc.Datasets.FindBatchByID)},
		{method: "GET", path: "/api/v1/batches/{id}/rejected.csv", reads: readAudited, perm: govdata.PermDataRows, action: "batch.rejected", objectType: "batch",
			summary: "The batch's rejected rows with their reasons, as CSV (AGG-2)", handle: s.handleRejected},
		{method: "POST", path: "/api/v1/batches/{id}/cancel", perm: govdata.PermDataWrite, decision: true, action: "batch.cancel", objectType: "batch",
			summary: "Cancel a running batch: nothing of it is applied", response: govdata.Batch{}, handle: byID(s.svc.Datasets.Cancel)},

		// SHR-1, SHR-2: share applications.
		{method: "POST", path: "/api/v1/applications", perm: govdata.PermShareApply, action: "application.apply", objectType: "application",
			summary: "Apply for items of another department's entry for a stated duty; the profile's workflow for its share type decides, each step with its due date",
			request: govdata.ApplicationInput{}, response: govdata.Application{}, status: http.StatusCreated, handle: create(s, http.StatusCreated, s.svc.Applications.Apply)},
		{method: "GET", path: "/api/v1/applications", reads: readPlain, perm: govdata.PermShareRead, action: "application.list", objectType: "application",
			summary: "Applications, newest first: side=applicant (the department's own), side=provider (for its data); reviewers see all",
			query:   append([]string{"side", "state"}, pageQuery...), response: govdata.ApplicationList{}, handle: s.handleApplications},
		// SHR-1, SHR-5, SEC-5: the application form offers what the server
		// allows and says why an option is closed, never re-deciding it.
		{method: "GET", path: "/api/v1/applications/terms", reads: readPlain, perm: govdata.PermShareApply, action: "application.terms", objectType: "catalog_entry",
			summary: "What the caller's department may ask of a published entry (entry_id): the items offered (not_shared ones are not), their share type and sensitivity, the workflow it runs, whether masks may be lifted, rows scoped by region, sensitive items exported, the period's bounds, and why an option — or the whole application — is closed",
			query:   []string{"entry_id"}, response: govdata.ApplicationTerms{}, handle: s.handleApplicationTerms},
		{method: "GET", path: "/api/v1/applications/{id}", reads: readPlain, perm: govdata.PermShareRead, action: "application.read", objectType: "application",
			summary: "One application with its steps, actors, decisions and due dates, the current step's standing in working days, and the actions the caller may take at it", response: govdata.Application{}, handle: byID(s.svc.Applications.FindApplicationByID)},
		{method: "POST", path: "/api/v1/applications/{id}/decision", perm: govdata.PermShareDecide, decision: true, action: "application.decide", objectType: "application",
			summary: "Act on the current step as its actor: approve, forward, sign, reject (reason and reason_category law|policy|sensitive|other), return (reason), withdraw",
			request: govdata.ApplicationDecision{}, response: govdata.Application{}, handle: updateByID(s, s.svc.Applications.Decide)},

		// SHR-3: grants, and the credentials that call with them.
		{method: "GET", path: "/api/v1/grants", reads: readPlain, perm: govdata.PermGrantRead, action: "grant.list", objectType: "grant",
			summary: "Grants, newest first: side=consumer (held by the department), side=provider (on its data); reviewers, the secadmin and the auditor see all",
			query:   append([]string{"side", "entry_id"}, pageQuery...), response: govdata.GrantList{}, handle: s.handleGrants},
		{method: "GET", path: "/api/v1/grants/{id}", reads: readPlain, perm: govdata.PermGrantRead, action: "grant.read", objectType: "grant",
			summary: "One grant: items, region scope, purpose, method, validity, state and usage, and what the caller may do with it (allowed)", response: govdata.Grant{}, handle: byID(s.findGrant)},
		{method: "POST", path: "/api/v1/grants/{id}/suspend", perm: govdata.PermGrantManage, decision: true, action: "grant.suspend", objectType: "grant",
			summary: "Suspend an active grant, with a reason: the provider, the bureau or the secadmin", request: reasonRequest{}, response: govdata.Grant{}, handle: s.changeGrant(govdata.GrantSuspend)},
		{method: "POST", path: "/api/v1/grants/{id}/resume", perm: govdata.PermGrantManage, decision: true, action: "grant.resume", objectType: "grant",
			summary: "Resume a suspended grant, with a reason", request: reasonRequest{}, response: govdata.Grant{}, handle: s.changeGrant(govdata.GrantResume)},
		{method: "POST", path: "/api/v1/grants/{id}/revoke", perm: govdata.PermGrantManage, decision: true, action: "grant.revoke", objectType: "grant",
			summary: "Revoke a grant for good, with a reason", request: reasonRequest{}, response: govdata.Grant{}, handle: s.changeGrant(govdata.GrantRevoke)},
		{method: "POST", path: "/api/v1/grants/{id}/credentials", perm: govdata.PermGrantCredential, securityChange: true, action: "grant.credential_bind", objectType: "grant",
			summary: "Let a system credential of the consumer call with the grant: credential_id of an existing one, or name to issue a new one (its secret shown once)",
			request: govdata.GrantCredentialInput{}, response: govdata.GrantCredential{}, status: http.StatusCreated, handle: createByID(s, http.StatusCreated, s.svc.Grants.BindCredential)},
		{method: "GET", path: "/api/v1/grants/{id}/credentials", reads: readPlain, perm: govdata.PermGrantRead, action: "grant.credentials", objectType: "grant",
			summary: "The credentials that call with the grant", response: govdata.List[*govdata.GrantCredential]{}, handle: s.handleGrantCredentials},
		{method: "DELETE", path: "/api/v1/grants/{id}/credentials/{credential_id}", perm: govdata.PermGrantCredential, securityChange: true, action: "grant.credential_unbind", objectType: "grant",
			summary: "Stop a credential calling with the grant", status: http.StatusNoContent, handle: s.handleUnbindCredential},
		// SHR-6: the monitoring of grants.
		{method: "GET", path: "/api/v1/grants/{id}/daily-usage", reads: readAudited, perm: govdata.PermGrantRead, action: "grant.daily_usage", objectType: "grant",
			summary: "The grant's calls, rows and refusals by day and credential (from, to: dates; default the last 30 days)", query: []string{"from", "to"},
			response: govdata.List[govdata.DailyUsage]{}, handle: s.handleDailyUsage},
		{method: "GET", path: "/api/v1/grant-flags", reads: readPlain, perm: govdata.PermGrantRead, action: "grant.flags", objectType: "grant_flag",
			summary: "Flags raised on grants, newest first: idle (rectify by a date or the grant is suspended, HLJ-27) and unusual volume",
			query:   append([]string{"grant_id", "kind", "state"}, pageQuery...), response: govdata.List[*govdata.GrantFlag]{}, handle: s.handleGrantFlags},
		{method: "POST", path: "/api/v1/grant-flags/{id}/resolve", perm: govdata.PermGrantManage, decision: true, action: "grant.flag_resolve", objectType: "grant_flag",
			summary: "Close an open flag with a reason: the consumer rectifies an idle grant; the provider, the bureau or the secadmin reviews unusual volume",
			request: reasonRequest{}, response: govdata.GrantFlag{}, handle: updateByID(s, func(ctx context.Context, id int64, in reasonRequest) (*govdata.GrantFlag, error) {
				return s.svc.Monitor.ResolveGrantFlag(ctx, id, in.Reason)
			})},

		// LS-19(三): application scenarios, agreed by the provider's leader or
		// the bureau's reviewer; an application within one is granted at once.
		{method: "POST", path: "/api/v1/scenarios", perm: govdata.PermScenarioRegister, action: "scenario.register", objectType: "scenario",
			summary: "Register an application scenario for an entry and a consumer department (the provider's leader or the same-level bureau's reviewer; profiles with scenario_direct_grant only)",
			request: govdata.ScenarioInput{}, response: govdata.ApplicationScenario{}, status: http.StatusCreated, handle: create(s, http.StatusCreated, s.svc.Scenarios.Register)},
		{method: "GET", path: "/api/v1/scenarios", reads: readPlain, perm: govdata.PermShareRead, action: "scenario.list", objectType: "scenario",
			summary: "Application scenarios, newest first: the department's as provider or consumer; reviewers see all",
			query:   append([]string{"entry_id", "department_id"}, pageQuery...), response: govdata.ScenarioList{}, handle: s.handleScenarios},
		{method: "GET", path: "/api/v1/scenarios/{id}", reads: readPlain, perm: govdata.PermShareRead, action: "scenario.read", objectType: "scenario",
			summary: "One application scenario", response: govdata.ApplicationScenario{}, handle: byID(s.svc.Scenarios.FindScenarioByID)},
		{method: "POST", path: "/api/v1/scenarios/{id}/retire", perm: govdata.PermScenarioRegister, action: "scenario.retire", objectType: "scenario",
			summary: "Retire a scenario with a reason: it grants no more; grants it made stay",
			request: govdata.ScenarioRetirement{}, response: govdata.ApplicationScenario{}, handle: updateByID(s, s.svc.Scenarios.Retire)},
		// SHR-7, HLJ-28: the consumer records how it uses, keeps and destroys
		// a grant's data; both sides, the bureau, the secadmin and the
		// auditor read; another department gets 404.
		{method: "POST", path: "/api/v1/grants/{id}/usage", perm: govdata.PermUsageWrite, action: "usage.record", objectType: "grant",
			summary: "Record, as the consumer's officer or leader, a use (scenario, outcome, used_on), the storage (location, protection, stored_from) or a destruction (destroyed_data, method, destroyed_by, destroyed_on) of a grant's data, in any state of the grant; records are never changed: corrects names the record a new one replaces",
			request: govdata.UsageInput{}, response: govdata.UsageRecord{}, status: http.StatusCreated, handle: createByID(s, http.StatusCreated, s.svc.Usage.RecordUsage)},
		{method: "GET", path: "/api/v1/grants/{id}/usage", reads: readAudited, perm: govdata.PermUsageRead, action: "usage.list", objectType: "grant",
			summary: "The grant's usage records, newest first, each with the record correcting it (corrected_by); kind=use|storage|destruction",
			query:   append([]string{"kind"}, pageQuery...), response: govdata.List[govdata.UsageRecord]{}, handle: s.handleUsage},

		// The open catalog needs no account (OPN-1, CAT-7).
		{method: "GET", path: "/api/v1/open/catalog", reads: readPlain, auth: authNone, summary: "Search the open catalog",
			query:    append([]string{"q", "department_id", "region_code", "classification", "open_type", "grade", "format", "update_cycle", "sort", "facets"}, pageQuery...),
			response: govdata.EntryList{}, handle: s.handleOpenCatalog},
		{method: "GET", path: "/api/v1/open/catalog/{id}", reads: readPlain, auth: authNone, summary: "One open entry", response: govdata.Entry{}, handle: s.handleOpenEntry},
		{method: "GET", path: "/api/3/action/{action}", reads: readPlain, auth: authNone, summary: "CKAN Action API over the open catalog (package_search, package_show, package_list, organization_list, organization_show, status_show)", response: ckanResponse{}, handle: delegate(ckanH)},
		{method: "POST", path: "/api/3/action/{action}", auth: authNone, summary: "CKAN Action API, parameters in a JSON body", response: ckanResponse{}, handle: delegate(ckanH)},
		{method: "GET", path: "/api/action/{action}", reads: readPlain, auth: authNone, summary: "CKAN Action API (unversioned path)", response: ckanResponse{}, handle: delegate(ckanH)},
		{method: "POST", path: "/api/action/{action}", auth: authNone, summary: "CKAN Action API (unversioned path), parameters in a JSON body", response: ckanResponse{}, handle: delegate(ckanH)},
		{method: "GET", path: "/catalog.ttl", reads: readPlain, auth: authNone, summary: "The open catalog as DCAT-AP in Turtle, paged (?page=)", handle: delegate(dcatH)},
		{method: "GET", path: "/catalog.jsonld", reads: readPlain, auth: authNone, summary: "The open catalog as DCAT-AP in JSON-LD, paged (?page=)", handle: delegate(dcatH)},
		{method: "GET", path: "/catalog", reads: readPlain, auth: authNone, summary: "The open catalog in DCAT-AP, Turtle or JSON-LD by Accept", handle: delegate(dcatH)},
		{method: "GET", path: "/dataset/{file}", reads: readPlain, auth: authNone, summary: "One open entry as DCAT-AP: {id}.ttl, {id}.jsonld, or {id} by Accept", handle: delegate(dcatH)},
		// The portal (OPN-1): its sitemap and robots.txt for search engines (portal.go).
		{method: "GET", path: "/sitemap.xml", reads: readPlain, auth: authNone, query: []string{"page"},
			summary: "The sitemap of the portal's pages and every open dataset's page; beyond 50,000 URLs an index of pages (?page=)", handle: s.handleSitemap},
		{method: "GET", path: "/robots.txt", reads: readPlain, auth: authNone, summary: "Crawling rules: the portal and the open catalog's feeds, and the sitemap", handle: s.handleRobots},

		// Open data (OPN-1, HLJ-33/34, ZJ-21): downloads, the records API,
		// the dataset page and the portal's totals; each use recorded in
		// open_usage by the service (opendata).
		{method: "GET", path: "/api/v1/open/stats", reads: readPlain, auth: authNone,
			summary:  "The open portal's totals: open datasets, publishing departments, downloads and calls; the 6 newest and the 6 most downloaded datasets",
			response: govdata.OpenStats{}, handle: s.handleOpenStats},
		{method: "GET", path: "/api/v1/open/datasets/{code}", reads: readPlain, auth: authNone,
			summary:  "An open dataset as the portal shows it ({code}: the resource code, its / sent as %2F): the entry, the opened items and their mode, rows, last refresh, counts, download and records URLs, and for unconditional datasets a preview of the first 10 rows (recorded as a preview); a withdrawn one says when and why",
			response: govdata.OpenDataset{}, handle: s.handleOpenDataset},
		{method: "GET", path: "/api/v1/open/datasets/{code}/download", reads: readPlain, auth: authOpen,
			summary: "Download an open dataset: format=csv (UTF-8 with BOM), xlsx or json; conditional datasets need an active open grant (the account's session or API key). Recorded before the first byte; rate-limited (429 with Retry-After); 404 for a dataset not open or withdrawn (the message names the withdrawal)",
			query:   []string{"format"}, handle: s.handleOpenDownload},
		{method: "GET", path: "/api/v1/open/datasets/{code}/records", reads: readPlain, auth: authOpen,
			summary: "Rows of an open dataset: fields=a,b; item=value equality filters (not on de-identified items); limit; cursor. Anonymous callers limited per address, API keys per key (429 with Retry-After); conditional datasets need an active open grant",
			query:   []string{"fields", "limit", "cursor"}, response: govdata.OpenRecords{}, handle: s.handleOpenRecords},
		{method: "GET", path: "/api/v1/public/downloads", reads: readPlain, auth: authPublic,
			summary: "The signed-in public account's own downloads and calls, newest first",
			query:   pageQuery, response: govdata.OpenUseList{}, handle: s.handleMyOpenUses},

		// Public accounts (OPN-2): registration, confirmation and sign-in
		// need no account and answer alike whether an address is known;
		// the rest is the signed-in account's own. Staff oversee them (HLJ-43).
		{method: "POST", path: "/api/v1/public/auth/register", auth: authNone, selfAudited: true, action: "public.register", objectType: "public_account",
			summary: "Register a public account (person or organization); answers 202 alike whether the address is new or taken, and mails the confirmation link (or, to a taken address, a notice); 429 with Retry-After beyond 5 an address in 10 minutes",
			request: govdata.PublicRegistration{}, response: publicAccepted{}, status: http.StatusAccepted, handle: s.handlePublicRegister},
		{method: "POST", path: "/api/v1/public/auth/confirm", auth: authNone, selfAudited: true, action: "public.confirm", objectType: "public_account",
			summary: "Confirm a public account's e-mail address with the token of its link (valid 24 hours, once)", request: confirmRequest{}, response: govdata.PublicAccount{}, handle: s.handlePublicConfirm},
		{method: "POST", path: "/api/v1/public/auth/resend", auth: authNone, selfAudited: true, action: "public.resend", objectType: "public_account",
			summary: "Mail a new confirmation link to an unconfirmed account; answers 202 alike for any address; 429 with Retry-After beyond 5 an address in 10 minutes",
			request: emailRequest{}, response: publicAccepted{}, status: http.StatusAccepted, handle: s.handlePublicResend},
		{method: "POST", path: "/api/v1/public/auth/login", auth: authNone, selfAudited: true, action: "public.login", objectType: "public_session",
			summary: "Sign a public account in: a token (gdp_…) and the govdata_public cookie; the staff's lockout and address throttle; 429 with Retry-After beyond 20 an address in 10 minutes",
			request: publicLoginRequest{}, response: govdata.PublicSession{}, handle: s.handlePublicLogin},
		{method: "POST", path: "/api/v1/public/auth/logout", auth: authPublic, action: "public.logout", objectType: "public_session",
			summary: "End the public account's current session", status: http.StatusNoContent, handle: s.handlePublicLogout},
		{method: "GET", path: "/api/v1/public/me", reads: readPlain, auth: authPublic, action: "public.me", objectType: "public_account",
			summary: "The signed-in public account (confirmed or not, its state) and the session's CSRF token", response: publicMe{}, handle: s.handlePublicMe},
		{method: "GET", path: "/api/v1/public/keys", reads: readPlain, auth: authPublic, action: "public.key_list", objectType: "public_api_key",
			summary: "The account's open-data API keys, newest first; never a key itself", response: govdata.List[govdata.APIKey]{}, handle: s.handlePublicKeys},
		{method: "POST", path: "/api/v1/public/keys", auth: authPublic, action: "public.key_create", objectType: "public_api_key",
			summary: "Create an open-data API key (gdk_…), shown this once; 403 until the address is confirmed", request: govdata.APIKeyInput{}, response: govdata.IssuedAPIKey{},
			status: http.StatusCreated, handle: create(s, http.StatusCreated, s.createAPIKey)},
		{method: "DELETE", path: "/api/v1/public/keys/{id}", auth: authPublic, action: "public.key_revoke", objectType: "public_api_key",
			summary: "Revoke one of the account's keys; it stops at once (another's: 404)", status: http.StatusNoContent, handle: s.handlePublicRevokeKey},
		{method: "GET", path: "/api/v1/public/messages", reads: readPlain, auth: authPublic, action: "public.messages", objectType: "public_message",
			summary: "The account's messages, newest first, with the count of unread ones", query: pageQuery, response: govdata.PublicMessageList{}, handle: s.handlePublicMessages},
		{method: "POST", path: "/api/v1/public/messages/read", auth: authPublic, action: "public.message_read", objectType: "public_message",
			summary: "Mark all the account's messages read", status: http.StatusNoContent, handle: s.handlePublicMessageRead},
		{method: "POST", path: "/api/v1/public/messages/{id}/read", auth: authPublic, action: "public.message_read", objectType: "public_message",
			summary: "Mark one of the account's messages read (another's: 404)", status: http.StatusNoContent, handle: s.handlePublicMessageRead},
		{method: "GET", path: "/api/v1/public-accounts", reads: readAudited, perm: govdata.PermPublicRead, action: "public_account.list", objectType: "public_account",
			summary: "Public accounts, newest first: q (part of the e-mail or name), state (active|suspended)", query: append([]string{"q", "state"}, pageQuery...),
			response: govdata.List[govdata.PublicAccount]{}, handle: s.handlePublicAccounts},
		{method: "POST", path: "/api/v1/public-accounts/{id}/confirm", perm: govdata.PermPublicConfirm, action: "public.confirm_by_operator", objectType: "public_account",
			summary: "Confirm an account's address by hand (the sysadmin, when mail cannot reach it)", response: govdata.PublicAccount{}, handle: byID(s.confirmPublicAccount)},
		{method: "POST", path: "/api/v1/public-accounts/{id}/suspend", perm: govdata.PermPublicManage, action: "public.suspend", objectType: "public_account",
			summary: "Suspend an account for misuse (HLJ-43) with a reason: its sessions end and its keys stop at once; it is told by a message", request: reasonRequest{}, response: govdata.PublicAccount{}, handle: s.handlePublicAccountState(false)},
		{method: "POST", path: "/api/v1/public-accounts/{id}/resume", perm: govdata.PermPublicManage, action: "public.resume", objectType: "public_account",
			summary: "Let a suspended account be used again, with a reason; it is told by a message", request: reasonRequest{}, response: govdata.PublicAccount{}, handle: s.handlePublicAccountState(true)},
		// openflow — OPN-2, HLJ-34, ZJ-23: a public account's conditional-open
		// applications; the staff decide them; HLJ-43: open grants suspended.
		{method: "POST", path: "/api/v1/public/open-applications", auth: authPublic, action: "open_application.apply", objectType: "open_application",
			summary: "Apply, as a confirmed public account, for items of conditionally open data: purpose, scenario, period (at most a year), the security measures committed to, the open-data use agreement accepted; the profile's open_conditional workflow decides",
			request: govdata.OpenApplicationInput{}, response: govdata.OpenApplication{}, status: http.StatusCreated, handle: create(s, http.StatusCreated, s.applyOpen)},
		{method: "GET", path: "/api/v1/public/open-applications", reads: readPlain, auth: authPublic, action: "open_application.list", objectType: "open_application",
			summary: "The account's own open applications, newest first", query: append([]string{"state"}, pageQuery...),
			response: govdata.List[govdata.OpenApplication]{}, handle: s.handleOpenApplications},
		{method: "GET", path: "/api/v1/public/open-applications/{id}", reads: readPlain, auth: authPublic, action: "open_application.read", objectType: "open_application",
			summary: "One of the account's open applications: its steps and due dates, a refusal's reason, its grant", response: govdata.OpenApplication{}, handle: byID(s.findOpenApplication)},
		{method: "POST", path: "/api/v1/public/open-applications/{id}/withdraw", auth: authPublic, action: "open_application.withdraw", objectType: "open_application",
			summary: "Withdraw one's pending open application", response: govdata.OpenApplication{}, handle: byID(s.withdrawOpenApplication)},
		{method: "GET", path: "/api/v1/public/open-grants", reads: readPlain, auth: authPublic, action: "open_grant.list", objectType: "open_grant",
			summary: "The account's open grants: items, period, state (active, suspended, withdrawn, expired) and its reason", query: append([]string{"state", "entry_id"}, pageQuery...),
			response: govdata.List[govdata.OpenGrant]{}, handle: s.handleOpenGrants},
		{method: "GET", path: "/api/v1/open-applications", reads: readPlain, perm: govdata.PermShareRead, action: "open_application.list", objectType: "open_application",
			summary: "Open applications for the department's data, and for the data of the bureau's region, newest first", query: append([]string{"state"}, pageQuery...),
			response: govdata.List[govdata.OpenApplication]{}, handle: s.handleOpenApplications},
		{method: "GET", path: "/api/v1/open-applications/{id}", reads: readPlain, perm: govdata.PermShareRead, action: "open_application.read", objectType: "open_application",
			summary: "One open application with the applicant, its steps, due dates and the actions the caller may take", response: govdata.OpenApplication{}, handle: byID(s.findOpenApplication)},
		{method: "POST", path: "/api/v1/open-applications/{id}/decision", perm: govdata.PermShareDecide, decision: true, action: "open_application.decide", objectType: "open_application",
			summary: "Act on the current step as its actor: approve, sign, reject (with the reason the applicant is shown)", request: govdata.OpenDecision{}, response: govdata.OpenApplication{},
			handle: updateByID(s, s.decideOpenApplication)},
		{method: "GET", path: "/api/v1/open-grants", reads: readPlain, perm: govdata.PermGrantRead, action: "open_grant.list", objectType: "open_grant",
			summary: "Open grants on the department's data and the bureau's region's, with what the caller may do (allowed)", query: append([]string{"state", "entry_id"}, pageQuery...),
			response: govdata.List[govdata.OpenGrant]{}, handle: s.handleOpenGrants},
		{method: "POST", path: "/api/v1/open-grants/{id}/suspend", perm: govdata.PermGrantManage, decision: true, action: "open_grant.suspend", objectType: "open_grant",
			summary: "Suspend an open grant with a reason (HLJ-43): the provider or the bureau; access stops at once and the holder is told", request: reasonRequest{}, response: govdata.OpenGrant{}, handle: s.changeOpenGrant(false)},
		{method: "POST", path: "/api/v1/open-grants/{id}/resume", perm: govdata.PermGrantManage, decision: true, action: "open_grant.resume", objectType: "open_grant",
			summary: "Resume a suspended open grant with a reason; the holder is told", request: reasonRequest{}, response: govdata.OpenGrant{}, handle: s.changeOpenGrant(true)},
		// openflow — OPN-3, HLJ-35: withdrawing open data, and its public notices.
		{method: "POST", path: "/api/v1/open-withdrawals", perm: govdata.PermCatalogWrite, action: "open_withdrawal.request", objectType: "open_withdrawal",
			summary: "Ask to withdraw a published open entry of the department, with a reason; the bureau reviews it (HLJ-35)", request: govdata.OpenWithdrawalInput{},
			response: govdata.OpenWithdrawal{}, status: http.StatusCreated, handle: create(s, http.StatusCreated, s.requestWithdrawal)},
		{method: "GET", path: "/api/v1/open-withdrawals", reads: readPlain, perm: govdata.PermShareRead, action: "open_withdrawal.list", objectType: "open_withdrawal",
			summary: "Withdrawal requests of the department's data and the bureau's region's, newest first", query: append([]string{"state"}, pageQuery...),
			response: govdata.List[govdata.OpenWithdrawal]{}, handle: s.handleOpenWithdrawals},
		{method: "GET", path: "/api/v1/open-withdrawals/{id}", reads: readPlain, perm: govdata.PermShareRead, action: "open_withdrawal.read", objectType: "open_withdrawal",
			summary: "One withdrawal request with its steps and the actions the caller may take", response: govdata.OpenWithdrawal{}, handle: byID(s.findWithdrawal)},
		{method: "POST", path: "/api/v1/open-withdrawals/{id}/decision", perm: govdata.PermShareDecide, decision: true, action: "open_withdrawal.decide", objectType: "open_withdrawal",
			summary: "The bureau approves (with provincial_filing, HLJ-35) or rejects (with a reason); the requesting officer may withdraw it", request: govdata.OpenDecision{},
			response: govdata.OpenWithdrawal{}, handle: updateByID(s, s.decideWithdrawal)},
		{method: "GET", path: "/api/v1/open/withdrawals", reads: readPlain, auth: authNone, summary: "Notices of withdrawn open data (HLJ-35): entry, resource code, department, reason, date; newest first",
			query: pageQuery, response: govdata.List[govdata.WithdrawalNotice]{}, handle: s.handleWithdrawalNotices},
		// zjopen — ZJ-20: the approval of an entry's open attribute (source, 办公室, the 数字中心's leader).
		{method: "GET", path: "/api/v1/open-attributes", reads: readPlain, perm: govdata.PermShareRead, action: "open_attribute.list", objectType: "open_attribute",
			summary: "Approvals of open attributes (ZJ-20) of the department's entries and the bureau's region's, newest first, the proposed attribute beside the one in force", query: append([]string{"state"}, pageQuery...),
			response: govdata.List[govdata.OpenAttributeApproval]{}, handle: s.handleOpenAttributes},
		{method: "GET", path: "/api/v1/open-attributes/{id}", reads: readPlain, perm: govdata.PermShareRead, action: "open_attribute.read", objectType: "open_attribute",
			summary: "One approval of an open attribute with its steps, due dates and the actions the caller may take", response: govdata.OpenAttributeApproval{}, handle: byID(s.findOpenAttribute)},
		{method: "POST", path: "/api/v1/open-attributes/{id}/decision", perm: govdata.PermShareDecide, decision: true, action: "open_attribute.decide", objectType: "open_attribute",
			summary: "Act on the current step as its actor: approve, sign, reject (with a reason); the last approval puts the attribute in force in the open catalog (ZJ-20)",
			request: govdata.OpenDecision{}, response: govdata.OpenAttributeApproval{}, handle: updateByID(s, s.decideOpenAttribute)},

		{method: "POST", path: "/api/v1/webhooks", perm: govdata.PermDeliveryManage, securityChange: true, action: "webhook.create", objectType: "webhook",
			summary: "Add a webhook that receives notifications as signed POSTs; the secret is shown once", request: govdata.WebhookInput{}, response: govdata.IssuedWebhook{}, status: http.StatusCreated, handle: create(s, http.StatusCreated, s.svc.Deliveries.CreateWebhook)},
		{method: "GET", path: "/api/v1/webhooks", reads: readPlain, perm: govdata.PermDeliveryManage, action: "webhook.list", objectType: "webhook",
			summary: "List webhooks", query: pageQuery, response: govdata.List[govdata.Webhook]{}, handle: s.handleWebhooks},
		{method: "GET", path: "/api/v1/webhooks/{id}", reads: readPlain, perm: govdata.PermDeliveryManage, action: "webhook.read", objectType: "webhook",
			summary: "One webhook", response: govdata.Webhook{}, handle: byID(s.svc.Deliveries.FindWebhookByID)},
		{method: "PATCH", path: "/api/v1/webhooks/{id}", perm: govdata.PermDeliveryManage, securityChange: true, action: "webhook.update", objectType: "webhook",
			summary: "Change a webhook: name, URL, kinds; active false stops new deliveries", request: govdata.WebhookPatch{}, response: govdata.Webhook{}, handle: updateByID(s, s.svc.Deliveries.UpdateWebhook)},
		{method: "POST", path: "/api/v1/webhooks/{id}/rotate", perm: govdata.PermDeliveryManage, securityChange: true, action: "webhook.rotate", objectType: "webhook",
			summary: "Replace the signing secret; the old one stops at once", response: govdata.IssuedWebhook{}, handle: byID(s.svc.Deliveries.RotateWebhookSecret)},
		{method: "GET", path: "/api/v1/deliveries", reads: readAudited, perm: govdata.PermDeliveryManage, action: "delivery.list", objectType: "delivery",
			summary: "The delivery log of notifications sent by e-mail and webhooks, newest first", query: append([]string{"channel", "state", "webhook_id"}, pageQuery...),
			response: govdata.List[govdata.Delivery]{}, handle: s.handleDeliveries},
		{method: "GET", path: "/api/v1/deliveries/{id}", reads: readAudited, perm: govdata.PermDeliveryManage, action: "delivery.read", objectType: "delivery",
			summary: "One delivery with every attempt", response: govdata.Delivery{}, handle: byID(s.svc.Deliveries.FindDeliveryByID)},
		{method: "POST", path: "/api/v1/deliveries/{id}/retry", perm: govdata.PermDeliveryManage, action: "delivery.retry", objectType: "delivery",
			summary: "Send a failed delivery again", response: govdata.Delivery{}, handle: byID(s.svc.Deliveries.RetryDelivery)},
		{method: "GET", path: "/api/v1/profiles", reads: readPlain, perm: govdata.PermSignedIn, action: "profile.list", objectType: "profile",
			summary: "The shipped regulation profiles (PRODUCT.md §3)", response: govdata.List[profileSummary]{}, handle: s.handleProfiles},
		{method: "GET", path: "/api/v1/profile", reads: readPlain, perm: govdata.PermSignedIn, action: "profile.read", objectType: "profile",
			summary: "The deployment's regulation profile: labels, workflows, deadlines, periods, each with its article", response: govdata.Profile{}, handle: s.handleProfile},

		{method: "GET", path: "/api/v1/services/whoami", reads: readPlain, auth: authSigned, action: "service.whoami", objectType: "credential",
			summary: "Check a signed system-credential call: answers the credential and its department", response: whoami{}, handle: s.handleWhoami},
		// SHR-4: the data service, called by consumers' systems with a
		// credential bound to their grant; each call is recorded by the
		// service with its grant.
		{method: "GET", path: "/api/v1/services/{code}/records", reads: readSelf, auth: authSigned, serviceCall: true, action: "service.records", objectType: "resource",
			summary: "Granted items of the rows in the grant's region scope, masked ({code}: the resource code, its / sent as %2F): fields=a,b; item=v, item__gte=v, item__lte=v; sort=item or -item; limit (≤ 500); cursor; grant_id when the credential holds several. An equality filter on an item masked for the grant is a verification (核验): it spends the credential's verify allowance (429 with Retry-After beyond it)",
			query:   []string{"fields", "sort", "limit", "cursor", "grant_id"}, response: govdata.ServiceRecords{}, handle: s.handleServiceRecords},
		{method: "POST", path: "/api/v1/services/{code}/verify", auth: authSigned, serviceCall: true, action: "service.verify", objectType: "resource",
			summary: "Does a row with these values exist within the grant (核验)? Answers yes or no, nothing else; rate-limited per credential (429 with Retry-After), the allowance shared with equality filters on masked items",
			request: govdata.VerifyInput{}, response: govdata.VerifyResult{}, handle: s.handleServiceVerify},
		{method: "GET", path: "/api/v1/services/{code}/export", reads: readSelf, auth: authSigned, serviceCall: true, action: "service.export", objectType: "resource",
			summary: "The granted rows as a file (format=csv|json|xlsx), masked and carrying the recipient's trace mark (X-Govdata-Trace); a grant with the file method; an equality filter on a masked item spends the verify allowance as in records",
			query:   []string{"format", "fields", "sort", "grant_id"}, handle: s.handleServiceExport},
		{method: "GET", path: "/api/v1/services/{code}/changes", reads: readSelf, auth: authSigned, serviceCall: true, action: "service.changes", objectType: "resource",
			summary: "Rows removed, added or changed since the cursor (none: every row now); a grant with the subscription method",
			query:   []string{"fields", "limit", "cursor", "grant_id"}, response: govdata.ServiceChanges{}, handle: s.handleServiceChanges},
		{method: "GET", path: "/api/v1/export-traces/{trace}", reads: readAudited, perm: govdata.PermTraceRead, action: "export.trace", objectType: "export",
			summary: "Whom an exported file was made for, by the trace mark found in it (SEC-5)", response: govdata.ExportTrace{}, handle: s.handleExportTrace},
		{method: "GET", path: "/api/v1/masking", reads: readPlain, perm: govdata.PermSignedIn, action: "mask.read", objectType: "mask_policy",
			summary: "The masking policy: the mask of each sensitivity level and of single items (SHR-5)", response: govdata.MaskPolicy{}, handle: s.handleMaskPolicy},
		{method: "PUT", path: "/api/v1/masking", perm: govdata.PermMaskWrite, securityChange: true, action: "mask.policy", objectType: "mask_policy",
			summary: "Replace the masking policy (the secadmin)", request: govdata.MaskPolicy{}, response: govdata.MaskPolicy{}, handle: create(s, http.StatusOK, s.svc.Masks.SetMaskPolicy)},
		{method: "POST", path: "/api/v1/masking/preview", perm: govdata.PermMaskWrite, action: "masking.preview", objectType: "mask_policy",
			summary: "Mask sample values with masks not yet saved, by the platform's rules (a hash under a key drawn for this preview only); nothing is stored",
			request: govdata.MaskPreviewInput{}, response: govdata.MaskPreview{}, handle: s.handleMaskPreview},
		// SEC-2: the secadmin follows a key rotation.
		{method: "GET", path: "/api/v1/keys", reads: readPlain, perm: govdata.PermKeyRead, action: "key.status", objectType: "key",
			summary:  "The data keys' status: the algorithm, every version with its creation date and whether current, and the stored sealed values per version (those under older versions still to be resealed); never key material",
			response: govdata.DataKeyStatus{}, handle: s.handleDataKeys},
	}
}

// buildMux registers the routes, a 405 with the envelope for a known path
// with another method, the web console for other reads outside the API,
// and a 404 with the envelope for anything else.
func (s *Server) buildMux() http.Handler {
	mux := http.NewServeMux()
	methods := map[string][]string{}
	for _, rt := range s.routes {
		// SEC-1: every GET route says whether its answers are audited.
		if (rt.method == "GET") != (rt.reads != readUnclassified) {
			panic("http: route " + rt.pattern() + " must declare reads (readPlain, readAudited or readSelf) exactly when it is a GET")
		}
		mux.Handle(rt.pattern(), s.serveRoute(rt))
		methods[rt.path] = append(methods[rt.path], rt.method)
	}
	for path, ms := range methods {
		sort.Strings(ms)
		allowed := strings.Join(ms, ", ")
		refuse := func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allowed)
			s.writeError(w, r, &statusError{status: http.StatusMethodNotAllowed, err: govdata.Errorf(govdata.EINVALID, msgMethod, r.Method, allowed)})
		}
		// One pattern per method not served, rather than one for the bare
		// path, so that the mux can rank it against the routes of other
		// paths (GET /x/due beside PUT /x/{year}).
		// (A GET pattern also serves HEAD.)
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
			if slices.Contains(ms, m) {
				continue
			}
			mux.HandleFunc(m+" "+path, refuse)
		}
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == "GET" || r.Method == "HEAD") && !reservedPath(r.URL.Path) {
			// The console's files, and its page for the paths of its own
			// routes (a bookmark, a reload); without it, the landing page.
			if s.console != nil {
				s.console.serve(s, w, r)
				return
			}
			if r.URL.Path == "/" {
				s.handleHome(w, r)
				return
			}
		}
		s.writeError(w, r, govdata.Errorf(govdata.ENOTFOUND, msgNotFound, r.URL.Path))
	})
	return withRequestID(mux)
}
