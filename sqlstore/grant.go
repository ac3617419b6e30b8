package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/govdata/govdata"
)

// GrantService keeps the grants approved applications make (SHR-3).
type GrantService struct {
	db      *DB
	catalog *CatalogService
}

// NewGrantService returns the grants of catalog's entries. It also tells
// the catalog which departments use an entry — those holding a grant on
// it — whom a revocation notifies and keeps supplied for the grace period
// (HLJ-16).
func NewGrantService(catalog *CatalogService) *GrantService {
	s := &GrantService{db: catalog.db, catalog: catalog}
	catalog.InUse = s.inUse
	return s
}

var _ govdata.GrantService = (*GrantService)(nil)

// inUse lists the departments with a grant on entry that is active or
// suspended and not expired.
func (s *GrantService) inUse(tx *Tx, entry int64) ([]int64, error) {
	today := govdata.DateOf(tx.Now().In(s.catalog.flows.loc)).String()
	rows, err := tx.query(`SELECT DISTINCT consumer_department_id FROM grants WHERE entry_id = ? AND state IN (?, ?) AND valid_until >= ?
		ORDER BY consumer_department_id`, entry, string(govdata.GrantActive), string(govdata.GrantSuspended), today)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// insertGrant makes the grant of an application approved in tx, valid
// from today.
func insertGrant(tx *Tx, app *govdata.Application, today govdata.Date) (int64, error) {
	items, _ := json.Marshal(app.Items)
	scope := app.RegionScope
	if scope == nil {
		scope = []string{}
	}
	regions, _ := json.Marshal(scope)
	now := toDB(tx.Now())
	id, err := tx.insert(`INSERT INTO grants (application_id, entry_id, consumer_department_id, provider_department_id, items, region_scope,
		purpose, method, valid_from, valid_until, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		app.ID, app.CatalogID, app.ApplicantDepartment, app.ProviderDepartment, string(items), string(regions), app.Purpose,
		string(app.Method), today.String(), app.ValidUntil.String(), string(govdata.GrantActive), now, now)
	if err != nil {
		return 0, fmt.Errorf("insert grant: %w", err)
	}
	if _, err := tx.exec("UPDATE applications SET grant_id = ? WHERE id = ?", id, app.ID); err != nil {
		return 0, err
	}
	return id, tx.audit("grant.create", "grant", id, map[string]any{"application_id": app.ID, "entry_id": app.CatalogID,
		"consumer_department_id": app.ApplicantDepartment, "items": app.Items, "valid_until": app.ValidUntil.String()})
}

const grantSelect = `SELECT g.id, g.application_id, g.entry_id, e.resource_code, g.consumer_department_id, g.provider_department_id, g.items,
	g.region_scope, g.purpose, g.method, g.valid_from, g.valid_until, g.state, g.state_reason, g.created_at, g.updated_at
	FROM grants g JOIN catalog_entries e ON e.id = g.entry_id`

func (s *GrantService) scan(row interface{ Scan(...any) error }) (*govdata.Grant, error) {
	var g govdata.Grant
	var items, regions, from, until string
	var created, updated int64
	if err := row.Scan(&g.ID, &g.ApplicationID, &g.EntryID, &g.ResourceCode, &g.ConsumerDepartment, &g.ProviderDepartment, &items, &regions,
		&g.Purpose, &g.Method, &from, &until, &g.State, &g.StateReason, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(items), &g.Items); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(regions), &g.RegionScope); err != nil {
		return nil, err
	}
	var err error
	if g.ValidFrom, err = govdata.ParseDate(from); err != nil {
		return nil, err
	}
	if g.ValidUntil, err = govdata.ParseDate(until); err != nil {
		return nil, err
	}
	g.CreatedAt, g.UpdatedAt = fromDB(created), fromDB(updated)
	// SHR-3: expiry takes effect by itself.
	g.State = g.EffectiveState(govdata.DateOf(s.db.clock.Now().In(s.catalog.flows.loc)))
	return &g, nil
}

// seesGrant: the consumer's and the provider's people, the reviewers and
// the secadmin.
func seesGrant(a govdata.Actor, g *govdata.Grant) bool {
	return a.IsSystem() || a.Has(govdata.RoleReviewer) || a.Has(govdata.RoleSecadmin) ||
		(a.DepartmentID != 0 && (a.DepartmentID == g.ConsumerDepartment || a.DepartmentID == g.ProviderDepartment))
}

// FindGrantByID implements govdata.GrantService.
func (s *GrantService) FindGrantByID(ctx context.Context, id int64) (*govdata.Grant, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	g, err := s.scan(s.db.queryRow(ctx, grantSelect+" WHERE g.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !seesGrant(a, g)) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgGrantNotFound)
	}
	if err != nil {
		return nil, s.db.internal("find grant", err)
	}
	return g, nil
}

var msgGrantSide = govdata.Msg{ZH: "side 应为 consumer（本部门获得的授权）或 provider（本部门数据的授权）", EN: "side must be consumer (grants the department holds) or provider (grants on its data)"}

// FindGrants implements govdata.GrantService.
func (s *GrantService) FindGrants(ctx context.Context, f govdata.GrantFilter) (govdata.GrantList, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return govdata.GrantList{}, err
	}
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return govdata.GrantList{}, err
	}
	limit := f.Limit
	if limit <= 0 || limit > govdata.MaxLimit {
		limit = govdata.DefaultLimit
	}
	var where []string
	var args []any
	switch f.Side {
	case "consumer":
		where, args = append(where, "g.consumer_department_id = ?"), append(args, a.DepartmentID)
	case "provider":
		where, args = append(where, "g.provider_department_id = ?"), append(args, a.DepartmentID)
	case "":
		if !a.IsSystem() && !a.Has(govdata.RoleReviewer) && !a.Has(govdata.RoleSecadmin) {
			where, args = append(where, "(g.consumer_department_id = ? OR g.provider_department_id = ?)"), append(args, a.DepartmentID, a.DepartmentID)
		}
	default:
		return govdata.GrantList{}, govdata.Errorf(govdata.EINVALID, msgGrantSide)
	}
	if f.EntryID > 0 {
		where, args = append(where, "g.entry_id = ?"), append(args, f.EntryID)
	}
	if after > 0 {
		where, args = append(where, "g.id < ?"), append(args, after)
	}
	q := grantSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.query(ctx, q+" ORDER BY g.id DESC LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return govdata.GrantList{}, s.db.internal("find grants", err)
	}
	defer rows.Close()
	out := govdata.GrantList{Items: []*govdata.Grant{}}
	for rows.Next() {
		g, err := s.scan(rows)
		if err != nil {
			return govdata.GrantList{}, s.db.internal("find grants", err)
		}
		out.Items = append(out.Items, g)
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = encodeCursor(fmt.Sprint(out.Items[limit-1].ID))
	}
	return out, rows.Err()
}

// ChangeGrant implements govdata.GrantService.
func (s *GrantService) ChangeGrant(ctx context.Context, id int64, action govdata.GrantAction, reason string) (*govdata.Grant, error) {
	a := govdata.ActorFrom(ctx)
	g, err := s.FindGrantByID(ctx, id)
	if err != nil {
		return nil, err
	}
	// SHR-3: the provider, the bureau or the secadmin.
	if !a.IsSystem() && !a.Has(govdata.RoleSecadmin) && !a.Has(govdata.RoleReviewer) && !(a.Has(govdata.RoleOfficer) && a.DepartmentID == g.ProviderDepartment) {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgGrantManager)
	}
	if strings.TrimSpace(reason) == "" {
		var fe govdata.FieldErrors
		fe.Add("reason", govdata.MsgRequired)
		return nil, fe.Err()
	}
	next, err := govdata.NextGrantState(g.State, action)
	if err != nil {
		return nil, err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		// Only from the state read: of two racing changes one wins.
		res, err := tx.exec("UPDATE grants SET state = ?, state_reason = ?, updated_at = ? WHERE id = ? AND state = ?",
			string(next), reason, toDB(tx.Now()), id, string(g.State))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgGrantState, string(g.State), string(action))
		}
		return tx.audit("grant."+string(action), "grant", id, map[string]any{"from": g.State, "to": next, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return s.FindGrantByID(ctx, id)
}
