package govdata

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"
)

// Sharing (SHR-1…3): a department applies for items of another's entry for
// a stated duty; the profile's workflow for the entry's share type decides;
// an approved application becomes a grant.

// ShareMethod is how granted data is delivered.
type ShareMethod string

// Share methods (SHR-1).
const (
	MethodAPI          ShareMethod = "api"          // the data service's records and verify calls
	MethodFile         ShareMethod = "file"         // exports
	MethodSubscription ShareMethod = "subscription" // changes since a cursor
)

// ShareMethods lists the methods.
var ShareMethods = []ShareMethod{MethodAPI, MethodFile, MethodSubscription}

// RefusalCategory classifies why an application is refused (SHR-2).
type RefusalCategory string

// Refusal categories.
const (
	RefusalLaw       RefusalCategory = "law"
	RefusalPolicy    RefusalCategory = "policy"
	RefusalSensitive RefusalCategory = "sensitive"
	RefusalOther     RefusalCategory = "other"
)

// RefusalCategories lists the categories.
var RefusalCategories = []RefusalCategory{RefusalLaw, RefusalPolicy, RefusalSensitive, RefusalOther}

// ApplicationInput is what a consumer department's officer asks for.
type ApplicationInput struct {
	CatalogID int64 `json:"catalog_id"`
	// Items wanted: the minimum necessary (SX-4(五)); only items the entry
	// shares.
	Items      []string `json:"items"`
	Scenario   string   `json:"scenario"`
	Purpose    string   `json:"purpose"`
	LegalBasis string   `json:"legal_basis"` // the duty's basis (履职依据)
	// RegionScope limits the rows to these GB/T 2260 regions (a code
	// covers the regions below it); empty: all rows.
	RegionScope []string    `json:"region_scope,omitempty"`
	Method      ShareMethod `json:"method"`
	ValidUntil  Date        `json:"valid_until"` // the period (HLJ-22)
	// UnmaskedItems asks for these items unmasked (SHR-5); only a path that
	// includes the provider's leader can grant it.
	UnmaskedItems []string `json:"unmasked_items,omitempty"`
	// ExportSensitive asks to export items at sensitivity 3–4 in files
	// (SEC-5: bulk export of them needs an explicit permission).
	ExportSensitive bool `json:"export_sensitive,omitempty"`
}

// Limits of an application's text.
const (
	maxApplicationText = 2000
	maxRegionScope     = 100
	// MaxGrantDays bounds an application's period: five years.
	MaxGrantDays = 5 * 366
)

// Messages of applications.
var (
	MsgNotShared       = Msg{"该目录不予共享，依据：%s", "the entry is not shared; basis: %s"}
	MsgItemNotShared   = Msg{"信息项“%s”不予共享", "the item %q is not shared"}
	MsgItemNotInEntry  = Msg{"目录没有信息项“%s”", "the entry has no item %q"}
	MsgOwnData         = Msg{"不能申请本部门自己的数据", "a department does not apply for its own data"}
	MsgValidUntil      = Msg{"有效期应在今天之后、%d 天以内", "the period must end after today and within %d days"}
	MsgItemRepeated    = Msg{"信息项重复：%s", "the item repeats: %s"}
	MsgEntryNotOpenFor = Msg{"该目录当前状态（%s）不接受共享申请", "the entry's status (%s) takes no share applications"}
	MsgUnmaskNotWanted = Msg{"免脱敏的信息项“%s”不在申请的信息项中", "the item %q to unmask is not among the items applied for"}
	MsgUnmaskNoLeader  = Msg{"该目录的审批流程不含数据提供部门负责人，不能申请免脱敏", "this entry's approval path does not include the provider's leader, so masks cannot be lifted"}
	MsgNoRegionItem    = Msg{"该目录没有标记为行政区划的信息项，不能按地区限定范围", "the entry has no region item, so rows cannot be scoped by region"}
	MsgExportNotFile   = Msg{"导出敏感信息项的许可只适用于文件方式（method=file）", "permission to export sensitive items applies to the file method only"}
)

