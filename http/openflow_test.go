package http_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

type publicAcct struct {
	id    int64
	token string
}

// newPublicAccount registers and confirms a fresh public account and
// signs it in to the portal.
func newPublicAccount(t testing.TB, e *env) publicAcct {
	t.Helper()
	id, email := publicAccount(t, e, true)
	return publicAcct{id: id, token: publicLogin(t, e, email)}
}

// fixtureActor is e's fixture public account acting on the services.
func fixtureActor(t testing.TB, e *env) context.Context {
	return storetest.As(govdata.Actor{PublicAccountID: publicFixture(t, e).id})
}

// conditionalEntry publishes a conditionally open entry of officer's
// department, reviewed by reviewer.
func conditionalEntry(t testing.TB, e *env, officer, reviewer govdata.Actor) int64 {
	t.Helper()
	in := catalogInput(fmt.Sprintf("有条件开放资源%d", e.next()))
	in.OpenType, in.OpenConditions = govdata.OpenConditional, "仅限科研用途"
	d := mustGet(e.svc.Catalog.CreateEntry(storetest.As(officer), in))(t)
	mustGet(e.svc.Catalog.Submit(storetest.As(officer), d.ID))(t)
	mustGet(e.svc.Catalog.Review(storetest.As(reviewer), d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
	return d.ID
}

func openApplicationInput(e *env, entry int64) govdata.OpenApplicationInput {
	today := govdata.DateOf(e.clock.Now().In(govdata.ChinaTime))
	return govdata.OpenApplicationInput{EntryID: entry, Items: []string{"人口数"}, Purpose: "人口研究", Scenario: "高校科研",
		Measures: "内网存放，专人管理", ValidFrom: today, ValidUntil: today.AddDays(90),
		AgreementVersion: govdata.OpenAgreementVersion, AgreementAccepted: true}
}

// openApplicationOfA is the fixture public account's pending application
// for a conditionally open entry of department A.
func openApplicationOfA(t testing.TB, e *env) *govdata.OpenApplication {
	t.Helper()
	entry := conditionalEntry(t, e, e.actor("officer"), e.actor("reviewer"))
	return mustGet(e.svc.OpenApplications.ApplyOpen(fixtureActor(t, e), openApplicationInput(e, entry)))(t)
}

// openGrantOnA is the fixture public account's grant on A's data.
func openGrantOnA(t testing.TB, e *env) int64 {
	t.Helper()
	app := openApplicationOfA(t, e)
	app = mustGet(e.svc.OpenApplications.DecideOpenApplication(storetest.As(e.actor("officer")), app.ID,
		govdata.OpenDecision{StepSeq: app.Workflow.StepSeq, Decision: govdata.ActionApprove}))(t)
	return app.GrantID
}

// withdrawalOfA is department A's pending request to withdraw open data.
func withdrawalOfA(t testing.TB, e *env) *govdata.OpenWithdrawal {
	t.Helper()
	entry := conditionalEntry(t, e, e.actor("officer"), e.actor("reviewer"))
	return mustGet(e.svc.OpenWithdrawals.RequestWithdrawal(storetest.As(e.actor("officer")), govdata.OpenWithdrawalInput{EntryID: entry, Reason: "停止更新"}))(t)
}

var (
	publicOnly   = []string{"public"}
	shareReaders = []string{"officer", "leader", "reviewer"}
)

// openflowMatrix: OPN-2 — a public account applies, reads its own and
// withdraws; the provider's officer decides (the default profile's
// open_conditional); its people and the bureau read; HLJ-43 — the provider,
// the bureau and the secadmin suspend and resume grants; OPN-3, HLJ-35 —
// the provider's officer asks to withdraw open data, the bureau decides,
// and anyone reads the notices.
var openflowMatrix = []matrixCase{
	{route: "POST /api/v1/public/open-applications", auth: "account", allow: publicOnly, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/public/open-applications", body: openApplicationInput(e, conditionalEntry(t, e, e.actor("officer"), e.actor("reviewer")))}
	}},
	{route: "GET /api/v1/public/open-applications", auth: "account", allow: publicOnly, build: get("/api/v1/public/open-applications?state=pending")},
	{route: "GET /api/v1/public/open-applications/{id}", auth: "account", allow: publicOnly, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/public/open-applications/" + itoa(openApplicationOfA(t, e).ID)}
	}},
	{route: "POST /api/v1/public/open-applications/{id}/withdraw", auth: "account", allow: publicOnly, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/public/open-applications/" + itoa(openApplicationOfA(t, e).ID) + "/withdraw"}
	}},
	{route: "GET /api/v1/public/open-grants", auth: "account", allow: publicOnly, build: get("/api/v1/public/open-grants")},
	{route: "GET /api/v1/open-applications", auth: "user", allow: shareReaders, build: get("/api/v1/open-applications?state=pending")},
	{route: "GET /api/v1/open-applications/{id}", auth: "user", allow: shareReaders, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/open-applications/" + itoa(openApplicationOfA(t, e).ID)}
	}},
	{route: "POST /api/v1/open-applications/{id}/decision", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/open-applications/" + itoa(openApplicationOfA(t, e).ID) + "/decision",
			body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}}
	}},
	{route: "GET /api/v1/open-grants", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin", "auditor"}, build: get("/api/v1/open-grants")},
	{route: "POST /api/v1/open-grants/{id}/suspend", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/open-grants/" + itoa(openGrantOnA(t, e)) + "/suspend", body: map[string]string{"reason": "未落实安全措施"}}
	}},
	{route: "POST /api/v1/open-grants/{id}/resume", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		g := openGrantOnA(t, e)
		mustGet(e.svc.OpenApplications.SuspendOpenGrant(storetest.As(e.actor("reviewer")), g, "核查"))(t)
		return req{method: "POST", path: "/api/v1/open-grants/" + itoa(g) + "/resume", body: map[string]string{"reason": "已整改"}}
	}},
	{route: "POST /api/v1/open-withdrawals", auth: "user", allow: []string{"officer"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		entry := conditionalEntry(t, e, e.actor("officer"), e.actor("reviewer"))
		return req{method: "POST", path: "/api/v1/open-withdrawals", body: govdata.OpenWithdrawalInput{EntryID: entry, Reason: "数据停止更新"}}
	}},
	{route: "GET /api/v1/open-withdrawals", auth: "user", allow: shareReaders, build: get("/api/v1/open-withdrawals?state=pending")},
	{route: "GET /api/v1/open-withdrawals/{id}", auth: "user", allow: shareReaders, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/open-withdrawals/" + itoa(withdrawalOfA(t, e).ID)}
	}},
	{route: "POST /api/v1/open-withdrawals/{id}/decision", auth: "user", allow: []string{"reviewer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/open-withdrawals/" + itoa(withdrawalOfA(t, e).ID) + "/decision",
			body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove, ProvincialFiling: "已报省大数据管理局备案"}}
	}},
	{route: "GET /api/v1/open/withdrawals", auth: "public", allow: everyone, build: get("/api/v1/open/withdrawals")},
}

