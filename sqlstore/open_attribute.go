package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/govdata/govdata"
)

// The open attribute in force (ZJ-20): catalog_entries.open_effective_version
// names the version whose open type and conditions the open catalog uses.
// Under a profile with the open_attribute workflow it moves only when that
// workflow approves; otherwise it follows the published version.

// openAttributeOf reads the attribute of version of entry id; version 0
// (none in force) is not open.
func openAttributeOf(queryRow func(string, ...any) *sql.Row, id int64, version int) (govdata.OpenAttribute, error) {
	if version <= 0 {
		return govdata.NotOpen, nil
	}
	in, err := content(queryRow, id, version)
	if err != nil {
		return govdata.NotOpen, err
	}
	return in.OpenAttribute(), nil
}

// effectiveVersion reads the version whose open attribute is in force.
func effectiveVersion(queryRow func(string, ...any) *sql.Row, id int64) (int, error) {
	var v int
	if err := queryRow("SELECT open_effective_version FROM catalog_entries WHERE id = ?", id).Scan(&v); err != nil {
		return 0, fmt.Errorf("entry %d: open attribute in force: %w", id, err)
	}
	return v, nil
}

// withEffectiveAttribute returns in (a version of entry id) with the open
// attribute in force instead of its own.
func withEffectiveAttribute(queryRow func(string, ...any) *sql.Row, id int64, in govdata.EntryInput) (govdata.EntryInput, error) {
	v, err := effectiveVersion(queryRow, id)
	if err != nil {
		return in, err
	}
	attr, err := openAttributeOf(queryRow, id, v)
	if err != nil {
		return in, err
	}
	return in.WithOpenAttribute(attr), nil
}

// sameOpenAttribute: the conditions matter only to conditional opening.
func sameOpenAttribute(a, b govdata.OpenAttribute) bool {
	return a.OpenType == b.OpenType && (a.OpenType != govdata.OpenConditional || a.OpenConditions == b.OpenConditions)
}

