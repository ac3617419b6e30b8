package sqlstore

import (
	"cmp"
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
	// The one place the open catalog's membership is computed (OPN-1): a
	// published entry whose open attribute in force has an open type, not
	// withdrawn (HLJ-35). The attribute in force is that of the version
	// open_effective_version names (ZJ-20: approved by the source, the
	// 办公室 and the 数字中心's leader; elsewhere the published version).
	var withdrawn sql.NullInt64
	var effective int
	if err := tx.queryRow("SELECT open_withdrawn_at, open_effective_version FROM catalog_entries WHERE id = ?", id).Scan(&withdrawn, &effective); err != nil {
		return fmt.Errorf("index entry: %w", err)
	}
	attr := in.OpenAttribute()
	if effective != version {
		if attr, err = openAttributeOf(tx.queryRow, id, effective); err != nil {
			return err
		}
	}
	open := published && attr.OpenType != govdata.OpenNone && !withdrawn.Valid
	if open {
		// The open catalog's facets and filters count the type in force.
		in.OpenType = attr.OpenType
	}
	cols := []string{"department_id", "region_code", "published", "open", "status", "name", "class_code", "share_type", "open_type",
		"grade", "format", "update_cycle", "updated_at"}
	args := []any{r.department, r.region, published, open, string(status), in.Name, in.Classification.Code(), string(in.ShareType),
		string(in.OpenType), string(in.Grade), in.Format, string(in.UpdateCycle), r.updated}
	values := slices.Repeat([]string{"?"}, len(cols))
	text := searchText{name: in.Name, summary: in.Summary, items: items, row: searchRow{department: r.department, region: r.region,
		published: published, open: open, status: status, class: in.Classification.Code(), share: in.ShareType, openType: in.OpenType,
		grade: in.Grade, format: in.Format, cycle: in.UpdateCycle}}
	ixCols, ixValues, ixArgs, err := s.db.dialect.search.columns(tx, text)
	if err != nil {
		return fmt.Errorf("index entry: %w", err)
	}
	cols, values, args = append(cols, ixCols...), append(values, ixValues...), append(args, ixArgs...)
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = excluded." + c
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

// maxSearchOffset bounds how deep a search pages: beyond it, narrow the query.
const maxSearchOffset = 10000

// maxCounted is how far a text search counts its matches: a one-character
// query may match most of the catalog, and counting all would cost more
// than the search (EntryList.TotalCapped). It is where a search stops
// reading every match (sparseMatches), so the two engines count alike.
const maxCounted = sparseMatches

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

// search answers a search: with a query, from the full-text index,
// entries whose name matches first (relevance), newest first within each;
// without one, from the search table by its indexes.
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
	// A text search pages no deeper than maxSearchOffset (each page re-reads
	// the matches before it); a listing pages through the recency index,
	// so a harvester reads the whole open catalog.
	if offset < 0 || (offset > maxSearchOffset && strings.TrimSpace(f.Query) != "") {
		return out, govdata.Errorf(govdata.EINVALID, msgSearchTooDeep, maxSearchOffset)
	}
	var page searchPage
	var err error
	if strings.TrimSpace(f.Query) == "" {
		page, err = s.searchTable(ctx, sc, f, offset)
	} else if phrases, ok := parseQuery(f.Query); !ok {
		return out, nil // nothing searchable in the query: nothing matches
	} else {
		page, err = s.searchText(ctx, s.db.dialect.search.query(s, phrases, sc, f), f, offset)
	}
	if err != nil {
		return out, err
	}
	ids := page.ids
	if len(ids) > f.Limit {
		ids = ids[:f.Limit]
		out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset+f.Limit)))
	}
	out.Total, out.TotalCapped = page.total, page.capped
	if out.Items, err = s.shown(ctx, sc, ids); err != nil {
		return out, err
	}
	if f.Facets {
		if out.Facets, err = s.facets(ctx, page.from, page.where); err != nil {
			return out, err
		}
	}
	return out, nil
}

// searchPage is one page of ids (one more than the limit when there are
// more), the count, and the matching set for facets.
type searchPage struct {
	ids    []int64
	total  int
	capped bool
	from   string
	where  where
}

