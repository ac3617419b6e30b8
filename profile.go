package govdata

// A regulation profile (PRODUCT.md §3) is data, not code: the share and
// open type labels, every workflow's steps with who acts and each
// deadline, and the periods the regulation sets, each value citing its
// article. The shipped files and their loader live in package profiles.

import "slices"

// Text is a label in both languages.
type Text struct {
	ZH string `json:"zh" yaml:"zh"`
	EN string `json:"en" yaml:"en"`
}

// Party says which department acts at a step.
type Party string

// The parties of a workflow.
const (
	PartyProvider  Party = "provider"  // the department that holds the data
	PartyApplicant Party = "applicant" // the department (or person) that asks
	PartyBureau    Party = "bureau"    // the data bureau of the same level
)

// Valid reports whether p is a known party.
func (p Party) Valid() bool { return p == PartyProvider || p == PartyApplicant || p == PartyBureau }

// Action is what the actor of a step can do.
type Action string

// Workflow actions.
const (
	ActionApprove  Action = "approve"
	ActionReturn   Action = "return"
	ActionReject   Action = "reject"
	ActionForward  Action = "forward"
	ActionSign     Action = "sign"
	ActionWithdraw Action = "withdraw"
)

// Valid reports whether a is a known action.
func (a Action) Valid() bool {
	switch a {
	case ActionApprove, ActionReturn, ActionReject, ActionForward, ActionSign, ActionWithdraw:
		return true
	}
	return false
}

// WorkflowKind names one of the workflows every profile defines.
type WorkflowKind string

// The workflows of a profile (issue 3: every rule that times a step).
const (
	WorkflowCatalogReview      WorkflowKind = "catalog_review"
	WorkflowCatalogChange      WorkflowKind = "catalog_change"
	WorkflowCatalogRevocation  WorkflowKind = "catalog_revocation"
	WorkflowShareUnconditional WorkflowKind = "share_unconditional"
	WorkflowShareConditional   WorkflowKind = "share_conditional"
	WorkflowObjection          WorkflowKind = "objection"
	WorkflowDemand             WorkflowKind = "demand"
	WorkflowOpenConditional    WorkflowKind = "open_conditional"
	WorkflowDestruction        WorkflowKind = "destruction"
	// WorkflowShareOutgoing: the platform's own department asks another
	// body for its data (ZJ-15: the requesting unit's leader signs, then
	// the platform files the request).
	WorkflowShareOutgoing WorkflowKind = "share_outgoing"
	// WorkflowDataMaintenance: a change to stored data goes apply → approve
	// → change → verify (SX-31, SX-32; AGG-6).
	WorkflowDataMaintenance WorkflowKind = "data_maintenance"
	// WorkflowOpenWithdrawal: taking down a published open dataset needs
	// the bureau's approval (HLJ-35; OPN-3).
	WorkflowOpenWithdrawal WorkflowKind = "open_withdrawal"
	// WorkflowDispute: a dispute between consumer and provider goes to the
	// bureau of the same level (SJZ-16, HLJ-25; SHR-9).
	WorkflowDispute WorkflowKind = "dispute"
	// WorkflowOpenAttribute: an entry's open attribute (open type and its
	// conditions) becomes effective only once approved by the source, the
	// 办公室 and the 数字中心's leader (ZJ-20). Optional: a profile without
	// it lets the catalog review alone make the attribute effective (the
	// open catalog follows the published version).
	WorkflowOpenAttribute WorkflowKind = "open_attribute"
)

// WorkflowKinds lists every workflow a profile must define, in order.
var WorkflowKinds = []WorkflowKind{
	WorkflowCatalogReview, WorkflowCatalogChange, WorkflowCatalogRevocation,
	WorkflowShareUnconditional, WorkflowShareConditional, WorkflowObjection,
	WorkflowDemand, WorkflowOpenConditional, WorkflowDestruction,
	WorkflowShareOutgoing, WorkflowDataMaintenance, WorkflowOpenWithdrawal, WorkflowDispute,
}

// OptionalWorkflowKinds lists the workflows a profile may define; without
// one the feature it times takes no approval of its own.
var OptionalWorkflowKinds = []WorkflowKind{WorkflowOpenAttribute}

