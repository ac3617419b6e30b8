package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// This file is compiled only by `go test`: it gives the benchmarks of
// package sqlstore_test a fast way to fill the workflow tables with the
// open steps of a deployment that has run for a while, and to undo a
// deadline sweep so that the next one does the same work.

const (
	fillStatementRows = 500   // rows per INSERT statement
	fillWriteRows     = 10000 // instances per write (one transaction)
)

// WorkflowFill is what FillWorkflowsForTest inserted.
type WorkflowFill struct {
	Instances int // open instances
	Timed     int // of which the current step has a due date
	PastDue   int // of which the due date is before today
	Overdue   int // of which an earlier sweep already marked overdue
}

var instanceFillColumns = []string{"id", "kind", "subject_type", "subject_id", "title", "provider_id", "applicant_id", "bureau_id",
	"state", "step", "actor_role", "actor_dept", "return_to", "step_seq", "step_started_at", "due_date", "calendar_known",
	"created_at", "created_by", "updated_at", "reminded_seq", "overdue_seq", "overdue_since"}

var stepFillColumns = []string{"instance_id", "seq", "step", "started_at", "due_date", "calendar_known", "acted_at", "acted_by", "action", "reason"}

// FillWorkflowsForTest inserts n open instances of the profile's
// workflows, each with the rows of the steps it went through:
//   - the kinds cycle through the profile's workflows and, within a kind,
//     the current step through the workflow's steps;
//   - the bureau is bureau; provider and applicant are two different
//     departments of depts (at least two), spread evenly;
//   - the current step's due date is a working day of the 60 days around
//     the clock's today, spread evenly (none for a step without deadline),
//     and the step began as many working days before it, or today if that
//     is later;
//   - a fifth of all instances, all due two days ago or earlier, were
//     already reminded and marked overdue by an earlier sweep, the day
//     after their due date (reminded_seq = overdue_seq = step_seq); the
//     other instances past due are as a sweeper that was down left them.
//
// The rows go in through the committer with multi-row INSERTs, so that a
// benchmark fills 100,000 instances in seconds. Test-only.
func (s *WorkflowService) FillWorkflowsForTest(ctx context.Context, n int, bureau int64, depts []int64) (WorkflowFill, error) {
	var fill WorkflowFill
	if len(depts) < 2 || len(s.profile.Workflows) == 0 {
		return fill, fmt.Errorf("fill workflows for test: need two departments and a workflow")
	}
	cal, err := s.db.calendar(ctx)
	if err != nil {
		return fill, err
	}
	today := s.today()
	var window []govdata.Date
	for d := today.AddDays(-30); d.Before(today.AddDays(30)); d = d.AddDays(1) {
		if working, _ := cal.IsWorkingDay(d); working {
			window = append(window, d)
		}
	}
	var base int64
	if err := s.db.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM workflow_instances").Scan(&base); err != nil {
		return fill, fmt.Errorf("fill workflows for test: %w", err)
	}
	at := func(d govdata.Date, minutes int) int64 {
		return toDB(time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, s.loc).Add(time.Duration(minutes) * time.Minute))
	}
	flows := s.profile.Workflows
	for done := 0; done < n; {
		k := min(fillWriteRows, n-done)
		var inst, steps [][]any
		for i := done; i < done+k; i++ {
			h := mix(uint64(i))
			flow := &flows[i%len(flows)]
			idx := (i / len(flows)) % len(flow.Steps)
			st := &flow.Steps[idx]
			seq := idx + 1
			prov := int(h % uint64(len(depts)))
			appl := (prov + 1 + int((h>>16)%uint64(len(depts)-1))) % len(depts)
			parties := govdata.Parties{govdata.PartyProvider: depts[prov], govdata.PartyApplicant: depts[appl], govdata.PartyBureau: bureau}
			var due *govdata.Date
			known := true
			started := today.AddDays(-int((h >> 24) % 30))
			if st.WorkingDays != nil {
				d := window[(h>>32)%uint64(len(window))]
				due = &d
				started = d
				for w := 0; w < *st.WorkingDays; {
					started = started.AddDays(-1)
					if working, _ := cal.IsWorkingDay(started); working {
						w++
					}
				}
				if today.Before(started) {
					started = today
				}
				fill.Timed++
			}
			minute := int((h >> 40) % 480) // 09:00–17:00, and before 10:00 today
			if started == today {
				minute %= 60
			}
			startedAt := at(started, minute)
			remindedSeq, overdueSeq, overdueSince := 0, 0, ""
			if due != nil && due.Before(today) {
				fill.PastDue++
				if due.Before(today.AddDays(-1)) && fill.Overdue*5 < i+1 {
					remindedSeq, overdueSeq, overdueSince = seq, seq, due.AddDays(1).String()
					fill.Overdue++
				}
			}
			id := base + int64(i) + 1
			// The earlier steps, two days apart, each acted on when the next began.
			begun := make([]int64, seq)
			begun[seq-1] = startedAt
			for j := seq - 2; j >= 0; j-- {
				begun[j] = at(started.AddDays(-2*(seq-1-j)), minute)
			}
			for j := 0; j < seq-1; j++ {
				prev := &flow.Steps[j]
				prevDue := ""
				if prev.WorkingDays != nil {
					d, _ := cal.AddWorkingDays(govdata.DateOf(fromDB(begun[j]).In(s.loc)), *prev.WorkingDays)
					prevDue = d.String()
				}
				steps = append(steps, []any{id, j + 1, prev.Name, begun[j], prevDue, true, begun[j+1],
					string(prev.Actor.Role) + ".1", string(fillAction(prev)), ""})
			}
			steps = append(steps, []any{id, seq, st.Name, startedAt, dateText(due), known, nil, "", "", ""})
			inst = append(inst, []any{id, string(flow.Kind), fillSubjectType(flow.Kind), fmt.Sprint(i + 1),
				fmt.Sprintf("%s %d", flow.Title.ZH, i+1), depts[prov], depts[appl], bureau,
				string(govdata.InstanceOpen), st.Name, string(st.Actor.Role), actorDept(st, parties), "", seq, startedAt, dateText(due), known,
				begun[0], "officer.1", startedAt, remindedSeq, overdueSeq, overdueSince})
		}
		err := s.db.write(ctx, func(tx *Tx) error {
			if err := tx.insertRows("workflow_instances", instanceFillColumns, inst); err != nil {
				return err
			}
			return tx.insertRows("workflow_steps", stepFillColumns, steps)
		})
		if err != nil {
			return fill, fmt.Errorf("fill workflows for test: %w", err)
		}
		fill.Instances += k
		done += k
	}
	if s.db.Engine() == "postgres" {
		// The ids were given: move the identity past them for later inserts.
		if _, err := s.db.writer.ExecContext(ctx,
			"SELECT setval(pg_get_serial_sequence('workflow_instances', 'id'), (SELECT MAX(id) FROM workflow_instances))"); err != nil {
			return fill, fmt.Errorf("fill workflows for test: %w", err)
		}
	}
	return fill, s.settleWorkflowsForTest(ctx)
}

