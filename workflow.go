package govdata

import (
	"context"
	"slices"
	"time"
)

// The rules of the workflow engine (CAL-2) as pure functions: what an
// action does at a step of a profile's workflow, and who may take it. The
// store keeps instances and their steps and calls these.

// InstanceState is where a workflow instance stands.
type InstanceState string

// Instance states.
const (
	InstanceOpen      InstanceState = "open"
	InstanceApproved  InstanceState = "approved"
	InstanceRejected  InstanceState = "rejected"
	InstanceWithdrawn InstanceState = "withdrawn"
)

// Parties are the departments that act in one instance: the provider of
// the data, the applicant, and the bureau of their level.
type Parties map[Party]int64

// Move is the outcome of an action: the next step (empty when the instance
// ends) and the instance's state after it.
type Move struct {
	Next  string
	State InstanceState
	// ReturnTo is the step a returned item goes back to once fixed.
	ReturnTo string
}

// Messages of workflows.
var (
	MsgStepAction   = Msg{"此步骤（%s）不能执行“%s”，可执行：%s", "step %s does not take %q; it takes: %s"}
	MsgStepNoReturn = Msg{"此流程没有退回修改的环节", "this workflow has no step to return to"}
	MsgStepClosed   = Msg{"该事项已办结（%s），不能再处理", "this item is closed (%s) and takes no more actions"}
	MsgStepActor    = Msg{"此步骤须由角色 %s（%s 方部门）办理", "this step is for the %s of the %s department"}
	MsgStepRaced    = Msg{"该步骤已由他人处理，请刷新后查看", "someone else has acted on this step; reload to see it"}
	MsgStepUnknown  = Msg{"流程中没有步骤 %s", "the workflow has no step %s"}
	MsgNeedReason   = Msg{"退回或不同意须说明理由", "a return or refusal needs a reason"}
	MsgNoExtension  = Msg{"此步骤（%s）的期限不能延长", "the deadline of step %s cannot be extended"}
	MsgExtended     = Msg{"此步骤的期限已延长过一次", "this step's deadline has already been extended once"}
	MsgExtendReason = Msg{"延长期限须说明政策依据", "an extension needs its policy basis"}
)

// stepNamed finds a step of w, the return step included.
func (w *Workflow) stepNamed(name string) (*Step, int) {
	for i := range w.Steps {
		if w.Steps[i].Name == name {
			return &w.Steps[i], i
		}
	}
	if w.Return != nil && w.Return.Name == name {
		return w.Return, -1
	}
	return nil, 0
}

// Step returns the step named name.
func (w *Workflow) Step(name string) (*Step, bool) {
	s, _ := w.stepNamed(name)
	return s, s != nil
}

// Transition decides what action does at step current of w. returnTo is
// the step that returned the item, when current is the return step.
//   - approve, forward, sign: the next step, or approved after the last;
//     at the return step, back to the step that returned it;
//   - return: to the workflow's return step, remembering where from;
//   - reject: rejected; withdraw: withdrawn.
func Transition(w *Workflow, current, returnTo string, action Action) (Move, error) {
	step, i := w.stepNamed(current)
	if step == nil {
		return Move{}, Errorf(EINVALID, MsgStepUnknown, current)
	}
	if !slices.Contains(step.Actions, action) {
		return Move{}, Errorf(EINVALID, MsgStepAction, current, string(action), joinActions(step.Actions))
	}
	switch action {
	case ActionReject:
		return Move{State: InstanceRejected}, nil
	case ActionWithdraw:
		return Move{State: InstanceWithdrawn}, nil
	case ActionReturn:
		if w.Return == nil {
			return Move{}, Errorf(EINVALID, MsgStepNoReturn)
		}
		return Move{Next: w.Return.Name, State: InstanceOpen, ReturnTo: current}, nil
	}
	if i == -1 { // the return step, fixed: back to the step that returned it
		if _, ok := w.Step(returnTo); !ok || returnTo == current {
			return Move{}, Errorf(EINVALID, MsgStepUnknown, returnTo)
		}
		return Move{Next: returnTo, State: InstanceOpen}, nil
	}
	if i+1 < len(w.Steps) {
		return Move{Next: w.Steps[i+1].Name, State: InstanceOpen}, nil
	}
	return Move{State: InstanceApproved}, nil
}

