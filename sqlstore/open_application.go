package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// OpenApplicationService runs conditional-open applications through the
// profile's open_conditional workflow and keeps the open grants they make
// (OPN-2, HLJ-34, HLJ-43, ZJ-23).
type OpenApplicationService struct {
	Base
	flows workflowSteps
}

// NewOpenApplicationService returns the open applications of b's catalog,
// run through flows.
func NewOpenApplicationService(b Base, flows workflowSteps) *OpenApplicationService {
	return &OpenApplicationService{Base: b, flows: flows}
}

var _ govdata.OpenApplicationService = (*OpenApplicationService)(nil)

// publicCtx names a public account in the records its writes leave (the
// audit log, the workflow's created_by): public:<id>, apart from every
// staff username (govdata.PublicActorName), when its actor carries no name
// of its own.
func publicCtx(ctx context.Context) context.Context {
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID != 0 && a.Username == "" {
		a.Username = govdata.PublicActorName(a.PublicAccountID)
		ctx = govdata.WithActor(ctx, a)
	}
	return ctx
}

// recordRefusal leaves the audit record of a refused request (OPN-2: a
// refused application is recorded, nothing else written).
func (b Base) recordRefusal(ctx context.Context, action, objectType string, objectID any, reason error) error {
	detail := map[string]string{"code": string(govdata.ErrorCodeOf(reason))}
	var e *govdata.Error
	if errors.As(reason, &e) {
		detail["reason"] = e.Message.Text("en")
		for f, m := range e.Fields {
			detail["field."+f] = m.Text("en")
		}
	}
	if err := b.db.write(ctx, func(tx *Tx) error {
		return tx.auditAs(tx.actor, govdata.AuditRefused, action, objectType, objectID, detail)
	}); err != nil {
		return err
	}
	return reason
}

// openEntry is a published entry of the open catalog as applied for.
type openEntry struct {
	row     *entryRow
	content govdata.EntryInput
	opened  []string
}

// readOpenEntry reads entry id as the open catalog shows it: published,
// not revoked, not withdrawn (HLJ-35); ENOTFOUND for any other.
func readOpenEntry(queryRow func(string, ...any) *sql.Row, p *govdata.Profile, id int64) (*openEntry, error) {
	r, err := findEntryRow(queryRow, id)
	if govdata.ErrorCodeOf(err) == govdata.ENOTFOUND {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgOpenEntryNotFound)
	}
	if err != nil {
		return nil, err
	}
	var withdrawn sql.NullInt64
	if err := queryRow("SELECT open_withdrawn_at FROM catalog_entries WHERE id = ?", id).Scan(&withdrawn); err != nil {
		return nil, fmt.Errorf("find entry: %w", err)
	}
	if r.published == 0 || r.status == string(govdata.EntryRevoked) || withdrawn.Valid {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgOpenEntryNotFound)
	}
	in, err := content(queryRow, r.id, r.published)
	if err != nil {
		return nil, err
	}
	in = in.Effective(p)
	// ZJ-20: the open attribute in force, which may be an earlier version's.
	if in, err = withEffectiveAttribute(queryRow, r.id, in); err != nil {
		return nil, err
	}
	if in.OpenType == govdata.OpenNone {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgOpenEntryNotFound)
	}
	// Only the items the entry opens may be asked for (HLJ-33, ZJ-21).
	return &openEntry{row: r, content: in, opened: in.OpenedItems()}, nil
}

// checkApplicant: only a public account with a confirmed e-mail address
// and an active state applies (OPN-2; HLJ-43 closes a suspended one's access).
func checkApplicant(queryRow func(string, ...any) *sql.Row, a govdata.Actor) error {
	if a.PublicAccountID == 0 {
		return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOpenPublicOnly)
	}
	var confirmed sql.NullInt64
	var state, reason string
	err := queryRow("SELECT confirmed_at, state, state_reason FROM public_accounts WHERE id = ?", a.PublicAccountID).Scan(&confirmed, &state, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
	}
	if err != nil {
		return fmt.Errorf("find public account: %w", err)
	}
	if state != "active" {
		return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOpenAccountSuspended, reason)
	}
	if !confirmed.Valid {
		return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOpenAccountUnconfirmed)
	}
	return nil
}

