package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/govdata/govdata/sqlstore/storetest"
)

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// samplePath fills a documented path's parameters with plausible values.
func samplePath(path string) string {
	return pathParam.ReplaceAllStringFunc(path, func(p string) string {
		if p == "{code}" {
			return regionFuzhou
		}
		return "1"
	})
}

// TestOpenAPI: /api/v1/openapi.json is a valid OpenAPI 3 document whose
// operations are exactly the router's routes (PRODUCT.md §4), and whose
// schemas describe what the endpoints answer.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		r := e.do(t, req{method: "GET", path: "/api/v1/openapi.json"})
		mustStatus(t, r, 200)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(r.body)
		if err != nil {
			t.Fatalf("load the document: %v", err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatalf("the document is not valid OpenAPI: %v", err)
		}
		if !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Errorf("openapi %q, want 3.x", doc.OpenAPI)
		}

		// The documented operations are the routes, no more, no fewer.
		documented := map[string]*openapi3.Operation{}
		methodsOf := map[string][]string{}
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				documented[method+" "+path] = op
				methodsOf[path] = append(methodsOf[path], method)
			}
		}
		served := map[string]string{} // pattern → auth
		for _, rt := range e.srv.RoutesForTest() {
			served[rt.Pattern()] = rt.Auth
		}
		for p := range served {
			if documented[p] == nil {
				t.Errorf("route %s is not documented", p)
			}
		}
		for p, op := range documented {
			auth, ok := served[p]
			if !ok {
				t.Errorf("documented operation %s is not served", p)
				continue
			}
			// The security of each operation says how to call it.
			switch auth {
			case "public":
				if op.Security != nil && len(*op.Security) > 0 {
					t.Errorf("%s is public but documents security %v", p, *op.Security)
				}
			case "user", "signed", "account":
				scheme := map[string]string{"user": "bearer", "signed": "signed", "account": "publicSession"}[auth]
				if op.Security == nil || len(*op.Security) != 1 || (*op.Security)[0][scheme] == nil {
					t.Errorf("%s: security %v, want %s", p, op.Security, scheme)
				}
			}
			// Every path parameter is declared.
			method, path, _ := strings.Cut(p, " ")
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if op.Parameters.GetByInAndName("path", m[1]) == nil {
					t.Errorf("%s does not declare path parameter %s", p, m[1])
				}
			}
			if op.Responses.Default() == nil {
				t.Errorf("%s documents no error answer", p)
			}

			// The router answers it: unauthenticated, a protected route says
			// 401, a public one answers; never 404 or 405 from the mux.
			r := e.do(t, req{method: method, path: samplePath(path)})
			// A public route may say its sample object is not there; only
			// the router's own "no such path" would mean the route is missing.
			routerMissing := r.status == http.StatusNotFound && strings.Contains(string(r.body), "没有这个地址：")
			anyone := auth == "public" || auth == "open"
			if routerMissing || r.status == http.StatusMethodNotAllowed || (r.status == http.StatusNotFound && !anyone) {
				t.Errorf("documented %s: the router answers %v", p, r)
			}
			if !anyone && r.status != http.StatusUnauthorized {
				t.Errorf("documented %s without credentials: %v, want 401", p, r)
			}
		}
		// Every other method on a documented path is a 405 naming the documented ones.
		for path, ms := range methodsOf {
			sort.Strings(ms)
			for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
				if slices.Contains(ms, m) || (m == "HEAD" && slices.Contains(ms, "GET")) {
					continue
				}
				r := e.do(t, req{method: m, path: samplePath(path)})
				mustStatus(t, r, http.StatusMethodNotAllowed)
				if got, want := r.header.Get("Allow"), strings.Join(ms, ", "); got != want {
					t.Errorf("%s %s: Allow %q, want %q", m, path, got, want)
				}
			}
		}

		// What an allowed caller gets is what the document describes: the
		// success status and a body that fits its schema.
		envs := profileEnvs(t, e)
		for _, c := range matrix {
			e := envs[c.profile]
			if len(c.allow) == 0 {
				continue // no caller here may (a public account's own route)
			}
			caller := c.allow[0]
			if slices.Contains(c.allow, "sysadmin") {
				caller = "sysadmin"
			}
			q := c.build(t, e, caller)
			if q.token == "" {
				switch caller {
				case "credential":
					q.sign = signedBy(e.cred)
				case "public":
					q.token = publicFixture(t, e).token
				case "anonymous":
				default:
					q.as = caller
				}
			}
			r := e.do(t, q)
			if c.after != nil {
				c.after(t, e, caller, r)
			}
			op := documented[c.route]
			if op == nil {
				continue
			}
			var status int
			for code := range op.Responses.Map() {
				if n, err := strconv.Atoi(code); err == nil {
					status = n
				}
			}
			if r.status != status {
				t.Errorf("%s documents status %d; %s gets %v", c.route, status, caller, r)
				continue
			}
			resp := op.Responses.Status(status)
			if resp == nil || resp.Value == nil {
				t.Errorf("%s: no response %d", c.route, status)
				continue
			}
			mt := resp.Value.Content.Get("application/json")
			if mt == nil || mt.Schema == nil {
				// The document itself is checked above, by the loader.
				if c.route != "GET /api/v1/openapi.json" && len(r.body) > 0 && strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
					t.Errorf("%s answers JSON but documents no schema", c.route)
				}
				continue
			}
			var v any
			if err := json.Unmarshal(r.body, &v); err != nil {
				t.Errorf("%v: not JSON: %v", r, err)
				continue
			}
			if err := mt.Schema.Value.VisitJSON(v); err != nil {
				t.Errorf("%s: the answer does not fit the documented schema: %v\n%v", c.route, err, r)
			}
		}
	})
}
