package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// index writes the search row of entry id (CAT-5): the published version
// once there is one, else the working version.
func (s *CatalogService) index(tx *Tx, id int64) error {
	r, err := findEntryRow(tx.queryRow, id)
	if err != nil {
		return err
	}
	version, status := r.version, govdata.EntryStatus(r.status)
	published := r.published > 0 && status != govdata.EntryRevoked
	if r.published > 0 {
		version = r.published
		if status != govdata.EntryRevoking && status != govdata.EntryRevoked {
			status = govdata.EntryPublished
		}
	}
	in, err := content(tx.queryRow, id, version)
	if err != nil {
		return err
	}
	in = in.Effective(s.profile)
	names := make([]string, len(in.Items))
	for i, it := range in.Items {
		names[i] = it.Name
	}
	items := strings.Join(names, "\n")
	open := published && in.OpenType != govdata.OpenNone
	cols := []string{"department_id", "region_code", "published", "open", "status", "name", "class_code", "share_type", "open_type",
		"grade", "format", "update_cycle", "updated_at", "name_doc", "summary_doc", "items_doc"}
	args := []any{r.department, r.region, published, open, string(status), in.Name, in.Classification.Code(), string(in.ShareType),
		string(in.OpenType), string(in.Grade), in.Format, string(in.UpdateCycle), r.updated,
		searchDoc(in.Name), searchDoc(in.Summary), searchDoc(items)}
	if s.db.dialect.name == "postgres" {
		cols = append(cols, "doc")
		args = append(args, tsVector(weightedText{in.Name, "A"}, weightedText{items, "B"}, weightedText{in.Summary, "C"}))
	}
	set := make([]string, len(cols))
	values := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = excluded." + c
		values[i] = "?"
		if c == "doc" {
			values[i] = "CAST(? AS tsvector)"
		}
	}
	_, err = tx.exec("INSERT INTO catalog_search (entry_id, "+strings.Join(cols, ", ")+") VALUES (?, "+strings.Join(values, ", ")+
		") ON CONFLICT (entry_id) DO UPDATE SET "+strings.Join(set, ", "), append([]any{id}, args...)...)
	if err != nil {
		return fmt.Errorf("index entry: %w", err)
	}
	return nil
}

// searchScope is who is searching: what beyond published entries they see.
type searchScope struct {
	department   int64  // its own department's drafts
	bureauPrefix string // a reviewer's: drafts in its bureau's region and below
	all          bool   // the platform
	openOnly     bool   // the public: the open catalog alone
}

func (s *CatalogService) scopeOf(ctx context.Context, a govdata.Actor) (searchScope, error) {
	if a.IsSystem() {
		return searchScope{all: true}, nil
	}
	sc := searchScope{department: a.DepartmentID}
	if a.Has(govdata.RoleReviewer) && a.DepartmentID != 0 {
		var region string
		var isBureau bool
		err := s.db.queryRow(ctx, "SELECT region_code, bureau FROM departments WHERE id = ?", a.DepartmentID).Scan(&region, &isBureau)
		if err != nil && err != sql.ErrNoRows {
			return sc, s.db.internal("find reviewer's department", err)
		}
		if isBureau {
			sc.bureauPrefix = govdata.RegionPrefix(region)
		}
	}
	return sc, nil
}

// prefixRange is the half-open range of codes starting with prefix:
// indexable on both engines, unlike LIKE.
func prefixRange(prefix string) (string, string) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return prefix, string(b[:i+1])
		}
	}
	return prefix, "\xff"
}

