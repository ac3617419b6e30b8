package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/export"
)

// Export implements govdata.DataService: the rows are counted in a read
// snapshot, the call and its trace mark recorded, and only then the file
// streamed from the same snapshot (SEC-5: every export on the record).
func (s *DataService) Export(ctx context.Context, code string, q govdata.ServiceQuery) (*govdata.ServiceExport, error) {
	c := s.begin(govdata.OpExport, code)
	out, tx, err := s.export(ctx, c, q)
	if err := s.finish(ctx, c, err); err != nil {
		if tx != nil {
			tx.Rollback()
		}
		return nil, err
	}
	return out, nil
}

func (s *DataService) export(ctx context.Context, c *serviceCall, q govdata.ServiceQuery) (*govdata.ServiceExport, *sql.Tx, error) {
	q, t, g, err := s.prepare(ctx, c, q)
	if err != nil {
		return nil, nil, err
	}
	if t.live != nil {
		return nil, nil, govdata.Errorf(govdata.EINVALID, govdata.MsgServiceLive)
	}
	if q.Format == "" {
		q.Format = "csv"
	}
	// SEC-5: bulk export of items at sensitivity 3–4 needs the grant's
	// explicit permission.
	for _, it := range t.items {
		if it.Sensitivity >= 3 && slices.Contains(q.Fields, it.Name) && !g.ExportSensitive {
			c.outside = true
			return nil, nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgServiceExport, it.Name)
		}
	}
	p, err := s.plan(ctx, t, g, q)
	if err != nil {
		return nil, nil, err
	}
	// A file's row count answers an equality filter as records would.
	if err := s.maskedEquality(ctx, c, p); err != nil {
		return nil, nil, err
	}
	tx, err := s.db.readSnapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	var n int64
	if !p.none {
		if err := s.scanRows(ctx, tx, p, nil, 1000, func(govdata.Record, rowPos) bool { n++; return true }); err != nil {
			tx.Rollback()
			return nil, nil, err
		}
	}
	a := govdata.ActorFrom(ctx)
	trace := "GD-" + rand.Text()
	c.rows = n
	c.detail["trace"], c.detail["format"] = trace, q.Format
	items := jsonList(q.Fields)
	c.also = func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO export_traces (trace, grant_id, credential_id, consumer_department_id, entry_id, format, items, row_count, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, trace, g.ID, a.CredentialID, g.ConsumerDepartment, g.EntryID, q.Format, items, n, toDB(tx.Now()))
		return err
	}
	out := &govdata.ServiceExport{GrantID: g.ID, Format: q.Format, Items: q.Fields, Rows: n, Trace: trace}
	out.WriteTo = func(w io.Writer) error {
		defer tx.Rollback()
		f, err := export.New(w, q.Format, q.Fields, trace)
		if err != nil {
			return err
		}
		var werr error
		if !p.none {
			err = s.scanRows(ctx, tx, p, nil, 1000, func(r govdata.Record, _ rowPos) bool {
				werr = f.Row(r)
				return werr == nil
			})
		}
		return errors.Join(err, werr, f.End())
	}
	return out, tx, nil
}

// readSnapshot begins a read transaction that sees one state of the
// store throughout.
func (db *DB) readSnapshot(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: db.dialect.snapshot})
	if err != nil {
		return nil, db.internal("read snapshot", err)
	}
	return tx, nil
}

var msgChangesQuery = govdata.Msg{ZH: "变更订阅只接受 fields、limit、cursor 和 grant_id 参数", EN: "changes takes fields, limit, cursor and grant_id only"}

// changesCursor is where a subscriber is: the last current row given
// (up), and the last removed row version given (by batch, then row).
type changesCursor struct {
	up, delBy, delRow int64
}

