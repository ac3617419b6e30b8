package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// sweepChunk bounds the instances one write of the sweep handles, so that
// the single writer serves other requests between chunks.
const sweepChunk = 200

// SweepDeadlines implements govdata.WorkflowService (CAL-3). It is a sweep
// over the indexed due dates: what it did is recorded on the instance
// (reminded_seq, overdue_seq) and in notifications unique per step and
// recipient, so running it again, or after a restart, does each thing once.
func (s *WorkflowService) SweepDeadlines(ctx context.Context, reminderDays int) (govdata.SweepResult, error) {
	var total govdata.SweepResult
	if !govdata.ActorFrom(ctx).IsSystem() {
		return total, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	cal, err := s.db.calendar(ctx)
	if err != nil {
		return total, err
	}
	today := s.today()
	remindBy, _ := cal.AddWorkingDays(today, reminderDays)
	for _, pass := range []struct {
		kind  string
		where string
		args  []any
	}{
		// Overdue first: a step that is both is not also "due soon".
		{govdata.NoticeOverdue, "due_date <> '' AND due_date < ? AND overdue_seq <> step_seq", []any{today.String()}},
		{govdata.NoticeReminder, "due_date <> '' AND due_date >= ? AND due_date <= ? AND reminded_seq <> step_seq AND overdue_seq <> step_seq",
			[]any{today.String(), remindBy.String()}},
	} {
		// Each chunk continues after the last (due_date, id) of the one
		// before, so that rows already handled are not read again.
		lastDue, lastID := "", int64(0)
		for {
			var n int
			err := s.db.write(ctx, func(tx *Tx) error {
				var res govdata.SweepResult
				var err error
				where, args := pass.where, pass.args
				if lastDue != "" {
					where += " AND (due_date > ? OR (due_date = ? AND id > ?))"
					args = append(args[:len(args):len(args)], lastDue, lastDue, lastID)
				}
				n, res, lastDue, lastID, err = s.sweepChunk(tx, pass.kind, where, args, today)
				if err != nil || n == 0 {
					return err
				}
				total.Reminded += res.Reminded
				total.Overdue += res.Overdue
				total.Escalated += res.Escalated
				total.Notified += res.Notified
				return tx.audit("workflow.sweep", "workflow", "", map[string]any{"kind": pass.kind, "steps": n, "notified": res.Notified})
			})
			if err != nil {
				return total, err
			}
			if n < sweepChunk {
				break
			}
		}
	}
	return total, nil
}

// sweepChunk handles up to sweepChunk instances of one pass in tx.
func (s *WorkflowService) sweepChunk(tx *Tx, kind, where string, args []any, today govdata.Date) (n int, res govdata.SweepResult, lastDue string, lastID int64, err error) {
	rows, err := tx.query("SELECT "+instanceColumns+", actor_role, actor_dept FROM workflow_instances WHERE state = 'open' AND "+where+
		" ORDER BY due_date, id LIMIT ?", append(args, sweepChunk)...)
	if err != nil {
		return 0, res, "", 0, fmt.Errorf("sweep %s: %w", kind, err)
	}
	type item struct {
		w    *govdata.WorkflowInstance
		role string
		dept *int64
	}
	var items []item
	for rows.Next() {
		var it item
		var dept *int64
		w, err := scanInstance(scanExtra{rows, []any{&it.role, &dept}})
		if err != nil {
			rows.Close()
			return 0, res, "", 0, fmt.Errorf("sweep %s: %w", kind, err)
		}
		it.w, it.dept = w, dept
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, res, "", 0, err
	}
	notes := &notifier{tx: tx, recipients: map[string][]int64{}}
	var ids []int64
	for _, it := range items {
		w := it.w
		flowTitle, stepTitle := string(w.Kind), w.Step
		if flow, ok := s.profile.Workflow(w.Kind); ok {
			flowTitle = flow.Title.ZH
			if st, ok := flow.Step(w.Step); ok {
				stepTitle = st.Title.ZH
			}
		}
		subject := w.Title
		if subject == "" {
			subject = flowTitle
		}
		due := dateText(w.Due)
		msg := govdata.MsgNoticeReminder
		if kind == govdata.NoticeOverdue {
			msg = govdata.MsgNoticeOverdue
		}
		if err := notes.notifyRole(kind, w, it.role, it.dept, msg, subject, stepTitle, due); err != nil {
			return 0, res, "", 0, err
		}
		ids = append(ids, w.ID)
		if kind == govdata.NoticeReminder {
			res.Reminded++
			continue
		}
		res.Overdue++
		// Escalation to the bureau's supervision list (CAL-3, HLJ-42).
		if bureau := w.Parties[govdata.PartyBureau]; bureau != 0 {
			if err := notes.notifyRole(govdata.NoticeEscalation, w, string(govdata.RoleReviewer), &bureau, govdata.MsgNoticeEscalation, subject, stepTitle, due); err != nil {
				return 0, res, "", 0, err
			}
			res.Escalated++
		}
	}
	// A few statements per chunk, whatever its size: the notices in
	// multi-row inserts, what was done on the instances in one update, and
	// the copies that leave by e-mail and webhook.
	sent, err := notes.write()
	if err != nil {
		return 0, res, "", 0, err
	}
	if len(ids) > 0 {
		set, setArgs := "reminded_seq = step_seq", []any{}
		if kind == govdata.NoticeOverdue {
			set, setArgs = "overdue_seq = step_seq, overdue_since = ?", []any{today.String()}
		}
		if _, err := tx.exec("UPDATE workflow_instances SET "+set+" WHERE id IN ("+placeholders(len(ids))+")", append(setArgs, int64Args(ids)...)...); err != nil {
			return 0, res, "", 0, fmt.Errorf("sweep %s: %w", kind, err)
		}
	}
	if err := s.db.enqueueDeliveries(tx, sent); err != nil {
		return 0, res, "", 0, err
	}
	res.Notified = len(sent)
	if len(items) > 0 {
		last := items[len(items)-1].w
		lastDue, lastID = dateText(last.Due), last.ID
	}
	return len(items), res, lastDue, lastID, nil
}

// scanExtra scans an instance row followed by extra columns.
type scanExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanExtra) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }

