package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// MaintenanceService runs maintenance requests of stored rows through the
// profile's data_maintenance workflow (AGG-6; SX-31, SX-32).
type MaintenanceService struct {
	Base
	flows workflowSteps
}

// NewMaintenanceService returns the maintenance of the rows of b's
// datasets, run through flows.
func NewMaintenanceService(b Base, flows workflowSteps) *MaintenanceService {
	return &MaintenanceService{Base: b, flows: flows}
}

var _ govdata.MaintenanceService = (*MaintenanceService)(nil)

// checkChanges checks the shape of changes against the dataset's items.
func checkChanges(changes []govdata.RowChange, t *loadTarget) error {
	var fe govdata.FieldErrors
	if len(changes) == 0 {
		fe.Add("changes", govdata.MsgRequired)
	}
	if len(changes) > govdata.MaxRowChanges {
		fe.Add("changes", govdata.MsgTooMany, govdata.MaxRowChanges)
	}
	known := map[string]bool{}
	for _, it := range t.items {
		known[it.Name] = true
	}
	for i, ch := range changes {
		at := fmt.Sprintf("changes[%d]", i)
		switch ch.Op {
		case govdata.RowUpdate:
			if len(ch.Values) == 0 {
				fe.Add(at+".values", govdata.MsgMaintenanceValues)
			}
		case govdata.RowDelete:
			if len(ch.Values) > 0 {
				fe.Add(at+".values", govdata.MsgMaintenanceValues)
			}
		default:
			fe.Add(at+".op", govdata.MsgMaintenanceOp)
		}
		if len(ch.Where) == 0 {
			fe.Add(at+".where", govdata.MsgMaintenanceWhere)
		}
		for _, m := range []map[string]string{ch.Where, ch.Values} {
			for item := range m {
				if !known[item] {
					fe.Add(at+"."+item, govdata.MsgItemUnknown, item)
				}
			}
		}
	}
	return fe.Err()
}

