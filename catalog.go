package govdata

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The data resource catalog (目录, CAT-1…7): what each department holds,
// described with the core metadata of the national guide
// (《政务信息资源目录编制指南（试行）》) and reviewed by the bureau before
// everyone can see it.

// ShareType is an entry's (or item's) share attribute (共享属性).
type ShareType string

// Share types; a profile gives each its label (ZJ-13: 受限共享 …).
const (
	ShareUnconditional ShareType = "unconditional"
	ShareConditional   ShareType = "conditional"
	ShareNone          ShareType = "not_shared"
)

// Valid reports whether t is a known share type.
func (t ShareType) Valid() bool {
	return t == ShareUnconditional || t == ShareConditional || t == ShareNone
}

// OpenType is an entry's open attribute (开放属性).
type OpenType string

// Open types.
const (
	OpenUnconditional OpenType = "unconditional"
	OpenConditional   OpenType = "conditional"
	OpenNone          OpenType = "not_open"
)

// Valid reports whether t is a known open type.
func (t OpenType) Valid() bool {
	return t == OpenUnconditional || t == OpenConditional || t == OpenNone
}

// UpdateCycle is how often an entry's data is refreshed (更新周期); AGG-4
// flags a dataset not refreshed within it.
type UpdateCycle string

// Update cycles.
const (
	CycleRealtime   UpdateCycle = "realtime"
	CycleDaily      UpdateCycle = "daily"
	CycleWeekly     UpdateCycle = "weekly"
	CycleMonthly    UpdateCycle = "monthly"
	CycleQuarterly  UpdateCycle = "quarterly"
	CycleHalfYearly UpdateCycle = "half_yearly"
	CycleYearly     UpdateCycle = "yearly"
	CycleOther      UpdateCycle = "other"
)

// UpdateCycles lists the cycles in order of frequency.
var UpdateCycles = []UpdateCycle{CycleRealtime, CycleDaily, CycleWeekly, CycleMonthly, CycleQuarterly, CycleHalfYearly, CycleYearly, CycleOther}

// Grade is an entry's data grade after GB/T 43697-2024 (核心/重要/一般).
type Grade string

// Grades.
const (
	GradeCore      Grade = "core"
	GradeImportant Grade = "important"
	GradeGeneral   Grade = "general"
)

// Valid reports whether g is a known grade.
func (g Grade) Valid() bool { return g == GradeCore || g == GradeImportant || g == GradeGeneral }

// ItemType is a data item's type, with the letters of the national guide.
type ItemType string

// Item types: 字符型 C, 数值型 N, 货币型 Y, 日期型 D, 日期时间型 T, 逻辑型 L,
// 备注型 M, 二进制 B.
const (
	ItemChar     ItemType = "C"
	ItemNumber   ItemType = "N"
	ItemMoney    ItemType = "Y"
	ItemDate     ItemType = "D"
	ItemDateTime ItemType = "T"
	ItemLogical  ItemType = "L"
	ItemMemo     ItemType = "M"
	ItemBinary   ItemType = "B"
)

// ItemTypes lists the item types.
var ItemTypes = []ItemType{ItemChar, ItemNumber, ItemMoney, ItemDate, ItemDateTime, ItemLogical, ItemMemo, ItemBinary}

// Valid reports whether t is a known item type.
func (t ItemType) Valid() bool { return slices.Contains(ItemTypes, t) }

// Numeric reports whether values of t are numbers (min and max apply).
func (t ItemType) Numeric() bool { return t == ItemNumber || t == ItemMoney }

// ValueFormat is a national format a value must have (AGG-2).
type ValueFormat string

// Value formats the aggregation issue checks.
const (
	FormatCitizenID  ValueFormat = "citizen_id"  // GB 11643, with its check digit
	FormatCreditCode ValueFormat = "credit_code" // GB 32100, with its check character
	FormatPhone      ValueFormat = "phone"       // mainland mobile or fixed line
	FormatDate       ValueFormat = "date"        // YYYY-MM-DD
	FormatEmail      ValueFormat = "email"
	FormatRegionCode ValueFormat = "region_code" // GB/T 2260
)

