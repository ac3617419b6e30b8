package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// servedColumn is one item as served: its column (nil: the dataset has
// none for it yet, its values are null) and its mask.
type servedColumn struct {
	item string
	col  *dsColumn
	mask govdata.Mask
}

// rowPlan is how a call reads its rows: which columns, which rows (the
// filters and the grant's region scope), in what order.
type rowPlan struct {
	entry int64
	table string
	out   []servedColumn
	w     where
	// sortExpr orders the rows (nil: stored order, by _row); numeric:
	// compared as numbers (items of type N and Y).
	sortName string
	sortExpr string
	numeric  bool
	integer  bool // an integer column of the store (a history's _by)
	desc     bool
	// region is the region column, each row's code checked after reading
	// by the rule of region.go (RegionCovers). A plain column is narrowed
	// first in SQL by the codes' prefixes (regionSQL), which the rule
	// only refines (a malformed code sharing a prefix is not served); a
	// sealed one cannot be: a code's descendants have no blind index.
	region    *dsColumn
	regionSQL bool
	scope     []string
	// none: no row can be served (no dataset yet, or a region scope the
	// entry cannot apply).
	none bool
	// live: the provider's system answers with liveWhere; regionItem
	// names the item its rows are scoped by.
	live       bool
	liveWhere  map[string]string
	regionItem string
	// maskedEq are the items masked for the grant that the call tests for
	// equality: it is a verification (service_verify.go).
	maskedEq []string
	// guard, when set, is a condition of the first read: a remembered
	// target still holds (heldTarget.guard).
	guard     string
	guardArgs []any
}

var (
	msgServiceMasked = govdata.Msg{ZH: "信息项“%s”对本授权脱敏，不能排序或按范围查询", EN: "the item %q is masked for this grant: no sort or ranges on it"}
	msgServiceNumber = govdata.Msg{ZH: "信息项“%s”是数值，过滤值应为数字", EN: "the item %q is a number; the filter value must be one"}
)

// plan checks a query against the entry and the grant (whose items it
// names were checked already) and plans its reading.
func (s *DataService) plan(ctx context.Context, t *serviceTarget, g *govdata.Grant, q govdata.ServiceQuery) (*rowPlan, error) {
	policy, err := s.masks.policy(ctx)
	if err != nil {
		return nil, err
	}
	maskOf := func(name string) govdata.Mask {
		if slices.Contains(g.UnmaskedItems, name) {
			return govdata.Mask{Kind: govdata.MaskNone} // SHR-5: lifted by the grant
		}
		it, ok := t.item(name)
		if !ok {
			return govdata.Mask{Kind: govdata.MaskNull} // no longer an item of the entry
		}
		return policy.MaskOf(t.id, it)
	}
	return s.planRows(ctx, t, g.RegionScope, maskOf, q)
}

// item finds one of the target's items by name.
func (t *serviceTarget) item(name string) (govdata.Item, bool) {
	i := slices.IndexFunc(t.items, func(it govdata.Item) bool { return it.Name == name })
	if i < 0 {
		return govdata.Item{}, false
	}
	return t.items[i], true
}

