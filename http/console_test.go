package http_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	govhttp "github.com/govdata/govdata/http"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// consoleFiles is a build of the console as Vite lays it out: the page,
// with the nonce placeholder where each answer puts its nonce, and hashed
// assets.
var consoleFiles = fstest.MapFS{
	"index.html": {Data: []byte(`<!doctype html><html><head><meta property="csp-nonce" nonce="` + govhttp.NoncePlaceholder + `">` +
		`<script type="module" crossorigin src="/assets/index-AbC123.js"></script>` +
		`<link rel="stylesheet" crossorigin href="/assets/index-DeF456.css"></head><body><div id="root"></div></body></html>`)},
	"assets/index-AbC123.js":  {Data: []byte(strings.Repeat("console.log('govdata');\n", 200))},
	"assets/index-DeF456.css": {Data: []byte("body{margin:0}")},
	"favicon.svg":             {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
}

var noncePattern = regexp.MustCompile(`'nonce-([A-Za-z0-9+/=]+)'`)

// TestConsole: the console's page answers every path outside the API (the
// routes of the single-page app), with a strict Content-Security-Policy and
// a nonce of its own each time; its hashed assets are cached for good; the
// API, the feeds and health keep their meaning, and an unknown API path is
// still the JSON 404.
func TestConsole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{ui: consoleFiles})

		isPage := func(t *testing.T, r *resp) string {
			t.Helper()
			mustStatus(t, r, 200)
			if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", r.path, ct)
			}
			if !bytes.Contains(r.body, []byte(`<div id="root">`)) {
				t.Errorf("%s: not the console's page: %s", r.path, r.body)
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("%s: Cache-Control %q, want no-cache", r.path, cc)
			}
			csp := r.header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "connect-src 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("%s: CSP %q lacks %q", r.path, csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "http") {
				t.Errorf("%s: CSP %q allows inline code or another origin", r.path, csp)
			}
			m := noncePattern.FindStringSubmatch(csp)
			if m == nil {
				t.Fatalf("%s: CSP %q has no style nonce", r.path, csp)
			}
			if !bytes.Contains(r.body, []byte(`nonce="`+m[1]+`"`)) || bytes.Contains(r.body, []byte(govhttp.NoncePlaceholder)) {
				t.Errorf("%s: the page does not carry the CSP's nonce %s: %s", r.path, m[1], r.body)
			}
			if got := r.header.Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("%s: X-Frame-Options %q", r.path, got)
			}
			return m[1]
		}

		// The page, at the root and at any route of the console.
		first := isPage(t, e.do(t, req{method: "GET", path: "/"}))
		for _, p := range []string{"/index.html", "/tasks", "/signin?next=%2Ftasks", "/entries/12", "/a/b/c"} {
			if n := isPage(t, e.do(t, req{method: "GET", path: p})); n == first {
				t.Errorf("%s: the nonce %s again: each answer needs its own", p, n)
			}
		}
		if r := e.do(t, req{method: "HEAD", path: "/tasks"}); r.status != 200 || len(r.body) != 0 {
			t.Errorf("HEAD /tasks: %v", r)
		}

		// Hashed assets: a year, immutable; compressed when asked.
		r := e.do(t, req{method: "GET", path: "/assets/index-AbC123.js"})
		mustStatus(t, r, 200)
		if got, want := r.header.Get("Cache-Control"), "public, max-age=31536000, immutable"; got != want {
			t.Errorf("asset Cache-Control %q, want %q", got, want)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("asset Content-Type %q", ct)
		}
		if got, want := string(r.body), string(consoleFiles["assets/index-AbC123.js"].Data); got != want {
			t.Errorf("asset body differs")
		}
		r = e.do(t, req{method: "GET", path: "/assets/index-AbC123.js", header: map[string]string{"Accept-Encoding": "gzip, deflate"}})
		mustStatus(t, r, 200)
		if r.header.Get("Content-Encoding") != "gzip" {
			t.Errorf("asset asked with gzip: Content-Encoding %q", r.header.Get("Content-Encoding"))
		} else {
			zr, err := gzip.NewReader(bytes.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := io.ReadAll(zr)
			if !bytes.Equal(plain, consoleFiles["assets/index-AbC123.js"].Data) || len(r.body) >= len(plain) {
				t.Errorf("gzipped asset: %d bytes for %d, content equal %v", len(r.body), len(plain), bytes.Equal(plain, consoleFiles["assets/index-AbC123.js"].Data))
			}
		}
		r = e.do(t, req{method: "GET", path: "/assets/index-DeF456.css"})
		if mustStatus(t, r, 200); !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
			t.Errorf("css Content-Type %q", r.header.Get("Content-Type"))
		}
		// Files that are not hashed are revalidated.
		r = e.do(t, req{method: "GET", path: "/favicon.svg"})
		if mustStatus(t, r, 200); r.header.Get("Cache-Control") != "no-cache" {
			t.Errorf("favicon Cache-Control %q", r.header.Get("Cache-Control"))
		}
		// An asset of an older build is a 404, not the page run as a script.
		r = e.do(t, req{method: "GET", path: "/assets/index-Old999.js"})
		mustStatus(t, r, 404)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("missing asset: %v", r)
		}

		// The server's own paths keep their meaning.
		for _, p := range []string{"/api/unknown", "/api/v1/nothing/here", "/api", "/metrics", "/dataset", "/catalog.xml", "/catalog/12", "/healthz/x"} {
			r := e.do(t, req{method: "GET", path: p})
			mustStatus(t, r, 404)
			if env := decode[envelope](t, r); env.Error.Code != "not_found" {
				t.Errorf("GET %s: %v, want the JSON 404 envelope", p, r)
			}
		}
		mustStatus(t, e.do(t, req{method: "GET", path: "/healthz"}), 200)
		if r := e.do(t, req{method: "GET", path: "/api/v1/openapi.json"}); r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("the API under the console: %v", r)
		}
		if r := e.do(t, req{method: "GET", path: "/api/v1/me"}); r.status != 401 {
			t.Errorf("GET /api/v1/me without a session: %v, want 401", r)
		}
		// Only reads reach the console.
		mustStatus(t, e.do(t, req{method: "POST", path: "/tasks"}), 404)
	})
}

// TestNoConsole: without a console (a build with -tags no_ui) "/" is the
// landing page and other paths are the JSON 404.
func TestNoConsole(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite, envOptions{})
	r := e.do(t, req{method: "GET", path: "/"})
	if mustStatus(t, r, 200); !bytes.Contains(r.body, []byte("govdata")) || r.header.Get("Content-Security-Policy") != "" {
		t.Errorf("landing page: %v", r)
	}
	mustStatus(t, e.do(t, req{method: "GET", path: "/tasks"}), 404)
}
