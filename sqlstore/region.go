package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

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

// ImportRegions implements govdata.RegionService.
func (s *RegionService) ImportRegions(ctx context.Context, rows []govdata.RegionInput) (govdata.RegionImportResult, error) {
	var res govdata.RegionImportResult
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermRegionWrite); err != nil {
		return res, err
	}
	for i, in := range rows {
		if err := govdata.ValidateRegionInput(in); err != nil {
			return res, rowError(i+1, err)
		}
	}
	// Parents first: shorter codes and higher levels sort first.
	order := sortedByLevel(rows)
	err := s.db.write(ctx, func(tx *Tx) error {
		res = govdata.RegionImportResult{}
		for _, i := range order {
			in := rows[i]
			var name string
			err := tx.queryRow("SELECT name FROM regions WHERE code = ?", in.Code).Scan(&name)
			switch {
			case err == nil && name == in.Name:
				res.Unchanged++
			case err == nil:
				if _, err := tx.exec("UPDATE regions SET name = ? WHERE code = ?", in.Name, in.Code); err != nil {
					return fmt.Errorf("rename region: %w", err)
				}
				res.Renamed++
			case errors.Is(err, sql.ErrNoRows):
				if _, err := createRegion(tx, in); err != nil {
					return rowError(i+1, err)
				}
				res.Created++
			default:
				return fmt.Errorf("find region: %w", err)
			}
		}
		return tx.audit("region.import", "region", "", res)
	})
	return res, err
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
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return rank(rows[a].Code) - rank(rows[b].Code) })
	return idx
}
