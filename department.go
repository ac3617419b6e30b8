package govdata

import (
	"context"
	"time"
)

// DepartmentLevel is the administrative level of a department (ORG-1).
type DepartmentLevel string

// Department levels.
const (
	LevelProvince DepartmentLevel = "province"
	LevelCity     DepartmentLevel = "city"
	LevelCounty   DepartmentLevel = "county"
	LevelTownship DepartmentLevel = "township"
)

// Valid reports whether l is a known level.
func (l DepartmentLevel) Valid() bool {
	return l == LevelProvince || l == LevelCity || l == LevelCounty || l == LevelTownship
}

// Department is a government body that holds, provides or consumes data.
type Department struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	CreditCode string          `json:"credit_code"`
	RegionCode string          `json:"region_code"`
	Level      DepartmentLevel `json:"level"`
	ParentID   int64           `json:"parent_id,omitempty"`
	// Bureau marks the data bureau (政务数据主管部门) of its region: it
	// reviews the catalog and supervises deadlines there (CAT-3, CAT-4).
	// A region has at most one.
	Bureau    bool      `json:"bureau"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DepartmentInput creates a department.
type DepartmentInput struct {
	Name       string          `json:"name"`
	CreditCode string          `json:"credit_code"`
	RegionCode string          `json:"region_code"`
	Level      DepartmentLevel `json:"level"`
	ParentID   int64           `json:"parent_id,omitempty"`
	Bureau     bool            `json:"bureau,omitempty"`
}

// DepartmentPatch changes the fields that are set. ParentID 0 detaches the
// department from its parent.
type DepartmentPatch struct {
	Name       *string          `json:"name,omitempty"`
	CreditCode *string          `json:"credit_code,omitempty"`
	RegionCode *string          `json:"region_code,omitempty"`
	Level      *DepartmentLevel `json:"level,omitempty"`
	ParentID   *int64           `json:"parent_id,omitempty"`
	Bureau     *bool            `json:"bureau,omitempty"`
}

// DepartmentFilter narrows a department list.
type DepartmentFilter struct {
	RegionCode string // in this region (exactly)
	ParentID   int64
	Query      string // name contains
	Page
}

// DepartmentService manages departments.
type DepartmentService interface {
	// CreateDepartment returns EINVALID (bad credit code, unknown region or
	// parent), ECONFLICT (credit code in use), EFORBIDDEN.
	CreateDepartment(ctx context.Context, in DepartmentInput) (*Department, error)
	// UpdateDepartment returns ENOTFOUND, EINVALID (also for a parent cycle), ECONFLICT, EFORBIDDEN.
	UpdateDepartment(ctx context.Context, id int64, p DepartmentPatch) (*Department, error)
	// FindDepartmentByID returns ENOTFOUND when there is none.
	FindDepartmentByID(ctx context.Context, id int64) (*Department, error)
	// FindDepartments lists departments; EINVALID for a bad cursor.
	FindDepartments(ctx context.Context, f DepartmentFilter) (List[*Department], error)
}

// Messages of departments.
var (
	MsgCreditCodeFormat   = Msg{"统一社会信用代码应为 18 位，由数字和除 I、O、Z、S、V 外的大写字母组成", "a unified social credit code has 18 characters: digits and capital letters other than I, O, Z, S, V"}
	MsgCreditCodeCheck    = Msg{"统一社会信用代码校验位错误（GB 32100），应为 %s", "the check character of the credit code is wrong (GB 32100); it should be %s"}
	MsgCreditCodeExists   = Msg{"统一社会信用代码已被其他部门使用", "this credit code is already used by another department"}
	MsgBureauExists       = Msg{"该行政区划已有数据主管部门：%s", "this region already has a data bureau: %s"}
	MsgDepartmentLevel    = Msg{"层级应为 province、city、county 或 township", "level must be province, city, county or township"}
	MsgDepartmentNotFound = Msg{"部门不存在：%d", "department not found: %d"}
	MsgDepartmentParent   = Msg{"上级部门不存在：%d", "parent department not found: %d"}
	MsgDepartmentCycle    = Msg{"上级部门不能是本部门或其下级部门", "a department cannot be its own parent or a parent of its parent"}
	// A security notice to the secadmins (等保 三员分立): a reviewer
	// oversees the entries of the region its bureau department covers, so
	// the sysadmin's change of a department's region or bureau flag widens
	// or narrows a reach the secadmin granted. The department, its region
	// and flag before and after, by whom, when, from where.
	MsgDepartmentReachNotice = Msg{"安全事件：部门 %s 的行政区划或数据主管部门标志已由 %s 变为 %s（%s 于 %s 操作，来源地址 %s）；该部门审核员的审核范围随之改变，请复核其角色",
		"Security event: the region or bureau flag of department %s changed from %s to %s (by %s at %s, from address %s); the reach of its reviewers changes with it: review their roles"}
)

// creditCodeChars are the 31 characters of GB 32100, each worth its index.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are the weights of positions 1–17 (GB 32100 §5).
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeCheckChar computes the check character of the first 17
// characters of a unified social credit code (GB 32100): 31 − (Σ vᵢ·wᵢ mod 31),
// with 31 written as 0. It reports false if a character is not allowed.
func CreditCodeCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := indexByte(creditCodeChars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditCodeWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditCodeChars[c], true
}

func indexByte(s string, b byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}

// ValidateCreditCode checks a unified social credit code, check character
// included (GB 32100). It returns nil or an EINVALID *Error.
func ValidateCreditCode(code string) *Error {
	if len(code) != 18 {
		return Errorf(EINVALID, MsgCreditCodeFormat)
	}
	want, ok := CreditCodeCheckChar(code[:17])
	if !ok || indexByte(creditCodeChars, code[17]) < 0 {
		return Errorf(EINVALID, MsgCreditCodeFormat)
	}
	if code[17] != want {
		return Errorf(EINVALID, MsgCreditCodeCheck, string(want))
	}
	return nil
}

// ValidateDepartmentInput checks the shape of a department; the store checks
// that its region and parent exist.
func ValidateDepartmentInput(in DepartmentInput) error {
	var fe FieldErrors
	checkName(&fe, "name", in.Name, 200)
	if err := ValidateCreditCode(in.CreditCode); err != nil {
		fe.Add("credit_code", err.Message.Msg, err.Message.Args...)
	}
	if _, err := RegionLevelOf(in.RegionCode); err != nil {
		fe.Add("region_code", err.Message.Msg, err.Message.Args...)
	}
	if !in.Level.Valid() {
		fe.Add("level", MsgDepartmentLevel)
	}
	return fe.Err()
}

// Apply returns d with the patch applied, as an input to validate again.
func (p DepartmentPatch) Apply(d Department) DepartmentInput {
	in := DepartmentInput{Name: d.Name, CreditCode: d.CreditCode, RegionCode: d.RegionCode, Level: d.Level, ParentID: d.ParentID, Bureau: d.Bureau}
	if p.Bureau != nil {
		in.Bureau = *p.Bureau
	}
	if p.Name != nil {
		in.Name = *p.Name
	}
	if p.CreditCode != nil {
		in.CreditCode = *p.CreditCode
	}
	if p.RegionCode != nil {
		in.RegionCode = *p.RegionCode
	}
	if p.Level != nil {
		in.Level = *p.Level
	}
	if p.ParentID != nil {
		in.ParentID = *p.ParentID
	}
	return in
}
