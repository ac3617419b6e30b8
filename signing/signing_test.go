package signing_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govdata/govdata/signing"
)

func TestCanonicalQuery(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"empty", "", ""},
		{"sorted by name", "b=2&a=1", "a=1&b=2"},
		{"one pair", "limit=20", "limit=20"},
		{"repeated name sorted by value", "a=2&a=1&a=10", "a=1&a=10&a=2"},
		{"repeated names interleaved", "b=1&a=2&b=0", "a=2&b=0&b=1"},
		// Sorting is by name first, not by the whole "name=value" string:
		// as whole strings "a-b=1" < "a=2" because '-' < '='.
		{"name before value", "a-b=1&a=2", "a=2&a-b=1"},
		{"values compared as encoded bytes", "a=b&a=B&a=%C3%A9&a=", "a=&a=%C3%A9&a=B&a=b"},
		// Sorting compares encoded names: "a%2Fb" < "a-b" since '%' < '-',
		// although decoded '/' > '-'.
		{"sort on encoded form", "a-b=1&a%2Fb=2", "a%2Fb=2&a-b=1"},
		{"empty values", "a=&b=", "a=&b="},
		{"no equals sign", "flag", "flag="},
		{"no equals sign among others", "flag&a=1", "a=1&flag="},
		{"no '=' and empty value are the same", "a&a=", "a=&a="},
		{"empty pairs skipped", "&&a=1&", "a=1"},
		{"empty name", "=x", "=x"},
		{"only equals", "=", "="},
		{"second equals is part of value", "a=b=c", "a=b%3Dc"},
		{"unicode raw", "name=中文", "name=%E4%B8%AD%E6%96%87"},
		{"unicode encoded", "name=%E4%B8%AD%E6%96%87", "name=%E4%B8%AD%E6%96%87"},
		{"lowercase hex normalised", "name=%e4%b8%ad%e6%96%87", "name=%E4%B8%AD%E6%96%87"},
		{"unicode name", "中=1", "%E4%B8%AD=1"},
		{"reserved encoded", "q=%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D",
			"q=%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D"},
		{"reserved raw where a query allows them", "q=/?:@!$'()*,", "q=%2F%3F%3A%40%21%24%27%28%29%2A%2C"},
		{"space encoded", "q=a%20b", "q=a%20b"},
		{"plus is a space", "q=a+b", "q=a%20b"},
		{"plus in a name is a space", "a+b=1", "a%20b=1"},
		{"encoded plus is a plus", "q=a%2Bb", "q=a%2Bb"},
		{"unreserved kept", "q=AZaz09-_.~", "q=AZaz09-_.~"},
		{"over-encoded unreserved decoded", "q=%41%7e%2d", "q=A~-"},
		{"invalid UTF-8 kept as bytes", "q=%FF%00", "q=%FF%00"},
		{"newline encoded", "q=a%0Ab", "q=a%0Ab"},
		{"percent itself", "q=100%25", "q=100%25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := signing.CanonicalQuery(tt.raw)
			if err != nil {
				t.Fatalf("CanonicalQuery(%q): %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("CanonicalQuery(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestCanonicalQueryMalformed(t *testing.T) {
	for _, raw := range []string{
		"a=%zz",
		"%zz=1",
		"a=%",
		"a=%2",
		"a=1&b=%G0",
		"a=1;b=2", // net/url refuses ';' separators (Go 1.17); a client means %3B
		"a=%zz&b=%",
		strings.Repeat("a=1&", 10001), // more parameters than net/url parses
	} {
		got, err := signing.CanonicalQuery(raw)
		if !errors.Is(err, signing.ErrMalformedQuery) {
			t.Errorf("CanonicalQuery(%.40q) = %q, %v; want ErrMalformedQuery", raw, got, err)
		}
	}
}

func FuzzCanonicalQuery(f *testing.F) {
	for _, s := range []string{"", "b=2&a=1", "a=%zz", "q=中文+x%2B", "=&=", "a;b", "%", "a=b=c&&d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := signing.CanonicalQuery(raw)
		if err != nil {
			if !errors.Is(err, signing.ErrMalformedQuery) {
				t.Fatalf("CanonicalQuery(%q): error %v is not ErrMalformedQuery", raw, err)
			}
			return
		}
		// The canonical form contains only unreserved characters, escapes
		// and the separators, and is its own canonical form.
		for i := 0; i < len(got); i++ {
			c := got[i]
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~%&=", c) >= 0) {
				t.Fatalf("CanonicalQuery(%q) = %q: byte %q", raw, got, c)
			}
		}
		again, err := signing.CanonicalQuery(got)
		if err != nil || again != got {
			t.Fatalf("CanonicalQuery(%q) = %q, not a fixed point: %q, %v", raw, got, again, err)
		}
		// It keeps every value net/url sees, no more, no fewer.
		values, _ := url.ParseQuery(raw)
		n := 0
		for _, vs := range values {
			n += len(vs)
		}
		if got == "" && n != 0 || got != "" && strings.Count(got, "&")+1 != n {
			t.Fatalf("CanonicalQuery(%q) = %q for %d values", raw, got, n)
		}
	})
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"AZaz09-_.~", "AZaz09-_.~"},
		{" ", "%20"},
		{"+", "%2B"},
		{"/?#[]@!$&'()*+,;=", "%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D"},
		{"中文", "%E4%B8%AD%E6%96%87"},
		{"\xff", "%FF"},
	}
	for _, tt := range tests {
		if got := signing.Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStringToSign(t *testing.T) {
	got := signing.StringToSign("GET", "/p", "a=1", "h", "1", "n")
	if want := "GET\n/p\na=1\nh\n1\nn"; got != want {
		t.Errorf("StringToSign = %q, want %q", got, want)
	}
	// An empty query still has its line.
	got = signing.StringToSign("GET", "/p", "", "h", "1", "n")
	if want := "GET\n/p\n\nh\n1\nn"; got != want {
		t.Errorf("StringToSign = %q, want %q", got, want)
	}
}

func TestBodyHash(t *testing.T) {
	const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	for _, b := range [][]byte{nil, {}} {
		if got := signing.BodyHash(b); got != empty {
			t.Errorf("BodyHash(%v) = %s, want %s", b, got, empty)
		}
	}
	// printf 'abc' | sha256sum
	if got, want := signing.BodyHash([]byte("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("BodyHash(abc) = %s, want %s", got, want)
	}
}

// The README's worked example; README shows these values and
// TestReadmeWorkedExample checks it still does.
const (
	exampleSecret = "q8Xb-2mN_vR4tY6uW0zA1cD3eF5gH7iJ9kL2nP4sT6v"
	exampleString = "GET\n/api/v1/services/whoami\na=1&b=2\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" +
		"1767225600\n9f86d081884c7d659a2feaa0c55ad015"
	exampleSHA256 = "ed20d8d21b14aac0a44861499f560d9ee62985949049c23bd0e4b1bb9b3498b0"
	exampleSM3    = "cf753b01ef0b1bae6f1af9165f20823cdf9a6969a7f1928a80d935bc95a5d603"
)

// TestSignKnownAnswers checks Sign against values computed independently,
// once, with OpenSSL 3.0 and hard-coded here:
//
//	printf '%s' "$MSG" | openssl dgst -sha256 -hmac "$KEY"
//	printf '%s' "$MSG" | openssl dgst -sm3 -hmac "$KEY"
func TestSignKnownAnswers(t *testing.T) {
	long := strings.Repeat("a", 100) // longer than the 64-byte block: the key is hashed first
	tests := []struct {
		method, key, msg, want string
	}{
		{signing.MethodSHA256, "key", "The quick brown fox jumps over the lazy dog", "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"},
		{signing.MethodSM3, "key", "The quick brown fox jumps over the lazy dog", "bd4a34077888162b210645b8ebf74b9af357303789357a27c7fc457244ebd398"},
		{signing.MethodSHA256, "key", "", "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0"},
		{signing.MethodSM3, "key", "", "4deb29b9be17bd4fd2aca21f908885b9f849bc61e8fbd101e04fd9987528d4df"},
		{signing.MethodSHA256, long, "govdata", "2219ed398cda1c6e342c2941a1f7019512a7630ebb0c323a83897e7232ca2b9e"},
		{signing.MethodSM3, long, "govdata", "755fc34e37c1b808e550f673ac794897213ad44e706f32a05f3d27683150d0c6"},
		{signing.MethodSHA256, "密钥", "数据", "3a6a24a2a7b7f98e5be6100bf436c715bb7c028103cd8f33637af6c425df73cb"},
		{signing.MethodSM3, "密钥", "数据", "c1dcca3fe38bdbe77bdc842b54421bd5b8efa6497d1f02985dfce8100e1a5788"},
		{signing.MethodSHA256, exampleSecret, exampleString, exampleSHA256},
		{signing.MethodSM3, exampleSecret, exampleString, exampleSM3},
		{"", exampleSecret, exampleString, exampleSHA256}, // no X-Sign-Method header
	}
	for _, tt := range tests {
		got, err := signing.Sign(tt.method, []byte(tt.key), tt.msg)
		if err != nil {
			t.Fatalf("Sign(%q, %q, %q): %v", tt.method, tt.key, tt.msg, err)
		}
		if got != tt.want {
			t.Errorf("Sign(%q, %q, %q) = %s, want %s", tt.method, tt.key, tt.msg, got, tt.want)
		}
		if !signing.Verify(tt.method, []byte(tt.key), tt.msg, tt.want) {
			t.Errorf("Verify(%q, %q, %q, %s) = false", tt.method, tt.key, tt.msg, tt.want)
		}
	}
}

func TestSignUnknownMethod(t *testing.T) {
	for _, m := range []string{"HMAC-MD5", "hmac-sha256", "SHA256", "HMAC-SM3 "} {
		if got, err := signing.Sign(m, []byte("k"), "x"); !errors.Is(err, signing.ErrUnknownMethod) {
			t.Errorf("Sign(%q) = %q, %v; want ErrUnknownMethod", m, got, err)
		}
		if signing.Verify(m, []byte("k"), "x", "00") {
			t.Errorf("Verify(%q) = true for an unknown method", m)
		}
	}
}

func TestVerifyRejectsTampering(t *testing.T) {
	secret := []byte(exampleSecret)
	base := []string{"GET", "/api/v1/services/whoami", "a=1&b=2", signing.BodyHash(nil), "1767225600", "9f86d081884c7d659a2feaa0c55ad015"}
	build := func(p []string) string { return signing.StringToSign(p[0], p[1], p[2], p[3], p[4], p[5]) }
	for _, method := range []string{signing.MethodSHA256, signing.MethodSM3} {
		sig, err := signing.Sign(method, secret, build(base))
		if err != nil {
			t.Fatal(err)
		}
		if !signing.Verify(method, secret, build(base), sig) {
			t.Fatalf("%s: untampered request does not verify", method)
		}
		if !signing.Verify(method, secret, build(base), strings.ToUpper(sig)) {
			t.Errorf("%s: uppercase hex of the right signature does not verify", method)
		}
		tampered := []struct {
			name  string
			field int
			value string
		}{
			{"method", 0, "POST"},
			{"path", 1, "/api/v1/services/whoami2"},
			{"path encoding", 1, "/api/v1/services/who%61mi"},
			{"query", 2, "a=1&b=3"},
			{"query dropped", 2, ""},
			{"body", 3, signing.BodyHash([]byte("{}"))},
			{"timestamp", 4, "1767225601"},
			{"nonce", 5, "9f86d081884c7d659a2feaa0c55ad016"},
		}
		for _, tt := range tampered {
			p := append([]string(nil), base...)
			p[tt.field] = tt.value
			if signing.Verify(method, secret, build(p), sig) {
				t.Errorf("%s: Verify accepted a tampered %s", method, tt.name)
			}
		}
		other := signing.MethodSM3
		if method == signing.MethodSM3 {
			other = signing.MethodSHA256
		}
		for name, bad := range map[string]func() bool{
			"wrong secret":      func() bool { return signing.Verify(method, []byte(exampleSecret+"x"), build(base), sig) },
			"other sign method": func() bool { return signing.Verify(other, secret, build(base), sig) },
			"truncated":         func() bool { return signing.Verify(method, secret, build(base), sig[:62]) },
			"odd length":        func() bool { return signing.Verify(method, secret, build(base), sig[:63]) },
			"not hex":           func() bool { return signing.Verify(method, secret, build(base), "zz"+sig[2:]) },
			"empty":             func() bool { return signing.Verify(method, secret, build(base), "") },
			"flipped bit":       func() bool { return signing.Verify(method, secret, build(base), flip(sig)) },
		} {
			if bad() {
				t.Errorf("%s: Verify accepted %s", method, name)
			}
		}
	}
}

// flip changes the last hex digit of sig.
func flip(sig string) string {
	last := sig[len(sig)-1]
	if last == '0' {
		return sig[:len(sig)-1] + "1"
	}
	return sig[:len(sig)-1] + "0"
}

func TestCheckTimestamp(t *testing.T) {
	now := time.Unix(1767225600, 999_000_000) // a fraction of a second does not count
	tests := []struct {
		ts   string
		want error
	}{
		{"1767225600", nil},
		{"1767225300", nil}, // 300 s behind: still inside
		{"1767225900", nil}, // 300 s ahead: a client clock may run fast
		{"1767225299", signing.ErrTimestampWindow},
		{"1767225901", signing.ErrTimestampWindow},
		{"0", signing.ErrTimestampWindow},
		{"9223372036854775807", signing.ErrTimestampWindow},
		{"", signing.ErrBadTimestamp},
		{"+1767225600", signing.ErrBadTimestamp},
		{"-1", signing.ErrBadTimestamp},
		{" 1767225600", signing.ErrBadTimestamp},
		{"1767225600.5", signing.ErrBadTimestamp},
		{"1767225600000", signing.ErrTimestampWindow}, // milliseconds by mistake
		{"99999999999999999999", signing.ErrBadTimestamp},
		{"2026-01-01T00:00:00Z", signing.ErrBadTimestamp},
	}
	for _, tt := range tests {
		if got := signing.CheckTimestamp(tt.ts, now); got != tt.want {
			t.Errorf("CheckTimestamp(%q) = %v, want %v", tt.ts, got, tt.want)
		}
	}
}

func TestValidNonce(t *testing.T) {
	for nonce, want := range map[string]bool{
		"9f86d081884c7d659a2feaa0c55ad015": true,
		"a":                                true,
		strings.Repeat("n", 128):           true,
		"":                                 false,
		strings.Repeat("n", 129):           false,
		"has space":                        false,
		"tab\t":                            false,
		"中文":                               false,
	} {
		if got := signing.ValidNonce(nonce); got != want {
			t.Errorf("ValidNonce(%q) = %v, want %v", nonce, got, want)
		}
	}
	a, b := signing.NewNonce(), signing.NewNonce()
	if len(a) != 32 || a == b || !signing.ValidNonce(a) {
		t.Errorf("NewNonce() = %q then %q", a, b)
	}
}

// verifier checks signed requests the way the server middleware does,
// with a set of known credentials and a record of used nonces.
type verifier struct {
	secrets map[string][]byte
	now     func() time.Time

	mu   sync.Mutex
	seen map[string]bool
}

func newVerifier(secrets map[string][]byte, now func() time.Time) *verifier {
	return &verifier{secrets: secrets, now: now, seen: map[string]bool{}}
}

// verify re-derives the string to sign from r as received and checks the
// signature, the window and the nonce. It consumes r.Body and puts back a copy.
func (v *verifier) verify(r *http.Request) error {
	for _, h := range []string{signing.HeaderAppKey, signing.HeaderTimestamp, signing.HeaderNonce, signing.HeaderSignature} {
		if r.Header.Get(h) == "" {
			return fmt.Errorf("missing %s", h)
		}
	}
	secret, ok := v.secrets[r.Header.Get(signing.HeaderAppKey)]
	if !ok {
		return errors.New("unknown app key")
	}
	ts, nonce := r.Header.Get(signing.HeaderTimestamp), r.Header.Get(signing.HeaderNonce)
	if err := signing.CheckTimestamp(ts, v.now()); err != nil {
		return err
	}
	if !signing.ValidNonce(nonce) {
		return errors.New("bad nonce")
	}
	query, err := signing.CanonicalQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sts := signing.StringToSign(r.Method, r.URL.EscapedPath(), query, signing.BodyHash(body), ts, nonce)
	if !signing.Verify(r.Header.Get(signing.HeaderMethod), secret, sts, r.Header.Get(signing.HeaderSignature)) {
		return fmt.Errorf("signature mismatch; server string to sign %q", sts)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	key := r.Header.Get(signing.HeaderAppKey) + "\x00" + nonce
	if v.seen[key] {
		return errors.New("replayed nonce")
	}
	v.seen[key] = true
	return nil
}

// server starts an httptest server whose handler verifies every request
// and echoes what it received. It answers 401 with the reason otherwise.
func (v *verifier) server(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := v.verify(r); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s %s", r.Method, r.URL.EscapedPath(), r.URL.RawQuery, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSignRequestRoundTrip(t *testing.T) {
	secret := []byte(exampleSecret)
	now := time.Now()
	v := newVerifier(map[string][]byte{"gdexample": secret}, time.Now)
	srv := v.server(t)
	tests := []struct {
		method, target, body string
	}{
		{"GET", "/api/v1/services/whoami?b=2&a=1", ""},
		{"GET", "/api/v1/services/whoami", ""},
		{"GET", "", ""}, // empty path: the client sends "/"
		{"GET", "/api/v1/services/RC%2F01/records?name=%E5%BC%A0%E4%B8%89&q=a+b&q=c%2Bd&flag", ""},
		{"GET", "/api/v1/services/%E4%BA%BA%E5%8F%A3/records?x=%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D", ""},
		{"POST", "/api/v1/services/RC-01/verify", `{"id_card":"110101199003074514","name":"张三"}`},
		{"PUT", "/api/v1/x?z=&y", "binary\x00\xff"},
	}
	for _, method := range []string{"", signing.MethodSHA256, signing.MethodSM3} {
		for _, tt := range tests {
			var body io.Reader
			if tt.body != "" {
				// Not a *bytes.Reader, so NewRequest cannot set GetBody and
				// ContentLength: SignRequest has to.
				body = io.MultiReader(strings.NewReader(tt.body))
			}
			req, err := http.NewRequest(tt.method, srv.URL+tt.target, body)
			if err != nil {
				t.Fatal(err)
			}
			if err := signing.SignRequest(req, "gdexample", secret, method, now, ""); err != nil {
				t.Fatalf("SignRequest(%s %s): %v", tt.method, tt.target, err)
			}
			if got, want := req.Header.Get(signing.HeaderMethod), method; got != want && !(method == "" && got == signing.MethodSHA256) {
				t.Errorf("X-Sign-Method = %q for %q", got, method)
			}
			if req.ContentLength != int64(len(tt.body)) {
				t.Errorf("%s %s: ContentLength = %d, want %d", tt.method, tt.target, req.ContentLength, len(tt.body))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s %s %s: %d %s", method, tt.method, tt.target, resp.StatusCode, got)
				continue
			}
			if !strings.HasSuffix(string(got), " "+tt.body) {
				t.Errorf("%s %s: server got body %q, want %q", tt.method, tt.target, got, tt.body)
			}
		}
	}
}

func TestSignRequestKnownAnswer(t *testing.T) {
	// The README's worked example, through SignRequest.
	req := httptest.NewRequest("GET", "http://govdata.example/api/v1/services/whoami?b=2&a=1", nil)
	req.Header = http.Header{}
	err := signing.SignRequest(req, "gdexample", []byte(exampleSecret), "", time.Unix(1767225600, 0), "9f86d081884c7d659a2feaa0c55ad015")
	if err != nil {
		t.Fatal(err)
	}
	want := http.Header{
		"X-App-Key":     {"gdexample"},
		"X-Timestamp":   {"1767225600"},
		"X-Nonce":       {"9f86d081884c7d659a2feaa0c55ad015"},
		"X-Sign-Method": {"HMAC-SHA256"},
		"X-Signature":   {exampleSHA256},
	}
	for k, v := range want {
		if got := req.Header.Get(k); got != v[0] {
			t.Errorf("%s = %q, want %q", k, got, v[0])
		}
	}
}

func TestSignRequestReplayAndWindow(t *testing.T) {
	secret := []byte("s")
	clock := time.Unix(1767225600, 0)
	v := newVerifier(map[string][]byte{"k": secret}, func() time.Time { return clock })
	srv := v.server(t)
	send := func(now time.Time, nonce string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/x", nil)
		if err := signing.SignRequest(req, "k", secret, "", now, nonce); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := send(clock, "n1"); got != http.StatusOK {
		t.Errorf("first use of a nonce: %d", got)
	}
	if got := send(clock, "n1"); got != http.StatusUnauthorized {
		t.Errorf("replayed nonce: %d, want 401", got)
	}
	if got := send(clock.Add(-signing.Window-time.Second), "n2"); got != http.StatusUnauthorized {
		t.Errorf("stale timestamp: %d, want 401", got)
	}
	if got := send(clock.Add(signing.Window+time.Second), "n3"); got != http.StatusUnauthorized {
		t.Errorf("future timestamp: %d, want 401", got)
	}
	if got := send(clock.Add(-signing.Window), "n4"); got != http.StatusOK {
		t.Errorf("timestamp at the edge of the window: %d", got)
	}
}

func TestSignRequestErrors(t *testing.T) {
	req := httptest.NewRequest("GET", "http://h/x?a=%zz", nil)
	req.Header = http.Header{}
	if err := signing.SignRequest(req, "k", []byte("s"), "", time.Now(), ""); !errors.Is(err, signing.ErrMalformedQuery) {
		t.Errorf("malformed query: %v, want ErrMalformedQuery", err)
	}
	req = httptest.NewRequest("POST", "http://h/x", strings.NewReader("body"))
	req.Header = http.Header{}
	if err := signing.SignRequest(req, "k", []byte("s"), "HMAC-MD5", time.Now(), ""); !errors.Is(err, signing.ErrUnknownMethod) {
		t.Errorf("unknown method: %v, want ErrUnknownMethod", err)
	}
	if len(req.Header) != 0 {
		t.Errorf("headers set after an error: %v", req.Header)
	}
	if b, _ := io.ReadAll(req.Body); string(b) != "body" {
		t.Errorf("body consumed after an error: %q left", b)
	}
	req = httptest.NewRequest("GET", "http://h/x", nil)
	req.URL.Opaque = "//h/x"
	if err := signing.SignRequest(req, "k", []byte("s"), "", time.Now(), ""); err == nil {
		t.Error("opaque URL signed")
	}
}

// A webhook receiver verifies what SignRequest signed, and nothing else.
func TestVerifyRequest(t *testing.T) {
	secret := []byte("webhook-secret")
	now := time.Unix(1780000000, 0)
	signed := func(body string) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "https://oa.example.gov.cn/hooks/govdata?b=2&a=1", strings.NewReader(body))
		if err := signing.SignRequest(req, "govdata-webhook-1", secret, "", now, ""); err != nil {
			t.Fatal(err)
		}
		return req
	}
	req := signed(`{"delivery_id":1,"title":"到期提醒"}`)
	if err := signing.VerifyRequest(req, secret, now.Add(time.Minute)); err != nil {
		t.Fatalf("a good request: %v", err)
	}
	if b, _ := io.ReadAll(req.Body); string(b) != `{"delivery_id":1,"title":"到期提醒"}` {
		t.Fatalf("body after verifying: %q", b)
	}
	for name, tc := range map[string]struct {
		change func(*http.Request)
		at     time.Time
		want   error
	}{
		"other secret":  {change: func(*http.Request) { secret = []byte("other") }, at: now, want: signing.ErrBadSignature},
		"body changed":  {change: func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader(`{"delivery_id":2}`)) }, at: now, want: signing.ErrBadSignature},
		"query changed": {change: func(r *http.Request) { r.URL.RawQuery = "a=1&b=3" }, at: now, want: signing.ErrBadSignature},
		"no nonce":      {change: func(r *http.Request) { r.Header.Del(signing.HeaderNonce) }, at: now, want: signing.ErrBadSignature},
		"too late":      {change: func(*http.Request) {}, at: now.Add(signing.Window + time.Second), want: signing.ErrTimestampWindow},
	} {
		t.Run(name, func(t *testing.T) {
			saved := secret
			defer func() { secret = saved }()
			req := signed(`{"delivery_id":1}`)
			tc.change(req)
			if err := signing.VerifyRequest(req, secret, tc.at); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}