// searchWhere builds the conditions of a search, without the text match.
func (s *CatalogService) searchWhere(sc searchScope, f govdata.EntryFilter) where {
	var w where
	switch {
	case sc.openOnly:
		w.add("c.open")
	case sc.all:
	default:
		vis := []string{"c.published", "c.department_id = ?"}
		args := []any{sc.department}
		if sc.bureauPrefix != "" {
			lo, hi := prefixRange(sc.bureauPrefix)
			vis = append(vis, "(c.region_code >= ? AND c.region_code < ?)")
			args = append(args, lo, hi)
		}
		w.add("("+strings.Join(vis, " OR ")+")", args...)
	}
	// Revoked entries leave the catalog unless asked for.
	if f.Status != "" {
		w.add("c.status = ?", string(f.Status))
	} else {
		w.add("c.status <> 'revoked'")
	}
	if f.DepartmentID != 0 {
		w.add("c.department_id = ?", f.DepartmentID)
	}
	if f.RegionCode != "" {
		lo, hi := prefixRange(govdata.RegionPrefix(f.RegionCode))
		w.add("c.region_code >= ? AND c.region_code < ?", lo, hi)
	}
	if f.Classification != "" {
		lo, hi := prefixRange(f.Classification)
		w.add("c.class_code >= ? AND c.class_code < ?", lo, hi)
	}
	for col, v := range map[string]string{"share_type": string(f.ShareType), "open_type": string(f.OpenType), "grade": string(f.Grade),
		"format": f.Format, "update_cycle": string(f.UpdateCycle)} {
		if v != "" {
			w.add("c."+col+" = ?", v)
		}
	}
	return w
}

// textMatch adds the query's match to w and returns the tables to search
// and the relevance expression (larger is better, with its argument), or
// ok false when the query can match nothing.
func (s *CatalogService) textMatch(w *where, q string) (from, rank string, rankArg any, ok bool) {
	phrases, ok := parseQuery(q)
	if !ok {
		return "", "", nil, false
	}
	if s.db.dialect.name == "postgres" {
		query := tsQuery(phrases)
		w.add("c.doc @@ CAST(? AS tsquery)", query)
		return "catalog_search c", "ts_rank(c.doc, CAST(? AS tsquery))", query, true
	}
	// bm25 is smaller for better matches; the name weighs most, then items.
	w.add("catalog_fts MATCH ?", ftsMatch(phrases))
	return "catalog_fts JOIN catalog_search c ON c.entry_id = catalog_fts.rowid", "-bm25(catalog_fts, 10.0, 1.0, 3.0)", nil, true
}

// maxSearchOffset bounds how deep a search pages: beyond it, narrow the query.
const maxSearchOffset = 10000

// FindEntries implements govdata.CatalogService.
func (s *CatalogService) FindEntries(ctx context.Context, f govdata.EntryFilter) (govdata.EntryList, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return govdata.EntryList{}, err
	}
	sc, err := s.scopeOf(ctx, a)
	if err != nil {
		return govdata.EntryList{}, err
	}
	return s.search(ctx, sc, f)
}

func (s *CatalogService) search(ctx context.Context, sc searchScope, f govdata.EntryFilter) (govdata.EntryList, error) {
	out := govdata.EntryList{Items: []*govdata.Entry{}}
	f.Page = f.Page.Normalize()
	offset := f.Offset
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		n, perr := strconv.Atoi(strings.TrimPrefix(string(b), "o:"))
		if err != nil || perr != nil || !strings.HasPrefix(string(b), "o:") || n < 0 {
			return out, govdata.Errorf(govdata.EINVALID, govdata.MsgBadCursor)
		}
		offset = n
	}
	if offset < 0 || offset > maxSearchOffset {
		return out, govdata.Errorf(govdata.EINVALID, msgSearchTooDeep, maxSearchOffset)
	}
	w := s.searchWhere(sc, f)
	from, rank := "catalog_search c", ""
	var rankArgs []any
	if strings.TrimSpace(f.Query) != "" {
		var rankArg any
		var ok bool
		from, rank, rankArg, ok = s.textMatch(&w, f.Query)
		if !ok {
			return out, nil // nothing searchable in the query: nothing matches
		}
		if rankArg != nil {
			rankArgs = []any{rankArg}
		}
	}
	order := "c.updated_at DESC, c.entry_id DESC"
	switch {
	case f.Sort == govdata.SortName:
		order = "c.name, c.entry_id"
	case rank != "" && f.Sort != govdata.SortUpdated:
		order = "rank DESC, c.entry_id DESC"
	}
	cols := "c.entry_id"
	args := []any{}
	if rank != "" {
		cols += ", " + rank + " AS rank"
		args = append(args, rankArgs...)
	}
	args = append(args, w.args...)
	rows, err := s.db.query(ctx, "SELECT "+cols+" FROM "+from+w.String()+" ORDER BY "+order+" LIMIT ? OFFSET ?",
		append(args, f.Limit+1, offset)...)
	if err != nil {
		return out, s.db.internal("search catalog", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var r float64
		dest := []any{&id}
		if rank != "" {
			dest = append(dest, &r)
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return out, s.db.internal("search catalog", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, s.db.internal("search catalog", err)
	}
	if len(ids) > f.Limit {
		ids = ids[:f.Limit]
		out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset+f.Limit)))
	}
	if err := s.db.queryRow(ctx, "SELECT COUNT(*) FROM "+from+w.String(), w.args...).Scan(&out.Total); err != nil {
		return out, s.db.internal("count catalog", err)
	}
	if out.Items, err = s.shown(ctx, sc, ids); err != nil {
		return out, err
	}
	if f.Facets {
		if out.Facets, err = s.facets(ctx, from, w); err != nil {
			return out, err
		}
	}
	return out, nil
}

