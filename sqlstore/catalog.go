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

// CatalogService implements govdata.CatalogService: entries and their
// versions, reviewed through the active profile's workflows (CAT-3).
type CatalogService struct {
	Base
	flows catalogWorkflows
	// InUse lists the departments that use an entry (hold grants on it),
	// whom a revocation notifies and for whom the entry is still supplied
	// during the grace period (HLJ-16): grantHolders, unless a test puts
	// its own in place.
	InUse func(tx *Tx, entryID int64) ([]int64, error)
}

// NewCatalogService returns the catalog of b's database, reviewed by flows.
func NewCatalogService(b Base, flows catalogWorkflows) *CatalogService {
	s := &CatalogService{Base: b, flows: flows}
	s.InUse = func(tx *Tx, entry int64) ([]int64, error) { return grantHolders(tx, entry, b.loc) }
	return s
}

// workflowSteps is what a service needs of the workflows (WorkflowService)
// to run its subjects through them: start an instance and decide its step
// in the service's own write, and read an instance.
type workflowSteps interface {
	startTx(ctx context.Context, tx *Tx, in govdata.StartWorkflow) (*govdata.WorkflowInstance, error)
	decideTx(ctx context.Context, tx *Tx, id int64, d govdata.Decision) (*govdata.WorkflowInstance, error)
	FindInstanceByID(ctx context.Context, id int64) (*govdata.WorkflowInstance, error)
}

// catalogWorkflows is what the catalog needs of the workflows: their steps,
// and an extension of a revocation's deadline (HLJ-16).
type catalogWorkflows interface {
	workflowSteps
	Extend(ctx context.Context, id int64, in govdata.ExtensionGrant) (*govdata.WorkflowInstance, error)
}

var _ govdata.CatalogService = (*CatalogService)(nil)

var (
	msgNotOfficer    = govdata.Msg{ZH: "只有本部门的数据专员可以编目", EN: "only an officer of the department can write its catalog"}
	msgNoBureau      = govdata.Msg{ZH: "本级及上级均未设置数据主管部门，无法提交审核", EN: "no data bureau is set up at this level or above to review the entry"}
	msgWorkflowOpen  = govdata.Msg{ZH: "该目录有正在办理的流程（%s），请办结后再操作", EN: "the entry has a workflow in progress (%s); finish it first"}
	msgCommentNeeded = govdata.Msg{ZH: "退回或不同意须填写意见", EN: "a return or refusal needs a comment"}
)

// entryRow is a catalog_entries row with its department's name.
type entryRow struct {
	id, department, workflow               int64
	code, region, level, status, graceUtil string
	deptName                               string
	version, published                     int
	publishedAt                            sql.NullInt64
	created, updated                       int64
}

const entryRowColumns = `e.id, e.resource_code, e.department_id, d.name, e.region_code, e.level, e.status, e.version,
	e.published_version, e.workflow_id, e.published_at, e.grace_until, e.created_at, e.updated_at`

func scanEntryRow(row interface{ Scan(...any) error }) (*entryRow, error) {
	var r entryRow
	var wf sql.NullInt64
	if err := row.Scan(&r.id, &r.code, &r.department, &r.deptName, &r.region, &r.level, &r.status, &r.version,
		&r.published, &wf, &r.publishedAt, &r.graceUtil, &r.created, &r.updated); err != nil {
		return nil, err
	}
	r.workflow = wf.Int64
	return &r, nil
}

func findEntryRow(queryRow func(string, ...any) *sql.Row, id int64) (*entryRow, error) {
	r, err := scanEntryRow(queryRow("SELECT "+entryRowColumns+" FROM catalog_entries e JOIN departments d ON d.id = e.department_id WHERE e.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgEntryNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find entry: %w", err)
	}
	return r, nil
}

// content reads one version's entry.
func content(queryRow func(string, ...any) *sql.Row, id int64, version int) (govdata.EntryInput, error) {
	var in govdata.EntryInput
	var raw string
	if err := queryRow("SELECT content FROM catalog_versions WHERE entry_id = ? AND version = ?", id, version).Scan(&raw); err != nil {
		return in, fmt.Errorf("entry %d version %d: %w", id, version, err)
	}
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return in, fmt.Errorf("entry %d version %d: %w", id, version, err)
	}
	return in, nil
}

// shownVersion is the version a search shows: the published one, once
// there is one.
func (r *entryRow) shownVersion() int {
	if r.published > 0 {
		return r.published
	}
	return r.version
}

