package govdata_test

import (
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
)

func defaultWorkflow(t *testing.T, k govdata.WorkflowKind) *govdata.Workflow {
	t.Helper()
	p, err := profiles.Shipped(profiles.Default)
	if err != nil {
		t.Fatal(err)
	}
	w, ok := p.Workflow(k)
	if !ok {
		t.Fatalf("default profile has no %s", k)
	}
	return w
}

func TestTransition(t *testing.T) {
	share := defaultWorkflow(t, govdata.WorkflowShareConditional) // forward → decide → sign; return → amend
	review := defaultWorkflow(t, govdata.WorkflowCatalogReview)   // review; return → fix
	revoke := defaultWorkflow(t, govdata.WorkflowCatalogRevocation)
	tests := []struct {
		name              string
		w                 *govdata.Workflow
		current, returnTo string
		action            govdata.Action
		want              govdata.Move
		code              govdata.ErrorCode
	}{
		{"forward to the provider", share, "forward", "", govdata.ActionForward, govdata.Move{Next: "decide", State: govdata.InstanceOpen}, ""},
		{"provider approves, leader signs next", share, "decide", "", govdata.ActionApprove, govdata.Move{Next: "sign", State: govdata.InstanceOpen}, ""},
		{"leader signs the last step", share, "sign", "", govdata.ActionSign, govdata.Move{State: govdata.InstanceApproved}, ""},
		{"leader refuses", share, "sign", "", govdata.ActionReject, govdata.Move{State: govdata.InstanceRejected}, ""},
		{"bureau returns for amendment", share, "forward", "", govdata.ActionReturn, govdata.Move{Next: "amend", State: govdata.InstanceOpen, ReturnTo: "forward"}, ""},
		{"amended, back to the step that returned it", share, "amend", "forward", govdata.ActionApprove, govdata.Move{Next: "forward", State: govdata.InstanceOpen}, ""},
		{"applicant withdraws while amending", share, "amend", "forward", govdata.ActionWithdraw, govdata.Move{State: govdata.InstanceWithdrawn}, ""},
		{"review approves the only step", review, "review", "", govdata.ActionApprove, govdata.Move{State: govdata.InstanceApproved}, ""},
		{"review returns for fixing", review, "review", "", govdata.ActionReturn, govdata.Move{Next: "fix", State: govdata.InstanceOpen, ReturnTo: "review"}, ""},
		{"fixed, back to review", review, "fix", "review", govdata.ActionApprove, govdata.Move{Next: "review", State: govdata.InstanceOpen}, ""},
		// Refused moves.
		{"provider cannot forward", share, "decide", "", govdata.ActionForward, govdata.Move{}, govdata.EINVALID},
		{"bureau cannot sign", share, "forward", "", govdata.ActionSign, govdata.Move{}, govdata.EINVALID},
		{"no return step to go to", revoke, "review", "", govdata.ActionReturn, govdata.Move{}, govdata.EINVALID},
		{"unknown step", share, "nowhere", "", govdata.ActionApprove, govdata.Move{}, govdata.EINVALID},
		{"fixed, but returned from an unknown step", review, "fix", "nowhere", govdata.ActionApprove, govdata.Move{}, govdata.EINVALID},
	}
	for _, tt := range tests {
		got, err := govdata.Transition(tt.w, tt.current, tt.returnTo, tt.action)
		if code := govdata.ErrorCodeOf(err); code != tt.code {
			t.Errorf("%s: error %v, want code %q", tt.name, err, tt.code)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestCheckStepActor(t *testing.T) {
	share := defaultWorkflow(t, govdata.WorkflowShareConditional)
	destroy := defaultWorkflow(t, govdata.WorkflowDestruction)
	parties := govdata.Parties{govdata.PartyBureau: 1, govdata.PartyProvider: 2, govdata.PartyApplicant: 3}
	user := func(dept int64, roles ...govdata.Role) govdata.Actor {
		return govdata.Actor{UserID: 9, Username: "u", DepartmentID: dept, Roles: roles}
	}
	step := func(w *govdata.Workflow, name string) *govdata.Step {
		s, ok := w.Step(name)
		if !ok {
			t.Fatalf("no step %s", name)
		}
		return s
	}
	tests := []struct {
		name string
		a    govdata.Actor
		step *govdata.Step
		code govdata.ErrorCode
	}{
		{"bureau reviewer forwards", user(1, govdata.RoleReviewer), step(share, "forward"), ""},
		{"reviewer of another department", user(4, govdata.RoleReviewer), step(share, "forward"), govdata.EFORBIDDEN},
		{"provider officer decides", user(2, govdata.RoleOfficer), step(share, "decide"), ""},
		{"applicant officer cannot decide its own request", user(3, govdata.RoleOfficer), step(share, "decide"), govdata.EFORBIDDEN},
		{"provider officer cannot sign for the leader", user(2, govdata.RoleOfficer), step(share, "sign"), govdata.EFORBIDDEN},
		{"provider leader signs", user(2, govdata.RoleLeader), step(share, "sign"), ""},
		{"applicant amends", user(3, govdata.RoleOfficer), share.Return, ""},
		{"secadmin approves a destruction, wherever it sits", user(0, govdata.RoleSecadmin), step(destroy, "approve"), ""},
		{"sysadmin cannot approve a destruction", user(0, govdata.RoleSysadmin), step(destroy, "approve"), govdata.EFORBIDDEN},
		{"password change pending", govdata.Actor{UserID: 9, DepartmentID: 2, Roles: []govdata.Role{govdata.RoleOfficer}, PasswordChangeRequired: true}, step(share, "decide"), govdata.EFORBIDDEN},
		{"anonymous", govdata.Actor{}, step(share, "decide"), govdata.EUNAUTHORIZED},
		{"the platform", govdata.SystemActor, step(share, "decide"), ""},
	}
	for _, tt := range tests {
		if code := govdata.ErrorCodeOf(govdata.CheckStepActor(tt.a, tt.step, parties)); code != tt.code {
			t.Errorf("%s: code %q, want %q", tt.name, code, tt.code)
		}
	}
}
