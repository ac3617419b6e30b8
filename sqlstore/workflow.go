package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// WorkflowService implements govdata.WorkflowService over the active
// profile: due dates come from the calendar when a step starts, and the
// current step's actor is kept on the instance so that inboxes and the
// overdue sweep are indexed queries.
type WorkflowService struct {
	Base
}

// NewWorkflowService runs the workflows of b's profile; dates are days in
// b's time zone, counted by the calendar in b's database.
func NewWorkflowService(b Base) *WorkflowService { return &WorkflowService{Base: b} }

var _ govdata.WorkflowService = (*WorkflowService)(nil)

var (
	msgWorkflowKind    = govdata.Msg{ZH: "当前法规规则集没有流程 %s", EN: "the active profile has no workflow %s"}
	msgWorkflowParty   = govdata.Msg{ZH: "流程 %s 需要 %s 方部门", EN: "workflow %s needs the %s department"}
	msgWorkflowMissing = govdata.Msg{ZH: "流程事项不存在", EN: "workflow item not found"}
)

// dueCount is what a due date is counted from (CAL-1, migration 0024): kept with
// the step so that loading or correcting a year's holidays counts the date
// again from the same start with the same working days.
type dueCount struct {
	from string        // the day the count starts; "" for a step without a deadline
	days sql.NullInt64 // the working days counted, an extension's included (HLJ-15)
}

// stepDue computes the due date of step started at t. The calendar is
// read in tx, so that a date is counted with the calendar a recount in the
// same or an earlier write left (CAL-1).
func (s *WorkflowService) stepDue(tx *Tx, step *govdata.Step, t time.Time) (*govdata.Date, bool, dueCount, error) {
	if step.WorkingDays == nil {
		return nil, true, dueCount{}, nil
	}
	cal, err := calendarTx(tx)
	if err != nil {
		return nil, false, dueCount{}, err
	}
	from := s.dateOf(t)
	due, known := cal.AddWorkingDays(from, *step.WorkingDays)
	return &due, known, dueCount{from.String(), sql.NullInt64{Int64: int64(*step.WorkingDays), Valid: true}}, nil
}

// nextDue is the due date of step starting now in instance id: its own
// count, or the deadline of the earlier step it shares one with (Within),
// counted from that step's start.
func (s *WorkflowService) nextDue(ctx context.Context, tx *Tx, id int64, step *govdata.Step, now time.Time) (*govdata.Date, bool, dueCount, error) {
	if step.Within == "" {
		return s.stepDue(tx, step, now)
	}
	var due string
	var known bool
	var count dueCount
	err := tx.queryRow("SELECT due_date, calendar_known, count_from, working_days FROM workflow_steps WHERE instance_id = ? AND step = ? ORDER BY seq DESC LIMIT 1",
		id, step.Within).Scan(&due, &known, &count.from, &count.days)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && due == "") {
		return nil, true, dueCount{}, nil // the shared step set no deadline
	}
	if err != nil {
		return nil, false, dueCount{}, fmt.Errorf("shared deadline: %w", err)
	}
	d, err := govdata.ParseDate(due)
	if err != nil {
		return nil, false, dueCount{}, fmt.Errorf("shared deadline: %w", err)
	}
	return &d, known, count, nil
}

// actorDept is the department that acts at step, nil for an administrator role.
func actorDept(step *govdata.Step, parties govdata.Parties) any {
	if step.Actor.Role.IsAdministrative() {
		return nil
	}
	return parties[step.Actor.Party]
}

