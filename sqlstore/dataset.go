package sqlstore

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ingest"
)

// DatasetService keeps the datasets behind published entries and the
// batches that load them (AGG-1…3, SEC-2).
type DatasetService struct {
	Base
}

// NewDatasetService returns the datasets of b's catalog entries.
func NewDatasetService(b Base) *DatasetService { return &DatasetService{Base: b} }

var _ govdata.DatasetService = (*DatasetService)(nil)

var msgNotProviderData = govdata.Msg{ZH: "只有提供部门的数据专员可以查看数据行", EN: "only an officer of the providing department can read the rows"}

var msgNotProvider = govdata.Msg{ZH: "只有提供部门的数据专员可以归集该目录的数据", EN: "only an officer of the providing department can load this entry's data"}

// Ingest implements govdata.DatasetService.
func (s *DatasetService) Ingest(ctx context.Context, req govdata.IngestRequest) (*govdata.Batch, error) {
	if req.Rows != nil {
		// A pull's source is released whatever becomes of the request.
		defer req.Rows.Close()
	}
	a := govdata.ActorFrom(ctx)
	if req.Mode != govdata.IngestReplace && req.Mode != govdata.IngestUpsert {
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgIngestMode)
	}
	r, err := s.entryRow(ctx, req.EntryID)
	if err != nil {
		return nil, err
	}
	if err := officerOf(a, r.department); err != nil {
		if e := (*govdata.Error)(nil); errors.As(err, &e) && e.Code == govdata.EFORBIDDEN {
			return nil, govdata.Errorf(govdata.EFORBIDDEN, msgNotProvider)
		}
		return nil, err
	}
	// A published entry takes data — also while a change of it is written
	// or reviewed, and during a revocation's grace period — a revoked one
	// no more.
	switch {
	case r.published == 0:
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgDatasetNone)
	case govdata.EntryStatus(r.status) == govdata.EntryRevoked:
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgDatasetRevoked)
	}
	// AGG-5: a live entry's data is not stored, so nothing is loaded into it.
	if live, err := s.db.servedLive(ctx, r.id); err != nil {
		return nil, s.db.internal("ingest", err)
	} else if live {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceLiveData)
	}
	t, err := s.loadTarget(ctx, r)
	if err != nil {
		return nil, err
	}
	if req.Mode == govdata.IngestUpsert && len(keyColumns(t.cols)) == 0 {
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgUpsertNoKey)
	}
	for _, c := range t.active {
		if c.encrypted && t.keys == nil {
			return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgDataKeysNeeded)
		}
	}
	t.sealRejects = t.keys != nil && slices.ContainsFunc(t.active, func(c dsColumn) bool { return c.encrypted })
	t.batch, err = writeResult(ctx, s.db, func(tx *Tx) (int64, error) {
		return tx.insert(`INSERT INTO batches (entry_id, department_id, entry_version, mode, source, format, file_name, operator_id, operator, state, started_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.entry, t.dept, t.version, string(req.Mode), string(req.Source), string(req.Format),
			boundText(req.FileName), nullID(a.UserID), actorName(a), string(govdata.BatchRunning), toDB(tx.Now()))
	})
	if err != nil {
		return nil, err
	}
	run := &runningBatch{}
	loadCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	run.cancel = cancel
	s.db.batches.put(t.batch, run)
	defer func() {
		cancel()
		s.db.batches.put(t.batch, nil)
	}()
	// A client that goes away cancels its upload.
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	return s.load(loadCtx, t, req, run)
}

// loadTarget reads what a batch of entry r loads into.
func (s Base) loadTarget(ctx context.Context, r *entryRow) (*loadTarget, error) {
	queryRow := func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }
	in, err := content(queryRow, r.id, r.published)
	if err != nil {
		return nil, s.db.internal("read entry", err)
	}
	var version int
	if err := queryRow("SELECT entry_version FROM datasets WHERE entry_id = ?", r.id).Scan(&version); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgDatasetNone)
		}
		return nil, s.db.internal("read dataset", err)
	}
	if version != r.published {
		// A version was published between the reads: try again.
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgBatchVersion, r.published, version)
	}
	cols, err := loadColumns(func(q string, args ...any) (*sql.Rows, error) { return s.db.query(ctx, q, args...) }, r.id)
	if err != nil {
		return nil, s.db.internal("read dataset", err)
	}
	t := &loadTarget{entry: r.id, dept: r.department, version: version, name: in.Name, region: r.region, items: in.Items, cols: cols, keys: s.db.DataKeys(), now: s.db.clock.Now()}
	byName := map[string]dsColumn{}
	for _, c := range activeColumns(cols) {
		byName[c.item] = c
	}
	for _, it := range in.Items {
		c, ok := byName[it.Name]
		if !ok {
			return nil, s.db.internal("read dataset", fmt.Errorf("item %q has no column", it.Name))
		}
		t.active = append(t.active, c)
	}
	return t, nil
}

// load runs a batch to its end: staged, checked, then applied or not.
func (s *DatasetService) load(ctx context.Context, t *loadTarget, req govdata.IngestRequest, run *runningBatch) (*govdata.Batch, error) {
	staging := stagingTable(t.entry, t.batch)
	h := sha256.New() // AGG-3: the checksum of the bytes received
	body := io.TeeReader(req.Body, counter{h: h, n: &run.bytes})
	counts := map[[2]string]int64{}
	fail := func(cause error) (*govdata.Batch, error) {
		s.dropStaging(staging)
		var e *govdata.Error
		state, msg := govdata.BatchFailed, govdata.Text{}
		switch {
		case run.cancelledByRequest.Load():
			state, msg = govdata.BatchCancelled, textOf(govdata.MsgBatchCancelled)
		case errors.As(cause, &e):
			msg = govdata.Text{ZH: e.Message.Text("zh"), EN: e.Message.Text("en")}
		default:
			s.db.log.Error("ingest failed", "batch", t.batch, "err", cause)
			msg = govdata.Text{ZH: "读取或写入数据时出错", EN: "reading or writing the data failed"}
		}
		b, err := s.finish(ctx, t, state, s.report(t, run, counts, 0), msg, h, run, req)
		if err != nil {
			return nil, err
		}
		switch {
		case state != govdata.BatchFailed:
			return b, nil
		case e != nil:
			out := *e
			out.Details = map[string]any{"batch_id": t.batch}
			return b, &out
		}
		// Not the data's fault (a body cut off or over its limit, the
		// store failing): the caller maps the cause.
		return b, fmt.Errorf("sqlstore: batch %d: %w", t.batch, cause)
	}
	select {
	case s.db.loading <- struct{}{}:
		defer func() { <-s.db.loading }()
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	rd := req.Rows // closed by Ingest
	if rd == nil {
		var err error
		if rd, err = ingest.NewReader(req.Format, body, t.items); err != nil {
			return fail(err)
		}
		defer rd.Close()
	}
	if p, ok := rd.(interface{ Present() []bool }); ok {
		t.present = p.Present()
	}
	t.copyText = s.db.dialect.copyText
	if err := s.createStaging(ctx, t, staging); err != nil {
		return fail(err)
	}
	chunks := make(chan chunk, 4)
	produced := make(chan error, 1)
	go func() { produced <- t.produce(ctx, rd, run, chunks, counts) }()
	staged := s.db.stage(ctx, t, staging, chunks)
	if staged != nil {
		// Let the producer see the end and stop.
		run.cancel()
		for range chunks {
		}
	}
	if err := <-produced; err != nil {
		return fail(err)
	}
	if staged != nil {
		return fail(staged)
	}
	if err := s.dedupe(ctx, t, staging, run, counts); err != nil {
		return fail(err)
	}
	report := s.report(t, run, counts, 0)
	if report.RowsRejected > 0 && s.profile.PartialBatch.Value == govdata.BatchRefuse {
		s.dropStaging(staging)
		return s.finish(ctx, t, govdata.BatchRefused, report, textOf(govdata.MsgBatchRefused, report.RowsRejected), h, run, req)
	}
	if ctx.Err() != nil {
		return fail(ctx.Err())
	}
	report.RowsApplied = report.RowsAccepted
	hist, err := s.pickHistory(ctx, t, req.Mode, staging)
	if err != nil {
		return fail(err)
	}
	b, err := s.apply(ctx, t, req.Mode, staging, hist, report, h, run, req)
	if err != nil {
		return fail(err)
	}
	return b, nil
}

func (s *DatasetService) report(t *loadTarget, run *runningBatch, counts map[[2]string]int64, applied int64) govdata.BatchReport {
	read, rejected := run.read.Load(), run.rejected.Load()
	return govdata.BatchReport{RowsRead: read, RowsRejected: rejected, RowsAccepted: read - rejected, RowsApplied: applied,
		Violations: reportOf(t.items, counts)}
}

func (s *DatasetService) createStaging(ctx context.Context, t *loadTarget, staging string) error {
	_, err := s.db.writer.ExecContext(ctx, createDataTable(staging, t.cols, s.db.dialect))
	return err
}

// dropStaging removes a batch's staging table, whatever became of the
// request.
func (s *DatasetService) dropStaging(staging string) {
	if _, err := s.db.writer.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+staging); err != nil {
		s.db.log.Error("drop staging table", "table", staging, "err", err)
	}
}

// dedupe gives the staging table the dataset's unique key. Rows that
// repeat a later row's key are rejected (duplicate_key): the last one wins,
// as a file's later line corrects an earlier one.
func (s *DatasetService) dedupe(ctx context.Context, t *loadTarget, staging string, run *runningBatch, counts map[[2]string]int64) error {
	keys := keyList(t.cols)
	if s.db.dialect.rowKey != "" {
		if _, err := s.db.writer.ExecContext(ctx, fmt.Sprintf(s.db.dialect.rowKey, staging)); err != nil {
			return err
		}
	}
	if keys == "" {
		return nil
	}
	unique := "CREATE UNIQUE INDEX " + staging + "_key ON " + staging + " (" + keys + ")"
	_, err := s.db.writer.ExecContext(ctx, unique)
	if err == nil || !isUniqueViolation(err) {
		return err
	}
	if _, err := s.db.writer.ExecContext(ctx, "CREATE INDEX "+staging+"_dup ON "+staging+" ("+keys+")"); err != nil {
		return err
	}
	var match []string
	for _, c := range keyColumns(t.cols) {
		match = append(match, "d."+c.keyColumn()+" = s."+c.keyColumn())
	}
	selectCols := []string{"s._row"}
	for _, c := range t.active {
		selectCols = append(selectCols, "s."+c.value())
	}
	rows, err := s.db.writer.QueryContext(ctx, "SELECT "+strings.Join(selectCols, ", ")+" FROM "+staging+" s WHERE EXISTS (SELECT 1 FROM "+
		staging+" d WHERE "+strings.Join(match, " AND ")+" AND d._row > s._row) ORDER BY s._row")
	if err != nil {
		return err
	}
	var dups []reject
	var ids []any
	for rows.Next() {
		raw := make([]any, len(selectCols))
		var id int64
		raw[0] = &id
		vals := make([][]byte, len(t.active))
		for i := range vals {
			raw[i+1] = &vals[i]
		}
		if err := rows.Scan(raw...); err != nil {
			rows.Close()
			return err
		}
		r := reject{row: id & 0xffffffff, line: 0, reasons: []govdata.ViolationCount{{Rule: govdata.RuleDuplicateKey}}}
		for i, c := range t.active {
			v := vals[i]
			if c.encrypted && v != nil {
				if v, err = t.keys.Open(nil, v, c.context(t.entry)); err != nil {
					rows.Close()
					return err
				}
			}
			r.values = append(r.values, string(v))
		}
		dups, ids = append(dups, r), append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := s.db.insertRejects(ctx, s.db.writer, t, dups); err != nil {
		return err
	}
	for len(ids) > 0 {
		n := min(500, len(ids))
		if _, err := s.db.writer.ExecContext(ctx, s.db.dialect.q("DELETE FROM "+staging+" WHERE _row IN ("+placeholders(n)+")"), ids[:n]...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	run.rejected.Add(int64(len(dups)))
	counts[[2]string{"", govdata.RuleDuplicateKey}] += int64(len(dups))
	if _, err := s.db.writer.ExecContext(ctx, "DROP INDEX "+staging+"_dup"); err != nil {
		return err
	}
	_, err = s.db.writer.ExecContext(ctx, unique)
	return err
}

// apply makes the staged rows the dataset's, in one write with the
// batch's record and audit: replace swaps the tables (readers see the old
// rows or the new, never a mix), upsert merges by key; the rows replaced
// go to the history either way (AGG-3).
func (s *DatasetService) apply(ctx context.Context, t *loadTarget, mode govdata.IngestMode, staging string, hist pickedRows, report govdata.BatchReport, h hash.Hash, run *runningBatch, req govdata.IngestRequest) (*govdata.Batch, error) {
	var out *govdata.Batch
	err := s.db.writeLong(ctx, func(tx *Tx) error {
		// A version published while the batch loaded changed the columns
		// (perhaps sealing one): rows staged for the old ones cannot go in.
		var version int
		if err := tx.queryRow("SELECT entry_version FROM datasets WHERE entry_id = ?", t.entry).Scan(&version); err != nil {
			return err
		}
		if version != t.version {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgBatchVersion, t.version, version)
		}
		table, history := dataTable(t.entry), historyTable(t.entry)
		all := []string{"_row"}
		for _, c := range t.cols {
			all = append(all, c.value())
			if c.encrypted {
				all = append(all, c.index())
			}
		}
		cols := strings.Join(all[1:], ", ")
		op, where := historyWhere(t, mode, staging, s.db.dialect)
		copyRows := "INSERT INTO " + history + " (_row, _op, _by, _at, " + cols + ") SELECT d._row, ?, ?, ?, " + prefixed("d.", cols) + " FROM " + table + " d"
		last, err := lastBatch(tx, t.entry)
		if err != nil {
			return err
		}
		if hist.picked && hist.marker == last {
			// Nothing changed the dataset since the rows were picked, away
			// from this transaction that holds up every other write.
			for ids := hist.ids; len(ids) > 0; {
				n := min(500, len(ids))
				if _, err := tx.exec(copyRows+" WHERE d._row IN ("+placeholders(n)+")", append([]any{op, t.batch, toDB(tx.Now())}, int64Args(ids[:n])...)...); err != nil {
					return fmt.Errorf("history: %w", err)
				}
				ids = ids[n:]
			}
		} else if _, err := tx.exec(copyRows+where, op, t.batch, toDB(tx.Now())); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		keyIndex := ""
		if mode == govdata.IngestReplace {
			if keyList(t.cols) != "" {
				keyIndex = staging + "_key"
			}
			for _, q := range []string{"DROP TABLE " + table, "ALTER TABLE " + staging + " RENAME TO " + table} {
				if _, err := tx.exec(q); err != nil {
					return fmt.Errorf("swap: %w", err)
				}
			}
			if _, err := tx.exec("UPDATE datasets SET key_index = ? WHERE entry_id = ?", keyIndex, t.entry); err != nil {
				return err
			}
		} else {
			ins := t.insertColumns()
			// An upsert changes the items its file has columns for; the
			// others keep their stored values.
			set := []string{"_row = excluded._row"}
			for i, c := range t.active {
				if t.present != nil && !t.present[i] {
					continue
				}
				set = append(set, c.value()+" = excluded."+c.value())
				if c.encrypted {
					set = append(set, c.index()+" = excluded."+c.index())
				}
			}
			// Only new rows and rows with other values are written: a
			// daily full file changes few rows, and rewriting the others
			// would cost the most (PostgreSQL: a new version of each).
			merge := "INSERT INTO " + table + " (" + strings.Join(ins, ", ") + ") SELECT " + prefixed("s.", strings.Join(ins, ", ")) + " FROM " + staging + " s"
			conflict := " ON CONFLICT (" + keyList(t.cols) + ") DO UPDATE SET " + strings.Join(set, ", ")
			if hist.picked && hist.marker == last {
				for ids := hist.merge; len(ids) > 0; {
					n := min(500, len(ids))
					if _, err := tx.exec(merge+" WHERE s._row IN ("+placeholders(n)+")"+conflict, int64Args(ids[:n])...); err != nil {
						return fmt.Errorf("upsert: %w", err)
					}
					ids = ids[n:]
				}
			} else if _, err := tx.exec(merge + mergeWhere(t, table, s.db.dialect) + conflict); err != nil {
				return fmt.Errorf("upsert: %w", err)
			}
			if _, err := tx.exec("DROP TABLE " + staging); err != nil {
				return err
			}
		}
		if _, err := tx.exec("UPDATE datasets SET row_count = (SELECT count(*) FROM "+table+") WHERE entry_id = ?", t.entry); err != nil {
			return err
		}
		if err := refreshed(tx, t.entry, t.batch); err != nil {
			return err
		}
		b, err := s.end(tx, t, govdata.BatchApplied, report, govdata.Text{}, h, run, req)
		out = b
		return err
	})
	return out, err
}

// textOf renders a message in both languages.
func textOf(m govdata.Msg, args ...any) govdata.Text {
	return govdata.Text{ZH: m.Text("zh", args...), EN: m.Text("en", args...)}
}

// finish records a batch that was not applied.
func (s *DatasetService) finish(ctx context.Context, t *loadTarget, state govdata.BatchState, report govdata.BatchReport, msg govdata.Text, h hash.Hash, run *runningBatch, req govdata.IngestRequest) (*govdata.Batch, error) {
	return writeResult(context.WithoutCancel(ctx), s.db, func(tx *Tx) (*govdata.Batch, error) {
		return s.end(tx, t, state, report, msg, h, run, req)
	})
}

// end writes a batch's last state and its audit record.
func (s *DatasetService) end(tx *Tx, t *loadTarget, state govdata.BatchState, report govdata.BatchReport, msg govdata.Text, h hash.Hash, run *runningBatch, req govdata.IngestRequest) (*govdata.Batch, error) {
	if state == govdata.BatchApplied || state == govdata.BatchRefused {
		var err error
		if report.Anomalies, err = s.alertAnomalies(tx, t, req.Mode, report); err != nil {
			return nil, err
		}
	}
	rep, err := json.Marshal(report)
	if err != nil {
		return nil, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	res, err := tx.exec("UPDATE batches SET state = ?, report = ?, error_zh = ?, error_en = ?, sha256 = ?, bytes = ?, ended_at = ? WHERE id = ? AND state = ?",
		string(state), string(rep), msg.ZH, msg.EN, sum, run.bytes.Load(), toDB(tx.Now()), t.batch, string(govdata.BatchRunning))
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		// Another process ended it (its start recovered batches it took for
		// dead): nothing of this one may be applied.
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgBatchInterrupted)
	}
	if err := tx.audit("dataset.ingest", "batch", t.batch, map[string]any{"entry_id": t.entry, "state": state, "mode": req.Mode,
		"source": req.Source, "file_name": req.FileName, "sha256": sum, "rows_read": report.RowsRead, "rows_rejected": report.RowsRejected,
		"rows_applied": report.RowsApplied}); err != nil {
		return nil, err
	}
	return scanBatch(tx.queryRow(batchSelect+" WHERE id = ?", t.batch))
}

const batchSelect = `SELECT id, entry_id, department_id, entry_version, mode, source, format, file_name, sha256, bytes, operator_id, operator,
	state, report, error_zh, error_en, started_at, ended_at FROM batches`

func scanBatch(row interface{ Scan(...any) error }) (*govdata.Batch, error) {
	var b govdata.Batch
	var op sql.NullInt64
	var report, zh, en string
	var started int64
	var ended sql.NullInt64
	if err := row.Scan(&b.ID, &b.EntryID, &b.DepartmentID, &b.EntryVersion, &b.Mode, &b.Source, &b.Format, &b.FileName, &b.SHA256, &b.Bytes,
		&op, &b.Operator, &b.State, &report, &zh, &en, &started, &ended); err != nil {
		return nil, err
	}
	b.OperatorID = op.Int64
	if err := json.Unmarshal([]byte(report), &b.Report); err != nil {
		return nil, err
	}
	if b.Report.Violations == nil {
		b.Report.Violations = []govdata.ViolationCount{}
	}
	if zh != "" || en != "" {
		b.Error = &govdata.Text{ZH: zh, EN: en}
	}
	b.StartedAt, b.EndedAt = fromDB(started), fromDBNull(ended)
	return &b, nil
}

func sortViolations(v []govdata.ViolationCount, order map[string]int) {
	slices.SortFunc(v, func(a, b govdata.ViolationCount) int {
		if c := cmp.Compare(order[a.Item], order[b.Item]); c != 0 {
			return c
		}
		return cmp.Compare(a.Rule, b.Rule)
	})
}

// Cancel implements govdata.DatasetService.
func (s *DatasetService) Cancel(ctx context.Context, id int64) (*govdata.Batch, error) {
	b, err := s.FindBatchByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := officerOf(govdata.ActorFrom(ctx), b.DepartmentID); err != nil {
		return nil, err
	}
	run := s.db.batches.get(id)
	if b.State != govdata.BatchRunning || run == nil {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgBatchNotRunning, string(b.State))
	}
	run.cancelledByRequest.Store(true)
	run.cancel()
	return b, nil
}

// canSee: a dataset's batches, reports and maintenance requests are seen
// by the provider's officers and leaders and by the reviewers (AGG-2,
// AGG-4, AGG-6).
func canSee(a govdata.Actor, dept int64) error {
	if err := govdata.Authorize(a, govdata.PermDataRead); err != nil {
		return err
	}
	if a.IsSystem() || a.Has(govdata.RoleReviewer) || ((a.Has(govdata.RoleOfficer) || a.Has(govdata.RoleLeader)) && a.DepartmentID == dept) {
		return nil
	}
	return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
}

// FindBatchByID implements govdata.DatasetService; a running batch shows
// its live counts.
func (s *DatasetService) FindBatchByID(ctx context.Context, id int64) (*govdata.Batch, error) {
	b, err := scanBatch(s.db.queryRow(ctx, batchSelect+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgBatchNotFound)
	}
	if err != nil {
		return nil, s.db.internal("find batch", err)
	}
	// Issue 11: another department's batch is not said to exist.
	if err := canSee(govdata.ActorFrom(ctx), b.DepartmentID); err != nil {
		return nil, govdata.HideForbidden(err, govdata.MsgBatchNotFound)
	}
	s.live(b)
	return b, nil
}

// live shows a batch running here with its counts so far.
func (s *DatasetService) live(b *govdata.Batch) {
	if run := s.db.batches.get(b.ID); run != nil && b.State == govdata.BatchRunning {
		b.Report.RowsRead, b.Report.RowsRejected, b.Bytes = run.read.Load(), run.rejected.Load(), run.bytes.Load()
		b.Report.RowsAccepted = b.Report.RowsRead - b.Report.RowsRejected
	}
}

// FindBatches implements govdata.DatasetService.
func (s *DatasetService) FindBatches(ctx context.Context, f govdata.BatchFilter) (govdata.BatchList, error) {
	r, err := s.entryRow(ctx, f.EntryID)
	if err != nil {
		return govdata.BatchList{}, err
	}
	if err := canSee(govdata.ActorFrom(ctx), r.department); err != nil {
		return govdata.BatchList{}, err
	}
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return govdata.BatchList{}, err
	}
	limit := f.Limit
	if limit <= 0 || limit > govdata.MaxLimit {
		limit = govdata.DefaultLimit
	}
	q, args := batchSelect+" WHERE entry_id = ?", []any{f.EntryID}
	if after > 0 {
		q, args = q+" AND id < ?", append(args, after)
	}
	if f.State != "" {
		q, args = q+" AND state = ?", append(args, string(f.State))
	}
	rows, err := s.db.query(ctx, q+" ORDER BY id DESC LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return govdata.BatchList{}, s.db.internal("find batches", err)
	}
	defer rows.Close()
	out := govdata.BatchList{Items: []govdata.Batch{}}
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return govdata.BatchList{}, s.db.internal("find batches", err)
		}
		s.live(b)
		out.Items = append(out.Items, *b)
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = encodeCursor(strconv.FormatInt(out.Items[limit-1].ID, 10))
	}
	return out, rows.Err()
}

// RejectedRows implements govdata.DatasetService.
func (s *DatasetService) RejectedRows(ctx context.Context, id int64, header func([]string, int64, []string) error, fn func(govdata.RejectedRow) error) error {
	b, err := s.FindBatchByID(ctx, id)
	if err != nil {
		return err
	}
	// The rows themselves, sensitive values opened: the provider's
	// officer only, as for stored rows.
	if err := officerOf(govdata.ActorFrom(ctx), b.DepartmentID); err != nil {
		return govdata.Errorf(govdata.EFORBIDDEN, msgNotProviderData)
	}
	// One snapshot for the count header is told (its audit record) and
	// the rows fn is given: a batch still running adds rejects meanwhile.
	tx, err := s.db.readSnapshot(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	in, err := content(func(q string, args ...any) *sql.Row { return tx.QueryRowContext(ctx, s.db.dialect.q(q), args...) }, b.EntryID, b.EntryVersion)
	if err != nil {
		return s.db.internal("rejected rows", err)
	}
	var n, sealedRows int64
	if err := tx.QueryRowContext(ctx, s.db.dialect.q("SELECT COUNT(*), COALESCE(SUM(sealed), 0) FROM batch_rejects WHERE batch_id = ?"), b.ID).Scan(&n, &sealedRows); err != nil {
		return s.db.internal("rejected rows", err)
	}
	var names, opened []string
	for _, it := range in.Items {
		names = append(names, it.Name)
		// A sealed reject holds the whole row sealed; the sensitive
		// items are those it opens (SEC-2).
		if sealedRows > 0 && encryptedItem(it) {
			opened = append(opened, it.Name)
		}
	}
	if err := header(names, n, opened); err != nil {
		return err
	}
	keys := s.db.DataKeys()
	rows, err := tx.QueryContext(ctx, s.db.dialect.q("SELECT row_no, line, reasons, sealed, row_values FROM batch_rejects WHERE batch_id = ? ORDER BY row_no"), b.ID)
	if err != nil {
		return s.db.internal("rejected rows", err)
	}
	defer rows.Close()
	t := loadTarget{batch: b.ID}
	for rows.Next() {
		var r govdata.RejectedRow
		var reasons string
		var sealed int
		var values []byte
		if err := rows.Scan(&r.Row, &r.Line, &reasons, &sealed, &values); err != nil {
			return s.db.internal("rejected rows", err)
		}
		if sealed == 1 {
			if keys == nil {
				return govdata.Errorf(govdata.ECONFLICT, govdata.MsgDataKeysNeeded)
			}
			if values, err = keys.Open(nil, values, t.rejectContext()); err != nil {
				return s.db.internal("rejected rows", err)
			}
		}
		if err := json.Unmarshal([]byte(reasons), &r.Reasons); err != nil {
			return s.db.internal("rejected rows", err)
		}
		if err := json.Unmarshal(values, &r.Values); err != nil {
			return s.db.internal("rejected rows", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RecoverBatches ends the batches a stopped process left running: their
// staging tables go, the dataset is as it was before them, and they are
// marked failed (run at start, before serving).
func (s *DatasetService) RecoverBatches(ctx context.Context) (int, error) {
	rows, err := s.db.query(ctx, "SELECT id, entry_id FROM batches WHERE state = ?", string(govdata.BatchRunning))
	if err != nil {
		return 0, s.db.internal("recover batches", err)
	}
	type pair struct{ id, entry int64 }
	var left []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.id, &p.entry); err != nil {
			rows.Close()
			return 0, s.db.internal("recover batches", err)
		}
		left = append(left, p)
	}
	rows.Close()
	for _, p := range left {
		if s.db.batches.get(p.id) != nil {
			continue // running here
		}
		s.dropStaging(stagingTable(p.entry, p.id))
		msg := textOf(govdata.MsgBatchInterrupted)
		err := s.db.write(govdata.WithActor(ctx, govdata.SystemActor), func(tx *Tx) error {
			if _, err := tx.exec("DELETE FROM batch_rejects WHERE batch_id = ?", p.id); err != nil {
				return err
			}
			if _, err := tx.exec("UPDATE batches SET state = ?, error_zh = ?, error_en = ?, ended_at = ? WHERE id = ? AND state = ?",
				string(govdata.BatchFailed), msg.ZH, msg.EN, toDB(tx.Now()), p.id, string(govdata.BatchRunning)); err != nil {
				return err
			}
			return tx.audit("dataset.ingest", "batch", p.id, map[string]any{"entry_id": p.entry, "state": govdata.BatchFailed, "reason": "interrupted"})
		})
		if err != nil {
			return 0, s.db.internal("recover batches", err)
		}
	}
	return len(left), nil
}

// pickedRows are the rows of a dataset a batch will put in the history,
// picked before the batch is applied, as the dataset stood after batch
// marker (0: none yet).
type pickedRows struct {
	picked bool
	marker int64
	ids    []int64 // rows of the dataset that go to the history
	merge  []int64 // staged rows an upsert writes: new or with other values
}

// maxPicked bounds the row ids held in memory for one batch's history.
const maxPicked = 1 << 20

func lastBatch(tx *Tx, entry int64) (int64, error) {
	var last sql.NullInt64
	err := tx.queryRow("SELECT last_batch_id FROM datasets WHERE entry_id = ?", entry).Scan(&last)
	return last.Int64, err
}

// pickHistory finds, on a reading connection, the rows the batch replaces
// with other values or removes, so that applying it only copies them (on
// SQLite the apply holds the one writer; comparing a million rows there
// would hold up every other write for seconds). Every batch and
// maintenance change sets last_batch_id: if it moved meanwhile, apply
// compares again itself.
func (s *DatasetService) pickHistory(ctx context.Context, t *loadTarget, mode govdata.IngestMode, staging string) (pickedRows, error) {
	var p pickedRows
	var last sql.NullInt64
	err := s.db.queryRow(ctx, "SELECT last_batch_id FROM datasets WHERE entry_id = ?", t.entry).Scan(&last)
	if err != nil {
		return p, err
	}
	_, where := historyWhere(t, mode, staging, s.db.dialect)
	if where == "" {
		return p, nil // no key: every row goes; nothing to pick
	}
	var ok bool
	if p.ids, ok, err = s.pickIDs(ctx, "SELECT d._row FROM "+dataTable(t.entry)+" d"+where); err != nil || !ok {
		return pickedRows{}, err
	}
	if mode == govdata.IngestUpsert {
		if p.merge, ok, err = s.pickIDs(ctx, "SELECT s._row FROM "+staging+" s"+mergeWhere(t, dataTable(t.entry), s.db.dialect)); err != nil || !ok {
			return pickedRows{}, err
		}
	}
	p.picked, p.marker = true, last.Int64
	return p, nil
}

// pickIDs reads row ids, up to maxPicked (ok false beyond: too many to
// hold, the apply compares itself).
func (s *DatasetService) pickIDs(ctx context.Context, q string) ([]int64, bool, error) {
	rows, err := s.db.query(ctx, q)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, false, err
		}
		if ids = append(ids, id); len(ids) > maxPicked {
			return nil, false, nil
		}
	}
	return ids, true, rows.Err()
}

// mergeWhere selects the staged rows (s) an upsert writes into table (d):
// those whose key is new, or whose values (of the items the file has)
// differ from the stored ones.
func mergeWhere(t *loadTarget, table string, d dialect) string {
	var match, same []string
	for _, c := range keyColumns(t.cols) {
		match = append(match, "d."+c.keyColumn()+" = s."+c.keyColumn())
	}
	for i, c := range t.active {
		if !c.key && (t.present == nil || t.present[i]) {
			same = append(same, "d."+c.keyColumn()+" "+d.notDistinct+" s."+c.keyColumn())
		}
	}
	return " WHERE NOT EXISTS (SELECT 1 FROM " + table + " d WHERE " + strings.Join(append(match, same...), " AND ") + ")"
}

// historyWhere selects the rows of the dataset (d) that a batch staged in
// staging (s) replaces with other values or removes: a row the batch
// brings again unchanged is not a change (AGG-3). Sealed values compare by
// their blind index (each seal of one value differs).
func historyWhere(t *loadTarget, mode govdata.IngestMode, staging string, d dialect) (op, where string) {
	var match, same []string
	for _, c := range keyColumns(t.cols) {
		match = append(match, "s."+c.keyColumn()+" = d."+c.keyColumn())
	}
	for i, c := range t.active {
		// An upsert leaves the items its file lacks as they are.
		if !c.key && (mode != govdata.IngestUpsert || t.present == nil || t.present[i]) {
			same = append(same, "d."+c.keyColumn()+" "+d.notDistinct+" s."+c.keyColumn())
		}
	}
	if mode == govdata.IngestReplace {
		// Values of items a later version dropped go with the old rows.
		for _, c := range t.cols {
			if c.retired {
				same = append(same, "d."+c.value()+" IS NULL")
			}
		}
	}
	if len(same) == 0 {
		same = []string{"1 = 1"}
	}
	switch {
	case mode == govdata.IngestUpsert:
		return "update", " WHERE EXISTS (SELECT 1 FROM " + staging + " s WHERE " + strings.Join(match, " AND ") + " AND NOT (" + strings.Join(same, " AND ") + "))"
	case len(match) > 0:
		return "replace", " WHERE NOT EXISTS (SELECT 1 FROM " + staging + " s WHERE " + strings.Join(match, " AND ") + " AND " + strings.Join(same, " AND ") + ")"
	}
	return "replace", "" // no key: every row is replaced
}
