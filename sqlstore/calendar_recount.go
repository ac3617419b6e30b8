package sqlstore

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// recountChunk bounds the rows one statement of a recount reads; the
// chunks all run in the calendar write's transaction, so that the calendar
// and the dates counted with it commit together or not at all.
const recountChunk = 500

// calendarTx is the whole calendar as tx sees it (with its own writes).
func calendarTx(tx *Tx) (*govdata.Calendar, error) {
	rows, err := tx.query("SELECT " + calendarColumns + " FROM calendar_years ORDER BY year")
	if err != nil {
		return nil, fmt.Errorf("load calendar: %w", err)
	}
	years, err := scanAll(rows, func(row interface{ Scan(...any) error }) (govdata.CalendarYear, error) {
		y, err := scanCalendarYear(row)
		if err != nil {
			return govdata.CalendarYear{}, err
		}
		return *y, nil
	})
	if err != nil {
		return nil, fmt.Errorf("load calendar: %w", err)
	}
	return govdata.NewCalendar(years), nil
}

// recounted says what a recount changed, for the calendar's audit record.
type recounted struct {
	Steps []int64 `json:"steps,omitempty"` // workflow instances whose open step's due date moved
	Flags []int64 `json:"flags,omitempty"` // grant flags whose rectify-by day moved
}

// recountYear counts again, in tx, every open date counted in working days
// through year (CAL-1): the due dates of open workflow steps and the
// rectify-by days of open grant flags. old is the calendar the dates were
// counted with (to infer the working days of a date counted before migration 0024),
// cal the calendar with year as now written.
func recountYear(tx *Tx, year int, old, cal *govdata.Calendar) (recounted, error) {
	var r recounted
	var err error
	if r.Steps, err = recountSteps(tx, year, old, cal); err != nil {
		return r, err
	}
	r.Flags, err = recountFlags(tx, year, old, cal)
	return r, err
}

// openStep is an open workflow step whose count may pass through a year.
type openStep struct {
	w     govdata.WorkflowInstance
	due   govdata.Date
	role  string
	dept  *int64
	from  govdata.Date
	days  sql.NullInt64
	known bool
}

// recountSteps recounts the due dates of open steps whose count ran
// through year: each from its start (or, sharing an earlier step's
// deadline, that step's start) with its working days and any extension
// (HLJ-15), both kept with the step since migration 0024. A moved date clears the
// step's reminder and overdue marks, so that the sweep reminds and marks it
// by the new date, and tells the step's actors.
func recountSteps(tx *Tx, year int, old, cal *govdata.Calendar) ([]int64, error) {
	first, last := govdata.Date{Year: year, Month: 1, Day: 1}.String(), govdata.Date{Year: year, Month: 12, Day: 31}.String()
	var moved []int64
	for after := int64(0); ; {
		rows, err := tx.query(`SELECT i.id, i.step_seq, i.kind, i.title, i.due_date, i.calendar_known, i.actor_role, i.actor_dept,
			s.count_from, s.working_days
			FROM workflow_instances i JOIN workflow_steps s ON s.instance_id = i.id AND s.seq = i.step_seq
			WHERE i.state = 'open' AND i.due_date >= ? AND s.count_from <> '' AND s.count_from <= ? AND i.id > ?
			ORDER BY i.id LIMIT ?`, first, last, after, recountChunk)
		if err != nil {
			return nil, fmt.Errorf("recount steps: %w", err)
		}
		steps, err := scanAll(rows, func(row interface{ Scan(...any) error }) (openStep, error) {
			var s openStep
			var due, from string
			if err := row.Scan(&s.w.ID, &s.w.StepSeq, &s.w.Kind, &s.w.Title, &due, &s.known, &s.role, &s.dept, &from, &s.days); err != nil {
				return s, err
			}
			var err error
			if s.due, err = govdata.ParseDate(due); err != nil {
				return s, err
			}
			s.from, err = govdata.ParseDate(from)
			return s, err
		})
		if err != nil {
			return nil, fmt.Errorf("recount steps: %w", err)
		}
		notes := &notifier{tx: tx, recipients: map[string][]int64{}}
		for _, s := range steps {
			after = s.w.ID
			n := int(s.days.Int64)
			if !s.days.Valid {
				n = old.WorkingDaysBetween(s.from, s.due)
			}
			due, known := cal.AddWorkingDays(s.from, n)
			if due == s.due && known == s.known && s.days.Valid {
				continue
			}
			if _, err := tx.exec("UPDATE workflow_steps SET due_date = ?, calendar_known = ?, working_days = ? WHERE instance_id = ? AND seq = ?",
				due.String(), known, n, s.w.ID, s.w.StepSeq); err != nil {
				return nil, fmt.Errorf("recount step: %w", err)
			}
			if due == s.due && known == s.known {
				continue // only the working days recorded
			}
			set := "due_date = ?, calendar_known = ?, updated_at = ?"
			if due != s.due {
				// CAL-3: reminders and overdue marks follow the due date; a
				// mark made under the wrong date goes, and the sweep marks the
				// step again if it is overdue by the right one.
				set += ", reminded_seq = 0, overdue_seq = 0, overdue_since = ''"
			}
			if _, err := tx.exec("UPDATE workflow_instances SET "+set+" WHERE id = ? AND step_seq = ?",
				due.String(), known, toDB(tx.Now()), s.w.ID, s.w.StepSeq); err != nil {
				return nil, fmt.Errorf("recount step: %w", err)
			}
			if err := tx.audit("workflow.recount", "workflow", s.w.ID, map[string]any{"year": year, "step_seq": s.w.StepSeq,
				"from": s.due.String(), "to": due.String(), "calendar_known": known}); err != nil {
				return nil, err
			}
			if due == s.due {
				continue
			}
			moved = append(moved, s.w.ID)
			w := s.w
			w.Due = &due
			subject := w.Title
			if subject == "" {
				subject = string(w.Kind)
			}
			if err := notes.notifyRole(govdata.NoticeCalendar, &w, s.role, s.dept, govdata.MsgNoticeDueRecounted,
				subject, year, s.due.String(), due.String()); err != nil {
				return nil, err
			}
		}
		sent, err := notes.write()
		if err != nil {
			return nil, err
		}
		if err := tx.db.enqueueDeliveries(tx, sent); err != nil {
			return nil, err
		}
		if len(steps) < recountChunk {
			return moved, nil
		}
	}
}

