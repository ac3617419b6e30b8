package http_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	govhttp "github.com/govdata/govdata/http"
)

// The metrics listener with --metrics-token: a scrape without the exact
// bearer token is refused; it serves nothing but GET /metrics.
func TestMetricsToken(t *testing.T) {
	const token = "s3cret-scrape-token-0123456789"
	ms := httptest.NewServer(govhttp.NewMetrics().Handler(token))
	defer ms.Close()
	for _, c := range []struct {
		method, path, auth string
		status             int
	}{
		{"GET", "/metrics", "", 401},
		{"GET", "/metrics", "Bearer wrong", 401},
		{"GET", "/metrics", "Bearer " + token[:len(token)-1], 401},
		{"GET", "/metrics", "Bearer " + token + "x", 401},
		{"GET", "/metrics", "Basic " + token, 401},
		{"GET", "/metrics", token, 401},
		{"GET", "/metrics", "Bearer " + token, 200},
		{"GET", "/", "Bearer " + token, 404},
		{"GET", "/healthz", "Bearer " + token, 404},
		{"GET", "/api/v1/openapi.json", "Bearer " + token, 404},
		{"POST", "/metrics", "Bearer " + token, 405},
	} {
		req, _ := http.NewRequest(c.method, ms.URL+c.path, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("%s %s with %q: %d, want %d", c.method, c.path, c.auth, res.StatusCode, c.status)
		}
		if c.status == 200 && !strings.Contains(string(body), "go_goroutines") {
			t.Errorf("the metrics lack go_goroutines: %.200s", body)
		}
		if c.status == 401 && strings.Contains(string(body), "go_goroutines") {
			t.Errorf("a refused scrape got the metrics")
		}
	}
}
