package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/govdata/govdata"
)

// RegionService implements govdata.RegionService.
type RegionService struct{ db *DB }

// NewRegionService returns the region service of db.
func NewRegionService(db *DB) *RegionService { return &RegionService{db: db} }

var _ govdata.RegionService = (*RegionService)(nil)

const regionColumns = "code, name, parent_code, level, created_at"

func scanRegion(row interface{ Scan(...any) error }) (*govdata.Region, error) {
	var r govdata.Region
	var parent sql.NullString
	var created int64
	if err := row.Scan(&r.Code, &r.Name, &parent, &r.Level, &created); err != nil {
		return nil, err
	}
	r.ParentCode, r.CreatedAt = parent.String, fromDB(created)
	return &r, nil
}

// CreateRegion implements govdata.RegionService.
func (s *RegionService) CreateRegion(ctx context.Context, in govdata.RegionInput) (*govdata.Region, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermRegionWrite); err != nil {
		return nil, err
	}
	if err := govdata.ValidateRegionInput(in); err != nil {
		return nil, err
	}
	var out *govdata.Region
	err := s.db.write(ctx, func(tx *Tx) error {
		r, err := createRegion(tx, in)
		if err != nil {
			return err
		}
		out = r
		return tx.audit("region.create", "region", r.Code, in)
	})
	return out, err
}

// createRegion inserts one validated region, finding its parent.
func createRegion(tx *Tx, in govdata.RegionInput) (*govdata.Region, error) {
	level, _ := govdata.RegionLevelOf(in.Code)
	parent, err := findParent(tx, in)
	if err != nil {
		return nil, err
	}
	r := &govdata.Region{Code: in.Code, Name: in.Name, ParentCode: parent, Level: level, CreatedAt: tx.Now()}
	_, err = tx.exec("INSERT INTO regions ("+regionColumns+") VALUES (?, ?, ?, ?, ?)",
		r.Code, r.Name, nullString(parent), string(level), toDB(r.CreatedAt))
	if isUniqueViolation(err) {
		return nil, &govdata.Error{Code: govdata.ECONFLICT, Message: govdata.Message{Msg: govdata.MsgRegionExists, Args: []any{in.Code}}}
	}
	if err != nil {
		return nil, fmt.Errorf("insert region %s: %w", in.Code, err)
	}
	return r, nil
}

// findParent returns the parent code of a region: the given one if it
// exists, else the nearest existing candidate. Provinces have none.
func findParent(tx *Tx, in govdata.RegionInput) (string, error) {
	candidates := govdata.RegionParentCandidates(in.Code)
	if in.ParentCode != "" {
		candidates = []string{in.ParentCode}
	}
	for _, c := range candidates {
		var one int
		err := tx.queryRow("SELECT 1 FROM regions WHERE code = ?", c).Scan(&one)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("find parent region %s: %w", c, err)
		}
	}
	if len(candidates) == 0 {
		return "", nil
	}
	var fe govdata.FieldErrors
	fe.Add("parent_code", govdata.MsgRegionParentMissing, candidates[0])
	return "", fe.Err()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// FindRegionByCode implements govdata.RegionService.
func (s *RegionService) FindRegionByCode(ctx context.Context, code string) (*govdata.Region, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermRegionRead); err != nil {
		return nil, err
	}
	r, err := scanRegion(s.db.queryRow(ctx, "SELECT "+regionColumns+" FROM regions WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgRegionNotFound, code)
	}
	if err != nil {
		return nil, s.db.internal("find region", err)
	}
	return r, nil
}

// FindRegions implements govdata.RegionService.
func (s *RegionService) FindRegions(ctx context.Context, f govdata.RegionFilter) (govdata.List[*govdata.Region], error) {
	var none govdata.List[*govdata.Region]
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermRegionRead); err != nil {
		return none, err
	}
	f.Page = f.Page.Normalize()
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	if after != "" {
		w.add("code > ?", after)
	}
	if f.ParentCode != "" {
		w.add("parent_code = ?", f.ParentCode)
	}
	if f.Roots {
		w.add("parent_code IS NULL")
	}
	if f.Level != "" {
		w.add("level = ?", string(f.Level))
	}
	if f.Query != "" {
		w.add("name "+s.db.dialect.like+` ? ESCAPE '\'`, "%"+escapeLike(f.Query)+"%")
	}
	rows, err := s.db.query(ctx, "SELECT "+regionColumns+" FROM regions"+w.String()+" ORDER BY code LIMIT ?", append(w.args, f.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find regions", err)
	}
	defer rows.Close()
	var items []*govdata.Region
	for rows.Next() {
		r, err := scanRegion(rows)
		if err != nil {
			return none, s.db.internal("scan region", err)
		}
		items = append(items, r)
	}
	if err := rows.Err(); err != nil {
		return none, s.db.internal("find regions", err)
	}
	return page(items, f.Limit, func(r *govdata.Region) string { return r.Code }), nil
}

