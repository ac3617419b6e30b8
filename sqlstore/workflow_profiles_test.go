package sqlstore_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestEveryProfileWorkflow runs every workflow of every shipped regulation
// profile end to end on each engine, one store per profile with many
// instances in it:
//   - every workflow is walked from its first step to approved by the actor
//     each step names (a user created for that role and department), and at
//     every step the due date is the shipped calendar's, the actor's inbox
//     lists the step, and an actor of another party or role is refused;
//   - every workflow with a return step is also returned, fixed by the
//     return step's actor, and taken back to the step that returned it;
//   - one timed step per profile is left to run late: a reminder the day
//     before its due date, overdue and escalated to the bureau the day
//     after, each exactly once, also after a restart.
//
// The clock moves between steps, alternating 10:00 and 00:30 Beijing time
// (16:30 UTC the day before), so that steps begin on working days,
// weekends and the 2026 春节 holidays, and the day a step begins is
// Beijing's day, not UTC's.
func TestEveryProfileWorkflow(t *testing.T) {
	years, err := holidays.China()
	if err != nil {
		t.Fatal(err)
	}
	cal := govdata.NewCalendar(years)
	names := profiles.Names()
	if len(names) < 6 {
		t.Fatalf("shipped profiles %v, want at least the six of issue 3", names)
	}
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		for _, name := range names {
			t.Run(name, func(t *testing.T) {
				p, err := profiles.Shipped(name)
				if err != nil {
					t.Fatal(err)
				}
				r := newProfileRun(t, e, p, cal)
				for i := range p.Workflows {
					flow := &p.Workflows[i]
					t.Run(string(flow.Kind), func(t *testing.T) {
						r.walkToEnd(t, flow)
						if flow.Return != nil {
							r.walkWithReturn(t, flow)
						}
					})
				}
				t.Run("deadline", func(t *testing.T) { r.runLate(t) })
			})
		}
	})
}

// seat is where a step's actor sits: a role in a department (0 for the
// administrator roles, which act for the platform).
type seat struct {
	role govdata.Role
	dept int64
}

// profileRun is one profile's workflows in one store.
type profileRun struct {
	f       *workflowFixture
	e       storetest.Engine
	p       *govdata.Profile
	cal     *govdata.Calendar
	flows   *sqlstore.WorkflowService
	parties govdata.Parties
	users   map[seat]*govdata.User
	ticks   int
	history map[int64][]string     // step:action of each instance, as decided
	begun   map[int64]govdata.Date // the day each instance's current step began
	// dues: the due date each step of each instance last got, for steps
	// that share another's deadline (within)
	dues map[int64]map[string]stepDue
}

type stepDue struct {
	due   *govdata.Date
	known bool
}

func newProfileRun(t *testing.T, e storetest.Engine, p *govdata.Profile, cal *govdata.Calendar) *profileRun {
	t.Helper()
	f := newWorkflowFixture(t, e)
	r := &profileRun{f: f, e: e, p: p, cal: cal, users: map[seat]*govdata.User{},
		history: map[int64][]string{}, begun: map[int64]govdata.Date{}, dues: map[int64]map[string]stepDue{},
		parties: govdata.Parties{govdata.PartyBureau: f.bureau, govdata.PartyProvider: f.provider, govdata.PartyApplicant: f.applicant}}
	r.flows = sqlstore.NewWorkflowService(sqlstore.NewBase(f.db, p, beijing))
	// One active user per seat the profile's steps name, and the bureau's
	// reviewer, who receives escalations.
	need := []seat{{govdata.RoleReviewer, f.bureau}}
	for _, flow := range p.Workflows {
		for _, st := range allSteps(&flow) {
			need = append(need, r.seatOf(st))
		}
	}
	users := sqlstore.NewUserService(f.db)
	for _, s := range need {
		if r.users[s] != nil {
			continue
		}
		u, err := users.CreateUserWithPassword(storetest.System(), govdata.UserInput{
			Username: fmt.Sprintf("%s-%d", s.role, s.dept), Password: "Profile-pass-1234", Name: string(s.role),
			DepartmentID: s.dept, Roles: []govdata.Role{s.role}}, false)
		if err != nil {
			t.Fatalf("create %s of department %d: %v", s.role, s.dept, err)
		}
		r.users[s] = u
	}
	return r
}

