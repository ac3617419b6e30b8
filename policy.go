package govdata

import "slices"

// Permission names one kind of action. Every HTTP route declares the
// permission it needs; Authorize is the one place that decides (ORG-7).
type Permission string

// Permissions of the foundation. Later capabilities add theirs here.
const (
	// PermSignedIn needs only a signed-in user with a usable session.
	PermSignedIn       Permission = "signed_in"
	PermRegionRead     Permission = "region.read"
	PermRegionWrite    Permission = "region.write"
	PermDepartmentRead Permission = "department.read"
	PermDepartmentEdit Permission = "department.write"
	PermUserRead       Permission = "user.read"
	PermUserWrite      Permission = "user.write"
	// PermRoleConfirm confirms or rejects the business roles the sysadmin
	// asked for an account (等保 三员分立: the secadmin grants permissions).
	PermRoleConfirm Permission = "user.role_confirm"
	// PermUserUnlock lifts a login lock early (ORG-3): each of the three
	// administrators, so that a locked one is let in by another
	// (CheckUnlock says whom).
	PermUserUnlock Permission = "user.unlock"
	// PermRoleHistory reads who held which role until when (SJZ-S-7).
	PermRoleHistory Permission = "user.role_history"
	// PermCredentialManage issues and rotates a department's system credentials.
	PermCredentialManage Permission = "credential.manage"
	// PermCredentialRevoke revokes a credential (its department's officer, or the secadmin).
	PermCredentialRevoke Permission = "credential.revoke"
	PermCredentialRead   Permission = "credential.read"
	PermAuditRead        Permission = "audit.read"
	PermCalendarRead     Permission = "calendar.read"
	// PermSupervision sees overdue steps and timeliness across departments (CAL-3, HLJ-42).
	PermSupervision Permission = "supervision.read"
	// PermCalendarWrite loads or corrects a year of holidays (CAL-1).
	PermCalendarWrite Permission = "calendar.write"
	// PermDeliveryManage configures webhooks and reads and retries the
	// delivery log of notifications sent out (CAL-3): system configuration.
	PermDeliveryManage Permission = "delivery.manage"
	// PermCatalogRead searches and reads the catalog (CAT-5): published
	// entries for everyone, drafts for their department and bureau.
	PermCatalogRead Permission = "catalog.read"
	// PermCatalogWrite writes the department's catalog (CAT-1, CAT-3).
	PermCatalogWrite Permission = "catalog.write"
	// PermCatalogReview decides on submitted entries and revocations, and
	// extends change deadlines (CAT-3).
	PermCatalogReview Permission = "catalog.review"
	// PermDataWrite loads data into the department's datasets (AGG-1).
	PermDataWrite Permission = "data.write"
	// PermDataRead reads datasets, batches, their quality reports and
	// maintenance requests: the provider's officer and leader, and the
	// bureau's reviewers (AGG-2, AGG-4, AGG-6).
	PermDataRead Permission = "data.read"
	// PermDataRows reads the stored rows and their history: the
	// provider's officer (PRODUCT.md §1: "the department's … data").
	PermDataRows Permission = "data.rows"
	// PermDataMaintain acts on maintenance requests of stored rows (AGG-6).
	PermDataMaintain Permission = "data.maintain"
	// PermShareApply files share applications for the department (SHR-1).
	PermShareApply Permission = "share.apply"
	// PermShareRead reads applications: the applicant's and the provider's
	// people, and the reviewers.
	PermShareRead Permission = "share.read"
	// PermShareDecide acts on an application's step; the workflow checks
	// that the caller is that step's actor (SHR-2).
	PermShareDecide Permission = "share.decide"
	// PermGrantRead reads grants: the consumer's and the provider's people,
	// the reviewers, the secadmin and the auditor (SHR-3, SHR-6; §1: the
	// auditor reads usage records, which name their grants).
	PermGrantRead Permission = "grant.read"
	// PermGrantManage suspends, resumes and revokes grants: the provider,
	// the bureau or the secadmin (SHR-3); the service checks the provider.
	PermGrantManage Permission = "grant.manage"
	// PermGrantCredential binds the consumer's system credentials to its
	// grants (SHR-3): the consumer's officer, who keeps its credentials (ORG-5).
	PermGrantCredential Permission = "grant.credential"
	// PermMaskWrite sets the masking policy: the secadmin (SHR-5, SJZ-S-23).
	PermMaskWrite Permission = "mask.write"
	// PermTraceRead tells whom an exported file was for (SEC-5).
	PermTraceRead Permission = "trace.read"
	// PermKeyRead reads the status of the data keys — versions and the
	// progress of a rotation, never the keys (SEC-2): the secadmin.
	PermKeyRead Permission = "key.read"
	// PermScenarioRegister registers and retires application scenarios
	// (LS-19(三)); the store checks the provider and the bureau.
	PermScenarioRegister Permission = "scenario.register"
	// PermUsageWrite records how a grant's data is used, kept and
	// destroyed: the consumer's officer and leader (SHR-7, HLJ-28).
	PermUsageWrite Permission = "usage.write"
	// PermUsageRead reads usage records: the consumer's and the provider's
	// people (HLJ-28), the reviewers, the secadmin and the auditor (§1).
	PermUsageRead Permission = "usage.read"
	// PermPublicRead lists public accounts (OPN-2); PermPublicManage
	// suspends and resumes them for misuse (HLJ-43); PermPublicConfirm
	// confirms one by hand when mail cannot reach it.
	PermPublicRead    Permission = "public.read"
	PermPublicManage  Permission = "public.manage"
	PermPublicConfirm Permission = "public.confirm"
)