// RegionImportChunk is how many rows of an import one write carries.
const RegionImportChunk = govdata.RegionImportChunk

// RegionImportOptions tune ImportRegionsWith.
type RegionImportOptions = govdata.RegionImportOptions

// ImportRegions implements govdata.RegionService with the default options
// (see ImportRegionsWith).
func (s *RegionService) ImportRegions(ctx context.Context, rows []govdata.RegionInput) (govdata.RegionImportResult, error) {
	return s.ImportRegionsWith(ctx, rows, RegionImportOptions{})
}

// ImportRegionsWith creates missing regions and renames changed ones,
// parents first, in chunks of o.ChunkSize rows: each chunk is one write (one
// transaction with its own region.import audit record, counting what it did
// and naming its code range), so that an official list of 600,000 villages
// neither holds the store's single writer for minutes nor outlasts a
// commit's time limit.
//
// Everything that can be checked is checked before anything is written, so
// that a refused import leaves nothing behind: the shape of every row
// (EINVALID naming the first bad row), and that every new row's parent is
// either in the file or already in the store (EINVALID naming the row).
// Because the chunks commit one by one, a failure of the database itself
// part-way (the connection lost, the disk full, the context ended) leaves
// the chunks before it imported; the returned counts say what was done, and
// running the same import again completes it, since an import only creates
// what is missing and renames what changed.
func (s *RegionService) ImportRegionsWith(ctx context.Context, rows []govdata.RegionInput, o RegionImportOptions) (govdata.RegionImportResult, error) {
	var res govdata.RegionImportResult
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermRegionWrite); err != nil {
		return res, err
	}
	for i, in := range rows {
		if err := govdata.ValidateRegionInput(in); err != nil {
			return res, rowError(i+1, err)
		}
	}
	size := o.ChunkSize
	if size <= 0 {
		size = RegionImportChunk
	}
	// Parents first: shorter codes and higher levels sort first.
	order := sortedByLevel(rows)
	// The parents the file cannot supply must be in the store; which those
	// are is known now, and the store is asked in the first write, which
	// also writes the first chunk.
	outside := parentsOutside(rows)
	chunks := (len(order) + size - 1) / size
	for k := 0; k < chunks; k++ {
		chunk := order[k*size : min((k+1)*size, len(order))]
		var done govdata.RegionImportResult
		err := s.db.write(ctx, func(tx *Tx) error {
			if k == 0 {
				if err := checkParentsInStore(tx, rows, outside); err != nil {
					return err
				}
			}
			var err error
			done, err = importChunk(tx, rows, chunk)
			if err != nil {
				return err
			}
			first, last := rows[chunk[0]].Code, rows[chunk[0]].Code
			for _, i := range chunk {
				first, last = min(first, rows[i].Code), max(last, rows[i].Code)
			}
			return tx.audit("region.import", "region", "", regionImportDetail{
				RegionImportResult: done, Chunk: k + 1, Chunks: chunks, Rows: len(chunk), FirstCode: first, LastCode: last})
		})
		if err != nil {
			if k == 0 || govdata.ErrorCodeOf(err) != govdata.EINTERNAL {
				return res, err
			}
			return res, fmt.Errorf("sqlstore: region import stopped at chunk %d of %d; the %d rows before it are imported "+
				"(run the import again to complete it): %w", k+1, chunks, k*size, err)
		}
		res.Created += done.Created
		res.Renamed += done.Renamed
		res.Unchanged += done.Unchanged
		if o.Progress != nil {
			o.Progress(k*size+len(chunk), len(rows))
		}
	}
	if len(rows) == 0 {
		// Nothing to write, but the import was asked for: record it.
		err := s.db.write(ctx, func(tx *Tx) error {
			return tx.audit("region.import", "region", "", regionImportDetail{Chunk: 1, Chunks: 1})
		})
		return res, err
	}
	return res, nil
}