// ValueFormats lists the known formats.
var ValueFormats = []ValueFormat{FormatCitizenID, FormatCreditCode, FormatPhone, FormatDate, FormatEmail, FormatRegionCode}

// Rules are the quality rules of a data item. The catalog stores them and
// checks their shape; the aggregation issue enforces them on each row.
type Rules struct {
	Required bool        `json:"required,omitempty"`
	Pattern  string      `json:"pattern,omitempty"` // a regular expression (RE2) the whole value matches
	Enum     []string    `json:"enum,omitempty"`
	Min      *float64    `json:"min,omitempty"`
	Max      *float64    `json:"max,omitempty"`
	Format   ValueFormat `json:"format,omitempty"`
}

// Classification places an entry in the national guide's scheme:
// 类 (1 基础, 2 主题, 3 部门), 项 (2 digits), 目 (3 digits) and an optional
// 细目 (up to 6 digits). They form the front part of the resource code.
type Classification struct {
	Category    string `json:"category"`           // 类
	Subcategory string `json:"subcategory"`        // 项
	Group       string `json:"group"`              // 目
	Subgroup    string `json:"subgroup,omitempty"` // 细目
}

// Code is the front part of the resource code: the digits run together.
func (c Classification) Code() string { return c.Category + c.Subcategory + c.Group + c.Subgroup }

// Item is a data item (信息项) of an entry: one column of its dataset.
type Item struct {
	Name        string   `json:"name"`
	Type        ItemType `json:"type"`
	Length      int      `json:"length,omitempty"` // characters or digits; 0 when the type has none
	Description string   `json:"description,omitempty"`
	// Sensitivity 1–4: 3 and 4 are masked for consumers (SHR-5) and
	// encrypted at rest (SEC-2).
	Sensitivity int `json:"sensitivity"`
	// Personal marks personal information (个人信息).
	Personal bool `json:"personal,omitempty"`
	// ShareType narrows the entry's share type for this item.
	ShareType ShareType `json:"share_type,omitempty"`
	Key       bool      `json:"key,omitempty"`
	// Region marks the item that holds each row's GB/T 2260 region code,
	// which region-scoped grants filter on (at most one per entry).
	Region bool   `json:"region,omitempty"`
	Rules  *Rules `json:"rules,omitempty"`
	// Open is how the item is opened when its entry is (OPN-1).
	Open ItemOpen `json:"open,omitempty"`
}

// ItemOpen is how an item of an open entry is served to the public.
type ItemOpen string

// Item open modes: "" opened as stored; deidentified opened only through
// its mask (the masking policy's, MaskPolicy.MaskOf; null where that is
// none); excluded never opened.
const (
	ItemOpenAsStored     ItemOpen = ""
	ItemOpenDeidentified ItemOpen = "deidentified"
	ItemOpenExcluded     ItemOpen = "excluded"
)

// Valid reports whether o is a known item open mode.
func (o ItemOpen) Valid() bool {
	return o == ItemOpenAsStored || o == ItemOpenDeidentified || o == ItemOpenExcluded
}

// MustGuard reports whether the item may not be opened as stored: personal
// information is opened only de-identified (ZJ-21, HLJ-33(一)), and items
// at sensitivity 3–4 are never opened as they are.
func (it Item) MustGuard() bool { return it.Personal || it.Sensitivity >= 3 }

// OpenMode is how the item is opened: as its entry says, except that an
// item that must be guarded but was left as stored (an entry published
// before the rule) is served de-identified all the same.
func (it Item) OpenMode() ItemOpen {
	if it.Open == ItemOpenAsStored && it.MustGuard() {
		return ItemOpenDeidentified
	}
	return it.Open
}

// OpenedItems lists the names of the items the entry opens, in its order:
// all but the excluded ones (HLJ-33, ZJ-21).
func (in EntryInput) OpenedItems() []string {
	var out []string
	for _, it := range in.Items {
		if it.OpenMode() != ItemOpenExcluded {
			out = append(out, it.Name)
		}
	}
	return out
}

