package govdata

import (
	"context"
	"time"
)

// Maintenance of stored data (AGG-6; SX-31, SX-32): rows of a dataset are
// changed or deleted outside an ingest only through the profile's
// data_maintenance workflow — the provider applies, the bureau approves,
// the provider makes the change, its leader verifies — and every change
// leaves the replaced row in the history, written by a batch of source
// "maintenance".

// Row change operations.
const (
	RowUpdate = "update"
	RowDelete = "delete"
)

// MaxRowChanges bounds one maintenance request; more is a new ingest.
const MaxRowChanges = 1000

// RowChange is one change to one stored row.
type RowChange struct {
	Op string `json:"op"` // update | delete
	// Where selects exactly one stored row by exact values (its key).
	Where map[string]string `json:"where"`
	// Values are the new values of the items named (update only); an
	// empty string clears the value.
	Values map[string]string `json:"values,omitempty"`
}

// MaintenanceInput is what the provider's officer applies for.
type MaintenanceInput struct {
	Reason  string      `json:"reason"`
	Changes []RowChange `json:"changes"`
}

// MaintenanceState is where a request is.
type MaintenanceState string

// Maintenance states.
const (
	MaintenanceOpen      MaintenanceState = "open"      // in its workflow
	MaintenanceDone      MaintenanceState = "done"      // applied and verified
	MaintenanceRejected  MaintenanceState = "rejected"  // refused by the bureau: nothing changed
	MaintenanceWithdrawn MaintenanceState = "withdrawn" // given up before the change
)

// Maintenance is one request to change stored rows.
type Maintenance struct {
	ID           int64             `json:"id"`
	EntryID      int64             `json:"entry_id"`
	DepartmentID int64             `json:"department_id"`
	Reason       string            `json:"reason"`
	Changes      []RowChange       `json:"changes"`
	State        MaintenanceState  `json:"state"`
	Workflow     *WorkflowInstance `json:"workflow,omitempty"`
	// BatchID is the batch that made the change (the last one, after a
	// rework), once made.
	BatchID   int64     `json:"batch_id,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// MaintenanceDecision acts on a request's current step: approve or reject
// (the bureau), approve = make the change now, or withdraw (the provider's
// officer; at a rework, Changes may replace the request's), approve or
// return (the leader's verification).
type MaintenanceDecision struct {
	Action  Action      `json:"action"`
	Comment string      `json:"comment,omitempty"`
	Changes []RowChange `json:"changes,omitempty"`
}

// MaintenanceList is a page of requests, newest first.
type MaintenanceList struct {
	Items      []*Maintenance `json:"items"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// MaintenanceService runs maintenance requests (AGG-6).
type MaintenanceService interface {
	// FileMaintenance applies for a change of an entry's stored rows (the
	// provider's officer); EINVALID names the change and item at fault
	// (or a missing reason). ENOTFOUND: no such entry or not visible;
	// EFORBIDDEN: not an officer of its department; ECONFLICT: no dataset
	// (never published), sealed items and no data keys, or no data bureau
	// at or above its region.
	FileMaintenance(ctx context.Context, entryID int64, in MaintenanceInput) (*Maintenance, error)
	// DecideMaintenance acts on the current step; the change step's
	// approve writes the rows (ECONFLICT when a change no longer selects
	// exactly one row, or breaks the key). ENOTFOUND as
	// FindMaintenanceByID's; EFORBIDDEN: not the step's actor; EINVALID:
	// bad changes, a missing reason, an action the step does not take;
	// ECONFLICT also for changes outside the rework step, a closed step or
	// a lost race, sealed items and no data keys.
	DecideMaintenance(ctx context.Context, id int64, d MaintenanceDecision) (*Maintenance, error)
	// FindMaintenanceByID returns a request with its workflow; ENOTFOUND
	// for no such request and for one the caller may not see (see
	// DatasetService); ECONFLICT: sealed changes and no data keys.
	FindMaintenanceByID(ctx context.Context, id int64) (*Maintenance, error)
	// FindMaintenance lists an entry's requests, newest first. ENOTFOUND:
	// no such entry or not visible; EFORBIDDEN: one who may not see its
	// dataset (see DatasetService); EINVALID: a bad cursor; ECONFLICT:
	// sealed changes and no data keys.
	FindMaintenance(ctx context.Context, entryID int64, page Page) (MaintenanceList, error)
}

// Messages of maintenance.
var (
	MsgMaintenanceOp      = Msg{"op 应为 update 或 delete", "op must be update or delete"}
	MsgMaintenanceWhere   = Msg{"须给出选定一行的条件（主键）", "give the values that select one row (its key)"}
	MsgMaintenanceValues  = Msg{"update 须给出新值；delete 不能给出新值", "an update needs new values; a delete takes none"}
	MsgMaintenanceMatch   = Msg{"第 %d 项修改选中了 %d 行，应恰好 1 行", "change %d selects %d rows; it must select exactly one"}
	MsgMaintenanceInvalid = Msg{"第 %d 项修改后的行未通过校验：%s", "change %d leaves a row that fails the checks: %s"}
	MsgMaintenanceKey     = Msg{"第 %d 项修改后的主键与已有的行重复", "change %d gives a row the key of another stored row"}
	MsgMaintenanceNone    = Msg{"维护申请不存在", "maintenance request not found"}
	MsgMaintenanceStep    = Msg{"当前步骤（%s）不能执行此操作", "the current step (%s) does not allow this"}
)
