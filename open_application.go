package govdata

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Conditional opening (OPN-2): a public account applies for items of a
// conditionally open entry; the profile's open_conditional workflow
// decides (HLJ-34: the provider within 5 working days; ZJ-23: the source
// and the 办公室 within 2, with their leaders' sign-off); an approval makes
// an open grant, which the bureau or the provider may suspend (HLJ-43).

// OpenApplicationState is where an open application stands.
type OpenApplicationState string

// Open application states (open_applications.state).
const (
	OpenApplicationPending   OpenApplicationState = "pending"
	OpenApplicationApproved  OpenApplicationState = "approved"
	OpenApplicationRejected  OpenApplicationState = "rejected"
	OpenApplicationWithdrawn OpenApplicationState = "withdrawn"
)

// Valid reports whether s is a known state.
func (s OpenApplicationState) Valid() bool {
	switch s {
	case OpenApplicationPending, OpenApplicationApproved, OpenApplicationRejected, OpenApplicationWithdrawn:
		return true
	}
	return false
}

// OpenAgreementVersion is the version of the platform's 数据开放利用协议
// an applicant accepts; the portal shows its text under this version.
const OpenAgreementVersion = "2026-1"

// MaxOpenGrantDays bounds an open application's period. HLJ-34 and ZJ-23
// set no period for the use of conditionally open data; govdata's default
// is a year, after which the person applies again, so that the provider
// reviews the use it allowed at least yearly (cf. HLJ-43's supervision).
const MaxOpenGrantDays = 366

// OpenApplicationInput is what a public account asks for.
type OpenApplicationInput struct {
	EntryID  int64    `json:"entry_id"`
	Items    []string `json:"items"`
	Purpose  string   `json:"purpose"`
	Scenario string   `json:"scenario"`
	// Measures are the security measures the applicant commits to
	// (HLJ-43(二): failing them suspends its access).
	Measures          string `json:"measures"`
	ValidFrom         Date   `json:"valid_from"`
	ValidUntil        Date   `json:"valid_until"`
	AgreementVersion  string `json:"agreement_version"`
	AgreementAccepted bool   `json:"agreement_accepted"`
}

