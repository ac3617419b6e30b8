package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// Issue 11: no existence oracle. For every route whose path names an
// object, and for every caller, the answer about an object that exists but
// that the caller may not see is the answer about one that does not exist:
// the same status, error code, message, fields and details. A caller
// refused the route as such (its role lacks the permission) gets 401 or
// 403 for both alike; once the object is loaded, "not yours" is not_found.
// The invisible case is still a refusal on the record (ORG-7, SJZ-S-22).

// hiddenCallers are every fixture account, an anonymous caller and
// department A's system credential.
var hiddenCallers = []string{"sysadmin", "secadmin", "auditor", "reviewer", "officer", "leader", "supervisor", "officerb", "target", "anonymous", "credential"}

// notObjects are the routes whose path parameter names no stored object.
var notObjects = map[string]string{
	"GET /api/3/action/{action}":  "a CKAN action name",
	"POST /api/3/action/{action}": "a CKAN action name",
	"GET /api/action/{action}":    "a CKAN action name",
	"POST /api/action/{action}":   "a CKAN action name",
	// OPN-2: a public account's own keys and messages; another account's
	// answer 404 (TestPublicHidden). No staff caller reaches these routes.
	"DELETE /api/v1/public/keys/{id}":        "a public account's own key",
	"POST /api/v1/public/messages/{id}/read": "a public account's own message",
	// Public accounts belong to no department: whoever may act on them sees them all.
	"POST /api/v1/public-accounts/{id}/confirm": "a public account, of no department",
	"POST /api/v1/public-accounts/{id}/suspend": "a public account, of no department",
	"POST /api/v1/public-accounts/{id}/resume":  "a public account, of no department",
}

// hiddenCase is one route asked about an existing object and a missing one.
type hiddenCase struct {
	route   string // "METHOD /path" as in the route table
	variant string
	e       *env
	// seen is the path naming the existing object, missing the path naming
	// none; body is sent with both.
	seen, missing string
	body          any
	// sees are the callers who may see the object; they are not compared.
	sees []string
}

// hiddenObjects are the objects of department B (or of B and the
// province, P) that department A's people may not see.
type hiddenObjects struct {
	draft        int64  // an unpublished entry of B
	draftCode    string // its resource code, escaped for a path
	open         int64  // B's published entry (open), with rows loaded
	batch        int64  // a batch of B's dataset
	maintenance  int64  // a maintenance request of B's dataset
	application  int64  // B's application for P's data
	grant        int64  // B's grant on P's data
	flag         int64  // an idle flag on it
	grantA       int64  // A's grant on B's data (A sees it)
	credential   int64  // B's system credential
	notification int64  // a notification of B's officer
	trace        string // an export's trace mark
	scenario     int64  // a scenario for P's data and B (in the Lishui env)
}