func (r *entryRow) entry(in govdata.EntryInput, version int, status govdata.EntryStatus) *govdata.Entry {
	e := &govdata.Entry{EntryInput: in, ID: r.id, ResourceCode: r.code, DepartmentID: r.department, DepartmentName: r.deptName,
		RegionCode: r.region, Level: govdata.DepartmentLevel(r.level), Status: status, Version: version, PublishedVersion: r.published,
		PublishedAt: fromDBNull(r.publishedAt), CreatedAt: fromDB(r.created), UpdatedAt: fromDB(r.updated)}
	if r.graceUtil != "" {
		if d, err := govdata.ParseDate(r.graceUtil); err == nil {
			e.GraceUntil = &d
		}
	}
	return e
}

// officersEntry reads an entry in tx for the officer of its department;
// another department's unpublished entry is hidden (issue 11).
func officersEntry(tx *Tx, id int64) (*entryRow, error) {
	r, err := findEntryRow(tx.queryRow, id)
	if err != nil {
		return nil, err
	}
	if err := entrySeen(tx.queryRow, tx.actor, r); err != nil {
		return nil, err
	}
	return r, officerOf(tx.actor, r.department)
}

// officerOf checks that the actor writes the catalog of department dept.
func officerOf(a govdata.Actor, dept int64) error {
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return err
	}
	if a.IsSystem() {
		return nil
	}
	if !a.Has(govdata.RoleOfficer) || a.DepartmentID != dept {
		return govdata.Errorf(govdata.EFORBIDDEN, msgNotOfficer)
	}
	return nil
}

// CreateEntry implements govdata.CatalogService.
func (s *CatalogService) CreateEntry(ctx context.Context, in govdata.EntryInput) (*govdata.Entry, error) {
	out, err := s.CreateEntries(ctx, []govdata.EntryInput{in})
	if err != nil {
		var e *govdata.Error
		if errors.As(err, &e) && e.Details != nil {
			// One entry: its fields are the input's own, without the batch index.
			out := *e
			out.Details, out.Fields = nil, map[string]govdata.Message{}
			for f, m := range e.Fields {
				out.Fields[strings.TrimPrefix(f, "entries[0].")] = m
			}
			return nil, &out
		}
		return nil, err
	}
	return out[0], nil
}