// ApplyOpen implements govdata.OpenApplicationService.
func (s *OpenApplicationService) ApplyOpen(ctx context.Context, in govdata.OpenApplicationInput) (*govdata.OpenApplication, error) {
	ctx = publicCtx(ctx)
	a := govdata.ActorFrom(ctx)
	queryRow := func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }
	refuse := func(err error) (*govdata.OpenApplication, error) {
		if govdata.ErrorCodeOf(err) == govdata.EINTERNAL || a.PublicAccountID == 0 {
			return nil, err
		}
		return nil, s.recordRefusal(ctx, "open_application.apply", "catalog_entry", in.EntryID, err)
	}
	if err := checkApplicant(queryRow, a); err != nil {
		return refuse(err)
	}
	e, err := readOpenEntry(queryRow, s.profile, in.EntryID)
	if err != nil {
		return refuse(err)
	}
	// HLJ-34: only conditionally open data is applied for; unconditionally
	// open data is used directly.
	if e.content.OpenType != govdata.OpenConditional {
		return refuse(govdata.Errorf(govdata.ECONFLICT, govdata.MsgOpenNotConditional))
	}
	if err := govdata.ValidateOpenApplication(in, e.opened, s.today()); err != nil {
		return refuse(err)
	}
	var id int64
	err = s.db.write(ctx, func(tx *Tx) error {
		// Read again in the write: the account or the entry may have
		// changed since (a suspension, a withdrawal).
		if err := checkApplicant(tx.queryRow, a); err != nil {
			return err
		}
		if _, err := readOpenEntry(tx.queryRow, s.profile, in.EntryID); err != nil {
			return err
		}
		bureau, err := bureauFor(tx, e.row.region)
		if err != nil {
			return err
		}
		w, err := s.flows.startTx(ctx, tx, govdata.StartWorkflow{Kind: govdata.WorkflowOpenConditional, SubjectType: "open_application",
			Title: e.content.Name, Parties: govdata.Parties{govdata.PartyProvider: e.row.department, govdata.PartyBureau: bureau}})
		if err != nil {
			return err
		}
		now := toDB(tx.Now())
		if id, err = tx.insert(`INSERT INTO open_applications (account_id, entry_id, entry_version, provider_department_id, items, purpose, scenario,
			measures, valid_from, valid_until, agreement_version, state, workflow_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.PublicAccountID, e.row.id, e.row.published, e.row.department, jsonList(in.Items),
			in.Purpose, in.Scenario, in.Measures, in.ValidFrom.String(), in.ValidUntil.String(), in.AgreementVersion,
			string(govdata.OpenApplicationPending), w.ID, now, now); err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE workflow_instances SET subject_id = ? WHERE id = ?", strconv.FormatInt(id, 10), w.ID); err != nil {
			return err
		}
		return tx.audit("open_application.apply", "open_application", id, map[string]any{"account_id": a.PublicAccountID, "entry_id": e.row.id,
			"items": in.Items, "purpose": in.Purpose, "valid_from": in.ValidFrom.String(), "valid_until": in.ValidUntil.String(),
			"agreement_version": in.AgreementVersion, "workflow_id": w.ID})
	})
	if err != nil {
		return refuse(err)
	}
	return s.FindOpenApplicationByID(ctx, id)
}

const openApplicationSelect = `SELECT a.id, a.account_id, pa.name, a.entry_id, a.entry_version, e.resource_code, COALESCE(w.title, cs.name, ''),
	a.provider_department_id, d.name, a.items, a.purpose, a.scenario, a.measures, a.valid_from, a.valid_until, a.agreement_version,
	a.state, a.refusal_reason, COALESCE(g.id, 0), COALESCE(a.workflow_id, 0), COALESCE(w.state, ''), COALESCE(w.step, ''), COALESCE(w.due_date, ''),
	COALESCE(w.bureau_id, 0), a.created_at, a.updated_at
	FROM open_applications a JOIN public_accounts pa ON pa.id = a.account_id JOIN catalog_entries e ON e.id = a.entry_id
	JOIN departments d ON d.id = a.provider_department_id LEFT JOIN workflow_instances w ON w.id = a.workflow_id
	LEFT JOIN catalog_search cs ON cs.entry_id = a.entry_id LEFT JOIN open_grants g ON g.application_id = a.id`

type openApplicationRow struct {
	app      *govdata.OpenApplication
	workflow int64
	bureau   int64
}

func scanOpenApplication(row interface{ Scan(...any) error }) (*openApplicationRow, error) {
	var a govdata.OpenApplication
	var r openApplicationRow
	var items, from, until, wstate, due string
	var created, updated int64
	if err := row.Scan(&a.ID, &a.AccountID, &a.AccountName, &a.EntryID, &a.EntryVersion, &a.ResourceCode, &a.EntryName,
		&a.ProviderDepartment, &a.ProviderDepartmentName, &items, &a.Purpose, &a.Scenario, &a.Measures, &from, &until, &a.AgreementVersion,
		&a.State, &a.RefusalReason, &a.GrantID, &r.workflow, &wstate, &a.Step, &due, &r.bureau, &created, &updated); err != nil {
		return nil, err
	}
	if wstate != string(govdata.InstanceOpen) {
		a.Step, due = "", ""
	}
	var err error
	if due != "" {
		d, err := govdata.ParseDate(due)
		if err != nil {
			return nil, err
		}
		a.Due = &d
	}
	if err := json.Unmarshal([]byte(items), &a.Items); err != nil {
		return nil, err
	}
	if a.ValidFrom, err = govdata.ParseDate(from); err != nil {
		return nil, err
	}
	if a.ValidUntil, err = govdata.ParseDate(until); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt, a.Actions = fromDB(created), fromDB(updated), []govdata.Action{}
	r.app = &a
	return &r, nil
}

// seesOpen: the public account its own; staff the provider's people and
// the bureau of the entry's region (the workflow's bureau party).
func seesOpen(a govdata.Actor, account, provider, bureau int64) bool {
	switch {
	case a.IsSystem():
		return true
	case a.PublicAccountID != 0:
		return a.PublicAccountID == account
	case a.UserID == 0:
		return false
	case a.Has(govdata.RoleSecadmin) || a.Has(govdata.RoleAuditor):
		return true // the platform's security officer and auditor oversee every grant
	case a.DepartmentID == 0:
		return false
	}
	return a.DepartmentID == provider || (bureau != 0 && a.DepartmentID == bureau)
}

func (s *OpenApplicationService) find(ctx context.Context, id int64) (*openApplicationRow, error) {
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID == 0 {
		if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
			return nil, err
		}
	}
	r, err := scanOpenApplication(s.db.queryRow(ctx, openApplicationSelect+" WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgOpenApplicationMissing)
	}
	if err != nil {
		return nil, s.db.internal("find open application", err)
	}
	if !seesOpen(a, r.app.AccountID, r.app.ProviderDepartment, r.bureau) {
		return nil, govdata.Hidden(govdata.MsgOpenApplicationMissing)
	}
	return r, nil
}

// shown strips what a public account does not see of staff (the account's
// name is its own; the acting staff's usernames are kept as the record
// shows them only to staff).
func shownToPublic(a govdata.Actor, app *govdata.OpenApplication) {
	if a.PublicAccountID == 0 || app.Workflow == nil {
		return
	}
	for i := range app.Workflow.History {
		app.Workflow.History[i].ActedBy, app.Workflow.History[i].ActedByName = "", ""
	}
	app.Workflow.CreatedBy = ""
}

// FindOpenApplicationByID implements govdata.OpenApplicationService.
func (s *OpenApplicationService) FindOpenApplicationByID(ctx context.Context, id int64) (*govdata.OpenApplication, error) {
	r, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	app, a := r.app, govdata.ActorFrom(ctx)
	if r.workflow != 0 {
		if app.Workflow, err = s.flows.FindInstanceByID(ctx, r.workflow); err != nil {
			return nil, err
		}
	}
	if flow, ok := s.profile.Workflow(govdata.WorkflowOpenConditional); ok {
		app.Steps = flow.Steps
	}
	app.Actions = s.actionsFor(a, app)
	shownToPublic(a, app)
	if app.WorkingDaysLeft, app.WorkingDaysLate, err = s.dueStanding(ctx, app.Due); err != nil {
		return nil, err
	}
	return app, nil
}

// actionsFor: the applicant withdraws its pending application; a staff
// member takes the current step's actions when it is the step's actor.
func (s *OpenApplicationService) actionsFor(a govdata.Actor, app *govdata.OpenApplication) []govdata.Action {
	out := []govdata.Action{}
	if app.State != govdata.OpenApplicationPending || a.IsSystem() {
		return out
	}
	if a.PublicAccountID != 0 {
		if a.PublicAccountID == app.AccountID {
			out = append(out, govdata.ActionWithdraw)
		}
		return out
	}
	if app.Workflow == nil {
		return out
	}
	flow, ok := s.profile.Workflow(app.Workflow.Kind)
	if !ok {
		return out
	}
	step, ok := flow.Step(app.Workflow.Step)
	if !ok || govdata.CheckStepActor(a, step, app.Workflow.Parties) != nil {
		return out
	}
	return append(out, step.Actions...)
}

// visibleWhere narrows a list to what a sees: its own for a public
// account; the provider's and the bureau's for staff.
func visibleWhere(a govdata.Actor, w *where, account, provider, bureau string) error {
	switch {
	case a.IsSystem():
	case a.PublicAccountID != 0:
		w.add(account+" = ?", a.PublicAccountID)
	case a.Has(govdata.RoleSecadmin) || a.Has(govdata.RoleAuditor):
		return govdata.Authorize(a, govdata.PermSignedIn)
	default:
		if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
			return err
		}
		w.add("("+provider+" = ? OR "+bureau+" = ?)", a.DepartmentID, a.DepartmentID)
	}
	return nil
}

// openList reads the lists of opening's records — applications,
// withdrawals, open-attribute approvals — the one way: a page, newest
// first, of what the actor may see (visibleWhere), in a state if given.
// sel selects the rows (the record aliased alias, its workflow w).
type openList[T any] struct {
	sel, alias, account, what string
	scan                      func(row interface{ Scan(...any) error }) (T, error)
	id                        func(T) int64
}

func (l openList[T]) find(ctx context.Context, db *DB, a govdata.Actor, state string, p govdata.Page) (govdata.List[T], error) {
	var none govdata.List[T]
	var w where
	if err := visibleWhere(a, &w, l.account, l.alias+".provider_department_id", "w.bureau_id"); err != nil {
		return none, err
	}
	p = p.Normalize()
	after, err := decodeIDCursor(p.Cursor)
	if err != nil {
		return none, err
	}
	if state != "" {
		w.add(l.alias+".state = ?", state)
	}
	if after > 0 {
		w.add(l.alias+".id < ?", after)
	}
	rows, err := db.query(ctx, l.sel+w.String()+" ORDER BY "+l.alias+".id DESC LIMIT ?", append(w.args, p.Limit+1)...)
	if err != nil {
		return none, db.internal(l.what, err)
	}
	list, err := scanAll(rows, l.scan)
	if err != nil {
		return none, db.internal(l.what, err)
	}
	if list == nil {
		list = []T{}
	}
	return page(list, p.Limit, func(v T) string { return strconv.FormatInt(l.id(v), 10) }), nil
}

// FindOpenApplications implements govdata.OpenApplicationService.
func (s *OpenApplicationService) FindOpenApplications(ctx context.Context, f govdata.OpenApplicationFilter) (govdata.List[*govdata.OpenApplication], error) {
	a := govdata.ActorFrom(ctx)
	list, err := openList[*govdata.OpenApplication]{sel: openApplicationSelect, alias: "a", account: "a.account_id", what: "find open applications",
		scan: func(row interface{ Scan(...any) error }) (*govdata.OpenApplication, error) {
			r, err := scanOpenApplication(row)
			if err != nil {
				return nil, err
			}
			if a.PublicAccountID != 0 && r.app.State == govdata.OpenApplicationPending {
				r.app.Actions = []govdata.Action{govdata.ActionWithdraw}
			}
			return r.app, nil
		},
		id: func(app *govdata.OpenApplication) int64 { return app.ID }}.find(ctx, s.db, a, string(f.State), f.Page)
	if err != nil {
		return list, err
	}
	for _, app := range list.Items {
		if app.WorkingDaysLeft, app.WorkingDaysLate, err = s.dueStanding(ctx, app.Due); err != nil {
			return govdata.List[*govdata.OpenApplication]{}, err
		}
	}
	return list, nil
}

// WithdrawOpenApplication implements govdata.OpenApplicationService. The
// applicant is no party of the workflow (no department): its withdrawal
// closes the instance here, not through a step's actions.
func (s *OpenApplicationService) WithdrawOpenApplication(ctx context.Context, id int64) (*govdata.OpenApplication, error) {
	ctx = publicCtx(ctx)
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID == 0 {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOpenPublicOnly)
	}
	r, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		var state string
		if err := tx.queryRow("SELECT state FROM open_applications WHERE id = ?", id).Scan(&state); err != nil {
			return err
		}
		if state != string(govdata.OpenApplicationPending) {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgOpenNotPending, state)
		}
		if err := closeInstance(tx, r.workflow, govdata.InstanceWithdrawn, govdata.ActionWithdraw, ""); err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE open_applications SET state = ?, updated_at = ? WHERE id = ?",
			string(govdata.OpenApplicationWithdrawn), toDB(tx.Now()), id); err != nil {
			return err
		}
		return tx.audit("open_application.withdraw", "open_application", id, map[string]any{"account_id": a.PublicAccountID})
	})
	if err != nil {
		return nil, err
	}
	return s.FindOpenApplicationByID(ctx, id)
}

// closeInstance ends an open workflow instance at its current step by
// someone who is not the step's actor (the public applicant withdrawing):
// the step records the action, and the instance leaves every inbox.
func closeInstance(tx *Tx, id int64, state govdata.InstanceState, action govdata.Action, reason string) error {
	var seq int
	if err := tx.queryRow("SELECT step_seq FROM workflow_instances WHERE id = ? AND state = ?", id, string(govdata.InstanceOpen)).Scan(&seq); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepRaced)
		}
		return err
	}
	now := toDB(tx.Now())
	if _, err := tx.exec("UPDATE workflow_steps SET acted_at = ?, acted_by = ?, action = ?, reason = ? WHERE instance_id = ? AND seq = ?",
		now, actorName(tx.actor), string(action), reason, id, seq); err != nil {
		return err
	}
	res, err := tx.exec(`UPDATE workflow_instances SET state = ?, step = '', actor_role = '', actor_dept = NULL, return_to = '',
		due_date = '', overdue_since = '', step_seq = step_seq + 1, updated_at = ? WHERE id = ? AND step_seq = ?`, string(state), now, id, seq)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepRaced)
	}
	return tx.audit("workflow.decide", "workflow", id, map[string]any{"action": action, "reason": reason, "state": state})
}

// DecideOpenApplication implements govdata.OpenApplicationService.
func (s *OpenApplicationService) DecideOpenApplication(ctx context.Context, id int64, d govdata.OpenDecision) (*govdata.OpenApplication, error) {
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID != 0 {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	if !d.Decision.Valid() {
		var fe govdata.FieldErrors
		fe.Add("decision", govdata.MsgStepUnknown, string(d.Decision))
		return nil, fe.Err()
	}
	r, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.workflow == 0 || r.app.State != govdata.OpenApplicationPending {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepClosed, string(r.app.State))
	}
	app := r.app
	link := "/portal/account/applications/" + strconv.FormatInt(id, 10)
	err = s.db.write(ctx, func(tx *Tx) error {
		after, err := s.flows.decideTx(ctx, tx, r.workflow, govdata.Decision{StepSeq: d.StepSeq, Action: d.Decision, Reason: d.Reason})
		if err != nil {
			return err
		}
		now := toDB(tx.Now())
		state, reason := govdata.OpenApplicationPending, ""
		switch after.State {
		case govdata.InstanceApproved:
			// The data may have left the open catalog meanwhile (HLJ-35):
			// nothing is granted of withdrawn data.
			if _, err := readOpenEntry(tx.queryRow, s.profile, app.EntryID); err != nil {
				return govdata.Errorf(govdata.ECONFLICT, govdata.MsgOpenEntryNotFound)
			}
			state = govdata.OpenApplicationApproved
			if _, err := tx.insert(`INSERT INTO open_grants (application_id, account_id, entry_id, items, valid_from, valid_until, state,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, app.ID, app.AccountID, app.EntryID, jsonList(app.Items),
				app.ValidFrom.String(), app.ValidUntil.String(), string(govdata.OpenGrantActive), now, now); err != nil {
				return err
			}
			if err := postPublicMessage(tx, app.AccountID, "open_application.approved",
				govdata.Text{ZH: "开放数据申请已通过：" + app.EntryName, EN: "Open-data application approved: " + app.EntryName},
				govdata.Text{ZH: fmt.Sprintf("您申请的“%s”已获批准，使用期限 %s 至 %s。请按承诺的安全措施和数据开放利用协议使用。", app.EntryName, app.ValidFrom, app.ValidUntil),
					EN: fmt.Sprintf("Your application for %q is approved for %s to %s. Use the data under the security measures you committed to and the open-data use agreement.", app.EntryName, app.ValidFrom, app.ValidUntil)},
				link); err != nil {
				return err
			}
		case govdata.InstanceRejected:
			// HLJ-34, ZJ-23: a refusal states its reasons, shown to the applicant.
			state, reason = govdata.OpenApplicationRejected, d.Reason
			if err := postPublicMessage(tx, app.AccountID, "open_application.rejected",
				govdata.Text{ZH: "开放数据申请未通过：" + app.EntryName, EN: "Open-data application refused: " + app.EntryName},
				govdata.Text{ZH: "理由：" + d.Reason, EN: "Reason: " + d.Reason}, link); err != nil {
				return err
			}
		case govdata.InstanceWithdrawn:
			state = govdata.OpenApplicationWithdrawn
		}
		if _, err := tx.exec("UPDATE open_applications SET state = ?, refusal_reason = ?, updated_at = ? WHERE id = ?",
			string(state), reason, now, app.ID); err != nil {
			return err
		}
		return tx.audit("open_application.decide", "open_application", app.ID, map[string]any{"step": app.Step, "decision": d.Decision,
			"reason": d.Reason, "state": state})
	})
	if err != nil {
		return nil, err
	}
	return s.FindOpenApplicationByID(ctx, id)
}

