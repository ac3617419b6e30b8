package govdata

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// Application scenarios (LS-19(三), SHR-2): "建立以应用场景为基础的授权共享
// 机制。公共管理和服务机构的应用需求符合具体应用场景的，可以直接获得授权". A
// scenario is registered for one entry and one consumer department; an
// application that lies within it is granted at once, without the approval
// chain, where the profile says so (Profile.ScenarioDirectGrant).

// ScenarioInput registers a scenario.
type ScenarioInput struct {
	CatalogID int64  `json:"catalog_id"`
	Name      string `json:"name"`
	// ConsumerDepartment is the department whose applications it covers.
	ConsumerDepartment int64 `json:"consumer_department_id"`
	// Items the scenario covers: an application may ask for these or fewer.
	Items      []string      `json:"items"`
	Purpose    string        `json:"purpose"`
	LegalBasis string        `json:"legal_basis"` // the consumer's duty (履职依据)
	Methods    []ShareMethod `json:"methods"`
	// RegionScope bounds the rows (a code covers the regions below it);
	// empty: all rows.
	RegionScope []string `json:"region_scope,omitempty"`
	// MaxDays bounds an application's period: its valid_until is at most
	// this many days after the day it is filed.
	MaxDays int `json:"max_days"`
}

// ScenarioState is whether a scenario still grants.
type ScenarioState string

// Scenario states.
const (
	ScenarioActive  ScenarioState = "active"
	ScenarioRetired ScenarioState = "retired" // grants no more; grants made stay
)

// ApplicationScenario is a registered scenario.
type ApplicationScenario struct {
	ScenarioInput
	ID                 int64         `json:"id"`
	ResourceCode       string        `json:"resource_code"`
	ProviderDepartment int64         `json:"provider_department_id"`
	State              ScenarioState `json:"state"`
	RegisteredBy       string        `json:"registered_by"`
	RegisteredAt       time.Time     `json:"registered_at"`
	RetiredBy          string        `json:"retired_by,omitempty"`
	RetiredAt          *time.Time    `json:"retired_at,omitempty"`
	RetireReason       string        `json:"retire_reason,omitempty"`
}

// Limits of a scenario.
const maxScenarioName = 100

// Messages of scenarios.
var (
	MsgScenarioConsumer    = Msg{"需求部门不能是数据提供部门本身", "the consumer cannot be the entry's own department"}
	MsgScenarioMaxDays     = Msg{"最长期限应为 1 到 %d 天", "the maximum period must be 1 to %d days"}
	MsgMethodRepeated      = Msg{"共享方式重复：%s", "the method repeats: %s"}
	MsgScenarioNotFound    = Msg{"应用场景不存在", "application scenario not found"}
	MsgScenarioRetired     = Msg{"该应用场景已停用", "the application scenario is already retired"}
	MsgScenarioOff         = Msg{"当前法规规则集（%s）不实行按应用场景直接授权，不能登记应用场景", "the active profile (%s) grants nothing by application scenario; scenarios cannot be registered"}
	MsgScenarioRegistrar   = Msg{"应用场景只能由数据提供部门的分管领导或同级数据主管部门的审核员登记或停用", "only the provider's leader or a reviewer of the same-level bureau registers or retires a scenario"}
	MsgScenarioConsumerBad = Msg{"需求部门不存在", "the consumer department does not exist"}
)

// ValidateScenario checks a scenario against its entry (the published
// version), field by field: what it covers must be what the entry shares.
func ValidateScenario(in ScenarioInput, entry *Entry) error {
	if err := checkEntryShared(entry); err != nil {
		return err
	}
	var fe FieldErrors
	checkName(&fe, "name", in.Name, maxScenarioName)
	switch {
	case in.ConsumerDepartment <= 0:
		fe.Add("consumer_department_id", MsgRequired)
	case in.ConsumerDepartment == entry.DepartmentID:
		fe.Add("consumer_department_id", MsgScenarioConsumer)
	}
	checkWantedItems(&fe, in.Items, entry)
	for field, v := range map[string]string{"purpose": in.Purpose, "legal_basis": in.LegalBasis} {
		checkName(&fe, field, v, maxApplicationText)
	}
	if len(in.Methods) == 0 {
		fe.Add("methods", MsgRequired)
	}
	for i, m := range in.Methods {
		at := "methods[" + strconv.Itoa(i) + "]"
		switch {
		case !slices.Contains(ShareMethods, m):
			fe.Add(at, MsgEnum, joinValues(ShareMethods))
		case slices.Index(in.Methods, m) < i:
			fe.Add(at, MsgMethodRepeated, string(m))
		}
	}
	checkRegionScope(&fe, in.RegionScope)
	if in.MaxDays < 1 || in.MaxDays > MaxGrantDays {
		fe.Add("max_days", MsgScenarioMaxDays, MaxGrantDays)
	}
	return fe.Err()
}

