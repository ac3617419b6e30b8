package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// syncTimeliness records the published version's name and update cycle
// and when the dataset falls stale, counted from its last refresh (or its
// creation, before any); a new cycle clears an earlier flag (AGG-4).
// absent: the dataset row does not exist yet.
func syncTimeliness(tx *Tx, entry int64, in govdata.EntryInput, absent bool) error {
	if absent {
		return nil
	}
	var from int64
	var refreshed sql.NullInt64
	var cycle string
	if err := tx.queryRow("SELECT created_at, refreshed_at, update_cycle FROM datasets WHERE entry_id = ?", entry).Scan(&from, &refreshed, &cycle); err != nil {
		return err
	}
	if refreshed.Valid {
		from = refreshed.Int64
	}
	if cycle == string(in.UpdateCycle) {
		_, err := tx.exec("UPDATE datasets SET entry_name = ? WHERE entry_id = ?", in.Name, entry)
		return err
	}
	_, err := tx.exec("UPDATE datasets SET entry_name = ?, update_cycle = ?, due_at = ?, stale_since = NULL WHERE entry_id = ?",
		in.Name, string(in.UpdateCycle), dueAt(in.UpdateCycle, from), entry)
	return err
}

// dueAt is RefreshDue in the store's time, NULL for a cycle without one.
func dueAt(cycle govdata.UpdateCycle, from int64) any {
	due, ok := govdata.RefreshDue(cycle, fromDB(from))
	if !ok {
		return nil
	}
	return toDB(due)
}

// refreshed marks a dataset refreshed now by an applied batch: its next
// due time starts again and any stale flag clears.
func refreshed(tx *Tx, entry, batch int64) error {
	var cycle string
	if err := tx.queryRow("SELECT update_cycle FROM datasets WHERE entry_id = ?", entry).Scan(&cycle); err != nil {
		return err
	}
	now := toDB(tx.Now())
	_, err := tx.exec("UPDATE datasets SET last_batch_id = ?, refreshed_at = ?, due_at = ?, stale_since = NULL WHERE entry_id = ?",
		batch, now, dueAt(govdata.UpdateCycle(cycle), now), entry)
	return err
}

// FlagStaleDatasets flags the datasets whose refresh fell due and tells
// their departments, once per missed refresh (AGG-4, ZJ-11). The sweeper
// runs it; it returns how many it flagged.
func (s *DatasetService) FlagStaleDatasets(ctx context.Context) (int, error) {
	now := toDB(s.db.clock.Now())
	rows, err := s.db.query(ctx, `SELECT entry_id, department_id, entry_name, update_cycle, due_at FROM datasets
		WHERE stale_since IS NULL AND due_at <= ? ORDER BY due_at LIMIT 500`, now)
	if err != nil {
		return 0, s.db.internal("stale datasets", err)
	}
	type due struct {
		entry, dept int64
		name, cycle string
		at          int64
	}
	var all []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.entry, &d.dept, &d.name, &d.cycle, &d.at); err != nil {
			rows.Close()
			return 0, s.db.internal("stale datasets", err)
		}
		all = append(all, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, s.db.internal("stale datasets", err)
	}
	flagged := 0
	for _, d := range all {
		err := s.db.write(govdata.WithActor(ctx, govdata.SystemActor), func(tx *Tx) error {
			res, err := tx.exec("UPDATE datasets SET stale_since = ? WHERE entry_id = ? AND stale_since IS NULL AND due_at = ?", toDB(tx.Now()), d.entry, d.at)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // refreshed or flagged meanwhile
			}
			flagged++
			cycle := govdata.UpdateCycle(d.cycle).Label()
			day := fromDB(d.at).In(s.loc).Format("2006-01-02 15:04")
			title := govdata.Text{ZH: govdata.MsgDatasetStale.Text("zh", d.name, cycle.ZH, day), EN: govdata.MsgDatasetStale.Text("en", d.name, cycle.EN, day)}
			if _, err := notifyDepartment(tx, d.dept, "dataset_stale", title, fmt.Sprintf("stale:%d:%d", d.entry, d.at)); err != nil {
				return err
			}
			return tx.audit("dataset.stale", "catalog_entry", d.entry, map[string]any{"update_cycle": d.cycle, "due_at": fromDB(d.at)})
		})
		if err != nil {
			return flagged, s.db.internal("stale datasets", err)
		}
	}
	return flagged, nil
}

