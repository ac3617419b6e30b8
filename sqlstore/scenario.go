package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/govdata/govdata"
)

// ScenarioService keeps the registered application scenarios that grant
// matching applications directly (LS-19(三)).
type ScenarioService struct {
	Base
}

// NewScenarioService returns the scenarios of b's catalog entries.
func NewScenarioService(b Base) *ScenarioService { return &ScenarioService{Base: b} }

var _ govdata.ScenarioService = (*ScenarioService)(nil)

// mayRegister: LS-19(三) lets a matching application skip the chain in
// which the provider's leader signs and the bureau checks (LS-17: shares go
// through the 市大数据局's platform; LS-31: the 分管领导), so the scenario
// is agreed by one of them beforehand: the provider's leader, or a
// reviewer of the bureau that would check the application (bureauFor).
// An officer may not: it would pre-approve its own leader's sign-off.
func mayRegister(tx *Tx, a govdata.Actor, provider int64, region string) error {
	if a.IsSystem() || (a.Has(govdata.RoleLeader) && a.DepartmentID == provider) {
		return nil
	}
	if a.Has(govdata.RoleReviewer) && a.DepartmentID != 0 {
		bureau, err := bureauFor(tx, region)
		if err != nil && govdata.ErrorCodeOf(err) == govdata.EINTERNAL {
			return err
		}
		if err == nil && a.DepartmentID == bureau {
			return nil
		}
	}
	return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgScenarioRegistrar)
}