// searchTable searches without a query: the search table's indexes serve
// the filters, and the count is exact.
func (s *CatalogService) searchTable(ctx context.Context, sc searchScope, f govdata.EntryFilter, offset int) (searchPage, error) {
	w := s.searchWhere(sc, f)
	page := searchPage{from: "catalog_search c", where: w}
	order := "c.updated_at DESC, c.entry_id DESC"
	if f.Sort == govdata.SortName {
		order = "c.name, c.entry_id"
	}
	var err error
	if page.ids, err = s.ids(ctx, "SELECT c.entry_id FROM catalog_search c"+w.String()+" ORDER BY "+order+" LIMIT ? OFFSET ?",
		append(w.args, f.Limit+1, offset)...); err != nil {
		return page, err
	}
	err = s.db.queryRowForValues(ctx, "SELECT COUNT(*) FROM catalog_search c"+w.String(), w.args...).Scan(&page.total)
	if err != nil {
		return page, s.db.internal("count catalog", err)
	}
	return page, nil
}

// A text search lists the entries whose name matches first, then the
// others, newest first within each: relevance, cheaply. How to read the
// matches depends on how common the query's words are, which only the
// index knows, so it is asked first with a bounded read:
//   - up to sparseMatches matches (most queries of two or more
//     characters): all are read, filtered and sorted here, and the count is
//     exact;
//   - more (a common character): a page is read in the order of recency,
//     where it lies within the first rows.
const sparseMatches = 200

// searchIndex is an engine's full-text index of the catalog: what an
// entry's search row holds for it, and how a query reads it.
type searchIndex interface {
	// columns are the index's own columns of an entry's search row, the
	// SQL that takes each value, and the values.
	columns(tx *Tx, t searchText) (cols, values []string, args []any, err error)
	// query is the index asked for a query's phrases, within what the
	// searcher sees and the filters.
	query(s *CatalogService, phrases []searchPhrase, sc searchScope, f govdata.EntryFilter) textIndex
}

// searchText is what the index of an entry holds: its texts, and what a
// search filters it on.
type searchText struct {
	name, summary, items string // items: the items' names, a line each
	row                  searchRow
}

// textIndex is the engine's full-text index asked for one query.
type textIndex interface {
	// sparse reads the filtered matches when there are at most limit;
	// complete is false when there are more.
	sparse(ctx context.Context, limit int) (rows []textMatch, complete bool, err error)
	// names reads the filtered name matches when the index can tell
	// cheaply that there are at most limit; complete false: walk them.
	names(ctx context.Context, limit int) (rows []textMatch, complete bool, err error)
	// walk reads a page of filtered matches of a tier newest first.
	walk(ctx context.Context, t textTier, limit, offset int) ([]int64, error)
	// count counts the filtered matches of a tier, up to limit.
	count(ctx context.Context, t textTier, limit int) (int, error)
	// denseTotal is the total of a search with more than sparseMatches
	// matches, and whether it is a lower bound.
	denseTotal(ctx context.Context) (int, bool, error)
	// where is the filtered match as conditions on catalog_search c (facets).
	where() where
}

// textTier is a part of the matches.
type textTier int

const (
	tierAll     textTier = iota // every match
	tierName                    // the matches whose name matches
	tierNotName                 // the others
)

// textMatch is a filtered match.
type textMatch struct {
	id      int64
	recency int64 // larger is newer
	name    string
	inName  bool
}

// searchText answers a search with a query.
func (s *CatalogService) searchText(ctx context.Context, ix textIndex, f govdata.EntryFilter, offset int) (searchPage, error) {
	page := searchPage{from: "catalog_search c", where: ix.where()}
	rows, complete, err := ix.sparse(ctx, sparseMatches)
	if err != nil {
		return page, err
	}
	if complete {
		sortMatches(rows, f.Sort)
		page.total = len(rows)
		for _, r := range rows[min(offset, len(rows)):min(len(rows), offset+f.Limit+1)] {
			page.ids = append(page.ids, r.id)
		}
		return page, nil
	}
	switch f.Sort {
	case govdata.SortUpdated:
		page.ids, err = ix.walk(ctx, tierAll, f.Limit+1, offset)
	case govdata.SortName:
		page.ids, err = s.ids(ctx, "SELECT c.entry_id FROM catalog_search c"+page.where.String()+" ORDER BY c.name, c.entry_id LIMIT ? OFFSET ?",
			append(page.where.args, f.Limit+1, offset)...)
	default:
		page.ids, err = s.denseByRelevance(ctx, ix, f.Limit+1, offset)
	}
	if err != nil {
		return page, err
	}
	page.total, page.capped, err = ix.denseTotal(ctx)
	return page, err
}

