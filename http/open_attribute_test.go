package http_test

import (
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

const zhejiang = "zhejiang-finance-2024"

// openAttributeOfA is the pending approval (ZJ-20) of a conditionally open
// entry of department A, just published under the Zhejiang profile.
func openAttributeOfA(t testing.TB, e *env) *govdata.OpenAttributeApproval {
	t.Helper()
	entry := conditionalEntry(t, e, e.actor("officer"), e.actor("reviewer"))
	l := mustGet(e.svc.OpenAttributes.FindOpenAttributes(storetest.System(), govdata.OpenAttributeFilter{State: govdata.OpenAttributePending}))(t)
	for _, o := range l.Items {
		if o.EntryID == entry {
			return o
		}
	}
	t.Fatalf("no pending open attribute approval of entry %d", entry)
	return nil
}

// openAttributeMatrix: ZJ-20 — the provider's and the bureau's people read
// the approvals; the source's officer takes the first step. Public
// accounts and anonymous callers reach none of it.
var openAttributeMatrix = []matrixCase{
	{route: "GET /api/v1/open-attributes", profile: zhejiang, auth: "user", allow: shareReaders, build: get("/api/v1/open-attributes?state=pending")},
	{route: "GET /api/v1/open-attributes/{id}", profile: zhejiang, auth: "user", allow: shareReaders, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/open-attributes/" + itoa(openAttributeOfA(t, e).ID)}
	}},
	{route: "POST /api/v1/open-attributes/{id}/decision", profile: zhejiang, auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/open-attributes/" + itoa(openAttributeOfA(t, e).ID) + "/decision",
			body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}}
	}},
}

func init() { matrix = append(matrix, openAttributeMatrix...) }

// ZJ-20 over HTTP: the chain of three, the entry joining the open catalog
// only after the last; a refusal's reason is required (422-style 4xx).
func TestOpenAttributeHTTP(t *testing.T) {
	e := newEnv(t, storetest.SQLite, envOptions{profile: zhejiang})
	o := openAttributeOfA(t, e)
	openCat := func() int {
		r := e.do(t, req{method: "GET", path: "/api/v1/open/catalog/" + itoa(o.EntryID)})
		return r.status
	}
	if s := openCat(); s != 404 {
		t.Fatalf("open before the approvals: %d", s)
	}
	decide := func(who string, seq int, d govdata.Action, reason string) *resp {
		return e.do(t, req{method: "POST", path: "/api/v1/open-attributes/" + itoa(o.ID) + "/decision", as: who,
			body: govdata.OpenDecision{StepSeq: seq, Decision: d, Reason: reason}})
	}
	if r := decide("officer", 1, govdata.ActionReject, ""); r.status != 400 && r.status != 422 {
		t.Fatalf("refusal without a reason: %d", r.status)
	}
	for i, st := range []struct {
		who string
		act govdata.Action
	}{{"officer", govdata.ActionApprove}, {"reviewer", govdata.ActionApprove}, {"leader", govdata.ActionSign}} {
		if r := decide(st.who, i+1, st.act, ""); r.status != 200 {
			t.Fatalf("step %d by %s: %d %s", i+1, st.who, r.status, r.body)
		}
	}
	if s := openCat(); s != 200 {
		t.Fatalf("not open after the approvals: %d", s)
	}
}

// openAttributeHidden: department B's pending approval (B's data, reviewed
// by the province) is nothing to department A's people.
func openAttributeHidden(t testing.TB, e *env) []hiddenCase {
	t.Helper()
	const none = "987654321"
	officerB := e.actor("officerb")
	entry := conditionalEntry(t, e, officerB, e.provinceReviewer())
	l := mustGet(e.svc.OpenAttributes.FindOpenAttributes(storetest.System(), govdata.OpenAttributeFilter{State: govdata.OpenAttributePending}))(t)
	var id int64
	for _, o := range l.Items {
		if o.EntryID == entry {
			id = o.ID
		}
	}
	if id == 0 {
		t.Fatal("no pending approval of B's entry")
	}
	return []hiddenCase{
		{route: "GET /api/v1/open-attributes/{id}", e: e, seen: "/api/v1/open-attributes/" + itoa(id), missing: "/api/v1/open-attributes/" + none, sees: []string{"officerb"}},
		{route: "POST /api/v1/open-attributes/{id}/decision", e: e, seen: "/api/v1/open-attributes/" + itoa(id) + "/decision", missing: "/api/v1/open-attributes/" + none + "/decision",
			body: govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionReject, Reason: "x"}, sees: []string{"officerb"}},
	}
}