// CreateEntries implements govdata.CatalogService: one transaction, so all
// or none.
func (s *CatalogService) CreateEntries(ctx context.Context, ins []govdata.EntryInput) ([]*govdata.Entry, error) {
	a := govdata.ActorFrom(ctx)
	if err := officerOf(a, a.DepartmentID); err != nil {
		return nil, err
	}
	if a.DepartmentID == 0 {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, msgNotOfficer)
	}
	for i, in := range ins {
		if err := govdata.ValidateEntry(in, s.profile); err != nil {
			return nil, govdata.EntryRowError(i, err)
		}
	}
	var out []*govdata.Entry
	err := s.db.write(ctx, func(tx *Tx) error {
		out = out[:0]
		dept, err := findDepartment(tx.queryRow, a.DepartmentID)
		if err != nil {
			return err
		}
		for _, in := range ins {
			e, err := s.insertEntry(tx, dept, in)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

func (s *CatalogService) insertEntry(tx *Tx, dept *govdata.Department, in govdata.EntryInput) (*govdata.Entry, error) {
	// The provider's next sequence number: codes are never reused.
	var seq int64
	err := tx.queryRow(`INSERT INTO catalog_sequences (department_id, last) VALUES (?, 1)
		ON CONFLICT (department_id) DO UPDATE SET last = catalog_sequences.last + 1 RETURNING last`, dept.ID).Scan(&seq)
	if err != nil {
		return nil, fmt.Errorf("resource code sequence: %w", err)
	}
	now := tx.Now()
	code := govdata.ResourceCode(in.Classification, dept.CreditCode, seq)
	id, err := tx.insert(`INSERT INTO catalog_entries (resource_code, department_id, region_code, level, status, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 1, ?, ?)`, code, dept.ID, dept.RegionCode, string(dept.Level), string(govdata.EntryDraft), toDB(now), toDB(now))
	if err != nil {
		return nil, fmt.Errorf("insert entry: %w", err)
	}
	if err := insertVersion(tx, id, 1, govdata.EntryDraft, in); err != nil {
		return nil, err
	}
	r := &entryRow{id: id, code: code, department: dept.ID, deptName: dept.Name, region: dept.RegionCode, level: string(dept.Level),
		status: string(govdata.EntryDraft), version: 1, created: toDB(now), updated: toDB(now)}
	if err := s.index(tx, id); err != nil {
		return nil, err
	}
	return r.entry(in, 1, govdata.EntryDraft), tx.audit("catalog.create", "catalog_entry", id, map[string]any{"resource_code": code, "name": in.Name})
}

func insertVersion(tx *Tx, id int64, version int, status govdata.EntryStatus, in govdata.EntryInput) error {
	raw, err := json.Marshal(in)
	if err != nil {
		return err
	}
	if _, err := tx.exec("INSERT INTO catalog_versions (entry_id, version, status, content, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		id, version, string(status), string(raw), actorName(tx.actor), toDB(tx.Now())); err != nil {
		return fmt.Errorf("insert entry version: %w", err)
	}
	return nil
}

// UpdateEntry implements govdata.CatalogService.
func (s *CatalogService) UpdateEntry(ctx context.Context, id int64, p govdata.EntryPatch) (*govdata.Entry, error) {
	var out *govdata.Entry
	err := s.db.write(ctx, func(tx *Tx) error {
		r, err := officersEntry(tx, id)
		if err != nil {
			return err
		}
		status := govdata.EntryStatus(r.status)
		switch {
		case status == govdata.EntryDraft || status == govdata.EntryReturned:
		case status == govdata.EntryPublished && r.workflow == 0:
			// CAT-3: a change is a new version under catalog_change; the
			// published one stays visible until the new one is approved.
			return s.openChange(ctx, tx, r, p, &out)
		default:
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgEntryState, r.status)
		}
		in, err := content(tx.queryRow, id, r.version)
		if err != nil {
			return err
		}
		in = p.Apply(in)
		if err := govdata.ValidateEntry(in, s.profile); err != nil {
			return err
		}
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE catalog_versions SET content = ? WHERE entry_id = ? AND version = ?", string(raw), id, r.version); err != nil {
			return fmt.Errorf("update entry: %w", err)
		}
		if err := s.touch(tx, r); err != nil {
			return err
		}
		out = r.entry(in, r.version, status)
		return tx.audit("catalog.update", "catalog_entry", id, map[string]any{"version": r.version, "patch": p})
	})
	if out != nil {
		out.Workflow, _ = s.workflowOf(ctx, id)
	}
	return out, err
}

// openChange starts a change of a published entry: a new draft version and
// the profile's catalog_change workflow, whose first step times the change
// (HLJ-15: within 3 working days of the event, extendable once).
func (s *CatalogService) openChange(ctx context.Context, tx *Tx, r *entryRow, p govdata.EntryPatch, out **govdata.Entry) error {
	in, err := content(tx.queryRow, r.id, r.published)
	if err != nil {
		return err
	}
	in = p.Apply(in)
	if err := govdata.ValidateEntry(in, s.profile); err != nil {
		return err
	}
	bureau, err := bureauFor(tx, r.region)
	if err != nil {
		return err
	}
	version := r.version + 1
	if err := insertVersion(tx, r.id, version, govdata.EntryDraft, in); err != nil {
		return err
	}
	w, err := s.flows.startTx(ctx, tx, govdata.StartWorkflow{Kind: govdata.WorkflowCatalogChange, SubjectType: "catalog_entry",
		SubjectID: fmt.Sprint(r.id), Title: in.Name, Parties: govdata.Parties{govdata.PartyProvider: r.department, govdata.PartyBureau: bureau}})
	if err != nil {
		return err
	}
	if _, err := tx.exec("UPDATE catalog_entries SET status = ?, version = ?, workflow_id = ?, updated_at = ? WHERE id = ?",
		string(govdata.EntryDraft), version, w.ID, toDB(tx.Now()), r.id); err != nil {
		return fmt.Errorf("open change: %w", err)
	}
	r.version, r.status, r.workflow, r.updated = version, string(govdata.EntryDraft), w.ID, toDB(tx.Now())
	*out = r.entry(in, version, govdata.EntryDraft)
	return tx.audit("catalog.change", "catalog_entry", r.id, map[string]any{"version": version, "patch": p, "due": dateText(w.Due)})
}

// touch records that the entry changed and refreshes its search row.
func (s *CatalogService) touch(tx *Tx, r *entryRow) error {
	r.updated = toDB(tx.Now())
	if _, err := tx.exec("UPDATE catalog_entries SET updated_at = ? WHERE id = ?", r.updated, r.id); err != nil {
		return fmt.Errorf("touch entry: %w", err)
	}
	return s.index(tx, r.id)
}

// bureauFor is the nearest data bureau at or above region: it reviews the
// region's catalog (CAT-4) and supervises its deadlines.
func bureauFor(tx *Tx, region string) (int64, error) {
	regions := govdata.RegionAncestors(region)
	rows, err := tx.query("SELECT id, region_code FROM departments WHERE bureau AND region_code IN ("+placeholders(len(regions))+")",
		stringArgs(regions)...)
	if err != nil {
		return 0, fmt.Errorf("find bureau: %w", err)
	}
	defer rows.Close()
	found := map[string]int64{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return 0, err
		}
		found[code] = id
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, code := range regions {
		if id, ok := found[code]; ok {
			return id, nil
		}
	}
	return 0, govdata.Errorf(govdata.ECONFLICT, msgNoBureau)
}

func stringArgs(ss []string) []any {
	args := make([]any, len(ss))
	for i, s := range ss {
		args[i] = s
	}
	return args
}

// Submit implements govdata.CatalogService: a first version starts the
// profile's catalog_review; a returned or changed version moves its
// workflow on from the fix or file step.
func (s *CatalogService) Submit(ctx context.Context, id int64) (*govdata.Entry, error) {
	var out *govdata.Entry
	err := s.db.write(ctx, func(tx *Tx) error {
		r, err := officersEntry(tx, id)
		if err != nil {
			return err
		}
		in, err := content(tx.queryRow, id, r.version)
		if err != nil {
			return err
		}
		// ZJ-21, HLJ-33: an entry written before the rule of open items is
		// held to it when submitted.
		if err := govdata.ValidateOpenItems(in); err != nil {
			return err
		}
		status := govdata.EntryStatus(r.status)
		switch {
		case status == govdata.EntryDraft && r.workflow == 0:
			bureau, err := bureauFor(tx, r.region)
			if err != nil {
				return err
			}
			w, err := s.flows.startTx(ctx, tx, govdata.StartWorkflow{Kind: govdata.WorkflowCatalogReview, SubjectType: "catalog_entry",
				SubjectID: fmt.Sprint(id), Title: in.Name, Parties: govdata.Parties{govdata.PartyProvider: r.department, govdata.PartyBureau: bureau}})
			if err != nil {
				return err
			}
			r.workflow = w.ID
		case (status == govdata.EntryDraft || status == govdata.EntryReturned) && r.workflow != 0:
			// The fix step (a returned version) or the file step (a change).
			w, err := s.flows.FindInstanceByID(ctx, r.workflow)
			if err != nil {
				return err
			}
			if _, err := s.flows.decideTx(ctx, tx, r.workflow, govdata.Decision{StepSeq: w.StepSeq, Action: govdata.ActionApprove}); err != nil {
				return err
			}
		default:
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgEntryState, r.status)
		}
		now := toDB(tx.Now())
		if _, err := tx.exec("UPDATE catalog_versions SET status = ?, submitted_at = ? WHERE entry_id = ? AND version = ?",
			string(govdata.EntryInReview), now, id, r.version); err != nil {
			return fmt.Errorf("submit entry: %w", err)
		}
		if _, err := tx.exec("UPDATE catalog_entries SET status = ?, workflow_id = ?, updated_at = ? WHERE id = ?",
			string(govdata.EntryInReview), r.workflow, now, id); err != nil {
			return fmt.Errorf("submit entry: %w", err)
		}
		r.status = string(govdata.EntryInReview)
		if err := s.touch(tx, r); err != nil {
			return err
		}
		out = r.entry(in, r.version, govdata.EntryInReview)
		return tx.audit("catalog.submit", "catalog_entry", id, map[string]any{"version": r.version})
	})
	if out != nil {
		out.Workflow, _ = s.workflowOf(ctx, id)
	}
	return out, err
}