// planRows plans the reading of a query whose items were checked, with
// each item's mask and the region scope of the rows: the one path of the
// data service (a grant's masks) and of open data (the items' open modes).
func (s *DataService) planRows(ctx context.Context, t *serviceTarget, scope []string, maskOf func(string) govdata.Mask, q govdata.ServiceQuery) (*rowPlan, error) {
	var err error
	p := &rowPlan{entry: t.id, table: dataTable(t.id), sortName: q.Sort, desc: q.Desc, scope: scope, live: t.live != nil}
	for _, it := range t.items {
		if it.Region {
			p.regionItem = it.Name
		}
	}
	for _, f := range q.Filters {
		// SHR-4, SHR-5: an equality test tells what the mask hides.
		if f.Op == govdata.FilterEq && maskOf(f.Item).Kind != govdata.MaskNone && !slices.Contains(p.maskedEq, f.Item) {
			p.maskedEq = append(p.maskedEq, f.Item)
		}
	}
	if t.live != nil {
		// AGG-5: the provider's API takes equality filters only.
		if q.Sort != "" {
			return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgServiceLive)
		}
		p.liveWhere = map[string]string{}
		for _, f := range q.Filters {
			if f.Op != govdata.FilterEq {
				return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgServiceLive)
			}
			p.liveWhere[f.Item] = f.Value
		}
		for _, f := range q.Fields {
			p.out = append(p.out, servedColumn{item: f, mask: maskOf(f)})
		}
		p.none = len(p.scope) > 0 && p.regionItem == ""
		return p, nil
	}
	cols, err := s.columnsOf(ctx, t)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		p.none = true
		return p, nil
	}
	colOf := func(name string) *dsColumn {
		i := slices.IndexFunc(cols, func(c dsColumn) bool { return c.item == name && !c.retired })
		if i < 0 {
			return nil
		}
		return &cols[i]
	}
	for _, f := range q.Fields {
		p.out = append(p.out, servedColumn{item: f, col: colOf(f), mask: maskOf(f)})
	}
	ordered := func(name string, c *dsColumn) (string, bool, error) {
		if c.encrypted {
			return "", false, govdata.Errorf(govdata.EINVALID, govdata.MsgServiceSealed, name)
		}
		// A masked item's order or ranges would tell what the mask hides.
		if maskOf(name).Kind != govdata.MaskNone {
			return "", false, govdata.Errorf(govdata.EINVALID, msgServiceMasked, name)
		}
		if c.typ == govdata.ItemNumber || c.typ == govdata.ItemMoney {
			return s.db.dialect.number(c.value()), true, nil
		}
		return c.value(), false, nil
	}
	keys := s.db.DataKeys()
	for _, f := range q.Filters {
		c := colOf(f.Item)
		if c == nil {
			p.none = true // an item with no values yet matches nothing
			continue
		}
		if f.Op == govdata.FilterEq {
			switch {
			case c.encrypted && keys == nil:
				return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgDataKeysNeeded)
			case c.encrypted:
				// SEC-2: equality on a sealed item through its blind index.
				p.w.add(c.index()+" = ?", keys.Index(nil, c.context(t.id), f.Value))
			default:
				p.w.add(c.value()+" = ?", f.Value)
			}
			continue
		}
		expr, numeric, err := ordered(f.Item, c)
		if err != nil {
			return nil, err
		}
		var arg any = f.Value
		if numeric {
			n, err := strconv.ParseFloat(f.Value, 64)
			if err != nil {
				return nil, govdata.Errorf(govdata.EINVALID, msgServiceNumber, f.Item)
			}
			arg = n
		}
		op := ">="
		if f.Op == govdata.FilterLTE {
			op = "<="
		}
		p.w.add(expr+" "+op+" ?", arg)
	}
	if q.Sort != "" {
		if c := colOf(q.Sort); c != nil {
			if p.sortExpr, p.numeric, err = ordered(q.Sort, c); err != nil {
				return nil, err
			}
		}
	}
	if len(p.scope) > 0 {
		// SHR-4: only rows whose region lies in the grant's scope.
		rc := colOf(p.regionItem)
		switch {
		case rc == nil:
			p.none = true // a scope the entry cannot apply: nothing is served
		case rc.encrypted:
			p.region = rc
		default:
			p.region, p.regionSQL = rc, true
			var or []string
			for _, code := range p.scope {
				or = append(or, rc.value()+" LIKE ?")
				p.w.args = append(p.w.args, govdata.RegionPrefix(code)+"%")
			}
			p.w.conds = append(p.w.conds, "("+strings.Join(or, " OR ")+")")
		}
	}
	return p, nil
}

// inScope reports whether a row's region code lies in the scope.
func inScope(scope []string, code *string) bool {
	if code == nil {
		return false
	}
	return slices.ContainsFunc(scope, func(s string) bool { return govdata.RegionCovers(s, *code) })
}

// rowPos is where a page ended: the row, and its sort value.
type rowPos struct {
	row   int64
	null  bool
	value string
}

func (p *rowPlan) encodeCursor(pos rowPos) string {
	if p.sortExpr == "" {
		return encodeCursor(strconv.FormatInt(pos.row, 10))
	}
	null := "v"
	if pos.null {
		null = "n"
	}
	dir := "a"
	if p.desc {
		dir = "d"
	}
	return encodeCursor("s|" + dir + "|" + strconv.FormatInt(pos.row, 10) + "|" + null + "|" + p.sortName + "|" + pos.value)
}

