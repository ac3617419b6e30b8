package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/govdata/govdata"
)

// DepartmentService implements govdata.DepartmentService.
type DepartmentService struct{ db *DB }

// NewDepartmentService returns the department service of db.
func NewDepartmentService(db *DB) *DepartmentService { return &DepartmentService{db: db} }

var _ govdata.DepartmentService = (*DepartmentService)(nil)

const departmentColumns = "id, name, credit_code, region_code, level, parent_id, bureau, created_at, updated_at"

func scanDepartment(row interface{ Scan(...any) error }) (*govdata.Department, error) {
	var d govdata.Department
	var parent sql.NullInt64
	var created, updated int64
	if err := row.Scan(&d.ID, &d.Name, &d.CreditCode, &d.RegionCode, &d.Level, &parent, &d.Bureau, &created, &updated); err != nil {
		return nil, err
	}
	d.ParentID, d.CreatedAt, d.UpdatedAt = parent.Int64, fromDB(created), fromDB(updated)
	return &d, nil
}

// CreateDepartment implements govdata.DepartmentService.
func (s *DepartmentService) CreateDepartment(ctx context.Context, in govdata.DepartmentInput) (*govdata.Department, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDepartmentEdit); err != nil {
		return nil, err
	}
	if err := govdata.ValidateDepartmentInput(in); err != nil {
		return nil, err
	}
	var out *govdata.Department
	err := s.db.write(ctx, func(tx *Tx) error {
		if err := checkDepartmentRefs(tx, 0, in); err != nil {
			return err
		}
		now := tx.Now()
		id, err := tx.insert(`INSERT INTO departments (name, credit_code, region_code, level, parent_id, bureau, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.Name, in.CreditCode, in.RegionCode, string(in.Level), nullID(in.ParentID), in.Bureau, toDB(now), toDB(now))
		if err != nil {
			return departmentWriteError(err)
		}
		out = &govdata.Department{ID: id, Name: in.Name, CreditCode: in.CreditCode, RegionCode: in.RegionCode,
			Level: in.Level, ParentID: in.ParentID, Bureau: in.Bureau, CreatedAt: now, UpdatedAt: now}
		return tx.audit("department.create", "department", id, in)
	})
	return out, err
}

func departmentWriteError(err error) error {
	if isUniqueViolation(err) {
		var fe govdata.FieldErrors
		fe.Add("credit_code", govdata.MsgCreditCodeExists)
		e := fe.Err().(*govdata.Error)
		e.Code, e.Message = govdata.ECONFLICT, govdata.Message{Msg: govdata.MsgCreditCodeExists}
		return e
	}
	return fmt.Errorf("write department: %w", err)
}

// checkDepartmentRefs checks that the region and parent exist and that the
// parent chain of department id does not loop back to it.
func checkDepartmentRefs(tx *Tx, id int64, in govdata.DepartmentInput) error {
	var fe govdata.FieldErrors
	var one int
	switch err := tx.queryRow("SELECT 1 FROM regions WHERE code = ?", in.RegionCode).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		fe.Add("region_code", govdata.MsgRegionNotFound, in.RegionCode)
	case err != nil:
		return fmt.Errorf("find region: %w", err)
	}
	// One data bureau per region (CAT-4: the bureau of a level reviews its catalog).
	if in.Bureau {
		var other string
		switch err := tx.queryRow("SELECT name FROM departments WHERE bureau AND region_code = ? AND id <> ?", in.RegionCode, id).Scan(&other); {
		case err == nil:
			fe.Add("bureau", govdata.MsgBureauExists, other)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("find bureau: %w", err)
		}
	}
	for p, hops := in.ParentID, 0; p != 0; hops++ {
		if p == id || hops > 64 {
			fe.Add("parent_id", govdata.MsgDepartmentCycle)
			break
		}
		var next sql.NullInt64
		err := tx.queryRow("SELECT parent_id FROM departments WHERE id = ?", p).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			fe.Add("parent_id", govdata.MsgDepartmentParent, p)
			break
		}
		if err != nil {
			return fmt.Errorf("find parent department: %w", err)
		}
		p = next.Int64
	}
	return fe.Err()
}

// UpdateDepartment implements govdata.DepartmentService.
func (s *DepartmentService) UpdateDepartment(ctx context.Context, id int64, p govdata.DepartmentPatch) (*govdata.Department, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDepartmentEdit); err != nil {
		return nil, err
	}
	var out *govdata.Department
	err := s.db.write(ctx, func(tx *Tx) error {
		d, err := findDepartment(tx.queryRow, id)
		if err != nil {
			return err
		}
		in := p.Apply(*d)
		if err := govdata.ValidateDepartmentInput(in); err != nil {
			return err
		}
		if err := checkDepartmentRefs(tx, id, in); err != nil {
			return err
		}
		now := tx.Now()
		_, err = tx.exec(`UPDATE departments SET name = ?, credit_code = ?, region_code = ?, level = ?, parent_id = ?, bureau = ?, updated_at = ?
			WHERE id = ?`, in.Name, in.CreditCode, in.RegionCode, string(in.Level), nullID(in.ParentID), in.Bureau, toDB(now), id)
		if err != nil {
			return departmentWriteError(err)
		}
		out = &govdata.Department{ID: id, Name: in.Name, CreditCode: in.CreditCode, RegionCode: in.RegionCode,
			Level: in.Level, ParentID: in.ParentID, Bureau: in.Bureau, CreatedAt: d.CreatedAt, UpdatedAt: now}
		if in.RegionCode != d.RegionCode || in.Bureau != d.Bureau {
			if err := notifyReachChange(tx, d, out); err != nil {
				return err
			}
		}
		return tx.audit("department.update", "department", id, map[string]any{"before": d, "after": in})
	})
	return out, err
}

// notifyReachChange tells every secadmin that a department's region or
// bureau flag changed: what a reviewer oversees follows them (a bureau
// department's reviewers, the entries of its region), and the secadmin,
// who granted the reviewers their roles, reviews the new reach.
func notifyReachChange(tx *Tx, before, after *govdata.Department) error {
	state := func(d *govdata.Department) string {
		if d.Bureau {
			return d.RegionCode + "/bureau"
		}
		return d.RegionCode
	}
	addr := tx.actor.ClientAddr
	if addr == "" {
		addr = "-"
	}
	title := textOf(govdata.MsgDepartmentReachNotice, after.Name, state(before), state(after), actorName(tx.actor),
		tx.Now().UTC().Format("2006-01-02 15:04:05 UTC"), addr)
	_, err := notifyRoleHolders(tx, govdata.RoleSecadmin, govdata.NoticeSecurity, title, "department-reach:"+rand.Text())
	return err
}

func findDepartment(queryRow func(string, ...any) *sql.Row, id int64) (*govdata.Department, error) {
	d, err := scanDepartment(queryRow("SELECT "+departmentColumns+" FROM departments WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgDepartmentNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("find department %d: %w", id, err)
	}
	return d, nil
}

// FindDepartmentByID implements govdata.DepartmentService.
func (s *DepartmentService) FindDepartmentByID(ctx context.Context, id int64) (*govdata.Department, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDepartmentRead); err != nil {
		return nil, err
	}
	d, err := findDepartment(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, id)
	if err != nil && govdata.ErrorCodeOf(err) == govdata.EINTERNAL {
		return nil, s.db.internal("find department", err)
	}
	return d, err
}

// FindDepartments implements govdata.DepartmentService.
func (s *DepartmentService) FindDepartments(ctx context.Context, f govdata.DepartmentFilter) (govdata.List[*govdata.Department], error) {
	var none govdata.List[*govdata.Department]
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDepartmentRead); err != nil {
		return none, err
	}
	f.Page = f.Page.Normalize()
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	w.add("id > ?", after)
	if f.RegionCode != "" {
		w.add("region_code = ?", f.RegionCode)
	}
	if f.ParentID != 0 {
		w.add("parent_id = ?", f.ParentID)
	}
	if f.Query != "" {
		w.add("name "+s.db.dialect.like+` ? ESCAPE '\'`, "%"+escapeLike(f.Query)+"%")
	}
	rows, err := s.db.query(ctx, "SELECT "+departmentColumns+" FROM departments"+w.String()+" ORDER BY id LIMIT ?", append(w.args, f.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find departments", err)
	}
	defer rows.Close()
	var items []*govdata.Department
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			return none, s.db.internal("scan department", err)
		}
		items = append(items, d)
	}
	if err := rows.Err(); err != nil {
		return none, s.db.internal("find departments", err)
	}
	return page(items, f.Limit, func(d *govdata.Department) string { return strconv.FormatInt(d.ID, 10) }), nil
}