func joinActions(as []Action) string {
	s := ""
	for i, a := range as {
		if i > 0 {
			s += ", "
		}
		s += string(a)
	}
	return s
}

// CheckStepActor returns EFORBIDDEN unless the actor may act at step: it
// holds the step's role and belongs to the party's department. The
// administrator roles (destruction's secadmin) act for the platform and
// are not tied to a department.
func CheckStepActor(a Actor, step *Step, parties Parties) error {
	if a.IsSystem() {
		return nil
	}
	role, party := step.Actor.Role, step.Actor.Party
	if a.UserID == 0 {
		return Errorf(EUNAUTHORIZED, MsgUnauthorized)
	}
	if a.PasswordChangeRequired {
		return Errorf(EFORBIDDEN, MsgPasswordChange)
	}
	dept := parties[party]
	if !a.Has(role) || (!role.IsAdministrative() && (dept == 0 || (a.DepartmentID != dept && !slices.Contains(a.ActsFor, dept)))) {
		return Errorf(EFORBIDDEN, MsgStepActor, string(role), string(party))
	}
	return nil
}

// NeedsReason reports whether action must carry a reason (SHR-2: refusals
// need a reason; a return says what to fix).
func NeedsReason(action Action) bool { return action == ActionReject || action == ActionReturn }

