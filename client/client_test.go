package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govdata/govdata/client"
	"github.com/govdata/govdata/signing"
)

const (
	testAppKey = "gdtestkey"
	testSecret = "q8Xb-2mN_vR4tY6uW0zA1cD3eF5gH7iJ9kL2nP4sT6v"
)

// received is what the test server saw of one verified request.
type received struct {
	Method, Path, RawQuery, Body, SignMethod, Nonce string
}

// fakeServer verifies signatures as the govdata middleware does and
// answers in govdata's envelope. /fail/invalid and /fail/forbidden answer
// those errors in the envelope; /proxy-error answers a non-JSON 502.
type fakeServer struct {
	*httptest.Server
	now func() time.Time

	mu   sync.Mutex
	seen map[string]bool
	got  []received
}

func newFakeServer(t *testing.T, now func() time.Time) *fakeServer {
	t.Helper()
	s := &fakeServer{now: now, seen: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func writeError(w http.ResponseWriter, status int, code, msg string, fields map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	e := map[string]any{"code": code, "message": msg}
	if fields != nil {
		e["fields"] = fields
	}
	json.NewEncoder(w).Encode(map[string]any{"error": e})
}

func (s *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(signing.HeaderAppKey) != testAppKey {
		writeError(w, 401, "unauthorized", "unknown or revoked app key", nil)
		return
	}
	ts, nonce := r.Header.Get(signing.HeaderTimestamp), r.Header.Get(signing.HeaderNonce)
	if err := signing.CheckTimestamp(ts, s.now()); err != nil {
		writeError(w, 401, "unauthorized", err.Error(), nil)
		return
	}
	query, err := signing.CanonicalQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, 400, "invalid", err.Error(), nil)
		return
	}
	body, _ := io.ReadAll(r.Body)
	sts := signing.StringToSign(r.Method, r.URL.EscapedPath(), query, signing.BodyHash(body), ts, nonce)
	if !signing.Verify(r.Header.Get(signing.HeaderMethod), []byte(testSecret), sts, r.Header.Get(signing.HeaderSignature)) {
		writeError(w, 401, "unauthorized", "the signature does not match", nil)
		return
	}
	s.mu.Lock()
	replay := s.seen[nonce]
	s.seen[nonce] = true
	s.got = append(s.got, received{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, string(body), r.Header.Get(signing.HeaderMethod), nonce})
	s.mu.Unlock()
	if replay {
		writeError(w, 401, "unauthorized", "replayed request: the nonce was already used", nil)
		return
	}
	switch {
	case r.URL.Path == "/fail/invalid":
		writeError(w, 400, "invalid", "the input is invalid; see the marked fields",
			map[string]string{"name": "required", "id_card": "校验位错误"})
	case r.URL.Path == "/fail/forbidden":
		writeError(w, 403, "forbidden", "无权执行此操作", nil)
	case r.URL.Path == "/proxy-error":
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html>502 Bad Gateway</html>")
	default:
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"app_key": testAppKey, "department_id": 7, "query": r.URL.Query()})
	}
}

func (s *fakeServer) last(t *testing.T) received {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) == 0 {
		t.Fatal("server received no verified request")
	}
	return s.got[len(s.got)-1]
}

