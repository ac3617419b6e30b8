package http_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestServiceQueryRefused: a malformed query string of a data-service
// call is a 400 naming each bad parameter, and the call is on the record
// as refused, on its resource code (no grant is looked for) — whether the
// code is served or unknown (SHR-4: every call, answered or refused, is
// one audit record).
func TestServiceQueryRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		served := servedForA(t, e, govdata.MethodAPI)
		unknown := url.PathEscape("XX/000000000/99999")
		many := url.Values{}
		for i := range 21 {
			many.Set("项"+itoa(int64(i)), "1")
		}
		for _, c := range []struct {
			op, code, query string
			fields          []string // the parameters the answer names
		}{
			{"records", served, "limit=0", []string{"limit"}},
			{"records", served, "limit=501", []string{"limit"}},
			{"records", served, "limit=ten", []string{"limit"}},
			{"records", served, "limit=1&limit=2", []string{"limit"}},
			{"records", served, "grant_id=0", []string{"grant_id"}},
			{"records", served, "grant_id=x", []string{"grant_id"}},
			{"records", served, "format=pdf", []string{"format"}},
			{"records", served, url.QueryEscape("人口数") + "=1&" + url.QueryEscape("人口数") + "=2", []string{"人口数"}},
			{"records", served, url.QueryEscape("人口数__gte") + "=" + strings.Repeat("9", 201), []string{"人口数__gte"}},
			{"records", served, many.Encode(), []string{"filters"}},
			{"records", served, "limit=0&grant_id=-1&sort=a&sort=b", []string{"grant_id", "limit", "sort"}},
			{"records", unknown, "limit=0", []string{"limit"}}, // the query is read first
			{"export", served, "format=pdf", []string{"format"}},
			{"export", served, "format=CSV&fields=a&fields=b", []string{"fields", "format"}},
			{"changes", served, "limit=1000", []string{"limit"}},
			{"changes", unknown, "cursor=a&cursor=b", []string{"cursor"}},
		} {
			path := "/api/v1/services/" + c.code + "/" + c.op + "?" + c.query
			r := e.do(t, req{method: "GET", path: path, sign: signedBy(e.cred)})
			env := mustError(t, r, http.StatusBadRequest, govdata.EINVALID)
			if got := slices.Sorted(maps.Keys(env.Error.Fields)); !slices.Equal(got, c.fields) {
				t.Errorf("%s: fields %v, want %v", path, env.Error.Fields, c.fields)
			}
			if strings.Contains(c.query, "limit=501") && !strings.Contains(env.Error.Fields["limit"], "500") {
				t.Errorf("%s: the limit's message %q does not name the maximum", path, env.Error.Fields["limit"])
			}
			recs := e.auditOf(t, r)
			if len(recs) != 1 {
				t.Fatalf("%s: %d audit records, want 1", path, len(recs))
			}
			rec := recs[0]
			code, _ := url.PathUnescape(c.code)
			var detail map[string]any
			if err := json.Unmarshal([]byte(rec.Detail), &detail); err != nil {
				t.Fatal(err)
			}
			delete(detail, "latency_ms")
			want := map[string]any{"resource_code": code, "items": nil, "rows": float64(0), "code": "invalid", "reason": govdata.MsgInvalidInput.EN}
			if rec.Action != "service."+c.op || rec.Result != govdata.AuditRefused || rec.ObjectType != "resource" || rec.ObjectID != code ||
				rec.CredentialID != e.cred.ID || jsonText(detail) != jsonText(want) {
				t.Errorf("%s: recorded as %+v, want a refused service.%s on resource %s with detail %s", path, rec, c.op, code, jsonText(want))
			}
		}
	})
}

// TestSignedReplay: a nonce is spent once, on every signed route — the
// data service's calls and the others alike — and a nonce spent on one
// route is spent for all of them (ORG-5). Each call, answered or
// replayed, leaves its record.
func TestSignedReplay(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		codes := map[govdata.ShareMethod]string{}
		served := func(m govdata.ShareMethod) string {
			if codes[m] == "" {
				codes[m] = servedForA(t, e, m)
			}
			return "/api/v1/services/" + codes[m]
		}
		// A call answered 200 of each signed route.
		calls := map[string]func() req{
			"GET /api/v1/services/whoami": func() req { return req{method: "GET", path: "/api/v1/services/whoami"} },
			"GET /api/v1/services/{code}/records": func() req {
				return req{method: "GET", path: served(govdata.MethodAPI) + "/records?limit=1"}
			},
			"POST /api/v1/services/{code}/verify": func() req {
				return req{method: "POST", path: served(govdata.MethodAPI) + "/verify", body: govdata.VerifyInput{Match: map[string]string{"统计年度": "2025"}}}
			},
			"GET /api/v1/services/{code}/export": func() req {
				return req{method: "GET", path: served(govdata.MethodFile) + "/export?format=csv"}
			},
			"GET /api/v1/services/{code}/changes": func() req {
				return req{method: "GET", path: served(govdata.MethodSubscription) + "/changes"}
			},
		}
		replayed := func(r *resp) {
			t.Helper()
			env := e.mustRefused(t, r, http.StatusUnauthorized)
			if !strings.HasPrefix(env.Error.Message, govdata.MsgSignatureReplay.ZH) {
				t.Errorf("%v: message %q, want %q", r, env.Error.Message, govdata.MsgSignatureReplay.ZH)
			}
		}
		signed := 0
		for _, rt := range e.srv.RoutesForTest() {
			if rt.Auth != "signed" {
				continue
			}
			signed++
			call, ok := calls[rt.Pattern()]
			if !ok {
				t.Errorf("signed route %s: add a call of it to this test", rt.Pattern())
				continue
			}
			c := call()
			c.sign = &signSpec{appKey: e.cred.AppKey, secret: e.cred.Secret, nonce: "once-" + rt.Action}
			first := e.do(t, c)
			mustStatus(t, first, http.StatusOK)
			if recs := e.auditOf(t, first); len(recs) != 1 || recs[0].Result != govdata.AuditOK {
				t.Errorf("%v: %d records, want one answered", first, len(recs))
			}
			replayed(e.do(t, c))
			// The same nonce, signed anew a second later: still spent.
			c.sign.at = e.clock.Now().Add(time.Second)
			replayed(e.do(t, c))
		}
		if signed != len(calls) {
			t.Errorf("%d signed routes, %d calls in this test", signed, len(calls))
		}
		// One store of nonces: spent on one route, spent on the others.
		for i, pair := range [][2]string{
			{"GET /api/v1/services/whoami", "GET /api/v1/services/{code}/records"},
			{"GET /api/v1/services/{code}/records", "GET /api/v1/services/whoami"},
			{"POST /api/v1/services/{code}/verify", "GET /api/v1/services/{code}/export"},
		} {
			a, b := calls[pair[0]](), calls[pair[1]]()
			nonce := "shared-" + itoa(int64(i))
			a.sign = &signSpec{appKey: e.cred.AppKey, secret: e.cred.Secret, nonce: nonce}
			b.sign = &signSpec{appKey: e.cred.AppKey, secret: e.cred.Secret, nonce: nonce}
			mustStatus(t, e.do(t, a), http.StatusOK)
			replayed(e.do(t, b))
		}
	})
}