// WorkflowInstance is one item going through a workflow: a catalog entry
// under review, a share application, an objection…
type WorkflowInstance struct {
	ID          int64         `json:"id"`
	Kind        WorkflowKind  `json:"kind"`
	SubjectType string        `json:"subject_type"`
	SubjectID   string        `json:"subject_id"`
	Title       string        `json:"title"`
	Parties     Parties       `json:"parties"`
	State       InstanceState `json:"state"`
	// Step is the current step (empty once closed); StepSeq counts the
	// steps started, and a decision names the one it decides.
	Step          string       `json:"step,omitempty"`
	StepSeq       int          `json:"step_seq"`
	ReturnTo      string       `json:"return_to,omitempty"`
	Due           *Date        `json:"due,omitempty"`
	CalendarKnown bool         `json:"calendar_known"`
	History       []StepRecord `json:"history,omitempty"`
	// OverdueSince is the first day the current step was overdue.
	OverdueSince *Date     `json:"overdue_since,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	CreatedBy    string    `json:"created_by"`
}

// StepRecord is one step an instance went through.
type StepRecord struct {
	Seq           int        `json:"seq"`
	Step          string     `json:"step"`
	StartedAt     time.Time  `json:"started_at"`
	Due           *Date      `json:"due,omitempty"`
	CalendarKnown bool       `json:"calendar_known"`
	ActedAt       *time.Time `json:"acted_at,omitempty"`
	ActedBy       string     `json:"acted_by,omitempty"`
	// ActedByName is the account's name (王审核) for people to read; the
	// username stays the record.
	ActedByName string `json:"acted_by_name,omitempty"`
	Action      Action `json:"action,omitempty"`
	Reason      string `json:"reason,omitempty"`
	// ExtendedAt is when the bureau extended this step's deadline (HLJ-15).
	ExtendedAt      *time.Time `json:"extended_at,omitempty"`
	ExtendedBy      string     `json:"extended_by,omitempty"`
	ExtensionReason string     `json:"extension_reason,omitempty"`
}

// StartWorkflow names what a feature starts: the workflow of the active
// profile, the item, and the departments that act.
type StartWorkflow struct {
	Kind        WorkflowKind
	SubjectType string
	SubjectID   string
	Title       string
	Parties     Parties
}

// Decision is an action on the current step of an instance. StepSeq names
// the step decided, so that of two racing decisions exactly one wins.
type Decision struct {
	StepSeq int    `json:"step_seq"`
	Action  Action `json:"action"`
	Reason  string `json:"reason"`
}

// ExtensionGrant extends the deadline of the step StepSeq; Reason records
// the policy basis the acting department gave (HLJ-15).
type ExtensionGrant struct {
	StepSeq int    `json:"step_seq"`
	Reason  string `json:"reason"`
}

// ExtensionGranter is who grants a step's extension: the reviewer of the
// bureau of the same level (HLJ-15: 经同级政务数据主管部门同意).
var ExtensionGranter = StepActor{Role: RoleReviewer, Party: PartyBureau}

// Task is a pending step in someone's inbox, with its deadline (CAL-3).
type Task struct {
	Instance *WorkflowInstance `json:"instance"`
	Step     Step              `json:"step"`
	DueSoon  bool              `json:"due_soon"`
	Overdue  bool              `json:"overdue"`
	// WorkingDaysLeft (while due) or WorkingDaysLate (once overdue) say how
	// the due date stands today on the platform's calendar
	// (Calendar.DueStanding); neither for a step without a due date.
	WorkingDaysLeft *int `json:"working_days_left,omitempty"`
	WorkingDaysLate *int `json:"working_days_late,omitempty"`
}

// TaskFilter narrows an inbox.
type TaskFilter struct {
	Kind WorkflowKind
	Page
}

// WorkflowService runs the active profile's workflows (CAL-2).
type WorkflowService interface {
	// Start begins an instance at the workflow's first step, with its due
	// date; EINVALID for an unknown kind or missing parties. The feature
	// that starts an instance authorizes its caller; Start refuses no one.
	Start(ctx context.Context, in StartWorkflow) (*WorkflowInstance, error)
	// Decide takes an action on the current step: ENOTFOUND for no such
	// instance, EFORBIDDEN for the wrong actor, ECONFLICT for a closed
	// instance or a step already decided, EINVALID for an action the step
	// does not take or a missing reason.
	Decide(ctx context.Context, id int64, d Decision) (*WorkflowInstance, error)
	// Extend grants the current step's one extension (Step.Extension): its
	// due date moves on by the extension's working days, counted from the
	// current due date, and reminders and overdue marks start afresh.
	// ENOTFOUND for no such instance; EFORBIDDEN unless the bureau's
	// reviewer; EINVALID when the step has no extension or the reason is
	// missing; ECONFLICT when the step was already extended or decided, or
	// the instance is closed.
	Extend(ctx context.Context, id int64, g ExtensionGrant) (*WorkflowInstance, error)
	// FindInstanceByID returns an instance with its history; ENOTFOUND
	// when there is none. The feature that shows it authorizes its caller.
	FindInstanceByID(ctx context.Context, id int64) (*WorkflowInstance, error)
	// FindTasks is the acting user's inbox of pending steps, soonest due
	// first; EINVALID for a bad cursor.
	FindTasks(ctx context.Context, f TaskFilter) (List[*Task], error)
	// SweepDeadlines reminds the actors of steps due within reminderDays
	// working days, marks steps overdue once their due day has ended and
	// escalates them to the bureau; each at most once per step, so that it
	// can run as often as wanted and catch up after a restart. Platform
	// only: EFORBIDDEN otherwise.
	SweepDeadlines(ctx context.Context, reminderDays int) (SweepResult, error)
	// FindOverdue is the supervision list: overdue steps of the items the
	// acting reviewer's bureau oversees, longest overdue first; EFORBIDDEN
	// but to reviewers, EINVALID for a bad cursor.
	FindOverdue(ctx context.Context, p Page) (List[*WorkflowInstance], error)
	// Timeliness gives per-department on-time figures for steps begun
	// since, in the acting reviewer's bureau; EFORBIDDEN but to reviewers.
	Timeliness(ctx context.Context, since time.Time) ([]Timeliness, error)
}