// reviewerFor checks that the actor reviews for the entry's bureau: a
// reviewer of that bureau or of a bureau above it (CAT-3: the same or a
// higher level), and returns the actor allowed to act for it.
func (s *CatalogService) reviewerFor(ctx context.Context, r *entryRow, bureau int64) (govdata.Actor, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return a, err
	}
	if a.IsSystem() {
		return a, nil
	}
	if !a.Has(govdata.RoleReviewer) {
		return a, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgStepActor, string(govdata.RoleReviewer), string(govdata.PartyBureau))
	}
	if a.DepartmentID == bureau {
		return a, nil
	}
	var region string
	var isBureau bool
	err := s.db.queryRow(ctx, "SELECT region_code, bureau FROM departments WHERE id = ?", a.DepartmentID).Scan(&region, &isBureau)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return a, s.db.internal("find reviewer's department", err)
	}
	if isBureau && govdata.RegionCovers(region, r.region) {
		a.ActsFor = append(a.ActsFor, bureau)
	}
	return a, nil
}

// Review implements govdata.CatalogService.
func (s *CatalogService) Review(ctx context.Context, id int64, d govdata.ReviewDecision) (*govdata.Entry, error) {
	if (d.Decision == govdata.ActionReturn || d.Decision == govdata.ActionReject) && strings.TrimSpace(d.Comment) == "" {
		var fe govdata.FieldErrors
		fe.Add("comment", msgCommentNeeded)
		return nil, fe.Err()
	}
	if d.Decision != govdata.ActionApprove && d.Decision != govdata.ActionReturn && d.Decision != govdata.ActionReject {
		var fe govdata.FieldErrors
		fe.Add("decision", govdata.MsgEnum, "approve, return, reject")
		return nil, fe.Err()
	}
	r, w, err := s.openWorkflow(ctx, id)
	if err != nil {
		return nil, err
	}
	// A version is reviewed once submitted; a revocation while published.
	if st := govdata.EntryStatus(r.status); st != govdata.EntryInReview && !(w.Kind == govdata.WorkflowCatalogRevocation && st == govdata.EntryPublished) {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgEntryState, r.status)
	}
	actor, err := s.reviewerFor(ctx, r, w.Parties[govdata.PartyBureau])
	if err != nil {
		return nil, err
	}
	var out *govdata.Entry
	err = s.db.write(govdata.WithActor(ctx, actor), func(tx *Tx) error {
		r, err := findEntryRow(tx.queryRow, id)
		if err != nil {
			return err
		}
		if r.workflow != w.ID {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgStepRaced)
		}
		if d.Decision == govdata.ActionApprove && w.Kind != govdata.WorkflowCatalogRevocation {
			// ZJ-21, HLJ-33(一): the rule of open items again at approval, so
			// that an entry filed before it is not published as it was.
			in, err := content(tx.queryRow, id, r.version)
			if err != nil {
				return err
			}
			if err := govdata.ValidateOpenItems(in); err != nil {
				return err
			}
		}
		moved, err := s.flows.decideTx(ctx, tx, w.ID, govdata.Decision{StepSeq: w.StepSeq, Action: d.Decision, Reason: d.Comment})
		if err != nil {
			return err
		}
		out, err = s.afterDecision(tx, r, w.Kind, moved, d)
		return err
	})
	if out != nil {
		out.Workflow, _ = s.workflowOf(ctx, id)
	}
	return out, err
}

