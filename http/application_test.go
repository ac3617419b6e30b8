package http_test

import (
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// SHR-1, SHR-2 through the router: department B applies for department
// A's data, A's bureau checks it; bad applications and decisions are 4xx
// and change nothing.
func TestApplicationsHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		entry := catalogEntry(t, e, "published")
		in := applicationInput(entry)
		app := mustOK[govdata.Application](t, e.do(t, req{method: "POST", path: "/api/v1/applications", as: "officerb", body: in}), 201)
		if app.State != govdata.ApplicationOpen || app.Workflow == nil || app.Workflow.Step != "check" || app.Workflow.Due == nil {
			t.Fatalf("filed %+v", app)
		}
		id := itoa(app.ID)
		// Bad input: a clear 4xx naming the field, nothing filed.
		for field, edit := range map[string]func(*govdata.ApplicationInput){
			"purpose":     func(a *govdata.ApplicationInput) { a.Purpose = "" },
			"items[0]":    func(a *govdata.ApplicationInput) { a.Items = []string{"籍贯"} },
			"method":      func(a *govdata.ApplicationInput) { a.Method = "fax" },
			"valid_until": func(a *govdata.ApplicationInput) { a.ValidUntil = govdata.Date{Year: 2020, Month: 1, Day: 1} },
		} {
			bad := applicationInput(entry)
			edit(&bad)
			env := mustError(t, e.do(t, req{method: "POST", path: "/api/v1/applications", as: "officerb", body: bad}), 400, govdata.EINVALID)
			if env.Error.Fields[field] == "" {
				t.Errorf("%s: %+v", field, env)
			}
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/applications", as: "officer", body: in}), 400, govdata.EINVALID) // its own data
		// A refusal without a category is 400; the check approves.
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/applications/" + id + "/decision", as: "reviewer",
			body: govdata.ApplicationDecision{Decision: govdata.ActionReject, Reason: "不符合"}}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/applications/" + id + "/decision", as: "officer",
			body: govdata.ApplicationDecision{Decision: govdata.ActionApprove}}), 403, govdata.EFORBIDDEN)
		done := mustOK[govdata.Application](t, e.do(t, req{method: "POST", path: "/api/v1/applications/" + id + "/decision", as: "reviewer",
			body: govdata.ApplicationDecision{Decision: govdata.ActionApprove}}), 200)
		if done.State != govdata.ApplicationApproved || len(done.Workflow.History) != 1 {
			t.Fatalf("approved %+v", done)
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/applications/" + id + "/decision", as: "reviewer",
			body: govdata.ApplicationDecision{Decision: govdata.ActionApprove}}), 409, govdata.ECONFLICT)
		mine := mustOK[govdata.ApplicationList](t, e.do(t, req{method: "GET", path: "/api/v1/applications?side=applicant&state=approved", as: "officerb"}), 200)
		theirs := mustOK[govdata.ApplicationList](t, e.do(t, req{method: "GET", path: "/api/v1/applications?side=provider", as: "leader"}), 200)
		if len(mine.Items) != 1 || len(theirs.Items) != 1 || mine.Items[0].ID != app.ID {
			t.Errorf("lists %+v %+v", mine, theirs)
		}
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/applications?side=all", as: "officer"}), 400, govdata.EINVALID)
	})
}
