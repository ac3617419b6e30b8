package govdata

import "slices"

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
	if !a.Has(role) || (!role.IsAdministrative() && (parties[party] == 0 || a.DepartmentID != parties[party])) {
		return Errorf(EFORBIDDEN, MsgStepActor, string(role), string(party))
	}
	return nil
}

// NeedsReason reports whether action must carry a reason (SHR-2: refusals
// need a reason; a return says what to fix).
func NeedsReason(action Action) bool { return action == ActionReject || action == ActionReturn }