func dateText(d *govdata.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// Start implements govdata.WorkflowService. The feature that starts an
// instance authorizes its caller; the start is audited.
func (s *WorkflowService) Start(ctx context.Context, in govdata.StartWorkflow) (*govdata.WorkflowInstance, error) {
	return writeResult(ctx, s.db, func(tx *Tx) (*govdata.WorkflowInstance, error) { return s.startTx(ctx, tx, in) })
}

// startTx is Start within tx, for features that change their own
// records in the same transaction.
func (s *WorkflowService) startTx(ctx context.Context, tx *Tx, in govdata.StartWorkflow) (*govdata.WorkflowInstance, error) {
	w, ok := s.profile.Workflow(in.Kind)
	if !ok {
		return nil, govdata.Errorf(govdata.EINVALID, msgWorkflowKind, string(in.Kind))
	}
	steps := w.Steps
	if w.Return != nil {
		steps = append(steps[:len(steps):len(steps)], *w.Return)
	}
	for _, st := range steps {
		if !st.Actor.Role.IsAdministrative() && in.Parties[st.Actor.Party] == 0 {
			return nil, govdata.Errorf(govdata.EINVALID, msgWorkflowParty, string(in.Kind), string(st.Actor.Party))
		}
	}
	first := &w.Steps[0]
	var out *govdata.WorkflowInstance
	now := tx.Now()
	due, known, count, err := s.stepDue(tx, first, now)
	if err != nil {
		return nil, err
	}
	p := in.Parties
	id, err := tx.insert(`INSERT INTO workflow_instances (kind, subject_type, subject_id, title, provider_id, applicant_id, bureau_id,
		state, step, actor_role, actor_dept, step_seq, step_started_at, due_date, calendar_known, created_at, created_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
		string(in.Kind), in.SubjectType, in.SubjectID, in.Title,
		nullID(p[govdata.PartyProvider]), nullID(p[govdata.PartyApplicant]), nullID(p[govdata.PartyBureau]),
		string(govdata.InstanceOpen), first.Name, string(first.Actor.Role), actorDept(first, p),
		toDB(now), dateText(due), known, toDB(now), actorName(tx.actor), toDB(now))
	if err != nil {
		return nil, fmt.Errorf("insert workflow instance: %w", err)
	}
	if _, err := tx.exec("INSERT INTO workflow_steps (instance_id, seq, step, started_at, due_date, calendar_known, count_from, working_days) VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
		id, first.Name, toDB(now), dateText(due), known, count.from, count.days); err != nil {
		return nil, fmt.Errorf("insert workflow step: %w", err)
	}
	out = &govdata.WorkflowInstance{ID: id, Kind: in.Kind, SubjectType: in.SubjectType, SubjectID: in.SubjectID, Title: in.Title,
		Parties: p, State: govdata.InstanceOpen, Step: first.Name, StepSeq: 1, Due: due, CalendarKnown: known,
		CreatedAt: now, CreatedBy: actorName(tx.actor)}
	return out, tx.audit("workflow.start", "workflow", id, map[string]any{"kind": in.Kind, "subject": in.SubjectType + ":" + in.SubjectID,
		"step": first.Name, "due": dateText(due)})
}

const instanceColumns = `id, kind, subject_type, subject_id, title, provider_id, applicant_id, bureau_id, state, step, return_to,
	step_seq, due_date, calendar_known, overdue_since, created_at, created_by`

func scanInstance(row interface{ Scan(...any) error }) (*govdata.WorkflowInstance, error) {
	var w govdata.WorkflowInstance
	var prov, appl, bur sql.NullInt64
	var due, overdue string
	var created int64
	if err := row.Scan(&w.ID, &w.Kind, &w.SubjectType, &w.SubjectID, &w.Title, &prov, &appl, &bur, &w.State, &w.Step, &w.ReturnTo,
		&w.StepSeq, &due, &w.CalendarKnown, &overdue, &created, &w.CreatedBy); err != nil {
		return nil, err
	}
	if overdue != "" {
		d, err := govdata.ParseDate(overdue)
		if err != nil {
			return nil, err
		}
		w.OverdueSince = &d
	}
	w.Parties = govdata.Parties{}
	for party, v := range map[govdata.Party]sql.NullInt64{govdata.PartyProvider: prov, govdata.PartyApplicant: appl, govdata.PartyBureau: bur} {
		if v.Valid {
			w.Parties[party] = v.Int64
		}
	}
	if due != "" {
		d, err := govdata.ParseDate(due)
		if err != nil {
			return nil, err
		}
		w.Due = &d
	}
	w.CreatedAt = fromDB(created)
	return &w, nil
}

// Decide implements govdata.WorkflowService.
func (s *WorkflowService) Decide(ctx context.Context, id int64, d govdata.Decision) (*govdata.WorkflowInstance, error) {
	return writeResult(ctx, s.db, func(tx *Tx) (*govdata.WorkflowInstance, error) { return s.decideTx(ctx, tx, id, d) })
}

// decideTx is Decide within tx, for features that change their own
// records in the same transaction.
func (s *WorkflowService) decideTx(ctx context.Context, tx *Tx, id int64, d govdata.Decision) (*govdata.WorkflowInstance, error) {
	if govdata.NeedsReason(d.Action) && strings.TrimSpace(d.Reason) == "" {
		var fe govdata.FieldErrors
		fe.Add("reason", govdata.MsgNeedReason)
		return nil, fe.Err()
	}
	var out *govdata.WorkflowInstance
	w, err := scanInstance(tx.queryRow("SELECT "+instanceColumns+" FROM workflow_instances WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, msgWorkflowMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("find workflow instance: %w", err)
	}
	if w.State != govdata.InstanceOpen {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepClosed, string(w.State))
	}
	if d.StepSeq != w.StepSeq {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepRaced)
	}
	flow, ok := s.profile.Workflow(w.Kind)
	if !ok {
		return nil, govdata.Errorf(govdata.EINVALID, msgWorkflowKind, string(w.Kind))
	}
	step, ok := flow.Step(w.Step)
	if !ok {
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgStepUnknown, w.Step)
	}
	if err := govdata.CheckStepActor(tx.actor, step, w.Parties); err != nil {
		return nil, err
	}
	move, err := govdata.Transition(flow, w.Step, w.ReturnTo, d.Action)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	if _, err := tx.exec("UPDATE workflow_steps SET acted_at = ?, acted_by = ?, action = ?, reason = ? WHERE instance_id = ? AND seq = ?",
		toDB(now), actorName(tx.actor), string(d.Action), d.Reason, id, w.StepSeq); err != nil {
		return nil, fmt.Errorf("record decision: %w", err)
	}
	from := w.Step
	returnTo := w.ReturnTo
	if move.ReturnTo != "" {
		returnTo = move.ReturnTo
	} else if from == returnTo || (flow.Return != nil && from == flow.Return.Name) {
		returnTo = ""
	}
	var res sql.Result
	if move.Next == "" {
		res, err = tx.exec(`UPDATE workflow_instances SET state = ?, step = '', actor_role = '', actor_dept = NULL, return_to = '',
			due_date = '', overdue_since = '', step_seq = step_seq + 1, updated_at = ? WHERE id = ? AND step_seq = ?`,
			string(move.State), toDB(now), id, w.StepSeq)
		w.Step, w.Due, w.OverdueSince = "", nil, nil
	} else {
		next, _ := flow.Step(move.Next)
		due, known, count, derr := s.nextDue(ctx, tx, id, next, now)
		if derr != nil {
			return nil, derr
		}
		res, err = tx.exec(`UPDATE workflow_instances SET step = ?, actor_role = ?, actor_dept = ?, return_to = ?, step_seq = step_seq + 1,
			step_started_at = ?, due_date = ?, calendar_known = ?, overdue_since = '', updated_at = ? WHERE id = ? AND step_seq = ?`,
			next.Name, string(next.Actor.Role), actorDept(next, w.Parties), returnTo, toDB(now), dateText(due), known, toDB(now), id, w.StepSeq)
		if err == nil {
			_, err = tx.exec("INSERT INTO workflow_steps (instance_id, seq, step, started_at, due_date, calendar_known, count_from, working_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				id, w.StepSeq+1, next.Name, toDB(now), dateText(due), known, count.from, count.days)
		}
		w.Step, w.Due, w.CalendarKnown, w.OverdueSince = next.Name, due, known, nil
	}
	if err != nil {
		return nil, fmt.Errorf("advance workflow: %w", err)
	}
	// Another process may have decided this step meanwhile (PostgreSQL,
	// several instances): the step sequence tells, and only one wins.
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepRaced)
	}
	w.State, w.ReturnTo, w.StepSeq = move.State, returnTo, w.StepSeq+1
	out = w
	return out, tx.audit("workflow.decide", "workflow", id, map[string]any{"kind": w.Kind, "step": from, "action": d.Action,
		"reason": d.Reason, "next": w.Step, "state": w.State})
}

// Extend implements govdata.WorkflowService (HLJ-15).
func (s *WorkflowService) Extend(ctx context.Context, id int64, g govdata.ExtensionGrant) (*govdata.WorkflowInstance, error) {
	return writeResult(ctx, s.db, func(tx *Tx) (*govdata.WorkflowInstance, error) { return s.extendTx(ctx, tx, id, g) })
}

// extendTx is Extend within tx, for features that change their own
// records in the same transaction.
func (s *WorkflowService) extendTx(ctx context.Context, tx *Tx, id int64, g govdata.ExtensionGrant) (*govdata.WorkflowInstance, error) {
	if strings.TrimSpace(g.Reason) == "" {
		var fe govdata.FieldErrors
		fe.Add("reason", govdata.MsgExtendReason)
		return nil, fe.Err()
	}
	// Read in tx: writes are serialised, so a calendar load is wholly
	// before or after this extension (CAL-1).
	cal, err := calendarTx(tx)
	if err != nil {
		return nil, err
	}
	var out *govdata.WorkflowInstance
	w, err := scanInstance(tx.queryRow("SELECT "+instanceColumns+" FROM workflow_instances WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, msgWorkflowMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("find workflow instance: %w", err)
	}
	if err := govdata.CheckStepActor(tx.actor, &govdata.Step{Actor: govdata.ExtensionGranter}, w.Parties); err != nil {
		return nil, err
	}
	if w.State != govdata.InstanceOpen {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepClosed, string(w.State))
	}
	if g.StepSeq != w.StepSeq {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepRaced)
	}
	flow, _ := s.profile.Workflow(w.Kind)
	var step *govdata.Step
	if flow != nil {
		step, _ = flow.Step(w.Step)
	}
	if step == nil || step.Extension == nil || w.Due == nil {
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgNoExtension, w.Step)
	}
	var extended sql.NullInt64
	var count dueCount
	if err := tx.queryRow("SELECT extended_at, count_from, working_days FROM workflow_steps WHERE instance_id = ? AND seq = ?", id, w.StepSeq).Scan(&extended, &count.from, &count.days); err != nil {
		return nil, fmt.Errorf("find step: %w", err)
	}
	if extended.Valid {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgExtended)
	}
	due, known := cal.AddWorkingDays(*w.Due, step.Extension.WorkingDays)
	known = known && w.CalendarKnown
	// The extension's days count on from the due date, which is the same
	// as counting them all from the step's start: a recount does that.
	if from, err := govdata.ParseDate(count.from); err == nil && !count.days.Valid {
		count.days = sql.NullInt64{Int64: int64(cal.WorkingDaysBetween(from, *w.Due)), Valid: true} // counted before migration 0024
	}
	if count.days.Valid {
		count.days.Int64 += int64(step.Extension.WorkingDays)
	}
	now := tx.Now()
	if _, err := tx.exec("UPDATE workflow_steps SET due_date = ?, calendar_known = ?, working_days = ?, extended_at = ?, extended_by = ?, extension_reason = ? WHERE instance_id = ? AND seq = ?",
		due.String(), known, count.days, toDB(now), actorName(tx.actor), g.Reason, id, w.StepSeq); err != nil {
		return nil, fmt.Errorf("extend step: %w", err)
	}
	// The new deadline gets its own reminder and, if missed, its own
	// overdue mark and escalation.
	if _, err := tx.exec(`UPDATE workflow_instances SET due_date = ?, calendar_known = ?, reminded_seq = 0, overdue_seq = 0, overdue_since = '',
		updated_at = ? WHERE id = ? AND step_seq = ?`, due.String(), known, toDB(now), id, w.StepSeq); err != nil {
		return nil, fmt.Errorf("extend step: %w", err)
	}
	from := dateText(w.Due)
	w.Due, w.CalendarKnown, w.OverdueSince = &due, known, nil
	out = w
	return out, tx.audit("workflow.extend", "workflow", id, map[string]any{"kind": w.Kind, "step": w.Step, "from": from, "to": due.String(), "reason": g.Reason})
}

// FindInstanceByID implements govdata.WorkflowService.
func (s *WorkflowService) FindInstanceByID(ctx context.Context, id int64) (*govdata.WorkflowInstance, error) {
	w, err := scanInstance(s.db.queryRow(ctx, "SELECT "+instanceColumns+" FROM workflow_instances WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, msgWorkflowMissing)
	}
	if err != nil {
		return nil, s.db.internal("find workflow instance", err)
	}
	rows, err := s.db.query(ctx, `SELECT s.seq, s.step, s.started_at, s.due_date, s.calendar_known, s.acted_at, s.acted_by,
		COALESCE(u.name, ''), s.action, s.reason, s.extended_at, s.extended_by, s.extension_reason
		FROM workflow_steps s LEFT JOIN users u ON u.username = s.acted_by
		WHERE s.instance_id = ? ORDER BY s.seq`, id)
	if err != nil {
		return nil, s.db.internal("workflow history", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r govdata.StepRecord
		var started int64
		var acted, extended sql.NullInt64
		var due string
		if err := rows.Scan(&r.Seq, &r.Step, &started, &due, &r.CalendarKnown, &acted, &r.ActedBy, &r.ActedByName, &r.Action, &r.Reason,
			&extended, &r.ExtendedBy, &r.ExtensionReason); err != nil {
			return nil, s.db.internal("workflow history", err)
		}
		r.StartedAt, r.ActedAt, r.ExtendedAt = fromDB(started), fromDBNull(acted), fromDBNull(extended)
		if due != "" {
			d, _ := govdata.ParseDate(due)
			r.Due = &d
		}
		w.History = append(w.History, r)
	}
	return w, rows.Err()
}

// FindTasks implements govdata.WorkflowService: open instances whose
// current step is for one of the actor's roles in its department (or, for
// an administrator role, anywhere), soonest due first.
func (s *WorkflowService) FindTasks(ctx context.Context, f govdata.TaskFilter) (govdata.List[*govdata.Task], error) {
	var none govdata.List[*govdata.Task]
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return none, err
	}
	f.Page = f.Page.Normalize()
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	w.add("state = ?", string(govdata.InstanceOpen))
	var ors []string
	for _, r := range a.Roles {
		if r.IsAdministrative() {
			ors = append(ors, "(actor_role = ? AND actor_dept IS NULL)")
			w.args = append(w.args, string(r))
		} else if a.DepartmentID != 0 {
			ors = append(ors, "(actor_role = ? AND actor_dept = ?)")
			w.args = append(w.args, string(r), a.DepartmentID)
		}
	}
	if len(ors) == 0 {
		return govdata.List[*govdata.Task]{Items: []*govdata.Task{}}, nil
	}
	w.conds = append(w.conds, "("+strings.Join(ors, " OR ")+")")
	if f.Kind != "" {
		w.add("kind = ?", string(f.Kind))
	}
	// Undated steps sort last: '~' follows every digit.
	order := "CASE WHEN due_date = '' THEN '~' ELSE due_date END"
	if after != "" {
		due, id, ok := strings.Cut(after, "|")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil {
			return none, govdata.Errorf(govdata.EINVALID, govdata.MsgBadCursor)
		}
		w.add("("+order+" > ? OR ("+order+" = ? AND id > ?))", due, due, n)
	}
	rows, err := s.db.query(ctx, "SELECT "+instanceColumns+" FROM workflow_instances"+w.String()+" ORDER BY "+order+", id LIMIT ?", append(w.args, f.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find tasks", err)
	}
	defer rows.Close()
	today := s.today()
	cal, err := s.db.calendar(ctx)
	if err != nil {
		return none, err
	}
	soon, _ := cal.AddWorkingDays(today, 1)
	var items []*govdata.Task
	for rows.Next() {
		inst, err := scanInstance(rows)
		if err != nil {
			return none, s.db.internal("scan task", err)
		}
		flow, _ := s.profile.Workflow(inst.Kind)
		t := &govdata.Task{Instance: inst}
		if flow != nil {
			if st, ok := flow.Step(inst.Step); ok {
				t.Step = *st
			}
		}
		if inst.Due != nil {
			// CAL-3: a step is overdue once its due day has ended; due soon
			// when it falls due by the next working day.
			left, late, overdue := cal.DueStanding(*inst.Due, today)
			t.Overdue = overdue
			t.DueSoon = !t.Overdue && !soon.Before(*inst.Due)
			if overdue {
				t.WorkingDaysLate = &late
			} else {
				t.WorkingDaysLeft = &left
			}
		}
		items = append(items, t)
	}
	if err := rows.Err(); err != nil {
		return none, s.db.internal("find tasks", err)
	}
	return page(items, f.Limit, func(t *govdata.Task) string {
		due := "~"
		if t.Instance.Due != nil {
			due = t.Instance.Due.String()
		}
		return due + "|" + strconv.FormatInt(t.Instance.ID, 10)
	}), nil
}