const openGrantSelect = `SELECT g.id, g.application_id, g.account_id, pa.name, g.entry_id, e.resource_code, COALESCE(w.title, cs.name, ''),
	a.provider_department_id, d.name, g.items, g.valid_from, g.valid_until, g.state, g.state_reason, g.state_changed_by,
	COALESCE(w.bureau_id, 0), g.created_at, g.updated_at
	FROM open_grants g JOIN open_applications a ON a.id = g.application_id JOIN public_accounts pa ON pa.id = g.account_id
	JOIN catalog_entries e ON e.id = g.entry_id JOIN departments d ON d.id = a.provider_department_id
	LEFT JOIN workflow_instances w ON w.id = a.workflow_id LEFT JOIN catalog_search cs ON cs.entry_id = g.entry_id`

func (s *OpenApplicationService) scanOpenGrant(a govdata.Actor, row interface{ Scan(...any) error }) (*govdata.OpenGrant, int64, error) {
	var g govdata.OpenGrant
	var items, from, until string
	var bureau, created, updated int64
	if err := row.Scan(&g.ID, &g.ApplicationID, &g.AccountID, &g.AccountName, &g.EntryID, &g.ResourceCode, &g.EntryName,
		&g.ProviderDepartment, &g.ProviderDepartmentName, &items, &from, &until, &g.State, &g.StateReason, &g.StateChangedBy,
		&bureau, &created, &updated); err != nil {
		return nil, 0, err
	}
	if err := json.Unmarshal([]byte(items), &g.Items); err != nil {
		return nil, 0, err
	}
	var err error
	if g.ValidFrom, err = govdata.ParseDate(from); err != nil {
		return nil, 0, err
	}
	if g.ValidUntil, err = govdata.ParseDate(until); err != nil {
		return nil, 0, err
	}
	// Expiry needs no writing: past valid_until it is expired when read.
	if g.State == govdata.OpenGrantActive && g.ValidUntil.Before(s.today()) {
		g.State = govdata.OpenGrantExpired
	}
	g.CreatedAt, g.UpdatedAt, g.Allowed = fromDB(created), fromDB(updated), []string{}
	if managesOpenGrant(a, g.ProviderDepartment, bureau) == nil {
		switch g.State {
		case govdata.OpenGrantActive:
			g.Allowed = append(g.Allowed, "suspend")
		case govdata.OpenGrantSuspended:
			g.Allowed = append(g.Allowed, "resume")
		}
	}
	if a.PublicAccountID != 0 {
		g.StateChangedBy = ""
	}
	return &g, bureau, nil
}