func allSteps(flow *govdata.Workflow) []*govdata.Step {
	var out []*govdata.Step
	for i := range flow.Steps {
		out = append(out, &flow.Steps[i])
	}
	if flow.Return != nil {
		out = append(out, flow.Return)
	}
	return out
}

func (r *profileRun) seatOf(st *govdata.Step) seat {
	if st.Actor.Role.IsAdministrative() {
		return seat{role: st.Actor.Role}
	}
	return seat{st.Actor.Role, r.parties[st.Actor.Party]}
}

func actorOf(u *govdata.User) govdata.Actor {
	return govdata.Actor{UserID: u.ID, Username: u.Username, Roles: u.Roles, DepartmentID: u.DepartmentID}
}

// actor is the created user who acts at st.
func (r *profileRun) actor(t *testing.T, st *govdata.Step) govdata.Actor {
	t.Helper()
	u := r.users[r.seatOf(st)]
	if u == nil {
		t.Fatalf("no user for step %s (%s of %s)", st.Name, st.Actor.Role, st.Actor.Party)
	}
	return actorOf(u)
}

// tick moves the clock to the next 00:30 or 10:00 Beijing time.
func (r *profileRun) tick() {
	r.ticks++
	if r.ticks%2 == 1 {
		r.f.clock.Advance(14*time.Hour + 30*time.Minute)
	} else {
		r.f.clock.Advance(9*time.Hour + 30*time.Minute)
	}
}

func (r *profileRun) today() govdata.Date { return govdata.DateOf(r.f.clock.Now().In(beijing)) }

// wantDue is the due date of st begun on day: the calendar's, nil when the
// regulation sets no deadline.
func (r *profileRun) wantDue(st *govdata.Step, day govdata.Date) (*govdata.Date, bool) {
	if st.WorkingDays == nil {
		return nil, true
	}
	due, known := r.cal.AddWorkingDays(day, *st.WorkingDays)
	return &due, known
}

func sameDate(a, b *govdata.Date) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func (r *profileRun) start(t *testing.T, flow *govdata.Workflow) *govdata.WorkflowInstance {
	t.Helper()
	w, err := r.flows.Start(storetest.System(), govdata.StartWorkflow{Kind: flow.Kind, SubjectType: "test",
		SubjectID: fmt.Sprint(len(r.history) + 1), Title: flow.Title.ZH, Parties: r.parties})
	if err != nil {
		t.Fatalf("start %s: %v", flow.Kind, err)
	}
	r.history[w.ID], r.begun[w.ID] = nil, r.today()
	if w.Step != flow.Steps[0].Name || w.StepSeq != 1 || w.State != govdata.InstanceOpen {
		t.Fatalf("started %s: %+v", flow.Kind, w)
	}
	return w
}

func (r *profileRun) inbox(t *testing.T, a govdata.Actor) []*govdata.Task {
	t.Helper()
	l, err := r.flows.FindTasks(storetest.As(a), govdata.TaskFilter{})
	if err != nil {
		t.Fatalf("inbox of %s: %v", a.Username, err)
	}
	return l.Items
}

func taskFor(tasks []*govdata.Task, id int64) *govdata.Task {
	for _, task := range tasks {
		if task.Instance.ID == id {
			return task
		}
	}
	return nil
}

