package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// workflowFixture: three departments (bureau, provider, applicant) of one
// city, the shipped calendar, the default profile, and a clock at
// 2026-02-12 10:00 Beijing time (a Thursday before 春节).
type workflowFixture struct {
	db                          *sqlstore.DB
	opts                        sqlstore.Options
	clock                       *storetest.Clock
	flows                       *sqlstore.WorkflowService
	bureau, provider, applicant int64
}

var beijing = time.FixedZone("Asia/Shanghai", 8*3600)

func newWorkflowFixture(t *testing.T, e storetest.Engine) *workflowFixture {
	t.Helper()
	opts := storetest.Options()
	clock := storetest.NewClock(time.Date(2026, 2, 12, 2, 0, 0, 0, time.UTC))
	opts.Clock = clock
	switch e {
	case storetest.SQLite:
		opts.DataDir = t.TempDir()
	case storetest.Postgres:
		opts.DSN = storetest.CreateDatabase(t)
	}
	f := &workflowFixture{opts: opts, clock: clock}
	f.open(t, e)
	sys := storetest.System()
	years, err := holidays.China()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.NewCalendarService(f.db).SeedCalendarYears(sys, years); err != nil {
		t.Fatal(err)
	}
	regions := sqlstore.NewRegionService(f.db)
	for _, r := range []govdata.RegionInput{{Code: "230000", Name: "黑龙江省"}, {Code: "230100", Name: "哈尔滨市"}} {
		if _, err := regions.CreateRegion(sys, r); err != nil {
			t.Fatal(err)
		}
	}
	depts := sqlstore.NewDepartmentService(f.db)
	ids := make([]int64, 3)
	for i, name := range []string{"哈尔滨市数据局", "哈尔滨市公安局", "哈尔滨市人社局"} {
		code := fmt.Sprintf("1123010000000000%d", i)
		c, _ := govdata.CreditCodeCheckChar(code)
		d, err := depts.CreateDepartment(sys, govdata.DepartmentInput{Name: name, CreditCode: code + string(c), RegionCode: "230100", Level: govdata.LevelCity})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = d.ID
	}
	f.bureau, f.provider, f.applicant = ids[0], ids[1], ids[2]
	return f
}

func (f *workflowFixture) open(t *testing.T, e storetest.Engine) {
	t.Helper()
	db := storetest.Open(t, e, &f.opts)
	p, err := profiles.Shipped(profiles.Default)
	if err != nil {
		t.Fatal(err)
	}
	f.db, f.flows = db, sqlstore.NewWorkflowService(sqlstore.NewBase(db, p, beijing))
}

func (f *workflowFixture) as(role govdata.Role, dept int64) context.Context {
	return storetest.As(govdata.Actor{UserID: 100 + dept, Username: string(role), Roles: []govdata.Role{role}, DepartmentID: dept})
}