var msgSearchTooDeep = govdata.Msg{ZH: "最多翻到第 %d 条，请缩小查询范围", EN: "results page no further than %d; narrow the search"}

// shown loads the entries of a result page in its order: the version the
// search row shows.
func (s *CatalogService) shown(ctx context.Context, sc searchScope, ids []int64) ([]*govdata.Entry, error) {
	out := make([]*govdata.Entry, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.db.query(ctx, "SELECT "+entryRowColumns+`, v.content FROM catalog_entries e JOIN departments d ON d.id = e.department_id
		JOIN catalog_versions v ON v.entry_id = e.id AND v.version = CASE WHEN e.published_version > 0 THEN e.published_version ELSE e.version END
		WHERE e.id IN (`+placeholders(len(ids))+")", int64Args(ids)...)
	if err != nil {
		return nil, s.db.internal("load entries", err)
	}
	defer rows.Close()
	byID := map[int64]*govdata.Entry{}
	for rows.Next() {
		var raw string
		r, err := scanEntryRow(scanExtra{rows, []any{&raw}})
		if err != nil {
			return nil, s.db.internal("load entries", err)
		}
		var in govdata.EntryInput
		if err := json.Unmarshal([]byte(raw), &in); err != nil {
			return nil, s.db.internal("load entries", err)
		}
		version, status := r.version, govdata.EntryStatus(r.status)
		if r.published > 0 {
			version = r.published
			if status != govdata.EntryRevoking && status != govdata.EntryRevoked {
				status = govdata.EntryPublished
			}
		}
		byID[r.id] = r.entry(in, version, status)
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.internal("load entries", err)
	}
	for _, id := range ids {
		if e, ok := byID[id]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// facetColumns are the facet fields and their search columns.
var facetColumns = []struct{ field, column string }{
	{govdata.FacetDepartment, "c.department_id"},
	{govdata.FacetRegion, "c.region_code"},
	{govdata.FacetClassification, "substr(c.class_code, 1, 1)"},
	{govdata.FacetShareType, "c.share_type"},
	{govdata.FacetOpenType, "c.open_type"},
	{govdata.FacetGrade, "c.grade"},
	{govdata.FacetFormat, "c.format"},
	{govdata.FacetUpdateCycle, "c.update_cycle"},
}

// maxFacetValues bounds the values listed per facet, most frequent first.
const maxFacetValues = 50

// facets counts the matching entries per value of each facet field.
func (s *CatalogService) facets(ctx context.Context, from string, w where) (map[string][]govdata.Facet, error) {
	out := map[string][]govdata.Facet{}
	for _, fc := range facetColumns {
		rows, err := s.db.query(ctx, "SELECT CAST("+fc.column+" AS TEXT) AS v, COUNT(*) FROM "+from+w.String()+
			" GROUP BY v ORDER BY COUNT(*) DESC, v LIMIT ?", append(w.args, maxFacetValues)...)
		if err != nil {
			return nil, s.db.internal("catalog facets", err)
		}
		values := []govdata.Facet{}
		for rows.Next() {
			var f govdata.Facet
			if err := rows.Scan(&f.Value, &f.Count); err != nil {
				rows.Close()
				return nil, s.db.internal("catalog facets", err)
			}
			values = append(values, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.db.internal("catalog facets", err)
		}
		out[fc.field] = values
	}
	if err := s.labelDepartments(ctx, out[govdata.FacetDepartment]); err != nil {
		return nil, err
	}
	return out, nil
}

// labelDepartments names the departments of a department facet.
func (s *CatalogService) labelDepartments(ctx context.Context, values []govdata.Facet) error {
	if len(values) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(values))
	for _, v := range values {
		if id, err := strconv.ParseInt(v.Value, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	rows, err := s.db.query(ctx, "SELECT CAST(id AS TEXT), name FROM departments WHERE id IN ("+placeholders(len(ids))+")", int64Args(ids)...)
	if err != nil {
		return s.db.internal("facet labels", err)
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return s.db.internal("facet labels", err)
		}
		names[id] = name
	}
	for i := range values {
		values[i].Label = names[values[i].Value]
	}
	return rows.Err()
}

// OpenCatalog is the catalog the public reads (OPN-1, CAT-7).
func (s *CatalogService) OpenCatalog() govdata.OpenCatalog { return openCatalog{s} }

type openCatalog struct{ s *CatalogService }

func (o openCatalog) FindOpenEntries(ctx context.Context, f govdata.EntryFilter) (govdata.EntryList, error) {
	f.Status = ""
	list, err := o.s.search(ctx, searchScope{openOnly: true}, f)
	for _, e := range list.Items {
		publicView(e)
	}
	return list, err
}

func (o openCatalog) FindOpenEntry(ctx context.Context, id int64) (*govdata.Entry, error) {
	var open bool
	err := o.s.db.queryRow(ctx, "SELECT open FROM catalog_search WHERE entry_id = ? AND status <> 'revoked'", id).Scan(&open)
	if err == sql.ErrNoRows || (err == nil && !open) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgEntryNotFound)
	}
	if err != nil {
		return nil, o.s.db.internal("find open entry", err)
	}
	entries, err := o.s.shown(ctx, searchScope{openOnly: true}, []int64{id})
	if err != nil || len(entries) == 0 {
		return nil, err
	}
	return publicView(entries[0]), nil
}

func (o openCatalog) OpenPublishers(ctx context.Context) ([]govdata.Publisher, error) {
	rows, err := o.s.db.query(ctx, `SELECT `+prefixed("d.", departmentColumns)+`, COUNT(*) FROM catalog_search c JOIN departments d ON d.id = c.department_id
		WHERE c.open AND c.status <> 'revoked' GROUP BY `+prefixed("d.", departmentColumns)+` ORDER BY d.name, d.id`)
	if err != nil {
		return nil, o.s.db.internal("open publishers", err)
	}
	defer rows.Close()
	out := []govdata.Publisher{}
	for rows.Next() {
		var p govdata.Publisher
		d, err := scanDepartment(scanExtra{rows, []any{&p.OpenEntries}})
		if err != nil {
			return nil, o.s.db.internal("open publishers", err)
		}
		p.Department = *d
		out = append(out, p)
	}
	return out, rows.Err()
}

// publicView drops what only government users see: the sharing
// attributes and the review state.
func publicView(e *govdata.Entry) *govdata.Entry {
	e.ShareConditions, e.ShareBasis, e.ShareMethod, e.SourceSystem = "", "", "", ""
	e.Workflow = nil
	e.Items = slices.Clone(e.Items)
	for i := range e.Items {
		e.Items[i].Rules = nil
	}
	return e
}

func prefixed(p, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = p + c
	}
	return strings.Join(cols, ", ")
}