// openAttributeOnPublish runs in the catalog review's approval of version
// (content in) of entry r, before the entry is re-indexed. A pending
// approval of an earlier version is superseded. Without the profile's
// open_attribute workflow, or when the attribute is the one in force, the
// version's attribute is in force at once; otherwise the workflow starts
// (ZJ-20) and the attribute in force stays until it is approved.
func (s *CatalogService) openAttributeOnPublish(tx *Tx, r *entryRow, version int, in govdata.EntryInput) error {
	if _, ok := s.profile.Workflow(govdata.WorkflowOpenAttribute); !ok {
		// The catalog review alone makes the attribute effective; one
		// statement, as a review decision's budget allows.
		_, err := tx.exec("UPDATE catalog_entries SET open_effective_version = ? WHERE id = ?", version, r.id)
		return err
	}
	pending, err := pendingOpenAttributes(tx, r.id)
	if err != nil {
		return err
	}
	now := toDB(tx.Now())
	for _, p := range pending {
		if err := closeInstance(tx, p[1], govdata.InstanceWithdrawn, govdata.ActionWithdraw,
			fmt.Sprintf("superseded by version %d", version)); err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE open_attribute_approvals SET state = ?, decided_at = ? WHERE id = ?",
			string(govdata.OpenAttributeSuperseded), now, p[0]); err != nil {
			return err
		}
		if err := tx.audit("open_attribute.supersede", "open_attribute", p[0], map[string]any{"entry_id": r.id, "version": version}); err != nil {
			return err
		}
	}
	effective, err := effectiveVersion(tx.queryRow, r.id)
	if err != nil {
		return err
	}
	current, err := openAttributeOf(tx.queryRow, r.id, effective)
	if err != nil {
		return err
	}
	proposed := in.OpenAttribute()
	if sameOpenAttribute(proposed, current) {
		_, err := tx.exec("UPDATE catalog_entries SET open_effective_version = ? WHERE id = ?", version, r.id)
		return err
	}
	bureau, err := bureauFor(tx, r.region)
	if err != nil {
		return err
	}
	w, err := s.flows.startTx(context.Background(), tx, govdata.StartWorkflow{Kind: govdata.WorkflowOpenAttribute, SubjectType: "open_attribute",
		Title: in.Name, Parties: govdata.Parties{govdata.PartyProvider: r.department, govdata.PartyBureau: bureau}})
	if err != nil {
		return err
	}
	id, err := tx.insert(`INSERT INTO open_attribute_approvals (entry_id, version, effective_version, provider_department_id, state, workflow_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, r.id, version, effective, r.department, string(govdata.OpenAttributePending), w.ID, now)
	if err != nil {
		return err
	}
	if _, err := tx.exec("UPDATE workflow_instances SET subject_id = ? WHERE id = ?", strconv.FormatInt(id, 10), w.ID); err != nil {
		return err
	}
	return tx.audit("open_attribute.start", "open_attribute", id, map[string]any{"entry_id": r.id, "version": version,
		"effective_version": effective, "proposed": proposed, "effective": current, "workflow_id": w.ID})
}

// pendingOpenAttributes lists the entry's pending approvals as (id, workflow).
func pendingOpenAttributes(tx *Tx, entry int64) ([][2]int64, error) {
	rows, err := tx.query("SELECT id, workflow_id FROM open_attribute_approvals WHERE entry_id = ? AND state = ?",
		entry, string(govdata.OpenAttributePending))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var p [2]int64
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// OpenAttributeService runs the approvals of open attributes through the
// profile's open_attribute workflow (ZJ-20).
type OpenAttributeService struct {
	Base
	flows   workflowSteps
	indexer entryIndexer
}

// NewOpenAttributeService returns the approvals of b's catalog, run through
// flows; an approved one re-indexes the entry through catalog.
func NewOpenAttributeService(b Base, flows workflowSteps, catalog entryIndexer) *OpenAttributeService {
	return &OpenAttributeService{Base: b, flows: flows, indexer: catalog}
}

var _ govdata.OpenAttributeService = (*OpenAttributeService)(nil)

const openAttributeSelect = `SELECT o.id, o.entry_id, e.resource_code, COALESCE(w.title, ''), o.provider_department_id, d.name, o.version,
	o.effective_version, o.state, o.created_at, o.decided_at, o.workflow_id, COALESCE(w.state, ''), COALESCE(w.step, ''),
	COALESCE(w.due_date, ''), COALESCE(w.bureau_id, 0)
	FROM open_attribute_approvals o JOIN catalog_entries e ON e.id = o.entry_id JOIN departments d ON d.id = o.provider_department_id
	LEFT JOIN workflow_instances w ON w.id = o.workflow_id`

func scanOpenAttribute(row interface{ Scan(...any) error }) (*govdata.OpenAttributeApproval, int64, int64, error) {
	var o govdata.OpenAttributeApproval
	var created int64
	var decided sql.NullInt64
	var workflow, bureau int64
	var wstate, due string
	if err := row.Scan(&o.ID, &o.EntryID, &o.ResourceCode, &o.EntryName, &o.ProviderDepartment, &o.ProviderDepartmentName, &o.Version,
		&o.EffectiveVersion, &o.State, &created, &decided, &workflow, &wstate, &o.Step, &due, &bureau); err != nil {
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
	o.CreatedAt, o.DecidedAt, o.Actions = fromDB(created), fromDBNull(decided), []govdata.Action{}
	return &o, workflow, bureau, nil
}

// attributes fills in the proposed and the in-force attributes.
func (s *OpenAttributeService) attributes(ctx context.Context, o *govdata.OpenAttributeApproval) error {
	queryRow := func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }
	var err error
	if o.Proposed, err = openAttributeOf(queryRow, o.EntryID, o.Version); err != nil {
		return s.db.internal("open attribute", err)
	}
	if o.Effective, err = openAttributeOf(queryRow, o.EntryID, o.EffectiveVersion); err != nil {
		return s.db.internal("open attribute", err)
	}
	return nil
}

func (s *OpenAttributeService) find(ctx context.Context, id int64) (*govdata.OpenAttributeApproval, int64, error) {
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID != 0 {
		return nil, 0, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, 0, err
	}
	o, workflow, bureau, err := scanOpenAttribute(s.db.queryRow(ctx, openAttributeSelect+" WHERE o.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgOpenAttributeMissing)
	}
	if err != nil {
		return nil, 0, s.db.internal("find open attribute", err)
	}
	if !seesOpen(a, 0, o.ProviderDepartment, bureau) {
		return nil, 0, govdata.Hidden(govdata.MsgOpenAttributeMissing)
	}
	return o, workflow, nil
}

// FindOpenAttributeByID implements govdata.OpenAttributeService.
func (s *OpenAttributeService) FindOpenAttributeByID(ctx context.Context, id int64) (*govdata.OpenAttributeApproval, error) {
	o, workflow, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.attributes(ctx, o); err != nil {
		return nil, err
	}
	if o.Workflow, err = s.flows.FindInstanceByID(ctx, workflow); err != nil {
		return nil, err
	}
	a := govdata.ActorFrom(ctx)
	if o.State == govdata.OpenAttributePending && !a.IsSystem() {
		if flow, ok := s.profile.Workflow(o.Workflow.Kind); ok {
			if step, ok := flow.Step(o.Workflow.Step); ok && govdata.CheckStepActor(a, step, o.Workflow.Parties) == nil {
				o.Actions = append(o.Actions, step.Actions...)
			}
		}
	}
	if o.WorkingDaysLeft, o.WorkingDaysLate, err = s.dueStanding(ctx, o.Due); err != nil {
		return nil, err
	}
	return o, nil
}

// FindOpenAttributes implements govdata.OpenAttributeService.
func (s *OpenAttributeService) FindOpenAttributes(ctx context.Context, f govdata.OpenAttributeFilter) (govdata.List[*govdata.OpenAttributeApproval], error) {
	var none govdata.List[*govdata.OpenAttributeApproval]
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID != 0 {
		return none, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	list, err := openList[*govdata.OpenAttributeApproval]{sel: openAttributeSelect, alias: "o", what: "find open attributes",
		scan: func(row interface{ Scan(...any) error }) (*govdata.OpenAttributeApproval, error) {
			o, _, _, err := scanOpenAttribute(row)
			return o, err
		},
		id: func(o *govdata.OpenAttributeApproval) int64 { return o.ID }}.find(ctx, s.db, a, string(f.State), f.Page)
	if err != nil {
		return none, err
	}
	for _, o := range list.Items {
		if err := s.attributes(ctx, o); err != nil {
			return none, err
		}
		if o.WorkingDaysLeft, o.WorkingDaysLate, err = s.dueStanding(ctx, o.Due); err != nil {
			return none, err
		}
	}
	return list, nil
}

// DecideOpenAttribute implements govdata.OpenAttributeService. ZJ-20: once
// the source, the 办公室 and the 数字中心's leader have approved, the centre
// updates the open catalog — the version's attribute is put in force and
// the entry re-indexed, in the write of the last approval. A refusal keeps
// the attribute in force; the provider is told either way.
func (s *OpenAttributeService) DecideOpenAttribute(ctx context.Context, id int64, d govdata.OpenDecision) (*govdata.OpenAttributeApproval, error) {
	o, workflow, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	if o.State != govdata.OpenAttributePending {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgOpenAttributeClosed, string(o.State))
	}
	if d.Decision != govdata.ActionApprove && d.Decision != govdata.ActionSign && d.Decision != govdata.ActionReject {
		var fe govdata.FieldErrors
		fe.Add("decision", govdata.MsgEnum, "approve, sign, reject")
		return nil, fe.Err()
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		after, err := s.flows.decideTx(ctx, tx, workflow, govdata.Decision{StepSeq: d.StepSeq, Action: d.Decision, Reason: d.Reason})
		if err != nil {
			return err
		}
		state := govdata.OpenAttributePending
		var title govdata.Text
		switch after.State {
		case govdata.InstanceApproved:
			state = govdata.OpenAttributeApproved
			if _, err := tx.exec("UPDATE catalog_entries SET open_effective_version = ? WHERE id = ?", o.Version, o.EntryID); err != nil {
				return err
			}
			if err := s.indexer.index(tx, o.EntryID); err != nil {
				return err
			}
			title = govdata.Text{ZH: fmt.Sprintf("目录「%s」第 %d 版的开放属性已审批通过，已更新至开放目录", o.EntryName, o.Version),
				EN: fmt.Sprintf("The open attribute of %q, version %d, is approved and in force in the open catalog", o.EntryName, o.Version)}
		case govdata.InstanceRejected:
			state = govdata.OpenAttributeRejected
			title = govdata.Text{ZH: fmt.Sprintf("目录「%s」第 %d 版的开放属性未获批准，原开放属性不变。理由：%s", o.EntryName, o.Version, d.Reason),
				EN: fmt.Sprintf("The open attribute of %q, version %d, is not approved; the one in force stays. Reason: %s", o.EntryName, o.Version, d.Reason)}
		}
		if state == govdata.OpenAttributePending {
			return tx.audit("open_attribute.decide", "open_attribute", id, map[string]any{"entry_id": o.EntryID, "decision": d.Decision,
				"reason": d.Reason, "step": o.Step})
		}
		if _, err := tx.exec("UPDATE open_attribute_approvals SET state = ?, decided_at = ? WHERE id = ?", string(state), toDB(tx.Now()), id); err != nil {
			return err
		}
		notices, err := notifyDepartment(tx, o.ProviderDepartment, govdata.NoticeOpenAttribute, title, fmt.Sprintf("open_attribute:%d", id))
		if err != nil {
			return err
		}
		if err := s.db.enqueueDeliveries(tx, notices); err != nil {
			return err
		}
		return tx.audit("open_attribute.decide", "open_attribute", id, map[string]any{"entry_id": o.EntryID, "decision": d.Decision,
			"reason": d.Reason, "step": o.Step, "state": state})
	})
	if err != nil {
		return nil, err
	}
	return s.FindOpenAttributeByID(ctx, id)
}