// anyUser marks a permission that every signed-in user holds.
var anyUser = []Role(nil)

// permissions is the table of who may do what. A role that is department
// scoped (officer, leader) holds the permission only inside its department.
var permissions = map[Permission][]Role{
	PermSignedIn:         anyUser,
	PermRegionRead:       anyUser,
	PermRegionWrite:      {RoleSysadmin},
	PermDepartmentRead:   anyUser,
	PermDepartmentEdit:   {RoleSysadmin},
	PermUserRead:         {RoleSysadmin, RoleSecadmin},
	PermUserWrite:        {RoleSysadmin, RoleSecadmin}, // each for the roles it manages (RoleManager)
	PermRoleConfirm:      {RoleSecadmin},
	PermRoleHistory:      {RoleSysadmin, RoleSecadmin, RoleAuditor},
	PermUserUnlock:       {RoleSysadmin, RoleSecadmin, RoleAuditor},
	PermCredentialManage: {RoleOfficer},
	PermCredentialRevoke: {RoleOfficer, RoleSecadmin},
	PermCredentialRead:   {RoleOfficer, RoleSecadmin},
	// SEC-1: the audit log is for the auditor alone.
	PermAuditRead: {RoleAuditor},
	// CAL-1: a sysadmin or secadmin can load or correct a year.
	PermCalendarRead:  anyUser,
	PermCalendarWrite: {RoleSysadmin, RoleSecadmin},
	// CAL-3, HLJ-42: the bureau's reviewer supervises what the bureau
	// oversees; a department's leader (分管领导) what the department owes.
	PermSupervision: {RoleReviewer, RoleLeader},

	PermDeliveryManage: {RoleSysadmin},

	PermCatalogRead:   anyUser,
	PermCatalogWrite:  {RoleOfficer},
	PermCatalogReview: {RoleReviewer},

	PermDataWrite: {RoleOfficer},
	PermDataRead:  {RoleOfficer, RoleReviewer, RoleLeader},
	// AGG-6: each acts on its own step of a maintenance request.
	PermDataMaintain: {RoleOfficer, RoleReviewer, RoleLeader},

	PermShareApply:  {RoleOfficer},
	PermShareRead:   {RoleOfficer, RoleLeader, RoleReviewer},
	PermShareDecide: {RoleOfficer, RoleLeader, RoleReviewer},
	PermDataRows:    {RoleOfficer},

	PermGrantRead:       {RoleOfficer, RoleLeader, RoleReviewer, RoleSecadmin, RoleAuditor},
	PermGrantManage:     {RoleOfficer, RoleLeader, RoleReviewer, RoleSecadmin},
	PermGrantCredential: {RoleOfficer},
	PermMaskWrite:       {RoleSecadmin},
	PermTraceRead:       {RoleSecadmin, RoleAuditor},
	PermKeyRead:         {RoleSecadmin},
	// LS-19(三): a scenario stands in for the provider's leader's sign-off
	// and the bureau's check, so it is theirs to agree.
	PermScenarioRegister: {RoleLeader, RoleReviewer},
	PermUsageWrite:       {RoleOfficer, RoleLeader},
	PermUsageRead:        {RoleOfficer, RoleLeader, RoleReviewer, RoleSecadmin, RoleAuditor},
	// HLJ-43: the bureau's reviewer oversees the portal's users and the
	// secadmin may stop one at once; the sysadmin runs the platform and
	// confirms an address by hand when SMTP is not configured.
	PermPublicRead:    {RoleReviewer, RoleSysadmin, RoleSecadmin},
	PermPublicManage:  {RoleReviewer, RoleSecadmin},
	PermPublicConfirm: {RoleSysadmin},
}

