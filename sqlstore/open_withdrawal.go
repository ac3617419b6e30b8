package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// entryIndexer re-indexes an entry's search row in a write: the catalog's
// indexer, which alone decides whether the entry is in the open catalog.
type entryIndexer interface {
	index(tx *Tx, id int64) error
}

// OpenWithdrawalService runs withdrawals of open data through the
// profile's open_withdrawal workflow (OPN-3, HLJ-35).
type OpenWithdrawalService struct {
	Base
	flows   workflowSteps
	indexer entryIndexer
}

// NewOpenWithdrawalService returns the withdrawals of b's catalog, run
// through flows; an approved one re-indexes the entry through catalog.
func NewOpenWithdrawalService(b Base, flows workflowSteps, catalog entryIndexer) *OpenWithdrawalService {
	return &OpenWithdrawalService{Base: b, flows: flows, indexer: catalog}
}

var _ govdata.OpenWithdrawalService = (*OpenWithdrawalService)(nil)

// RequestWithdrawal implements govdata.OpenWithdrawalService.
func (s *OpenWithdrawalService) RequestWithdrawal(ctx context.Context, in govdata.OpenWithdrawalInput) (*govdata.OpenWithdrawal, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Reason) == "" {
		var fe govdata.FieldErrors
		fe.Add("reason", govdata.MsgWithdrawalReason)
		return nil, fe.Err()
	}
	r, err := s.entryRow(ctx, in.EntryID)
	if err != nil {
		return nil, err
	}
	if !a.IsSystem() && (!a.Has(govdata.RoleOfficer) || a.DepartmentID != r.department) {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgWithdrawalOfficer)
	}
	var id int64
	err = s.db.write(ctx, func(tx *Tx) error {
		e, err := readOpenEntry(tx.queryRow, s.profile, in.EntryID)
		if govdata.ErrorCodeOf(err) == govdata.ENOTFOUND {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgWithdrawalNotOpen)
		}
		if err != nil {
			return err
		}
		var pending int
		if err := tx.queryRow("SELECT COUNT(*) FROM open_withdrawals WHERE entry_id = ? AND state = ?", e.row.id,
			string(govdata.OpenWithdrawalPending)).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgWithdrawalPending)
		}
		bureau, err := bureauFor(tx, e.row.region)
		if err != nil {
			return err
		}
		w, err := s.flows.startTx(ctx, tx, govdata.StartWorkflow{Kind: govdata.WorkflowOpenWithdrawal, SubjectType: "open_withdrawal",
			Title: e.content.Name, Parties: govdata.Parties{govdata.PartyProvider: e.row.department, govdata.PartyBureau: bureau}})
		if err != nil {
			return err
		}
		if id, err = tx.insert(`INSERT INTO open_withdrawals (entry_id, provider_department_id, reason, state, workflow_id, requested_by, requested_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, e.row.id, e.row.department, in.Reason, string(govdata.OpenWithdrawalPending), w.ID,
			actorName(tx.actor), toDB(tx.Now())); err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE workflow_instances SET subject_id = ? WHERE id = ?", strconv.FormatInt(id, 10), w.ID); err != nil {
			return err
		}
		return tx.audit("open_withdrawal.request", "open_withdrawal", id, map[string]any{"entry_id": e.row.id, "reason": in.Reason, "workflow_id": w.ID})
	})
	if err != nil {
		return nil, err
	}
	return s.FindWithdrawalByID(ctx, id)
}

const openWithdrawalSelect = `SELECT o.id, o.entry_id, e.resource_code, COALESCE(w.title, cs.name, ''), o.provider_department_id, d.name, o.reason,
	o.state, o.provincial_filing, o.requested_by, o.requested_at, o.decided_at, COALESCE(o.workflow_id, 0), COALESCE(w.state, ''),
	COALESCE(w.step, ''), COALESCE(w.due_date, ''), COALESCE(w.bureau_id, 0)
	FROM open_withdrawals o JOIN catalog_entries e ON e.id = o.entry_id JOIN departments d ON d.id = o.provider_department_id
	LEFT JOIN workflow_instances w ON w.id = o.workflow_id LEFT JOIN catalog_search cs ON cs.entry_id = o.entry_id`

func scanWithdrawal(row interface{ Scan(...any) error }) (*govdata.OpenWithdrawal, int64, int64, error) {
	var o govdata.OpenWithdrawal
	var requested int64
	var decided sql.NullInt64
	var workflow, bureau int64
	var wstate, due string
	if err := row.Scan(&o.ID, &o.EntryID, &o.ResourceCode, &o.EntryName, &o.ProviderDepartment, &o.ProviderDepartmentName, &o.Reason,
		&o.State, &o.ProvincialFiling, &o.RequestedBy, &requested, &decided, &workflow, &wstate, &o.Step, &due, &bureau); err != nil {
		return nil, 0, 0, err
	}
	if wstate != string(govdata.InstanceOpen) {
		o.Step, due = "", ""
	}
	if due != "" {
		d, err := govdata.ParseDate(due)
		if err != nil {
			return nil, 0, 0, err
		}
		o.Due = &d
	}
	o.RequestedAt, o.DecidedAt, o.Actions = fromDB(requested), fromDBNull(decided), []govdata.Action{}
	return &o, workflow, bureau, nil
}

func (s *OpenWithdrawalService) find(ctx context.Context, id int64) (*govdata.OpenWithdrawal, int64, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, 0, err
	}
	o, workflow, bureau, err := scanWithdrawal(s.db.queryRow(ctx, openWithdrawalSelect+" WHERE o.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgWithdrawalMissing)
	}
	if err != nil {
		return nil, 0, s.db.internal("find withdrawal", err)
	}
	if a.PublicAccountID != 0 || !seesOpen(a, 0, o.ProviderDepartment, bureau) {
		return nil, 0, govdata.Hidden(govdata.MsgWithdrawalMissing)
	}
	return o, workflow, nil
}

// FindWithdrawalByID implements govdata.OpenWithdrawalService.
func (s *OpenWithdrawalService) FindWithdrawalByID(ctx context.Context, id int64) (*govdata.OpenWithdrawal, error) {
	o, workflow, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	if workflow != 0 {
		if o.Workflow, err = s.flows.FindInstanceByID(ctx, workflow); err != nil {
			return nil, err
		}
		o.Actions = s.actionsFor(govdata.ActorFrom(ctx), o)
	}
	if o.WorkingDaysLeft, o.WorkingDaysLate, err = s.dueStanding(ctx, o.Due); err != nil {
		return nil, err
	}
	return o, nil
}

// actionsFor: the step's actions for its actor; withdraw for the
// provider's officer while the request is pending.
func (s *OpenWithdrawalService) actionsFor(a govdata.Actor, o *govdata.OpenWithdrawal) []govdata.Action {
	out := []govdata.Action{}
	if o.State != govdata.OpenWithdrawalPending || o.Workflow == nil || a.IsSystem() {
		return out
	}
	if flow, ok := s.profile.Workflow(o.Workflow.Kind); ok {
		if step, ok := flow.Step(o.Workflow.Step); ok && govdata.CheckStepActor(a, step, o.Workflow.Parties) == nil {
			out = append(out, step.Actions...)
		}
	}
	if a.Has(govdata.RoleOfficer) && a.DepartmentID == o.ProviderDepartment {
		out = append(out, govdata.ActionWithdraw)
	}
	return out
}

// FindWithdrawals implements govdata.OpenWithdrawalService.
func (s *OpenWithdrawalService) FindWithdrawals(ctx context.Context, f govdata.OpenWithdrawalFilter) (govdata.List[*govdata.OpenWithdrawal], error) {
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID != 0 {
		return govdata.List[*govdata.OpenWithdrawal]{}, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	return openList[*govdata.OpenWithdrawal]{sel: openWithdrawalSelect, alias: "o", what: "find withdrawals",
		scan: func(row interface{ Scan(...any) error }) (*govdata.OpenWithdrawal, error) {
			o, _, _, err := scanWithdrawal(row)
			return o, err
		},
		id: func(o *govdata.OpenWithdrawal) int64 { return o.ID }}.find(ctx, s.db, a, string(f.State), f.Page)
}

// DecideWithdrawal implements govdata.OpenWithdrawalService. An approval,
// in one write (HLJ-35): the entry leaves the open catalog, every live
// open grant on it ends and its holder is told, and the withdrawal becomes
// a public notice. A refusal or a withdrawn request changes nothing.
func (s *OpenWithdrawalService) DecideWithdrawal(ctx context.Context, id int64, d govdata.OpenDecision) (*govdata.OpenWithdrawal, error) {
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID != 0 {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	o, workflow, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	if workflow == 0 || o.State != govdata.OpenWithdrawalPending {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepClosed, string(o.State))
	}
	var fe govdata.FieldErrors
	if !d.Decision.Valid() {
		fe.Add("decision", govdata.MsgStepUnknown, string(d.Decision))
	}
	// HLJ-35: 审核通过后报省级政务数据主管部门备案 — the reviewer records the filing.
	if d.Decision == govdata.ActionApprove && strings.TrimSpace(d.ProvincialFiling) == "" {
		fe.Add("provincial_filing", govdata.MsgWithdrawalFiling)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		state := govdata.OpenWithdrawalPending
		if d.Decision == govdata.ActionWithdraw {
			// The requesting department gives its request up; the step's
			// actor is the bureau, so this closes the instance here.
			if !a.IsSystem() && (!a.Has(govdata.RoleOfficer) || a.DepartmentID != o.ProviderDepartment) {
				return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgWithdrawalOfficer)
			}
			if err := closeInstance(tx, workflow, govdata.InstanceWithdrawn, govdata.ActionWithdraw, d.Reason); err != nil {
				return err
			}
			state = govdata.OpenWithdrawalWithdrawn
		} else {
			after, err := s.flows.decideTx(ctx, tx, workflow, govdata.Decision{StepSeq: d.StepSeq, Action: d.Decision, Reason: d.Reason})
			if err != nil {
				return err
			}
			switch after.State {
			case govdata.InstanceApproved:
				state = govdata.OpenWithdrawalApproved
				if err := s.withdraw(tx, o); err != nil {
					return err
				}
			case govdata.InstanceRejected:
				state = govdata.OpenWithdrawalRejected
			case govdata.InstanceWithdrawn:
				state = govdata.OpenWithdrawalWithdrawn
			}
		}
		var decided any
		if state != govdata.OpenWithdrawalPending {
			decided = toDB(tx.Now())
		}
		filing := ""
		if state == govdata.OpenWithdrawalApproved {
			filing = d.ProvincialFiling
		}
		if _, err := tx.exec("UPDATE open_withdrawals SET state = ?, provincial_filing = ?, decided_at = ? WHERE id = ?",
			string(state), filing, decided, id); err != nil {
			return err
		}
		return tx.audit("open_withdrawal.decide", "open_withdrawal", id, map[string]any{"entry_id": o.EntryID, "decision": d.Decision,
			"reason": d.Reason, "provincial_filing": filing, "state": state})
	})
	if err != nil {
		return nil, err
	}
	return s.FindWithdrawalByID(ctx, id)
}

// withdraw takes the entry out of the open catalog and ends its grants.
func (s *OpenWithdrawalService) withdraw(tx *Tx, o *govdata.OpenWithdrawal) error {
	now := toDB(tx.Now())
	if _, err := tx.exec("UPDATE catalog_entries SET open_withdrawn_at = ? WHERE id = ?", now, o.EntryID); err != nil {
		return err
	}
	if err := s.indexer.index(tx, o.EntryID); err != nil {
		return err
	}
	grants, err := openGrantsOf(tx, o.EntryID)
	if err != nil {
		return err
	}
	for _, g := range grants {
		if _, err := tx.exec("UPDATE open_grants SET state = ?, state_reason = ?, state_changed_by = ?, updated_at = ? WHERE id = ?",
			string(govdata.OpenGrantWithdrawn), o.Reason, actorName(tx.actor), now, g[0]); err != nil {
			return err
		}
		if err := postPublicMessage(tx, g[1], "open_grant.withdrawn",
			govdata.Text{ZH: "开放数据已撤回：" + o.EntryName, EN: "Open data withdrawn: " + o.EntryName},
			govdata.Text{ZH: "数据提供部门经主管部门审核撤回了该开放数据，您对它的授权随之终止。理由：" + o.Reason,
				EN: "The provider has withdrawn this open data with the bureau's approval; your grant on it has ended. Reason: " + o.Reason},
			"/portal/notices"); err != nil {
			return err
		}
		if err := tx.audit("open_grant.withdraw", "open_grant", g[0], map[string]any{"withdrawal_id": o.ID, "account_id": g[1]}); err != nil {
			return err
		}
	}
	return nil
}

// WithdrawalNotices implements govdata.OpenWithdrawalService: HLJ-35's
// announcement on the open-data platform, for anyone.
func (s *OpenWithdrawalService) WithdrawalNotices(ctx context.Context, p govdata.Page) (govdata.List[*govdata.WithdrawalNotice], error) {
	var none govdata.List[*govdata.WithdrawalNotice]
	p = p.Normalize()
	after, err := decodeIDCursor(p.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	w.add("o.state = ?", string(govdata.OpenWithdrawalApproved))
	if after > 0 {
		w.add("o.id < ?", after)
	}
	rows, err := s.db.query(ctx, `SELECT o.id, o.entry_id, COALESCE(wi.title, cs.name, ''), e.resource_code, d.name, o.reason, COALESCE(o.decided_at, 0)
		FROM open_withdrawals o JOIN catalog_entries e ON e.id = o.entry_id JOIN departments d ON d.id = o.provider_department_id
		LEFT JOIN workflow_instances wi ON wi.id = o.workflow_id LEFT JOIN catalog_search cs ON cs.entry_id = o.entry_id`+w.String()+
		" ORDER BY o.id DESC LIMIT ?", append(w.args, p.Limit+1)...)
	if err != nil {
		return none, s.db.internal("withdrawal notices", err)
	}
	list, err := scanAll(rows, func(row interface{ Scan(...any) error }) (*govdata.WithdrawalNotice, error) {
		var n govdata.WithdrawalNotice
		var at int64
		err := row.Scan(&n.ID, &n.EntryID, &n.EntryName, &n.ResourceCode, &n.DepartmentName, &n.Reason, &at)
		n.WithdrawnAt = fromDB(at)
		return &n, err
	})
	if err != nil {
		return none, s.db.internal("withdrawal notices", err)
	}
	if list == nil {
		list = []*govdata.WithdrawalNotice{}
	}
	return page(list, p.Limit, func(n *govdata.WithdrawalNotice) string { return strconv.FormatInt(n.ID, 10) }), nil
}