// denseByRelevance pages through a common query: the name matches (read
// whole when the index says they are few, else walked newest first), then
// the rest, walked.
func (s *CatalogService) denseByRelevance(ctx context.Context, ix textIndex, limit, offset int) ([]int64, error) {
	names, complete, err := ix.names(ctx, sparseMatches)
	if err != nil {
		return nil, err
	}
	var out []int64
	if complete {
		sortMatches(names, govdata.SortUpdated)
		for _, r := range names[min(offset, len(names)):min(len(names), offset+limit)] {
			out = append(out, r.id)
		}
		offset = max(0, offset-len(names))
	} else {
		if out, err = ix.walk(ctx, tierName, limit, offset); err != nil {
			return nil, err
		}
		if len(out) == 0 && offset > 0 {
			// The page starts past the name matches: by how many?
			n, err := ix.count(ctx, tierName, offset)
			if err != nil {
				return nil, err
			}
			offset -= n
		} else {
			offset = 0
		}
	}
	if len(out) >= limit {
		return out, nil
	}
	rest, err := ix.walk(ctx, tierNotName, limit-len(out), offset)
	if err != nil {
		return nil, err
	}
	return append(out, rest...), nil
}

// sortMatches orders filtered matches: name matches first (relevance),
// then newest first; or by name.
func sortMatches(rows []textMatch, sort string) {
	slices.SortFunc(rows, func(a, b textMatch) int {
		if sort == govdata.SortName {
			return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.id, b.id))
		}
		if sort != govdata.SortUpdated && a.inName != b.inName {
			if a.inName {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.recency, a.recency), cmp.Compare(b.id, a.id))
	})
}

// ftsSearch is SQLite's FTS5 index: the words of each text, its pairs of
// Chinese characters, and the filter values as words (tags).
type ftsSearch struct{}

func (ftsSearch) columns(tx *Tx, t searchText) ([]string, []string, []any, error) {
	// The newest change gets the highest rev (one writer: no race).
	var rev int64
	if err := tx.queryRow("SELECT COALESCE(MAX(rev), 0) + 1 FROM catalog_search").Scan(&rev); err != nil {
		return nil, nil, nil, err
	}
	cols := []string{"name_doc", "summary_doc", "items_doc", "name_bi", "summary_bi", "items_bi", "rev", "tags"}
	return cols, slices.Repeat([]string{"?"}, len(cols)), []any{searchDoc(t.name), searchDoc(t.summary), searchDoc(t.items),
		searchPairsDoc(t.name), searchPairsDoc(t.summary), searchPairsDoc(t.items), rev, searchTags(t.row)}, nil
}

func (ftsSearch) query(s *CatalogService, phrases []searchPhrase, sc searchScope, f govdata.EntryFilter) textIndex {
	return ftsIndex{s: s, text: ftsMatch(phrases, false), name: ftsMatch(phrases, true), tags: ftsFilters(sc, f), status: f.Status,
		w: s.searchWhere(sc, f)}
}

// ftsIndex is SQLite's FTS5 index asked for one query: its rowid is the
// entry's last change (rev), so newest first is the index's own order,
// and the filters and visibility are words of the tags column, so a walk
// is one FTS5 query.
type ftsIndex struct {
	s          *CatalogService
	text, name string // the query over the text columns, over the name's
	tags       []string
	status     govdata.EntryStatus
	w          where // the filters as conditions on catalog_search c
}