// checkStep checks w's current step: its due date, the actor's inbox
// (due soon, overdue as of today), and that the wrong actors are refused
// and do not see it.
func (r *profileRun) checkStep(t *testing.T, flow *govdata.Workflow, w *govdata.WorkflowInstance) *govdata.Step {
	t.Helper()
	st, ok := flow.Step(w.Step)
	if !ok {
		t.Fatalf("%s is at step %q, which the workflow does not have", flow.Kind, w.Step)
	}
	begun := r.begun[w.ID]
	due, known := r.wantDue(st, begun)
	if st.Within != "" {
		shared, ok := r.dues[w.ID][st.Within]
		if !ok {
			t.Fatalf("%s step %s shares the deadline of %s, which has not run", flow.Kind, st.Name, st.Within)
		}
		due, known = shared.due, shared.known
	}
	if r.dues[w.ID] == nil {
		r.dues[w.ID] = map[string]stepDue{}
	}
	r.dues[w.ID][st.Name] = stepDue{due, known}
	if !sameDate(w.Due, due) || w.CalendarKnown != known {
		t.Errorf("%s step %s begun %s: due %v (known %v), want %v (known %v)", flow.Kind, st.Name, begun, w.Due, w.CalendarKnown, due, known)
	}
	task := taskFor(r.inbox(t, r.actor(t, st)), w.ID)
	if task == nil {
		t.Fatalf("%s step %s is not in the inbox of %s", flow.Kind, st.Name, r.actor(t, st).Username)
	}
	soon, _ := r.cal.AddWorkingDays(r.today(), 1)
	wantOverdue := due != nil && due.Before(r.today())
	wantSoon := due != nil && !wantOverdue && !soon.Before(*due)
	if task.Step.Name != st.Name || task.Instance.StepSeq != w.StepSeq || !sameDate(task.Instance.Due, due) ||
		task.Overdue != wantOverdue || task.DueSoon != wantSoon {
		t.Errorf("%s step %s in the inbox on %s: step %s seq %d due %v overdue %v due soon %v, want step %s seq %d due %v overdue %v due soon %v",
			flow.Kind, st.Name, r.today(), task.Step.Name, task.Instance.StepSeq, task.Instance.Due, task.Overdue, task.DueSoon,
			st.Name, w.StepSeq, due, wantOverdue, wantSoon)
	}
	for _, wrong := range r.wrongActors(st) {
		_, err := r.flows.Decide(storetest.As(wrong), w.ID, govdata.Decision{StepSeq: w.StepSeq, Action: forwardAction(st), Reason: "wrong actor"})
		if got := govdata.ErrorCodeOf(err); got != govdata.EFORBIDDEN {
			t.Errorf("%s step %s (%s of %s) decided by %s of department %d: %v, want %s", flow.Kind, st.Name,
				st.Actor.Role, st.Actor.Party, wrong.Roles[0], wrong.DepartmentID, err, govdata.EFORBIDDEN)
		}
		if taskFor(r.inbox(t, wrong), w.ID) != nil {
			t.Errorf("%s step %s is in the inbox of %s of department %d", flow.Kind, st.Name, wrong.Roles[0], wrong.DepartmentID)
		}
	}
	return st
}

// wrongActors are the step's role in another party's department (unless
// an administrator role acts, for the platform) and another role in the
// step's department.
func (r *profileRun) wrongActors(st *govdata.Step) []govdata.Actor {
	s := r.seatOf(st)
	dept := r.parties[st.Actor.Party]
	other := r.f.provider
	if dept == other {
		other = r.f.applicant
	}
	otherRole := govdata.RoleOfficer
	if st.Actor.Role == govdata.RoleOfficer {
		otherRole = govdata.RoleReviewer
	}
	out := []govdata.Actor{{UserID: 9001, Username: "wrong.role", Roles: []govdata.Role{otherRole}, DepartmentID: dept}}
	if s.dept != 0 {
		out = append(out, govdata.Actor{UserID: 9002, Username: "wrong.party", Roles: []govdata.Role{st.Actor.Role}, DepartmentID: other})
	}
	return out
}

// forwardAction is the action that moves st on: approve, else forward,
// else sign.
func forwardAction(st *govdata.Step) govdata.Action {
	for _, a := range []govdata.Action{govdata.ActionApprove, govdata.ActionForward, govdata.ActionSign} {
		if slices.Contains(st.Actions, a) {
			return a
		}
	}
	return ""
}

