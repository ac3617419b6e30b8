package sqlstore_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// year2027 is a test year, not the State Council's notice (which this
// repository does not ship): 元旦 1–3 January, optionally one more day.
func year2027(extra ...string) govdata.CalendarYear {
	y := govdata.CalendarYear{Year: 2027, Source: "test notice",
		Holidays: []govdata.HolidayRange{{Name: "元旦", From: govdata.Date{Year: 2027, Month: 1, Day: 1}, To: govdata.Date{Year: 2027, Month: 1, Day: 3}}}}
	for _, d := range extra {
		day, _ := govdata.ParseDate(d)
		y.Holidays = append(y.Holidays, govdata.HolidayRange{Name: "测试", From: day, To: day})
	}
	return y
}

func mustDue(t *testing.T, flows *sqlstore.WorkflowService, id int64, want string, known bool) *govdata.WorkflowInstance {
	t.Helper()
	w, err := flows.FindInstanceByID(storetest.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	if w.Due == nil || w.Due.String() != want || w.CalendarKnown != known {
		t.Fatalf("instance %d: due %v known %v, want %s known %v", id, w.Due, w.CalendarKnown, want, known)
	}
	if h := w.History[len(w.History)-1]; h.Due == nil || h.Due.String() != want || h.CalendarKnown != known {
		t.Fatalf("instance %d: current step record due %v known %v, want %s %v", id, h.Due, h.CalendarKnown, want, known)
	}
	return w
}

// CAL-1 (issue 11): a due date counted through a year whose calendar was
// not loaded is counted again when the year is loaded, and again when a
// known year is corrected: the open step's own count, an extended step
// (HLJ-15), a step sharing an earlier step's deadline (ZJ-14); a finished
// step keeps its record. Reminders and overdue marks follow the new date,
// the step's actors are told, and each move is audited.
func TestCalendarLoadRecountsOpenSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newWorkflowFixture(t, e)
		sys := storetest.System()
		p, err := profiles.Shipped(profiles.Default)
		if err != nil {
			t.Fatal(err)
		}
		// The step: 25 working days.
		change, _ := p.Workflow(govdata.WorkflowCatalogChange)
		file, _ := change.Step("file")
		days := 25
		file.WorkingDays = &days
		flows := sqlstore.NewWorkflowService(sqlstore.NewBase(f.db, p, beijing))
		zj, err := profiles.Shipped("zhejiang-finance-2024")
		if err != nil {
			t.Fatal(err)
		}
		zjFlows := sqlstore.NewWorkflowService(sqlstore.NewBase(f.db, zj, beijing))
		users := sqlstore.NewUserService(f.db)
		officer, err := users.CreateUserWithPassword(sys, govdata.UserInput{Username: "officer1", Password: "Recount-pass-1234",
			Name: "officer1", DepartmentID: f.provider, Roles: []govdata.Role{govdata.RoleOfficer}}, false)
		if err != nil {
			t.Fatal(err)
		}
		// Mon 2026-12-07 10:00 Beijing time.
		f.clock.Set(time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC))
		parties := govdata.Parties{govdata.PartyBureau: f.bureau, govdata.PartyProvider: f.provider}
		start := func(title string) int64 {
			t.Helper()
			w, err := flows.Start(sys, govdata.StartWorkflow{Kind: govdata.WorkflowCatalogChange, SubjectType: "catalog_entry", SubjectID: title, Title: title, Parties: parties})
			if err != nil {
				t.Fatal(err)
			}
			return w.ID
		}
		// 2027 unknown: weekends only → Mon 2027-01-11.
		plain, extended, finished := start("plain"), start("extended"), start("finished")
		mustDue(t, flows, plain, "2027-01-11", false)
		reviewer, provOfficer := f.as(govdata.RoleReviewer, f.bureau), f.as(govdata.RoleOfficer, f.provider)
		// +5 from 2027-01-11 → 2027-01-18.
		if _, err := flows.Extend(reviewer, extended, govdata.ExtensionGrant{StepSeq: 1, Reason: "职责调整"}); err != nil {
			t.Fatal(err)
		}
		mustDue(t, flows, extended, "2027-01-18", false)
		// Filed at once: its review (5 working days, 2026-12-14) does not
		// reach 2027; the filed step's record stays as it was.
		if _, err := flows.Decide(provOfficer, finished, govdata.Decision{StepSeq: 1, Action: govdata.ActionApprove}); err != nil {
			t.Fatal(err)
		}
		// ZJ-14 on Wed 2026-12-30: forwarded at once, the source has 3
		// working days (31, 1, 4 → 2027-01-04 unknown); decided the next day,
		// the sign-off shares that deadline.
		f.clock.Set(time.Date(2026, 12, 30, 2, 0, 0, 0, time.UTC))
		zjParties := govdata.Parties{govdata.PartyBureau: f.bureau, govdata.PartyProvider: f.provider, govdata.PartyApplicant: f.applicant}
		shared, err := zjFlows.Start(sys, govdata.StartWorkflow{Kind: govdata.WorkflowShareConditional, SubjectType: "application", SubjectID: "1", Title: "shared", Parties: zjParties})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := zjFlows.Decide(reviewer, shared.ID, govdata.Decision{StepSeq: 1, Action: govdata.ActionForward}); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(time.Date(2026, 12, 31, 2, 0, 0, 0, time.UTC))
		if w, err := zjFlows.Decide(provOfficer, shared.ID, govdata.Decision{StepSeq: 2, Action: govdata.ActionApprove}); err != nil || w.Step != "sign" {
			t.Fatalf("to the leader: %+v, %v", w, err)
		}
		mustDue(t, flows, shared.ID, "2027-01-04", false)

		// Tue 2027-01-12: under the wrong date the plain step is overdue.
		f.clock.Set(time.Date(2027, 1, 12, 2, 0, 0, 0, time.UTC))
		if _, err := flows.SweepDeadlines(sys, 1); err != nil {
			t.Fatal(err)
		}
		overdue := func() map[int64]bool {
			t.Helper()
			l, err := flows.FindOverdue(sys, govdata.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			m := map[int64]bool{}
			for _, w := range l.Items {
				m[w.ID] = true
			}
			return m
		}
		if !overdue()[plain] {
			t.Fatal("the plain step is not overdue under the weekend-only date")
		}

		// The year is loaded: 1–3 January are holidays.
		cal := sqlstore.NewCalendarService(f.db)
		admin := storetest.As(govdata.Actor{UserID: 1, Username: "admin", Roles: []govdata.Role{govdata.RoleSysadmin}})
		if _, err := cal.PutCalendarYear(admin, year2027()); err != nil {
			t.Fatal(err)
		}
		mustDue(t, flows, plain, "2027-01-12", true)
		mustDue(t, flows, extended, "2027-01-19", true)
		mustDue(t, flows, shared.ID, "2027-01-05", true)
		if w, _ := flows.FindInstanceByID(sys, finished); w.History[0].Due.String() != "2027-01-11" || w.History[0].CalendarKnown || w.Due.String() != "2026-12-14" {
			t.Fatalf("finished step record changed: %+v (due %v)", w.History[0], w.Due)
		}
		// Due today under the right date: off the supervision list, and a
		// reminder for the new date.
		if overdue()[plain] {
			t.Fatal("the plain step keeps the overdue mark of the wrong date")
		}
		// (The shared step, due 2027-01-05 now, is overdue by the right date
		// too and is marked again.)
		if r, err := flows.SweepDeadlines(sys, 1); err != nil || r.Overdue != 1 || r.Reminded != 1 {
			t.Fatalf("sweep after the load: %+v, %v", r, err)
		}
		if got := overdue(); got[plain] || !got[shared.ID] {
			t.Fatalf("overdue on 2027-01-12: %v", got)
		}
		// The officer is told of the new date, in Chinese and English.
		inbox := func() []*govdata.Notification {
			t.Helper()
			l, err := sqlstore.NewNotificationService(f.db).FindNotifications(storetest.As(govdata.Actor{UserID: officer.ID, Username: "officer1",
				Roles: []govdata.Role{govdata.RoleOfficer}, DepartmentID: f.provider}), govdata.NotificationFilter{Page: govdata.Page{Limit: 100}})
			if err != nil {
				t.Fatal(err)
			}
			var out []*govdata.Notification
			for _, n := range l.Items {
				if n.Kind == govdata.NoticeCalendar && n.InstanceID == plain {
					out = append(out, n)
				}
			}
			return out
		}
		if got := inbox(); len(got) != 1 || got[0].Due.String() != "2027-01-12" ||
			!strings.Contains(got[0].Title.ZH, "2027-01-11") || !strings.Contains(got[0].Title.EN, "from 2027-01-11 to 2027-01-12") {
			t.Fatalf("notices: %+v", got)
		}
		// Each move is audited with its old and new date.
		recounts := func() map[string]bool {
			t.Helper()
			l, err := sqlstore.NewAuditService(f.db).FindAudit(sys, govdata.AuditFilter{Action: "workflow.recount", ObjectID: strconv.FormatInt(plain, 10), Page: govdata.Page{Limit: 100}})
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]bool{}
			for _, r := range l.Items {
				m[r.Detail] = true
			}
			return m
		}
		if got := recounts(); len(got) != 1 || !strings.Contains(strings.Join(keys(got), ""), `"from":"2027-01-11"`) {
			t.Fatalf("audit: %v", got)
		}
		// Wed 2027-01-13: overdue by the right date.
		f.clock.Set(time.Date(2027, 1, 13, 2, 0, 0, 0, time.UTC))
		if _, err := flows.SweepDeadlines(sys, 1); err != nil {
			t.Fatal(err)
		}
		if !overdue()[plain] {
			t.Fatal("the plain step is not overdue after its recounted due day")
		}

		// A correction of the known year (4 January too) moves the date
		// again, clears the mark, tells the officer and is audited.
		if _, err := cal.PutCalendarYear(admin, year2027("2027-01-04")); err != nil {
			t.Fatal(err)
		}
		mustDue(t, flows, plain, "2027-01-13", true)
		mustDue(t, flows, extended, "2027-01-20", true)
		mustDue(t, flows, shared.ID, "2027-01-06", true)
		if overdue()[plain] {
			t.Fatal("the plain step keeps the overdue mark after the correction")
		}
		if got := inbox(); len(got) != 2 {
			t.Fatalf("notices after the correction: %+v", got)
		}
		if got := recounts(); len(got) != 2 {
			t.Fatalf("audit after the correction: %v", got)
		}
		// The same year again changes nothing.
		if _, err := cal.PutCalendarYear(admin, year2027("2027-01-04")); err != nil {
			t.Fatal(err)
		}
		if got := inbox(); len(got) != 2 {
			t.Fatalf("notices after an unchanged load: %+v", got)
		}
	})
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// A year that a release ships (SeedCalendarYears) recounts like a load.
func TestCalendarSeedRecounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newWorkflowFixture(t, e)
		sys := storetest.System()
		f.clock.Set(time.Date(2026, 12, 31, 2, 0, 0, 0, time.UTC))
		// Default profile: the change is filed in 5 working days: 1, 4, 5, 6, 7 → 2027-01-07.
		w, err := f.flows.Start(sys, govdata.StartWorkflow{Kind: govdata.WorkflowCatalogChange, SubjectType: "catalog_entry", SubjectID: "1",
			Parties: govdata.Parties{govdata.PartyBureau: f.bureau, govdata.PartyProvider: f.provider}})
		if err != nil || w.Due.String() != "2027-01-07" || w.CalendarKnown {
			t.Fatalf("start: %+v, %v", w, err)
		}
		if n, err := sqlstore.NewCalendarService(f.db).SeedCalendarYears(sys, []govdata.CalendarYear{year2027()}); err != nil || n != 1 {
			t.Fatalf("seed: %d, %v", n, err)
		}
		mustDue(t, f.flows, w.ID, "2027-01-08", true)
	})
}