// Authorize decides whether the actor may take an action of permission p at
// all (whatever department it concerns). It returns EUNAUTHORIZED for an
// anonymous actor and EFORBIDDEN otherwise.
func Authorize(a Actor, p Permission) error {
	return AuthorizeIn(a, p, -1)
}

// AuthorizeIn decides whether the actor may take an action of permission p on
// an object of department deptID. deptID -1 means "any department": a
// department-scoped role then passes, and the caller must narrow what it
// returns to the actor's department.
func AuthorizeIn(a Actor, p Permission, deptID int64) error {
	if a.IsSystem() {
		return nil
	}
	if a.UserID == 0 {
		return Errorf(EUNAUTHORIZED, MsgUnauthorized)
	}
	if a.PasswordChangeRequired {
		return Errorf(EFORBIDDEN, MsgPasswordChange)
	}
	roles, ok := permissions[p]
	if !ok {
		return Errorf(EFORBIDDEN, MsgForbidden)
	}
	if roles == nil {
		return nil
	}
	scopedOnly := false
	for _, r := range roles {
		if !a.Has(r) {
			continue
		}
		if !r.DepartmentScoped() || deptID == -1 || a.DepartmentID == deptID {
			return nil
		}
		scopedOnly = true
	}
	if scopedOnly {
		return Errorf(EFORBIDDEN, MsgOutOfScope)
	}
	return Errorf(EFORBIDDEN, MsgForbidden)
}

// AllPermissions lists every permission of the table, sorted.
func AllPermissions() []Permission {
	ps := make([]Permission, 0, len(permissions))
	for p := range permissions {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// HeldPermissions lists, sorted, the permissions Authorize grants the actor
// — for a department-scoped role, within its department. The console builds
// its menu from them, so that no item leads to a refusal, without deciding
// roles a second time.
func HeldPermissions(a Actor) []Permission {
	held := []Permission{}
	for _, p := range AllPermissions() {
		if Authorize(a, p) == nil {
			held = append(held, p)
		}
	}
	return held
}

// AuthorizeUserRead lets a user read its own account; reading others needs PermUserRead.
func AuthorizeUserRead(a Actor, userID int64) error {
	if a.UserID != 0 && a.UserID == userID {
		return nil
	}
	return Authorize(a, PermUserRead)
}

// ScopedTo returns the department an actor's view under p is limited to, or
// 0 when the actor sees every department (it holds p through an unscoped role).
func ScopedTo(a Actor, p Permission) int64 {
	roles := permissions[p]
	if a.IsSystem() || roles == nil {
		return 0
	}
	for _, r := range roles {
		if a.Has(r) && !r.DepartmentScoped() {
			return 0
		}
	}
	return a.DepartmentID
}
