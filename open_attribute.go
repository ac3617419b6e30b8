package govdata

import (
	"context"
	"time"
)

// Approval of an entry's open attribute (ZJ-20): under a profile with the
// open_attribute workflow, a catalog review that approves a version whose
// open attribute differs from the one in force starts that workflow; the
// open catalog keeps the attribute in force (a new entry: not open) until
// the source, the 办公室 and the 数字中心's leader have approved. Under a
// profile without it the catalog review alone makes the attribute
// effective.

// OpenAttribute is what of an entry decides how it is opened: its open
// type and the conditions of conditional opening (ZJ-19, HLJ-33).
type OpenAttribute struct {
	OpenType       OpenType `json:"open_type"`
	OpenConditions string   `json:"open_conditions,omitempty"`
}

// OpenAttribute returns the entry's open attribute.
func (in EntryInput) OpenAttribute() OpenAttribute {
	a := OpenAttribute{OpenType: in.OpenType, OpenConditions: in.OpenConditions}
	if a.OpenType == "" {
		a.OpenType = OpenNone
	}
	return a
}

// WithOpenAttribute returns in with the open attribute a.
func (in EntryInput) WithOpenAttribute(a OpenAttribute) EntryInput {
	in.OpenType, in.OpenConditions = a.OpenType, a.OpenConditions
	return in
}

// NotOpen is the attribute of an entry none of whose versions is in force.
var NotOpen = OpenAttribute{OpenType: OpenNone}

// OpenAttributeState is where an approval stands.
type OpenAttributeState string

// Approval states (open_attribute_approvals.state).
const (
	OpenAttributePending  OpenAttributeState = "pending"
	OpenAttributeApproved OpenAttributeState = "approved"
	OpenAttributeRejected OpenAttributeState = "rejected"
	// OpenAttributeSuperseded: a later approved version replaced the one
	// this approval was for, before it was decided.
	OpenAttributeSuperseded OpenAttributeState = "superseded"
)

// Valid reports whether s is a known state.
func (s OpenAttributeState) Valid() bool {
	switch s {
	case OpenAttributePending, OpenAttributeApproved, OpenAttributeRejected, OpenAttributeSuperseded:
		return true
	}
	return false
}

// OpenAttributeApproval is one version's open attribute on its way to
// taking effect, with the one in force beside it.
type OpenAttributeApproval struct {
	ID                     int64              `json:"id"`
	EntryID                int64              `json:"entry_id"`
	EntryName              string             `json:"entry_name"`
	ResourceCode           string             `json:"resource_code"`
	ProviderDepartment     int64              `json:"provider_department_id"`
	ProviderDepartmentName string             `json:"provider_department_name"`
	Version                int                `json:"version"`
	Proposed               OpenAttribute      `json:"proposed"`
	EffectiveVersion       int                `json:"effective_version"` // 0: none in force (not open)
	Effective              OpenAttribute      `json:"effective"`
	State                  OpenAttributeState `json:"state"`
	CreatedAt              time.Time          `json:"created_at"`
	DecidedAt              *time.Time         `json:"decided_at,omitempty"`
	Step                   string             `json:"step,omitempty"`
	Due                    *Date              `json:"due,omitempty"`
	WorkingDaysLeft        *int               `json:"working_days_left,omitempty"`
	WorkingDaysLate        *int               `json:"working_days_late,omitempty"`
	Workflow               *WorkflowInstance  `json:"workflow,omitempty"`
	Actions                []Action           `json:"actions"`
}

// OpenAttributeFilter narrows the staff's list.
type OpenAttributeFilter struct {
	State OpenAttributeState
	Page
}

// Messages of open attribute approvals.
var (
	MsgOpenAttributeMissing = Msg{"开放属性审批不存在", "open attribute approval not found"}
	MsgOpenAttributeClosed  = Msg{"该开放属性审批已办结（%s）", "this open attribute approval is closed (%s)"}
)

// NoticeOpenAttribute tells the provider how its entry's open attribute
// was decided (ZJ-20).
const NoticeOpenAttribute = "open_attribute"

// OpenAttributeService runs the approvals of open attributes (ZJ-20).
type OpenAttributeService interface {
	// FindOpenAttributes: the provider's people see their department's;
	// the bureau its region's; the platform's secadmin and auditor all.
	// EFORBIDDEN for a public account.
	FindOpenAttributes(ctx context.Context, f OpenAttributeFilter) (List[*OpenAttributeApproval], error)
	FindOpenAttributeByID(ctx context.Context, id int64) (*OpenAttributeApproval, error)
	// DecideOpenAttribute takes the current step's decision (approve,
	// sign or reject, a refusal with its reason). The last approval puts
	// the version's attribute in force and re-indexes the open catalog; a
	// refusal keeps the attribute in force and tells the provider.
	DecideOpenAttribute(ctx context.Context, id int64, d OpenDecision) (*OpenAttributeApproval, error)
}