// CAL-1: from 1 November (or the configured day) until next year's
// holidays are loaded, every sysadmin is told, once a year.
func TestCalendarWarnsSysadmins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newWorkflowFixture(t, e)
		sys := storetest.System()
		admin, err := sqlstore.NewUserService(f.db).CreateUserWithPassword(sys, govdata.UserInput{Username: "sysadmin1", Password: "Warn-pass-12345",
			Name: "sysadmin1", DepartmentID: f.bureau, Roles: []govdata.Role{govdata.RoleSysadmin}}, false)
		if err != nil {
			t.Fatal(err)
		}
		cal := sqlstore.NewCalendarService(f.db)
		notices := func() int {
			t.Helper()
			l, err := sqlstore.NewNotificationService(f.db).FindNotifications(storetest.As(govdata.Actor{UserID: admin.ID, Username: "sysadmin1",
				Roles: []govdata.Role{govdata.RoleSysadmin}, DepartmentID: f.bureau}), govdata.NotificationFilter{Page: govdata.Page{Limit: 100}})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, x := range l.Items {
				if x.Kind == govdata.NoticeCalendar && strings.Contains(x.Title.ZH, "2027") && strings.Contains(x.Title.EN, "2027") {
					n++
				}
			}
			return n
		}
		nov1 := govdata.DefaultCalendarWarnFrom
		for _, c := range []struct {
			today   string
			from    govdata.MonthDay
			missing int
			notices int
		}{
			{"2026-10-31", nov1, 0, 0},
			{"2026-11-01", govdata.MonthDay{Month: 12, Day: 1}, 0, 0}, // a later configured day
			{"2026-11-01", nov1, 2027, 1},
			{"2026-12-07", nov1, 2027, 1}, // told once
		} {
			today, _ := govdata.ParseDate(c.today)
			missing, last, err := cal.WarnCalendar(sys, today, c.from)
			if err != nil || missing != c.missing || last != 2026 || notices() != c.notices {
				t.Fatalf("%s from %s: missing %d last %d notices %d, %v; want %d, 2026, %d", c.today, c.from, missing, last, notices(), err, c.missing, c.notices)
			}
		}
		if _, _, err := cal.WarnCalendar(f.as(govdata.RoleSysadmin, f.bureau), govdata.Date{Year: 2026, Month: 12, Day: 7}, nov1); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("a user runs the platform's warning: %v", err)
		}
		if _, err := cal.PutCalendarYear(storetest.As(govdata.Actor{UserID: admin.ID, Username: "sysadmin1", Roles: []govdata.Role{govdata.RoleSysadmin}}), year2027()); err != nil {
			t.Fatal(err)
		}
		if missing, last, err := cal.WarnCalendar(sys, govdata.Date{Year: 2026, Month: 12, Day: 8}, nov1); err != nil || missing != 0 || last != 2027 {
			t.Fatalf("after the load: missing %d last %d, %v", missing, last, err)
		}
	})
}