// Register implements govdata.ScenarioService.
func (s *ScenarioService) Register(ctx context.Context, in govdata.ScenarioInput) (*govdata.ApplicationScenario, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermScenarioRegister); err != nil {
		return nil, err
	}
	// Under a profile without LS-19(三) a scenario would grant nothing;
	// registering one would only mislead.
	if p := s.profile; p == nil || !p.ScenarioDirectGrant.Value {
		name := ""
		if p != nil {
			name = p.Name
		}
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgScenarioOff, name)
	}
	r, err := s.entryRow(ctx, in.CatalogID)
	if err != nil {
		return nil, err
	}
	if r.published == 0 {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgEntryNotOpenFor, r.status)
	}
	published, err := content(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, r.id, r.published)
	if err != nil {
		return nil, s.db.internal("register scenario", err)
	}
	entry := r.entry(published.Effective(s.profile), r.published, govdata.EntryStatus(r.status))
	items, _ := json.Marshal(in.Items)
	methods, _ := json.Marshal(in.Methods)
	scope := in.RegionScope
	if scope == nil {
		scope = []string{}
	}
	regions, _ := json.Marshal(scope)
	var id int64
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := mayRegister(tx, tx.actor, r.department, r.region); err != nil {
			return err
		}
		if err := govdata.ValidateScenario(in, entry); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow("SELECT COUNT(*) FROM departments WHERE id = ?", in.ConsumerDepartment).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			var fe govdata.FieldErrors
			fe.Add("consumer_department_id", govdata.MsgScenarioConsumerBad)
			return fe.Err()
		}
		var err error
		if id, err = tx.insert(`INSERT INTO application_scenarios (entry_id, provider_department_id, consumer_department_id, name, items,
			purpose, legal_basis, methods, region_scope, max_days, state, registered_by, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.id, r.department, in.ConsumerDepartment, in.Name, string(items), in.Purpose, in.LegalBasis, string(methods), string(regions),
			in.MaxDays, string(govdata.ScenarioActive), actorName(tx.actor), toDB(tx.Now())); err != nil {
			return fmt.Errorf("insert scenario: %w", err)
		}
		return tx.audit("scenario.register", "scenario", id, map[string]any{"entry_id": r.id, "consumer_department_id": in.ConsumerDepartment,
			"name": in.Name, "items": in.Items, "methods": in.Methods, "region_scope": scope, "max_days": in.MaxDays})
	})
	if err != nil {
		return nil, err
	}
	return s.FindScenarioByID(ctx, id)
}

// Retire implements govdata.ScenarioService.
func (s *ScenarioService) Retire(ctx context.Context, id int64, in govdata.ScenarioRetirement) (*govdata.ApplicationScenario, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermScenarioRegister); err != nil {
		return nil, err
	}
	sc, err := s.FindScenarioByID(ctx, id)
	if err != nil {
		return nil, err
	}
	var region string
	if err := s.db.queryRow(ctx, "SELECT region_code FROM catalog_entries WHERE id = ?", sc.CatalogID).Scan(&region); err != nil {
		return nil, s.db.internal("retire scenario", err)
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := mayRegister(tx, tx.actor, sc.ProviderDepartment, region); err != nil {
			return err
		}
		if err := govdata.ValidateRetirement(in); err != nil {
			return err
		}
		// Only an active one: of two racing retirements one wins.
		res, err := tx.exec("UPDATE application_scenarios SET state = ?, retired_by = ?, retired_at = ?, retire_reason = ? WHERE id = ? AND state = ?",
			string(govdata.ScenarioRetired), actorName(tx.actor), toDB(tx.Now()), in.Reason, id, string(govdata.ScenarioActive))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgScenarioRetired)
		}
		return tx.audit("scenario.retire", "scenario", id, map[string]any{"reason": in.Reason})
	})
	if err != nil {
		return nil, err
	}
	return s.FindScenarioByID(ctx, id)
}

const scenarioSelect = `SELECT s.id, s.entry_id, e.resource_code, s.provider_department_id, s.consumer_department_id, s.name, s.items, s.purpose,
	s.legal_basis, s.methods, s.region_scope, s.max_days, s.state, s.registered_by, s.registered_at, s.retired_by, s.retired_at, s.retire_reason
	FROM application_scenarios s JOIN catalog_entries e ON e.id = s.entry_id`

func scanScenario(row interface{ Scan(...any) error }) (*govdata.ApplicationScenario, error) {
	var sc govdata.ApplicationScenario
	var items, methods, regions string
	var registered int64
	var retired sql.NullInt64
	if err := row.Scan(&sc.ID, &sc.CatalogID, &sc.ResourceCode, &sc.ProviderDepartment, &sc.ConsumerDepartment, &sc.Name, &items, &sc.Purpose,
		&sc.LegalBasis, &methods, &regions, &sc.MaxDays, &sc.State, &sc.RegisteredBy, &registered, &sc.RetiredBy, &retired, &sc.RetireReason); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(items), &sc.Items); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(methods), &sc.Methods); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(regions), &sc.RegionScope); err != nil {
		return nil, err
	}
	sc.RegisteredAt, sc.RetiredAt = fromDB(registered), fromDBNull(retired)
	return &sc, nil
}

// seesScenario: the provider's and the consumer's people, and the
// reviewers (as for applications).
func seesScenario(a govdata.Actor, sc *govdata.ApplicationScenario) bool {
	return a.IsSystem() || a.Has(govdata.RoleReviewer) ||
		(a.DepartmentID != 0 && (a.DepartmentID == sc.ProviderDepartment || a.DepartmentID == sc.ConsumerDepartment))
}

// FindScenarioByID implements govdata.ScenarioService.
func (s *ScenarioService) FindScenarioByID(ctx context.Context, id int64) (*govdata.ApplicationScenario, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	sc, err := scanScenario(s.db.queryRow(ctx, scenarioSelect+" WHERE s.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgScenarioNotFound)
	}
	if err == nil && !seesScenario(a, sc) {
		return nil, govdata.Hidden(govdata.MsgScenarioNotFound)
	}
	if err != nil {
		return nil, s.db.internal("find scenario", err)
	}
	return sc, nil
}

// FindScenarios implements govdata.ScenarioService.
func (s *ScenarioService) FindScenarios(ctx context.Context, f govdata.ScenarioFilter) (govdata.ScenarioList, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return govdata.ScenarioList{}, err
	}
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return govdata.ScenarioList{}, err
	}
	limit := f.Limit
	if limit <= 0 || limit > govdata.MaxLimit {
		limit = govdata.DefaultLimit
	}
	var w where
	if !a.IsSystem() && !a.Has(govdata.RoleReviewer) {
		w.add("(s.provider_department_id = ? OR s.consumer_department_id = ?)", a.DepartmentID, a.DepartmentID)
	}
	if f.DepartmentID > 0 {
		w.add("(s.provider_department_id = ? OR s.consumer_department_id = ?)", f.DepartmentID, f.DepartmentID)
	}
	if f.EntryID > 0 {
		w.add("s.entry_id = ?", f.EntryID)
	}
	if after > 0 {
		w.add("s.id < ?", after)
	}
	rows, err := s.db.query(ctx, scenarioSelect+w.String()+" ORDER BY s.id DESC LIMIT ?", append(w.args, limit+1)...)
	if err != nil {
		return govdata.ScenarioList{}, s.db.internal("find scenarios", err)
	}
	defer rows.Close()
	out := govdata.ScenarioList{Items: []*govdata.ApplicationScenario{}}
	for rows.Next() {
		sc, err := scanScenario(rows)
		if err != nil {
			return govdata.ScenarioList{}, s.db.internal("find scenarios", err)
		}
		out.Items = append(out.Items, sc)
	}
	if err := rows.Err(); err != nil {
		return govdata.ScenarioList{}, s.db.internal("find scenarios", err)
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = encodeCursor(fmt.Sprint(out.Items[limit-1].ID))
	}
	return out, nil
}

// matchingScenario is the active scenario, oldest first, that grants the
// application of consumer directly; nil (and no error) when none does,
// and always unless the profile sets ScenarioDirectGrant (LS-19(三)).
func matchingScenario(tx *Tx, p *govdata.Profile, in govdata.ApplicationInput, consumer int64, today govdata.Date) (*govdata.ApplicationScenario, error) {
	if p == nil || !p.ScenarioDirectGrant.Value {
		return nil, nil
	}
	rows, err := tx.query(scenarioSelect+" WHERE s.entry_id = ? AND s.consumer_department_id = ? AND s.state = ? ORDER BY s.id",
		in.CatalogID, consumer, string(govdata.ScenarioActive))
	if err != nil {
		return nil, fmt.Errorf("find scenarios: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		sc, err := scanScenario(rows)
		if err != nil {
			return nil, fmt.Errorf("find scenarios: %w", err)
		}
		if govdata.MatchScenario(in, consumer, *sc, today) {
			return sc, nil
		}
	}
	return nil, rows.Err()
}