func TestWorkflowShareConditional(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newWorkflowFixture(t, e)
		parties := govdata.Parties{govdata.PartyBureau: f.bureau, govdata.PartyProvider: f.provider, govdata.PartyApplicant: f.applicant}
		w, err := f.flows.Start(f.as(govdata.RoleOfficer, f.applicant), govdata.StartWorkflow{
			Kind: govdata.WorkflowShareConditional, SubjectType: "application", SubjectID: "1", Title: "人口基础信息", Parties: parties})
		if err != nil {
			t.Fatal(err)
		}
		// Began Thu 2026-02-12; 1 working day: Fri 13 (14 is a working Saturday, 15–23 春节).
		if w.Step != "forward" || w.Due == nil || w.Due.String() != "2026-02-13" || !w.CalendarKnown {
			t.Fatalf("started: %+v (due %v)", w, w.Due)
		}
		reviewer, officer, leader := f.as(govdata.RoleReviewer, f.bureau), f.as(govdata.RoleOfficer, f.provider), f.as(govdata.RoleLeader, f.provider)
		inbox := func(ctx context.Context) []*govdata.Task {
			t.Helper()
			l, err := f.flows.FindTasks(ctx, govdata.TaskFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return l.Items
		}
		if got := inbox(reviewer); len(got) != 1 || got[0].Instance.ID != w.ID || !got[0].DueSoon || got[0].Overdue {
			t.Fatalf("bureau inbox: %+v", got)
		}
		// The console shows "还剩 1 个工作日" as counted here (UI.md).
		if got := inbox(reviewer)[0]; got.WorkingDaysLeft == nil || *got.WorkingDaysLeft != 1 || got.WorkingDaysLate != nil {
			t.Fatalf("bureau inbox: working days left %v, late %v; want 1 left", got.WorkingDaysLeft, got.WorkingDaysLate)
		}
		if got := inbox(officer); len(got) != 0 {
			t.Fatalf("provider inbox before forwarding: %+v", got)
		}

		// The wrong actor and the wrong action are refused, nothing changes.
		_, err = f.flows.Decide(officer, w.ID, govdata.Decision{StepSeq: 1, Action: govdata.ActionForward})
		wantCode(t, err, govdata.EFORBIDDEN)
		_, err = f.flows.Decide(reviewer, w.ID, govdata.Decision{StepSeq: 1, Action: govdata.ActionSign})
		wantCode(t, err, govdata.EINVALID)
		_, err = f.flows.Decide(reviewer, w.ID, govdata.Decision{StepSeq: 1, Action: govdata.ActionReturn})
		wantCode(t, err, govdata.EINVALID) // a return needs a reason

		// Return to the applicant, who amends; back to the bureau.
		w, err = f.flows.Decide(reviewer, w.ID, govdata.Decision{StepSeq: 1, Action: govdata.ActionReturn, Reason: "请补充履职依据"})
		if err != nil || w.Step != "amend" || w.ReturnTo != "forward" {
			t.Fatalf("returned: %+v, %v", w, err)
		}
		w, err = f.flows.Decide(f.as(govdata.RoleOfficer, f.applicant), w.ID, govdata.Decision{StepSeq: w.StepSeq, Action: govdata.ActionApprove})
		if err != nil || w.Step != "forward" || w.ReturnTo != "" {
			t.Fatalf("amended: %+v, %v", w, err)
		}

		// Two racing decisions on the same step: exactly one wins.
		var wg sync.WaitGroup
		results := make([]error, 8)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, results[i] = f.flows.Decide(reviewer, w.ID, govdata.Decision{StepSeq: w.StepSeq, Action: govdata.ActionForward})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range results {
			switch govdata.ErrorCodeOf(err) {
			case "":
				won++
			case govdata.ECONFLICT:
			default:
				t.Errorf("racing decision: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d of %d racing decisions won, want exactly 1", won, len(results))
		}

		// A restart keeps the instance and its deadline; time moves past it.
		f.db.Close()
		f.open(t, e)
		got, err := f.flows.FindInstanceByID(storetest.System(), w.ID)
		if err != nil || got.Step != "decide" || got.Due == nil {
			t.Fatalf("after restart: %+v, %v", got, err)
		}
		// The provider decides within 10 working days from Thu 12 (forwarded
		// the same day): 13, 14 (working Saturday), 24, 25, 26, 27, 28 (working
		// Saturday), Mar 2, 3, 4.
		if got.Due.String() != "2026-03-04" {
			t.Errorf("provider's due date %s, want 2026-03-04", got.Due)
		}
		f.clock.Advance(22 * 24 * time.Hour) // 2026-03-06
		tasks := inbox(officer)
		if len(tasks) != 1 || !tasks[0].Overdue {
			t.Fatalf("provider inbox after the due date: %+v", tasks)
		}
		w, err = f.flows.Decide(officer, w.ID, govdata.Decision{StepSeq: got.StepSeq, Action: govdata.ActionApprove})
		if err != nil || w.Step != "sign" {
			t.Fatalf("provider approves: %+v, %v", w, err)
		}
		w, err = f.flows.Decide(leader, w.ID, govdata.Decision{StepSeq: w.StepSeq, Action: govdata.ActionSign})
		if err != nil || w.State != govdata.InstanceApproved || w.Step != "" {
			t.Fatalf("leader signs: %+v, %v", w, err)
		}
		_, err = f.flows.Decide(leader, w.ID, govdata.Decision{StepSeq: w.StepSeq, Action: govdata.ActionSign})
		wantCode(t, err, govdata.ECONFLICT)

		full, err := f.flows.FindInstanceByID(storetest.System(), w.ID)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, h := range full.History {
			steps = append(steps, h.Step+":"+string(h.Action))
		}
		if got, want := fmt.Sprint(steps), "[forward:return amend:approve forward:forward decide:approve sign:sign]"; got != want {
			t.Errorf("history %s, want %s", got, want)
		}
		if v, err := sqlstore.NewAuditService(f.db).VerifyAudit(storetest.System(), nil); err != nil || !v.Intact {
			t.Fatalf("audit: %+v, %v", v, err)
		}
	})
}

func wantCode(t *testing.T, err error, code govdata.ErrorCode) {
	t.Helper()
	if got := govdata.ErrorCodeOf(err); got != code {
		t.Fatalf("error %v (code %q), want %q", err, got, code)
	}
}

