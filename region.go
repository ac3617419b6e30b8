package govdata

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
)

// RegionLevel is the level of an administrative division (GB/T 2260, and
// its extension to townships and villages).
type RegionLevel string

// Region levels, from the top.
const (
	RegionProvince RegionLevel = "province"
	RegionCity     RegionLevel = "city"
	RegionCounty   RegionLevel = "county"
	RegionTownship RegionLevel = "township"
	RegionVillage  RegionLevel = "village"
)

// Valid reports whether l is a known level.
func (l RegionLevel) Valid() bool {
	switch l {
	case RegionProvince, RegionCity, RegionCounty, RegionTownship, RegionVillage:
		return true
	}
	return false
}

// Region is an administrative division (ORG-1).
type Region struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	ParentCode string      `json:"parent_code,omitempty"`
	Level      RegionLevel `json:"level"`
	CreatedAt  time.Time   `json:"created_at"`
}

// RegionInput creates a region. ParentCode may be empty: it is then derived
// from the code (see RegionParentCandidates).
type RegionInput struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
}

// RegionFilter narrows a region list.
type RegionFilter struct {
	ParentCode string      // children of this region
	Roots      bool        // only regions without a parent: the top of the tree
	Level      RegionLevel // only this level
	Query      string      // name contains
	Page
}

// RegionImportResult counts what an import did.
type RegionImportResult struct {
	Created   int `json:"created"`
	Unchanged int `json:"unchanged"`
	Renamed   int `json:"renamed"`
}

// RegionService manages the region tree.
type RegionService interface {
	// CreateRegion returns EINVALID for a malformed code or a missing parent,
	// ECONFLICT when the code exists, EFORBIDDEN/EUNAUTHORIZED for the wrong actor.
	CreateRegion(ctx context.Context, in RegionInput) (*Region, error)
	// FindRegionByCode returns ENOTFOUND when there is none.
	FindRegionByCode(ctx context.Context, code string) (*Region, error)
	// FindRegions lists regions in code order; EINVALID for a bad cursor.
	FindRegions(ctx context.Context, f RegionFilter) (List[*Region], error)
	// ImportRegions creates missing regions and renames changed ones,
	// parents first (the sysadmin: EFORBIDDEN otherwise). Every row is
	// checked before anything is written: a bad code or a parent neither in
	// the rows nor in the store refuses the whole import (EINVALID names the
	// row); ECONFLICT when another process created a row meanwhile. Rows
	// are then written in chunks, each one transaction with its audit
	// record, so that a list of 600,000 villages does not hold the single
	// writer; if the database fails part-way, the chunks written stay and
	// running the import again completes it.
	ImportRegions(ctx context.Context, rows []RegionInput) (RegionImportResult, error)
}

// List is one page of a list and the cursor of the next (empty at the end).
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// Messages of regions.
var (
	MsgRegionCode          = Msg{"行政区划代码应为 6、9 或 12 位数字（GB/T 2260）", "a region code has 6, 9 or 12 digits (GB/T 2260)"}
	MsgRegionProvince      = Msg{"%s 不是有效的省级代码", "%s is not a valid province code"}
	MsgRegionParentBad     = Msg{"上级区划 %s 与代码 %s 不相符", "parent %s does not fit code %s"}
	MsgRegionParentMissing = Msg{"上级区划不存在：%s", "parent region does not exist: %s"}
	MsgRegionNotFound      = Msg{"行政区划不存在：%s", "region not found: %s"}
	MsgRegionExists        = Msg{"行政区划代码已存在：%s", "region code already exists: %s"}
	MsgRegionImportRow     = Msg{"第 %d 行：%s", "row %d: %s"}
)

