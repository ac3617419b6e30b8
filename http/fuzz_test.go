package http_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/govdata/govdata/signing"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// The fuzz tests throw arbitrary input at the parsers behind the API: JSON
// bodies, query parameters, signature headers. Whatever comes in, the
// answer is never a 5xx or a panic (PRODUCT.md §6), and every error is the
// envelope. Each iteration runs on every engine, so PostgreSQL's stricter
// text handling is fuzzed too. The seeds run with the normal suite; fuzz
// with e.g. go test -run '^$' -fuzz FuzzJSONBodies -fuzztime 20s ./http/

// fuzzEnvs opens one in-process server per engine for a fuzz test.
func fuzzEnvs(f *testing.F) []*env {
	f.Helper()
	var envs []*env
	for _, engine := range storetest.Engines(f) {
		envs = append(envs, newEnv(f, engine, envOptions{inProcess: true}))
	}
	return envs
}

// checkAnswer fails on a 5xx, and on an error answer that is not the envelope.
func checkAnswer(t *testing.T, e *env, r *resp) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("%s: %v (never a 5xx)", e.engine, r)
	}
	if r.status >= 400 {
		if problem := checkEnvelope(r); problem != "" {
			t.Fatalf("%s: %v: %s", e.engine, r, problem)
		}
	}
}

// jsonTargets are the endpoints whose bodies FuzzJSONBodies sends, with
// the account that may call them.
var jsonTargets = []struct {
	method string
	path   func(e *env) string
	as     string
}{
	{"POST", func(*env) string { return "/api/v1/regions" }, "sysadmin"},
	{"POST", func(*env) string { return "/api/v1/departments" }, "sysadmin"},
	{"POST", func(*env) string { return "/api/v1/users" }, "sysadmin"},
	{"POST", func(*env) string { return "/api/v1/auth/login" }, "sysadmin"},
	{"PATCH", func(e *env) string { return "/api/v1/departments/" + itoa(e.deptB.ID) }, "sysadmin"},
	{"PATCH", func(e *env) string { return "/api/v1/users/" + itoa(e.accounts["target"].user.ID) }, "sysadmin"},
	{"POST", func(*env) string { return "/api/v1/credentials" }, "officer"},
	{"POST", func(e *env) string { return "/api/v1/credentials/" + itoa(e.credB.ID) + "/revoke" }, "officerb"},
	{"POST", func(*env) string { return "/api/v1/auth/password" }, "target"},
}

func FuzzJSONBodies(f *testing.F) {
	for i, seed := range []string{
		`{"code":"350300","name":"莆田市"}`,
		`{"code":"350302","name":"城厢区","parent_code":"350300"}`,
		`{"name":"部门","credit_code":"11350100MB00000017","region_code":"350100","level":"city","parent_id":1}`,
		`{"username":"zhangsan","password":"Issued#Pw-2026","name":"张三","department_id":1,"roles":["officer"]}`,
		`{"username":"sysadmin","password":"Sj-Zy#2026pw"}`,
		`{"username":"officer","password":"wrong"}`,
		`{"code":"350300","name":"\u0000"}`,
		`{"name":"\ud800","credit_code":"\u0000","region_code":"35\u00000","level":"city"}`,
		`{"username":"\u0000admin","password":"x"}`,
		`{"username":"` + strings.Repeat("界", 70) + `","password":"x"}`,
		`{"roles":["sysadmin","auditor"],"department_id":-1}`,
		`{"department_id":1e400}`,
		`{"parent_id":9223372036854775808}`,
		`{"level":5}`,
		`{"code":["350300"]}`,
		`{"code":"350300","code":"350400","name":"x"}`,
		`{"Code":"350300","NAME":"x"}`,
		`{"code":"350300","name":"x"} {}`,
		`{"code":"350300",`,
		`[]`, `null`, `""`, `0`, `{}`, ``, " ", "\xff\xfe{", "{\"a\":" + strings.Repeat("[", 200),
		`{"name":"厦门市数据局","parent_id":0,"level":"county","region_code":"350200"}`,
		`{"name":"x","roles":["leader"],"disabled":true,"department_id":2,"password":"Reset#Pw-2026"}`,
		`{"roles":null,"department_id":null}`,
		`{"name":"系统","department_id":2}`,
		`{"reason":"停用\u0000"}`,
		`{"old_password":"Sj-Zy#2026pw","new_password":"New#Pass-2026"}`,
	} {
		f.Add(uint8(i%len(jsonTargets)), []byte(seed))
	}
	envs := fuzzEnvs(f)
	f.Fuzz(func(t *testing.T, target uint8, body []byte) {
		jt := jsonTargets[int(target)%len(jsonTargets)]
		for _, e := range envs {
			r := e.do(t, req{method: jt.method, path: jt.path(e), as: jt.as, body: body})
			checkAnswer(t, e, r)
		}
	})
}

