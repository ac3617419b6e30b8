package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// GrantService keeps the grants approved applications make (SHR-3).
type GrantService struct {
	Base
	creds credentialIssuer
}

// NewGrantService returns the grants in b's database; creds issues the
// credential a grant may come with.
func NewGrantService(b Base, creds credentialIssuer) *GrantService {
	return &GrantService{Base: b, creds: creds}
}

// credentialIssuer is what grants need of the credentials
// (CredentialService): to issue one in the grant's own write.
type credentialIssuer interface {
	needKey() error
	issue(tx *Tx, in govdata.CredentialInput) (*govdata.IssuedCredential, error)
}

var _ govdata.GrantService = (*GrantService)(nil)

// grantHolders lists the departments with a grant on entry that is active
// or suspended and not expired on today's date in loc: the users of an
// entry whose revocation keeps supplying them (HLJ-16).
func grantHolders(tx *Tx, entry int64, loc *time.Location) ([]int64, error) {
	today := govdata.DateOf(tx.Now().In(loc)).String()
	rows, err := tx.query(`SELECT DISTINCT consumer_department_id FROM grants WHERE entry_id = ? AND state IN (?, ?) AND valid_until >= ?
		ORDER BY consumer_department_id`, entry, string(govdata.GrantActive), string(govdata.GrantSuspended), today)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(row interface{ Scan(...any) error }) (d int64, err error) { return d, row.Scan(&d) })
}

