package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
)

// FindDataset implements govdata.DatasetService.
func (s *DatasetService) FindDataset(ctx context.Context, entry int64) (*govdata.Dataset, error) {
	// Issue 11: whether there is a dataset is told only to those who may
	// see it; of an entry they may not see, not even that it exists.
	r, err := s.entryRow(ctx, entry)
	if err != nil {
		return nil, err
	}
	if err := canSee(govdata.ActorFrom(ctx), r.department); err != nil {
		return nil, err
	}
	d := &govdata.Dataset{EntryID: entry}
	var last, refreshed sql.NullInt64
	err = s.db.queryRow(ctx, "SELECT department_id, entry_version, row_count, last_batch_id, refreshed_at FROM datasets WHERE entry_id = ?", entry).
		Scan(&d.DepartmentID, &d.EntryVersion, &d.Rows, &last, &refreshed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgDatasetNone)
	}
	if err != nil {
		return nil, s.db.internal("find dataset", err)
	}
	d.LastBatchID, d.RefreshedAt = last.Int64, fromDBNull(refreshed)
	cols, err := s.datasetColumns(ctx, entry)
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		d.Columns = append(d.Columns, govdata.DatasetColumn{Item: c.item, Type: c.typ, Key: c.key, Encrypted: c.encrypted, Retired: c.retired})
	}
	return d, nil
}

// datasetColumns reads the columns of entry's dataset.
func (s Base) datasetColumns(ctx context.Context, entry int64) ([]dsColumn, error) {
	cols, err := loadColumns(func(q string, args ...any) (*sql.Rows, error) { return s.db.query(ctx, q, args...) }, entry)
	if err != nil {
		return nil, s.db.internal("dataset columns", err)
	}
	return cols, nil
}

// rowQuery reads the dataset's rows for the provider's people and the
// reviewers, decrypting sealed values (the data service of the sharing
// issue masks them for consumers).
func (s *DatasetService) rowQuery(ctx context.Context, entry int64, table string, extra []string, where map[string]string) (string, []any, []dsColumn, error) {
	d, err := s.FindDataset(ctx, entry)
	if err != nil {
		return "", nil, nil, err
	}
	// The rows themselves: the provider's officer only (the sharing
	// issue's data service serves them to grantees, masked).
	if err := officerOf(govdata.ActorFrom(ctx), d.DepartmentID); err != nil {
		return "", nil, nil, govdata.Errorf(govdata.EFORBIDDEN, msgNotProviderData)
	}
	cols, err := s.datasetColumns(ctx, entry)
	if err != nil {
		return "", nil, nil, err
	}
	sel := append([]string{"_row"}, extra...)
	for _, c := range cols {
		sel = append(sel, c.value())
	}
	conds, args, err := whereConds(s.db.DataKeys(), entry, cols, where)
	if err != nil {
		return "", nil, nil, err
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + table
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	return q, args, cols, nil
}

// whereConds are the conditions of exact matches on active items.
func whereConds(keys *datakey.Keyring, entry int64, cols []dsColumn, where map[string]string) ([]string, []any, error) {
	var conds []string
	var args []any
	for _, item := range slices.Sorted(maps.Keys(where)) {
		v := where[item]
		i := slices.IndexFunc(cols, func(c dsColumn) bool { return c.item == item && !c.retired })
		if i < 0 {
			return nil, nil, govdata.Errorf(govdata.EINVALID, govdata.MsgItemUnknown, item)
		}
		c := cols[i]
		switch {
		case c.encrypted && keys == nil:
			return nil, nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgDataKeysNeeded)
		case c.encrypted:
			// SEC-2: an exact match on a sealed item goes through its blind index.
			conds, args = append(conds, c.index()+" = ?"), append(args, keys.Index(nil, c.context(entry), v))
		default:
			conds, args = append(conds, c.value()+" = ?"), append(args, v)
		}
	}
	return conds, args, nil
}

// scanRows reads rows of rowQuery, n extra columns after _row.
func (s *DatasetService) scanRows(rows *sql.Rows, entry int64, cols []dsColumn, extra int, fn func(r *govdata.DatasetRow, row int64, extra []any)) error {
	keys := s.db.DataKeys()
	for rows.Next() {
		var id int64
		raw := []any{&id}
		ex := make([]any, extra)
		for i := range ex {
			raw = append(raw, &ex[i])
		}
		vals := make([][]byte, len(cols))
		for i := range vals {
			raw = append(raw, &vals[i])
		}
		if err := rows.Scan(raw...); err != nil {
			return s.db.internal("read rows", err)
		}
		r := govdata.DatasetRow{BatchID: batchOf(id), Values: map[string]*string{}}
		for i, c := range cols {
			if c.retired {
				continue
			}
			v := vals[i]
			if v == nil {
				r.Values[c.item] = nil
				continue
			}
			if c.encrypted {
				if keys == nil {
					return govdata.Errorf(govdata.ECONFLICT, govdata.MsgDataKeysNeeded)
				}
				plain, err := keys.Open(nil, v, c.context(entry))
				if err != nil {
					return s.db.internal("open value", err)
				}
				v = plain
			}
			str := string(v)
			r.Values[c.item] = &str
		}
		fn(&r, id, ex)
	}
	return rows.Err()
}