func (x ftsIndex) expr(t textTier) string {
	e := x.text
	for _, tag := range x.tags {
		e += " AND (" + tag + ")"
	}
	if x.status == "" {
		e = "(" + e + ") NOT (tags : \"zstrevoked\")"
	}
	switch t {
	case tierName:
		e = "(" + e + ") AND " + x.name
	case tierNotName:
		e = "(" + e + ") NOT " + x.name
	}
	return e
}

// sparse reads the text matches from the index alone (no filters: short
// lists answer at once), then filters them on the search table and marks
// those whose name matches.
func (x ftsIndex) sparse(ctx context.Context, limit int) ([]textMatch, bool, error) {
	revs, err := x.s.ids(ctx, "SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH ? LIMIT ?", x.text, limit+1)
	if err != nil || len(revs) > limit {
		return nil, false, err
	}
	inName, err := x.s.ids(ctx, "SELECT rowid FROM catalog_fts_name WHERE catalog_fts_name MATCH ?", x.name)
	if err != nil {
		return nil, false, err
	}
	names := map[int64]bool{}
	for _, r := range inName {
		names[r] = true
	}
	w := x.w.with("c.rev IN ("+placeholders(len(revs))+")", int64Args(revs)...)
	rows, err := x.s.textMatches(ctx, "SELECT c.entry_id, c.rev, c.name FROM catalog_search c"+w.String(), w.args...)
	for i := range rows {
		rows[i].inName = names[rows[i].recency]
	}
	return rows, err == nil, err
}

// names reads the name matches from the names' own index (lists of names
// only, short whatever the items hold) when they are few.
func (x ftsIndex) names(ctx context.Context, limit int) ([]textMatch, bool, error) {
	revs, err := x.s.ids(ctx, "SELECT rowid FROM catalog_fts_name WHERE catalog_fts_name MATCH ? LIMIT ?", x.name, limit+1)
	if err != nil || len(revs) > limit {
		return nil, false, err
	}
	w := x.w.with("c.rev IN ("+placeholders(len(revs))+")", int64Args(revs)...)
	rows, err := x.s.textMatches(ctx, "SELECT c.entry_id, c.rev, c.name FROM catalog_search c"+w.String(), w.args...)
	return rows, err == nil, err
}

func (x ftsIndex) walk(ctx context.Context, t textTier, limit, offset int) ([]int64, error) {
	revs, err := x.s.ids(ctx, "SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH ? ORDER BY rowid DESC LIMIT ? OFFSET ?", x.expr(t), limit, offset)
	if err != nil {
		return nil, err
	}
	return x.s.entriesOfRevs(ctx, revs)
}

func (x ftsIndex) count(ctx context.Context, t textTier, limit int) (int, error) {
	return x.s.countOf(ctx, "SELECT COUNT(*) FROM (SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH ? LIMIT ?) m", x.expr(t), limit)
}

// denseTotal counts the filtered matches up to maxCounted (the sparse read
// counted them unfiltered, which may be more than a caller sees).
func (x ftsIndex) denseTotal(ctx context.Context) (int, bool, error) {
	n, err := x.count(ctx, tierAll, maxCounted+1)
	if err != nil {
		return 0, false, err
	}
	return min(n, maxCounted), n > maxCounted, nil
}

func (x ftsIndex) where() where {
	return x.w.with("c.rev IN (SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH ?)", x.expr(tierAll))
}

// tsvectorSearch is PostgreSQL's index: a tsvector of every text (doc)
// and one of the name alone (name_tsv), each under a GIN index.
type tsvectorSearch struct{}

func (tsvectorSearch) columns(_ *Tx, t searchText) ([]string, []string, []any, error) {
	return []string{"doc", "name_tsv"}, []string{"CAST(? AS tsvector)", "CAST(? AS tsvector)"},
		[]any{tsVector(t.name, t.items, t.summary), tsVector(t.name)}, nil
}

func (tsvectorSearch) query(s *CatalogService, phrases []searchPhrase, sc searchScope, f govdata.EntryFilter) textIndex {
	return tsIndex{s: s, query: tsQuery(phrases), w: s.searchWhere(sc, f)}
}

