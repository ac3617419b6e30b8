package govdata

import (
	"context"
	"errors"
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
	// ImportRegionsWith is ImportRegions with a chunk size and a progress
	// callback (the console's import shows how far a national list got).
	ImportRegionsWith(ctx context.Context, rows []RegionInput, o RegionImportOptions) (RegionImportResult, error)
}

// RegionImportChunk is how many rows of an import one write carries.
const RegionImportChunk = 1000

// RegionImportOptions tune ImportRegionsWith.
type RegionImportOptions struct {
	// ChunkSize is the number of rows per write; 0 means RegionImportChunk.
	ChunkSize int
	// Progress, when set, is called after each chunk has committed with the
	// rows done so far and the total.
	Progress func(done, total int)
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

	// What exactly is wrong with a region code (RegionLevelOf).
	MsgRegionCodeEmpty               = Msg{"行政区划代码为空", "the region code is empty"}
	MsgRegionCodeDigits              = Msg{"行政区划代码“%s”含有非数字字符“%s”；代码只能由数字 0–9 组成（全角数字、空格、字母都不行）", "region code %q contains %q; a region code has only the digits 0–9 (no full-width digits, spaces or letters)"}
	MsgRegionCodeLength              = Msg{"行政区划代码 %s 有 %d 位；应为 6 位（省、市、县）、9 位（乡镇）或 12 位（村）", "region code %s has %d digits; it needs 6 (province, city, county), 9 (township) or 12 (village)"}
	MsgRegionTownUnderProvince       = Msg{"乡级代码 %s 的前 6 位 %s 是省级代码；乡镇只设在县级或不设区的市之下", "township code %s: its first 6 digits %s are a province, and a township sits under a county or a city without counties"}
	MsgRegionVillageZero             = Msg{"村级代码 %s 的末 3 位是 000，但乡级 %s 不是占位码；000 只用于无乡镇的县（如金门县 350527000000）", "village code %s ends in 000 under the real township %s; 000 is only the placeholder of a county without townships (such as 金门县 350527000000)"}
	MsgRegionVillageUnderPlaceholder = Msg{"村级代码 %s 在占位乡级代码 %s 之下；无乡镇的县只有占位村级代码 %s000", "village code %s sits under the placeholder township %s, which has only the placeholder village %[2]s000"}
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

// RegionLevelOf validates a region code and returns its level. The codes
// are those of 统计用区划代码 (the National Bureau of Statistics' division
// codes for statistics), which extend GB/T 2260: 12 digits, 2 for the
// province, 2 the city, 2 the county, 3 the township, 3 the village, kept
// here without their trailing zeros — XX0000 a province, XXYY00 a city
// (prefecture), XXYYZZ a county, 9 digits a township, 12 a village.
//
// The published list carries a county without townships of its own at the
// lower levels too, with zeros: 金门县 350527 (administered from Taiwan) is
// also the township 350527000 and the village 350527000000, each named
// 金门县. Those placeholder rows are valid codes, so that the list imports
// as published; a village 000 under a real township, or a real village
// under a placeholder township, is not.
//
// Each refusal names what is wrong with the code, not only what a right
// one looks like.
func RegionLevelOf(code string) (RegionLevel, *Error) {
	if code == "" {
		return "", Errorf(EINVALID, MsgRegionCodeEmpty)
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return "", Errorf(EINVALID, MsgRegionCodeDigits, code, string(r))
		}
	}
	if len(code) != 6 && len(code) != 9 && len(code) != 12 {
		return "", Errorf(EINVALID, MsgRegionCodeLength, code, len(code))
	}
	if !provinceCodes[code[:2]] {
		return "", Errorf(EINVALID, MsgRegionProvince, code)
	}
	switch {
	case len(code) == 12:
		// A village extends a valid township code.
		town := code[:9]
		if _, err := RegionLevelOf(town); err != nil {
			return "", err
		}
		placeholderTown := town[6:] == "000"
		switch {
		case code[9:] == "000" && !placeholderTown:
			return "", Errorf(EINVALID, MsgRegionVillageZero, code, town)
		case code[9:] != "000" && placeholderTown:
			return "", Errorf(EINVALID, MsgRegionVillageUnderPlaceholder, code, town)
		}
		return RegionVillage, nil
	case len(code) == 9:
		// A township sits under a county, or directly under a city that has
		// no counties (东莞 441900, 中山 442000, 儋州 460400); never under a
		// province. 000 is the placeholder of a county without townships.
		if code[2:6] == "0000" {
			return "", Errorf(EINVALID, MsgRegionTownUnderProvince, code, code[:6])
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

// Messages of a region list's lines.
var (
	MsgRegionLineFields = Msg{"应为“代码,名称”或“代码,名称,上级代码”，这一行只有 %d 列", "want code,name or code,name,parent_code; this line has %d field(s)"}
	MsgRegionImportBusy = Msg{"另一个行政区划导入正在进行，请等它结束后再导入", "another region import is running; import again when it has ended"}
)

// RegionLineError is the refusal of one line of a region list: the message
// "第 N 行：…" names the line and what is wrong with it, and the details
// carry the line number ("row", as the store's import errors) and the line
// as the file holds it ("line"), for the console to show. err is the
// row's validation error: of its fields the code's message is the one
// shown, then the name's, then the parent's.
func RegionLineError(line int, text string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	msg := e.Message
	for _, f := range []string{"code", "name", "parent_code"} {
		if m, ok := e.Fields[f]; ok {
			msg = m
			break
		}
	}
	return &Error{Code: e.Code, Message: Message{Msg: MsgRegionImportRow, Args: []any{line, msg}},
		Details: map[string]any{"row": line, "line": text}}
}