// decodeCursor reads a cursor of this plan's order; a cursor of another
// order is refused.
func (p *rowPlan) decodeCursor(c string) (*rowPos, error) {
	key, err := decodeCursor(c)
	if err != nil || key == "" {
		return nil, err
	}
	bad := govdata.Errorf(govdata.EINVALID, govdata.MsgBadCursor)
	if p.sortExpr == "" {
		n, err := strconv.ParseInt(key, 10, 64)
		if err != nil || n < 0 {
			return nil, bad
		}
		return &rowPos{row: n}, nil
	}
	parts := strings.SplitN(key, "|", 6)
	dir := "a"
	if p.desc {
		dir = "d"
	}
	if len(parts) != 6 || parts[0] != "s" || parts[1] != dir || parts[4] != p.sortName || (parts[3] != "n" && parts[3] != "v") {
		return nil, bad
	}
	n, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return nil, bad
	}
	pos := &rowPos{row: n, null: parts[3] == "n", value: parts[5]}
	if p.numeric && !pos.null {
		if _, err := strconv.ParseFloat(pos.value, 64); err != nil {
			return nil, bad
		}
	}
	return pos, nil
}

// after is the condition of the rows after pos in the plan's order:
// non-null sort values first, then nulls, each by _row.
func (p *rowPlan) after(pos *rowPos) (string, []any) {
	if pos == nil {
		return "", nil
	}
	if p.sortExpr == "" {
		return "_row > ?", []any{pos.row}
	}
	cmp, rowCmp := ">", ">"
	if p.desc {
		cmp, rowCmp = "<", "<"
	}
	e := p.sortExpr
	if pos.null {
		return "(" + e + " IS NULL AND _row " + rowCmp + " ?)", []any{pos.row}
	}
	var v any = pos.value
	switch {
	case p.integer:
		v, _ = strconv.ParseInt(pos.value, 10, 64)
	case p.numeric:
		v, _ = strconv.ParseFloat(pos.value, 64)
	}
	return "((" + e + " IS NOT NULL AND (" + e + " " + cmp + " ? OR (" + e + " = ? AND _row " + rowCmp + " ?))) OR " + e + " IS NULL)", []any{v, v, pos.row}
}

func (p *rowPlan) order() string {
	if p.sortExpr == "" {
		return " ORDER BY _row"
	}
	dir := ""
	if p.desc {
		dir = " DESC"
	}
	return " ORDER BY (" + p.sortExpr + " IS NULL), " + p.sortExpr + dir + ", _row" + dir
}

// querier reads: the read pool, or a read transaction (an export's snapshot).
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readRows reads up to limit rows of the plan after cursor, masked, and
// the cursor of the next page ("" at the end).
func (s *DataService) readRows(ctx context.Context, qr querier, p *rowPlan, limit int, cursor string) ([]govdata.Record, string, error) {
	pos, err := p.decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	out := []govdata.Record{}
	if p.none {
		return out, "", nil
	}
	var positions []rowPos
	err = s.scanRows(ctx, qr, p, pos, limit+1, func(rec govdata.Record, at rowPos) bool {
		out, positions = append(out, rec), append(positions, at)
		return len(out) <= limit
	})
	if err != nil {
		return nil, "", err
	}
	if len(out) > limit {
		return out[:limit], p.encodeCursor(positions[limit-1]), nil
	}
	return out, "", nil
}