// KnownWorkflowKind reports whether k is a required or optional workflow.
func KnownWorkflowKind(k WorkflowKind) bool {
	return slices.Contains(WorkflowKinds, k) || slices.Contains(OptionalWorkflowKinds, k)
}

// StepActor is who acts at a step: a role in one of the parties.
type StepActor struct {
	Role  Role  `json:"role"`
	Party Party `json:"party"`
}

// Extension lets the bureau grant one extension of a step's deadline, counted
// on from the due date (HLJ-15: 3 working days, +5 with the consent of the
// bureau of the same level, on the policy basis the department gives).
type Extension struct {
	WorkingDays int    `json:"working_days"`
	Cite        string `json:"cite"`
}

// Step is one step of a workflow.
type Step struct {
	Name  string    `json:"name"`
	Title Text      `json:"title"`
	Actor StepActor `json:"actor"`
	// WorkingDays is the deadline from the moment the step starts; nil when
	// the regulation sets none (the step then has no due date).
	WorkingDays *int `json:"working_days,omitempty"`
	// Within names an earlier step whose deadline this step shares: the
	// regulation gives one period for both (ZJ-14: the source decides
	// "within 3 working days, after reporting to its leader"). The step
	// then has no WorkingDays of its own.
	Within    string     `json:"within,omitempty"`
	Extension *Extension `json:"extension,omitempty"`
	Actions   []Action   `json:"actions"`
	Cite      string     `json:"cite"`
}

// Workflow is an ordered list of steps; a returned item goes to Return
// (e.g. the provider fixing a returned catalog entry) and then back.
type Workflow struct {
	Kind   WorkflowKind `json:"kind"`
	Title  Text         `json:"title"`
	Cite   string       `json:"cite"`
	Steps  []Step       `json:"steps"`
	Return *Step        `json:"return,omitempty"`
}

// Setting is one value of a profile with the article it comes from.
type Setting[T any] struct {
	Value T      `json:"value"`
	Cite  string `json:"cite"`
}

// Profile is a deployment's regulation profile.
type Profile struct {
	Name       string `json:"name"`
	Title      Text   `json:"title"`
	Regulation string `json:"regulation"` // the document it follows
	Labels     struct {
		Share map[string]string `json:"share"` // unconditional, conditional, not_shared
		Open  map[string]string `json:"open"`  // unconditional, conditional, not_open
	} `json:"labels"`
	// ConditionalWithoutConditions: a conditional entry that states no
	// conditions counts as unconditional (HLJ-21).
	ConditionalWithoutConditions Setting[bool] `json:"conditional_without_conditions_is_unconditional"`
	// IdleGrantMonths: a grant unused this long is flagged for
	// rectification (SHR-6, HLJ-27); 0 flags none.
	IdleGrantMonths Setting[int] `json:"idle_grant_months"`
	// GrantRectifyWorkingDays is the period a flagged grant has to be
	// used again or explained before it is suspended (HLJ-27: 限期整改).
	GrantRectifyWorkingDays Setting[int]    `json:"grant_rectify_working_days"`
	RevocationGraceMonths   Setting[int]    `json:"revocation_grace_months"`
	RetentionYears          Setting[int]    `json:"retention_years"`
	PartialBatch            Setting[string] `json:"partial_batch"` // refuse | apply_valid
	// ScenarioDirectGrant: an application that matches a registered
	// application scenario is granted without the approval chain (LS-19(三), SHR-2).
	ScenarioDirectGrant Setting[bool] `json:"scenario_direct_grant"`
	Workflows           []Workflow    `json:"workflows"`
}

// Workflow returns the profile's workflow of kind k.
func (p *Profile) Workflow(k WorkflowKind) (*Workflow, bool) {
	for i := range p.Workflows {
		if p.Workflows[i].Kind == k {
			return &p.Workflows[i], true
		}
	}
	return nil, false
}

// Partial-batch policies (AGG-2).
const (
	BatchRefuse     = "refuse"      // a batch with rejected rows is refused whole
	BatchApplyValid = "apply_valid" // the valid rows are applied, the rest reported
)