// notifier gathers the notices of one sweep chunk: the holders of a role
// in a department are looked up once per chunk, and the notices are written
// together.
type notifier struct {
	tx         *Tx
	recipients map[string][]int64 // by role and department
	rows       [][]any
}

// notifyRole adds a notice to every active holder of role in dept (any
// department for an administrator role, dept nil).
func (n *notifier) notifyRole(kind string, w *govdata.WorkflowInstance, role string, dept *int64, msg govdata.Msg, args ...any) error {
	key := role + ":"
	if dept != nil {
		key += strconv.FormatInt(*dept, 10)
	}
	users, ok := n.recipients[key]
	if !ok {
		var err error
		if users, err = n.holders(role, dept); err != nil {
			return err
		}
		n.recipients[key] = users
	}
	zh, en, now := msg.Text("zh", args...), msg.Text("en", args...), toDB(n.tx.Now())
	for _, u := range users {
		// One notice per kind, step, deadline and recipient: an extended
		// deadline (HLJ-15) gets its own.
		dedupe := kind + ":" + strconv.FormatInt(w.ID, 10) + ":" + strconv.Itoa(w.StepSeq) + ":" + dateText(w.Due) + ":" + strconv.FormatInt(u, 10)
		n.rows = append(n.rows, []any{u, kind, w.ID, zh, en, dateText(w.Due), dedupe, now})
	}
	return nil
}

// write inserts the gathered notices and returns the ids of those written;
// a notice an earlier sweep wrote (its dedupe key) is not written again.
func (n *notifier) write() ([]int64, error) {
	const perInsert = 500 // 8 parameters each, well under either engine's limit
	var ids []int64
	for rows := n.rows; len(rows) > 0; {
		batch := rows[:min(len(rows), perInsert)]
		rows = rows[len(batch):]
		values := strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?), ", len(batch))
		args := make([]any, 0, 8*len(batch))
		for _, r := range batch {
			args = append(args, r...)
		}
		res, err := n.tx.query(`INSERT INTO notifications (user_id, kind, instance_id, title_zh, title_en, due_date, dedupe, created_at)
			VALUES `+values[:len(values)-2]+` ON CONFLICT (dedupe) DO NOTHING RETURNING id`, args...)
		if err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
		for res.Next() {
			var id int64
			if err := res.Scan(&id); err != nil {
				res.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		res.Close()
		if err := res.Err(); err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
	}
	return ids, nil
}

// holders are the active users holding role in dept (anywhere, dept nil).
func (n *notifier) holders(role string, dept *int64) ([]int64, error) {
	q := `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.revoked_at IS NULL
		WHERE r.role = ? AND u.disabled_at IS NULL`
	args := []any{role}
	if dept != nil {
		q += " AND u.department_id = ?"
		args = append(args, *dept)
	}
	rows, err := n.tx.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("find recipients: %w", err)
	}
	defer rows.Close()
	var users []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		users = append(users, id)
	}
	return users, rows.Err()
}