// FindStaleDatasets implements govdata.DatasetService.
func (s *DatasetService) FindStaleDatasets(ctx context.Context, page govdata.Page) (govdata.StaleList, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermDataRead); err != nil {
		return govdata.StaleList{}, err
	}
	after, err := decodeCursor(page.Cursor)
	if err != nil {
		return govdata.StaleList{}, err
	}
	limit := page.Limit
	if limit <= 0 || limit > govdata.MaxLimit {
		limit = govdata.DefaultLimit
	}
	q := `SELECT d.entry_id, d.entry_name, d.department_id, p.name, d.update_cycle, d.refreshed_at, d.due_at, d.stale_since
		FROM datasets d JOIN departments p ON p.id = d.department_id WHERE d.stale_since IS NOT NULL`
	var args []any
	if !a.IsSystem() && !a.Has(govdata.RoleReviewer) {
		q, args = q+" AND d.department_id = ?", append(args, a.DepartmentID)
	}
	if after != "" {
		// Cursor: stale_since and entry id of the last item.
		var since, id int64
		if _, err := fmt.Sscanf(after, "%d/%d", &since, &id); err != nil {
			return govdata.StaleList{}, govdata.Errorf(govdata.EINVALID, govdata.MsgBadCursor)
		}
		q, args = q+" AND (d.stale_since > ? OR (d.stale_since = ? AND d.entry_id > ?))", append(args, since, since, id)
	}
	rows, err := s.db.query(ctx, q+" ORDER BY d.stale_since, d.entry_id LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return govdata.StaleList{}, s.db.internal("stale datasets", err)
	}
	defer rows.Close()
	out := govdata.StaleList{Items: []govdata.StaleDataset{}}
	var since []int64
	for rows.Next() {
		var d govdata.StaleDataset
		var refreshedAt sql.NullInt64
		var due, stale int64
		if err := rows.Scan(&d.EntryID, &d.EntryName, &d.DepartmentID, &d.DepartmentName, &d.UpdateCycle, &refreshedAt, &due, &stale); err != nil {
			return govdata.StaleList{}, s.db.internal("stale datasets", err)
		}
		d.RefreshedAt, d.DueAt, d.StaleSince = fromDBNull(refreshedAt), fromDB(due), fromDB(stale)
		out.Items = append(out.Items, d)
		since = append(since, stale)
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = encodeCursor(strconv.FormatInt(since[limit-1], 10) + "/" + strconv.FormatInt(out.Items[limit-1].EntryID, 10))
	}
	return out, rows.Err()
}

// alertAnomalies compares a finished batch with the dataset's last ten of
// the same mode and alerts the department and the bureau above it to what
// departs sharply (AGG-2, SJZ-S-15).
func (s *DatasetService) alertAnomalies(tx *Tx, t *loadTarget, mode govdata.IngestMode, report govdata.BatchReport) ([]govdata.Anomaly, error) {
	rows, err := tx.query(`SELECT report FROM batches WHERE entry_id = ? AND mode = ? AND id <> ? AND state IN (?, ?) ORDER BY id DESC LIMIT 10`,
		t.entry, string(mode), t.batch, string(govdata.BatchApplied), string(govdata.BatchRefused))
	if err != nil {
		return nil, err
	}
	var history []govdata.BatchReport
	for rows.Next() {
		var raw string
		var h govdata.BatchReport
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return nil, err
		}
		if json.Unmarshal([]byte(raw), &h) == nil {
			history = append(history, h)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	found := govdata.BatchAnomalies(report, history)
	if len(found) == 0 {
		return nil, nil
	}
	var zh, en []string
	for _, a := range found {
		m, args := govdata.MsgAnomalyRows, []any{int64(a.Value), int64(a.Usual)}
		if a.Kind == govdata.AnomalyRejectionRate {
			m, args = govdata.MsgAnomalyRate, []any{100 * a.Value, 100 * a.Usual}
		}
		zh, en = append(zh, m.Text("zh", args...)), append(en, m.Text("en", args...))
	}
	title := govdata.Text{ZH: govdata.MsgBatchAnomaly.Text("zh", t.name, t.batch, strings.Join(zh, "；")),
		EN: govdata.MsgBatchAnomaly.Text("en", t.name, t.batch, strings.Join(en, "; "))}
	depts := []int64{t.dept}
	if bureau, err := bureauFor(tx, t.region); err == nil && bureau != 0 && bureau != t.dept {
		depts = append(depts, bureau)
	}
	for _, d := range depts {
		if _, err := notifyDepartment(tx, d, "batch_anomaly", title, fmt.Sprintf("anomaly:%d:%d", t.batch, d)); err != nil {
			return nil, err
		}
	}
	return found, tx.audit("dataset.anomaly", "batch", t.batch, map[string]any{"entry_id": t.entry, "anomalies": found})
}
