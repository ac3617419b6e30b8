package govdata

import (
	"context"
	"time"
)

// Grants (SHR-3): what an approved application gives its consumer, and
// how its use is watched (SHR-6).

// GrantState is where a grant is (SHR-3).
type GrantState string

// Grant states.
const (
	GrantActive    GrantState = "active"
	GrantSuspended GrantState = "suspended" // stopped for now; resume brings it back
	GrantRevoked   GrantState = "revoked"   // ended for good
	GrantExpired   GrantState = "expired"   // its period is over (by itself)
)

// Grant is what an approved application gives its consumer (SHR-3): the
// items of one entry, the rows of a region scope, for a purpose, by a
// method, for a period.
type Grant struct {
	ID                 int64       `json:"id"`
	ApplicationID      int64       `json:"application_id"`
	EntryID            int64       `json:"entry_id"`
	ResourceCode       string      `json:"resource_code"`
	ConsumerDepartment int64       `json:"consumer_department_id"`
	ProviderDepartment int64       `json:"provider_department_id"`
	Items              []string    `json:"items"`
	RegionScope        []string    `json:"region_scope"`
	Purpose            string      `json:"purpose"`
	Method             ShareMethod `json:"method"`
	ValidFrom          Date        `json:"valid_from"`
	ValidUntil         Date        `json:"valid_until"`
	State              GrantState  `json:"state"`
	StateReason        string      `json:"state_reason,omitempty"`
	// UnmaskedItems are served without their masks (SHR-5: the approval
	// included the provider's leader).
	UnmaskedItems []string `json:"unmasked_items"`
	// ExportSensitive permits exporting items at sensitivity 3–4 (SEC-5).
	ExportSensitive bool      `json:"export_sensitive"`
	Usage           Usage     `json:"usage"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	// Allowed is what the caller may do with the grant now (AllowedOnGrant),
	// set when one grant is read or changed: the console shows only these
	// actions instead of deciding roles itself.
	Allowed *GrantAllowed `json:"allowed,omitempty"`
}

// GrantAllowed says which actions on a grant its services would take
// from an actor, by the same rules (MayManageGrant, MayBindCredentials,
// MayRecordUsage, MayResolveFlag) and the grant's state.
type GrantAllowed struct {
	Suspend bool `json:"suspend"`
	Resume  bool `json:"resume"`
	Revoke  bool `json:"revoke"`
	// BindCredential: bind an existing credential or issue a new one
	// (an active grant only); UnbindCredential in any state.
	BindCredential   bool `json:"bind_credential"`
	UnbindCredential bool `json:"unbind_credential"`
	RecordUsage      bool `json:"record_usage"`
	ResolveIdle      bool `json:"resolve_idle"`
	ResolveVolume    bool `json:"resolve_volume"`
}

// MayManageGrant: SHR-3 — the provider's officer or leader, a reviewer
// (the bureau) or the secadmin suspends, resumes and revokes a grant.
func MayManageGrant(a Actor, provider int64) bool {
	return a.IsSystem() || a.Has(RoleSecadmin) || a.Has(RoleReviewer) ||
		(a.DepartmentID != 0 && a.DepartmentID == provider && (a.Has(RoleOfficer) || a.Has(RoleLeader)))
}

// MayBindCredentials: the consumer's officer keeps its systems'
// credentials (ORG-5), so it binds and unbinds them.
func MayBindCredentials(a Actor, consumer int64) bool {
	return AuthorizeIn(a, PermGrantCredential, consumer) == nil
}

// MayRecordUsage: HLJ-28 — the department using the data records its use,
// storage and destruction (its officer or leader).
func MayRecordUsage(a Actor, consumer int64) bool {
	return Authorize(a, PermUsageWrite) == nil && a.DepartmentID != 0 && a.DepartmentID == consumer
}

// MayResolveFlag: HLJ-27 — the consumer's officer or leader rectifies an
// idle flag; SHR-6 — the provider's officer or leader, a reviewer or the
// secadmin reviews unusual volume.
func MayResolveFlag(a Actor, kind GrantFlagKind, consumer, provider int64) bool {
	dept := func(d int64) bool {
		return a.DepartmentID != 0 && a.DepartmentID == d && (a.Has(RoleOfficer) || a.Has(RoleLeader))
	}
	switch kind {
	case FlagIdle:
		return dept(consumer)
	case FlagVolume:
		return dept(provider) || a.Has(RoleReviewer) || a.Has(RoleSecadmin)
	}
	return false
}

// AllowedOnGrant is what a may do with g in its (effective) state.
func AllowedOnGrant(a Actor, g *Grant) GrantAllowed {
	if a.PasswordChangeRequired {
		return GrantAllowed{}
	}
	manage := MayManageGrant(a, g.ProviderDepartment)
	can := func(action GrantAction) bool {
		_, err := NextGrantState(g.State, action)
		return manage && err == nil
	}
	creds := MayBindCredentials(a, g.ConsumerDepartment)
	return GrantAllowed{
		Suspend:          can(GrantSuspend),
		Resume:           can(GrantResume),
		Revoke:           can(GrantRevoke),
		BindCredential:   creds && g.State == GrantActive,
		UnbindCredential: creds,
		RecordUsage:      MayRecordUsage(a, g.ConsumerDepartment),
		ResolveIdle:      MayResolveFlag(a, FlagIdle, g.ConsumerDepartment, g.ProviderDepartment),
		ResolveVolume:    MayResolveFlag(a, FlagVolume, g.ConsumerDepartment, g.ProviderDepartment),
	}
}

// Usage counts a grant's data-service calls (SHR-6).
type Usage struct {
	Calls int64 `json:"calls"` // answered calls
	Rows  int64 `json:"rows"`  // rows returned, exported or matched
	// Refused counts calls refused for asking outside the grant: items
	// not granted, a method the grant lacks (SHR-6).
	Refused    int64      `json:"refused"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// EffectiveState is the grant's state on day today: an active or
// suspended grant whose period ended is expired, by itself (SHR-3).
func (g *Grant) EffectiveState(today Date) GrantState {
	if (g.State == GrantActive || g.State == GrantSuspended) && g.ValidUntil.Before(today) {
		return GrantExpired
	}
	return g.State
}

// GrantAction changes a grant's state.
type GrantAction string

// Grant actions.
const (
	GrantSuspend GrantAction = "suspend"
	GrantResume  GrantAction = "resume"
	GrantRevoke  GrantAction = "revoke"
)

// Messages of grants.
var (
	MsgGrantNotFound = Msg{"授权不存在", "grant not found"}
	MsgGrantState    = Msg{"授权当前状态（%s）不能%s", "the grant is %s and cannot %s"}
	MsgGrantManager  = Msg{"只有数据提供部门、主管部门或安全管理员可以暂停、恢复或撤销授权", "only the provider, the bureau or the security administrator suspends, resumes or revokes a grant"}
)

// NextGrantState is the state after action, or an error: suspend an
// active grant, resume a suspended one, revoke either (SHR-3).
func NextGrantState(state GrantState, action GrantAction) (GrantState, error) {
	switch {
	case action == GrantSuspend && state == GrantActive:
		return GrantSuspended, nil
	case action == GrantResume && state == GrantSuspended:
		return GrantActive, nil
	case action == GrantRevoke && (state == GrantActive || state == GrantSuspended):
		return GrantRevoked, nil
	}
	return "", Errorf(ECONFLICT, MsgGrantState, string(state), string(action))
}

// GrantFilter selects grants: the caller's department's as consumer (Side
// "consumer") or as provider (Side "provider"); reviewers and the
// secadmin see all.
type GrantFilter struct {
	Side    string
	EntryID int64
	Page
}

// GrantList is a page of grants, newest first.
type GrantList = List[*Grant]

// GrantChange is a state change with its reason.
type GrantChange struct {
	Reason string `json:"reason"`
}

// GrantCredentialInput names the system credential that will call with a
// grant (SHR-3): an existing credential of the consumer department
// (CredentialID), or a new one issued now (Name). One credential may serve
// several of the consumer's grants.
type GrantCredentialInput struct {
	CredentialID int64  `json:"credential_id,omitempty"`
	Name         string `json:"name,omitempty"`
}

// GrantCredential is a credential bound to a grant; Secret is set only
// when the credential was issued by the call, and shown that once.
type GrantCredential struct {
	GrantID    int64      `json:"grant_id"`
	Credential Credential `json:"credential"`
	Secret     string     `json:"secret,omitempty"`
	BoundAt    time.Time  `json:"bound_at"`
	BoundBy    string     `json:"bound_by"`
}

// Messages of grant credentials.
var (
	MsgGrantCredentialOne   = Msg{"请给出 credential_id（已有凭证）或 name（新签发的凭证）之一", "give either credential_id (an existing credential) or name (a new one)"}
	MsgGrantCredentialDept  = Msg{"只能使用获得授权的部门自己的应用凭证", "only a credential of the consumer department can call with its grant"}
	MsgGrantCredentialBound = Msg{"该凭证已绑定此授权", "the credential is already bound to this grant"}
	MsgGrantNotActive       = Msg{"授权当前状态为 %s", "the grant is %s"}
)

// GrantService keeps grants (SHR-3). A grant is seen by its consumer's and
// provider's people, the reviewers, the secadmin and the auditor; to
// anyone else it is answered ENOTFOUND (Hidden), as for no grant.
type GrantService interface {
	// FindGrantByID returns ENOTFOUND also for a grant the caller may not see.
	FindGrantByID(ctx context.Context, id int64) (*Grant, error)
	// FindGrants lists the grants the caller sees, newest first; EINVALID
	// for a bad side or cursor.
	FindGrants(ctx context.Context, f GrantFilter) (GrantList, error)
	// ChangeGrant suspends, resumes or revokes a grant, with a reason, as
	// its provider's officer or leader, a reviewer or the secadmin;
	// ENOTFOUND: no such grant or not visible; EFORBIDDEN: anyone else;
	// EINVALID without a reason, ECONFLICT from the wrong state (also when
	// another change came first).
	ChangeGrant(ctx context.Context, id int64, action GrantAction, reason string) (*Grant, error)
	// BindCredential lets a credential of the consumer call with the grant,
	// issuing a new one when in names none; the consumer's officer only.
	// ENOTFOUND: no such grant or credential, or not visible; EFORBIDDEN:
	// not the consumer's officer; EINVALID: neither or both of a
	// credential and a name, a bad name, another department's credential;
	// ECONFLICT for a grant that is not active or a credential revoked or
	// already bound.
	BindCredential(ctx context.Context, grantID int64, in GrantCredentialInput) (*GrantCredential, error)
	// FindGrantCredentials lists the credentials bound to a grant;
	// ENOTFOUND: no such grant or not visible.
	FindGrantCredentials(ctx context.Context, grantID int64) ([]*GrantCredential, error)
	// UnbindCredential stops a credential calling with the grant.
	// ENOTFOUND: no such grant or credential, not visible, or not bound;
	// EFORBIDDEN: not the consumer's officer.
	UnbindCredential(ctx context.Context, grantID, credentialID int64) error
}

// GrantFlagKind is why a grant was flagged (SHR-6).
type GrantFlagKind string

// Flag kinds.
const (
	// FlagIdle: unused for the profile's idle period (HLJ-27: 3 months);
	// rectified by the consumer by its date, or the grant is suspended.
	FlagIdle GrantFlagKind = "idle"
	// FlagVolume: a credential called far more than it does (SHR-6).
	FlagVolume GrantFlagKind = "volume"
)

// GrantFlagState is where a flag is.
type GrantFlagState string

// Flag states.
const (
	FlagOpen      GrantFlagState = "open"
	FlagUsed      GrantFlagState = "used"      // idle: the grant was used again
	FlagRectified GrantFlagState = "rectified" // idle: the consumer explained, with its reason
	FlagSuspended GrantFlagState = "suspended" // idle: not rectified by its date; the grant was suspended
	FlagReviewed  GrantFlagState = "reviewed"  // volume: the provider, bureau or secadmin looked into it
)

// GrantFlag is a flag raised on a grant by the monitoring (SHR-6).
type GrantFlag struct {
	ID                 int64          `json:"id"`
	GrantID            int64          `json:"grant_id"`
	EntryID            int64          `json:"entry_id"`
	ConsumerDepartment int64          `json:"consumer_department_id"`
	ProviderDepartment int64          `json:"provider_department_id"`
	Kind               GrantFlagKind  `json:"kind"`
	CredentialID       int64          `json:"credential_id,omitempty"` // volume: whose calls
	Detail             Text           `json:"detail"`
	RaisedAt           time.Time      `json:"raised_at"`
	RectifyBy          *Date          `json:"rectify_by,omitempty"` // idle: the last day to rectify
	State              GrantFlagState `json:"state"`
	ResolvedAt         *time.Time     `json:"resolved_at,omitempty"`
	ResolvedBy         string         `json:"resolved_by,omitempty"`
	Resolution         string         `json:"resolution,omitempty"`
}

// GrantFlagFilter selects flags the caller may see: of its department's
// grants (either side); reviewers, the secadmin and the auditor see all.
type GrantFlagFilter struct {
	GrantID int64
	Kind    GrantFlagKind
	State   GrantFlagState
	Page
}

// DailyUsage is one day of one credential's calls with a grant (SHR-6:
// the provider sees how its data is used).
type DailyUsage struct {
	Day          Date  `json:"day"`
	CredentialID int64 `json:"credential_id"`
	Calls        int64 `json:"calls"`
	Rows         int64 `json:"rows"`
	Refused      int64 `json:"refused"`
}

// GrantSweep is what a monitoring sweep did.
type GrantSweep struct {
	Flagged   int `json:"flagged"`   // idle flags raised
	Used      int `json:"used"`      // idle flags cleared by use
	Suspended int `json:"suspended"` // grants suspended for a flag not rectified
	Volume    int `json:"volume"`    // volume flags raised
}

// The volume rule (SHR-6): a credential's calls with a grant in one day
// are unusual above both VolumeFloor and VolumeFactor times its mean of
// the VolumeDays days before.
const (
	VolumeFloor  = 10000
	VolumeFactor = 5
	VolumeDays   = 28
)

// UnusualVolume applies the volume rule to a day's calls and the calls of
// the days before (missing days count as none).
func UnusualVolume(today int64, before []int64) bool {
	var sum int64
	for _, n := range before {
		sum += n
	}
	mean := float64(sum) / VolumeDays
	return today > VolumeFloor && float64(today) > VolumeFactor*mean
}

// Messages of grant monitoring.
var (
	MsgFlagNotFound  = Msg{"监测标记不存在", "flag not found"}
	MsgFlagClosed    = Msg{"该标记已处理（%s）", "the flag is closed (%s)"}
	MsgFlagResolver  = Msg{"闲置标记由数据使用部门整改说明；调用量异常标记由数据提供部门、主管部门或安全管理员核查", "an idle flag is rectified by the consumer; a volume flag is reviewed by the provider, the bureau or the security administrator"}
	MsgUsageRange    = Msg{"日期范围应为 from ≤ to，最长 %d 天", "the range must have from ≤ to and span at most %d days"}
	MsgFlagIdleTitle = Msg{"授权 %d（%s）已 %d 个月未调用，请于 %s 前整改（使用或说明），逾期将暂停", "grant %d (%s) has not been used for %d months; rectify (use it or explain) by %s or it is suspended"}
	MsgFlagSuspended = Msg{"授权 %d（%s）闲置未整改，已暂停", "grant %d (%s) stayed idle without rectification and is suspended"}
	MsgFlagVolume    = Msg{"授权 %d（%s）的应用凭证 %d 今日调用 %d 次，远超其近 %d 日平均（%.0f 次/日）", "grant %d (%s): credential %d called %d times today, far above its mean of the last %d days (%.0f a day)"}
)

// MaxUsageDays bounds a daily-usage range.
const MaxUsageDays = 366

// GrantMonitor watches grants' use (SHR-6).
type GrantMonitor interface {
	// FindGrantFlags lists flags of the grants the caller sees, newest
	// first; EFORBIDDEN for a role that reads no grants; EINVALID for a
	// bad kind, state or cursor.
	FindGrantFlags(ctx context.Context, f GrantFlagFilter) (List[*GrantFlag], error)
	// ResolveGrantFlag closes an open flag with a reason: an idle flag by
	// the consumer's officer or leader (rectified), a volume flag by the
	// provider's officer or leader, a reviewer or the secadmin (reviewed).
	// ENOTFOUND: no such flag or its grant not visible; EFORBIDDEN: anyone
	// else; EINVALID without a reason; ECONFLICT: the flag is closed.
	ResolveGrantFlag(ctx context.Context, id int64, reason string) (*GrantFlag, error)
	// FindDailyUsage lists a grant's calls by day and credential;
	// ENOTFOUND: no such grant or not visible; EINVALID: a range reversed
	// or longer than MaxUsageDays.
	FindDailyUsage(ctx context.Context, grantID int64, from, to Date) ([]DailyUsage, error)
	// SweepGrants raises idle and volume flags, clears idle flags of used
	// grants and suspends grants whose flag passed its date (the
	// scheduler); EFORBIDDEN unless the platform.
	SweepGrants(ctx context.Context) (GrantSweep, error)
}