// tsIndex is PostgreSQL's GIN indexes over doc and name_tsv, asked for
// one query. A walk goes
// down the updated_at index through its newest tsWalkRows rows, fenced in
// a subquery so that the planner, which cannot estimate a phrase of
// character pairs and takes a common one for a rare one, does not turn it
// into a read and sort of every match; a page those rows do not hold is
// then read from the whole tier.
type tsIndex struct {
	s     *CatalogService
	query string // the tsquery literal
	w     where
}

const tsWalkRows = 2000

// tsWalkColumns are what a walk's conditions read besides doc.
const tsWalkColumns = "entry_id, updated_at, name_tsv, department_id, region_code, published, open, status, class_code, share_type, open_type, grade, format, update_cycle"

func (x tsIndex) tier(t textTier) where {
	switch t {
	case tierName:
		return x.w.with("c.name_tsv @@ CAST(? AS tsquery)", x.query)
	case tierNotName:
		return x.w.with("c.doc @@ CAST(? AS tsquery) AND NOT (c.name_tsv @@ CAST(? AS tsquery))", x.query, x.query)
	}
	return x.w.with("c.doc @@ CAST(? AS tsquery)", x.query)
}

// sparse reads the filtered matches in one query through the GIN index,
// with whether the name matches.
func (x tsIndex) sparse(ctx context.Context, limit int) ([]textMatch, bool, error) {
	w := x.tier(tierAll)
	rows, err := x.s.textMatches(ctx, "SELECT c.entry_id, c.updated_at, c.name, c.name_tsv @@ CAST(? AS tsquery) FROM catalog_search c"+w.String()+" LIMIT ?",
		append(append([]any{x.query}, w.args...), limit+1)...)
	if err != nil || len(rows) > limit {
		return nil, false, err
	}
	return rows, true, nil
}

// names reads the filtered name matches through the names' own GIN index
// when they are few: a query found in items but in no name costs nothing
// here, where a walk would read its whole length for nothing.
func (x tsIndex) names(ctx context.Context, limit int) ([]textMatch, bool, error) {
	w := x.tier(tierName)
	rows, err := x.s.textMatches(ctx, "SELECT c.entry_id, c.updated_at, c.name FROM catalog_search c"+w.String()+" LIMIT ?", append(w.args, limit+1)...)
	if err != nil || len(rows) > limit {
		return nil, false, err
	}
	return rows, true, nil
}

func (x tsIndex) walk(ctx context.Context, t textTier, limit, offset int) ([]int64, error) {
	w := x.tier(t)
	// The fence reads only the columns the conditions need: the name tier
	// leaves the large doc alone.
	cols := tsWalkColumns + ", doc"
	if t == tierName {
		cols = tsWalkColumns
	}
	ids, err := x.s.ids(ctx, "SELECT c.entry_id FROM (SELECT "+cols+" FROM catalog_search ORDER BY updated_at DESC, entry_id DESC LIMIT ?) c"+
		w.String()+" LIMIT ? OFFSET ?", append(append([]any{tsWalkRows}, w.args...), limit, offset)...)
	if err != nil || len(ids) == limit {
		return ids, err
	}
	return x.s.ids(ctx, "SELECT c.entry_id FROM catalog_search c"+w.String()+" ORDER BY c.updated_at DESC, c.entry_id DESC LIMIT ? OFFSET ?",
		append(w.args, limit, offset)...)
}

func (x tsIndex) count(ctx context.Context, t textTier, limit int) (int, error) {
	w := x.tier(t)
	return x.s.countOf(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM catalog_search c"+w.String()+" LIMIT ?) m", append(w.args, limit)...)
}

// denseTotal: the sparse read found more than sparseMatches filtered
// matches, which is what the search knows; counting further would read
// every match from the heap, which costs more than the search itself.
func (x tsIndex) denseTotal(context.Context) (int, bool, error) { return sparseMatches, true, nil }

func (x tsIndex) where() where { return x.tier(tierAll) }