// act checks w's current step, moves the clock on and takes action as the
// step's actor.
func (r *profileRun) act(t *testing.T, flow *govdata.Workflow, w *govdata.WorkflowInstance, action govdata.Action, reason string) *govdata.WorkflowInstance {
	t.Helper()
	st := r.checkStep(t, flow, w)
	if action == "" {
		t.Fatalf("%s step %s takes none of approve, forward, sign (%v): the workflow cannot complete", flow.Kind, st.Name, st.Actions)
	}
	r.tick()
	next, err := r.flows.Decide(storetest.As(r.actor(t, st)), w.ID, govdata.Decision{StepSeq: w.StepSeq, Action: action, Reason: reason})
	if err != nil {
		t.Fatalf("%s step %s: %s by %s: %v", flow.Kind, st.Name, action, r.actor(t, st).Username, err)
	}
	if next.StepSeq != w.StepSeq+1 {
		t.Errorf("%s step %s: step_seq %d after %s, want %d", flow.Kind, st.Name, next.StepSeq, action, w.StepSeq+1)
	}
	r.history[w.ID] = append(r.history[w.ID], st.Name+":"+string(action))
	r.begun[w.ID] = r.today()
	return next
}

func (r *profileRun) advance(t *testing.T, flow *govdata.Workflow, w *govdata.WorkflowInstance) *govdata.WorkflowInstance {
	t.Helper()
	st, _ := flow.Step(w.Step)
	if st == nil {
		t.Fatalf("%s is at step %q, which the workflow does not have", flow.Kind, w.Step)
	}
	return r.act(t, flow, w, forwardAction(st), "")
}