// afterDecision applies a workflow's move to the entry.
func (s *CatalogService) afterDecision(tx *Tx, r *entryRow, kind govdata.WorkflowKind, w *govdata.WorkflowInstance, d govdata.ReviewDecision) (*govdata.Entry, error) {
	now := toDB(tx.Now())
	status, version := govdata.EntryStatus(r.status), r.version
	var versionStatus govdata.EntryStatus
	// in is the content of version once read (published), so that the
	// answer does not read it again (a review decision's statement budget).
	var in govdata.EntryInput
	read := 0
	switch {
	case kind == govdata.WorkflowCatalogRevocation && w.State == govdata.InstanceApproved:
		return s.revoked(tx, r, d)
	case kind == govdata.WorkflowCatalogRevocation:
		status = govdata.EntryPublished // refused: stays published
	case w.State == govdata.InstanceApproved:
		// The reviewed version is published; the one before is superseded.
		if r.published > 0 {
			if _, err := tx.exec("UPDATE catalog_versions SET status = ? WHERE entry_id = ? AND version = ?",
				string(govdata.VersionSuperseded), r.id, r.published); err != nil {
				return nil, err
			}
		}
		if _, err := tx.exec("UPDATE catalog_versions SET approved_by = ?, approved_at = ? WHERE entry_id = ? AND version = ?",
			actorName(tx.actor), now, r.id, version); err != nil {
			return nil, err
		}
		status, versionStatus, r.published = govdata.EntryPublished, govdata.EntryPublished, version
		r.publishedAt = sql.NullInt64{Int64: now, Valid: true}
		// AGG-1: the published version's items are the dataset's columns.
		var err error
		if in, err = content(tx.queryRow, r.id, version); err != nil {
			return nil, err
		}
		read = version
		if err := s.db.syncDataset(tx, r.id, r.department, version, in); err != nil {
			return nil, err
		}
		// ZJ-20: the open attribute takes effect now or after its approval.
		if err := s.openAttributeOnPublish(tx, r, version, in); err != nil {
			return nil, err
		}
	case w.State == govdata.InstanceOpen && w.Step != "" && w.ReturnTo != "":
		status, versionStatus = govdata.EntryReturned, govdata.EntryReturned
	case w.State == govdata.InstanceRejected || w.State == govdata.InstanceWithdrawn:
		// A change given up: the published version stays.
		versionStatus, status = govdata.VersionWithdrawn, govdata.EntryPublished
		if r.published == 0 {
			status = govdata.EntryDraft
		}
	default:
		status = govdata.EntryInReview
	}
	if versionStatus != "" {
		if _, err := tx.exec("UPDATE catalog_versions SET status = ?, comment = ? WHERE entry_id = ? AND version = ?",
			string(versionStatus), d.Comment, r.id, version); err != nil {
			return nil, err
		}
	}
	workflow := any(w.ID)
	if w.State != govdata.InstanceOpen {
		workflow = nil
		r.workflow = 0
	}
	shown := version
	if versionStatus == govdata.VersionWithdrawn && r.published > 0 {
		shown = r.published
	}
	if _, err := tx.exec(`UPDATE catalog_entries SET status = ?, version = ?, published_version = ?, published_at = ?, workflow_id = ?, updated_at = ?
		WHERE id = ?`, string(status), shown, r.published, r.publishedAt, workflow, now, r.id); err != nil {
		return nil, fmt.Errorf("review entry: %w", err)
	}
	r.status, r.version = string(status), shown
	if err := s.touch(tx, r); err != nil {
		return nil, err
	}
	if read != shown {
		var err error
		if in, err = content(tx.queryRow, r.id, shown); err != nil {
			return nil, err
		}
	}
	return r.entry(in, shown, status), tx.audit("catalog.review", "catalog_entry", r.id, map[string]any{
		"version": version, "workflow": kind, "decision": d.Decision, "comment": d.Comment, "status": status})
}