// EntryInput is what an officer writes of an entry.
type EntryInput struct {
	Name            string         `json:"name"`
	Summary         string         `json:"summary"`
	Classification  Classification `json:"classification"`
	Format          string         `json:"format"` // 信息资源格式: 数据库, 电子表格, 电子文件, 接口 …
	UpdateCycle     UpdateCycle    `json:"update_cycle"`
	ShareType       ShareType      `json:"share_type"`
	ShareConditions string         `json:"share_conditions,omitempty"`
	ShareBasis      string         `json:"share_basis,omitempty"` // the legal basis, required for not_shared
	ShareMethod     string         `json:"share_method,omitempty"`
	OpenType        OpenType       `json:"open_type"`
	OpenConditions  string         `json:"open_conditions,omitempty"`
	Grade           Grade          `json:"grade"`
	SourceSystem    string         `json:"source_system,omitempty"`
	RelatedCodes    []string       `json:"related_codes,omitempty"`
	Items           []Item         `json:"items"`
}

// EntryPatch replaces the fields that are set.
type EntryPatch struct {
	Name            *string         `json:"name,omitempty"`
	Summary         *string         `json:"summary,omitempty"`
	Classification  *Classification `json:"classification,omitempty"`
	Format          *string         `json:"format,omitempty"`
	UpdateCycle     *UpdateCycle    `json:"update_cycle,omitempty"`
	ShareType       *ShareType      `json:"share_type,omitempty"`
	ShareConditions *string         `json:"share_conditions,omitempty"`
	ShareBasis      *string         `json:"share_basis,omitempty"`
	ShareMethod     *string         `json:"share_method,omitempty"`
	OpenType        *OpenType       `json:"open_type,omitempty"`
	OpenConditions  *string         `json:"open_conditions,omitempty"`
	Grade           *Grade          `json:"grade,omitempty"`
	SourceSystem    *string         `json:"source_system,omitempty"`
	RelatedCodes    *[]string       `json:"related_codes,omitempty"`
	Items           *[]Item         `json:"items,omitempty"`
}

// Apply returns in with the patch's fields replaced.
func (p EntryPatch) Apply(in EntryInput) EntryInput {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Name, p.Name)
	set(&in.Summary, p.Summary)
	set(&in.Format, p.Format)
	set(&in.ShareConditions, p.ShareConditions)
	set(&in.ShareBasis, p.ShareBasis)
	set(&in.ShareMethod, p.ShareMethod)
	set(&in.OpenConditions, p.OpenConditions)
	set(&in.SourceSystem, p.SourceSystem)
	if p.Classification != nil {
		in.Classification = *p.Classification
	}
	if p.UpdateCycle != nil {
		in.UpdateCycle = *p.UpdateCycle
	}
	if p.ShareType != nil {
		in.ShareType = *p.ShareType
	}
	if p.OpenType != nil {
		in.OpenType = *p.OpenType
	}
	if p.Grade != nil {
		in.Grade = *p.Grade
	}
	if p.RelatedCodes != nil {
		in.RelatedCodes = *p.RelatedCodes
	}
	if p.Items != nil {
		in.Items = *p.Items
	}
	return in
}

// EntryStatus is where an entry's working version stands (CAT-3).
type EntryStatus string

// Entry statuses.
const (
	EntryDraft     EntryStatus = "draft"     // being written, never submitted
	EntryInReview  EntryStatus = "in_review" // submitted, the bureau reviews it
	EntryReturned  EntryStatus = "returned"  // sent back to be fixed by its fix deadline
	EntryPublished EntryStatus = "published" // visible to every signed-in user
	EntryRevoking  EntryStatus = "revoking"  // revoked while in use: still supplied until the grace period ends
	EntryRevoked   EntryStatus = "revoked"
)

