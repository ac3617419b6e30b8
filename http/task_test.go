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

func TestNotificationsHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		officer := userOf(e, "officer")
		id := mustGet(e.svc.Notifications.Notify(storetest.System(), officer.ID, govdata.NoticeReminder, govdata.Text{ZH: "即将到期", EN: "due soon"}))(t)
		list := mustOK[govdata.List[govdata.Notification]](t, e.do(t, req{method: "GET", path: "/api/v1/notifications?unread=true", as: "officer"}), 200)
		if len(list.Items) != 1 || list.Items[0].ID != id || list.Items[0].Read {
			t.Fatalf("officer's unread notifications: %+v", list.Items)
		}
		// Another user's notice is not found, and stays unread.
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/notifications/" + itoa(id) + "/read", as: "leader"}), 404, govdata.ENOTFOUND)
		mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/notifications/" + itoa(id) + "/read", as: "officer"}), 204)
		if l := mustOK[govdata.List[govdata.Notification]](t, e.do(t, req{method: "GET", path: "/api/v1/notifications?unread=true", as: "officer"}), 200); len(l.Items) != 0 {
			t.Fatalf("still unread after marking: %+v", l.Items)
		}
		if l := mustOK[govdata.List[govdata.Notification]](t, e.do(t, req{method: "GET", path: "/api/v1/notifications", as: "officer"}), 200); len(l.Items) != 1 || !l.Items[0].Read {
			t.Fatalf("all notifications: %+v", l.Items)
		}
		if l := mustOK[govdata.List[govdata.Notification]](t, e.do(t, req{method: "GET", path: "/api/v1/notifications", as: "leader"}), 200); len(l.Items) != 0 {
			t.Fatalf("leader sees the officer's notice: %+v", l.Items)
		}
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/notifications?unread=maybe", as: "officer"}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/supervision/timeliness?since=yesterday", as: "reviewer"}), 400, govdata.EINVALID)
	})
}
