package signing_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govdata/govdata/signing"
)

// readmeSection returns the signing section of ../docs/api.md, between the
// markers that keep it apart from the rest of the document.
func readmeSection(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	const begin, end = "<!-- signing:begin -->", "<!-- signing:end -->"
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("docs/api.md lacks the %s … %s markers", begin, end)
	}
	return s[i+len(begin) : j]
}

// readmeScript returns the one ```bash block of the signing section.
func readmeScript(t *testing.T) string {
	t.Helper()
	sec := readmeSection(t)
	const open, fence = "```bash\n", "\n```"
	if n := strings.Count(sec, open); n != 1 {
		t.Fatalf("the signing section has %d ```bash blocks, want exactly 1", n)
	}
	i := strings.Index(sec, open) + len(open)
	j := strings.Index(sec[i:], fence)
	if j < 0 {
		t.Fatal("the ```bash block is not closed")
	}
	return sec[i : i+j+1]
}

// TestReadmeWorkedExample keeps the README's worked example equal to what
// package signing computes.
func TestReadmeWorkedExample(t *testing.T) {
	sec := readmeSection(t)
	q, err := signing.CanonicalQuery("b=2&a=1")
	if err != nil {
		t.Fatal(err)
	}
	sts := signing.StringToSign("GET", "/api/v1/services/whoami", q, signing.BodyHash(nil), "1767225600", "9f86d081884c7d659a2feaa0c55ad015")
	if sts != exampleString {
		t.Fatalf("string to sign %q, want %q", sts, exampleString)
	}
	for _, want := range []string{
		"```text\n" + sts + "\n```",
		"`" + exampleSecret + "`",
		"`HMAC-SHA256`: `" + exampleSHA256 + "`",
		"`HMAC-SM3`: `" + exampleSM3 + "`",
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("README signing section lacks %q", want)
		}
	}
}

// TestReadmeScript runs the README's bash example against a server that
// verifies signatures with this package, so the documented example cannot
// drift from the rule.
func TestReadmeScript(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "openssl", "xxd", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	script := readmeScript(t)

	const appKey = "gdreadmetest"
	secret := exampleSecret
	type call struct {
		method, path, rawQuery, signMethod string
		query                              map[string][]string
	}
	var (
		mu    sync.Mutex
		calls []call
	)
	v := newVerifier(map[string][]byte{appKey: []byte(secret)}, time.Now)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if err := v.verify(r); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": "unauthorized", "message": err.Error()}})
			return
		}
		mu.Lock()
		calls = append(calls, call{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get(signing.HeaderMethod), r.URL.Query()})
		mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"app_key": appKey, "department_id": 1})
	}))
	defer srv.Close()

	run := func(t *testing.T, script, secret, signMethod string, unset ...string) (string, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", "-c", script)
		// The caller's environment minus anything the script reads, so an
		// exported SIGN_METHOD cannot change the test.
		for _, kv := range os.Environ() {
			name, _, _ := strings.Cut(kv, "=")
			switch name {
			case "APP_KEY", "SECRET", "GOVDATA", "SIGN_METHOD":
				continue
			}
			cmd.Env = append(cmd.Env, kv)
		}
		set := map[string]string{"APP_KEY": appKey, "SECRET": secret, "GOVDATA": srv.URL + "/", "SIGN_METHOD": signMethod}
		for _, name := range unset {
			delete(set, name)
		}
		for name, value := range set {
			if value != "" {
				cmd.Env = append(cmd.Env, name+"="+value)
			}
		}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	last := func(t *testing.T) call {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if len(calls) == 0 {
			t.Fatal("the server verified no request")
		}
		return calls[len(calls)-1]
	}

	for _, tt := range []struct{ name, signMethod, want string }{
		{"SIGN_METHOD unset", "", signing.MethodSHA256},
		{"SIGN_METHOD=HMAC-SHA256", signing.MethodSHA256, signing.MethodSHA256},
		{"SIGN_METHOD=HMAC-SM3", signing.MethodSM3, signing.MethodSM3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(t, script, secret, tt.signMethod)
			if err != nil {
				t.Fatalf("README script (SIGN_METHOD=%q): %v\n%s", tt.signMethod, err, out)
			}
			if !strings.Contains(out, `"app_key":"`+appKey+`"`) {
				t.Errorf("script output %q lacks the whoami answer", out)
			}
			c := last(t)
			if c.method != "GET" || c.path != "/api/v1/services/whoami" || c.rawQuery != "b=2&a=1" || c.signMethod != tt.want {
				t.Errorf("server received %+v", c)
			}
		})
	}

	t.Run("wrong secret fails", func(t *testing.T) {
		out, err := run(t, script, secret+"x", "")
		if err == nil {
			t.Fatalf("the script succeeded with a wrong secret:\n%s", out)
		}
		if !strings.Contains(out, "signature mismatch") {
			t.Errorf("the script failed for another reason than the signature: %v\n%s", err, out)
		}
	})

	// Each required variable is checked, and the message names it. (A
	// stray apostrophe in a ${VAR:?message} once swallowed the next line,
	// so the SECRET check never ran.)
	for _, name := range []string{"APP_KEY", "SECRET"} {
		t.Run(name+" unset", func(t *testing.T) {
			out, err := run(t, script, secret, "", name)
			if err == nil || !strings.Contains(out, name+": set "+name) {
				t.Errorf("script without %s: %v\n%s", name, err, out)
			}
		})
	}
	t.Run("unknown SIGN_METHOD", func(t *testing.T) {
		if out, err := run(t, script, secret, "HMAC-MD5"); err == nil {
			t.Errorf("script accepted SIGN_METHOD=HMAC-MD5:\n%s", out)
		}
	})

	// The same script with parameters that need encoding proves that its
	// urlencode and sort agree with CanonicalQuery, and that the server's
	// handlers read back exactly the values the script meant.
	t.Run("encoding", func(t *testing.T) {
		const line = `PARAMS=("b=2" "a=1")`
		if !strings.Contains(script, line) {
			t.Fatalf("the README script no longer contains %s; update this test", line)
		}
		params := map[string][]string{
			"b":    {"2"},
			"a":    {"1", ""},
			"name": {"张三"},
			"q":    {"a b+c"},
			"r":    {`/?#[]@!$&'()*+,;=`},
			"z":    {"x=y"},
			"a-b":  {"~"},
			"a/b":  {"-"},
		}
		repl := `PARAMS=("b=2" "a=1" "name=张三" "q=a b+c" "r=/?#[]@!\$&'()*+,;=" "a=" "z=x=y" "a-b=~" "a/b=-")`
		for _, m := range []string{signing.MethodSHA256, signing.MethodSM3} {
			out, err := run(t, strings.Replace(script, line, repl, 1), secret, m)
			if err != nil {
				t.Fatalf("%s: %v\n%s", m, err, out)
			}
			c := last(t)
			if len(c.query) != len(params) {
				t.Errorf("%s: server read %q, want %q", m, c.query, params)
			}
			for k, want := range params {
				if got := c.query[k]; strings.Join(got, "\x00") != strings.Join(want, "\x00") {
					t.Errorf("%s: server read %s = %q, want %q", m, k, got, want)
				}
			}
		}
	})
}