// finish walks w to the end and checks it ended approved, with the history
// of its decisions.
func (r *profileRun) finish(t *testing.T, flow *govdata.Workflow, w *govdata.WorkflowInstance) {
	t.Helper()
	last := w
	for n := 0; w.State == govdata.InstanceOpen; n++ {
		if n > 2*len(flow.Steps)+2 {
			t.Fatalf("%s does not end: %+v", flow.Kind, w)
		}
		last = w
		w = r.advance(t, flow, w)
	}
	if w.State != govdata.InstanceApproved || w.Step != "" || w.Due != nil || w.ReturnTo != "" {
		t.Fatalf("%s ended %+v, want approved", flow.Kind, w)
	}
	got, err := r.flows.FindInstanceByID(storetest.System(), w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != govdata.InstanceApproved || got.Step != "" || got.Due != nil {
		t.Errorf("%s stored as %+v, want approved", flow.Kind, got)
	}
	var steps []string
	for _, h := range got.History {
		if h.ActedAt == nil {
			t.Errorf("%s: step %d (%s) not acted on in a closed instance", flow.Kind, h.Seq, h.Step)
		}
		steps = append(steps, h.Step+":"+string(h.Action))
	}
	if g, want := strings.Join(steps, " "), strings.Join(r.history[w.ID], " "); g != want {
		t.Errorf("%s history %s, want %s", flow.Kind, g, want)
	}
	// Closed: off the last actor's inbox, and no further decision.
	st, _ := flow.Step(last.Step)
	if taskFor(r.inbox(t, r.actor(t, st)), w.ID) != nil {
		t.Errorf("%s: closed instance still in the inbox of %s", flow.Kind, r.actor(t, st).Username)
	}
	_, err = r.flows.Decide(storetest.As(r.actor(t, st)), w.ID, govdata.Decision{StepSeq: w.StepSeq, Action: forwardAction(st)})
	if code := govdata.ErrorCodeOf(err); code != govdata.ECONFLICT {
		t.Errorf("%s: a decision on the closed instance: %v, want %s", flow.Kind, err, govdata.ECONFLICT)
	}
}

func (r *profileRun) walkToEnd(t *testing.T, flow *govdata.Workflow) {
	r.finish(t, flow, r.start(t, flow))
}

// walkWithReturn walks to the first step that returns, returns the item,
// has it fixed and back at that step, then walks to the end.
func (r *profileRun) walkWithReturn(t *testing.T, flow *govdata.Workflow) {
	w := r.start(t, flow)
	for {
		st, _ := flow.Step(w.Step)
		if st == nil || w.State != govdata.InstanceOpen {
			t.Fatalf("%s has the return step %s but no step takes return (ended %+v)", flow.Kind, flow.Return.Name, w)
		}
		if slices.Contains(st.Actions, govdata.ActionReturn) {
			break
		}
		w = r.advance(t, flow, w)
	}
	returning := w.Step
	st, _ := flow.Step(returning)
	_, err := r.flows.Decide(storetest.As(r.actor(t, st)), w.ID, govdata.Decision{StepSeq: w.StepSeq, Action: govdata.ActionReturn})
	wantCode(t, err, govdata.EINVALID) // a return says what to fix
	w = r.act(t, flow, w, govdata.ActionReturn, "请按规定补正")
	if w.State != govdata.InstanceOpen || w.Step != flow.Return.Name || w.ReturnTo != returning {
		t.Fatalf("%s returned from %s: %+v, want at %s", flow.Kind, returning, w, flow.Return.Name)
	}
	w = r.advance(t, flow, w) // checks the return step, then the fix
	if w.State != govdata.InstanceOpen || w.Step != returning || w.ReturnTo != "" {
		t.Fatalf("%s fixed: %+v, want back at %s", flow.Kind, w, returning)
	}
	r.finish(t, flow, w)
}

// lateStep is the profile's timed step with the longest deadline (the
// first of them in order): the workflow and the index of the step.
func (r *profileRun) lateStep(t *testing.T) (*govdata.Workflow, int) {
	var flow *govdata.Workflow
	idx, best := 0, 0
	for i := range r.p.Workflows {
		for j, st := range r.p.Workflows[i].Steps {
			if st.WorkingDays != nil && *st.WorkingDays > best {
				flow, idx, best = &r.p.Workflows[i], j, *st.WorkingDays
			}
		}
	}
	if flow == nil {
		t.Fatalf("profile %s has no timed step", r.p.Name)
	}
	return flow, idx
}

func (r *profileRun) sweep(t *testing.T) govdata.SweepResult {
	t.Helper()
	res, err := r.flows.SweepDeadlines(storetest.System(), 1)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// notices lists the kinds of u's notifications about instance id, sorted.
func (r *profileRun) notices(t *testing.T, u *govdata.User, id int64, due govdata.Date) []string {
	t.Helper()
	l, err := sqlstore.NewNotificationService(r.f.db).FindNotifications(storetest.As(actorOf(u)), govdata.NotificationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range l.Items {
		if n.InstanceID != id || !strings.Contains(n.Title.ZH, due.String()) || !strings.Contains(n.Title.EN, due.String()) {
			t.Errorf("notice to %s: %+v, want one about instance %d due %s", u.Username, n, id, due)
		}
		kinds = append(kinds, n.Kind)
	}
	slices.Sort(kinds)
	return kinds
}

// moveTo moves the clock to 10:00 Beijing time on day d.
func (r *profileRun) moveTo(t *testing.T, d govdata.Date) {
	t.Helper()
	at := time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, beijing)
	by := at.Sub(r.f.clock.Now())
	if by < 0 {
		t.Fatalf("the clock would go back from %s to %s", r.f.clock.Now().In(beijing), at)
	}
	r.f.clock.Advance(by)
}

// runLate leaves the profile's longest timed step to run late: reminded
// the day before its due date, overdue and escalated the day after, each
// once, and nothing again after a restart. Every other instance of the
// store is closed, so the sweep's counts are this step's alone.
func (r *profileRun) runLate(t *testing.T) {
	flow, idx := r.lateStep(t)
	w := r.start(t, flow)
	for w.Step != flow.Steps[idx].Name {
		w = r.advance(t, flow, w)
	}
	st := r.checkStep(t, flow, w)
	due := *w.Due
	t.Logf("%s: %s step %s (%d working days, %s of %s) begun %s, due %s", r.p.Name, flow.Kind, st.Name, *st.WorkingDays,
		st.Actor.Role, st.Actor.Party, r.begun[w.ID], due)
	actor := r.users[r.seatOf(st)]
	reviewer := r.users[seat{govdata.RoleReviewer, r.f.bureau}]
	escalates := w.Parties[govdata.PartyBureau] != 0
	wantKinds := func(u *govdata.User, overdue bool) []string {
		var k []string
		if u == actor {
			k = append(k, govdata.NoticeReminder)
			if overdue {
				k = append(k, govdata.NoticeOverdue)
			}
		}
		if u == reviewer && overdue && escalates {
			k = append(k, govdata.NoticeEscalation)
		}
		slices.Sort(k)
		return k
	}
	// Not yet: the last day whose next working day is before the due date.
	early := due.AddDays(-1)
	for soon, _ := r.cal.AddWorkingDays(early, 1); !soon.Before(due); soon, _ = r.cal.AddWorkingDays(early, 1) {
		early = early.AddDays(-1)
	}
	if !early.Before(r.today()) {
		r.moveTo(t, early)
		if res := r.sweep(t); res != (govdata.SweepResult{}) {
			t.Fatalf("sweep on %s, before anything is due soon: %+v", r.today(), res)
		}
	}

	// The day before the due date (whatever kind of day it is, the due
	// date is the next working day): one reminder to the step's actor.
	r.moveTo(t, due.AddDays(-1))
	if res := r.sweep(t); res != (govdata.SweepResult{Reminded: 1, Notified: 1}) {
		t.Fatalf("sweep on %s, the day before %s: %+v, want one reminder to one user", r.today(), due, res)
	}
	if res := r.sweep(t); res != (govdata.SweepResult{}) {
		t.Fatalf("second reminder sweep: %+v", res)
	}
	for _, u := range []*govdata.User{actor, reviewer} {
		if got, want := r.notices(t, u, w.ID, due), wantKinds(u, false); !slices.Equal(got, want) {
			t.Errorf("%s's notices after the reminder: %v, want %v", u.Username, got, want)
		}
	}

	// The day after: overdue, to the actor and escalated to the bureau.
	r.moveTo(t, due.AddDays(1))
	want := govdata.SweepResult{Overdue: 1, Notified: 1}
	if escalates {
		want.Escalated, want.Notified = 1, 2
	}
	if res := r.sweep(t); res != want {
		t.Fatalf("sweep on %s, the day after %s: %+v, want %+v", r.today(), due, res, want)
	}
	if res := r.sweep(t); res != (govdata.SweepResult{}) {
		t.Fatalf("second overdue sweep: %+v", res)
	}
	for _, u := range []*govdata.User{actor, reviewer} {
		if got, want := r.notices(t, u, w.ID, due), wantKinds(u, true); !slices.Equal(got, want) {
			t.Errorf("%s's notices after the due date: %v, want %v", u.Username, got, want)
		}
	}
	if task := taskFor(r.inbox(t, actorOf(actor)), w.ID); task == nil || !task.Overdue || task.DueSoon {
		t.Errorf("actor's inbox after the due date: %+v", task)
	} else if task.WorkingDaysLate == nil || *task.WorkingDaysLate < 1 || task.WorkingDaysLeft != nil {
		t.Errorf("actor's inbox after the due date: working days late %v, left %v; want late ≥ 1", task.WorkingDaysLate, task.WorkingDaysLeft)
	}

	// A restart: the marks persist, nothing is sent again.
	r.f.db.Close()
	r.f.open(t, r.e)
	r.flows = sqlstore.NewWorkflowService(sqlstore.NewBase(r.f.db, r.p, beijing))
	if res := r.sweep(t); res != (govdata.SweepResult{}) {
		t.Fatalf("sweep after a restart: %+v", res)
	}
	over, err := r.flows.FindOverdue(storetest.As(actorOf(reviewer)), govdata.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(over.Items) != 1 || over.Items[0].ID != w.ID || !sameDate(over.Items[0].OverdueSince, ptr(due.AddDays(1))) {
		t.Fatalf("supervision list after a restart: %+v", over.Items)
	}
	// Acted on late, it leaves the supervision list and the workflow ends.
	r.finish(t, flow, w)
	if over, err := r.flows.FindOverdue(storetest.As(actorOf(reviewer)), govdata.Page{}); err != nil || len(over.Items) != 0 {
		t.Errorf("supervision list once acted on: %+v, %v", over.Items, err)
	}
	if v, err := sqlstore.NewAuditService(r.f.db).VerifyAudit(storetest.System(), nil); err != nil || !v.Intact {
		t.Fatalf("audit: %+v, %v", v, err)
	}
}

func ptr[T any](v T) *T { return &v }