// Entry is a catalog entry as its reader sees it: the working version's
// content with its status, and which version is published.
type Entry struct {
	EntryInput
	ID           int64  `json:"id"`
	ResourceCode string `json:"resource_code"`
	DepartmentID int64  `json:"department_id"`
	// DepartmentName is the provider's name, for lists and the open catalog.
	DepartmentName string `json:"department_name"`
	RegionCode     string `json:"region_code"`
	// Level is the department's level: an entry is reviewed at its level
	// and seen in the merged catalogs above (CAT-4).
	Level  DepartmentLevel `json:"level"`
	Status EntryStatus     `json:"status"`
	// Version is the version shown; PublishedVersion the one everyone
	// sees (0 before the first approval). While a change is reviewed the
	// published version stays visible (CAT-3).
	Version          int `json:"version"`
	PublishedVersion int `json:"published_version,omitempty"`
	// Workflow is the open review, change or revocation, with its due date.
	Workflow    *WorkflowInstance `json:"workflow,omitempty"`
	PublishedAt *time.Time        `json:"published_at,omitempty"`
	// GraceUntil: a revoked entry in use is still supplied until then (HLJ-16).
	GraceUntil *Date     `json:"grace_until,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// EntryVersion is one version of an entry and who approved it.
type EntryVersion struct {
	Version     int         `json:"version"`
	Status      EntryStatus `json:"status"` // draft, in_review, returned, published, superseded, withdrawn
	Entry       EntryInput  `json:"entry"`
	CreatedBy   string      `json:"created_by"`
	CreatedAt   time.Time   `json:"created_at"`
	SubmittedAt *time.Time  `json:"submitted_at,omitempty"`
	ApprovedBy  string      `json:"approved_by,omitempty"`
	ApprovedAt  *time.Time  `json:"approved_at,omitempty"`
	Comment     string      `json:"comment,omitempty"` // the reviewer's last comment
}

// Version statuses besides the entry statuses.
const (
	VersionSuperseded EntryStatus = "superseded" // an older published version
	VersionWithdrawn  EntryStatus = "withdrawn"  // a change given up before approval
)

// ValidateEntry checks an entry against the catalog's rules and the active
// profile. Field names are JSON paths (items[2].name) so that a form or an
// Excel import can point at the cell.
func ValidateEntry(in EntryInput, p *Profile) error {
	var fe FieldErrors
	checkName(&fe, "name", in.Name, 200)
	checkName(&fe, "summary", in.Summary, 2000)
	checkClassification(&fe, in.Classification)
	checkName(&fe, "format", in.Format, 100)
	if !slices.Contains(UpdateCycles, in.UpdateCycle) {
		fe.Add("update_cycle", MsgEnum, joinValues(UpdateCycles))
	}
	if !in.ShareType.Valid() {
		fe.Add("share_type", MsgEnum, "unconditional, conditional, not_shared")
	}
	if !in.OpenType.Valid() {
		fe.Add("open_type", MsgEnum, "unconditional, conditional, not_open")
	}
	if !in.Grade.Valid() {
		fe.Add("grade", MsgEnum, "core, important, general")
	}
	for field, v := range map[string]string{"share_conditions": in.ShareConditions, "share_basis": in.ShareBasis,
		"share_method": in.ShareMethod, "open_conditions": in.OpenConditions, "source_system": in.SourceSystem} {
		if len([]rune(v)) > 2000 {
			fe.Add(field, MsgTooLong, 2000)
		}
	}
	// CAT-2: a conditional entry states its conditions, unless the profile
	// counts one without conditions as unconditional (HLJ-21).
	if in.ShareType == ShareConditional && blank(in.ShareConditions) && (p == nil || !p.ConditionalWithoutConditions.Value) {
		fe.Add("share_conditions", MsgConditionsNeeded)
	}
	if in.ShareType == ShareNone && blank(in.ShareBasis) {
		fe.Add("share_basis", MsgShareBasisNeeded)
	}
	if in.OpenType == OpenConditional && blank(in.OpenConditions) {
		fe.Add("open_conditions", MsgConditionsNeeded)
	}
	// HLJ-33 last paragraph, CAT-2: data not opened states why (不予开放理由),
	// in open_conditions.
	if in.OpenType == OpenNone && blank(in.OpenConditions) {
		fe.Add("open_conditions", MsgNotOpenReason)
	}
	if len(in.RelatedCodes) > 50 {
		fe.Add("related_codes", MsgTooMany, 50)
	}
	for i, c := range in.RelatedCodes {
		if !ValidResourceCode(c) {
			fe.Add(fmt.Sprintf("related_codes[%d]", i), MsgResourceCodeFormat)
		}
	}
	checkItems(&fe, in)
	return fe.Err()
}

// Effective applies the profile's reading of an entry: a conditional entry
// without conditions counts as unconditional where the profile says so
// (HLJ-21).
func (in EntryInput) Effective(p *Profile) EntryInput {
	if in.ShareType == ShareConditional && blank(in.ShareConditions) && p != nil && p.ConditionalWithoutConditions.Value {
		in.ShareType = ShareUnconditional
	}
	return in
}

var digits = regexp.MustCompile(`^[0-9]+$`)

func checkClassification(fe *FieldErrors, c Classification) {
	if c.Category != "1" && c.Category != "2" && c.Category != "3" {
		fe.Add("classification.category", MsgClassCategory)
	}
	if len(c.Subcategory) != 2 || !digits.MatchString(c.Subcategory) {
		fe.Add("classification.subcategory", MsgDigits, 2)
	}
	if len(c.Group) != 3 || !digits.MatchString(c.Group) {
		fe.Add("classification.group", MsgDigits, 3)
	}
	if c.Subgroup != "" && (len(c.Subgroup) > 6 || !digits.MatchString(c.Subgroup)) {
		fe.Add("classification.subgroup", MsgSubgroup)
	}
}

// MaxItems bounds an entry's items (a wide table has a few hundred columns).
const MaxItems = 1000

func checkItems(fe *FieldErrors, in EntryInput) {
	if len(in.Items) == 0 {
		fe.Add("items", MsgItemsNeeded)
		return
	}
	if len(in.Items) > MaxItems {
		fe.Add("items", MsgTooMany, MaxItems)
		return
	}
	names := map[string]int{}
	regions := 0
	for i, it := range in.Items {
		at := func(f string) string { return fmt.Sprintf("items[%d].%s", i, f) }
		checkName(fe, at("name"), it.Name, 100)
		key := strings.ToLower(strings.TrimSpace(it.Name))
		if j, dup := names[key]; dup && key != "" {
			fe.Add(at("name"), MsgItemDuplicate, j+1)
		} else {
			names[key] = i
		}
		if !it.Type.Valid() {
			fe.Add(at("type"), MsgEnum, joinValues(ItemTypes))
		}
		if it.Length < 0 || it.Length > 1_000_000 {
			fe.Add(at("length"), MsgRange, 0, 1_000_000)
		}
		if len([]rune(it.Description)) > 1000 {
			fe.Add(at("description"), MsgTooLong, 1000)
		}
		if it.Sensitivity < 1 || it.Sensitivity > 4 {
			fe.Add(at("sensitivity"), MsgRange, 1, 4)
		}
		if it.ShareType != "" && !it.ShareType.Valid() {
			fe.Add(at("share_type"), MsgEnum, "unconditional, conditional, not_shared")
		}
		// An item cannot be shared more freely than its entry.
		if it.ShareType.Valid() && in.ShareType.Valid() && shareRank(it.ShareType) < shareRank(in.ShareType) {
			fe.Add(at("share_type"), MsgItemShareLooser)
		}
		if it.Region {
			regions++
			if regions > 1 {
				fe.Add(at("region"), MsgOneRegionItem)
			}
		}
		if !it.Open.Valid() {
			fe.Add(at("open"), MsgEnum, "deidentified, excluded")
		}
		if it.Rules != nil {
			checkRules(fe, fmt.Sprintf("items[%d].rules", i), it)
		}
	}
	checkItemsOpen(fe, in)
}

// checkItemsOpen is the rule of open items: in an entry that is opened
// (unconditionally or on conditions), a personal item or one at
// sensitivity 3–4 is de-identified or excluded (ZJ-21; HLJ-33(一):
// personal information is opened only de-identified).
func checkItemsOpen(fe *FieldErrors, in EntryInput) {
	if in.OpenType == OpenNone || !in.OpenType.Valid() {
		return
	}
	for i, it := range in.Items {
		if it.MustGuard() && it.Open == ItemOpenAsStored {
			fe.Add(fmt.Sprintf("items[%d].open", i), MsgPersonalOpen, it.Name)
		}
	}
}

// ValidateOpenItems checks only the rule of open items: the reviewer's
// approval runs it again, so that an entry filed before the rule gets a
// field error at review rather than a publication (ZJ-21).
func ValidateOpenItems(in EntryInput) error {
	var fe FieldErrors
	checkItemsOpen(&fe, in)
	if in.OpenType == OpenNone && blank(in.OpenConditions) {
		fe.Add("open_conditions", MsgNotOpenReason)
	}
	return fe.Err()
}

// shareRank orders share types from the most open.
func shareRank(t ShareType) int {
	return map[ShareType]int{ShareUnconditional: 0, ShareConditional: 1, ShareNone: 2}[t]
}

func checkRules(fe *FieldErrors, at string, it Item) {
	r := it.Rules
	if r.Pattern != "" {
		if len(r.Pattern) > 500 {
			fe.Add(at+".pattern", MsgTooLong, 500)
		} else if _, err := regexp.Compile(r.Pattern); err != nil {
			fe.Add(at+".pattern", MsgRulePattern, err.Error())
		}
	}
	if len(r.Enum) > 1000 {
		fe.Add(at+".enum", MsgTooMany, 1000)
	}
	seen := map[string]bool{}
	for _, v := range r.Enum {
		if seen[v] {
			fe.Add(at+".enum", MsgRuleEnumDuplicate, v)
			break
		}
		seen[v] = true
		if len([]rune(v)) > 200 {
			fe.Add(at+".enum", MsgTooLong, 200)
			break
		}
	}
	if !it.Type.Numeric() {
		if r.Min != nil {
			fe.Add(at+".min", MsgRuleRangeType)
		}
		if r.Max != nil {
			fe.Add(at+".max", MsgRuleRangeType)
		}
	}
	if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
		fe.Add(at+".max", MsgRuleMinMax)
	}
	if r.Format != "" && !slices.Contains(ValueFormats, r.Format) {
		fe.Add(at+".format", MsgEnum, joinValues(ValueFormats))
	}
}

func joinValues[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// ResourceCode is an entry's code in the national guide's layout: the
// classification (front part), a slash, the provider's credit code and a
// six-digit sequence of the provider (back part). A code is never reused.
func ResourceCode(c Classification, providerCode string, seq int64) string {
	return fmt.Sprintf("%s/%s%06d", c.Code(), providerCode, seq)
}

var resourceCode = regexp.MustCompile(`^[123][0-9]{5,11}/[0-9A-HJ-NP-RTUWXY]{18}[0-9]{6,}$`)

// ValidResourceCode reports whether s has the layout of a resource code.
func ValidResourceCode(s string) bool { return len(s) <= 64 && resourceCode.MatchString(s) }

// EntryFilter narrows a catalog search (CAT-5).
type EntryFilter struct {
	Query          string // words of name, summary and item names; any one character finds
	DepartmentID   int64
	RegionCode     string // in this region or below
	Classification string // a prefix of the front code: "3", "301", "301001"
	ShareType      ShareType
	OpenType       OpenType
	Grade          Grade
	Format         string
	UpdateCycle    UpdateCycle
	Status         EntryStatus // "" is published for most callers
	// Sort: "relevance" (with a query; the default then), "updated"
	// (newest first; the default without a query) or "name".
	Sort string
	// Facets asks for counts per value of each filter field.
	Facets bool
	Page
	// Offset skips entries instead of a cursor (the CKAN API pages with
	// start/rows); used only without a cursor.
	Offset int
}

// Facet fields of a catalog search.
const (
	FacetDepartment     = "department" // value: department id, label: its name
	FacetRegion         = "region"
	FacetClassification = "classification" // value: the category (类) digit
	FacetShareType      = "share_type"
	FacetOpenType       = "open_type"
	FacetGrade          = "grade"
	FacetFormat         = "format"
	FacetUpdateCycle    = "update_cycle"
)

// Sort orders of a catalog search.
const (
	SortRelevance = "relevance"
	SortUpdated   = "updated"
	SortName      = "name"
)

// OpenCatalog is the catalog the public sees (OPN-1, CAT-7): published
// entries whose open type is unconditional or conditional. It needs no
// signed-in user; the CKAN API and the DCAT feeds read it.
type OpenCatalog interface {
	// FindOpenEntries searches the open catalog (Query, DepartmentID,
	// Format, Sort, Facets, Limit and Offset or Cursor apply); EINVALID
	// for a bad cursor or a text search paged deeper than its limit.
	FindOpenEntries(ctx context.Context, f EntryFilter) (EntryList, error)
	// FindOpenEntry returns one open entry; ENOTFOUND for any other.
	FindOpenEntry(ctx context.Context, id int64) (*Entry, error)
	// OpenPublishers lists the departments with open entries, by name; it
	// refuses no one.
	OpenPublishers(ctx context.Context) ([]Publisher, error)
}

// Publisher is a department that publishes open entries.
type Publisher struct {
	Department
	OpenEntries int `json:"open_entries"`
}

// Facet counts entries per value of one field.
type Facet struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"`
	Count int    `json:"count"`
}