// Revoke implements govdata.CatalogService: the provider's officer asks,
// the bureau decides (HLJ-16).
func (s *CatalogService) Revoke(ctx context.Context, id int64, reason string) (*govdata.Entry, error) {
	if strings.TrimSpace(reason) == "" {
		var fe govdata.FieldErrors
		fe.Add("reason", govdata.MsgRequired)
		return nil, fe.Err()
	}
	var out *govdata.Entry
	err := s.db.write(ctx, func(tx *Tx) error {
		r, err := officersEntry(tx, id)
		if err != nil {
			return err
		}
		if govdata.EntryStatus(r.status) != govdata.EntryPublished || r.workflow != 0 {
			if r.workflow != 0 {
				return govdata.Errorf(govdata.ECONFLICT, msgWorkflowOpen, r.status)
			}
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgEntryState, r.status)
		}
		bureau, err := bureauFor(tx, r.region)
		if err != nil {
			return err
		}
		in, err := content(tx.queryRow, id, r.published)
		if err != nil {
			return err
		}
		w, err := s.flows.startTx(ctx, tx, govdata.StartWorkflow{Kind: govdata.WorkflowCatalogRevocation, SubjectType: "catalog_entry",
			SubjectID: fmt.Sprint(id), Title: in.Name, Parties: govdata.Parties{govdata.PartyProvider: r.department, govdata.PartyBureau: bureau}})
		if err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE catalog_entries SET workflow_id = ?, updated_at = ? WHERE id = ?", w.ID, toDB(tx.Now()), id); err != nil {
			return fmt.Errorf("revoke entry: %w", err)
		}
		r.workflow = w.ID
		out = r.entry(in, r.published, govdata.EntryPublished)
		return tx.audit("catalog.revoke_request", "catalog_entry", id, map[string]any{"reason": reason})
	})
	if out != nil {
		out.Workflow, _ = s.workflowOf(ctx, id)
	}
	return out, err
}

// revoked ends an entry whose revocation the bureau approved: at once, or,
// when departments use it, after the profile's grace period, during which
// it is still supplied; each user department is told (HLJ-16).
func (s *CatalogService) revoked(tx *Tx, r *entryRow, d govdata.ReviewDecision) (*govdata.Entry, error) {
	users, err := s.InUse(tx, r.id)
	if err != nil {
		return nil, err
	}
	status, grace := govdata.EntryRevoked, ""
	if len(users) > 0 {
		months := s.profile.RevocationGraceMonths.Value
		status = govdata.EntryRevoking
		grace = govdata.DateOf(tx.Now().In(s.loc).AddDate(0, months, 0)).String()
	}
	if _, err := tx.exec("UPDATE catalog_entries SET status = ?, grace_until = ?, workflow_id = NULL, updated_at = ? WHERE id = ?",
		string(status), grace, toDB(tx.Now()), r.id); err != nil {
		return nil, fmt.Errorf("revoke entry: %w", err)
	}
	in, err := content(tx.queryRow, r.id, r.published)
	if err != nil {
		return nil, err
	}
	title := govdata.Text{ZH: fmt.Sprintf("目录「%s」已撤销", in.Name), EN: fmt.Sprintf("catalog entry %q is revoked", in.Name)}
	if grace != "" {
		title = govdata.Text{ZH: fmt.Sprintf("目录「%s」已撤销，数据将继续提供至 %s", in.Name, grace),
			EN: fmt.Sprintf("catalog entry %q is revoked; its data is supplied until %s", in.Name, grace)}
	}
	var notices []int64
	for _, dept := range users {
		ids, err := notifyDepartment(tx, dept, govdata.NoticeCatalogRevoked, title, fmt.Sprintf("catalog_revoked:%d:%d", r.id, dept))
		if err != nil {
			return nil, err
		}
		notices = append(notices, ids...)
	}
	if err := s.db.enqueueDeliveries(tx, notices); err != nil {
		return nil, err
	}
	r.status, r.workflow, r.graceUtil = string(status), 0, grace
	if err := s.touch(tx, r); err != nil {
		return nil, err
	}
	return r.entry(in, r.published, status), tx.audit("catalog.revoke", "catalog_entry", r.id, map[string]any{
		"comment": d.Comment, "status": status, "grace_until": grace, "users": users})
}