func TestGetJSON(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts []client.Option
		want string
	}{
		{"default SHA-256", nil, signing.MethodSHA256},
		{"SM3", []client.Option{client.WithSM3()}, signing.MethodSM3},
		{"explicit SHA-256", []client.Option{client.WithSignMethod(signing.MethodSHA256)}, signing.MethodSHA256},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, time.Now)
			c := client.New(srv.URL, testAppKey, testSecret, tt.opts...)
			query := url.Values{"b": {"2"}, "a": {"1"}, "name": {"张三"}, "q": {"a+b c"}, "r": {"/?#[]@!$&'()*,;="}}
			var out struct {
				AppKey       string              `json:"app_key"`
				DepartmentID int64               `json:"department_id"`
				Query        map[string][]string `json:"query"`
			}
			if err := c.GetJSON(context.Background(), "/api/v1/services/whoami", query, &out); err != nil {
				t.Fatal(err)
			}
			if out.AppKey != testAppKey || out.DepartmentID != 7 {
				t.Errorf("decoded %+v", out)
			}
			// The server's handlers see exactly the values the caller passed.
			for k, v := range query {
				if got := out.Query[k]; len(got) != 1 || got[0] != v[0] {
					t.Errorf("server saw %s = %q, want %q", k, got, v)
				}
			}
			if got := srv.last(t).SignMethod; got != tt.want {
				t.Errorf("X-Sign-Method = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDoFreshNonceAndBody(t *testing.T) {
	srv := newFakeServer(t, time.Now)
	c := client.New(srv.URL+"/", testAppKey, testSecret) // trailing slash must not double
	body := []byte(`{"id_card":"110101199003074514","name":"张三"}`)
	for i := 0; i < 2; i++ {
		resp, err := c.Do(context.Background(), "POST", "/api/v1/services/RC-01/verify", nil, body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.got) != 2 || srv.got[0].Nonce == srv.got[1].Nonce {
		t.Fatalf("two calls, nonces %+v", srv.got)
	}
	for _, g := range srv.got {
		if g.Path != "/api/v1/services/RC-01/verify" || g.Body != string(body) || g.Method != "POST" {
			t.Errorf("server received %+v", g)
		}
	}
}

func TestDoPathPrefixAndEscapes(t *testing.T) {
	srv := newFakeServer(t, time.Now)
	c := client.New(srv.URL+"/govdata", testAppKey, testSecret)
	resp, err := c.Do(context.Background(), "GET", "/api/v1/services/RC%2F01/records", url.Values{"flag": {""}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := srv.last(t); got.Path != "/govdata/api/v1/services/RC%2F01/records" || got.RawQuery != "flag=" {
		t.Errorf("server received %+v", got)
	}
}

func TestGetJSONErrors(t *testing.T) {
	srv := newFakeServer(t, time.Now)
	c := client.New(srv.URL, testAppKey, testSecret)
	ctx := context.Background()

	err := c.GetJSON(ctx, "/fail/invalid", nil, nil)
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("GetJSON = %v, want *client.Error", err)
	}
	if e.Status != 400 || e.Code != "invalid" || e.Fields["id_card"] != "校验位错误" || e.Fields["name"] != "required" {
		t.Errorf("error = %+v", e)
	}
	if !client.IsCode(err, "invalid") || client.IsCode(err, "forbidden") {
		t.Errorf("IsCode wrong for %v", err)
	}

	err = c.GetJSON(ctx, "/fail/forbidden", nil, nil)
	if !errors.As(err, &e) || e.Status != 403 || e.Code != "forbidden" || e.Message != "无权执行此操作" {
		t.Errorf("GetJSON(/fail/forbidden) = %#v", err)
	}
	if !strings.Contains(err.Error(), "403 forbidden: 无权执行此操作") {
		t.Errorf("Error() = %q", err.Error())
	}

	err = c.GetJSON(ctx, "/proxy-error", nil, nil)
	if !errors.As(err, &e) || e.Status != 502 || e.Code != "" || !strings.Contains(e.Message, "502 Bad Gateway") {
		t.Errorf("GetJSON(/proxy-error) = %#v", err)
	}

	// A wrong secret is refused by the server as unauthorized.
	bad := client.New(srv.URL, testAppKey, testSecret+"x")
	if err := bad.GetJSON(ctx, "/api/v1/services/whoami", nil, nil); !client.IsCode(err, "unauthorized") {
		t.Errorf("wrong secret: %v, want unauthorized", err)
	}

	// A client clock more than the window off is refused.
	skewed := client.New(srv.URL, testAppKey, testSecret, client.WithClock(func() time.Time {
		return time.Now().Add(-signing.Window - time.Minute)
	}))
	if err := skewed.GetJSON(ctx, "/api/v1/services/whoami", nil, nil); !client.IsCode(err, "unauthorized") {
		t.Errorf("skewed clock: %v, want unauthorized", err)
	}

	// A 2xx body that is not JSON is a decode error, not an *Error.
	var out struct{}
	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }))
	defer notJSON.Close()
	err = client.New(notJSON.URL, testAppKey, testSecret).GetJSON(ctx, "/x", nil, &out)
	if err == nil || errors.As(err, &e) {
		t.Errorf("non-JSON 200: %v", err)
	}
}

func TestClientRefusesBadInput(t *testing.T) {
	srv := newFakeServer(t, time.Now)
	ctx := context.Background()
	c := client.New(srv.URL, testAppKey, testSecret)
	for _, path := range []string{"/x?a=1", "/x#frag", "x", ""} {
		if _, err := c.Do(ctx, "GET", path, nil, nil); err == nil {
			t.Errorf("Do(%q) accepted", path)
		}
	}
	bad := client.New(srv.URL, testAppKey, testSecret, client.WithSignMethod("HMAC-MD5"))
	if _, err := bad.Do(ctx, "GET", "/x", nil, nil); !errors.Is(err, signing.ErrUnknownMethod) {
		t.Errorf("unknown sign method: %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.got) != 0 {
		t.Errorf("server received %d requests", len(srv.got))
	}
}

func TestWithClockSignsThatTime(t *testing.T) {
	at := time.Unix(1767225600, 0)
	srv := newFakeServer(t, func() time.Time { return at })
	var ts string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		ts = r.Header.Get(signing.HeaderTimestamp)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := client.New(srv.URL, testAppKey, testSecret, client.WithClock(func() time.Time { return at }), client.WithHTTPClient(hc))
	if err := c.GetJSON(context.Background(), "/api/v1/services/whoami", nil, nil); err != nil {
		t.Fatal(err)
	}
	if ts != "1767225600" {
		t.Errorf("X-Timestamp = %q, want 1767225600", ts)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