// EntryList is a page of a search with its facet counts.
type EntryList struct {
	Items      []*Entry `json:"items"`
	NextCursor string   `json:"next_cursor,omitempty"`
	// Total counts the matches; a search with a query counts up to 200
	// and sets TotalCapped when there are more.
	Total       int                `json:"total"`
	TotalCapped bool               `json:"total_capped,omitempty"`
	Facets      map[string][]Facet `json:"facets,omitempty"`
}

// ReviewDecision is the bureau's decision on a submitted entry.
type ReviewDecision struct {
	Decision Action `json:"decision"` // approve | return (| reject on a revocation)
	Comment  string `json:"comment,omitempty"`
}

// CatalogService keeps the catalog (CAT-1…5). Not visible: an entry never
// published, to anyone outside its department but the reviewers of a
// bureau at or above it, is answered ENOTFOUND (Hidden), as for no entry;
// a published entry is seen by everyone signed in (CAT-5).
type CatalogService interface {
	// CreateEntry makes a draft for the acting officer's department.
	// EFORBIDDEN unless an officer of a department; EINVALID naming the
	// field.
	CreateEntry(ctx context.Context, in EntryInput) (*Entry, error)
	// CreateEntries makes drafts of all or none (an Excel import, CAT-6):
	// the error names the failing entry by index (EntryRowError). Codes as
	// CreateEntry's.
	CreateEntries(ctx context.Context, in []EntryInput) ([]*Entry, error)
	// UpdateEntry changes a draft or returned version. Changing a
	// published entry opens a new version (catalog_change): the published
	// version stays visible until the new one is approved.
	// ENOTFOUND: no such entry or not visible; EFORBIDDEN: not an officer
	// of its department; EINVALID naming the field; ECONFLICT: in review,
	// a workflow open, revoking or revoked, or no data bureau at or above
	// its region.
	UpdateEntry(ctx context.Context, id int64, p EntryPatch) (*Entry, error)
	// Submit sends the working version to review. ENOTFOUND and EFORBIDDEN
	// as UpdateEntry's; ECONFLICT: not a draft or returned version, or no
	// data bureau at or above its region.
	Submit(ctx context.Context, id int64) (*Entry, error)
	// Review approves or returns a submitted version (reviewer of the
	// entry's bureau or above), or decides a revocation. EINVALID: an
	// unknown decision, or a return or refusal without a comment;
	// ENOTFOUND: no such entry or not visible; EFORBIDDEN: not a reviewer
	// of its bureau or one above; ECONFLICT: nothing under review, or the
	// step was decided meanwhile.
	Review(ctx context.Context, id int64, d ReviewDecision) (*Entry, error)
	// Revoke asks for a published entry's revocation, with a reason.
	// EINVALID without a reason; ENOTFOUND and EFORBIDDEN as UpdateEntry's;
	// ECONFLICT: not published, a workflow open, or no data bureau.
	Revoke(ctx context.Context, id int64, reason string) (*Entry, error)
	// Extend grants the change deadline's one extension (HLJ-15).
	// ENOTFOUND: no such entry or not visible; EFORBIDDEN: not a reviewer
	// of its bureau or one above; EINVALID: no reason, or the current step
	// has no extension; ECONFLICT: no open workflow, or the step already
	// extended or decided.
	Extend(ctx context.Context, id int64, reason string) (*Entry, error)
	// FindEntryByID returns the working version to those who see drafts,
	// else the published one; ENOTFOUND: no such entry or not visible.
	FindEntryByID(ctx context.Context, id int64) (*Entry, error)
	// FindVersions lists every version to those who see drafts, else the
	// published ones; ENOTFOUND: no such entry or not visible.
	FindVersions(ctx context.Context, id int64) ([]EntryVersion, error)
	// FindEntries searches the entries the caller sees; EINVALID for a bad
	// cursor or a text search paged deeper than its limit.
	FindEntries(ctx context.Context, f EntryFilter) (EntryList, error)
}