// OpenApplication is an application with where it stands.
type OpenApplication struct {
	ID                     int64                `json:"id"`
	AccountID              int64                `json:"account_id"`
	AccountName            string               `json:"account_name,omitempty"` // for staff
	EntryID                int64                `json:"entry_id"`
	EntryVersion           int                  `json:"entry_version"`
	EntryName              string               `json:"entry_name"`
	ResourceCode           string               `json:"resource_code"`
	ProviderDepartment     int64                `json:"provider_department_id"`
	ProviderDepartmentName string               `json:"provider_department_name"`
	Items                  []string             `json:"items"`
	Purpose                string               `json:"purpose"`
	Scenario               string               `json:"scenario"`
	Measures               string               `json:"measures"`
	ValidFrom              Date                 `json:"valid_from"`
	ValidUntil             Date                 `json:"valid_until"`
	AgreementVersion       string               `json:"agreement_version"`
	State                  OpenApplicationState `json:"state"`
	RefusalReason          string               `json:"refusal_reason,omitempty"`
	GrantID                int64                `json:"grant_id,omitempty"`
	// Step and Due: the current step while pending.
	Step string `json:"step,omitempty"`
	Due  *Date  `json:"due,omitempty"`
	// WorkingDaysLeft (while due) or WorkingDaysLate (once overdue): how the
	// due date stands today on the platform's calendar (CAL-3).
	WorkingDaysLeft *int              `json:"working_days_left,omitempty"`
	WorkingDaysLate *int              `json:"working_days_late,omitempty"`
	Workflow        *WorkflowInstance `json:"workflow,omitempty"`
	// Steps are the profile's chain the application runs through, for the
	// applicant, who cannot read the profile, as much as for staff.
	Steps []Step `json:"steps,omitempty"`
	// Actions the caller may take now: the step's actions for its actor;
	// withdraw for the applicant while pending.
	Actions   []Action  `json:"actions"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// OpenDecision is a staff member's action on an open application's (or a
// withdrawal's) current step. ProvincialFiling is recorded with the
// approval of a withdrawal (HLJ-35: 报省级政务数据主管部门备案).
type OpenDecision struct {
	StepSeq          int    `json:"step_seq"`
	Decision         Action `json:"decision"`
	Reason           string `json:"reason,omitempty"`
	ProvincialFiling string `json:"provincial_filing,omitempty"`
}

// OpenApplicationFilter narrows a list of open applications.
type OpenApplicationFilter struct {
	State OpenApplicationState
	Page
}

// OpenGrantState is where an open grant stands; expired is computed when
// read, past valid_until.
type OpenGrantState string

// Open grant states.
const (
	OpenGrantActive    OpenGrantState = "active"
	OpenGrantSuspended OpenGrantState = "suspended"
	OpenGrantWithdrawn OpenGrantState = "withdrawn"
	OpenGrantExpired   OpenGrantState = "expired"
)

// OpenGrant is an approved application's access to items of an entry.
type OpenGrant struct {
	ID                     int64          `json:"id"`
	ApplicationID          int64          `json:"application_id"`
	AccountID              int64          `json:"account_id"`
	AccountName            string         `json:"account_name,omitempty"`
	EntryID                int64          `json:"entry_id"`
	EntryName              string         `json:"entry_name"`
	ResourceCode           string         `json:"resource_code"`
	ProviderDepartment     int64          `json:"provider_department_id"`
	ProviderDepartmentName string         `json:"provider_department_name"`
	Items                  []string       `json:"items"`
	ValidFrom              Date           `json:"valid_from"`
	ValidUntil             Date           `json:"valid_until"`
	State                  OpenGrantState `json:"state"`
	StateReason            string         `json:"state_reason,omitempty"`
	StateChangedBy         string         `json:"state_changed_by,omitempty"`
	// Allowed: what the caller may do with it (suspend, resume).
	Allowed   []string  `json:"allowed"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// OpenGrantFilter narrows a list of open grants.
type OpenGrantFilter struct {
	State   OpenGrantState
	EntryID int64
	Page
}

// Messages of open applications.
var (
	MsgOpenAccountUnconfirmed = Msg{"账户尚未确认电子邮箱，不能申请", "confirm the account's e-mail address before applying"}
	MsgOpenAccountSuspended   = Msg{"账户已被暂停，不能申请（%s）", "the account is suspended and cannot apply (%s)"}
	MsgOpenNotConditional     = Msg{"该数据不是有条件开放数据，无需申请或不能申请", "this data is not conditionally open: there is nothing to apply for"}
	MsgOpenEntryNotFound      = Msg{"开放数据不存在", "open data not found"}
	MsgOpenItemsRequired      = Msg{"请至少选择一个数据项", "choose at least one item"}
	MsgOpenItemDuplicate      = Msg{"数据项“%s”重复", "%q is listed twice"}
	MsgOpenItemUnknown        = Msg{"数据项“%s”不在该数据的开放数据项中", "%q is not one of the entry's opened items"}
	MsgOpenPeriod             = Msg{"使用期限应自今天或以后开始，结束不早于开始，且不超过 %d 天", "the period must start today or later, end on or after its start, and last at most %d days"}
	MsgOpenAgreement          = Msg{"须阅读并同意当前版本（%s）的数据开放利用协议", "read and accept the current version (%s) of the open-data use agreement"}
	MsgOpenApplicationMissing = Msg{"开放申请不存在", "open application not found"}
	MsgOpenNotPending         = Msg{"该申请已办结（%s），不能撤回", "this application is closed (%s) and cannot be withdrawn"}
	MsgOpenGrantMissing       = Msg{"开放授权不存在", "open grant not found"}
	MsgOpenGrantState         = Msg{"该授权当前为“%s”，不能执行此操作", "the grant is %s: this cannot be done to it"}
	MsgOpenGrantManager       = Msg{"只有数据提供部门或同级政务数据主管部门可以暂停或恢复开放授权", "only the provider or the bureau of its level suspends or resumes an open grant"}
	MsgOpenReasonRequired     = Msg{"请说明理由", "give a reason"}
	MsgOpenPublicOnly         = Msg{"只有公众账户可以申请开放数据", "only a public account applies for open data"}
)

const maxOpenText = 2000

// ValidateOpenApplication checks an application's own fields against the
// entry's opened items and today (HLJ-34; the period's bound is
// MaxOpenGrantDays). The account and the entry's standing are the store's.
func ValidateOpenApplication(in OpenApplicationInput, opened []string, today Date) error {
	var fe FieldErrors
	if len(in.Items) == 0 {
		fe.Add("items", MsgOpenItemsRequired)
	}
	seen := map[string]bool{}
	for _, it := range in.Items {
		if !slices.Contains(opened, it) {
			fe.Add("items", MsgOpenItemUnknown, it)
		}
		if seen[it] {
			fe.Add("items", MsgOpenItemDuplicate, it)
		}
		seen[it] = true
	}
	for field, v := range map[string]string{"purpose": in.Purpose, "scenario": in.Scenario, "measures": in.Measures} {
		if strings.TrimSpace(v) == "" {
			fe.Add(field, MsgRequired)
		} else if len([]rune(v)) > maxOpenText {
			fe.Add(field, MsgTooLong, maxOpenText)
		}
	}
	if in.ValidFrom.IsZero() || in.ValidUntil.IsZero() || in.ValidFrom.Before(today) || in.ValidUntil.Before(in.ValidFrom) ||
		in.ValidFrom.AddDays(MaxOpenGrantDays-1).Before(in.ValidUntil) {
		fe.Add("valid_until", MsgOpenPeriod, MaxOpenGrantDays)
	}
	if !in.AgreementAccepted || in.AgreementVersion != OpenAgreementVersion {
		fe.Add("agreement_accepted", MsgOpenAgreement, OpenAgreementVersion)
	}
	return fe.Err()
}

// OpenApplicationService runs conditional-open applications and their
// grants (OPN-2, HLJ-34, HLJ-43, ZJ-23). A public account sees and acts on
// its own; staff on their department's and their bureau's region's.
type OpenApplicationService interface {
	// ApplyOpen files an application of the signed-in public account.
	// EFORBIDDEN for an unconfirmed or suspended account or a staff caller,
	// ENOTFOUND for an entry not in the open catalog, ECONFLICT for one not
	// conditionally open, EINVALID for bad items, period or agreement.
	ApplyOpen(ctx context.Context, in OpenApplicationInput) (*OpenApplication, error)
	// FindOpenApplications: a public account's own; staff's as above.
	FindOpenApplications(ctx context.Context, f OpenApplicationFilter) (List[*OpenApplication], error)
	FindOpenApplicationByID(ctx context.Context, id int64) (*OpenApplication, error)
	// WithdrawOpenApplication: the applicant withdraws its pending one.
	WithdrawOpenApplication(ctx context.Context, id int64) (*OpenApplication, error)
	// DecideOpenApplication acts on the current step as its actor; a
	// refusal needs a reason, shown to the applicant (HLJ-34, ZJ-23).
	DecideOpenApplication(ctx context.Context, id int64, d OpenDecision) (*OpenApplication, error)
	// FindOpenGrants: a public account's own; staff's as for applications.
	FindOpenGrants(ctx context.Context, f OpenGrantFilter) (List[*OpenGrant], error)
	// SuspendOpenGrant and ResumeOpenGrant (HLJ-43): the provider or the
	// bureau, with a reason; the holder is told.
	SuspendOpenGrant(ctx context.Context, id int64, reason string) (*OpenGrant, error)
	ResumeOpenGrant(ctx context.Context, id int64, reason string) (*OpenGrant, error)
}
