package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/govdata/govdata"
)

// UsageService keeps consumers' usage records of grants (SHR-7): appended
// only, each with its audit record in the same write.
type UsageService struct {
	Base
}

// NewUsageService returns the usage records of the grants in b's database.
func NewUsageService(b Base) *UsageService { return &UsageService{Base: b} }

var _ govdata.UsageService = (*UsageService)(nil)

// usageGrant is what a usage record needs of its grant.
type usageGrant struct {
	id, consumer, provider int64
	from                   govdata.Date
}

// seesAllUsage: the reviewers, the secadmin and the auditor read every
// grant's records (§1: the auditor reads usage records).
func seesAllUsage(a govdata.Actor) bool {
	return a.IsSystem() || a.Has(govdata.RoleReviewer) || a.Has(govdata.RoleSecadmin) || a.Has(govdata.RoleAuditor)
}

// seesUsage: those, and the consumer's and the provider's people (HLJ-28:
// the provider may read how its data is used).
func seesUsage(a govdata.Actor, g usageGrant) bool {
	return seesAllUsage(a) || (a.DepartmentID != 0 && (a.DepartmentID == g.consumer || a.DepartmentID == g.provider))
}

// grant loads grant id as the actor may see it; ENOTFOUND otherwise, so
// that another department does not learn that it exists.
func (s *UsageService) grant(ctx context.Context, a govdata.Actor, id int64) (usageGrant, error) {
	g := usageGrant{id: id}
	var from string
	err := s.db.queryRow(ctx, "SELECT consumer_department_id, provider_department_id, valid_from FROM grants WHERE id = ?", id).
		Scan(&g.consumer, &g.provider, &from)
	if errors.Is(err, sql.ErrNoRows) {
		return g, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgGrantNotFound)
	}
	if err == nil && !seesUsage(a, g) {
		return g, govdata.Hidden(govdata.MsgGrantNotFound)
	}
	if err != nil {
		return g, s.db.internal("find grant for usage", err)
	}
	if g.from, err = govdata.ParseDate(from); err != nil {
		return g, s.db.internal("find grant for usage", err)
	}
	return g, nil
}