func TestWorkflowDeadlineSweep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newWorkflowFixture(t, e)
		sys := storetest.System()
		users := sqlstore.NewUserService(f.db)
		mk := func(name string, dept int64, role govdata.Role) *govdata.User {
			t.Helper()
			u, err := users.CreateUserWithPassword(sys, govdata.UserInput{Username: name, Password: "Sweep-pass-1234", Name: name,
				DepartmentID: dept, Roles: []govdata.Role{role}}, false)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		rev := mk("reviewer1", f.bureau, govdata.RoleReviewer)
		off := mk("officer1", f.provider, govdata.RoleOfficer)
		other := mk("officer2", f.applicant, govdata.RoleOfficer)
		parties := govdata.Parties{govdata.PartyBureau: f.bureau, govdata.PartyProvider: f.provider, govdata.PartyApplicant: f.applicant}
		// An objection: the provider verifies within 5 working days of Thu 2026-02-12:
		// 13, 14 (working Saturday), 24, 25, 26 → due 2026-02-26.
		w, err := f.flows.Start(sys, govdata.StartWorkflow{Kind: govdata.WorkflowObjection, SubjectType: "objection", SubjectID: "9", Title: "张三的户籍信息", Parties: parties})
		if err != nil || w.Due.String() != "2026-02-26" {
			t.Fatalf("start: %+v, %v", w, err)
		}
		inbox := func(u *govdata.User) []*govdata.Notification {
			t.Helper()
			ctx := storetest.As(govdata.Actor{UserID: u.ID, Username: u.Username, Roles: u.Roles, DepartmentID: u.DepartmentID})
			l, err := sqlstore.NewNotificationService(f.db).FindNotifications(ctx, govdata.NotificationFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return l.Items
		}
		sweep := func() govdata.SweepResult {
			t.Helper()
			r, err := f.flows.SweepDeadlines(sys, 1)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if r := sweep(); r != (govdata.SweepResult{}) {
			t.Fatalf("nothing is due yet: %+v", r)
		}
		// Wed 2026-02-25, 10:00: due by the next working day → one reminder.
		f.clock.Advance(13 * 24 * time.Hour)
		if r := sweep(); r.Reminded != 1 || r.Notified != 1 {
			t.Fatalf("reminder sweep: %+v", r)
		}
		if r := sweep(); r != (govdata.SweepResult{}) {
			t.Fatalf("second sweep sent again: %+v", r)
		}
		if n := inbox(off); len(n) != 1 || n[0].Kind != govdata.NoticeReminder || !strings.Contains(n[0].Title.ZH, "2026-02-26") {
			t.Fatalf("officer's inbox: %+v", n)
		}
		if n := inbox(other); len(n) != 0 {
			t.Fatalf("another department's officer got %+v", n)
		}
		// Down over the due day; the restart loses nothing and repeats nothing.
		f.db.Close()
		f.clock.Advance(2 * 24 * time.Hour) // Fri 2026-02-27
		f.open(t, e)
		r := sweep()
		if r.Overdue != 1 || r.Escalated != 1 || r.Reminded != 0 || r.Notified != 2 {
			t.Fatalf("overdue sweep after restart: %+v", r)
		}
		if r := sweep(); r != (govdata.SweepResult{}) {
			t.Fatalf("second overdue sweep: %+v", r)
		}
		if n := inbox(rev); len(n) != 1 || n[0].Kind != govdata.NoticeEscalation {
			t.Fatalf("bureau reviewer's inbox: %+v", n)
		}
		revCtx := storetest.As(govdata.Actor{UserID: rev.ID, Username: rev.Username, Roles: rev.Roles, DepartmentID: rev.DepartmentID})
		over, err := f.flows.FindOverdue(revCtx, govdata.Page{})
		if err != nil || len(over.Items) != 1 || over.Items[0].OverdueSince == nil || over.Items[0].OverdueSince.String() != "2026-02-27" {
			t.Fatalf("supervision list: %+v, %v", over.Items, err)
		}
		offCtx := storetest.As(govdata.Actor{UserID: off.ID, Username: off.Username, Roles: off.Roles, DepartmentID: off.DepartmentID})
		if _, err := f.flows.FindOverdue(offCtx, govdata.Page{}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("officer reads the supervision list: %v", err)
		}
		tl, err := f.flows.Timeliness(revCtx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || len(tl) != 1 || tl[0].DepartmentID != f.provider || tl[0].OpenOverdue != 1 || tl[0].Completed != 0 {
			t.Fatalf("timeliness while overdue: %+v, %v", tl, err)
		}
		// HLJ-42: the provider's leader supervises what the provider owes,
		// its own figures only; another department's leader sees none of it.
		for _, c := range []struct {
			dept        int64
			items, rows int
		}{{f.provider, 1, 1}, {f.bureau, 0, 0}} {
			lead := storetest.As(govdata.Actor{UserID: 1 << 40, Username: "leader", Roles: []govdata.Role{govdata.RoleLeader}, DepartmentID: c.dept})
			over, err := f.flows.FindOverdue(lead, govdata.Page{})
			if err != nil || len(over.Items) != c.items {
				t.Errorf("department %d's leader: supervision list %+v, %v", c.dept, over.Items, err)
			}
			tl, err := f.flows.Timeliness(lead, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			if err != nil || len(tl) != c.rows || (c.rows > 0 && tl[0].DepartmentID != c.dept) {
				t.Errorf("department %d's leader: timeliness %+v, %v", c.dept, tl, err)
			}
		}
		// Acting late closes it: off the supervision list, counted late.
		if _, err := f.flows.Decide(offCtx, w.ID, govdata.Decision{StepSeq: 1, Action: govdata.ActionApprove}); err != nil {
			t.Fatal(err)
		}
		if over, _ := f.flows.FindOverdue(revCtx, govdata.Page{}); len(over.Items) != 0 {
			t.Fatalf("closed item still on the supervision list: %+v", over.Items)
		}
		tl, _ = f.flows.Timeliness(revCtx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if len(tl) != 1 || tl[0].Completed != 1 || tl[0].OnTime != 0 || tl[0].OnTimeRate != 0 {
			t.Fatalf("timeliness after a late answer: %+v", tl)
		}
		if _, err := f.flows.SweepDeadlines(revCtx, 1); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("a reviewer runs the sweep: %v", err)
		}
	})
}

// ZJ-14: the source's leader signs within the source's own 3 working days,
// so the sign step shares the decide step's due date instead of starting a
// count of its own.
func TestWorkflowSharedDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newWorkflowFixture(t, e)
		zj, err := profiles.Shipped("zhejiang-finance-2024")
		if err != nil {
			t.Fatal(err)
		}
		flows := sqlstore.NewWorkflowService(sqlstore.NewBase(f.db, zj, beijing))
		parties := govdata.Parties{govdata.PartyBureau: f.bureau, govdata.PartyProvider: f.provider, govdata.PartyApplicant: f.applicant}
		w, err := flows.Start(storetest.System(), govdata.StartWorkflow{Kind: govdata.WorkflowShareConditional, SubjectType: "application", SubjectID: "1",
			Title: "预算执行数据", Parties: parties})
		if err != nil {
			t.Fatal(err)
		}
		// Thu 2026-02-12: forwarded at once; the source has 3 working days:
		// 13, 14 (working Saturday), 24 (after 春节) → 2026-02-24.
		w, err = flows.Decide(f.as(govdata.RoleReviewer, f.bureau), w.ID, govdata.Decision{StepSeq: 1, Action: govdata.ActionForward})
		if err != nil || w.Step != "decide" || w.Due.String() != "2026-02-24" {
			t.Fatalf("forwarded: %+v (due %v), %v", w, w.Due, err)
		}
		// The officer decides a day later; the leader's sign-off is due the
		// same day (a count of its own would give 2026-02-25).
		f.clock.Advance(24 * time.Hour)
		w, err = flows.Decide(f.as(govdata.RoleOfficer, f.provider), w.ID, govdata.Decision{StepSeq: 2, Action: govdata.ActionApprove})
		if err != nil || w.Step != "sign" || w.Due.String() != "2026-02-24" || !w.CalendarKnown {
			t.Fatalf("to the leader: %+v (due %v), %v", w, w.Due, err)
		}
		got, err := flows.FindInstanceByID(storetest.System(), w.ID)
		if err != nil || len(got.History) != 3 || got.History[2].Due.String() != "2026-02-24" {
			t.Fatalf("history: %+v, %v", got, err)
		}
		// A step acted on names the account as people read it, beside its
		// username; one with no account of that name gives the username only.
		if _, err := sqlstore.NewUserService(f.db).CreateUser(storetest.System(), govdata.UserInput{Username: "reviewer", Name: "王审核",
			DepartmentID: 0, Roles: []govdata.Role{govdata.RoleSecadmin}}); err != nil {
			t.Fatal(err)
		}
		got, _ = flows.FindInstanceByID(storetest.System(), w.ID)
		if h := got.History; h[0].ActedBy != "reviewer" || h[0].ActedByName != "王审核" || h[1].ActedBy != "officer" || h[1].ActedByName != "" {
			t.Fatalf("actors: %+v", h[:2])
		}
	})
}

