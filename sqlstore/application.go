package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/govdata/govdata"
)

// ApplicationService runs share applications through the profile's
// workflow for the entry's share type (SHR-1, SHR-2).
type ApplicationService struct {
	Base
	flows workflowSteps
}

// NewApplicationService returns the share applications of b's catalog,
// run through flows.
func NewApplicationService(b Base, flows workflowSteps) *ApplicationService {
	return &ApplicationService{Base: b, flows: flows}
}

var _ govdata.ApplicationService = (*ApplicationService)(nil)

var (
	msgApplyOfficer        = govdata.Msg{ZH: "只有数据专员可以为本部门申请共享", EN: "only a department's officer applies for shared data"}
	msgApplicationNotFound = govdata.Msg{ZH: "共享申请不存在", EN: "share application not found"}
)

// Apply implements govdata.ApplicationService.
func (s *ApplicationService) Apply(ctx context.Context, in govdata.ApplicationInput) (*govdata.Application, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	if !a.Has(govdata.RoleOfficer) || a.DepartmentID == 0 {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, msgApplyOfficer)
	}
	r, entry, err := s.publishedEntry(ctx, in.CatalogID)
	if err != nil {
		return nil, err
	}
	published := entry.EntryInput
	today := s.today()
	if err := govdata.ValidateApplication(in, entry, a.DepartmentID, today); err != nil {
		return nil, err
	}
	kind := govdata.ShareWorkflow(published.ShareType)
	// SHR-5: masks are lifted only where the provider's leader approves.
	if terms := govdata.TermsOf(entry, s.profile, a.DepartmentID, today); len(in.UnmaskedItems) > 0 && !terms.LiftsMasks {
		var fe govdata.FieldErrors
		fe.Add("unmasked_items", govdata.MsgUnmaskNoLeader)
		return nil, fe.Err()
	}
	items, regions, unmasked := jsonList(in.Items), jsonList(in.RegionScope), jsonList(in.UnmaskedItems)
	var id int64
	err = s.db.write(ctx, func(tx *Tx) error {
		// LS-19(三): an application within a registered scenario is
		// approved at once, without a workflow, and granted below.
		// Unmasked items and sensitive exports need the chain (SHR-5, SEC-5).
		var sc *govdata.ApplicationScenario
		var err error
		if len(in.UnmaskedItems) == 0 && !in.ExportSensitive {
			if sc, err = matchingScenario(tx, s.profile, in, a.DepartmentID, today); err != nil {
				return err
			}
		}
		state, workflow, scenario := govdata.ApplicationApproved, int64(0), int64(0)
		if sc != nil {
			scenario = sc.ID
		} else {
			bureau, err := bureauFor(tx, r.region)
			if err != nil {
				return err
			}
			w, err := s.flows.startTx(ctx, tx, govdata.StartWorkflow{Kind: kind, SubjectType: "application",
				Title: published.Name, Parties: govdata.Parties{govdata.PartyApplicant: a.DepartmentID, govdata.PartyProvider: r.department, govdata.PartyBureau: bureau}})
			if err != nil {
				return err
			}
			state, workflow = govdata.ApplicationOpen, w.ID
		}
		now := toDB(tx.Now())
		if id, err = tx.insert(`INSERT INTO applications (entry_id, entry_version, applicant_department_id, provider_department_id, share_type, items,
			scenario, purpose, legal_basis, region_scope, method, valid_until, unmasked_items, export_sensitive, state, workflow_id, scenario_id, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.id, r.published, a.DepartmentID, r.department, string(published.ShareType),
			items, in.Scenario, in.Purpose, in.LegalBasis, regions, string(in.Method), in.ValidUntil.String(), unmasked, in.ExportSensitive,
			string(state), nullID(workflow), nullID(scenario), actorName(tx.actor), now, now); err != nil {
			return err
		}
		detail := map[string]any{"entry_id": r.id, "items": in.Items, "purpose": in.Purpose, "method": in.Method,
			"valid_until": in.ValidUntil.String(), "region_scope": in.RegionScope, "unmasked_items": in.UnmaskedItems, "export_sensitive": in.ExportSensitive}
		if sc != nil {
			detail["scenario_id"] = sc.ID
		}
		if err := tx.audit("application.apply", "application", id, detail); err != nil {
			return err
		}
		if sc != nil {
			_, err := insertGrant(tx, &govdata.Application{ApplicationInput: in, ID: id, ApplicantDepartment: a.DepartmentID, ProviderDepartment: r.department}, today)
			return err
		}
		_, err = tx.exec("UPDATE workflow_instances SET subject_id = ? WHERE id = ?", strconv.FormatInt(id, 10), workflow)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.FindApplicationByID(ctx, id)
}

// publishedEntry reads the published version of an entry the caller sees,
// as the profile counts it: the profile may count a conditional entry
// without conditions as unconditional (ZJ); an application follows the
// entry as it counts. ECONFLICT for an entry never published.
func (s *ApplicationService) publishedEntry(ctx context.Context, id int64) (*entryRow, *govdata.Entry, error) {
	r, err := s.entryRow(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if r.published == 0 {
		return nil, nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgEntryNotOpenFor, r.status)
	}
	published, err := content(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, r.id, r.published)
	if err != nil {
		return nil, nil, s.db.internal("published entry", err)
	}
	return r, r.entry(published.Effective(s.profile), r.published, govdata.EntryStatus(r.status)), nil
}

// ApplicationTerms implements govdata.ApplicationService.
func (s *ApplicationService) ApplicationTerms(ctx context.Context, entryID int64) (*govdata.ApplicationTerms, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	_, entry, err := s.publishedEntry(ctx, entryID)
	if err != nil {
		return nil, err
	}
	terms := govdata.TermsOf(entry, s.profile, a.DepartmentID, s.today())
	if terms.Refusal == nil && (!a.Has(govdata.RoleOfficer) || a.DepartmentID == 0) {
		r := govdata.TextOf(msgApplyOfficer)
		terms.Refusal = &r
	}
	return terms, nil
}

// Decide implements govdata.ApplicationService.
func (s *ApplicationService) Decide(ctx context.Context, id int64, d govdata.ApplicationDecision) (*govdata.Application, error) {
	if err := govdata.ValidateDecision(d); err != nil {
		return nil, err
	}
	app, workflow, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	if workflow == 0 { // granted by a scenario (LS-19(三)): nothing to decide
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepClosed, string(app.State))
	}
	w, err := s.flows.FindInstanceByID(ctx, workflow)
	if err != nil {
		return nil, err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		after, err := s.flows.decideTx(ctx, tx, workflow, govdata.Decision{StepSeq: w.StepSeq, Action: d.Decision, Reason: d.Reason})
		if err != nil {
			return err
		}
		state, category, reason := govdata.ApplicationOpen, "", ""
		switch after.State {
		case govdata.InstanceApproved:
			// SHR-3: the approval makes the grant, in the same write.
			state = govdata.ApplicationApproved
			if _, err := insertGrant(tx, app, s.dateOf(tx.Now())); err != nil {
				return err
			}
		case govdata.InstanceRejected:
			state, category, reason = govdata.ApplicationRejected, string(d.ReasonCategory), d.Reason
		case govdata.InstanceWithdrawn:
			state = govdata.ApplicationWithdrawn
		}
		if _, err := tx.exec("UPDATE applications SET state = ?, refusal_category = ?, refusal_reason = ?, updated_at = ? WHERE id = ?",
			string(state), category, reason, toDB(tx.Now()), app.ID); err != nil {
			return err
		}
		return tx.audit("application.decide", "application", app.ID, map[string]any{"step": w.Step, "decision": d.Decision,
			"reason_category": d.ReasonCategory, "state": state})
	})
	if err != nil {
		return nil, err
	}
	return s.FindApplicationByID(ctx, id)
}

// applicationSelect reads an application with what a list shows of it:
// the departments' names, the entry's name (the workflow's title, which is
// the name applied for; else the catalog's) and where its workflow stands.
const applicationSelect = `SELECT a.id, a.entry_id, a.entry_version, a.applicant_department_id, a.provider_department_id, a.share_type, a.items, a.scenario,
	a.purpose, a.legal_basis, a.region_scope, a.method, a.valid_until, a.state, a.refusal_category, a.refusal_reason, a.workflow_id,
	a.grant_id, a.scenario_id, a.created_by, a.created_at, e.resource_code, a.unmasked_items, a.export_sensitive,
	ad.name, pd.name, COALESCE(w.title, cs.name, ''), COALESCE(w.state, ''), COALESCE(w.step, ''), COALESCE(w.due_date, '')
	FROM applications a JOIN catalog_entries e ON e.id = a.entry_id
	JOIN departments ad ON ad.id = a.applicant_department_id JOIN departments pd ON pd.id = a.provider_department_id
	LEFT JOIN workflow_instances w ON w.id = a.workflow_id LEFT JOIN catalog_search cs ON cs.entry_id = a.entry_id`

func scanApplication(row interface{ Scan(...any) error }) (*govdata.Application, int64, error) {
	var a govdata.Application
	var items, regions, until, unmasked, wstate, due string
	var created int64
	var workflow, grant, scenario sql.NullInt64
	if err := row.Scan(&a.ID, &a.CatalogID, &a.EntryVersion, &a.ApplicantDepartment, &a.ProviderDepartment, &a.ShareType, &items, &a.Scenario, &a.Purpose,
		&a.LegalBasis, &regions, &a.Method, &until, &a.State, &a.RefusalCategory, &a.RefusalReason, &workflow, &grant, &scenario, &a.CreatedBy,
		&created, &a.ResourceCode, &unmasked, &a.ExportSensitive,
		&a.ApplicantDepartmentName, &a.ProviderDepartmentName, &a.EntryName, &wstate, &a.Step, &due); err != nil {
		return nil, 0, err
	}
	if wstate != string(govdata.InstanceOpen) {
		a.Step, due = "", ""
	}
	if due != "" {
		d, err := govdata.ParseDate(due)
		if err != nil {
			return nil, 0, err
		}
		a.Due = &d
	}
	if err := json.Unmarshal([]byte(unmasked), &a.UnmaskedItems); err != nil {
		return nil, 0, err
	}
	if err := json.Unmarshal([]byte(items), &a.Items); err != nil {
		return nil, 0, err
	}
	if err := json.Unmarshal([]byte(regions), &a.RegionScope); err != nil {
		return nil, 0, err
	}
	d, err := govdata.ParseDate(until)
	if err != nil {
		return nil, 0, err
	}
	a.ValidUntil, a.GrantID, a.ScenarioID, a.CreatedAt = d, grant.Int64, scenario.Int64, fromDB(created)
	return &a, workflow.Int64, nil
}

// seesApplication: the applicant's and the provider's people, and the
// reviewers (the bureau forwards and supervises).
func seesApplication(a govdata.Actor, app *govdata.Application) bool {
	return a.IsSystem() || a.Has(govdata.RoleReviewer) ||
		(a.DepartmentID != 0 && (a.DepartmentID == app.ApplicantDepartment || a.DepartmentID == app.ProviderDepartment))
}

func (s *ApplicationService) find(ctx context.Context, id int64) (*govdata.Application, int64, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermSignedIn); err != nil {
		return nil, 0, err
	}
	app, workflow, err := scanApplication(s.db.queryRow(ctx, applicationSelect+" WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, govdata.Errorf(govdata.ENOTFOUND, msgApplicationNotFound)
	}
	if err != nil {
		return nil, 0, s.db.internal("find application", err)
	}
	if !seesApplication(govdata.ActorFrom(ctx), app) {
		// Another department's application is not even said to exist.
		return nil, 0, govdata.Hidden(msgApplicationNotFound)
	}
	return app, workflow, nil
}

// FindApplicationByID implements govdata.ApplicationService: with its
// workflow's steps, actors, decisions and due dates.
func (s *ApplicationService) FindApplicationByID(ctx context.Context, id int64) (*govdata.Application, error) {
	app, workflow, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	if workflow != 0 { // none for a scenario's direct grant
		if app.Workflow, err = s.flows.FindInstanceByID(ctx, workflow); err != nil {
			return nil, err
		}
		app.Actions = s.actionsFor(govdata.ActorFrom(ctx), app.Workflow)
	}
	if err := s.standing(ctx, []*govdata.Application{app}); err != nil {
		return nil, err
	}
	var in govdata.EntryInput
	if in, err = content(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, app.CatalogID, app.EntryVersion); err == nil {
		app.EntryName = in.Name
	}
	return app, nil
}

var msgApplicationSide = govdata.Msg{ZH: "side 应为 applicant（本部门的申请）或 provider（申请本部门数据的）", EN: "side must be applicant (the department's applications) or provider (applications for its data)"}

// FindApplications implements govdata.ApplicationService.
func (s *ApplicationService) FindApplications(ctx context.Context, f govdata.ApplicationFilter) (govdata.ApplicationList, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return govdata.ApplicationList{}, err
	}
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return govdata.ApplicationList{}, err
	}
	limit := f.Limit
	if limit <= 0 || limit > govdata.MaxLimit {
		limit = govdata.DefaultLimit
	}
	q, args := applicationSelect+" WHERE 1 = 1", []any{}
	switch f.Side {
	case "applicant":
		q, args = q+" AND a.applicant_department_id = ?", append(args, a.DepartmentID)
	case "provider":
		q, args = q+" AND a.provider_department_id = ?", append(args, a.DepartmentID)
	case "":
		if !a.IsSystem() && !a.Has(govdata.RoleReviewer) {
			q, args = q+" AND (a.applicant_department_id = ? OR a.provider_department_id = ?)", append(args, a.DepartmentID, a.DepartmentID)
		}
	default:
		return govdata.ApplicationList{}, govdata.Errorf(govdata.EINVALID, msgApplicationSide)
	}
	if f.State != "" {
		q, args = q+" AND a.state = ?", append(args, string(f.State))
	}
	if after > 0 {
		q, args = q+" AND a.id < ?", append(args, after)
	}
	rows, err := s.db.query(ctx, q+" ORDER BY a.id DESC LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return govdata.ApplicationList{}, s.db.internal("find applications", err)
	}
	defer rows.Close()
	out := govdata.ApplicationList{Items: []*govdata.Application{}}
	for rows.Next() {
		app, _, err := scanApplication(rows)
		if err != nil {
			return govdata.ApplicationList{}, s.db.internal("find applications", err)
		}
		out.Items = append(out.Items, app)
	}
	if err := rows.Err(); err != nil {
		return govdata.ApplicationList{}, s.db.internal("find applications", err)
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = encodeCursor(fmt.Sprint(out.Items[limit-1].ID))
	}
	if err := s.standing(ctx, out.Items); err != nil {
		return govdata.ApplicationList{}, err
	}
	return out, nil
}

// standing counts each open application's due date on the platform's
// calendar today (CAL-3: overdue once the due day has ended), for the
// applicant as much as for the step's actor.
func (s *ApplicationService) standing(ctx context.Context, apps []*govdata.Application) error {
	var cal *govdata.Calendar
	today := s.today()
	for _, app := range apps {
		if app.Due == nil {
			continue
		}
		if cal == nil {
			var err error
			if cal, err = s.db.calendar(ctx); err != nil {
				return err
			}
		}
		left, late, overdue := cal.DueStanding(*app.Due, today)
		if overdue {
			app.WorkingDaysLate = &late
		} else {
			app.WorkingDaysLeft = &left
		}
	}
	return nil
}

// actionsFor is what actor may do at w's current step: the step's actions
// when it is the step's actor (the same check Decide makes), else none.
func (s *ApplicationService) actionsFor(a govdata.Actor, w *govdata.WorkflowInstance) []govdata.Action {
	if w.State != govdata.InstanceOpen || a.IsSystem() {
		return nil
	}
	flow, ok := s.profile.Workflow(w.Kind)
	if !ok {
		return nil
	}
	step, ok := flow.Step(w.Step)
	if !ok || govdata.CheckStepActor(a, step, w.Parties) != nil {
		return nil
	}
	return step.Actions
}
