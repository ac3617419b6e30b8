package http_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// CAL-1 (issue 11): over the API, PUT /api/v1/calendar/{year} counts the
// open step's due date again and tells its actor; from 1 November until
// next year is loaded /readyz stays ready with a warning, and the metrics
// show the last year loaded.
func TestCalendarLoadRecountsAndWarns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		shipped, err := holidays.China()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Calendar.SeedCalendarYears(storetest.System(), shipped); err != nil {
			t.Fatal(err)
		}
		ready := func() map[string]string {
			t.Helper()
			return mustOK[map[string]string](t, e.do(t, req{method: "GET", path: "/readyz", header: map[string]string{"Accept-Language": "en"}}), 200)
		}
		lastYear := func() string {
			t.Helper()
			// The metrics are served apart from the API (--metrics-addr).
			rec := httptest.NewRecorder()
			e.metrics.Handler("").ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
			if rec.Code != 200 {
				t.Fatalf("GET /metrics → %d", rec.Code)
			}
			for _, line := range strings.Split(rec.Body.String(), "\n") {
				if v, ok := strings.CutPrefix(line, "govdata_calendar_last_year "); ok {
					return v
				}
			}
			return ""
		}
		signedIn := e.clock.Now()
		// Fri 2026-10-30 (Beijing): no warning yet.
		e.clock.Set(time.Date(2026, 10, 30, 2, 0, 0, 0, time.UTC))
		if r := ready(); r["status"] != "ready" || r["warning"] != "" {
			t.Fatalf("/readyz on 10-30: %v", r)
		}
		if got := lastYear(); got != "2026" {
			t.Fatalf("govdata_calendar_last_year = %q, want 2026", got)
		}
		// 2026-11-01 00:30 Beijing time is still 31 October in UTC: the
		// deployment's day counts.
		e.clock.Set(time.Date(2026, 10, 31, 16, 30, 0, 0, time.UTC))
		if r := ready(); r["status"] != "ready" || !strings.Contains(r["warning"], "holidays of 2027 are not loaded") {
			t.Fatalf("/readyz on 11-01: %v", r)
		}

		// Thu 2026-12-31: a catalog change is filed in 5 working days;
		// 2027 unknown: 1, 4, 5, 6, 7 → 2027-01-07.
		e.clock.Set(time.Date(2026, 12, 31, 2, 0, 0, 0, time.UTC))
		w, err := e.svc.Workflows.Start(storetest.System(), govdata.StartWorkflow{Kind: govdata.WorkflowCatalogChange, SubjectType: "catalog_entry", SubjectID: "1",
			Title: "企业登记信息", Parties: govdata.Parties{govdata.PartyBureau: e.deptA.ID, govdata.PartyProvider: e.deptA.ID}})
		if err != nil || w.Due.String() != "2027-01-07" || w.CalendarKnown {
			t.Fatalf("start: %+v, %v", w, err)
		}
		// The fixture's sessions (and passwords) are of March: the requests
		// are made then; the recount does not depend on the day.
		e.clock.Set(signedIn)
		load := govdata.CalendarYear{Source: "test notice", Holidays: []govdata.HolidayRange{{Name: "元旦", From: date(t, "2027-01-01"), To: date(t, "2027-01-03")}}}
		mustOK[map[string]any](t, e.do(t, req{method: "PUT", path: "/api/v1/calendar/2027", as: "sysadmin", body: load}), 200)
		got, err := e.svc.Workflows.FindInstanceByID(storetest.System(), w.ID)
		if err != nil || got.Due.String() != "2027-01-08" || !got.CalendarKnown {
			t.Fatalf("after the load: %+v (due %v), %v", got, got.Due, err)
		}
		// The officer of the step's department is told, in its inbox.
		inbox := mustOK[map[string]any](t, e.do(t, req{method: "GET", path: "/api/v1/notifications", as: "officer"}), 200)
		found := false
		for _, it := range inbox["items"].([]any) {
			n := it.(map[string]any)
			if n["kind"] == govdata.NoticeCalendar && n["due"] == "2027-01-08" {
				found = true
			}
		}
		if !found {
			t.Fatalf("the officer's inbox lacks the new due date: %v", inbox)
		}
		e.clock.Set(time.Date(2026, 12, 31, 2, 0, 0, 0, time.UTC))
		if r := ready(); r["status"] != "ready" || r["warning"] != "" {
			t.Fatalf("/readyz after the load: %v", r)
		}
		if got := lastYear(); got != "2027" {
			t.Fatalf("govdata_calendar_last_year = %q, want 2027", got)
		}
	})
}