func init() { matrix = append(matrix, openflowMatrix...) }

// openflowHidden: department B's open application, grant and withdrawal
// (B's data, reviewed by the province) and another account's application:
// department A's people, the other accounts and staff on the portal's
// routes learn nothing of them.
func openflowHidden(t testing.TB, e *env) []hiddenCase {
	t.Helper()
	const none = "987654321"
	officerB := e.actor("officerb")
	entry := conditionalEntry(t, e, officerB, e.provinceReviewer())
	someone := storetest.As(govdata.Actor{PublicAccountID: newPublicAccount(t, e).id})
	app := mustGet(e.svc.OpenApplications.ApplyOpen(someone, openApplicationInput(e, entry)))(t)
	granted := mustGet(e.svc.OpenApplications.ApplyOpen(someone, openApplicationInput(e, entry)))(t)
	granted = mustGet(e.svc.OpenApplications.DecideOpenApplication(storetest.As(officerB), granted.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}))(t)
	wd := mustGet(e.svc.OpenWithdrawals.RequestWithdrawal(storetest.As(officerB), govdata.OpenWithdrawalInput{EntryID: conditionalEntry(t, e, officerB, e.provinceReviewer()), Reason: "停止更新"}))(t)
	reason := map[string]string{"reason": "核查"}
	id := itoa
	return []hiddenCase{
		{route: "GET /api/v1/public/open-applications/{id}", e: e, seen: "/api/v1/public/open-applications/" + id(app.ID), missing: "/api/v1/public/open-applications/" + none},
		{route: "POST /api/v1/public/open-applications/{id}/withdraw", e: e, seen: "/api/v1/public/open-applications/" + id(app.ID) + "/withdraw", missing: "/api/v1/public/open-applications/" + none + "/withdraw"},
		{route: "GET /api/v1/open-applications/{id}", e: e, seen: "/api/v1/open-applications/" + id(app.ID), missing: "/api/v1/open-applications/" + none, sees: []string{"officerb"}},
		{route: "POST /api/v1/open-applications/{id}/decision", e: e, seen: "/api/v1/open-applications/" + id(app.ID) + "/decision", missing: "/api/v1/open-applications/" + none + "/decision",
			body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}, sees: []string{"officerb"}},
		{route: "POST /api/v1/open-grants/{id}/suspend", e: e, seen: "/api/v1/open-grants/" + id(granted.GrantID) + "/suspend", missing: "/api/v1/open-grants/" + none + "/suspend",
			body: reason, sees: []string{"officerb", "secadmin"}},
		{route: "POST /api/v1/open-grants/{id}/resume", e: e, seen: "/api/v1/open-grants/" + id(granted.GrantID) + "/resume", missing: "/api/v1/open-grants/" + none + "/resume",
			body: reason, sees: []string{"officerb", "secadmin"}},
		{route: "GET /api/v1/open-withdrawals/{id}", e: e, seen: "/api/v1/open-withdrawals/" + id(wd.ID), missing: "/api/v1/open-withdrawals/" + none, sees: []string{"officerb"}},
		{route: "POST /api/v1/open-withdrawals/{id}/decision", e: e, seen: "/api/v1/open-withdrawals/" + id(wd.ID) + "/decision", missing: "/api/v1/open-withdrawals/" + none + "/decision",
			body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionReject, Reason: "x"}, sees: []string{"officerb"}},
	}
}