// ValidateApplication checks an application against its entry (the
// published version) on day today, field by field; a not_shared entry is
// refused with its legal basis (SHR-2).
func ValidateApplication(in ApplicationInput, entry *Entry, applicant int64, today Date) error {
	var fe FieldErrors
	if err := checkEntryShared(entry); err != nil {
		return err
	}
	if entry.DepartmentID == applicant {
		return Errorf(EINVALID, MsgOwnData)
	}
	checkWantedItems(&fe, in.Items, entry)
	for i, name := range in.UnmaskedItems {
		if !slices.Contains(in.Items, name) || slices.Index(in.UnmaskedItems, name) < i {
			fe.Add("unmasked_items["+strconv.Itoa(i)+"]", MsgUnmaskNotWanted, name)
		}
	}
	if in.ExportSensitive && in.Method != MethodFile {
		fe.Add("export_sensitive", MsgExportNotFile)
	}
	for field, v := range map[string]string{"scenario": in.Scenario, "purpose": in.Purpose, "legal_basis": in.LegalBasis} {
		switch {
		case blank(v):
			fe.Add(field, MsgRequired)
		case len([]rune(v)) > maxApplicationText:
			fe.Add(field, MsgTooLong, maxApplicationText)
		}
	}
	if !slices.Contains(ShareMethods, in.Method) {
		fe.Add("method", MsgEnum, joinValues(ShareMethods))
	}
	if in.ValidUntil.IsZero() || !today.Before(in.ValidUntil) || today.AddDays(MaxGrantDays).Before(in.ValidUntil) {
		fe.Add("valid_until", MsgValidUntil, MaxGrantDays)
	}
	checkRegionScope(&fe, in.RegionScope)
	// SHR-4: rows are scoped by the entry's region item; without one a
	// scope could not be applied.
	if len(in.RegionScope) > 0 && !slices.ContainsFunc(entry.Items, func(it Item) bool { return it.Region }) {
		fe.Add("region_scope", MsgNoRegionItem)
	}
	return fe.Err()
}

// checkRegionScope: at most maxRegionScope GB/T 2260 codes.
func checkRegionScope(fe *FieldErrors, scope []string) {
	if len(scope) > maxRegionScope {
		fe.Add("region_scope", MsgTooMany, maxRegionScope)
	}
	for i, code := range scope {
		if _, err := RegionLevelOf(code); err != nil {
			fe.Add("region_scope["+strconv.Itoa(i)+"]", MsgRegionCode)
		}
	}
}

// checkEntryShared: a published entry takes applications (and scenarios),
// also while a change of it is written or reviewed; not once it is being
// revoked, and never a not_shared one (SHR-2).
func checkEntryShared(entry *Entry) error {
	if entry.PublishedVersion == 0 || entry.Status == EntryRevoking || entry.Status == EntryRevoked {
		return Errorf(ECONFLICT, MsgEntryNotOpenFor, string(entry.Status))
	}
	if entry.ShareType == ShareNone {
		return Errorf(EINVALID, MsgNotShared, entry.ShareBasis)
	}
	return nil
}

// checkWantedItems: at least one item, each once, each an item of the
// entry that is shared.
func checkWantedItems(fe *FieldErrors, items []string, entry *Entry) {
	if len(items) == 0 {
		fe.Add("items", MsgRequired)
	}
	seen := map[string]bool{}
	for i, name := range items {
		at := "items[" + strconv.Itoa(i) + "]"
		j := slices.IndexFunc(entry.Items, func(it Item) bool { return it.Name == name })
		switch {
		case seen[name]:
			fe.Add(at, MsgItemRepeated, name)
		case j < 0:
			fe.Add(at, MsgItemNotInEntry, name)
		case entry.Items[j].ShareType == ShareNone:
			fe.Add(at, MsgItemNotShared, name)
		}
		seen[name] = true
	}
}