// settleWorkflowsForTest leaves the tables as a long-running store would
// have them, so that the first query does not pay for the fill:
// PostgreSQL's first read of fresh rows sets their hint bits (and has no
// statistics yet), SQLite's WAL holds pages not yet in the database file.
func (s *WorkflowService) settleWorkflowsForTest(ctx context.Context) error {
	settle := []string{"VACUUM (ANALYZE) workflow_instances", "VACUUM (ANALYZE) workflow_steps", "VACUUM (ANALYZE) notifications"}
	if s.db.Engine() == "sqlite" {
		settle = []string{"PRAGMA wal_checkpoint(TRUNCATE)"}
	}
	for _, q := range settle {
		if _, err := s.db.writer.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("settle workflows for test: %s: %w", q, err)
		}
	}
	return nil
}

// ResetSweepForTest undoes what SweepDeadlines did today to the rows of
// FillWorkflowsForTest: the reminders and overdue marks it set and every
// notification, so that the next sweep does the same work again. The
// sweep's audit records stay. Test-only.
func (s *WorkflowService) ResetSweepForTest(ctx context.Context) error {
	today := s.today().String()
	err := s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec("UPDATE workflow_instances SET reminded_seq = 0 WHERE overdue_since = '' AND reminded_seq <> 0"); err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE workflow_instances SET overdue_seq = 0, overdue_since = '' WHERE overdue_since = ?", today); err != nil {
			return err
		}
		_, err := tx.exec("DELETE FROM notifications")
		return err
	})
	if err != nil {
		return fmt.Errorf("reset sweep for test: %w", err)
	}
	return s.settleWorkflowsForTest(ctx)
}

// insertRows inserts rows into table in statements of fillStatementRows rows.
func (t *Tx) insertRows(table string, columns []string, rows [][]any) error {
	one := "(" + strings.Repeat("?, ", len(columns)-1) + "?)"
	for len(rows) > 0 {
		k := min(fillStatementRows, len(rows))
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		args := make([]any, 0, k*len(columns))
		for i, r := range rows[:k] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(one)
			args = append(args, r...)
		}
		if _, err := t.exec(q.String(), args...); err != nil {
			return fmt.Errorf("insert %d rows into %s: %w", k, table, err)
		}
		rows = rows[k:]
	}
	return nil
}

// mix spreads consecutive numbers over 64 bits (splitmix64's finaliser).
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func fillSubjectType(k govdata.WorkflowKind) string {
	switch {
	case strings.HasPrefix(string(k), "catalog_"):
		return "catalog_entry"
	case strings.HasPrefix(string(k), "share_"), k == govdata.WorkflowOpenConditional:
		return "application"
	}
	return string(k)
}

// fillAction is the action that moved a step on: approve, forward or sign.
func fillAction(st *govdata.Step) govdata.Action {
	for _, a := range []govdata.Action{govdata.ActionApprove, govdata.ActionForward, govdata.ActionSign} {
		for _, have := range st.Actions {
			if have == a {
				return a
			}
		}
	}
	return ""
}