// notifyDepartment writes a notice to every active user of dept, once per
// dedupe key and user, and returns the notices written.
func notifyDepartment(tx *Tx, dept int64, kind string, title govdata.Text, dedupe string) ([]int64, error) {
	rows, err := tx.query(`INSERT INTO notifications (user_id, kind, title_zh, title_en, dedupe, created_at)
		SELECT id, ?, ?, ?, ? || ':' || id, ? FROM users WHERE department_id = ? AND disabled_at IS NULL
		ON CONFLICT (dedupe) DO NOTHING RETURNING id`, kind, title.ZH, title.EN, dedupe, toDB(tx.Now()), dept)
	if err != nil {
		return nil, fmt.Errorf("notify department: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ExpireRevocations ends the grace period of revoked entries whose grace
// day has passed (platform only; the sweeper runs it).
func (s *CatalogService) ExpireRevocations(ctx context.Context) (int, error) {
	if !govdata.ActorFrom(ctx).IsSystem() {
		return 0, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	today := s.today().String()
	var n int
	err := s.db.write(ctx, func(tx *Tx) error {
		rows, err := tx.query("SELECT id FROM catalog_entries WHERE status = 'revoking' AND grace_until < ?", today)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			if _, err := tx.exec("UPDATE catalog_entries SET status = 'revoked', updated_at = ? WHERE id = ?", toDB(tx.Now()), id); err != nil {
				return err
			}
			if err := s.index(tx, id); err != nil {
				return err
			}
			if err := tx.audit("catalog.revoke_final", "catalog_entry", id, nil); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// Extend implements govdata.CatalogService: the bureau extends the change
// deadline once (HLJ-15).
func (s *CatalogService) Extend(ctx context.Context, id int64, reason string) (*govdata.Entry, error) {
	r, w, err := s.openWorkflow(ctx, id)
	if err != nil {
		return nil, err
	}
	actor, err := s.reviewerFor(ctx, r, w.Parties[govdata.PartyBureau])
	if err != nil {
		return nil, err
	}
	if _, err := s.flows.Extend(govdata.WithActor(ctx, actor), w.ID, govdata.ExtensionGrant{StepSeq: w.StepSeq, Reason: reason}); err != nil {
		return nil, err
	}
	return s.FindEntryByID(govdata.WithActor(ctx, actor), id)
}

// entryRow reads an entry's row outside a write, as the actor in ctx may
// see it: another department's unpublished entry is hidden (issue 11), so
// that every route under /catalog/{id} answers for it as for no entry.
func (s Base) entryRow(ctx context.Context, id int64) (*entryRow, error) {
	queryRow := func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }
	r, err := findEntryRow(queryRow, id)
	if err == nil {
		err = entrySeen(queryRow, govdata.ActorFrom(ctx), r)
	}
	if govdata.ErrorCodeOf(err) == govdata.EINTERNAL {
		return nil, s.db.internal("find entry", err)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// openWorkflow reads an entry and its open workflow; ECONFLICT when it has
// none.
func (s *CatalogService) openWorkflow(ctx context.Context, id int64) (*entryRow, *govdata.WorkflowInstance, error) {
	r, err := s.entryRow(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if r.workflow == 0 {
		return nil, nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgEntryState, r.status)
	}
	w, err := s.flows.FindInstanceByID(ctx, r.workflow)
	return r, w, err
}

// workflowOf is the entry's open workflow, if any.
func (s *CatalogService) workflowOf(ctx context.Context, id int64) (*govdata.WorkflowInstance, error) {
	var wf sql.NullInt64
	if err := s.db.queryRow(ctx, "SELECT workflow_id FROM catalog_entries WHERE id = ?", id).Scan(&wf); err != nil || !wf.Valid {
		return nil, err
	}
	w, err := s.flows.FindInstanceByID(ctx, wf.Int64)
	if err != nil {
		return nil, err
	}
	w.History = nil
	return w, nil
}

// seesDrafts reports whether the actor may see the entry's unpublished
// versions: its own department, and reviewers of a bureau at or above it.
func seesDrafts(queryRow func(string, ...any) *sql.Row, a govdata.Actor, r *entryRow) (bool, error) {
	if a.IsSystem() || (a.DepartmentID != 0 && a.DepartmentID == r.department) {
		return true, nil
	}
	if !a.Has(govdata.RoleReviewer) || a.DepartmentID == 0 {
		return false, nil
	}
	var region string
	var isBureau bool
	err := queryRow("SELECT region_code, bureau FROM departments WHERE id = ?", a.DepartmentID).Scan(&region, &isBureau)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("find reviewer's department: %w", err)
	}
	return isBureau && govdata.RegionCovers(region, r.region), nil
}

// entrySeen refuses, hidden, an entry the actor may not see at all: one
// never published, of a department whose drafts it does not see. Everyone
// signed in sees a published entry (CAT-5), so refusing to act on one is
// EFORBIDDEN, not this.
func entrySeen(queryRow func(string, ...any) *sql.Row, a govdata.Actor, r *entryRow) error {
	if r.published != 0 {
		return nil
	}
	drafts, err := seesDrafts(queryRow, a, r)
	if err != nil {
		return err
	}
	if !drafts {
		return govdata.Hidden(govdata.MsgEntryNotFound)
	}
	return nil
}

// seesDrafts is seesDrafts outside a write.
func (s *CatalogService) seesDrafts(ctx context.Context, a govdata.Actor, r *entryRow) (bool, error) {
	drafts, err := seesDrafts(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, a, r)
	if err != nil {
		return false, s.db.internal("find entry", err)
	}
	return drafts, nil
}

// FindEntryByID implements govdata.CatalogService: the working version for
// those who see drafts, else the published one.
func (s *CatalogService) FindEntryByID(ctx context.Context, id int64) (*govdata.Entry, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	queryRow := func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }
	r, err := findEntryRow(queryRow, id)
	if err != nil {
		if govdata.ErrorCodeOf(err) == govdata.EINTERNAL {
			return nil, s.db.internal("find entry", err)
		}
		return nil, err
	}
	drafts, err := s.seesDrafts(ctx, a, r)
	if err != nil {
		return nil, err
	}
	version, status := r.version, govdata.EntryStatus(r.status)
	if !drafts {
		if r.published == 0 {
			return nil, govdata.Hidden(govdata.MsgEntryNotFound)
		}
		version = r.published
		if status != govdata.EntryRevoking && status != govdata.EntryRevoked {
			status = govdata.EntryPublished
		}
	}
	in, err := content(queryRow, id, version)
	if err != nil {
		return nil, s.db.internal("entry content", err)
	}
	e := r.entry(in, version, status)
	if drafts {
		e.Workflow, err = s.workflowOf(ctx, id)
		if err != nil {
			return nil, s.db.internal("entry workflow", err)
		}
	}
	return e, nil
}

// FindVersions implements govdata.CatalogService: every version to those
// who see drafts; the published ones to everyone else.
func (s *CatalogService) FindVersions(ctx context.Context, id int64) ([]govdata.EntryVersion, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	r, err := s.entryRow(ctx, id)
	if err != nil {
		return nil, err
	}
	drafts, err := s.seesDrafts(ctx, a, r)
	if err != nil {
		return nil, err
	}
	if !drafts && r.published == 0 {
		return nil, govdata.Hidden(govdata.MsgEntryNotFound)
	}
	rows, err := s.db.query(ctx, `SELECT version, status, content, created_by, created_at, submitted_at, approved_by, approved_at, comment
		FROM catalog_versions WHERE entry_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, s.db.internal("entry versions", err)
	}
	defer rows.Close()
	out := []govdata.EntryVersion{}
	for rows.Next() {
		var v govdata.EntryVersion
		var raw string
		var created int64
		var submitted, approved sql.NullInt64
		if err := rows.Scan(&v.Version, &v.Status, &raw, &v.CreatedBy, &created, &submitted, &v.ApprovedBy, &approved, &v.Comment); err != nil {
			return nil, s.db.internal("entry versions", err)
		}
		if !drafts && v.ApprovedBy == "" {
			continue
		}
		if err := json.Unmarshal([]byte(raw), &v.Entry); err != nil {
			return nil, s.db.internal("entry versions", err)
		}
		v.CreatedAt, v.SubmittedAt, v.ApprovedAt = fromDB(created), fromDBNull(submitted), fromDBNull(approved)
		out = append(out, v)
	}
	return out, rows.Err()
}
