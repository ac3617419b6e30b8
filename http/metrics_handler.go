package http

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MetricsPath is where the metrics listener serves them.
const MetricsPath = "/metrics"

// Handler serves the metrics for Prometheus at MetricsPath, on a listener
// of their own (--metrics-addr), never on the API's: per-route counts and
// latencies tell an outsider what the platform is used for and when. With
// a token, a scrape must send "Authorization: Bearer <token>" (for a
// listener reachable beyond this host); anything else is 404.
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
	want := sha256.Sum256([]byte("Bearer " + token))
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+MetricsPath, func(w http.ResponseWriter, r *http.Request) {
		// Hashes of equal length: the comparison tells nothing of the
		// token's length or prefix.
		got := sha256.Sum256([]byte(r.Header.Get("Authorization")))
		if token != "" && subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="govdata-metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
	return mux
}