// MatchScenario reports whether an application of department consumerDept
// filed on day today lies within scenario s (LS-19(三)): s is active, for
// that department and entry; the items asked are among s's; the method is
// one s allows; every region asked lies within s's scope; the period ends
// within s's maximum.
func MatchScenario(in ApplicationInput, consumerDept int64, s ApplicationScenario, today Date) bool {
	if s.State != ScenarioActive || s.ConsumerDepartment != consumerDept || s.CatalogID != in.CatalogID || len(in.Items) == 0 {
		return false
	}
	for _, item := range in.Items {
		if !slices.Contains(s.Items, item) {
			return false
		}
	}
	if !slices.Contains(s.Methods, in.Method) {
		return false
	}
	if !regionsWithin(in.RegionScope, s.RegionScope) {
		return false
	}
	return today.Before(in.ValidUntil) && !today.AddDays(s.MaxDays).Before(in.ValidUntil)
}

// regionsWithin: every region of asked lies at or below one of allowed.
// An empty scope means all rows: it lies within no narrower scope.
func regionsWithin(asked, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	if len(asked) == 0 {
		return false
	}
	for _, code := range asked {
		if !slices.ContainsFunc(allowed, func(a string) bool { return RegionCovers(a, code) }) {
			return false
		}
	}
	return true
}

// ScenarioFilter selects scenarios: of one entry, of one department (as
// provider or consumer). Reviewers see all; others those of their own
// department.
type ScenarioFilter struct {
	EntryID      int64
	DepartmentID int64
	Page
}

// ScenarioList is a page of scenarios, newest first.
type ScenarioList struct {
	Items      []*ApplicationScenario `json:"items"`
	NextCursor string                 `json:"next_cursor,omitempty"`
}

// ScenarioRetirement retires a scenario, with its reason.
type ScenarioRetirement struct {
	Reason string `json:"reason"`
}

// ValidateRetirement: a retirement says why.
func ValidateRetirement(r ScenarioRetirement) error {
	var fe FieldErrors
	checkName(&fe, "reason", r.Reason, maxApplicationText)
	return fe.Err()
}

// ScenarioService keeps registered application scenarios (LS-19(三)).
type ScenarioService interface {
	// Register records a scenario as the provider's leader or the
	// same-level bureau's reviewer (EFORBIDDEN otherwise; EINVALID naming
	// the field; ECONFLICT under a profile without ScenarioDirectGrant or
	// for an entry not open to applications; ENOTFOUND for no such entry
	// or one not visible).
	Register(ctx context.Context, in ScenarioInput) (*ApplicationScenario, error)
	// Retire stops a scenario from granting, with a reason, as those who
	// register (ENOTFOUND as FindScenarioByID's; EFORBIDDEN for anyone
	// else; EINVALID without a reason; ECONFLICT when already retired).
	Retire(ctx context.Context, id int64, r ScenarioRetirement) (*ApplicationScenario, error)
	// FindScenarioByID returns ENOTFOUND for no such scenario and for one
	// the caller may not see (the provider's and the consumer's people and
	// the reviewers see it).
	FindScenarioByID(ctx context.Context, id int64) (*ApplicationScenario, error)
	// FindScenarios lists the scenarios the caller sees, newest first;
	// EINVALID for a bad cursor.
	FindScenarios(ctx context.Context, f ScenarioFilter) (ScenarioList, error)
}
