package http_test

import (
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// SHR-7 through the router: department A records how it uses, keeps and
// destroys department B's data; B reads; bad input is a clear 4xx and
// changes nothing.
func TestUsageHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		g := grantForA(t, e).ID
		path := "/api/v1/grants/" + itoa(g) + "/usage"
		now := e.clock.Now()
		use := mustOK[govdata.UsageRecord](t, e.do(t, req{method: "POST", path: path, as: "officer", body: usageInput(govdata.UsageUse, now)}), 201)
		if use.GrantID != g || use.Kind != govdata.UsageUse || use.RecordedBy != "officer" || use.UsedOn == nil || use.StoredFrom != nil {
			t.Fatalf("recorded %+v", use)
		}
		e.mustAudited(t, e.do(t, req{method: "POST", path: path, as: "leader", body: usageInput(govdata.UsageStorage, now)}), govdata.AuditOK)

		// Bad input: a 4xx naming the problem, nothing written.
		e.addAccount(t, "officerp", govdata.RoleOfficer, e.deptP.ID)
		before := e.snapshot(t)
		long := strings.Repeat("长", 2001)
		for _, c := range []struct {
			name   string
			body   any
			status int
			code   govdata.ErrorCode
			field  string // "" when the error names no field
		}{
			{"not JSON", `{"kind": "use",`, 400, govdata.EINVALID, ""},
			{"empty body", "", 400, govdata.EINVALID, ""},
			{"unknown field", `{"kind": "use", "shared_with": "第三方"}`, 400, govdata.EINVALID, "shared_with"},
			{"rows as text", `{"kind": "use", "rows": "many"}`, 400, govdata.EINVALID, "rows"},
			{"bad date", `{"kind": "use", "scenario": "统计", "outcome": "完成", "used_on": "2026-02-30"}`, 400, govdata.EINVALID, ""},
			{"unknown kind", govdata.UsageInput{Kind: "share"}, 400, govdata.EINVALID, "kind"},
			{"no scenario", func() any { u := usageInput(govdata.UsageUse, now); u.Scenario = ""; return u }(), 400, govdata.EINVALID, "scenario"},
			{"long outcome", func() any { u := usageInput(govdata.UsageUse, now); u.Outcome = long; return u }(), 400, govdata.EINVALID, "outcome"},
			{"in the future", usageInput(govdata.UsageUse, now.Add(48*time.Hour)), 400, govdata.EINVALID, "used_on"},
			{"another kind's field", func() any { u := usageInput(govdata.UsageDestruction, now); u.Location = "机房"; return u }(), 400, govdata.EINVALID, "location"},
			{"negative rows", func() any { u := usageInput(govdata.UsageUse, now); n := int64(-1); u.Rows = &n; return u }(), 400, govdata.EINVALID, "rows"},
			{"correction without reason", func() any { u := usageInput(govdata.UsageUse, now); u.Corrects = use.ID; return u }(), 400, govdata.EINVALID, "correction_reason"},
			{"correcting nothing", func() any {
				u := usageInput(govdata.UsageUse, now)
				u.Corrects, u.CorrectionReason = use.ID+1000, "更正"
				return u
			}(), 400, govdata.EINVALID, "corrects"},
		} {
			env := mustError(t, e.do(t, req{method: "POST", path: path, as: "officer", body: c.body}), c.status, c.code)
			if c.field != "" && env.Error.Fields[c.field] == "" {
				t.Errorf("%s: %+v, want a message on %s", c.name, env, c.field)
			}
		}
		valid := usageInput(govdata.UsageUse, now)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/grants/abc/usage", as: "officer", body: valid}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/grants/0/usage", as: "officer", body: valid}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/grants/" + itoa(g+1000) + "/usage", as: "officer", body: valid}), 404, govdata.ENOTFOUND)
		// The provider reads but does not record; another department does
		// not learn that the grant exists; the bureau reads, not records.
		if l := mustOK[govdata.List[govdata.UsageRecord]](t, e.do(t, req{method: "GET", path: path, as: "officerb"}), 200); len(l.Items) != 2 {
			t.Errorf("the provider reads %d records", len(l.Items))
		}
		mustError(t, e.do(t, req{method: "POST", path: path, as: "officerb", body: valid}), 403, govdata.EFORBIDDEN)
		mustError(t, e.do(t, req{method: "POST", path: path, as: "officerp", body: valid}), 404, govdata.ENOTFOUND)
		mustError(t, e.do(t, req{method: "GET", path: path, as: "officerp"}), 404, govdata.ENOTFOUND)
		e.mustRefused(t, e.do(t, req{method: "POST", path: path, as: "reviewer", body: valid}), 403)
		for _, q := range []string{"?kind=all", "?limit=0", "?limit=501", "?cursor=bm9wZQ"} {
			mustError(t, e.do(t, req{method: "GET", path: path + q, as: "officer"}), 400, govdata.EINVALID)
		}
		e.mustUnchanged(t, before, nil)

		// A correction names the record; the list shows who corrected what.
		fix := usageInput(govdata.UsageUse, now)
		fix.Outcome, fix.Corrects, fix.CorrectionReason = "编制完成年度统计公报并报送", use.ID, "成效补充"
		second := mustOK[govdata.UsageRecord](t, e.do(t, req{method: "POST", path: path, as: "officer", body: fix}), 201)
		mustError(t, e.do(t, req{method: "POST", path: path, as: "officer", body: fix}), 409, govdata.ECONFLICT)
		uses := mustOK[govdata.List[govdata.UsageRecord]](t, e.do(t, req{method: "GET", path: path + "?kind=use", as: "auditor"}), 200)
		if len(uses.Items) != 2 || uses.Items[0].ID != second.ID || uses.Items[0].Corrects != use.ID || uses.Items[1].CorrectedBy != second.ID {
			t.Fatalf("use records %+v", uses.Items)
		}
		// Pages of one, newest first.
		first := mustOK[govdata.List[govdata.UsageRecord]](t, e.do(t, req{method: "GET", path: path + "?limit=1", as: "secadmin"}), 200)
		if len(first.Items) != 1 || first.Items[0].ID != second.ID || first.NextCursor == "" {
			t.Fatalf("first page %+v", first)
		}
		next := mustOK[govdata.List[govdata.UsageRecord]](t, e.do(t, req{method: "GET", path: path + "?limit=1&cursor=" + first.NextCursor, as: "secadmin"}), 200)
		if len(next.Items) != 1 || next.Items[0].Kind != govdata.UsageStorage {
			t.Fatalf("second page %+v", next)
		}
	})
}