// managesOpenGrant: HLJ-43 — the government departments and the data
// bureau close a misuser's access: here the provider's officers and
// leaders, the reviewers of the bureau of the entry's region, and the
// platform's security officer (as for share grants).
func managesOpenGrant(a govdata.Actor, provider, bureau int64) error {
	if a.IsSystem() {
		return nil
	}
	if a.UserID == 0 || a.PublicAccountID != 0 {
		return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOpenGrantManager)
	}
	if a.Has(govdata.RoleSecadmin) || (a.DepartmentID == provider && (a.Has(govdata.RoleOfficer) || a.Has(govdata.RoleLeader))) ||
		(bureau != 0 && a.DepartmentID == bureau && a.Has(govdata.RoleReviewer)) {
		return nil
	}
	return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOpenGrantManager)
}

// FindOpenGrants implements govdata.OpenApplicationService.
func (s *OpenApplicationService) FindOpenGrants(ctx context.Context, f govdata.OpenGrantFilter) (govdata.List[*govdata.OpenGrant], error) {
	var none govdata.List[*govdata.OpenGrant]
	a := govdata.ActorFrom(ctx)
	var w where
	if err := visibleWhere(a, &w, "g.account_id", "a.provider_department_id", "w.bureau_id"); err != nil {
		return none, err
	}
	f.Page = f.Page.Normalize()
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	if f.EntryID != 0 {
		w.add("g.entry_id = ?", f.EntryID)
	}
	today := s.today().String()
	switch f.State {
	case "":
	case govdata.OpenGrantExpired:
		w.add("g.state = ? AND g.valid_until < ?", string(govdata.OpenGrantActive), today)
	case govdata.OpenGrantActive:
		w.add("g.state = ? AND g.valid_until >= ?", string(govdata.OpenGrantActive), today)
	default:
		w.add("g.state = ?", string(f.State))
	}
	if after > 0 {
		w.add("g.id < ?", after)
	}
	rows, err := s.db.query(ctx, openGrantSelect+w.String()+" ORDER BY g.id DESC LIMIT ?", append(w.args, f.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find open grants", err)
	}
	list, err := scanAll(rows, func(row interface{ Scan(...any) error }) (*govdata.OpenGrant, error) {
		g, _, err := s.scanOpenGrant(a, row)
		return g, err
	})
	if err != nil {
		return none, s.db.internal("find open grants", err)
	}
	if list == nil {
		list = []*govdata.OpenGrant{}
	}
	return page(list, f.Limit, func(g *govdata.OpenGrant) string { return strconv.FormatInt(g.ID, 10) }), nil
}

func (s *OpenApplicationService) findGrant(ctx context.Context, id int64) (*govdata.OpenGrant, error) {
	a := govdata.ActorFrom(ctx)
	g, bureau, err := s.scanOpenGrant(a, s.db.queryRow(ctx, openGrantSelect+" WHERE g.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgOpenGrantMissing)
	}
	if err != nil {
		return nil, s.db.internal("find open grant", err)
	}
	if !seesOpen(a, g.AccountID, g.ProviderDepartment, bureau) {
		return nil, govdata.Hidden(govdata.MsgOpenGrantMissing)
	}
	return g, nil
}

// SuspendOpenGrant implements govdata.OpenApplicationService (HLJ-43:
// 暂时关闭其获取相关政务数据的权限). Access stops at once: the open-data
// service reads open_grants.state on every request.
func (s *OpenApplicationService) SuspendOpenGrant(ctx context.Context, id int64, reason string) (*govdata.OpenGrant, error) {
	return s.changeGrant(ctx, id, reason, govdata.OpenGrantActive, govdata.OpenGrantSuspended)
}

// ResumeOpenGrant implements govdata.OpenApplicationService: once the
// holder has put right what it was told (HLJ-43: 督促改正).
func (s *OpenApplicationService) ResumeOpenGrant(ctx context.Context, id int64, reason string) (*govdata.OpenGrant, error) {
	return s.changeGrant(ctx, id, reason, govdata.OpenGrantSuspended, govdata.OpenGrantActive)
}

func (s *OpenApplicationService) changeGrant(ctx context.Context, id int64, reason string, from, to govdata.OpenGrantState) (*govdata.OpenGrant, error) {
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID != 0 {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOpenGrantManager)
	}
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	g, err := s.findGrant(ctx, id)
	if err != nil {
		return nil, err
	}
	var bureau int64
	if err := s.db.queryRow(ctx, "SELECT COALESCE(w.bureau_id, 0) FROM open_applications a LEFT JOIN workflow_instances w ON w.id = a.workflow_id WHERE a.id = ?",
		g.ApplicationID).Scan(&bureau); err != nil {
		return nil, s.db.internal("find open grant", err)
	}
	if err := managesOpenGrant(a, g.ProviderDepartment, bureau); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		var fe govdata.FieldErrors
		fe.Add("reason", govdata.MsgOpenReasonRequired)
		return nil, fe.Err()
	}
	if g.State != from {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgOpenGrantState, string(g.State))
	}
	action := "open_grant.suspend"
	subject := govdata.Text{ZH: "开放数据授权已暂停：" + g.EntryName, EN: "Open-data grant suspended: " + g.EntryName}
	body := govdata.Text{ZH: "您获取该数据的权限已暂时关闭，请按要求改正。理由：" + reason,
		EN: "Your access to this data is closed for now; put right what you are asked to. Reason: " + reason}
	if to == govdata.OpenGrantActive {
		action = "open_grant.resume"
		subject = govdata.Text{ZH: "开放数据授权已恢复：" + g.EntryName, EN: "Open-data grant resumed: " + g.EntryName}
		body = govdata.Text{ZH: "您获取该数据的权限已恢复。说明：" + reason, EN: "Your access to this data is restored. Note: " + reason}
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE open_grants SET state = ?, state_reason = ?, state_changed_by = ?, updated_at = ? WHERE id = ? AND state = ?",
			string(to), reason, actorName(tx.actor), toDB(tx.Now()), id, string(from))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgOpenGrantState, string(g.State))
		}
		if err := postPublicMessage(tx, g.AccountID, action, subject, body, "/portal/account/applications/"+strconv.FormatInt(g.ApplicationID, 10)); err != nil {
			return err
		}
		return tx.audit(action, "open_grant", id, map[string]any{"reason": reason, "account_id": g.AccountID, "entry_id": g.EntryID})
	})
	if err != nil {
		return nil, err
	}
	return s.findGrant(ctx, id)
}

// openGrantsOf are the holders of live grants on an entry, for a withdrawal.
func openGrantsOf(tx *Tx, entry int64) ([][2]int64, error) {
	rows, err := tx.query("SELECT id, account_id FROM open_grants WHERE entry_id = ? AND state IN (?, ?) ORDER BY id",
		entry, string(govdata.OpenGrantActive), string(govdata.OpenGrantSuspended))
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(row interface{ Scan(...any) error }) (g [2]int64, err error) { return g, row.Scan(&g[0], &g[1]) })
}

// dueStanding counts a due date on the platform's calendar today (CAL-3:
// overdue once the due day has ended): working days left, or late.
func (b Base) dueStanding(ctx context.Context, due *govdata.Date) (left, late *int, err error) {
	if due == nil {
		return nil, nil, nil
	}
	cal, err := b.db.calendar(ctx)
	if err != nil {
		return nil, nil, err
	}
	l, d, overdue := cal.DueStanding(*due, b.today())
	if overdue {
		return nil, &d, nil
	}
	return &l, nil, nil
}
