package http_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/govdata/govdata/sqlstore/storetest"
)

// A request its client abandoned (the console stops the facet counts of a
// search it no longer shows) is no failure of the server: nothing logged
// as an error, no store error counted.
func TestAbandonedRequest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := httptest.NewRequestWithContext(ctx, "GET", "/api/v1/catalog?facets=true", nil)
		r.Header.Set("Authorization", "Bearer "+e.accounts["officer"].token)
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, r)
		if w.Code == http.StatusInternalServerError {
			t.Errorf("an abandoned request answered 500: %s", w.Body)
		}
		if logs := e.log.tail(); strings.Contains(logs, "request failed") {
			t.Errorf("an abandoned request logged as a failure:\n%s", logs)
		}
		m := httptest.NewRecorder()
		e.metrics.Handler("").ServeHTTP(m, httptest.NewRequest("GET", "/metrics", nil))
		if !strings.Contains(m.Body.String(), "govdata_store_errors_total 0") {
			t.Errorf("an abandoned request counted as a store error")
		}
	})
}