// ShareWorkflow is the workflow an application for an entry of share type
// t runs (SHR-2): the light path for unconditional entries, the approval
// chain for conditional ones.
func ShareWorkflow(t ShareType) WorkflowKind {
	if t == ShareUnconditional {
		return WorkflowShareUnconditional
	}
	return WorkflowShareConditional
}

// LiftsMasks reports whether a workflow's approval includes the provider's
// leader: only then may a grant lift masks (SHR-5).
func LiftsMasks(w *Workflow) bool {
	return slices.ContainsFunc(w.Steps, func(st Step) bool {
		return st.Actor == StepActor{Role: RoleLeader, Party: PartyProvider}
	})
}

// ApplicationState is where an application is.
type ApplicationState string

// Application states.
const (
	ApplicationOpen      ApplicationState = "open"      // in its workflow
	ApplicationApproved  ApplicationState = "approved"  // a grant was made
	ApplicationRejected  ApplicationState = "rejected"  // refused, with reason and category
	ApplicationWithdrawn ApplicationState = "withdrawn" // given up by the applicant
)

// Application is one share application.
type Application struct {
	ApplicationInput
	ID                  int64             `json:"id"`
	EntryName           string            `json:"entry_name"`
	EntryVersion        int               `json:"entry_version"` // the published version applied for
	ResourceCode        string            `json:"resource_code"`
	ApplicantDepartment int64             `json:"applicant_department_id"`
	ProviderDepartment  int64             `json:"provider_department_id"`
	ShareType           ShareType         `json:"share_type"`
	State               ApplicationState  `json:"state"`
	RefusalCategory     RefusalCategory   `json:"refusal_category,omitempty"`
	RefusalReason       string            `json:"refusal_reason,omitempty"`
	Workflow            *WorkflowInstance `json:"workflow,omitempty"`
	GrantID             int64             `json:"grant_id,omitempty"`
	// ScenarioID is the registered scenario that granted the application
	// directly, without a workflow (LS-19(三)).
	ScenarioID int64     `json:"scenario_id,omitempty"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	// The departments' names, for lists and the decision page.
	ApplicantDepartmentName string `json:"applicant_department_name,omitempty"`
	ProviderDepartmentName  string `json:"provider_department_name,omitempty"`
	// Step and Due are where an open application stands (also in lists);
	// WorkingDaysLeft (while due) or WorkingDaysLate (once overdue) count
	// the due date on the platform's calendar today (CAL-3), so that the
	// applicant, who holds no task for it, sees the deadline too.
	Step            string `json:"step,omitempty"`
	Due             *Date  `json:"due,omitempty"`
	WorkingDaysLeft *int   `json:"working_days_left,omitempty"`
	WorkingDaysLate *int   `json:"working_days_late,omitempty"`
	// Actions are those the caller may take at the current step now, as
	// the step's actor (CheckStepActor); empty for anyone else. Filled
	// when one application is read.
	Actions []Action `json:"actions,omitempty"`
}

// ApplicationDecision acts on an application's current step.
type ApplicationDecision struct {
	Decision       Action          `json:"decision"` // approve | forward | reject | return | withdraw, as the step allows
	Reason         string          `json:"reason,omitempty"`
	ReasonCategory RefusalCategory `json:"reason_category,omitempty"` // required with reject
}

// MsgRefusalCategory: a refusal names its category.
var MsgRefusalCategory = Msg{"拒绝须选择理由类别：%s", "a refusal needs a reason category: %s"}

// ValidateDecision checks a decision's reason: a refusal needs a reason
// and a category (SHR-2), a return a reason.
func ValidateDecision(d ApplicationDecision) error {
	var fe FieldErrors
	if NeedsReason(d.Decision) && blank(d.Reason) {
		fe.Add("reason", MsgRequired)
	}
	if d.Decision == ActionReject && !slices.Contains(RefusalCategories, d.ReasonCategory) {
		fe.Add("reason_category", MsgRefusalCategory, joinValues(RefusalCategories))
	}
	if len([]rune(d.Reason)) > maxApplicationText {
		fe.Add("reason", MsgTooLong, maxApplicationText)
	}
	return fe.Err()
}

// ApplicationFilter selects applications: the caller's department's own
// (Side "applicant") or those for its data (Side "provider").
type ApplicationFilter struct {
	Side  string
	State ApplicationState
	Page
}

// ApplicationList is a page of applications, newest first.
type ApplicationList struct {
	Items      []*Application `json:"items"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// ApplicationService runs share applications (SHR-1, SHR-2).
type ApplicationService interface {
	// Apply files an application as the acting officer's department
	// (EFORBIDDEN unless an officer of a department; ENOTFOUND for no such
	// entry or one not visible; EINVALID naming the field, also for one's
	// own data or an entry not shared; ECONFLICT for an entry not open to
	// it or no data bureau at or above its region).
	Apply(ctx context.Context, in ApplicationInput) (*Application, error)
	// Decide acts on the current step as its actor (ENOTFOUND as
	// FindApplicationByID's; EFORBIDDEN for anyone else; EINVALID for a
	// missing reason or category, or an action the step does not take;
	// ECONFLICT for a closed step, a lost race, or an application a
	// scenario granted).
	Decide(ctx context.Context, id int64, d ApplicationDecision) (*Application, error)
	// FindApplicationByID returns ENOTFOUND for no such application and
	// for one the caller may not see (the applicant's and the provider's
	// people and the reviewers see it).
	FindApplicationByID(ctx context.Context, id int64) (*Application, error)
	// FindApplications lists the applications the caller sees, newest
	// first; EINVALID for a bad side or cursor.
	FindApplications(ctx context.Context, f ApplicationFilter) (ApplicationList, error)
	// ApplicationTerms says what the caller's department may ask of an
	// entry (TermsOf), for the application form: ENOTFOUND for no such
	// entry or one not visible; ECONFLICT for one never published. An
	// entry the caller may not apply for is answered with its Refusal.
	ApplicationTerms(ctx context.Context, entryID int64) (*ApplicationTerms, error)
}

// ApplicationTerms is what an application for one entry may ask, as the
// platform decides it: the application form offers these options and no
// more, and says in the user's words why an option is closed, so that
// the console never re-decides a rule (SHR-1, SHR-2, SHR-5, SEC-5).
type ApplicationTerms struct {
	EntryID                int64  `json:"entry_id"`
	EntryName              string `json:"entry_name"`
	EntryVersion           int    `json:"entry_version"`
	ResourceCode           string `json:"resource_code"`
	ProviderDepartment     int64  `json:"provider_department_id"`
	ProviderDepartmentName string `json:"provider_department_name"`
	// ShareType is the entry's share type as the profile counts it
	// (HLJ-21: a conditional entry without conditions may count as
	// unconditional); it chooses the workflow.
	ShareType       ShareType `json:"share_type"`
	ShareConditions string    `json:"share_conditions,omitempty"`
	// Workflow is the chain the application runs, each step with its actor
	// and deadline.
	Workflow *Workflow `json:"workflow,omitempty"`
	// Refusal says why the caller cannot apply for this entry at all (its
	// own department's data, an entry not shared or not open to
	// applications); absent when it can.
	Refusal *Text `json:"refusal,omitempty"`
	// Items are the entry's items; only those Offered may be asked for.
	Items []ItemTerms `json:"items"`
	// LiftsMasks: unmasked items may be asked for (SHR-5: only a chain
	// that includes the provider's leader lifts masks); UnmaskRefusal says
	// why not.
	LiftsMasks    bool  `json:"lifts_masks"`
	UnmaskRefusal *Text `json:"unmask_refusal,omitempty"`
	// RegionScope: rows may be scoped by region (SHR-4: the entry has a
	// region item); RegionRefusal says why not.
	RegionScope   bool          `json:"region_scope"`
	RegionRefusal *Text         `json:"region_refusal,omitempty"`
	Methods       []ShareMethod `json:"methods"`
	// ExportSensitiveMethod is the only method with which sensitive items
	// may be exported (SEC-5); ExportSensitiveNote says so.
	ExportSensitiveMethod ShareMethod `json:"export_sensitive_method"`
	ExportSensitiveNote   Text        `json:"export_sensitive_note"`
	// ValidFrom and ValidTo bound valid_until: after today, within
	// MaxGrantDays (HLJ-22).
	ValidFrom Date `json:"valid_from"`
	ValidTo   Date `json:"valid_to"`
	// ScenarioDirectGrant: an application within a registered scenario is
	// granted at once, without the chain (LS-19(三)).
	ScenarioDirectGrant bool `json:"scenario_direct_grant"`
}

// ItemTerms is one item of an entry as an application may ask for it.
type ItemTerms struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	ShareType   ShareType `json:"share_type"` // the item's own, else the entry's
	Sensitivity int       `json:"sensitivity"`
	Region      bool      `json:"region,omitempty"`
	// Offered: the item may be asked for (SHR-2: a not_shared item never is).
	Offered bool `json:"offered"`
}