// FileMaintenance implements govdata.MaintenanceService.
func (s *MaintenanceService) FileMaintenance(ctx context.Context, entry int64, in govdata.MaintenanceInput) (*govdata.Maintenance, error) {
	r, err := s.entryRow(ctx, entry)
	if err != nil {
		return nil, err
	}
	if err := officerOf(govdata.ActorFrom(ctx), r.department); err != nil {
		return nil, err
	}
	t, err := s.loadTarget(ctx, r)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Reason) == "" {
		var fe govdata.FieldErrors
		fe.Add("reason", govdata.MsgRequired)
		return nil, fe.Err()
	}
	if err := checkChanges(in.Changes, t); err != nil {
		return nil, err
	}
	sealed, changes, err := s.sealChanges(t, 0, in.Changes)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.write(ctx, func(tx *Tx) error {
		bureau, err := bureauFor(tx, r.region)
		if err != nil {
			return err
		}
		w, err := s.flows.startTx(ctx, tx, govdata.StartWorkflow{Kind: govdata.WorkflowDataMaintenance, SubjectType: "maintenance",
			Title: t.name, Parties: govdata.Parties{govdata.PartyProvider: r.department, govdata.PartyBureau: bureau}})
		if err != nil {
			return err
		}
		now := toDB(tx.Now())
		if id, err = tx.insert(`INSERT INTO maintenance_requests (entry_id, department_id, workflow_id, reason, sealed, changes, state, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, entry, r.department, w.ID, in.Reason, sealed, changes, string(govdata.MaintenanceOpen), actorName(tx.actor), now, now); err != nil {
			return err
		}
		// The changes are sealed under the request's id: seal them again now
		// that it is known.
		if sealed == 1 {
			if _, changes, err = s.sealChanges(t, id, in.Changes); err != nil {
				return err
			}
			if _, err := tx.exec("UPDATE maintenance_requests SET changes = ? WHERE id = ?", changes, id); err != nil {
				return err
			}
		}
		if _, err := tx.exec("UPDATE workflow_instances SET subject_id = ? WHERE id = ?", strconv.FormatInt(id, 10), w.ID); err != nil {
			return err
		}
		return tx.audit("maintenance.file", "maintenance", id, map[string]any{"entry_id": entry, "changes": len(in.Changes)})
	})
	if err != nil {
		return nil, err
	}
	return s.FindMaintenanceByID(ctx, id)
}

// sealChanges encodes changes for storage, sealed when the entry has
// sensitive items (their values would otherwise lie in the clear, SEC-2).
func (s *MaintenanceService) sealChanges(t *loadTarget, id int64, changes []govdata.RowChange) (int, []byte, error) {
	raw, err := json.Marshal(changes)
	if err != nil {
		return 0, nil, err
	}
	for _, c := range t.active {
		if c.encrypted {
			if t.keys == nil {
				return 0, nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgDataKeysNeeded)
			}
			return 1, t.keys.Seal(nil, raw, maintenanceContext(id)), nil
		}
	}
	return 0, raw, nil
}

func maintenanceContext(id int64) []byte { return []byte(fmt.Sprintf("govdata/maintenance/%d", id)) }

const maintenanceSelect = `SELECT id, entry_id, department_id, workflow_id, reason, sealed, changes, state, batch_id, created_by, created_at FROM maintenance_requests`

func (s *MaintenanceService) scan(row interface{ Scan(...any) error }) (*govdata.Maintenance, int64, error) {
	var m govdata.Maintenance
	var workflow, created int64
	var sealed int
	var changes []byte
	var batch sql.NullInt64
	if err := row.Scan(&m.ID, &m.EntryID, &m.DepartmentID, &workflow, &m.Reason, &sealed, &changes, &m.State, &batch, &m.CreatedBy, &created); err != nil {
		return nil, 0, err
	}
	if sealed == 1 {
		keys := s.db.DataKeys()
		if keys == nil {
			return nil, 0, govdata.Errorf(govdata.ECONFLICT, govdata.MsgDataKeysNeeded)
		}
		var err error
		if changes, err = keys.Open(nil, changes, maintenanceContext(m.ID)); err != nil {
			return nil, 0, fmt.Errorf("open maintenance %d: %w", m.ID, err)
		}
	}
	if err := json.Unmarshal(changes, &m.Changes); err != nil {
		return nil, 0, err
	}
	m.BatchID, m.CreatedAt = batch.Int64, fromDB(created)
	return &m, workflow, nil
}

// FindMaintenanceByID implements govdata.MaintenanceService: seen by the
// provider's officers and leaders and by the reviewers.
func (s *MaintenanceService) FindMaintenanceByID(ctx context.Context, id int64) (*govdata.Maintenance, error) {
	m, workflow, err := s.scan(s.db.queryRow(ctx, maintenanceSelect+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgMaintenanceNone)
	}
	if err != nil {
		return nil, s.db.internal("find maintenance", err)
	}
	// Issue 11: another department's request is not said to exist.
	if err := canSee(govdata.ActorFrom(ctx), m.DepartmentID); err != nil {
		return nil, govdata.HideForbidden(err, govdata.MsgMaintenanceNone)
	}
	if m.Workflow, err = s.flows.FindInstanceByID(ctx, workflow); err != nil {
		return nil, err
	}
	return m, nil
}

// FindMaintenance implements govdata.MaintenanceService.
func (s *MaintenanceService) FindMaintenance(ctx context.Context, entry int64, page govdata.Page) (govdata.MaintenanceList, error) {
	r, err := s.entryRow(ctx, entry)
	if err != nil {
		return govdata.MaintenanceList{}, err
	}
	if err := canSee(govdata.ActorFrom(ctx), r.department); err != nil {
		return govdata.MaintenanceList{}, err
	}
	after, err := decodeIDCursor(page.Cursor)
	if err != nil {
		return govdata.MaintenanceList{}, err
	}
	limit := page.Limit
	if limit <= 0 || limit > govdata.MaxLimit {
		limit = govdata.DefaultLimit
	}
	q, args := maintenanceSelect+" WHERE entry_id = ?", []any{entry}
	if after > 0 {
		q, args = q+" AND id < ?", append(args, after)
	}
	rows, err := s.db.query(ctx, q+" ORDER BY id DESC LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return govdata.MaintenanceList{}, s.db.internal("find maintenance", err)
	}
	defer rows.Close()
	out := govdata.MaintenanceList{Items: []*govdata.Maintenance{}}
	for rows.Next() {
		m, _, err := s.scan(rows)
		if err != nil {
			return govdata.MaintenanceList{}, s.db.internal("find maintenance", err)
		}
		out.Items = append(out.Items, m)
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = encodeCursor(strconv.FormatInt(out.Items[limit-1].ID, 10))
	}
	return out, rows.Err()
}

// DecideMaintenance implements govdata.MaintenanceService.
func (s *MaintenanceService) DecideMaintenance(ctx context.Context, id int64, d govdata.MaintenanceDecision) (*govdata.Maintenance, error) {
	m, workflow, err := s.scan(s.db.queryRow(ctx, maintenanceSelect+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgMaintenanceNone)
	}
	if err != nil {
		return nil, s.db.internal("find maintenance", err)
	}
	if err := canSee(govdata.ActorFrom(ctx), m.DepartmentID); err != nil {
		return nil, govdata.HideForbidden(err, govdata.MsgMaintenanceNone)
	}
	flows := s.flows
	w, err := flows.FindInstanceByID(ctx, workflow)
	if err != nil {
		return nil, err
	}
	r, err := s.entryRow(ctx, m.EntryID)
	if err != nil {
		return nil, err
	}
	t, err := s.loadTarget(ctx, r)
	if err != nil {
		return nil, err
	}
	// The change and the rework steps make the change when approved.
	// At a rework, only when corrected changes come with the approval.
	making := d.Action == govdata.ActionApprove && (w.Step == "change" || (w.Step == "rework" && len(d.Changes) > 0))
	changes := m.Changes
	if len(d.Changes) > 0 {
		if w.Step != "rework" {
			return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgMaintenanceStep, w.Step)
		}
		if err := checkChanges(d.Changes, t); err != nil {
			return nil, err
		}
		changes = d.Changes
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		if making {
			// The step's actor is checked by the decision below, in this
			// same transaction: a refused actor changes nothing.
			if err := govdata.CheckStepActor(tx.actor, &govdata.Step{Actor: govdata.StepActor{Role: govdata.RoleOfficer, Party: govdata.PartyProvider}}, w.Parties); err != nil {
				return err
			}
			batch, err := s.makeChanges(tx, t, m.ID, changes)
			if err != nil {
				return err
			}
			if len(d.Changes) > 0 {
				_, raw, err := s.sealChanges(t, m.ID, changes)
				if err != nil {
					return err
				}
				if _, err := tx.exec("UPDATE maintenance_requests SET changes = ? WHERE id = ?", raw, m.ID); err != nil {
					return err
				}
			}
			if _, err := tx.exec("UPDATE maintenance_requests SET batch_id = ? WHERE id = ?", batch, m.ID); err != nil {
				return err
			}
		}
		after, err := flows.decideTx(ctx, tx, workflow, govdata.Decision{StepSeq: w.StepSeq, Action: d.Action, Reason: d.Comment})
		if err != nil {
			return err
		}
		state := govdata.MaintenanceOpen
		switch after.State {
		case govdata.InstanceApproved:
			state = govdata.MaintenanceDone
		case govdata.InstanceRejected:
			state = govdata.MaintenanceRejected
		case govdata.InstanceWithdrawn:
			state = govdata.MaintenanceWithdrawn
		}
		if _, err := tx.exec("UPDATE maintenance_requests SET state = ?, updated_at = ? WHERE id = ?", string(state), toDB(tx.Now()), m.ID); err != nil {
			return err
		}
		return tx.audit("maintenance.decide", "maintenance", m.ID, map[string]any{"step": w.Step, "action": d.Action, "state": state})
	})
	if err != nil {
		return nil, err
	}
	return s.FindMaintenanceByID(ctx, id)
}

// makeChanges writes the changes as one batch of source maintenance: each
// selects exactly one row, whose old version goes to the history; an
// updated row must pass the items' checks and keep its key unique.
func (s *MaintenanceService) makeChanges(tx *Tx, t *loadTarget, request int64, changes []govdata.RowChange) (int64, error) {
	// A version published since the request was read may have moved or
	// sealed columns: the change is made against the dataset as it is.
	var version int
	if err := tx.queryRow("SELECT entry_version FROM datasets WHERE entry_id = ?", t.entry).Scan(&version); err != nil {
		return 0, err
	}
	if version != t.version {
		return 0, govdata.Errorf(govdata.ECONFLICT, govdata.MsgBatchVersion, t.version, version)
	}
	batch, err := tx.insert(`INSERT INTO batches (entry_id, department_id, entry_version, mode, source, format, file_name, operator_id, operator, state, started_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.entry, t.dept, t.version, string(govdata.IngestUpsert), string(govdata.SourceMaintenance),
		string(govdata.FormatJSON), fmt.Sprintf("maintenance/%d", request), nullID(tx.actor.UserID), actorName(tx.actor), string(govdata.BatchRunning), toDB(tx.Now()))
	if err != nil {
		return 0, err
	}
	t.batch = batch
	checker, err := t.checker()
	if err != nil {
		return 0, err
	}
	table, history := dataTable(t.entry), historyTable(t.entry)
	var all []string
	for _, c := range t.cols {
		all = append(all, c.value())
		if c.encrypted {
			all = append(all, c.index())
		}
	}
	cols := strings.Join(all, ", ")
	sel := []string{"_row"}
	for _, c := range t.active {
		sel = append(sel, c.value())
	}
	now := toDB(tx.Now())
	var applied int64
	for i, ch := range changes {
		conds, args, err := whereConds(t.keys, t.entry, t.cols, ch.Where)
		if err != nil {
			return 0, err
		}
		found, err := s.selectRows(tx, t, "SELECT "+strings.Join(sel, ", ")+" FROM "+table+" WHERE "+strings.Join(conds, " AND ")+" LIMIT 2", args)
		if err != nil {
			return 0, err
		}
		if len(found) != 1 {
			return 0, govdata.Errorf(govdata.ECONFLICT, govdata.MsgMaintenanceMatch, i+1, len(found))
		}
		old := found[0]
		if _, err := tx.exec("INSERT INTO "+history+" (_row, _op, _by, _at, "+cols+") SELECT _row, ?, ?, ?, "+cols+" FROM "+table+" WHERE _row = ?",
			"maintenance", batch, now, old.id); err != nil {
			return 0, err
		}
		if ch.Op == govdata.RowDelete {
			if _, err := tx.exec("DELETE FROM "+table+" WHERE _row = ?", old.id); err != nil {
				return 0, err
			}
			applied++
			continue
		}
		row := old.values
		for j, it := range t.items {
			if v, ok := ch.Values[it.Name]; ok {
				row[j] = v
			}
		}
		if viol := t.checkKeys(row, checker.Check(row, nil)); len(viol) > 0 {
			var zh, en []string
			for _, v := range viol {
				label := govdata.RuleLabels[string(v.Rule)]
				zh, en = append(zh, t.items[v.Item].Name+"："+label.ZH), append(en, t.items[v.Item].Name+": "+label.EN)
			}
			return 0, govdata.Errorf(govdata.EINVALID, govdata.Msg{
				ZH: govdata.MsgMaintenanceInvalid.Text("zh", i+1, strings.Join(zh, "；")),
				EN: govdata.MsgMaintenanceInvalid.Text("en", i+1, strings.Join(en, "; "))})
		}
		vals := t.encode(row, rowID(batch, int64(i+1)))
		ins := t.insertColumns()
		set := make([]string, len(ins))
		for j, c := range ins {
			set[j] = c + " = ?"
		}
		if _, err := tx.exec("UPDATE "+table+" SET "+strings.Join(set, ", ")+" WHERE _row = ?", append(vals, old.id)...); err != nil {
			if isUniqueViolation(err) {
				return 0, govdata.Errorf(govdata.ECONFLICT, govdata.MsgMaintenanceKey, i+1)
			}
			return 0, err
		}
		applied++
	}
	report, err := json.Marshal(govdata.BatchReport{RowsRead: int64(len(changes)), RowsAccepted: applied, RowsApplied: applied, Violations: []govdata.ViolationCount{}})
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec("UPDATE batches SET state = ?, report = ?, ended_at = ? WHERE id = ?", string(govdata.BatchApplied), string(report), now, batch); err != nil {
		return 0, err
	}
	if _, err := tx.exec("UPDATE datasets SET row_count = (SELECT count(*) FROM "+table+"), last_batch_id = ? WHERE entry_id = ?", batch, t.entry); err != nil {
		return 0, err
	}
	return batch, tx.audit("dataset.maintain", "batch", batch, map[string]any{"entry_id": t.entry, "maintenance_id": request, "changes": len(changes)})
}

type storedRow struct {
	id     int64
	values []string
}

// selectRows reads rows in tx, opened into item order.
func (s *MaintenanceService) selectRows(tx *Tx, t *loadTarget, q string, args []any) ([]storedRow, error) {
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storedRow
	for rows.Next() {
		var r storedRow
		raw := make([][]byte, len(t.active))
		ptrs := []any{&r.id}
		for i := range raw {
			ptrs = append(ptrs, &raw[i])
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, c := range t.active {
			v := raw[i]
			if c.encrypted && v != nil {
				if v, err = t.keys.Open(nil, v, c.context(t.entry)); err != nil {
					return nil, err
				}
			}
			r.values = append(r.values, string(v))
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