// FindRows implements govdata.DatasetService.
func (s *DatasetService) FindRows(ctx context.Context, entry int64, where map[string]string, page govdata.Page) (govdata.RowList, error) {
	q, args, cols, err := s.rowQuery(ctx, entry, dataTable(entry), nil, where)
	if err != nil {
		return govdata.RowList{}, err
	}
	after, err := decodeIDCursor(page.Cursor)
	if err != nil {
		return govdata.RowList{}, err
	}
	limit := page.Limit
	if limit <= 0 || limit > govdata.MaxLimit {
		limit = govdata.DefaultLimit
	}
	if after > 0 {
		if strings.Contains(q, " WHERE ") {
			q += " AND _row > ?"
		} else {
			q += " WHERE _row > ?"
		}
		args = append(args, after)
	}
	rows, err := s.db.query(ctx, q+" ORDER BY _row LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return govdata.RowList{}, s.db.internal("find rows", err)
	}
	defer rows.Close()
	out := []govdata.DatasetRow{}
	var ids []int64
	err = s.scanRows(rows, entry, cols, 0, func(r *govdata.DatasetRow, id int64, _ []any) {
		out, ids = append(out, *r), append(ids, id)
	})
	if err != nil {
		return govdata.RowList{}, err
	}
	list := govdata.RowList{Items: out, Filter: auditWhere(s.db.DataKeys(), entry, cols, where)}
	if len(out) > 0 {
		list.Opened = openedItems(cols)
	}
	if len(out) > limit {
		list.Items = out[:limit]
		list.NextCursor = encodeCursor(strconv.FormatInt(ids[limit-1], 10))
	}
	return list, nil
}

// RowHistory implements govdata.DatasetService: the earlier versions of
// matching rows, newest first (AGG-3).
func (s *DatasetService) RowHistory(ctx context.Context, entry int64, where map[string]string) (govdata.RowList, error) {
	q, args, cols, err := s.rowQuery(ctx, entry, historyTable(entry), []string{"_op", "_by"}, where)
	if err != nil {
		return govdata.RowList{}, err
	}
	rows, err := s.db.query(ctx, q+" ORDER BY _by DESC, _row DESC LIMIT 1000", args...)
	if err != nil {
		return govdata.RowList{}, s.db.internal("row history", err)
	}
	defer rows.Close()
	out := []govdata.DatasetRow{}
	err = s.scanRows(rows, entry, cols, 2, func(r *govdata.DatasetRow, _ int64, ex []any) {
		r.Op = asString(ex[0])
		r.SupersededBy = asInt(ex[1])
		out = append(out, *r)
	})
	if err != nil {
		return govdata.RowList{}, err
	}
	list := govdata.RowList{Items: out, Filter: auditWhere(s.db.DataKeys(), entry, cols, where)}
	if len(out) > 0 {
		list.Opened = openedItems(cols)
	}
	return list, nil
}

// auditWhere is where as the read's audit record shows it: a sealed
// item's value as its blind index (SEC-2), so that the log holds no
// sealed value in clear and still tells which rows were asked for (the
// index of a value in question can be computed and searched for).
func auditWhere(keys *datakey.Keyring, entry int64, cols []dsColumn, where map[string]string) map[string]string {
	if len(where) == 0 {
		return nil
	}
	out := make(map[string]string, len(where))
	for item, v := range where {
		i := slices.IndexFunc(cols, func(c dsColumn) bool { return c.item == item && !c.retired })
		if i >= 0 && cols[i].encrypted && keys != nil {
			v = "blind-index:" + hex.EncodeToString(keys.Index(nil, cols[i].context(entry), v))
		}
		out[item] = v
	}
	return out
}

// openedItems are the sealed items whose values rows of cols are read
// with, decrypted (SEC-2): what the read's audit record names.
func openedItems(cols []dsColumn) []string {
	var out []string
	for _, c := range cols {
		if c.encrypted && !c.retired {
			out = append(out, c.item)
		}
	}
	return out
}

func asString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	}
	return 0
}