// queryTargets are list endpoints with the account that may read them.
var queryTargets = []struct {
	path, as string
	signed   bool
}{
	{path: "/api/v1/regions", as: "officer"},
	{path: "/api/v1/departments", as: "officer"},
	{path: "/api/v1/users", as: "sysadmin"},
	{path: "/api/v1/credentials", as: "secadmin"},
	{path: "/api/v1/credentials", as: "officer"},
	{path: "/api/v1/audit", as: "auditor"},
	{path: "/api/v1/regions/350100", as: "leader"},
	{path: "/api/v1/services/whoami", signed: true},
}

func FuzzQueryParams(f *testing.F) {
	for i, seed := range []string{
		"limit=20", "limit=0", "limit=501", "limit=abc", "limit=-1", "limit=1e3", "limit=%20", "limit=20&limit=30",
		"cursor=djE6MzUwMTAw", "cursor=!!!", "cursor=djE6", "cursor=djE6LTE", "cursor=%00", "cursor=djE6%FF", "cursor=djE600", // "v1:" and bytes that are not UTF-8
		"parent_code=350100&level=county&q=%E5%8C%BA", "level=%FF", "q=%25_%5C", "q=%00", "q=%ff%fe",
		"region_code=350100&parent_id=1", "parent_id=-1", "parent_id=99999999999999999999",
		"department_id=1&role=officer&q=a", "role=%00", "department_id=1.5",
		"include_revoked=true&department_id=2",
		"actor=sysadmin&action=user.&object_type=user&object_id=1&result=refused&since=2026-01-01T00:00:00Z&until=2027-01-01T00:00:00Z",
		"since=2026-13-01T00:00:00Z", "until=9999999999", "action=%25", "result=%80",
		"a=%zz", "a;b=c", "%", "&&&", "=", "a=1&a=2&b=" + strings.Repeat("x", 2000),
	} {
		f.Add(uint8(i%len(queryTargets)), seed)
	}
	envs := fuzzEnvs(f)
	f.Fuzz(func(t *testing.T, target uint8, query string) {
		qt := queryTargets[int(target)%len(queryTargets)]
		for _, e := range envs {
			q := req{method: "GET", path: qt.path, as: qt.as, rawQuery: query}
			if qt.signed {
				q.as = ""
				q.sign = &signSpec{appKey: e.cred.AppKey, secret: e.cred.Secret, loose: true}
			}
			r := e.do(t, q)
			checkAnswer(t, e, r)
			if query == "" && r.status != http.StatusOK {
				t.Fatalf("%s: %v without a query, want 200", e.engine, r)
			}
		}
	})
}

// FuzzSignedHeaders varies the headers of a signed call; the signature is
// computed over the varied values, so the checks behind it are reached too.
func FuzzSignedHeaders(f *testing.F) {
	f.Add("", "", "", "", int64(0), false)
	f.Add("gdunknown", "nonce-1", "HMAC-SM3", "", int64(0), false)
	f.Add("", "n\x80nce", "", "", int64(-301), false)
	f.Add("", "", "HMAC-MD5", "", int64(301), false)
	f.Add("app\xffkey", "", "", "", int64(0), true)
	f.Add("", strings.Repeat("n", 129), "", "+1772413200", int64(0), false)
	f.Add("", "", "", "1772413200.5", int64(0), true)
	f.Add("", "", "", "-1", int64(0), false)
	f.Add("\x00", "\x00", "\x00", "\x00", int64(0), false)
	envs := fuzzEnvs(f)
	f.Fuzz(func(t *testing.T, appKey, nonce, method, timestamp string, skew int64, garble bool) {
		for _, v := range []string{appKey, nonce, method, timestamp} {
			// Only what an HTTP/1.1 server would let through as a header value.
			if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
				return
			}
		}
		for _, e := range envs {
			key := appKey
			if key == "" {
				key = e.cred.AppKey
			}
			if nonce == "" {
				nonce = fmt.Sprintf("fuzz-%d", e.next())
			}
			now := e.clock.Now().Unix() + skew%100000
			ts := timestamp
			if ts == "" {
				ts = fmt.Sprint(now)
			}
			sm := method
			if sm == "" {
				sm = signing.MethodSHA256
			}
			sts := signing.StringToSign("GET", "/api/v1/services/whoami", "", signing.BodyHash(nil), ts, nonce)
			sig, err := signing.Sign(sm, []byte(e.cred.Secret), sts)
			if err != nil || garble {
				sig = "00" + sig
			}
			r := e.do(t, req{method: "GET", path: "/api/v1/services/whoami", header: map[string]string{
				signing.HeaderAppKey: key, signing.HeaderNonce: nonce, signing.HeaderMethod: method,
				signing.HeaderTimestamp: ts, signing.HeaderSignature: sig,
			}})
			checkAnswer(t, e, r)
		}
	})
}
