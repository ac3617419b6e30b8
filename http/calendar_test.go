package http_test

import (
	"encoding/json"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// calendarSnapshot renders the stored years, to prove a refused upload changed nothing.
func calendarSnapshot(t *testing.T, e *env) string {
	t.Helper()
	var years []*govdata.CalendarYear
	for y := 2019; y <= 2030; y++ {
		if cy, err := e.svc.Calendar.FindCalendarYear(storetest.System(), y); err == nil {
			years = append(years, cy)
		}
	}
	b, _ := json.Marshal(years)
	return string(b)
}

func TestCalendar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		shipped, err := holidays.China()
		if err != nil {
			t.Fatal(err)
		}
		if n, err := e.svc.Calendar.SeedCalendarYears(storetest.System(), shipped); err != nil || n != len(shipped) {
			t.Fatalf("seed: %d, %v", n, err)
		}

		// Due dates (CAL-1): from does not count; day 1 is the first working day after it.
		for _, c := range []struct {
			from  string
			n     string
			due   string
			known bool
		}{
			{"2025-09-26", "3", "2025-09-30", true},  // Sat 27 rests, Sun 28 works (day 1)
			{"2025-09-30", "1", "2025-10-09", true},  // Oct 1–8 holidays
			{"2025-09-30", "2", "2025-10-10", true},  // 9, 10
			{"2026-02-13", "1", "2026-02-14", true},  // the working Saturday
			{"2026-02-13", "2", "2026-02-24", true},  // Feb 15–23 holidays
			{"2026-02-13", "0", "2026-02-13", true},  // zero days: the day itself
			{"2026-12-28", "5", "2027-01-04", false}, // runs into 2027, unknown: weekends only
			{"2019-12-30", "1", "2019-12-31", false}, // 2019 is not shipped
		} {
			r := e.do(t, req{method: "GET", path: "/api/v1/calendar/due?from=" + c.from + "&working_days=" + c.n, as: "officer"})
			got := mustOK[map[string]any](t, r, 200)
			if got["due"] != c.due || got["calendar_known"] != c.known {
				t.Errorf("%s + %s working days = %v, want %s (known %v)", c.from, c.n, got, c.due, c.known)
			}
		}

		// A year's non-ordinary days, and unknown years.
		y := mustOK[map[string]any](t, e.do(t, req{method: "GET", path: "/api/v1/calendar?year=2026", as: "leader"}), 200)
		days, _ := y["days"].([]any)
		if y["known"] != true || len(days) != 39 {
			t.Errorf("2026: known %v, %d days; want true and 33 holiday days + 6 working days", y["known"], len(days))
		}
		u := mustOK[map[string]any](t, e.do(t, req{method: "GET", path: "/api/v1/calendar?year=2027", as: "leader"}), 200)
		if u["known"] != false || len(u["days"].([]any)) != 0 {
			t.Errorf("2027 before it is loaded: %v", u)
		}

		// A secadmin loads 2027; it takes effect for new due dates and is audited.
		load := govdata.CalendarYear{Source: "国务院办公厅关于2027年部分节假日安排的通知（测试）",
			Holidays: []govdata.HolidayRange{{Name: "元旦", From: date(t, "2027-01-01"), To: date(t, "2027-01-03")}},
			Workdays: []govdata.MakeupDay{{Name: "元旦", Date: date(t, "2027-01-09")}}}
		r := e.do(t, req{method: "PUT", path: "/api/v1/calendar/2027", as: "secadmin", body: load})
		mustOK[map[string]any](t, r, 200)
		if rec := e.mustAudited(t, r, govdata.AuditOK); rec.Action != "calendar.put" || rec.ObjectID != "2027" {
			t.Errorf("audit record %+v", rec)
		}
		got := mustOK[map[string]any](t, e.do(t, req{method: "GET", path: "/api/v1/calendar/due?from=2026-12-31&working_days=1", as: "officer"}), 200)
		if got["due"] != "2027-01-04" || got["calendar_known"] != true {
			t.Errorf("after loading 2027: %v", got)
		}

		// Bad uploads: a clear 400 naming the field, nothing changed.
		before := calendarSnapshot(t, e)
		for _, c := range []struct {
			name, path, body, field string
		}{
			{"date outside the year", "/api/v1/calendar/2027", `{"source":"s","holidays":[{"name":"春节","from":"2028-02-01","to":"2028-02-03"}]}`, "holidays[0]"},
			{"holiday and working day", "/api/v1/calendar/2027", `{"source":"s","holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-03"}],"workdays":[{"name":"元旦","date":"2027-01-02"}]}`, "workdays[0]"},
			{"working weekday", "/api/v1/calendar/2027", `{"source":"s","workdays":[{"name":"元旦","date":"2027-01-05"}]}`, "workdays[0]"},
			{"no source", "/api/v1/calendar/2027", `{"holidays":[]}`, "source"},
			{"year mismatch", "/api/v1/calendar/2027", `{"year":2028,"source":"s"}`, "year"},
			{"bad year", "/api/v1/calendar/1999", `{"source":"s"}`, "year"},
			{"not a date", "/api/v1/calendar/2027", `{"source":"s","workdays":[{"name":"x","date":"2027-02-30"}]}`, ""},
			{"unknown field", "/api/v1/calendar/2027", `{"source":"s","extra":1}`, "extra"},
		} {
			r := e.do(t, req{method: "PUT", path: c.path, as: "sysadmin", body: c.body})
			env := mustError(t, r, 400, govdata.EINVALID)
			if c.field != "" && env.Error.Fields[c.field] == "" {
				t.Errorf("%s: fields %v do not name %q", c.name, env.Error.Fields, c.field)
			}
		}
		for _, q := range []string{"from=2026-13-01&working_days=1", "from=2026-01-01&working_days=-1", "from=2026-01-01&working_days=x",
			"from=2026-01-01&working_days=3651", "working_days=1", "from=2026-01-01"} {
			mustError(t, e.do(t, req{method: "GET", path: "/api/v1/calendar/due?" + q, as: "officer"}), 400, govdata.EINVALID)
		}
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/calendar?year=20x6", as: "officer"}), 400, govdata.EINVALID)
		// Wrong roles are refused and audited.
		for _, who := range []string{"officer", "auditor", "reviewer"} {
			r := e.do(t, req{method: "PUT", path: "/api/v1/calendar/2027", as: who, body: load})
			e.mustRefused(t, r, 403)
			// The record names the year that was refused.
			if rec := e.mustAudited(t, r, govdata.AuditRefused); rec.ObjectID != "2027" {
				t.Errorf("%s's refused load recorded object %q, want 2027", who, rec.ObjectID)
			}
		}
		if after := calendarSnapshot(t, e); after != before {
			t.Errorf("refused uploads changed the calendar:\nbefore %s\nafter  %s", before, after)
		}
	})
}

func date(t *testing.T, s string) govdata.Date {
	t.Helper()
	d, err := govdata.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