// supervised is the condition on workflow_instances (columns prefixed
// with p) of the items a supervisor sees (CAL-3, HLJ-42): the bureau's
// reviewer, what the bureau oversees; a department's leader, the items
// the department provides or applies for; the system, all.
func supervised(a govdata.Actor, p string) (string, []any) {
	switch {
	case a.IsSystem():
		return "1 = 1", nil
	case a.Has(govdata.RoleReviewer):
		return p + "bureau_id = ?", []any{a.DepartmentID}
	default:
		return "(" + p + "provider_id = ? OR " + p + "applicant_id = ?)", []any{a.DepartmentID, a.DepartmentID}
	}
}

// FindOverdue implements govdata.WorkflowService.
func (s *WorkflowService) FindOverdue(ctx context.Context, p govdata.Page) (govdata.List[*govdata.WorkflowInstance], error) {
	var none govdata.List[*govdata.WorkflowInstance]
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSupervision); err != nil {
		return none, err
	}
	p = p.Normalize()
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	w.add("state = 'open' AND overdue_seq = step_seq")
	scope, args := supervised(a, "")
	w.add(scope, args...)
	if after != "" {
		since, id, ok := strings.Cut(after, "|")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil {
			return none, govdata.Errorf(govdata.EINVALID, govdata.MsgBadCursor)
		}
		w.add("(overdue_since > ? OR (overdue_since = ? AND id > ?))", since, since, n)
	}
	// Longest overdue first.
	rows, err := s.db.query(ctx, "SELECT "+instanceColumns+" FROM workflow_instances"+w.String()+" ORDER BY overdue_since, id LIMIT ?", append(w.args, p.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find overdue", err)
	}
	defer rows.Close()
	var items []*govdata.WorkflowInstance
	for rows.Next() {
		inst, err := scanInstance(rows)
		if err != nil {
			return none, s.db.internal("scan overdue", err)
		}
		items = append(items, inst)
	}
	if err := rows.Err(); err != nil {
		return none, s.db.internal("find overdue", err)
	}
	return page(items, p.Limit, func(i *govdata.WorkflowInstance) string {
		return dateText(i.OverdueSince) + "|" + strconv.FormatInt(i.ID, 10)
	}), nil
}

// Timeliness implements govdata.WorkflowService: for each department that
// acted on timed steps begun since, how many it finished by their due day.
func (s *WorkflowService) Timeliness(ctx context.Context, since time.Time) ([]govdata.Timeliness, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSupervision); err != nil {
		return nil, err
	}
	scope, args := supervised(a, "i.")
	own := !a.IsSystem() && !a.Has(govdata.RoleReviewer) // a leader
	rows, err := s.db.query(ctx, `SELECT i.kind, i.provider_id, i.applicant_id, i.bureau_id, st.step, st.due_date, st.acted_at
		FROM workflow_steps st JOIN workflow_instances i ON i.id = st.instance_id
		WHERE st.due_date <> '' AND st.started_at >= ? AND `+scope, append([]any{toDB(since)}, args...)...)
	if err != nil {
		return nil, s.db.internal("timeliness", err)
	}
	defer rows.Close()
	today := s.today()
	by := map[int64]*govdata.Timeliness{}
	for rows.Next() {
		var kind, step, due string
		var prov, appl, bur, acted *int64
		if err := rows.Scan(&kind, &prov, &appl, &bur, &step, &due, &acted); err != nil {
			return nil, s.db.internal("timeliness", err)
		}
		flow, ok := s.profile.Workflow(govdata.WorkflowKind(kind))
		if !ok {
			continue
		}
		st, ok := flow.Step(step)
		if !ok || st.Actor.Role.IsAdministrative() {
			continue
		}
		dept := map[govdata.Party]*int64{govdata.PartyProvider: prov, govdata.PartyApplicant: appl, govdata.PartyBureau: bur}[st.Actor.Party]
		if dept == nil {
			continue
		}
		if own && *dept != a.DepartmentID {
			continue // a leader's figures are the department's own
		}
		t := by[*dept]
		if t == nil {
			t = &govdata.Timeliness{DepartmentID: *dept}
			by[*dept] = t
		}
		dueDate, err := govdata.ParseDate(due)
		if err != nil {
			continue
		}
		if acted == nil {
			if dueDate.Before(today) {
				t.OpenOverdue++
			}
			continue
		}
		t.Completed++
		if !dueDate.Before(s.dateOf(fromDB(*acted))) {
			t.OnTime++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.internal("timeliness", err)
	}
	out := make([]govdata.Timeliness, 0, len(by))
	for _, t := range by {
		t.OnTimeRate = 1
		if t.Completed > 0 {
			t.OnTimeRate = float64(t.OnTime) / float64(t.Completed)
		}
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b govdata.Timeliness) int { return int(a.DepartmentID - b.DepartmentID) })
	return out, nil
}