// HLJ-15: a catalog change is due in its working days; the bureau may
// extend it once, counted on from the due date, on the department's policy
// basis; the new deadline gets its own reminder and overdue mark.
func TestWorkflowExtension(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newWorkflowFixture(t, e)
		sys := storetest.System()
		if _, err := sqlstore.NewUserService(f.db).CreateUserWithPassword(sys, govdata.UserInput{Username: "officer1", Password: "Extend-pass-1234",
			Name: "officer1", DepartmentID: f.provider, Roles: []govdata.Role{govdata.RoleOfficer}}, false); err != nil {
			t.Fatal(err)
		}
		parties := govdata.Parties{govdata.PartyBureau: f.bureau, govdata.PartyProvider: f.provider}
		// Default profile: the change is filed within 5 working days of Thu
		// 2026-02-12: 13, 14, 24, 25, 26 → 2026-02-26; extension 5.
		w, err := f.flows.Start(sys, govdata.StartWorkflow{Kind: govdata.WorkflowCatalogChange, SubjectType: "catalog_entry", SubjectID: "3",
			Title: "企业登记信息", Parties: parties})
		if err != nil || w.Due.String() != "2026-02-26" {
			t.Fatalf("start: %+v, %v", w, err)
		}
		reviewer, officer := f.as(govdata.RoleReviewer, f.bureau), f.as(govdata.RoleOfficer, f.provider)
		grant := govdata.ExtensionGrant{StepSeq: 1, Reason: "依据《机构改革方案》职责调整，需重新梳理目录"}
		// Overdue first: Fri 2026-02-27.
		f.clock.Advance(15 * 24 * time.Hour)
		if r, err := f.flows.SweepDeadlines(sys, 1); err != nil || r.Overdue != 1 {
			t.Fatalf("overdue sweep: %+v, %v", r, err)
		}
		if _, err := f.flows.Extend(officer, w.ID, grant); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("the officer extends its own deadline: %v", err)
		}
		if _, err := f.flows.Extend(f.as(govdata.RoleReviewer, f.applicant), w.ID, grant); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("another bureau's reviewer extends: %v", err)
		}
		if _, err := f.flows.Extend(reviewer, w.ID, govdata.ExtensionGrant{StepSeq: 1, Reason: "  "}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("an extension without its basis: %v", err)
		}
		if _, err := f.flows.Extend(reviewer, w.ID, govdata.ExtensionGrant{StepSeq: 2, Reason: "x"}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Fatalf("an extension of a step not current: %v", err)
		}
		// +5 from the due date: 27, 28 (working Saturday), Mar 2, 3, 4 →
		// 2026-03-04; off the supervision list.
		x, err := f.flows.Extend(reviewer, w.ID, grant)
		if err != nil || x.Due.String() != "2026-03-04" || x.OverdueSince != nil || !x.CalendarKnown {
			t.Fatalf("extended: %+v (due %v), %v", x, x.Due, err)
		}
		if over, _ := f.flows.FindOverdue(reviewer, govdata.Page{}); len(over.Items) != 0 {
			t.Fatalf("an extended step stays on the supervision list: %+v", over.Items)
		}
		if _, err := f.flows.Extend(reviewer, w.ID, grant); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Fatalf("a second extension: %v", err)
		}
		got, _ := f.flows.FindInstanceByID(sys, w.ID)
		if h := got.History[0]; h.Due.String() != "2026-03-04" || h.ExtendedAt == nil || h.ExtendedBy != "reviewer" || h.ExtensionReason != grant.Reason {
			t.Fatalf("step record: %+v", h)
		}
		// The new deadline: a reminder on Tue 2026-03-03, overdue on Thu 03-05.
		f.clock.Advance(4 * 24 * time.Hour)
		if r, _ := f.flows.SweepDeadlines(sys, 1); r.Reminded != 1 || r.Notified != 1 {
			t.Fatalf("reminder of the new deadline: %+v", r)
		}
		f.clock.Advance(2 * 24 * time.Hour)
		if r, _ := f.flows.SweepDeadlines(sys, 1); r.Overdue != 1 {
			t.Fatalf("overdue after the extension: %+v", r)
		}
		// The review step has no extension.
		w2, err := f.flows.Decide(officer, w.ID, govdata.Decision{StepSeq: 1, Action: govdata.ActionApprove})
		if err != nil || w2.Step != "review" {
			t.Fatalf("filed: %+v, %v", w2, err)
		}
		if _, err := f.flows.Extend(reviewer, w.ID, govdata.ExtensionGrant{StepSeq: 2, Reason: "x"}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("an extension of a step without one: %v", err)
		}
	})
}