// HLJ-27 and CAL-1: an idle grant's rectify-by day, counted in working
// days through a year not loaded, is counted again when the year is
// loaded; both departments are told, and the suspension follows the new day.
func TestCalendarLoadRecountsGrantFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 4)
		g := f.grantFor(t, f.application(govdata.MethodAPI, nil, "行政区划代码"))
		sys := storetest.System()
		// Unused since March; flagged on Thu 2026-12-24 (Beijing) with 10
		// working days, 2027 unknown: 25, 28–31, 1, 4–7 → 2027-01-07.
		f.clock.Set(time.Date(2026, 12, 24, 2, 0, 0, 0, time.UTC))
		if got := must(f.grants.SweepGrants(sys))(t); got.Flagged != 1 {
			t.Fatalf("sweep: %+v", got)
		}
		flag := func() *govdata.GrantFlag {
			t.Helper()
			l := must(f.grants.FindGrantFlags(f.consumer, govdata.GrantFlagFilter{GrantID: g.ID, State: govdata.FlagOpen}))(t)
			if len(l.Items) != 1 {
				t.Fatalf("open flags %+v", l.Items)
			}
			return l.Items[0]
		}
		if fl := flag(); fl.RectifyBy.String() != "2027-01-07" {
			t.Fatalf("flag %+v (rectify by %v)", fl, fl.RectifyBy)
		}
		if _, err := sqlstore.NewCalendarService(f.db).PutCalendarYear(storetest.As(govdata.Actor{UserID: 1, Username: "admin", Roles: []govdata.Role{govdata.RoleSysadmin}}), year2027()); err != nil {
			t.Fatal(err)
		}
		if fl := flag(); fl.RectifyBy.String() != "2027-01-08" || !strings.Contains(fl.Detail.ZH, "2027-01-08") || strings.Contains(fl.Detail.EN, "2027-01-07") {
			t.Fatalf("flag after the load %+v (rectify by %v)", fl, fl.RectifyBy)
		}
		l, err := sqlstore.NewAuditService(f.db).FindAudit(sys, govdata.AuditFilter{Action: "grant.flag.recount", Page: govdata.Page{Limit: 10}})
		if err != nil || len(l.Items) != 1 || !strings.Contains(l.Items[0].Detail, `"to":"2027-01-08"`) {
			t.Fatalf("audit %+v, %v", l.Items, err)
		}
		// Fri 2027-01-08: not suspended on the day it may still rectify.
		f.clock.Set(time.Date(2027, 1, 8, 2, 0, 0, 0, time.UTC))
		if got := must(f.grants.SweepGrants(sys))(t); got.Suspended != 0 {
			t.Fatalf("suspended on its rectify-by day: %+v", got)
		}
	})
}