// Changes implements govdata.DataService. A page gives first the row
// versions removed since the cursor — for an entry with a key, those whose
// key is gone; without one, every version replaced — then the rows added
// or changed, in the order of the batches that wrote them. Rows of a batch
// still running behind an earlier one wait for it, so that no batch
// applied late is skipped.
func (s *DataService) Changes(ctx context.Context, code string, q govdata.ServiceQuery) (*govdata.ServiceChanges, error) {
	c := s.begin(govdata.OpChanges, code)
	out, err := s.changes(ctx, c, q)
	if err := s.finish(ctx, c, err); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *DataService) changes(ctx context.Context, c *serviceCall, q govdata.ServiceQuery) (*govdata.ServiceChanges, error) {
	q, t, g, err := s.prepare(ctx, c, q)
	if err != nil {
		return nil, err
	}
	if len(q.Filters) > 0 || q.Sort != "" || q.Format != "" {
		return nil, govdata.Errorf(govdata.EINVALID, msgChangesQuery)
	}
	if t.live != nil {
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgServiceLive)
	}
	p, err := s.plan(ctx, t, g, q)
	if err != nil {
		return nil, err
	}
	horizon, err := s.horizon(ctx, t.id)
	if err != nil {
		return nil, err
	}
	cur, err := decodeChangesCursor(q.Cursor, horizon)
	if err != nil {
		return nil, err
	}
	out := &govdata.ServiceChanges{GrantID: g.ID, Items: []govdata.Change{}}
	if !p.none {
		// Removed versions, from the history.
		del := *p
		del.table, del.sortName, del.sortExpr, del.integer, del.desc = historyTable(t.id), "_by", "_by", true, false
		del.w = p.w.with("_by < ?", horizon)
		cols, err := s.columnsOf(ctx, t)
		if err != nil {
			return nil, err
		}
		if keys := keyColumns(cols); len(keys) > 0 {
			var same []string
			for _, k := range keys {
				same = append(same, "d."+k.keyColumn()+" = "+del.table+"."+k.keyColumn())
			}
			del.w = del.w.with("NOT EXISTS (SELECT 1 FROM " + p.table + " d WHERE " + strings.Join(same, " AND ") + ")")
		}
		pos := &rowPos{row: cur.delRow, value: strconv.FormatInt(cur.delBy, 10)}
		err = s.scanRows(ctx, s.db.read, &del, pos, q.Limit, func(r govdata.Record, at rowPos) bool {
			out.Items = append(out.Items, govdata.Change{Op: govdata.ChangeDelete, ID: strconv.FormatInt(at.row, 10), Row: r})
			cur.delBy, _ = strconv.ParseInt(at.value, 10, 64)
			cur.delRow = at.row
			return len(out.Items) < q.Limit
		})
		if err != nil {
			return nil, err
		}
		// Rows added or changed, up to the horizon.
		if len(out.Items) < q.Limit {
			up := *p
			up.w = p.w.with("_row < ?", horizon<<32)
			err = s.scanRows(ctx, s.db.read, &up, &rowPos{row: cur.up}, q.Limit-len(out.Items), func(r govdata.Record, at rowPos) bool {
				out.Items = append(out.Items, govdata.Change{Op: govdata.ChangeUpsert, ID: strconv.FormatInt(at.row, 10), Row: r})
				cur.up = at.row
				return len(out.Items) < q.Limit
			})
			if err != nil {
				return nil, err
			}
		}
	}
	out.HasMore = len(out.Items) == q.Limit
	out.NextCursor = encodeCursor("c|" + strconv.FormatInt(cur.up, 10) + "|" + strconv.FormatInt(cur.delBy, 10) + "|" + strconv.FormatInt(cur.delRow, 10))
	c.rows = int64(len(out.Items))
	return out, nil
}

// horizon is the first batch of the entry whose changes cannot be given
// yet: the oldest still running, else the one after the newest.
func (s *DataService) horizon(ctx context.Context, entry int64) (int64, error) {
	var running, newest sql.NullInt64
	err := s.db.queryRow(ctx, "SELECT MIN(CASE WHEN state = ? THEN id END), MAX(id) FROM batches WHERE entry_id = ?",
		string(govdata.BatchRunning), entry).Scan(&running, &newest)
	if err != nil {
		return 0, s.db.internal("changes horizon", err)
	}
	if running.Valid {
		return running.Int64, nil
	}
	return newest.Int64 + 1, nil
}

// decodeChangesCursor reads a changes cursor; none starts with every
// current row and no removal before the horizon.
func decodeChangesCursor(c string, horizon int64) (changesCursor, error) {
	key, err := decodeCursor(c)
	if err != nil {
		return changesCursor{}, err
	}
	if key == "" {
		return changesCursor{delBy: horizon - 1, delRow: math.MaxInt64}, nil
	}
	parts := strings.Split(key, "|")
	bad := govdata.Errorf(govdata.EINVALID, govdata.MsgBadCursor)
	if len(parts) != 4 || parts[0] != "c" {
		return changesCursor{}, bad
	}
	var n [3]int64
	for i, p := range parts[1:] {
		if n[i], err = strconv.ParseInt(p, 10, 64); err != nil || n[i] < 0 {
			return changesCursor{}, bad
		}
	}
	return changesCursor{up: n[0], delBy: n[1], delRow: n[2]}, nil
}

// FindExportTrace implements govdata.DataService.
func (s *DataService) FindExportTrace(ctx context.Context, trace string) (*govdata.ExportTrace, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermTraceRead); err != nil {
		return nil, err
	}
	var t govdata.ExportTrace
	var items string
	var at int64
	err := s.db.queryRow(ctx, `SELECT trace, grant_id, credential_id, consumer_department_id, entry_id, format, items, row_count, at
		FROM export_traces WHERE trace = ?`, trace).Scan(&t.Trace, &t.GrantID, &t.CredentialID, &t.ConsumerDepartment, &t.EntryID, &t.Format, &items, &t.Rows, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, msgTraceNotFound)
	}
	if err != nil {
		return nil, s.db.internal("find trace", err)
	}
	t.At = fromDB(at)
	if err := json.Unmarshal([]byte(items), &t.Items); err != nil {
		return nil, s.db.internal("find trace", err)
	}
	return &t, nil
}

var msgTraceNotFound = govdata.Msg{ZH: "没有这个追踪标识", EN: "no export has this trace mark"}