// RecordUsage implements govdata.UsageService.
func (s *UsageService) RecordUsage(ctx context.Context, grantID int64, in govdata.UsageInput) (*govdata.UsageRecord, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermUsageWrite); err != nil {
		return nil, err
	}
	g, err := s.grant(ctx, a, grantID)
	if err != nil {
		return nil, err
	}
	// HLJ-28: the department using the data records it, whatever the
	// grant's state (destruction follows the end).
	if !govdata.MayRecordUsage(a, g.consumer) {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgUsageRecorder)
	}
	today := s.today()
	if err := govdata.ValidateUsage(in, g.from, today); err != nil {
		return nil, err
	}
	var rows sql.NullInt64
	if in.Rows != nil {
		rows = sql.NullInt64{Int64: *in.Rows, Valid: true}
	}
	id, err := writeResult(ctx, s.db, func(tx *Tx) (int64, error) {
		if in.Corrects > 0 {
			if err := checkCorrects(tx, grantID, in.Corrects); err != nil {
				return 0, err
			}
		}
		id, err := tx.insert(`INSERT INTO usage_records (grant_id, kind, scenario, outcome, process, location, protection, destroyed_data,
			method, destroyed_by, witness, day, row_count, corrects, correction_reason, recorded_by_id, recorded_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			grantID, string(in.Kind), in.Scenario, in.Outcome, in.Process, in.Location, in.Protection, in.DestroyedData,
			in.Method, in.DestroyedBy, in.Witness, in.Day().String(), rows, nullID(in.Corrects), in.CorrectionReason,
			a.UserID, actorName(a), toDB(tx.Now()))
		if isUniqueViolation(err) { // checkCorrects saw it first; kept for safety
			return 0, govdata.Errorf(govdata.ECONFLICT, govdata.MsgUsageCorrected, in.Corrects)
		}
		if err != nil {
			return 0, fmt.Errorf("insert usage record: %w", err)
		}
		detail := map[string]any{"usage_record_id": id, "kind": in.Kind, "day": in.Day().String()}
		if in.Corrects > 0 {
			detail["corrects"], detail["correction_reason"] = in.Corrects, in.CorrectionReason
		}
		return id, tx.audit("usage.record", "grant", grantID, detail)
	})
	if err != nil {
		return nil, err
	}
	return s.find(ctx, id)
}

// checkCorrects: a correction names a record of the same grant that no
// other record corrects yet (a later mistake corrects the correction).
func checkCorrects(tx *Tx, grantID, corrects int64) error {
	var of int64
	var by sql.NullInt64
	err := tx.queryRow("SELECT u.grant_id, c.id FROM usage_records u LEFT JOIN usage_records c ON c.corrects = u.id WHERE u.id = ?", corrects).
		Scan(&of, &by)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && of != grantID) {
		var fe govdata.FieldErrors
		fe.Add("corrects", govdata.MsgUsageCorrects)
		return fe.Err()
	}
	if err != nil {
		return err
	}
	if by.Valid {
		e := govdata.Errorf(govdata.ECONFLICT, govdata.MsgUsageCorrected, corrects)
		e.Details = map[string]any{"corrected_by": by.Int64}
		return e
	}
	return nil
}

const usageSelect = `SELECT u.id, u.grant_id, u.kind, u.scenario, u.outcome, u.process, u.location, u.protection, u.destroyed_data,
	u.method, u.destroyed_by, u.witness, u.day, u.row_count, u.corrects, u.correction_reason, u.recorded_by_id, u.recorded_by,
	u.recorded_at, c.id
	FROM usage_records u JOIN grants g ON g.id = u.grant_id LEFT JOIN usage_records c ON c.corrects = u.id`

func scanUsage(row interface{ Scan(...any) error }) (*govdata.UsageRecord, error) {
	var r govdata.UsageRecord
	var day string
	var rows, corrects, correctedBy sql.NullInt64
	var at int64
	if err := row.Scan(&r.ID, &r.GrantID, &r.Kind, &r.Scenario, &r.Outcome, &r.Process, &r.Location, &r.Protection, &r.DestroyedData,
		&r.Method, &r.DestroyedBy, &r.Witness, &day, &rows, &corrects, &r.CorrectionReason, &r.RecordedByID, &r.RecordedBy,
		&at, &correctedBy); err != nil {
		return nil, err
	}
	d, err := govdata.ParseDate(day)
	if err != nil {
		return nil, err
	}
	switch r.Kind {
	case govdata.UsageUse:
		r.UsedOn = &d
	case govdata.UsageStorage:
		r.StoredFrom = &d
	case govdata.UsageDestruction:
		r.DestroyedOn = &d
	}
	if rows.Valid {
		r.Rows = &rows.Int64
	}
	r.Corrects, r.CorrectedBy = corrects.Int64, correctedBy.Int64
	r.RecordedAt = fromDB(at)
	return &r, nil
}

// find reads one record as the platform (the caller was checked).
func (s *UsageService) find(ctx context.Context, id int64) (*govdata.UsageRecord, error) {
	r, err := scanUsage(s.db.queryRow(ctx, usageSelect+" WHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgUsageNotFound)
	}
	if err != nil {
		return nil, s.db.internal("find usage record", err)
	}
	return r, nil
}

// FindUsageRecords implements govdata.UsageService.
func (s *UsageService) FindUsageRecords(ctx context.Context, f govdata.UsageFilter) (govdata.List[*govdata.UsageRecord], error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermUsageRead); err != nil {
		return govdata.List[*govdata.UsageRecord]{}, err
	}
	if err := govdata.ValidateUsageFilter(f); err != nil {
		return govdata.List[*govdata.UsageRecord]{}, err
	}
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return govdata.List[*govdata.UsageRecord]{}, err
	}
	p := f.Page.Normalize()
	var w where
	switch {
	case f.GrantID > 0:
		if _, err := s.grant(ctx, a, f.GrantID); err != nil {
			return govdata.List[*govdata.UsageRecord]{}, err
		}
		w.add("u.grant_id = ?", f.GrantID)
	case f.GrantID < 0:
		return govdata.List[*govdata.UsageRecord]{}, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgGrantNotFound)
	case !seesAllUsage(a):
		// Across grants, a department's people see their own side's.
		w.add("(g.consumer_department_id = ? OR g.provider_department_id = ?)", a.DepartmentID, a.DepartmentID)
	}
	if f.Kind != "" {
		w.add("u.kind = ?", string(f.Kind))
	}
	if after > 0 {
		w.add("u.id < ?", after)
	}
	rows, err := s.db.query(ctx, usageSelect+w.String()+" ORDER BY u.id DESC LIMIT ?", append(w.args, p.Limit+1)...)
	if err != nil {
		return govdata.List[*govdata.UsageRecord]{}, s.db.internal("find usage records", err)
	}
	defer rows.Close()
	var items []*govdata.UsageRecord
	for rows.Next() {
		r, err := scanUsage(rows)
		if err != nil {
			return govdata.List[*govdata.UsageRecord]{}, s.db.internal("find usage records", err)
		}
		items = append(items, r)
	}
	if err := rows.Err(); err != nil {
		return govdata.List[*govdata.UsageRecord]{}, s.db.internal("find usage records", err)
	}
	return page(items, p.Limit, func(r *govdata.UsageRecord) string { return strconv.FormatInt(r.ID, 10) }), nil
}