// regionImportDetail is the audit detail of one chunk of an import.
type regionImportDetail struct {
	govdata.RegionImportResult
	Chunk     int    `json:"chunk"`
	Chunks    int    `json:"chunks"`
	Rows      int    `json:"rows"`
	FirstCode string `json:"first_code,omitempty"`
	LastCode  string `json:"last_code,omitempty"`
}

// parentCandidates are the codes that may be the parent of in: the given
// parent, or those the code implies, nearest first.
func parentCandidates(in govdata.RegionInput) []string {
	if in.ParentCode != "" {
		return []string{in.ParentCode}
	}
	return govdata.RegionParentCandidates(in.Code)
}

// parentsOutside maps each row (by index) whose parent the file does not
// supply to its parent candidates.
func parentsOutside(rows []govdata.RegionInput) map[int][]string {
	inFile := make(map[string]bool, len(rows))
	for _, in := range rows {
		inFile[in.Code] = true
	}
	out := map[int][]string{}
	for i, in := range rows {
		cands := parentCandidates(in)
		if len(cands) > 0 && !slices.ContainsFunc(cands, func(c string) bool { return inFile[c] }) {
			out[i] = cands
		}
	}
	return out
}

// checkParentsInStore refuses the import, naming the first such row, when a
// new row's parent is neither in the file nor in the store. (A row already
// in the store is only renamed: its parent is not looked at.)
func checkParentsInStore(tx *Tx, rows []govdata.RegionInput, outside map[int][]string) error {
	if len(outside) == 0 {
		return nil
	}
	var ask []string
	for _, cands := range outside {
		ask = append(ask, cands...)
	}
	found, err := findRegionNames(tx, ask)
	if err != nil {
		return err
	}
	var orphans []int
	var orphanCodes []string
	for i, cands := range outside {
		if !slices.ContainsFunc(cands, func(c string) bool { _, ok := found[c]; return ok }) {
			orphans = append(orphans, i)
			orphanCodes = append(orphanCodes, rows[i].Code)
		}
	}
	if len(orphans) == 0 {
		return nil
	}
	existing, err := findRegionNames(tx, orphanCodes)
	if err != nil {
		return err
	}
	slices.Sort(orphans)
	for _, i := range orphans {
		if _, ok := existing[rows[i].Code]; !ok {
			var fe govdata.FieldErrors
			fe.Add("parent_code", govdata.MsgRegionParentMissing, outside[i][0])
			return rowError(i+1, fe.Err())
		}
	}
	return nil
}

// findRegionNames returns the name of each of codes that exists, asking in
// statements of a bounded number of parameters.
func findRegionNames(tx *Tx, codes []string) (map[string]string, error) {
	slices.Sort(codes)
	codes = slices.Compact(codes)
	names := make(map[string]string, len(codes))
	const perQuery = 500
	for len(codes) > 0 {
		part := codes[:min(perQuery, len(codes))]
		codes = codes[len(part):]
		args := make([]any, len(part))
		for i, c := range part {
			args[i] = c
		}
		q := "SELECT code, name FROM regions WHERE code IN (?" + strings.Repeat(", ?", len(part)-1) + ")"
		rs, err := tx.query(q, args...)
		if err != nil {
			return nil, fmt.Errorf("find regions: %w", err)
		}
		for rs.Next() {
			var code, name string
			if err := rs.Scan(&code, &name); err != nil {
				rs.Close()
				return nil, fmt.Errorf("find regions: %w", err)
			}
			names[code] = name
		}
		if err := rs.Close(); err != nil {
			return nil, fmt.Errorf("find regions: %w", err)
		}
		if err := rs.Err(); err != nil {
			return nil, fmt.Errorf("find regions: %w", err)
		}
	}
	return names, nil
}