// recountFlags recounts the rectify-by days of open grant flags whose
// count ran through year (HLJ-27: a grant not rectified by that day is
// suspended), and tells both departments of a moved day.
func recountFlags(tx *Tx, year int, old, cal *govdata.Calendar) ([]int64, error) {
	first, last := govdata.Date{Year: year, Month: 1, Day: 1}.String(), govdata.Date{Year: year, Month: 12, Day: 31}.String()
	type flag struct {
		id, grant, consumer, provider int64
		by, from                      govdata.Date
		days                          sql.NullInt64
		zh, en                        string
	}
	var moved []int64
	for after := int64(0); ; {
		rows, err := tx.query(`SELECT f.id, f.grant_id, g.consumer_department_id, g.provider_department_id, f.rectify_by, f.count_from,
			f.working_days, f.detail_zh, f.detail_en
			FROM grant_flags f JOIN grants g ON g.id = f.grant_id
			WHERE f.state = ? AND f.rectify_by >= ? AND f.count_from <> '' AND f.count_from <= ? AND f.id > ?
			ORDER BY f.id LIMIT ?`, string(govdata.FlagOpen), first, last, after, recountChunk)
		if err != nil {
			return nil, fmt.Errorf("recount grant flags: %w", err)
		}
		flags, err := scanAll(rows, func(row interface{ Scan(...any) error }) (flag, error) {
			var f flag
			var by, from string
			if err := row.Scan(&f.id, &f.grant, &f.consumer, &f.provider, &by, &from, &f.days, &f.zh, &f.en); err != nil {
				return f, err
			}
			var err error
			if f.by, err = govdata.ParseDate(by); err != nil {
				return f, err
			}
			f.from, err = govdata.ParseDate(from)
			return f, err
		})
		if err != nil {
			return nil, fmt.Errorf("recount grant flags: %w", err)
		}
		var sent []int64
		for _, f := range flags {
			after = f.id
			n := int(f.days.Int64)
			if !f.days.Valid {
				n = old.WorkingDaysBetween(f.from, f.by)
			}
			by, _ := cal.AddWorkingDays(f.from, n)
			if by == f.by && f.days.Valid {
				continue
			}
			// The flag's text names its day; it names the new one now.
			zh, en := strings.ReplaceAll(f.zh, f.by.String(), by.String()), strings.ReplaceAll(f.en, f.by.String(), by.String())
			if _, err := tx.exec("UPDATE grant_flags SET rectify_by = ?, working_days = ?, detail_zh = ?, detail_en = ? WHERE id = ?",
				by.String(), n, zh, en, f.id); err != nil {
				return nil, fmt.Errorf("recount grant flag: %w", err)
			}
			if by == f.by {
				continue
			}
			moved = append(moved, f.id)
			if err := tx.audit("grant.flag.recount", "grant", f.grant, map[string]any{"flag_id": f.id, "year": year,
				"from": f.by.String(), "to": by.String()}); err != nil {
				return nil, err
			}
			title := govdata.Text{ZH: govdata.MsgNoticeRectifyRecounted.Text("zh", f.grant, year, f.by.String(), by.String()),
				EN: govdata.MsgNoticeRectifyRecounted.Text("en", f.grant, year, f.by.String(), by.String())}
			for _, dept := range []int64{f.consumer, f.provider} {
				ids, err := notifyDepartment(tx, dept, govdata.NoticeCalendar, title,
					"calendar:flag:"+strconv.FormatInt(f.id, 10)+":"+by.String()+":"+strconv.FormatInt(dept, 10))
				if err != nil {
					return nil, err
				}
				sent = append(sent, ids...)
			}
		}
		if err := tx.db.enqueueDeliveries(tx, sent); err != nil {
			return nil, err
		}
		if len(flags) < recountChunk {
			return moved, nil
		}
	}
}