// Messages of the catalog.
var (
	MsgEnum               = Msg{"取值应为：%s", "must be one of: %s"}
	MsgRange              = Msg{"取值应在 %d 到 %d 之间", "must be between %d and %d"}
	MsgTooMany            = Msg{"最多 %d 个", "at most %d"}
	MsgDigits             = Msg{"应为 %d 位数字", "must be %d digits"}
	MsgClassCategory      = Msg{"“类”应为 1（基础）、2（主题）或 3（部门）", "the category (类) must be 1 (base), 2 (subject) or 3 (department)"}
	MsgSubgroup           = Msg{"“细目”应为 1 到 6 位数字", "the subgroup (细目) must be 1 to 6 digits"}
	MsgConditionsNeeded   = Msg{"有条件共享或开放须写明条件", "a conditional entry must state its conditions"}
	MsgShareBasisNeeded   = Msg{"不予共享须写明法律法规或政策依据", "an entry not shared must state its legal basis"}
	MsgResourceCodeFormat = Msg{"不是有效的信息资源代码", "not a resource code"}
	MsgItemsNeeded        = Msg{"至少需要一个信息项", "an entry needs at least one data item"}
	MsgItemDuplicate      = Msg{"信息项名称与第 %d 项重复", "the item name repeats item %d"}
	MsgItemShareLooser    = Msg{"信息项的共享类型不能比资源的共享类型更宽松", "an item cannot be shared more freely than its entry"}
	MsgOneRegionItem      = Msg{"只能有一个信息项标记为行政区划", "only one item can hold the region code"}
	MsgPersonalOpen       = Msg{"信息项“%s”为个人信息或敏感级别 3–4 级，开放时须脱敏或不予开放", "the item %q is personal or at sensitivity 3–4: when opened it must be de-identified or excluded"}
	MsgNotOpenReason      = Msg{"不予开放的资源须写明不予开放理由", "an entry that is not opened must state why (不予开放理由)"}
	MsgRulePattern        = Msg{"正则表达式无效：%s", "not a valid regular expression: %s"}
	MsgRuleEnumDuplicate  = Msg{"枚举值重复：%s", "the value repeats: %s"}
	MsgRuleRangeType      = Msg{"最小值、最大值只适用于数值型或货币型", "min and max apply to numeric and money items only"}
	MsgRuleMinMax         = Msg{"最大值不能小于最小值", "max cannot be less than min"}
	MsgEntryNotFound      = Msg{"目录不存在", "catalog entry not found"}
	MsgEntryState         = Msg{"目录当前状态（%s）不允许此操作", "the entry's status (%s) does not allow this"}
)

// EntryRowError says which entry of a batch (CreateEntries) failed: its
// index in Details, and its fields prefixed with entries[i].
func EntryRowError(i int, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	out.Details = map[string]any{"index": i}
	for k, v := range e.Details {
		out.Details[k] = v
	}
	if e.Fields != nil {
		out.Fields = map[string]Message{}
		for f, m := range e.Fields {
			out.Fields["entries["+strconv.Itoa(i)+"]."+f] = m
		}
	}
	return &out
}