// OPN-2, OPN-3 over HTTP: a person applies, the provider refuses with a
// reason the person reads, the person applies again and is granted; the
// provider asks to withdraw the data, the bureau approves with the
// provincial filing, the grant ends and anyone reads the notice.
func TestOpenFlowHTTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		person := newPublicAccount(t, e)
		entry := conditionalEntry(t, e, e.actor("officer"), e.actor("reviewer"))
		in := openApplicationInput(e, entry)

		bad := in
		bad.AgreementAccepted = false
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/public/open-applications", token: person.token, body: bad}), http.StatusBadRequest, govdata.EINVALID)
		// A staff session is no public account.
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/public/open-applications", as: "officer", body: in}), http.StatusForbidden, govdata.EFORBIDDEN)

		app := mustOK[govdata.OpenApplication](t, e.do(t, req{method: "POST", path: "/api/v1/public/open-applications", token: person.token, body: in}), http.StatusCreated)
		if app.State != govdata.OpenApplicationPending || app.Due == nil {
			t.Fatalf("filed %+v", app)
		}
		list := mustOK[govdata.List[govdata.OpenApplication]](t, e.do(t, req{method: "GET", path: "/api/v1/open-applications?state=pending", as: "officer"}), http.StatusOK)
		if len(list.Items) != 1 || list.Items[0].AccountName != "测试用户" {
			t.Fatalf("the provider's list %+v", list.Items)
		}
		path := "/api/v1/open-applications/" + itoa(app.ID)
		staff := mustOK[govdata.OpenApplication](t, e.do(t, req{method: "GET", path: path, as: "officer"}), http.StatusOK)
		if len(staff.Actions) != 2 {
			t.Fatalf("the officer's actions %v", staff.Actions)
		}
		mustError(t, e.do(t, req{method: "POST", path: path + "/decision", as: "officer", body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionReject}}),
			http.StatusBadRequest, govdata.EINVALID)
		mustOK[govdata.OpenApplication](t, e.do(t, req{method: "POST", path: path + "/decision", as: "officer",
			body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionReject, Reason: "用途不符合开放条件"}}), http.StatusOK)
		mine := mustOK[govdata.OpenApplication](t, e.do(t, req{method: "GET", path: "/api/v1/public/open-applications/" + itoa(app.ID), token: person.token}), http.StatusOK)
		if mine.State != govdata.OpenApplicationRejected || mine.RefusalReason != "用途不符合开放条件" {
			t.Fatalf("the person sees %+v", mine)
		}
		// Another account is told nothing of it.
		other := newPublicAccount(t, e)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/public/open-applications/" + itoa(app.ID), token: other.token}), http.StatusNotFound, govdata.ENOTFOUND)

		again := mustOK[govdata.OpenApplication](t, e.do(t, req{method: "POST", path: "/api/v1/public/open-applications", token: person.token, body: in}), http.StatusCreated)
		mustOK[govdata.OpenApplication](t, e.do(t, req{method: "POST", path: "/api/v1/open-applications/" + itoa(again.ID) + "/decision", as: "officer",
			body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}}), http.StatusOK)
		grants := mustOK[govdata.List[govdata.OpenGrant]](t, e.do(t, req{method: "GET", path: "/api/v1/public/open-grants", token: person.token}), http.StatusOK)
		if len(grants.Items) != 1 || grants.Items[0].State != govdata.OpenGrantActive {
			t.Fatalf("grants %+v", grants.Items)
		}

		wd := mustOK[govdata.OpenWithdrawal](t, e.do(t, req{method: "POST", path: "/api/v1/open-withdrawals", as: "officer",
			body: govdata.OpenWithdrawalInput{EntryID: entry, Reason: "数据已停止更新"}}), http.StatusCreated)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/open-withdrawals/" + itoa(wd.ID) + "/decision", as: "reviewer",
			body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}}), http.StatusBadRequest, govdata.EINVALID)
		mustOK[govdata.OpenWithdrawal](t, e.do(t, req{method: "POST", path: "/api/v1/open-withdrawals/" + itoa(wd.ID) + "/decision", as: "reviewer",
			body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove, ProvincialFiling: "已报省大数据管理局备案"}}), http.StatusOK)
		notices := mustOK[govdata.List[govdata.WithdrawalNotice]](t, e.do(t, req{method: "GET", path: "/api/v1/open/withdrawals"}), http.StatusOK)
		if len(notices.Items) != 1 || notices.Items[0].Reason != "数据已停止更新" || notices.Items[0].DepartmentName != e.deptA.Name {
			t.Fatalf("notices %+v", notices.Items)
		}
		grants = mustOK[govdata.List[govdata.OpenGrant]](t, e.do(t, req{method: "GET", path: "/api/v1/public/open-grants", token: person.token}), http.StatusOK)
		if grants.Items[0].State != govdata.OpenGrantWithdrawn {
			t.Fatalf("after the withdrawal %+v", grants.Items[0])
		}
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/open/catalog/" + itoa(entry)}), http.StatusNotFound, govdata.ENOTFOUND)
	})
}
