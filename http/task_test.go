package http_test

import (
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

func TestTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		// Department A is bureau and provider here; B applies.
		w := mustGet(e.svc.Workflows.Start(storetest.System(), govdata.StartWorkflow{
			Kind: govdata.WorkflowShareConditional, SubjectType: "application", SubjectID: "7", Title: "社保缴费记录",
			Parties: govdata.Parties{govdata.PartyBureau: e.deptA.ID, govdata.PartyProvider: e.deptA.ID, govdata.PartyApplicant: e.deptB.ID},
		}))(t)
		list := mustOK[govdata.List[govdata.Task]](t, e.do(t, req{method: "GET", path: "/api/v1/tasks", as: "reviewer"}), 200)
		if len(list.Items) != 1 || list.Items[0].Instance.ID != w.ID || list.Items[0].Step.Name != "forward" || list.Items[0].Instance.Due == nil {
			t.Fatalf("reviewer's inbox: %+v", list.Items)
		}
		for _, who := range []string{"officer", "leader", "auditor", "sysadmin"} {
			if l := mustOK[govdata.List[govdata.Task]](t, e.do(t, req{method: "GET", path: "/api/v1/tasks", as: who}), 200); len(l.Items) != 0 {
				t.Errorf("%s's inbox holds the bureau's step: %+v", who, l.Items)
			}
		}
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/tasks?kind=nonsense", as: "reviewer"}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/tasks?cursor=djE6eA", as: "reviewer"}), 400, govdata.EINVALID)
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/tasks"}), 401)
	})
}