// provinceCodes are the first two digits of GB/T 2260 province-level codes.
var provinceCodes = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// RegionLevelOf validates a GB/T 2260 code and returns its level: XX0000 a
// province, XXYY00 a city (prefecture), XXYYZZ a county; 9 digits a
// township and 12 a village, extending the county code (GB/T 10114 practice).
func RegionLevelOf(code string) (RegionLevel, *Error) {
	if !allDigits(code) || (len(code) != 6 && len(code) != 9 && len(code) != 12) {
		return "", Errorf(EINVALID, MsgRegionCode)
	}
	if !provinceCodes[code[:2]] {
		return "", Errorf(EINVALID, MsgRegionProvince, code)
	}
	switch {
	case len(code) == 12:
		// A village extends a valid township code.
		if _, err := RegionLevelOf(code[:9]); err != nil || code[9:] == "000" {
			return "", Errorf(EINVALID, MsgRegionCode)
		}
		return RegionVillage, nil
	case len(code) == 9:
		// A township sits under a county, or directly under a city that has
		// no counties (东莞 441900, 中山 442000, 儋州 460400); never under a province.
		if code[6:] == "000" || code[2:6] == "0000" {
			return "", Errorf(EINVALID, MsgRegionCode)
		}
		return RegionTownship, nil
	case code[2:] == "0000":
		return RegionProvince, nil
	case code[4:] == "00":
		return RegionCity, nil
	default:
		return RegionCounty, nil
	}
}

// RegionParentCandidates returns, nearest first, the codes that may be the
// parent of code. A county sits under its city, or directly under its
// province (municipalities' districts and 省直辖县级行政区划 such as 济源 419001).
func RegionParentCandidates(code string) []string {
	lvl, err := RegionLevelOf(code)
	if err != nil {
		return nil
	}
	switch lvl {
	case RegionCity:
		return []string{code[:2] + "0000"}
	case RegionCounty:
		return []string{code[:4] + "00", code[:2] + "0000"}
	case RegionTownship:
		return []string{code[:6]}
	case RegionVillage:
		return []string{code[:9]}
	}
	return nil
}

// RegionCovers reports whether region code a is b or an ancestor of b, by
// the codes alone (used to scope rows to a region later).
func RegionCovers(a, b string) bool {
	if a == b {
		return true
	}
	for _, p := range RegionParentCandidates(b) {
		if RegionCovers(a, p) {
			return true
		}
	}
	return false
}

// RegionAncestors lists code and every region above it, nearest first
// (a county, its city, its province).
func RegionAncestors(code string) []string {
	out := []string{code}
	for i := 0; i < len(out); i++ {
		for _, p := range RegionParentCandidates(out[i]) {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// RegionPrefix is the code prefix every region at or below code shares:
// "23" for a province, "2301" for a city, the whole code below that.
func RegionPrefix(code string) string {
	switch {
	case len(code) == 6 && strings.HasSuffix(code, "0000"):
		return code[:2]
	case len(code) == 6 && strings.HasSuffix(code, "00"):
		return code[:4]
	}
	return code
}

// ValidateRegionInput checks the shape of a region input; existence of the
// parent is for the store.
func ValidateRegionInput(in RegionInput) error {
	var fe FieldErrors
	if _, err := RegionLevelOf(in.Code); err != nil {
		fe.Add("code", err.Message.Msg, err.Message.Args...)
	}
	checkName(&fe, "name", in.Name, 100)
	if in.ParentCode != "" && fe.Err() == nil {
		ok := false
		for _, c := range RegionParentCandidates(in.Code) {
			ok = ok || c == in.ParentCode
		}
		if !ok {
			fe.Add("parent_code", MsgRegionParentBad, in.ParentCode, in.Code)
		}
	}
	return fe.Err()
}

// checkName requires a non-blank value of at most max characters.
func checkName(fe *FieldErrors, field, v string, max int) {
	switch n := len([]rune(v)); {
	case blank(v):
		fe.Add(field, MsgRequired)
	case n > max:
		fe.Add(field, MsgTooLong, max)
	}
}

// blank reports whether s holds nothing visible: spaces of any width,
// no-break and zero-width spaces and other format characters count as none.
func blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}
