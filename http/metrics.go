package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the Prometheus metrics of one server (SUP-3). Each server has
// its own registry so that tests and several servers in one process do not clash.
type Metrics struct {
	Registry     *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	auditAppends prometheus.Counter
	storeErrors  prometheus.Counter
	commitSize   prometheus.Histogram
	commitTime   prometheus.Histogram
	calendarLast prometheus.Gauge
}

// NewMetrics registers govdata's metrics and the Go runtime and process collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govdata_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "govdata_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
		auditAppends: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "govdata_audit_appends_total", Help: "Audit records appended.",
		}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "govdata_store_errors_total", Help: "Internal storage errors.",
		}),
		commitSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "govdata_store_commit_writes", Help: "Writes sharing one group commit.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}),
		commitTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "govdata_store_commit_seconds", Help: "Time of one group commit.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		calendarLast: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "govdata_calendar_last_year", Help: "The last year whose holidays are loaded (CAL-1); alert when it is the current year after 1 November.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.auditAppends, m.storeErrors, m.commitSize, m.commitTime, m.calendarLast,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// AuditAppended counts appended audit records (a store hook).
func (m *Metrics) AuditAppended(n int) { m.auditAppends.Add(float64(n)) }

// StoreError counts an internal storage error (a store hook).
func (m *Metrics) StoreError() { m.storeErrors.Inc() }

// CommitDone observes one group commit (a store hook).
func (m *Metrics) CommitDone(d time.Duration, writes int) {
	m.commitTime.Observe(d.Seconds())
	m.commitSize.Observe(float64(writes))
}

// CalendarLoaded sets the last year whose holidays are loaded (the
// sweeper and /readyz report it).
func (m *Metrics) CalendarLoaded(year int) { m.calendarLast.Set(float64(year)) }

func (m *Metrics) observe(method, route string, status int, d time.Duration) {
	if status == 0 {
		status = http.StatusOK
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}