// addAccount creates and signs in one more account of role in dept.
func (e *env) addAccount(t testing.TB, username string, role govdata.Role, dept int64) {
	t.Helper()
	u := mustGet(e.svc.Users.CreateUserWithPassword(storetest.System(), govdata.UserInput{Username: username, Password: fixturePassword,
		Name: "测试 " + username, Roles: []govdata.Role{role}, DepartmentID: dept}, false))(t)
	e.accounts[username] = &account{username: username, password: fixturePassword, user: u}
	e.login(t, username)
}

// FuzzUsageBodies throws arbitrary bodies at POST …/usage as the
// consumer's officer: never a 5xx, every error the envelope.
func FuzzUsageBodies(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"use","scenario":"人口统计分析","outcome":"完成","used_on":"2026-03-02","rows":10}`,
		`{"kind":"storage","location":"机房","protection":"加密","stored_from":"2026-03-02"}`,
		`{"kind":"destruction","destroyed_data":"全部","method":"删除","destroyed_by":"王五","destroyed_on":"2026-03-02","rows":0}`,
		`{"kind":"use","scenario":"\u0000","outcome":"x","used_on":"2026-03-02"}`,
		`{"kind":"use","scenario":"x","outcome":"x","used_on":"2026-03-02","rows":9223372036854775808}`,
		`{"kind":"use","scenario":"x","outcome":"x","used_on":"0000-01-01"}`,
		`{"kind":"use","scenario":"x","outcome":"x","used_on":"99999-01-01"}`,
		`{"kind":"use","scenario":"x","outcome":"x","used_on":null,"stored_from":"2026-03-02"}`,
		`{"kind":"use","scenario":"x","outcome":"x","used_on":"2026-03-02","corrects":9223372036854775807,"correction_reason":"x"}`,
		`{"kind":"use","corrects":-1}`, `{"kind":1}`, `{"rows":-1}`, `{}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(seed))
	}
	envs := fuzzEnvs(f)
	paths := make([]string, len(envs))
	for i, e := range envs {
		paths[i] = "/api/v1/grants/" + itoa(grantForA(f, e).ID) + "/usage"
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for i, e := range envs {
			checkAnswer(t, e, e.do(t, req{method: "POST", path: paths[i], as: "officer", body: body}))
		}
	})
}
