package http_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// scenarios renders every scenario and application the store holds, so a
// test can prove that a refused request changed neither.
func (e *env) scenarios(t testing.TB) string {
	t.Helper()
	ctx := storetest.System()
	sc := mustGet(e.svc.Scenarios.FindScenarios(ctx, govdata.ScenarioFilter{Page: govdata.Page{Limit: govdata.MaxLimit}}))(t)
	apps := mustGet(e.svc.Applications.FindApplications(ctx, govdata.ApplicationFilter{Page: govdata.Page{Limit: govdata.MaxLimit}}))(t)
	b, err := json.Marshal(map[string]any{"scenarios": sc, "applications": apps})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// LS-19(三) through the router, under Lishui's profile: A's leader
// registers a scenario for B; B's application within it is approved and
// granted at once; bad requests are a clear 4xx and change nothing.
func TestScenariosHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{profile: "lishui-2020"})
		entry := catalogEntry(t, e, "published")

		before := e.scenarios(t)
		for field, edit := range map[string]func(*govdata.ScenarioInput){
			"name":                   func(s *govdata.ScenarioInput) { s.Name = "" },
			"consumer_department_id": func(s *govdata.ScenarioInput) { s.ConsumerDepartment = e.deptA.ID }, // its own data
			"items[0]":               func(s *govdata.ScenarioInput) { s.Items = []string{"籍贯"} },
			"methods[0]":             func(s *govdata.ScenarioInput) { s.Methods = []govdata.ShareMethod{"fax"} },
			"region_scope[0]":        func(s *govdata.ScenarioInput) { s.RegionScope = []string{"3501"} },
			"max_days":               func(s *govdata.ScenarioInput) { s.MaxDays = 0 },
			"legal_basis":            func(s *govdata.ScenarioInput) { s.LegalBasis = " " },
		} {
			bad := scenarioInput(entry, e.deptB.ID)
			edit(&bad)
			r := e.do(t, req{method: "POST", path: "/api/v1/scenarios", as: "leader", body: bad})
			if env := mustError(t, r, 400, govdata.EINVALID); env.Error.Fields[field] == "" {
				t.Errorf("%s: %+v", field, env)
			}
		}
		unknown := scenarioInput(entry, 999999)
		if env := mustError(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios", as: "reviewer", body: unknown}), 400, govdata.EINVALID); env.Error.Fields["consumer_department_id"] == "" {
			t.Errorf("an unknown consumer: %+v", env)
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios", as: "leader", body: scenarioInput(entry+1000, e.deptB.ID)}), 404, govdata.ENOTFOUND)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios", as: "leader", body: `{"catalog_id": "x"}`}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios", as: "leader", body: `{"catalog_id": 1, "max_period": 3}`}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios", as: "leader", body: `{`}), 400, govdata.EINVALID)
		e.mustRefused(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios", as: "officer", body: scenarioInput(entry, e.deptB.ID)}), 403)
		if after := e.scenarios(t); after != before {
			t.Fatalf("refused registrations changed the store:\n%s\n%s", before, after)
		}

		sc := mustOK[govdata.ApplicationScenario](t, e.do(t, req{method: "POST", path: "/api/v1/scenarios", as: "leader", body: scenarioInput(entry, e.deptB.ID)}), 201)
		if sc.State != govdata.ScenarioActive || sc.ProviderDepartment != e.deptA.ID || sc.ConsumerDepartment != e.deptB.ID {
			t.Fatalf("registered %+v", sc)
		}
		id := itoa(sc.ID)

		// Within it: approved at once, the grant made, no workflow.
		app := mustOK[govdata.Application](t, e.do(t, req{method: "POST", path: "/api/v1/applications", as: "officerb", body: applicationInput(entry)}), 201)
		if app.State != govdata.ApplicationApproved || app.ScenarioID != sc.ID || app.GrantID == 0 || app.Workflow != nil {
			t.Fatalf("within the scenario %+v", app)
		}
		got := mustOK[govdata.Application](t, e.do(t, req{method: "GET", path: "/api/v1/applications/" + itoa(app.ID), as: "leader"}), 200)
		if got.ScenarioID != sc.ID || got.GrantID != app.GrantID {
			t.Errorf("read back %+v", got)
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/applications/" + itoa(app.ID) + "/decision", as: "reviewer",
			body: govdata.ApplicationDecision{Decision: govdata.ActionApprove}}), 409, govdata.ECONFLICT)

		// Reads: lists by entry and department, one by id; bad parameters 400.
		l := mustOK[govdata.ScenarioList](t, e.do(t, req{method: "GET", path: "/api/v1/scenarios?entry_id=" + itoa(entry), as: "officerb"}), 200)
		if len(l.Items) != 1 || l.Items[0].ID != sc.ID {
			t.Errorf("the consumer's list %+v", l)
		}
		l = mustOK[govdata.ScenarioList](t, e.do(t, req{method: "GET", path: "/api/v1/scenarios?department_id=" + itoa(e.deptP.ID), as: "reviewer"}), 200)
		if len(l.Items) != 0 {
			t.Errorf("another department's %+v", l)
		}
		for _, q := range []string{"entry_id=x", "department_id=-1", "cursor=abc", "limit=0"} {
			mustError(t, e.do(t, req{method: "GET", path: "/api/v1/scenarios?" + q, as: "reviewer"}), 400, govdata.EINVALID)
		}
		mustOK[govdata.ApplicationScenario](t, e.do(t, req{method: "GET", path: "/api/v1/scenarios/" + id, as: "officerb"}), 200)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/scenarios/x", as: "reviewer"}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/scenarios/999999", as: "reviewer"}), 404, govdata.ENOTFOUND)

		// Retiring: a reason, once.
		before = e.scenarios(t)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios/" + id + "/retire", as: "reviewer", body: govdata.ScenarioRetirement{}}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios/" + id + "/retire", as: "reviewer"}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios/999999/retire", as: "reviewer", body: govdata.ScenarioRetirement{Reason: "x"}}), 404, govdata.ENOTFOUND)
		e.mustRefused(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios/" + id + "/retire", as: "officerb", body: govdata.ScenarioRetirement{Reason: "x"}}), 403)
		if after := e.scenarios(t); after != before {
			t.Fatalf("refused retirements changed the store:\n%s\n%s", before, after)
		}
		done := mustOK[govdata.ApplicationScenario](t, e.do(t, req{method: "POST", path: "/api/v1/scenarios/" + id + "/retire", as: "reviewer",
			body: govdata.ScenarioRetirement{Reason: "业务调整"}}), 200)
		if done.State != govdata.ScenarioRetired || done.RetireReason != "业务调整" {
			t.Errorf("retired %+v", done)
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/scenarios/" + id + "/retire", as: "leader", body: govdata.ScenarioRetirement{Reason: "again"}}), 409, govdata.ECONFLICT)
		// After it, the chain.
		next := mustOK[govdata.Application](t, e.do(t, req{method: "POST", path: "/api/v1/applications", as: "officerb", body: applicationInput(entry)}), 201)
		if next.State != govdata.ApplicationOpen || next.ScenarioID != 0 || next.Workflow == nil {
			t.Errorf("after retiring %+v", next)
		}
	})
}

// Under a profile without LS-19(三) a registration is a clear 409.
func TestScenariosHTTPDefaultProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		r := e.do(t, req{method: "POST", path: "/api/v1/scenarios", as: "leader", body: scenarioInput(catalogEntry(t, e, "published"), e.deptB.ID),
			header: map[string]string{"Accept-Language": "en"}})
		env := mustError(t, r, http.StatusConflict, govdata.ECONFLICT)
		if want := govdata.MsgScenarioOff.Text("en", "default"); env.Error.Message != want {
			t.Errorf("message %q, want %q", env.Error.Message, want)
		}
		if l := mustGet(e.svc.Scenarios.FindScenarios(storetest.System(), govdata.ScenarioFilter{}))(t); len(l.Items) != 0 {
			t.Errorf("registered %+v", l)
		}
	})
}