// jsonList is a list as a JSON array, [] when empty.
func jsonList(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// insertGrant makes the grant of an application approved in tx, valid
// from today.
func insertGrant(tx *Tx, app *govdata.Application, today govdata.Date) (int64, error) {
	now := toDB(tx.Now())
	id, err := tx.insert(`INSERT INTO grants (application_id, entry_id, consumer_department_id, provider_department_id, items, region_scope,
		purpose, method, valid_from, valid_until, state, unmasked_items, export_sensitive, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		app.ID, app.CatalogID, app.ApplicantDepartment, app.ProviderDepartment, jsonList(app.Items), jsonList(app.RegionScope), app.Purpose,
		string(app.Method), today.String(), app.ValidUntil.String(), string(govdata.GrantActive), jsonList(app.UnmaskedItems), app.ExportSensitive, now, now)
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
	g.region_scope, g.purpose, g.method, g.valid_from, g.valid_until, g.state, g.state_reason, g.created_at, g.updated_at,
	g.unmasked_items, g.export_sensitive, g.calls, g.rows_served, g.refused_calls, g.last_used_at
	FROM grants g JOIN catalog_entries e ON e.id = g.entry_id`

// scanGrant reads a grantSelect row, its state as of today (an expired
// grant reads as expired before the sweep marks it).
func (s Base) scanGrant(row interface{ Scan(...any) error }) (*govdata.Grant, error) {
	var g govdata.Grant
	var items, regions, from, until, unmasked string
	var created, updated int64
	var used sql.NullInt64
	if err := row.Scan(&g.ID, &g.ApplicationID, &g.EntryID, &g.ResourceCode, &g.ConsumerDepartment, &g.ProviderDepartment, &items, &regions,
		&g.Purpose, &g.Method, &from, &until, &g.State, &g.StateReason, &created, &updated,
		&unmasked, &g.ExportSensitive, &g.Usage.Calls, &g.Usage.Rows, &g.Usage.Refused, &used); err != nil {
		return nil, err
	}
	for _, l := range []struct {
		raw string
		to  *[]string
	}{{items, &g.Items}, {regions, &g.RegionScope}, {unmasked, &g.UnmaskedItems}} {
		if err := json.Unmarshal([]byte(l.raw), l.to); err != nil {
			return nil, err
		}
	}
	g.Usage.LastUsedAt = fromDBNull(used)
	var err error
	if g.ValidFrom, err = govdata.ParseDate(from); err != nil {
		return nil, err
	}
	if g.ValidUntil, err = govdata.ParseDate(until); err != nil {
		return nil, err
	}
	g.CreatedAt, g.UpdatedAt = fromDB(created), fromDB(updated)
	// SHR-3: expiry takes effect by itself.
	g.State = g.EffectiveState(s.today())
	return &g, nil
}

// seesGrant: the consumer's and the provider's people, the reviewers, the
// secadmin and the auditor.
func seesGrant(a govdata.Actor, g *govdata.Grant) bool {
	return a.IsSystem() || a.Has(govdata.RoleReviewer) || a.Has(govdata.RoleSecadmin) || a.Has(govdata.RoleAuditor) ||
		(a.DepartmentID != 0 && (a.DepartmentID == g.ConsumerDepartment || a.DepartmentID == g.ProviderDepartment))
}

// FindGrantByID implements govdata.GrantService.
func (s *GrantService) FindGrantByID(ctx context.Context, id int64) (*govdata.Grant, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	g, err := s.scanGrant(s.db.queryRow(ctx, grantSelect+" WHERE g.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgGrantNotFound)
	}
	if err == nil && !seesGrant(a, g) {
		return nil, govdata.Hidden(govdata.MsgGrantNotFound)
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
	var w where
	switch f.Side {
	case "consumer":
		w.add("g.consumer_department_id = ?", a.DepartmentID)
	case "provider":
		w.add("g.provider_department_id = ?", a.DepartmentID)
	case "":
		if !a.IsSystem() && !a.Has(govdata.RoleReviewer) && !a.Has(govdata.RoleSecadmin) && !a.Has(govdata.RoleAuditor) {
			w.add("(g.consumer_department_id = ? OR g.provider_department_id = ?)", a.DepartmentID, a.DepartmentID)
		}
	default:
		return govdata.GrantList{}, govdata.Errorf(govdata.EINVALID, msgGrantSide)
	}
	if f.EntryID > 0 {
		w.add("g.entry_id = ?", f.EntryID)
	}
	if after > 0 {
		w.add("g.id < ?", after)
	}
	limit := f.Page.Normalize().Limit
	rows, err := s.db.query(ctx, grantSelect+w.String()+" ORDER BY g.id DESC LIMIT ?", append(w.args, limit+1)...)
	if err != nil {
		return govdata.GrantList{}, s.db.internal("find grants", err)
	}
	items, err := scanAll(rows, s.scanGrant)
	if err != nil {
		return govdata.GrantList{}, s.db.internal("find grants", err)
	}
	return page(items, limit, func(g *govdata.Grant) string { return strconv.FormatInt(g.ID, 10) }), nil
}

// ChangeGrant implements govdata.GrantService.
func (s *GrantService) ChangeGrant(ctx context.Context, id int64, action govdata.GrantAction, reason string) (*govdata.Grant, error) {
	a := govdata.ActorFrom(ctx)
	g, err := s.FindGrantByID(ctx, id)
	if err != nil {
		return nil, err
	}
	// SHR-3: the provider, the bureau or the secadmin.
	if !govdata.MayManageGrant(a, g.ProviderDepartment) {
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

// BindCredential implements govdata.GrantService.
func (s *GrantService) BindCredential(ctx context.Context, grantID int64, in govdata.GrantCredentialInput) (*govdata.GrantCredential, error) {
	a := govdata.ActorFrom(ctx)
	g, err := s.FindGrantByID(ctx, grantID)
	if err != nil {
		return nil, err
	}
	// The consumer's officer keeps its systems' credentials (ORG-5).
	if err := govdata.AuthorizeIn(a, govdata.PermGrantCredential, g.ConsumerDepartment); err != nil {
		return nil, err
	}
	var fe govdata.FieldErrors
	if (in.CredentialID == 0) == (strings.TrimSpace(in.Name) == "") {
		fe.Add("credential_id", govdata.MsgGrantCredentialOne)
		return nil, fe.Err()
	}
	issue := govdata.CredentialInput{Name: in.Name, DepartmentID: g.ConsumerDepartment}
	if in.CredentialID == 0 {
		if err := govdata.ValidateCredentialInput(issue); err != nil {
			return nil, err
		}
		if err := s.creds.needKey(); err != nil {
			return nil, err
		}
	}
	if g.State != govdata.GrantActive {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgGrantNotActive, string(g.State))
	}
	out := &govdata.GrantCredential{GrantID: g.ID}
	err = s.db.write(ctx, func(tx *Tx) error {
		if in.CredentialID == 0 {
			c, err := s.creds.issue(tx, issue)
			if err != nil {
				return err
			}
			out.Credential, out.Secret = c.Credential, c.Secret
		} else {
			c, err := findCredential(tx.queryRow, in.CredentialID)
			if err != nil {
				return err
			}
			if err := credentialSeen(tx.actor, c); err != nil {
				return err
			}
			if c.DepartmentID != g.ConsumerDepartment {
				fe.Add("credential_id", govdata.MsgGrantCredentialDept)
				return fe.Err()
			}
			if c.RevokedAt != nil {
				return govdata.Errorf(govdata.ECONFLICT, govdata.MsgCredentialRevoked)
			}
			out.Credential = *c
		}
		out.BoundAt, out.BoundBy = tx.Now(), actorName(tx.actor)
		_, err := tx.exec("INSERT INTO grant_credentials (grant_id, credential_id, bound_at, bound_by) VALUES (?, ?, ?, ?)",
			g.ID, out.Credential.ID, toDB(out.BoundAt), out.BoundBy)
		if isUniqueViolation(err) {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgGrantCredentialBound)
		}
		if err != nil {
			return fmt.Errorf("bind credential: %w", err)
		}
		return tx.audit("grant.credential_bind", "grant", g.ID, map[string]any{"credential_id": out.Credential.ID, "app_key": out.Credential.AppKey})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindGrantCredentials implements govdata.GrantService.
func (s *GrantService) FindGrantCredentials(ctx context.Context, grantID int64) ([]*govdata.GrantCredential, error) {
	g, err := s.FindGrantByID(ctx, grantID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT gc.bound_at, gc.bound_by, `+prefixed("c.", credentialColumns)+`
		FROM grant_credentials gc JOIN credentials c ON c.id = gc.credential_id WHERE gc.grant_id = ? ORDER BY gc.credential_id`, g.ID)
	if err != nil {
		return nil, s.db.internal("grant credentials", err)
	}
	out, err := scanAll(rows, func(row interface{ Scan(...any) error }) (*govdata.GrantCredential, error) {
		gc := &govdata.GrantCredential{GrantID: g.ID}
		var bound int64
		c, err := scanCredential(prefixScanner{row, []any{&bound, &gc.BoundBy}}, nil)
		if err != nil {
			return nil, err
		}
		gc.Credential, gc.BoundAt = *c, fromDB(bound)
		return gc, nil
	})
	if err != nil {
		return nil, s.db.internal("grant credentials", err)
	}
	if out == nil {
		out = []*govdata.GrantCredential{}
	}
	return out, nil
}

// UnbindCredential implements govdata.GrantService.
func (s *GrantService) UnbindCredential(ctx context.Context, grantID, credentialID int64) error {
	a := govdata.ActorFrom(ctx)
	g, err := s.FindGrantByID(ctx, grantID)
	if err != nil {
		return err
	}
	if err := govdata.AuthorizeIn(a, govdata.PermGrantCredential, g.ConsumerDepartment); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		// Issue 11: another department's credential is refused, hidden.
		c, err := findCredential(tx.queryRow, credentialID)
		if err != nil {
			return err
		}
		if err := credentialSeen(tx.actor, c); err != nil {
			return err
		}
		res, err := tx.exec("DELETE FROM grant_credentials WHERE grant_id = ? AND credential_id = ?", g.ID, credentialID)
		if err != nil {
			return fmt.Errorf("unbind credential: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return govdata.Errorf(govdata.ENOTFOUND, govdata.MsgCredentialNotFound)
		}
		return tx.audit("grant.credential_unbind", "grant", g.ID, map[string]any{"credential_id": credentialID})
	})
}

// prefixScanner scans leading columns into first, the rest into the
// destinations its caller gives.
type prefixScanner struct {
	row   interface{ Scan(...any) error }
	first []any
}

func (p prefixScanner) Scan(dest ...any) error { return p.row.Scan(append(p.first, dest...)...) }