// TextOf renders a message in both languages, for a value (not an error)
// that carries the platform's explanation.
func TextOf(m Msg, args ...any) Text {
	return Text{ZH: m.Text("zh", args...), EN: m.Text("en", args...)}
}

// TermsOf decides what an application of department applicant may ask for
// entry (its published version, as the profile counts it, see
// EntryInput.Effective) on day today under profile p: the same rules
// ValidateApplication and Apply enforce.
func TermsOf(entry *Entry, p *Profile, applicant int64, today Date) *ApplicationTerms {
	t := &ApplicationTerms{
		EntryID: entry.ID, EntryName: entry.Name, EntryVersion: entry.PublishedVersion, ResourceCode: entry.ResourceCode,
		ProviderDepartment: entry.DepartmentID, ProviderDepartmentName: entry.DepartmentName, ShareType: entry.ShareType, ShareConditions: entry.ShareConditions,
		Items: []ItemTerms{}, Methods: ShareMethods,
		ExportSensitiveMethod: MethodFile, ExportSensitiveNote: TextOf(MsgExportNotFile),
		ValidFrom: today.AddDays(1), ValidTo: today.AddDays(MaxGrantDays),
		ScenarioDirectGrant: p.ScenarioDirectGrant.Value,
	}
	if w, ok := p.Workflow(ShareWorkflow(entry.ShareType)); ok {
		t.Workflow = w
		t.LiftsMasks = LiftsMasks(w)
	}
	if !t.LiftsMasks {
		r := TextOf(MsgUnmaskNoLeader)
		t.UnmaskRefusal = &r
	}
	for _, it := range entry.Items {
		share := it.ShareType
		if share == "" {
			share = entry.ShareType
		}
		t.Items = append(t.Items, ItemTerms{Name: it.Name, Description: it.Description, ShareType: share, Sensitivity: it.Sensitivity,
			Region: it.Region, Offered: entry.ShareType != ShareNone && share != ShareNone})
		t.RegionScope = t.RegionScope || it.Region
	}
	if !t.RegionScope {
		r := TextOf(MsgNoRegionItem)
		t.RegionRefusal = &r
	}
	err := checkEntryShared(entry)
	if err == nil && entry.DepartmentID == applicant {
		err = Errorf(EINVALID, MsgOwnData)
	}
	var e *Error
	if errors.As(err, &e) {
		r := TextOf(e.Message.Msg, e.Message.Args...)
		t.Refusal = &r
	}
	return t
}