// importChunk writes one chunk of an import (rows by index, parents
// first): one query for the chunk's codes and their possible parents, then
// multi-row INSERTs for the new regions and an UPDATE per renamed one.
func importChunk(tx *Tx, rows []govdata.RegionInput, chunk []int) (govdata.RegionImportResult, error) {
	var res govdata.RegionImportResult
	ask := make([]string, 0, 2*len(chunk))
	for _, i := range chunk {
		ask = append(ask, rows[i].Code)
		ask = append(ask, parentCandidates(rows[i])...)
	}
	known, err := findRegionNames(tx, ask) // code → name, also of regions this chunk creates
	if err != nil {
		return res, err
	}
	type newRegion struct {
		code, name, parent string
		level              govdata.RegionLevel
	}
	var inserts []newRegion
	pending := map[string]int{} // code → index in inserts
	type rename struct{ code, name string }
	var renames []rename
	for _, i := range chunk {
		in := rows[i]
		if name, ok := known[in.Code]; ok {
			switch {
			case name == in.Name:
				res.Unchanged++
			case pending[in.Code] > 0:
				// The file names this new region twice: the last name wins.
				inserts[pending[in.Code]-1].name = in.Name
				res.Renamed++
			default:
				renames = append(renames, rename{in.Code, in.Name})
				res.Renamed++
			}
			known[in.Code] = in.Name
			continue
		}
		cands := parentCandidates(in)
		parent := ""
		for _, c := range cands {
			if _, ok := known[c]; ok {
				parent = c
				break
			}
		}
		if parent == "" && len(cands) > 0 {
			// Checked before the first chunk; only a region removed
			// behind the store's back gets here.
			var fe govdata.FieldErrors
			fe.Add("parent_code", govdata.MsgRegionParentMissing, cands[0])
			return res, rowError(i+1, fe.Err())
		}
		level, _ := govdata.RegionLevelOf(in.Code)
		inserts = append(inserts, newRegion{in.Code, in.Name, parent, level})
		pending[in.Code] = len(inserts)
		known[in.Code] = in.Name
		res.Created++
	}
	// One INSERT per run of rows of one level (a parent in the chunk is
	// always in an earlier run), at most insertRows rows each.
	const insertRows = 200
	created := toDB(tx.Now())
	for start := 0; start < len(inserts); {
		end := start + 1
		for end < len(inserts) && end-start < insertRows && inserts[end].level == inserts[start].level {
			end++
		}
		part := inserts[start:end]
		args := make([]any, 0, 5*len(part))
		for _, r := range part {
			args = append(args, r.code, r.name, nullString(r.parent), string(r.level), created)
		}
		q := "INSERT INTO regions (" + regionColumns + ") VALUES (?, ?, ?, ?, ?)" + strings.Repeat(", (?, ?, ?, ?, ?)", len(part)-1)
		if _, err := tx.exec(q, args...); err != nil {
			if isUniqueViolation(err) {
				// Another govdata process created one of them meanwhile.
				return res, &govdata.Error{Code: govdata.ECONFLICT,
					Message: govdata.Message{Msg: govdata.MsgRegionExists, Args: []any{part[0].code + "…" + part[len(part)-1].code}}}
			}
			return res, fmt.Errorf("insert regions: %w", err)
		}
		start = end
	}
	for _, r := range renames {
		if _, err := tx.exec("UPDATE regions SET name = ? WHERE code = ?", r.name, r.code); err != nil {
			return res, fmt.Errorf("rename region %s: %w", r.code, err)
		}
	}
	return res, nil
}

// rowError prefixes the message of a domain error with its row number.
func rowError(row int, err error) error {
	var e *govdata.Error
	if !errors.As(err, &e) {
		return err
	}
	msg := e.Message
	for _, m := range e.Fields {
		msg = m
		break
	}
	return &govdata.Error{Code: e.Code, Message: govdata.Message{Msg: govdata.MsgRegionImportRow, Args: []any{row, msg}},
		Details: map[string]any{"row": row}}
}

// sortedByLevel returns the indexes of rows ordered parents first.
func sortedByLevel(rows []govdata.RegionInput) []int {
	rank := func(code string) int {
		l, _ := govdata.RegionLevelOf(code)
		switch l {
		case govdata.RegionProvince:
			return 0
		case govdata.RegionCity:
			return 1
		case govdata.RegionCounty:
			return 2
		case govdata.RegionTownship:
			return 3
		}
		return 4
	}
	idx := make([]int, len(rows))
	ranks := make([]int, len(rows))
	for i := range idx {
		idx[i], ranks[i] = i, rank(rows[i].Code)
	}
	slices.SortStableFunc(idx, func(a, b int) int { return ranks[a] - ranks[b] })
	return idx
}
