package govdata

import (
	"context"
	"time"
)

// Withdrawal of open data (OPN-3, HLJ-35): the provider asks to take an
// open dataset down, with a reason; the bureau of the same level reviews
// it and records the filing with the provincial bureau; once approved the
// entry leaves the open catalog, every open grant on it ends (its holders
// are told) and the withdrawal is announced on the portal.
//
// Reopening: an approved withdrawal is final for the entry. HLJ-35 makes
// taking open data down the bureau's decision, filed with the province and
// announced to the public by resource code; reopening the same code would
// make that notice untrue and revive grants that were ended. A provider
// that wants to open the data again catalogues it anew (a new entry and
// code), which goes through the catalog's review (HLJ-33) like any open
// data; a catalog change of the withdrawn entry does not clear
// open_withdrawn_at (the indexer keeps it out of the open catalog).

// OpenWithdrawalState is where a withdrawal request stands.
type OpenWithdrawalState string

// Withdrawal states (open_withdrawals.state).
const (
	OpenWithdrawalPending   OpenWithdrawalState = "pending"
	OpenWithdrawalApproved  OpenWithdrawalState = "approved"
	OpenWithdrawalRejected  OpenWithdrawalState = "rejected"
	OpenWithdrawalWithdrawn OpenWithdrawalState = "withdrawn"
)

// Valid reports whether s is a known state.
func (s OpenWithdrawalState) Valid() bool {
	switch s {
	case OpenWithdrawalPending, OpenWithdrawalApproved, OpenWithdrawalRejected, OpenWithdrawalWithdrawn:
		return true
	}
	return false
}

// OpenWithdrawalInput is the provider's request.
type OpenWithdrawalInput struct {
	EntryID int64  `json:"entry_id"`
	Reason  string `json:"reason"`
}

// OpenWithdrawal is a request with where it stands.
type OpenWithdrawal struct {
	ID                     int64               `json:"id"`
	EntryID                int64               `json:"entry_id"`
	EntryName              string              `json:"entry_name"`
	ResourceCode           string              `json:"resource_code"`
	ProviderDepartment     int64               `json:"provider_department_id"`
	ProviderDepartmentName string              `json:"provider_department_name"`
	Reason                 string              `json:"reason"`
	State                  OpenWithdrawalState `json:"state"`
	ProvincialFiling       string              `json:"provincial_filing,omitempty"`
	RequestedBy            string              `json:"requested_by"`
	RequestedAt            time.Time           `json:"requested_at"`
	DecidedAt              *time.Time          `json:"decided_at,omitempty"`
	Step                   string              `json:"step,omitempty"`
	Due                    *Date               `json:"due,omitempty"`
	WorkingDaysLeft        *int                `json:"working_days_left,omitempty"`
	WorkingDaysLate        *int                `json:"working_days_late,omitempty"`
	Workflow               *WorkflowInstance   `json:"workflow,omitempty"`
	Actions                []Action            `json:"actions"`
}

// WithdrawalNotice is the public notice of an approved withdrawal
// (HLJ-35: 通过数据开放平台进行公告).
type WithdrawalNotice struct {
	ID             int64     `json:"id"`
	EntryID        int64     `json:"entry_id"`
	EntryName      string    `json:"entry_name"`
	ResourceCode   string    `json:"resource_code"`
	DepartmentName string    `json:"department_name"`
	Reason         string    `json:"reason"`
	WithdrawnAt    time.Time `json:"withdrawn_at"`
}

// OpenWithdrawalFilter narrows the staff's list.
type OpenWithdrawalFilter struct {
	State OpenWithdrawalState
	Page
}

// Messages of withdrawals.
var (
	MsgWithdrawalMissing = Msg{"撤回开放申请不存在", "withdrawal request not found"}
	MsgWithdrawalNotOpen = Msg{"只有已发布的开放数据可以撤回开放", "only published open data can be withdrawn"}
	MsgWithdrawalPending = Msg{"该数据已有待审核的撤回开放申请", "a withdrawal of this data is already pending"}
	MsgWithdrawalOfficer = Msg{"只有数据提供部门的数据专员可以申请撤回开放", "only the provider's officer requests a withdrawal"}
	MsgWithdrawalFiling  = Msg{"请填写报省级政务数据主管部门备案的情况", "record the filing with the provincial bureau"}
	MsgWithdrawalReason  = Msg{"请说明撤回开放的理由", "give the reason for the withdrawal"}
)

// OpenWithdrawalService runs withdrawals of open data (OPN-3, HLJ-35).
type OpenWithdrawalService interface {
	// RequestWithdrawal: the provider's officer, for a published open entry
	// of its department not yet withdrawn and without a pending request.
	RequestWithdrawal(ctx context.Context, in OpenWithdrawalInput) (*OpenWithdrawal, error)
	// FindWithdrawals: the provider's people see their department's; the
	// bureau its region's.
	FindWithdrawals(ctx context.Context, f OpenWithdrawalFilter) (List[*OpenWithdrawal], error)
	FindWithdrawalByID(ctx context.Context, id int64) (*OpenWithdrawal, error)
	// DecideWithdrawal: the bureau's reviewer approves (with the
	// provincial filing) or rejects (with a reason); the requesting
	// officer may withdraw its request while pending (decision withdraw).
	DecideWithdrawal(ctx context.Context, id int64, d OpenDecision) (*OpenWithdrawal, error)
	// WithdrawalNotices: the approved withdrawals, newest first, for anyone.
	WithdrawalNotices(ctx context.Context, p Page) (List[*WithdrawalNotice], error)
}