// scanRows reads the plan's rows after pos, in chunks, giving each row in
// scope to fn, masked, until fn returns false or the rows end; want is how
// many rows the caller expects to take (the size of a chunk).
func (s *DataService) scanRows(ctx context.Context, qr querier, p *rowPlan, pos *rowPos, want int, fn func(govdata.Record, rowPos) bool) error {
	sel := []string{"_row"}
	for _, o := range p.out {
		if o.col != nil {
			sel = append(sel, o.col.value())
		}
	}
	if p.sortExpr != "" {
		sel = append(sel, p.sortExpr)
	}
	chunk := want
	if p.region != nil {
		sel = append(sel, p.region.value())
		if !p.regionSQL {
			chunk = max(4*want, 200) // rows out of scope are read and dropped
		}
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM " + p.table
	keys := s.db.DataKeys()
	contexts := sealContexts{entry: p.entry}
	// open reads a stored value that is not null: sealed ones are opened
	// into one buffer reused for the call.
	var plain []byte
	open := func(c *dsColumn, raw []byte) (string, error) {
		if !c.encrypted {
			return string(raw), nil
		}
		if keys == nil {
			return "", govdata.Errorf(govdata.ECONFLICT, govdata.MsgDataKeysNeeded)
		}
		var err error
		if plain, err = keys.Open(plain[:0], raw, contexts.of(c)); err != nil {
			return "", s.db.internal("open value", err)
		}
		return string(plain), nil
	}
	for first := true; ; first = false {
		w := p.w
		if cond, args := p.after(pos); cond != "" {
			w = w.with(cond, args...)
		}
		if first && p.guard != "" {
			w = w.with(p.guard, p.guardArgs...)
		}
		q := query
		if len(w.conds) > 0 {
			q += " WHERE " + strings.Join(w.conds, " AND ")
		}
		q += p.order() + " LIMIT " + strconv.Itoa(chunk)
		n, more, err := func() (int, bool, error) {
			var rows *sql.Rows
			var err error
			if qr == s.db.read {
				rows, err = s.db.query(ctx, q, w.args...) // prepared once
			} else {
				rows, err = qr.QueryContext(ctx, s.db.dialect.q(q), w.args...)
			}
			if err != nil {
				return 0, false, s.db.internal("service rows", err)
			}
			defer rows.Close()
			n := 0
			// Scanned in place: every value is copied or opened at once.
			raw := make([]sql.RawBytes, len(sel)-1)
			var rowID int64
			var sortNum sql.NullFloat64
			var sortInt sql.NullInt64
			var sortText sql.NullString
			dest := []any{&rowID}
			for i := range raw {
				dest = append(dest, &raw[i])
			}
			if p.sortExpr != "" {
				// The sort value as compared, for the cursor.
				i := len(p.out) - countNil(p.out) + 1
				switch {
				case p.integer:
					dest[i] = &sortInt
				case p.numeric:
					dest[i] = &sortNum
				default:
					dest[i] = &sortText
				}
			}
			var at rowPos // the last row read: where a next chunk starts
			for rows.Next() {
				n++
				if err := rows.Scan(dest...); err != nil {
					return 0, false, s.db.internal("service rows", err)
				}
				at = rowPos{row: rowID}
				switch {
				case p.sortExpr == "":
				case p.integer:
					at.null, at.value = !sortInt.Valid, strconv.FormatInt(sortInt.Int64, 10)
				case p.numeric:
					at.null, at.value = !sortNum.Valid, strconv.FormatFloat(sortNum.Float64, 'g', -1, 64)
				default:
					at.null, at.value = !sortText.Valid, sortText.String
				}
				pos = &at
				if p.region != nil {
					var code *string
					if r := raw[len(raw)-1]; r != nil {
						c, err := open(p.region, r)
						if err != nil {
							return 0, false, err
						}
						code = &c
					}
					if !inScope(p.scope, code) {
						continue
					}
				}
				// The row's values in one block: a record points into it.
				rec, vals := make(govdata.Record, len(p.out)), make([]string, len(p.out))
				j := 0
				for i, o := range p.out {
					if o.col == nil {
						rec[o.item] = nil
						continue
					}
					r := raw[j]
					j++
					if r == nil || o.mask.Kind == govdata.MaskNull {
						rec[o.item] = nil
						continue
					}
					v, err := open(o.col, r)
					if err != nil {
						return 0, false, err
					}
					vals[i] = s.masker.Masked(v, o.mask)
					rec[o.item] = &vals[i]
				}
				if !fn(rec, at) {
					return n, false, nil
				}
			}
			return n, true, rows.Err()
		}()
		if err != nil || !more || n < chunk {
			return err
		}
	}
}

// sealContexts makes each sealed column's context once per call, not
// once per value.
type sealContexts struct {
	entry int64
	cols  []int
	ctxs  [][]byte
}

func (s *sealContexts) of(c *dsColumn) []byte {
	for i, col := range s.cols {
		if col == c.col {
			return s.ctxs[i]
		}
	}
	ctx := c.context(s.entry)
	s.cols, s.ctxs = append(s.cols, c.col), append(s.ctxs, ctx)
	return ctx
}

// countNil counts served items without a column.
func countNil(out []servedColumn) int {
	n := 0
	for _, o := range out {
		if o.col == nil {
			n++
		}
	}
	return n
}

// liveRows asks the provider's system (AGG-5) and serves its rows through
// the same scope and masks.
func (s *DataService) liveRows(ctx context.Context, t *serviceTarget, p *rowPlan, page govdata.Page) ([]govdata.Record, string, error) {
	out := []govdata.Record{}
	if p.none {
		return out, "", nil
	}
	list, err := s.live.liveQuery(ctx, t.live, p.liveWhere, page)
	if err != nil {
		return nil, "", err
	}
	for _, r := range list.Items {
		// The provider's rows are scoped here: it answers for all of them.
		if len(p.scope) > 0 && !inScope(p.scope, r.Values[p.regionItem]) {
			continue
		}
		rec := make(govdata.Record, len(p.out))
		for _, o := range p.out {
			rec[o.item] = s.masker.Apply(r.Values[o.item], o.mask)
		}
		out = append(out, rec)
	}
	return out, list.NextCursor, nil
}