func setUpHidden(t testing.TB, e, lishui *env) hiddenObjects {
	t.Helper()
	var o hiddenObjects
	officerB := storetest.As(e.actor("officerb"))
	d := mustGet(e.svc.Catalog.CreateEntry(officerB, catalogInput(fmt.Sprintf("厦门未发布资源%d", e.next()))))(t)
	o.draft, o.draftCode = d.ID, url.PathEscape(d.ResourceCode)

	// B's published entry with a batch, a maintenance request and a
	// source; A's grant on it, and an export made with it.
	o.trace = exportTrace(t, e)
	o.open = entryOfB(t, e)
	b := mustGet(e.svc.Datasets.Ingest(officerB, govdata.IngestRequest{EntryID: o.open, Mode: govdata.IngestReplace,
		Source: govdata.SourceUpload, Format: govdata.FormatCSV, Body: strings.NewReader("统计年度,人口数\n2025,1000\n二〇二五,多\n")}))(t)
	o.batch = b.ID
	o.maintenance = mustGet(e.svc.Maintenance.FileMaintenance(officerB, o.open, govdata.MaintenanceInput{Reason: "更正",
		Changes: []govdata.RowChange{{Op: "delete", Where: map[string]string{"统计年度": "2025"}}}}))(t).ID
	o.grantA = grantForA(t, e).ID

	// B applies for the province's data: neither side is A.
	e.addAccount(t, "officerp", govdata.RoleOfficer, e.deptP.ID)
	officerP := storetest.As(e.actor("officerp"))
	p := mustGet(e.svc.Catalog.CreateEntry(officerP, catalogInput(fmt.Sprintf("福建省人口统计资源%d", e.next()))))(t)
	mustGet(e.svc.Catalog.Submit(officerP, p.ID))(t)
	mustGet(e.svc.Catalog.Review(storetest.As(e.provinceReviewer()), p.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
	app := mustGet(e.svc.Applications.Apply(officerB, applicationInput(p.ID)))(t)
	app = mustGet(e.svc.Applications.Decide(storetest.As(e.provinceReviewer()), app.ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
	o.application, o.grant = app.ID, app.GrantID
	if err := storetest.SQL(t, e.db).Exec(context.Background(), `INSERT INTO grant_flags (grant_id, kind, detail_zh, detail_en, raised_at, rectify_by, state, dedupe)
		VALUES (?, 'idle', '闲置', 'idle', 0, '2030-01-01', 'open', ?)`, o.grant, fmt.Sprintf("idle:%d:hidden", o.grant)); err != nil {
		t.Fatal(err)
	}
	o.flag = mustGet(e.svc.Monitor.FindGrantFlags(storetest.System(), govdata.GrantFlagFilter{GrantID: o.grant}))(t).Items[0].ID
	mustGet(e.svc.Usage.RecordUsage(officerB, o.grant, usageInput(govdata.UsageUse, e.clock.Now())))(t)

	o.credential = e.credB.ID
	o.notification = mustGet(e.svc.Notifications.Notify(storetest.System(), userOf(e, "officerb").ID, "notice", govdata.Text{ZH: "测试通知", EN: "test notice"}))(t)

	// Lishui's profile registers scenarios: one for the province's data
	// and department B, by the province's reviewer.
	lishui.addAccount(t, "officerp", govdata.RoleOfficer, lishui.deptP.ID)
	lp := storetest.As(lishui.actor("officerp"))
	pl := mustGet(lishui.svc.Catalog.CreateEntry(lp, catalogInput(fmt.Sprintf("福建省人口统计资源%d", lishui.next()))))(t)
	mustGet(lishui.svc.Catalog.Submit(lp, pl.ID))(t)
	mustGet(lishui.svc.Catalog.Review(storetest.As(lishui.provinceReviewer()), pl.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
	o.scenario = mustGet(lishui.svc.Scenarios.Register(storetest.As(lishui.provinceReviewer()), scenarioInput(pl.ID, lishui.deptB.ID)))(t).ID
	return o
}

// hiddenCases lists the cases; a route may have several.
func hiddenCases(t testing.TB, e, lishui *env, o hiddenObjects) []hiddenCase {
	const none = "987654321"
	id := itoa
	reason := map[string]string{"reason": "核查"}
	// Who sees what (the services' rules): a draft, its department only;
	// a dataset's batches and requests, the provider's officers and
	// leaders and every reviewer; an application and a scenario, both
	// sides and the reviewers; a grant, its flags and usage, both sides,
	// the reviewers, the secadmin and the auditor.
	var (
		draftSees   = []string{"officerb"}
		dataSees    = []string{"officerb", "reviewer", "target"}
		appSees     = []string{"officerb", "reviewer", "target"}
		grantSees   = []string{"officerb", "reviewer", "target", "secadmin", "auditor"}
		credSees    = []string{"officerb", "secadmin"}
		adminSees   = []string{"sysadmin", "secadmin"}
		everyoneIn  = []string{"sysadmin", "secadmin", "auditor", "reviewer", "officer", "leader", "supervisor", "officerb", "target"}
		historySees = []string{"sysadmin", "secadmin", "auditor"}
	)
	entry := func(method, suffix string, body any) hiddenCase {
		return hiddenCase{route: method + " /api/v1/catalog/{id}" + suffix, e: e, seen: "/api/v1/catalog/" + id(o.draft) + suffix,
			missing: "/api/v1/catalog/" + none + suffix, body: body, sees: draftSees}
	}
	rows := map[string]any{"rows": []map[string]string{{"统计年度": "2025", "人口数": "1000"}}}
	cases := []hiddenCase{
		// ORG-4: another user's session is answered as a missing one.
		{route: "DELETE /api/v1/auth/sessions/{id}", e: e, seen: "/api/v1/auth/sessions/" + id(freshSessionID(t, e, "target")),
			missing: "/api/v1/auth/sessions/" + none, sees: []string{"target"}},
		entry("GET", "", nil),
		entry("PATCH", "", map[string]string{"summary": "改过的摘要"}),
		entry("GET", "/versions", nil),
		entry("POST", "/submit", nil),
		entry("POST", "/review", map[string]string{"decision": "approve"}),
		entry("POST", "/revoke", reason),
		entry("POST", "/extend", reason),
		entry("POST", "/data", rows),
		entry("GET", "/dataset", nil),
		entry("GET", "/rows", nil),
		entry("GET", "/rows/history", nil),
		entry("GET", "/batches", nil),
		entry("PUT", "/source", govdata.SourceInput{Kind: govdata.SourceHTTP, URL: providerURL() + "/rows"}),
		entry("GET", "/source", nil),
		entry("DELETE", "/source", nil),
		entry("POST", "/source/check", nil),
		entry("POST", "/source/run", nil),
		entry("GET", "/live", nil),
		entry("POST", "/maintenance", govdata.MaintenanceInput{Reason: "更正", Changes: []govdata.RowChange{{Op: "delete", Where: map[string]string{"统计年度": "2025"}}}}),
		entry("GET", "/maintenance", nil),
		{route: "GET /api/v1/open/catalog/{id}", e: e, seen: "/api/v1/open/catalog/" + id(o.draft), missing: "/api/v1/open/catalog/" + none},
		{route: "GET /dataset/{file}", e: e, seen: "/dataset/" + id(o.draft) + ".jsonld", missing: "/dataset/" + none + ".jsonld"},

		{route: "GET /api/v1/batches/{id}", e: e, seen: "/api/v1/batches/" + id(o.batch), missing: "/api/v1/batches/" + none, sees: dataSees},
		{route: "GET /api/v1/batches/{id}/rejected.csv", e: e, seen: "/api/v1/batches/" + id(o.batch) + "/rejected.csv", missing: "/api/v1/batches/" + none + "/rejected.csv", sees: dataSees},
		{route: "POST /api/v1/batches/{id}/cancel", e: e, seen: "/api/v1/batches/" + id(o.batch) + "/cancel", missing: "/api/v1/batches/" + none + "/cancel", sees: dataSees},
		{route: "GET /api/v1/maintenance/{id}", e: e, seen: "/api/v1/maintenance/" + id(o.maintenance), missing: "/api/v1/maintenance/" + none, sees: dataSees},
		{route: "POST /api/v1/maintenance/{id}/decide", e: e, seen: "/api/v1/maintenance/" + id(o.maintenance) + "/decide", missing: "/api/v1/maintenance/" + none + "/decide",
			body: govdata.MaintenanceDecision{Action: govdata.ActionApprove}, sees: dataSees},

		{route: "GET /api/v1/applications/{id}", e: e, seen: "/api/v1/applications/" + id(o.application), missing: "/api/v1/applications/" + none, sees: appSees},
		{route: "POST /api/v1/applications/{id}/decision", e: e, seen: "/api/v1/applications/" + id(o.application) + "/decision", missing: "/api/v1/applications/" + none + "/decision",
			body: govdata.ApplicationDecision{Decision: govdata.ActionApprove}, sees: appSees},

		{route: "GET /api/v1/grants/{id}", e: e, seen: "/api/v1/grants/" + id(o.grant), missing: "/api/v1/grants/" + none, sees: grantSees},
		{route: "POST /api/v1/grants/{id}/suspend", e: e, seen: "/api/v1/grants/" + id(o.grant) + "/suspend", missing: "/api/v1/grants/" + none + "/suspend", body: reason, sees: grantSees},
		{route: "POST /api/v1/grants/{id}/resume", e: e, seen: "/api/v1/grants/" + id(o.grant) + "/resume", missing: "/api/v1/grants/" + none + "/resume", body: reason, sees: grantSees},
		{route: "POST /api/v1/grants/{id}/revoke", e: e, seen: "/api/v1/grants/" + id(o.grant) + "/revoke", missing: "/api/v1/grants/" + none + "/revoke", body: reason, sees: grantSees},
		{route: "POST /api/v1/grants/{id}/credentials", variant: "name", e: e, seen: "/api/v1/grants/" + id(o.grant) + "/credentials", missing: "/api/v1/grants/" + none + "/credentials",
			body: govdata.GrantCredentialInput{Name: "隐藏测试系统"}, sees: grantSees},
		// A's own grant, asked to bind B's credential.
		{route: "POST /api/v1/grants/{id}/credentials", variant: "credential_id", e: e, seen: "/api/v1/grants/" + id(o.grantA) + "/credentials", missing: "/api/v1/grants/" + id(o.grantA) + "/credentials",
			body: govdata.GrantCredentialInput{CredentialID: o.credential}, sees: credSees},
		{route: "GET /api/v1/grants/{id}/credentials", e: e, seen: "/api/v1/grants/" + id(o.grant) + "/credentials", missing: "/api/v1/grants/" + none + "/credentials", sees: grantSees},
		{route: "DELETE /api/v1/grants/{id}/credentials/{credential_id}", e: e, seen: "/api/v1/grants/" + id(o.grant) + "/credentials/" + id(o.credential),
			missing: "/api/v1/grants/" + none + "/credentials/" + none, sees: grantSees},
		{route: "DELETE /api/v1/grants/{id}/credentials/{credential_id}", variant: "B's credential on A's grant", e: e, seen: "/api/v1/grants/" + id(o.grantA) + "/credentials/" + id(o.credential),
			missing: "/api/v1/grants/" + id(o.grantA) + "/credentials/" + none, sees: credSees},
		{route: "GET /api/v1/grants/{id}/daily-usage", e: e, seen: "/api/v1/grants/" + id(o.grant) + "/daily-usage", missing: "/api/v1/grants/" + none + "/daily-usage", sees: grantSees},
		{route: "GET /api/v1/grants/{id}/usage", e: e, seen: "/api/v1/grants/" + id(o.grant) + "/usage", missing: "/api/v1/grants/" + none + "/usage", sees: grantSees},
		{route: "POST /api/v1/grants/{id}/usage", e: e, seen: "/api/v1/grants/" + id(o.grant) + "/usage", missing: "/api/v1/grants/" + none + "/usage",
			body: usageInput(govdata.UsageUse, e.clock.Now()), sees: grantSees},
		{route: "POST /api/v1/grant-flags/{id}/resolve", e: e, seen: "/api/v1/grant-flags/" + id(o.flag) + "/resolve", missing: "/api/v1/grant-flags/" + none + "/resolve", body: reason, sees: grantSees},
		{route: "GET /api/v1/scenarios/{id}", e: lishui, seen: "/api/v1/scenarios/" + id(o.scenario), missing: "/api/v1/scenarios/" + none, sees: appSees},
		{route: "POST /api/v1/scenarios/{id}/retire", e: lishui, seen: "/api/v1/scenarios/" + id(o.scenario) + "/retire", missing: "/api/v1/scenarios/" + none + "/retire",
			body: govdata.ScenarioRetirement{Reason: "业务调整"}, sees: appSees},

		{route: "GET /api/v1/credentials/{id}", e: e, seen: "/api/v1/credentials/" + id(o.credential), missing: "/api/v1/credentials/" + none, sees: credSees},
		{route: "POST /api/v1/credentials/{id}/rotate", e: e, seen: "/api/v1/credentials/" + id(o.credential) + "/rotate", missing: "/api/v1/credentials/" + none + "/rotate", sees: credSees},
		{route: "POST /api/v1/credentials/{id}/revoke", e: e, seen: "/api/v1/credentials/" + id(o.credential) + "/revoke", missing: "/api/v1/credentials/" + none + "/revoke", body: reason, sees: credSees},
		{route: "POST /api/v1/notifications/{id}/read", e: e, seen: "/api/v1/notifications/" + id(o.notification) + "/read", missing: "/api/v1/notifications/" + none + "/read", sees: []string{"officerb"}},

		// Objects every caller of the route sees: only a refusal of the
		// route as such, the same for both.
		{route: "GET /api/v1/regions/{code}", e: e, seen: "/api/v1/regions/" + regionXiamen, missing: "/api/v1/regions/359999", sees: everyoneIn},
		{route: "GET /api/v1/regions/imports/{id}", e: e, seen: "/api/v1/regions/imports/" + startImport(t, e, "code,name\n350000,福建省\n").ID, missing: "/api/v1/regions/imports/" + none, sees: []string{"sysadmin"}},
		{route: "GET /api/v1/departments/{id}", e: e, seen: "/api/v1/departments/" + id(e.deptB.ID), missing: "/api/v1/departments/" + none, sees: everyoneIn},
		{route: "PATCH /api/v1/departments/{id}", e: e, seen: "/api/v1/departments/" + id(e.deptB.ID), missing: "/api/v1/departments/" + none, body: map[string]string{"name": "厦门市数据局"}, sees: []string{"sysadmin"}},
		{route: "GET /api/v1/users/{id}", e: e, seen: "/api/v1/users/" + id(userOf(e, "target").ID), missing: "/api/v1/users/" + none, sees: append([]string{"target"}, adminSees...)},
		{route: "PATCH /api/v1/users/{id}", e: e, seen: "/api/v1/users/" + id(userOf(e, "target").ID), missing: "/api/v1/users/" + none, body: map[string]string{"name": "改名"}, sees: adminSees},
		{route: "POST /api/v1/users/{id}/roles/confirm", e: e, seen: "/api/v1/users/" + id(userOf(e, "target").ID) + "/roles/confirm", missing: "/api/v1/users/" + none + "/roles/confirm",
			body: govdata.RoleDecision{Roles: []govdata.Role{govdata.RoleOfficer}}, sees: adminSees},
		{route: "POST /api/v1/users/{id}/roles/reject", e: e, seen: "/api/v1/users/" + id(userOf(e, "target").ID) + "/roles/reject", missing: "/api/v1/users/" + none + "/roles/reject",
			body: govdata.RoleDecision{Roles: []govdata.Role{govdata.RoleOfficer}}, sees: adminSees},
		// The three administrators know every account (the role history).
		{route: "POST /api/v1/users/{id}/unlock", e: e, seen: "/api/v1/users/" + id(userOf(e, "target").ID) + "/unlock", missing: "/api/v1/users/" + none + "/unlock", sees: historySees},
		{route: "GET /api/v1/users/{id}/roles", e: e, seen: "/api/v1/users/" + id(userOf(e, "target").ID) + "/roles", missing: "/api/v1/users/" + none + "/roles", sees: historySees},
		{route: "PUT /api/v1/calendar/{year}", e: e, seen: "/api/v1/calendar/2026", missing: "/api/v1/calendar/2099", body: map[string]string{}, sees: adminSees},
		{route: "GET /api/v1/webhooks/{id}", e: e, seen: "/api/v1/webhooks/" + id(freshWebhook(t, e).ID), missing: "/api/v1/webhooks/" + none, sees: []string{"sysadmin"}},
		{route: "PATCH /api/v1/webhooks/{id}", e: e, seen: "/api/v1/webhooks/" + id(freshWebhook(t, e).ID), missing: "/api/v1/webhooks/" + none, body: map[string]string{"name": "OA"}, sees: []string{"sysadmin"}},
		{route: "POST /api/v1/webhooks/{id}/rotate", e: e, seen: "/api/v1/webhooks/" + id(freshWebhook(t, e).ID) + "/rotate", missing: "/api/v1/webhooks/" + none + "/rotate", sees: []string{"sysadmin"}},
		{route: "GET /api/v1/deliveries/{id}", e: e, seen: "/api/v1/deliveries/" + id(failedDelivery(t, e)), missing: "/api/v1/deliveries/" + none, sees: []string{"sysadmin"}},
		{route: "POST /api/v1/deliveries/{id}/retry", e: e, seen: "/api/v1/deliveries/" + id(failedDelivery(t, e)) + "/retry", missing: "/api/v1/deliveries/" + none + "/retry", sees: []string{"sysadmin"}},
		{route: "GET /api/v1/export-traces/{trace}", e: e, seen: "/api/v1/export-traces/" + url.PathEscape(o.trace), missing: "/api/v1/export-traces/0000000000000000", sees: []string{"secadmin", "auditor"}},
	}
	// The data service by resource code: a draft's code is no service.
	for _, op := range []struct{ method, name string }{{"GET", "records"}, {"POST", "verify"}, {"GET", "export"}, {"GET", "changes"}} {
		var body any
		if op.method == "POST" {
			body = govdata.VerifyInput{Match: map[string]string{"统计年度": "2025"}}
		}
		cases = append(cases, hiddenCase{route: op.method + " /api/v1/services/{code}/" + op.name, e: e, body: body,
			seen: "/api/v1/services/" + o.draftCode + "/" + op.name, missing: "/api/v1/services/" + url.PathEscape("XX/000000000/99999") + "/" + op.name})
	}
	// OPN-1: open datasets by resource code: a draft's code is none.
	for _, op := range []string{"", "/download", "/records"} {
		cases = append(cases, hiddenCase{route: "GET /api/v1/open/datasets/{code}" + op, e: e,
			seen: "/api/v1/open/datasets/" + o.draftCode + op, missing: "/api/v1/open/datasets/" + url.PathEscape("XX/000000000/99999") + op})
	}
	return cases
}

func TestHiddenObjects(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		lishui := newEnv(t, engine, envOptions{profile: "lishui-2020"})
		o := setUpHidden(t, e, lishui)
		cases := append(hiddenCases(t, e, lishui, o), openflowHidden(t, e)...) // openflow: OPN-2, OPN-3
		// zjopen: ZJ-20
		cases = append(cases, openAttributeHidden(t, newEnv(t, engine, envOptions{profile: zhejiang}))...)

		// Every route with a path parameter has a case, or names no object.
		covered := map[string]bool{}
		for _, c := range cases {
			covered[c.route] = true
		}
		routes := map[string]bool{}
		for _, rt := range e.srv.RoutesForTest() {
			routes[rt.Pattern()] = true
			if strings.Contains(rt.Path, "{") && !covered[rt.Pattern()] && notObjects[rt.Pattern()] == "" {
				t.Errorf("route %s names an object by its path and has no case here", rt.Pattern())
			}
		}
		for p := range covered {
			if !routes[p] {
				t.Errorf("the cases have %s, which the router does not serve", p)
			}
		}

		for _, c := range cases {
			name := c.route
			if c.variant != "" {
				name += " (" + c.variant + ")"
			}
			for _, caller := range hiddenCallers {
				if slices.Contains(c.sees, caller) {
					continue
				}
				t.Run(name+"/"+caller, func(t *testing.T) {
					e := c.e
					build := func(path string) req {
						r := req{method: c.method(), path: path, body: c.body}
						switch caller {
						case "anonymous":
						case "credential":
							r.sign = signedBy(e.cred)
						default:
							r.as = caller
						}
						return r
					}
					seen, missing := e.do(t, build(c.seen)), e.do(t, build(c.missing))
					// A path echoed back is the caller's own input, no oracle.
					if a, b := strings.ReplaceAll(answerOf(seen), c.seen, c.missing), answerOf(missing); a != b {
						t.Fatalf("an object the caller may not see and none answer differently:\n%v\n%v", seen, missing)
					}
					if seen.status == http.StatusNotFound && !strings.HasPrefix(c.route, "GET /api/v1/open/") && !strings.HasPrefix(c.route, "GET /dataset/") {
						// Refused on the record, though answered as missing.
						rec := e.mustAudited(t, seen, govdata.AuditRefused)
						if !strings.Contains(c.route, "/services/") && !strings.Contains(rec.Detail, `"hidden":"true"`) {
							t.Errorf("%v: the refusal's record %s does not say the object was hidden", seen, rec.Detail)
						}
					}
				})
			}
		}
	})
}

// TestVisibleRefused: who sees an object but may not act on it is refused
// as such, 403 on the record: its existence is no secret to them.
func TestVisibleRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		open := itoa(entryOfB(t, e))
		grantA := itoa(grantForA(t, e).ID)
		reason := map[string]string{"reason": "核查"}
		for _, r := range []req{
			// Everyone sees a published entry; only B's officer writes it or
			// reads its data.
			{method: "PATCH", path: "/api/v1/catalog/" + open, as: "officer", body: map[string]string{"summary": "改过的摘要"}},
			{method: "POST", path: "/api/v1/catalog/" + open + "/revoke", as: "officer", body: reason},
			{method: "GET", path: "/api/v1/catalog/" + open + "/dataset", as: "officer"},
			{method: "GET", path: "/api/v1/catalog/" + open + "/source", as: "officer"},
			{method: "GET", path: "/api/v1/catalog/" + open + "/batches", as: "leader"},
			// The consumer sees its grant but does not revoke it; the
			// provider sees it but binds no credential to it.
			{method: "POST", path: "/api/v1/grants/" + grantA + "/revoke", as: "officer", body: reason},
			{method: "POST", path: "/api/v1/grants/" + grantA + "/credentials", as: "officerb", body: govdata.GrantCredentialInput{Name: "乙系统"}},
		} {
			e.mustRefused(t, e.do(t, r), http.StatusForbidden)
		}
	})
}

func (c hiddenCase) method() string { m, _, _ := strings.Cut(c.route, " "); return m }

// answerOf is what a client learns from an answer: its status and its
// body without the request ID.
func answerOf(r *resp) string {
	var env envelope
	if err := json.Unmarshal(r.body, &env); err != nil || env.Error.Code == "" {
		return fmt.Sprintf("%d %s", r.status, r.body)
	}
	env.Error.RequestID = ""
	b, _ := json.Marshal(env)
	return fmt.Sprintf("%d %s", r.status, b)
}