// textMatches runs a query of (entry id, recency, name[, in name]).
func (s *CatalogService) textMatches(ctx context.Context, query string, args ...any) ([]textMatch, error) {
	rows, err := s.db.queryForValues(ctx, query, args...)
	if err != nil {
		return nil, s.db.internal("search catalog", err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []textMatch
	for rows.Next() {
		var m textMatch
		dest := []any{&m.id, &m.recency, &m.name}
		if len(cols) == 4 {
			var inName any
			dest = append(dest, &inName)
			if err := rows.Scan(dest...); err != nil {
				return nil, s.db.internal("search catalog", err)
			}
			m.inName = inName == true
		} else if err := rows.Scan(dest...); err != nil {
			return nil, s.db.internal("search catalog", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// entriesOfRevs maps full-text rowids to entry ids, in order.
func (s *CatalogService) entriesOfRevs(ctx context.Context, revs []int64) ([]int64, error) {
	if len(revs) == 0 {
		return nil, nil
	}
	rows, err := s.db.query(ctx, "SELECT rev, entry_id FROM catalog_search WHERE rev IN ("+placeholders(len(revs))+")", int64Args(revs)...)
	if err != nil {
		return nil, s.db.internal("search catalog", err)
	}
	defer rows.Close()
	byRev := map[int64]int64{}
	for rows.Next() {
		var rev, id int64
		if err := rows.Scan(&rev, &id); err != nil {
			return nil, s.db.internal("search catalog", err)
		}
		byRev[rev] = id
	}
	out := make([]int64, 0, len(revs))
	for _, r := range revs {
		if id, ok := byRev[r]; ok {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// ftsFilters are the visibility and filters of a search as FTS5
// expressions over the tags column.
func ftsFilters(sc searchScope, f govdata.EntryFilter) []string {
	tag := func(word string) string { return "tags : \"" + word + "\"" }
	var out []string
	switch {
	case sc.openOnly:
		out = append(out, tag("zopen"))
	case sc.all:
	default:
		vis := tag("zpub") + " OR " + tag(tagWord("zd", strconv.FormatInt(sc.department, 10)))
		if sc.bureauPrefix != "" {
			vis += " OR " + tag("zr"+sc.bureauPrefix)
		}
		out = append(out, vis)
	}
	if f.Status != "" {
		out = append(out, tag(tagWord("zst", string(f.Status))))
	}
	if f.DepartmentID != 0 {
		out = append(out, tag(tagWord("zd", strconv.FormatInt(f.DepartmentID, 10))))
	}
	if f.RegionCode != "" {
		out = append(out, tag("zr"+govdata.RegionPrefix(f.RegionCode)))
	}
	if f.Classification != "" {
		out = append(out, tag("zc"+f.Classification))
	}
	for prefix, v := range map[string]string{"zs": string(f.ShareType), "zo": string(f.OpenType), "zg": string(f.Grade), "zu": string(f.UpdateCycle)} {
		if v != "" {
			out = append(out, tag(tagWord(prefix, v)))
		}
	}
	if f.Format != "" {
		out = append(out, tag(formatTag(f.Format)))
	}
	slices.Sort(out) // one expression for one search, whatever the map's order
	return out
}

// countOf reads the number a count query answers.
func (s *CatalogService) countOf(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	if err := s.db.queryRowForValues(ctx, query, args...).Scan(&n); err != nil {
		return 0, s.db.internal("count catalog", err)
	}
	return n, nil
}

// ids runs a query of one id column.
func (s *CatalogService) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.db.queryForValues(ctx, query, args...)
	if err != nil {
		return nil, s.db.internal("search catalog", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.db.internal("search catalog", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.internal("search catalog", err)
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
	rows, err := s.db.query(ctx, "SELECT "+entryRowColumns+` FROM catalog_entries e JOIN departments d ON d.id = e.department_id
		WHERE e.id IN (`+placeholders(len(ids))+")", int64Args(ids)...)
	if err != nil {
		return nil, s.db.internal("load entries", err)
	}
	defer rows.Close()
	byID := map[int64]*entryRow{}
	var pairs []any
	for rows.Next() {
		r, err := scanEntryRow(rows)
		if err != nil {
			return nil, s.db.internal("load entries", err)
		}
		byID[r.id] = r
		pairs = append(pairs, r.id, r.shownVersion())
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.internal("load entries", err)
	}
	// The versions by their key, (entry, version) pairs: an index lookup each.
	contents := map[int64]govdata.EntryInput{}
	if len(pairs) > 0 {
		vrows, err := s.db.query(ctx, "SELECT entry_id, content FROM catalog_versions WHERE (entry_id, version) IN ("+
			strings.TrimSuffix(strings.Repeat("(?, ?), ", len(pairs)/2), ", ")+")", pairs...)
		if err != nil {
			return nil, s.db.internal("load entries", err)
		}
		defer vrows.Close()
		for vrows.Next() {
			var id int64
			var raw string
			var in govdata.EntryInput
			if err := vrows.Scan(&id, &raw); err != nil {
				return nil, s.db.internal("load entries", err)
			}
			if err := json.Unmarshal([]byte(raw), &in); err != nil {
				return nil, s.db.internal("load entries", err)
			}
			contents[id] = in
		}
		if err := vrows.Err(); err != nil {
			return nil, s.db.internal("load entries", err)
		}
	}
	for _, id := range ids {
		r, ok := byID[id]
		if !ok {
			continue
		}
		version, status := r.shownVersion(), govdata.EntryStatus(r.status)
		if r.published > 0 && status != govdata.EntryRevoking && status != govdata.EntryRevoked {
			status = govdata.EntryPublished
		}
		in := contents[id]
		if sc.openOnly {
			// The public sees the open attribute in force (ZJ-20).
			var err error
			if in, err = withEffectiveAttribute(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, id, in); err != nil {
				return nil, s.db.internal("load entries", err)
			}
		}
		out = append(out, r.entry(in, version, status))
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
		rows, err := s.db.queryForValues(ctx, "SELECT CAST("+fc.column+" AS TEXT) AS v, COUNT(*) FROM "+from+w.String()+
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
	return o.s.findOpenEntry(ctx, id)
}

func (o openCatalog) OpenPublishers(ctx context.Context) ([]govdata.Publisher, error) {
	return o.s.openPublishers(ctx)
}

// findOpenEntry reads an open entry as the public sees it; ENOTFOUND for
// any entry that is not open.
func (s *CatalogService) findOpenEntry(ctx context.Context, id int64) (*govdata.Entry, error) {
	var open bool
	err := s.db.queryRow(ctx, "SELECT open FROM catalog_search WHERE entry_id = ? AND status <> 'revoked'", id).Scan(&open)
	if err == sql.ErrNoRows || (err == nil && !open) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgEntryNotFound)
	}
	if err != nil {
		return nil, s.db.internal("find open entry", err)
	}
	entries, err := s.shown(ctx, searchScope{openOnly: true}, []int64{id})
	if err != nil || len(entries) == 0 {
		return nil, err
	}
	return publicView(entries[0]), nil
}

// openPublishers lists the departments with open entries and how many.
func (s *CatalogService) openPublishers(ctx context.Context) ([]govdata.Publisher, error) {
	rows, err := s.db.query(ctx, `SELECT `+prefixed("d.", departmentColumns)+`, COUNT(*) FROM catalog_search c JOIN departments d ON d.id = c.department_id
		WHERE c.open AND c.status <> 'revoked' GROUP BY `+prefixed("d.", departmentColumns)+` ORDER BY d.name, d.id`)
	if err != nil {
		return nil, s.db.internal("open publishers", err)
	}
	defer rows.Close()
	out := []govdata.Publisher{}
	for rows.Next() {
		var p govdata.Publisher
		d, err := scanDepartment(scanExtra{rows, []any{&p.OpenEntries}})
		if err != nil {
			return nil, s.db.internal("open publishers", err)
		}
		p.Department = *d
		out = append(out, p)
	}
	return out, rows.Err()
}

// publicView drops what only government users see: the sharing
// attributes, the review state, and the working version's activity (the
// published version's time is its last change as the public sees it).
func publicView(e *govdata.Entry) *govdata.Entry {
	e.ShareConditions, e.ShareBasis, e.ShareMethod, e.SourceSystem = "", "", "", ""
	e.Workflow, e.Version = nil, e.PublishedVersion
	if e.PublishedAt != nil {
		e.UpdatedAt = *e.PublishedAt
	}
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
