package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
)

// govdata demo fills a fresh store with a small believable world (issue
// 14): a city and its districts, the city's departments, an account of
// every role, catalog entries in each state with rows on the published
// ones, and share applications, one granted with a credential. Everything
// goes through the services the HTTP API calls — the platform's part as
// the CLI actor, each workflow step as the demo account that is its actor,
// signed in through the auth service — so that the audit log holds the
// history a real deployment would.

const demoUsage = `Usage: govdata demo [flags]

Fills a fresh store (--data DIR, or --db URL; the same settings as serve)
with a demo world under the store's regulation profile: a city and its
districts, five departments, an account of every role sharing one password
that need not be changed, catalog entries in every state with generated
rows, and two share applications, one granted with a system credential.
It prints the accounts. A store that holds anything beyond a fresh install
(regions, departments, accounts other than the first sysadmin) is refused
and left as it is, so that demo data never mixes with real data.

The data is generated: names are made up, and every citizen ID number and
credit code has a wrong check character, so none is a real person's or
body's. Never use a demo store in production.

Then: govdata serve --data DIR (or make demo, which does both in ./data-demo).
`

// demoPassword is the one password of every demo account: it meets the
// default password policy and contains no demo username.
const demoPassword = "Govdata@Demo2026"

// demoRequestID marks the audit records of the demo's own requests, so that
// its history can be told from what people did afterwards.
const demoRequestID = "govdata-demo"

var (
	msgDemoNotFresh = govdata.Msg{
		ZH: "该存储已有数据（%s），演示数据只写入全新安装的存储，以免与真实数据混在一起；请用新的 --data 目录或新的数据库",
		EN: "the store already holds data (%s); the demo fills only a fresh install, so that it never mixes with real data: give a new --data folder or a new database"}
	msgDemoHolds = map[string]govdata.Msg{
		"regions":     {ZH: "行政区划", EN: "regions"},
		"departments": {ZH: "部门", EN: "departments"},
		"users":       {ZH: "系统管理员以外的账号", EN: "accounts besides the first sysadmin"},
	}
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newConfig("demo")
	c.setOutput(stderr)
	pw := demoPassword
	c.fs.StringVar(&pw, "password", demoPassword, "the password of every demo account (it need not be changed at sign-in)")
	if err := c.parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stderr, "\n"+demoUsage)
		}
		return err
	}
	if c.fs.NArg() != 0 {
		fmt.Fprint(stderr, demoUsage)
		return exitError(2)
	}
	// Look before touching anything: a store that is there is opened
	// without migrating it or creating keys, and refused unless fresh.
	if err := checkDemoFresh(ctx, c); err != nil {
		return err
	}
	db, err := openStore(ctx, c, sqlstore.Hooks{}, keyCreate)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := seedCalendar(ctx, db, c.logger()); err != nil {
		return err
	}
	profile, err := profiles.Load(db.Profile())
	if err != nil {
		return fmt.Errorf("regulation profile: %w", err)
	}
	w := newDemoWorld(ctx, db, profile, pw)
	// Another process may have written since the first look.
	if err := w.checkFresh(w.sys); err != nil {
		return err
	}
	start := time.Now()
	if err := w.build(); err != nil {
		fmt.Fprintln(stderr, "govdata demo stopped part-way: the store holds part of the demo; run it again on a new --data folder or database. / 演示数据只写入了一部分，请换用新的目录或数据库重新运行。")
		return fmt.Errorf("demo: %w", err)
	}
	w.print(stdout, c, time.Since(start))
	return nil
}

// checkDemoFresh refuses a store that holds more than a fresh install,
// changing nothing: no folder, file, key or migration is made. No store at
// all is fresh.
func checkDemoFresh(ctx context.Context, c *config) error {
	db, err := openExistingStore(ctx, c, keyNone)
	if errors.Is(err, sqlstore.ErrNotGovdata) {
		return nil
	}
	if err != nil {
		return err
	}
	defer db.Close()
	return (&demoWorld{users: sqlstore.NewUserService(db), regions: sqlstore.NewRegionService(db),
		departments: sqlstore.NewDepartmentService(db)}).checkFresh(govdata.WithActor(ctx, cliActor()))
}

// checkFresh returns ECONFLICT naming what the store holds beyond a fresh
// install: a region, a department, or an account besides the sysadmin the
// first start creates. Everything else people make — entries, data,
// applications, credentials — belongs to a department or an account.
func (w *demoWorld) checkFresh(ctx context.Context) error {
	var holds []string
	regions, err := w.regions.FindRegions(ctx, govdata.RegionFilter{Page: govdata.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(regions.Items) > 0 {
		holds = append(holds, "regions")
	}
	depts, err := w.departments.FindDepartments(ctx, govdata.DepartmentFilter{Page: govdata.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(depts.Items) > 0 {
		holds = append(holds, "departments")
	}
	users, err := w.users.FindUsers(ctx, govdata.UserFilter{Page: govdata.Page{Limit: 2}})
	if err != nil {
		return err
	}
	if n := len(users.Items); n > 1 || (n == 1 && !slices.Equal(users.Items[0].Roles, []govdata.Role{govdata.RoleSysadmin})) {
		holds = append(holds, "users")
	}
	if len(holds) == 0 {
		return nil
	}
	zh, en := make([]string, len(holds)), make([]string, len(holds))
	for i, h := range holds {
		zh[i], en[i] = msgDemoHolds[h].ZH, msgDemoHolds[h].EN
	}
	// A Message argument renders in the message's language.
	return govdata.Errorf(govdata.ECONFLICT, msgDemoNotFresh,
		govdata.Message{Msg: govdata.Msg{ZH: strings.Join(zh, "、"), EN: strings.Join(en, ", ")}})
}

// demoCity is where the demo world is: a city of GB/T 2260 and some of its
// districts, chosen by the profile so that the world sits where the
// regulation applies.
type demoCity struct {
	province, provinceName string
	code, name             string
	districts              []govdata.RegionInput
}

// demoCities are the cities of the shipped profiles; any other profile (a
// deployment's own file) gets the default's.
var demoCities = map[string]demoCity{
	"default": {"350000", "福建省", "350100", "福州市", []govdata.RegionInput{
		{Code: "350102", Name: "鼓楼区"}, {Code: "350103", Name: "台江区"}, {Code: "350104", Name: "仓山区"},
		{Code: "350105", Name: "马尾区"}, {Code: "350111", Name: "晋安区"}}},
	"heilongjiang-2025": {"230000", "黑龙江省", "230100", "哈尔滨市", []govdata.RegionInput{
		{Code: "230102", Name: "道里区"}, {Code: "230103", Name: "南岗区"}, {Code: "230104", Name: "道外区"},
		{Code: "230108", Name: "平房区"}, {Code: "230109", Name: "松北区"}, {Code: "230110", Name: "香坊区"}}},
	"zhejiang-finance-2024": {"330000", "浙江省", "330100", "杭州市", []govdata.RegionInput{
		{Code: "330102", Name: "上城区"}, {Code: "330105", Name: "拱墅区"}, {Code: "330106", Name: "西湖区"},
		{Code: "330108", Name: "滨江区"}, {Code: "330109", Name: "萧山区"}}},
	"lishui-2020": {"330000", "浙江省", "331100", "丽水市", []govdata.RegionInput{
		{Code: "331102", Name: "莲都区"}, {Code: "331121", Name: "青田县"}, {Code: "331122", Name: "缙云县"},
		{Code: "331123", Name: "遂昌县"}, {Code: "331181", Name: "龙泉市"}}},
	"shijiazhuang-2020": {"130000", "河北省", "130100", "石家庄市", []govdata.RegionInput{
		{Code: "130102", Name: "长安区"}, {Code: "130104", Name: "桥西区"}, {Code: "130105", Name: "新华区"},
		{Code: "130108", Name: "裕华区"}, {Code: "130110", Name: "鹿泉区"}}},
	"shaanxi-civil-affairs-2018": {"610000", "陕西省", "610100", "西安市", []govdata.RegionInput{
		{Code: "610102", Name: "新城区"}, {Code: "610103", Name: "碑林区"}, {Code: "610104", Name: "莲湖区"},
		{Code: "610112", Name: "未央区"}, {Code: "610113", Name: "雁塔区"}}},
}

// The demo's departments, by key: the city's data bureau, which reviews
// the catalog (CAT-3), and four departments that hold and share data.
const (
	deptBureau = "bureau"
	deptPolice = "police"
	deptMarket = "market"
	deptHRSS   = "hrss"
	deptHealth = "health"
)

var demoDepartments = []struct {
	key, suffix string
	bureau      bool
}{
	{deptBureau, "数据资源管理局", true},
	{deptPolice, "公安局", false},
	{deptMarket, "市场监督管理局", false},
	{deptHRSS, "人力资源和社会保障局", false},
	{deptHealth, "卫生健康委员会", false},
}

// demoAccount is an account of the demo: every role of PRODUCT.md §1 (the
// sysadmin is the first start's "admin"), an officer and a leader in each
// department that holds data.
type demoAccount struct {
	username, name string
	role           govdata.Role
	dept           string // "" for none
}

var demoAccounts = []demoAccount{
	{"security", "周敏", govdata.RoleSecadmin, deptBureau},
	{"auditor", "吴静", govdata.RoleAuditor, deptBureau},
	{"reviewer", "陈晓东", govdata.RoleReviewer, deptBureau},
	{"police.officer", "李建国", govdata.RoleOfficer, deptPolice},
	{"police.leader", "王振华", govdata.RoleLeader, deptPolice},
	{"police.supervisor", "刘芳", govdata.RoleSupervisor, deptPolice},
	{"market.officer", "赵丽娟", govdata.RoleOfficer, deptMarket},
	{"market.leader", "孙志强", govdata.RoleLeader, deptMarket},
	{"hrss.officer", "黄晓燕", govdata.RoleOfficer, deptHRSS},
	{"hrss.leader", "马国庆", govdata.RoleLeader, deptHRSS},
	{"health.officer", "林雪梅", govdata.RoleOfficer, deptHealth},
	{"health.leader", "郑海涛", govdata.RoleLeader, deptHealth},
}

// demoWorld builds the demo in one store and remembers what it made.
type demoWorld struct {
	db          *sqlstore.DB
	profile     *govdata.Profile
	password    string
	city        demoCity
	rng         *rand.Rand
	ctx         context.Context // the command's, without an actor
	sys         context.Context // the CLI actor
	regions     *sqlstore.RegionService
	departments *sqlstore.DepartmentService
	users       *sqlstore.UserService
	auth        *sqlstore.AuthService
	catalog     *sqlstore.CatalogService
	datasets    *sqlstore.DatasetService
	apps        *sqlstore.ApplicationService
	grants      *sqlstore.GrantService

	depts    map[string]*govdata.Department
	accounts []demoListed
	// sessions are the demo accounts signed in, by username, in the order
	// of signedIn.
	sessions     map[string]demoSession
	signedIn     []string
	people       []demoPerson
	firms        []demoFirm
	entries      []*govdata.Entry
	rows         int64
	applications []*govdata.Application
	cred         *govdata.GrantCredential
}

// demoListed is a line of the printed table of accounts.
type demoListed struct {
	username, name string
	role           govdata.Role
	dept           string
	password       string
}

func newDemoWorld(ctx context.Context, db *sqlstore.DB, profile *govdata.Profile, password string) *demoWorld {
	city, ok := demoCities[profile.Name]
	if !ok {
		city = demoCities["default"]
	}
	base := sqlstore.NewBase(db, profile, govdata.ChinaTime)
	workflows := sqlstore.NewWorkflowService(base)
	return &demoWorld{
		db: db, profile: profile, password: password, city: city,
		// A fixed seed: every demo world of a profile has the same people and rows.
		rng:         rand.New(rand.NewPCG(2026, 14)),
		ctx:         ctx,
		sys:         govdata.WithActor(ctx, cliActor()),
		regions:     sqlstore.NewRegionService(db),
		departments: sqlstore.NewDepartmentService(db),
		users:       sqlstore.NewUserService(db),
		auth:        sqlstore.NewAuthService(db),
		catalog:     sqlstore.NewCatalogService(base, workflows),
		datasets:    sqlstore.NewDatasetService(base),
		apps:        sqlstore.NewApplicationService(base, workflows),
		grants:      sqlstore.NewGrantService(base, sqlstore.NewCredentialService(db)),
		depts:       map[string]*govdata.Department{},
		sessions:    map[string]demoSession{},
	}
}

// build makes the world, in the order a bureau would: the region tree, the
// departments, the accounts; then each department catalogs and loads its
// data, and two departments ask for another's.
func (w *demoWorld) build() (err error) {
	// Every demo session ends, each person signing out, also when a step
	// failed: no token outlives the command.
	defer func() {
		for _, username := range w.signedIn {
			s := w.sessions[username]
			if lerr := w.auth.Logout(s.ctx, s.token); lerr != nil && err == nil {
				err = fmt.Errorf("sign out %s: %w", username, lerr)
			}
		}
	}()
	for _, step := range []func() error{w.buildRegions, w.buildDepartments, w.buildAccounts, w.buildCatalog, w.buildSharing} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (w *demoWorld) buildRegions() error {
	rows := []govdata.RegionInput{{Code: w.city.province, Name: w.city.provinceName}, {Code: w.city.code, Name: w.city.name}}
	rows = append(rows, w.city.districts...)
	_, err := w.regions.ImportRegions(w.sys, rows)
	return err
}

func (w *demoWorld) buildDepartments() error {
	for i, d := range demoDepartments {
		dept, err := w.departments.CreateDepartment(w.sys, govdata.DepartmentInput{
			Name: w.city.name + d.suffix, CreditCode: organCreditCode(w.city.code, i), RegionCode: w.city.code,
			Level: govdata.LevelCity, Bureau: d.bureau})
		if err != nil {
			return fmt.Errorf("department %s: %w", d.suffix, err)
		}
		w.depts[d.key] = dept
	}
	return nil
}

// organCreditCode is a believable unified social credit code of a
// government organ (GB 32100): registration authority 1 (机构编制) and
// type 1 (机关), the region, an organization code with its GB 11714 check
// character, and the GB 32100 check character, which departments must
// have right (ORG-1).
func organCreditCode(region string, i int) string {
	org := fmt.Sprintf("%08d", 31415926+i*271828)
	org += string(orgCodeCheck(org))
	first := "11" + region + org
	check, _ := govdata.CreditCodeCheckChar(first)
	return first + string(check)
}

// orgCodeCheck is the check character of an organization code's eight
// digits (GB 11714): 11 − (Σ cᵢ·wᵢ mod 11), with 10 written X and 11 as 0.
func orgCodeCheck(digits string) byte {
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// buildAccounts creates the demo's accounts as the platform, which grants
// business roles at once (as govdata user create does) and may set a
// password the holder need not change: the demo's accounts are to be used
// straight away. The sysadmin of the first start is kept as it is; when
// there is none yet, "admin" is made with the demo password too (or the one
// GOVDATA_ADMIN_PASSWORD chooses, as the first start would).
func (w *demoWorld) buildAccounts() error {
	found, err := w.users.FindUsers(w.sys, govdata.UserFilter{Page: govdata.Page{Limit: 1}})
	if err != nil {
		return err
	}
	admin := demoListed{username: "admin", name: "系统管理员", role: govdata.RoleSysadmin}
	if len(found.Items) > 0 { // the first start's sysadmin (checkFresh let no other account by)
		u := found.Items[0]
		admin.username, admin.name, admin.password = u.Username, u.Name, "（首次启动时设置 / as set at first start）"
	} else {
		pw, chosen := os.Getenv("GOVDATA_ADMIN_PASSWORD"), true
		if pw == "" {
			pw, chosen = w.password, false
		}
		if _, err := w.users.CreateUserWithPassword(w.sys, govdata.UserInput{Username: "admin", Password: pw, Name: admin.name,
			Roles: []govdata.Role{govdata.RoleSysadmin}}, false); err != nil {
			return fmt.Errorf("account admin: %w", err)
		}
		admin.password = w.password
		if chosen {
			admin.password = "（GOVDATA_ADMIN_PASSWORD 所设 / as GOVDATA_ADMIN_PASSWORD sets it）"
		}
	}
	w.accounts = append(w.accounts, admin)
	for _, a := range demoAccounts {
		in := govdata.UserInput{Username: a.username, Password: w.password, Name: a.name, Roles: []govdata.Role{a.role}}
		if a.dept != "" {
			in.DepartmentID = w.depts[a.dept].ID
		}
		if _, err := w.users.CreateUserWithPassword(w.sys, in, false); err != nil {
			return fmt.Errorf("account %s: %w", a.username, err)
		}
		w.accounts = append(w.accounts, demoListed{username: a.username, name: a.name, role: a.role, dept: w.deptName(a.dept), password: w.password})
	}
	return nil
}

func (w *demoWorld) deptName(key string) string {
	if d := w.depts[key]; d != nil {
		return d.Name
	}
	return ""
}

// as is the context of a demo account acting: signed in through the auth
// service and authenticated as the HTTP API authenticates a request, so
// that its actions are checked and recorded as that person's.
func (w *demoWorld) as(username string) (context.Context, error) {
	if s, ok := w.sessions[username]; ok {
		return s.ctx, nil
	}
	base := govdata.Actor{ClientAddr: "local", RequestID: demoRequestID}
	sess, err := w.auth.Login(govdata.WithActor(w.ctx, base), username, w.password)
	if err != nil {
		return nil, fmt.Errorf("sign in as %s: %w", username, err)
	}
	a, err := w.auth.Authenticate(w.ctx, sess.Token)
	if err != nil {
		return nil, fmt.Errorf("authenticate %s: %w", username, err)
	}
	a.ClientAddr, a.RequestID = base.ClientAddr, base.RequestID
	ctx := govdata.WithActor(w.ctx, a)
	w.sessions[username] = demoSession{ctx: ctx, token: sess.Token}
	w.signedIn = append(w.signedIn, username)
	return ctx, nil
}

// demoSession is a demo account signed in: the context of its requests
// and its session's token.
type demoSession struct {
	ctx   context.Context
	token string
}

// accountFor is the demo account that holds role in a department.
func (w *demoWorld) accountFor(role govdata.Role, dept int64) (string, bool) {
	for _, a := range demoAccounts {
		if a.role == role && a.dept != "" && w.depts[a.dept].ID == dept {
			return a.username, true
		}
	}
	return "", false
}

// demoEntry is a catalog entry of the demo and how far it goes: a draft,
// submitted, returned with the reviewer's comment, or published with rows
// (and, for one, returned once and fixed before it was published).
type demoEntry struct {
	dept  string
	state govdata.EntryStatus
	in    govdata.EntryInput
	// returned is the reviewer's comment on a return; fix, when set, is
	// the officer's change after it, resubmitted and then approved.
	returned string
	fix      *govdata.EntryPatch
	file     string
	rows     func() [][]string // in the order of in.Items
}

// Patterns of the demo's identifiers. The values are synthetic and carry a
// wrong check character on purpose (no real person's or body's number), so
// their items check the shape only, not GB 11643 or GB 32100.
const (
	citizenIDPattern  = `[0-9]{17}[0-9X]`
	creditCodePattern = `[0-9A-HJ-NP-RTUWXY]{18}`
	demoIDNote        = "演示数据：号码为生成值，校验位故意错误，不对应真实人员"
	demoCodeNote      = "演示数据：代码为生成值，校验位故意错误，不对应真实主体"
)

func (w *demoWorld) entrySpecs() []demoEntry {
	city := w.city.name
	region := govdata.Item{Name: "行政区划代码", Type: govdata.ItemChar, Length: 6, Sensitivity: 1, Region: true,
		Description: "所在区县的 GB/T 2260 代码", Rules: &govdata.Rules{Required: true, Format: govdata.FormatRegionCode}}
	citizenID := govdata.Item{Name: "公民身份号码", Type: govdata.ItemChar, Length: 18, Sensitivity: 4, Personal: true, Key: true,
		Description: demoIDNote, Rules: &govdata.Rules{Required: true, Pattern: citizenIDPattern}}
	name := govdata.Item{Name: "姓名", Type: govdata.ItemChar, Length: 50, Sensitivity: 3, Personal: true, Rules: &govdata.Rules{Required: true}}
	return []demoEntry{{
		dept: deptPolice, state: govdata.EntryPublished, file: "常住人口基本信息.csv", rows: w.populationRows,
		in: govdata.EntryInput{
			Name:           "常住人口基本信息",
			Summary:        city + "常住人口的身份、出生、民族、户籍地址和登记信息，是人口基础信息库的来源数据，供各部门履职时核验自然人身份。",
			Classification: govdata.Classification{Category: "1", Subcategory: "01", Group: "001"},
			Format:         "数据库", UpdateCycle: govdata.CycleDaily,
			ShareType: govdata.ShareConditional, ShareConditions: "仅限履行法定职责需要核验自然人身份的部门，按最小必要原则申请信息项",
			ShareMethod: "接口", OpenType: govdata.OpenNone, OpenConditions: "涉及个人信息，依法不予开放", Grade: govdata.GradeImportant, SourceSystem: "人口信息管理系统",
			Items: []govdata.Item{citizenID, name,
				{Name: "性别", Type: govdata.ItemChar, Length: 1, Sensitivity: 1, Personal: true, Rules: &govdata.Rules{Enum: []string{"男", "女"}}},
				{Name: "出生日期", Type: govdata.ItemDate, Sensitivity: 2, Personal: true},
				{Name: "民族", Type: govdata.ItemChar, Length: 20, Sensitivity: 2, Personal: true},
				// The address is not shared even under conditions: who needs
				// it asks the police directly (an item narrower than its entry).
				{Name: "户籍地址", Type: govdata.ItemChar, Length: 200, Sensitivity: 3, Personal: true, ShareType: govdata.ShareNone},
				region,
				{Name: "登记日期", Type: govdata.ItemDate, Sensitivity: 1}},
		},
	}, {
		dept: deptMarket, state: govdata.EntryPublished, file: "市场主体登记信息.csv", rows: w.firmRows,
		in: govdata.EntryInput{
			Name:           "市场主体登记信息",
			Summary:        city + "登记的企业等市场主体的名称、类型、法定代表人、注册资本、成立日期、登记状态和住所，依法向社会公示。",
			Classification: govdata.Classification{Category: "1", Subcategory: "02", Group: "001"},
			Format:         "数据库", UpdateCycle: govdata.CycleDaily,
			ShareType: govdata.ShareUnconditional, ShareMethod: "接口", OpenType: govdata.OpenUnconditional,
			Grade: govdata.GradeGeneral, SourceSystem: "市场主体登记管理系统",
			Items: []govdata.Item{
				{Name: "统一社会信用代码", Type: govdata.ItemChar, Length: 18, Sensitivity: 1, Key: true, Description: demoCodeNote,
					Rules: &govdata.Rules{Required: true, Pattern: creditCodePattern}},
				{Name: "企业名称", Type: govdata.ItemChar, Length: 200, Sensitivity: 1, Rules: &govdata.Rules{Required: true}},
				{Name: "市场主体类型", Type: govdata.ItemChar, Length: 20, Sensitivity: 1, Rules: &govdata.Rules{Enum: firmKinds}},
				// HLJ-33(一): a person's name is opened only de-identified.
				{Name: "法定代表人", Type: govdata.ItemChar, Length: 50, Sensitivity: 2, Personal: true, Open: govdata.ItemOpenDeidentified},
				{Name: "注册资本（万元）", Type: govdata.ItemMoney, Length: 14, Sensitivity: 1, Rules: &govdata.Rules{Min: ptrTo(0.0)}},
				{Name: "成立日期", Type: govdata.ItemDate, Sensitivity: 1},
				{Name: "登记状态", Type: govdata.ItemChar, Length: 10, Sensitivity: 1, Rules: &govdata.Rules{Enum: []string{"存续", "迁出", "注销", "吊销"}}},
				{Name: "住所", Type: govdata.ItemChar, Length: 200, Sensitivity: 1},
				region},
		},
	}, {
		dept: deptHRSS, state: govdata.EntryPublished, file: "社会保险参保登记信息.csv", rows: w.insuranceRows,
		returned: "共享条件“用于履行法定职责”过于笼统：请写明可以申请的法定职责和使用范围。",
		fix:      &govdata.EntryPatch{ShareConditions: ptrTo("用于社会保险待遇核定、就业补贴审核、医务人员执业登记核验等法定职责，按最小必要原则申请")},
		in: govdata.EntryInput{
			Name:           "社会保险参保登记信息",
			Summary:        city + "职工基本养老保险和失业保险的参保人员、参保单位、参保状态、缴费基数和参保日期。",
			Classification: govdata.Classification{Category: "3", Subcategory: "03", Group: "001"},
			Format:         "数据库", UpdateCycle: govdata.CycleMonthly,
			ShareType: govdata.ShareConditional, ShareConditions: "用于履行法定职责",
			ShareMethod: "接口", OpenType: govdata.OpenNone, OpenConditions: "涉及个人参保缴费信息，依法不予开放", Grade: govdata.GradeImportant, SourceSystem: "社会保险经办信息系统",
			Items: []govdata.Item{citizenID, name,
				{Name: "险种", Type: govdata.ItemChar, Length: 20, Sensitivity: 1, Key: true,
					Rules: &govdata.Rules{Required: true, Enum: []string{"企业职工基本养老保险", "失业保险"}}},
				{Name: "参保单位", Type: govdata.ItemChar, Length: 200, Sensitivity: 2},
				{Name: "参保状态", Type: govdata.ItemChar, Length: 10, Sensitivity: 1, Rules: &govdata.Rules{Enum: []string{"正常参保", "暂停缴费", "终止参保"}}},
				{Name: "月缴费基数", Type: govdata.ItemMoney, Length: 12, Sensitivity: 3, Personal: true, Rules: &govdata.Rules{Min: ptrTo(0.0)}},
				{Name: "参保日期", Type: govdata.ItemDate, Sensitivity: 1},
				region},
		},
	}, {
		dept: deptHealth, state: govdata.EntryPublished, file: "医疗机构执业登记信息.csv", rows: w.clinicRows,
		in: govdata.EntryInput{
			Name:           "医疗机构执业登记信息",
			Summary:        city + "医疗机构的名称、类别、经济类型、核定床位、执业地址和执业许可证的发证日期、有效期。",
			Classification: govdata.Classification{Category: "3", Subcategory: "04", Group: "001"},
			Format:         "电子表格", UpdateCycle: govdata.CycleMonthly,
			ShareType: govdata.ShareUnconditional, ShareMethod: "接口、文件", OpenType: govdata.OpenUnconditional,
			Grade: govdata.GradeGeneral, SourceSystem: "医疗机构电子化注册系统",
			Items: []govdata.Item{
				{Name: "机构登记号", Type: govdata.ItemChar, Length: 14, Sensitivity: 1, Key: true, Rules: &govdata.Rules{Required: true, Pattern: `YL[0-9]{10}`}},
				{Name: "机构名称", Type: govdata.ItemChar, Length: 200, Sensitivity: 1, Rules: &govdata.Rules{Required: true}},
				{Name: "机构类别", Type: govdata.ItemChar, Length: 20, Sensitivity: 1, Rules: &govdata.Rules{Enum: clinicKinds}},
				{Name: "经济类型", Type: govdata.ItemChar, Length: 10, Sensitivity: 1, Rules: &govdata.Rules{Enum: []string{"公立", "民营"}}},
				{Name: "核定床位数", Type: govdata.ItemNumber, Length: 5, Sensitivity: 1, Rules: &govdata.Rules{Min: ptrTo(0.0)}},
				{Name: "执业地址", Type: govdata.ItemChar, Length: 200, Sensitivity: 1},
				{Name: "发证日期", Type: govdata.ItemDate, Sensitivity: 1},
				{Name: "有效期至", Type: govdata.ItemDate, Sensitivity: 1},
				region},
		},
	}, {
		dept: deptPolice, state: govdata.EntryPublished, file: "出入境证件签发信息.csv", rows: w.travelRows,
		in: govdata.EntryInput{
			Name:           "出入境证件签发信息",
			Summary:        "向" + city + "居民签发的普通护照和往来港澳台通行证的签发记录。",
			Classification: govdata.Classification{Category: "3", Subcategory: "01", Group: "002"},
			Format:         "数据库", UpdateCycle: govdata.CycleDaily,
			ShareType:      govdata.ShareNone,
			ShareBasis:     "《中华人民共和国个人信息保护法》第三十四条：国家机关为履行法定职责处理个人信息，应当依照法律、行政法规规定的权限、程序进行，不得超出履行法定职责所必需的范围和限度。",
			OpenType:       govdata.OpenNone,
			OpenConditions: "涉及个人出入境信息，依法不予开放",
			Grade:          govdata.GradeCore,
			SourceSystem:   "出入境管理信息系统",
			Items: []govdata.Item{citizenID, name,
				{Name: "证件类型", Type: govdata.ItemChar, Length: 20, Sensitivity: 2, Key: true,
					Rules: &govdata.Rules{Required: true, Enum: []string{"普通护照", "往来港澳通行证", "往来台湾通行证"}}},
				{Name: "签发日期", Type: govdata.ItemDate, Sensitivity: 2},
				{Name: "签发机关", Type: govdata.ItemChar, Length: 100, Sensitivity: 1},
				region},
		},
	}, {
		dept: deptHRSS, state: govdata.EntryInReview,
		in: govdata.EntryInput{
			Name:           "就业困难人员认定信息",
			Summary:        "经认定的就业困难人员的身份、认定类别、认定日期和援助措施，用于就业援助和补贴发放。",
			Classification: govdata.Classification{Category: "3", Subcategory: "03", Group: "002"},
			Format:         "数据库", UpdateCycle: govdata.CycleMonthly,
			ShareType: govdata.ShareConditional, ShareConditions: "用于就业援助、社会救助等法定职责，按最小必要原则申请",
			ShareMethod: "接口", OpenType: govdata.OpenNone, OpenConditions: "涉及个人信息，依法不予开放", Grade: govdata.GradeImportant, SourceSystem: "公共就业服务信息系统",
			Items: []govdata.Item{citizenID, name,
				{Name: "认定类别", Type: govdata.ItemChar, Length: 30, Sensitivity: 3, Personal: true,
					Rules: &govdata.Rules{Enum: []string{"大龄失业人员", "残疾人", "零就业家庭成员", "长期失业人员", "低保家庭成员"}}},
				{Name: "认定日期", Type: govdata.ItemDate, Sensitivity: 1},
				{Name: "援助措施", Type: govdata.ItemMemo, Length: 500, Sensitivity: 2},
				region},
		},
	}, {
		dept: deptMarket, state: govdata.EntryReturned,
		returned: "“许可证编号”应标为主键并给出编号规则；经营场所含门牌号，请说明是否涉及个人信息；更新周期请与许可系统保持一致（每日）。",
		in: govdata.EntryInput{
			Name:           "食品经营许可信息",
			Summary:        "食品经营者的许可证编号、经营者名称、经营场所、经营项目和有效期。",
			Classification: govdata.Classification{Category: "3", Subcategory: "02", Group: "002"},
			Format:         "数据库", UpdateCycle: govdata.CycleMonthly,
			ShareType: govdata.ShareUnconditional, ShareMethod: "接口", OpenType: govdata.OpenUnconditional,
			Grade: govdata.GradeGeneral, SourceSystem: "食品经营许可管理系统",
			Items: []govdata.Item{
				{Name: "许可证编号", Type: govdata.ItemChar, Length: 14, Sensitivity: 1},
				{Name: "经营者名称", Type: govdata.ItemChar, Length: 200, Sensitivity: 1},
				{Name: "经营场所", Type: govdata.ItemChar, Length: 200, Sensitivity: 1},
				{Name: "经营项目", Type: govdata.ItemMemo, Length: 500, Sensitivity: 1},
				{Name: "有效期至", Type: govdata.ItemDate, Sensitivity: 1},
				region},
		},
	}, {
		dept: deptHealth, state: govdata.EntryDraft,
		in: govdata.EntryInput{
			Name:           "适龄儿童预防接种信息",
			Summary:        "适龄儿童的免疫规划疫苗接种记录，用于入托入学查验接种证。（草稿）",
			Classification: govdata.Classification{Category: "3", Subcategory: "04", Group: "002"},
			Format:         "数据库", UpdateCycle: govdata.CycleDaily,
			ShareType: govdata.ShareConditional, ShareConditions: "仅限教育部门入托入学查验接种证",
			ShareMethod: "接口", OpenType: govdata.OpenNone, OpenConditions: "涉及儿童健康信息，依法不予开放", Grade: govdata.GradeImportant, SourceSystem: "免疫规划信息系统",
			Items: []govdata.Item{citizenID, name,
				{Name: "疫苗名称", Type: govdata.ItemChar, Length: 50, Sensitivity: 3, Personal: true},
				{Name: "接种剂次", Type: govdata.ItemNumber, Length: 2, Sensitivity: 3, Personal: true},
				{Name: "接种日期", Type: govdata.ItemDate, Sensitivity: 3, Personal: true},
				{Name: "接种单位", Type: govdata.ItemChar, Length: 200, Sensitivity: 1},
				region},
		},
	}}
}

func ptrTo[T any](v T) *T { return &v }

// buildCatalog has each department's officer write its entries and take
// them as far as the demo wants them, the bureau's reviewer deciding, and
// load the rows of the published ones.
func (w *demoWorld) buildCatalog() error {
	w.people, w.firms = w.makePeople(300), w.makeFirms(240)
	for _, spec := range w.entrySpecs() {
		e, err := w.catalogEntry(spec)
		if err != nil {
			return fmt.Errorf("entry %s: %w", spec.in.Name, err)
		}
		w.entries = append(w.entries, e)
	}
	return nil
}

func (w *demoWorld) catalogEntry(spec demoEntry) (*govdata.Entry, error) {
	officer, ok := w.accountFor(govdata.RoleOfficer, w.depts[spec.dept].ID)
	if !ok {
		return nil, fmt.Errorf("no officer in %s", spec.dept)
	}
	as, err := w.as(officer)
	if err != nil {
		return nil, err
	}
	reviewer, err := w.as("reviewer")
	if err != nil {
		return nil, err
	}
	e, err := w.catalog.CreateEntry(as, spec.in)
	if err != nil || spec.state == govdata.EntryDraft {
		return e, err
	}
	if e, err = w.catalog.Submit(as, e.ID); err != nil || spec.state == govdata.EntryInReview {
		return e, err
	}
	if spec.returned != "" {
		e, err = w.catalog.Review(reviewer, e.ID, govdata.ReviewDecision{Decision: govdata.ActionReturn, Comment: spec.returned})
		if err != nil || spec.state == govdata.EntryReturned {
			return e, err
		}
		if _, err := w.catalog.UpdateEntry(as, e.ID, *spec.fix); err != nil {
			return nil, err
		}
		if _, err := w.catalog.Submit(as, e.ID); err != nil {
			return nil, err
		}
	}
	if e, err = w.catalog.Review(reviewer, e.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove, Comment: "符合编目要求，同意发布。"}); err != nil {
		return nil, err
	}
	body, n, err := demoCSV(spec.in.Items, spec.rows())
	if err != nil {
		return nil, err
	}
	b, err := w.datasets.Ingest(as, govdata.IngestRequest{EntryID: e.ID, Mode: govdata.IngestReplace, Source: govdata.SourceUpload,
		Format: govdata.FormatCSV, FileName: spec.file, Body: bytes.NewReader(body)})
	if err != nil {
		return nil, err
	}
	if b.State != govdata.BatchApplied || b.Report.RowsApplied != int64(n) {
		return nil, fmt.Errorf("batch %d of %s is %s with %d of %d rows applied: %+v", b.ID, spec.file, b.State, b.Report.RowsApplied, n, b.Report.Violations)
	}
	w.rows += b.Report.RowsApplied
	return e, nil
}

// demoCSV writes rows as the CSV file an officer would upload: a header of
// the item names, then the rows.
func demoCSV(items []govdata.Item, rows [][]string) ([]byte, int, error) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	header := make([]string, len(items))
	for i, it := range items {
		header[i] = it.Name
	}
	if err := cw.Write(header); err != nil {
		return nil, 0, err
	}
	for _, r := range rows {
		if len(r) != len(items) {
			return nil, 0, fmt.Errorf("a row of %d values for %d items", len(r), len(items))
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), len(rows), nil
}

// The demo's generated people and bodies. Names are drawn from common
// surnames and given-name characters; identifiers have the right shape, the
// district of the person's row and a wrong check character.
var (
	demoSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤")
	demoMale     = []rune("伟强磊军勇杰涛斌浩鹏宇明辉刚建志国平文华俊峰凯晨博航毅坤鑫洋")
	demoFemale   = []rune("芳娜敏静丽艳娟霞燕玲婷雪慧颖琳洁萍红梅晶欣怡佳悦瑶琪蕾倩")
	demoNations  = []string{"满族", "回族", "蒙古族", "壮族", "土家族", "朝鲜族", "苗族"}
	demoRoads    = []string{"人民路", "解放路", "建设路", "和平路", "新华路", "文化路", "学府路", "滨江路", "朝阳路", "友谊路", "光明路", "长青路", "工业路", "春晖路"}
	demoTrade    = []rune("恒信瑞丰华泰鑫源达通盛隆鼎宏安永嘉博远创辰昊润景合启航益众诚")
	demoTrades   = []string{"商贸", "科技", "信息技术", "建筑工程", "物流", "餐饮管理", "医药", "电子", "文化传媒", "农业开发", "机械设备", "食品", "环保科技", "物业服务", "教育咨询"}
	firmKinds    = []string{"有限责任公司", "股份有限公司", "个人独资企业", "合伙企业"}
	clinicKinds  = []string{"综合医院", "中医医院", "专科医院", "社区卫生服务中心", "门诊部", "诊所"}
	demoCare     = []rune("仁康博济同安德惠慈益佑泰和华民瑞")
	demoCare2    = []rune("和宁爱民仁康济华泰安生德")
	demoSpecial  = []string{"眼科医院", "口腔医院", "妇产医院", "骨科医院", "康复医院"}
)

// demoPerson is a generated resident.
type demoPerson struct {
	id, name, sex, nation, address string
	born, registered               time.Time
	district                       govdata.RegionInput
}

// demoFirm is a generated market entity.
type demoFirm struct {
	code, name, kind, rep, capital, status, address string
	founded                                         time.Time
	district                                        govdata.RegionInput
}

func (w *demoWorld) pick(n int) int { return w.rng.IntN(n) }

// day is a random day from..to (inclusive), as UTC midnight.
func (w *demoWorld) day(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, w.pick(days+1))
}

func ymd(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func date(t time.Time) string { return t.Format(time.DateOnly) }

func (w *demoWorld) personName(male bool) string {
	// The commonest surnames come up most, as they do.
	s := demoSurnames[w.pick(len(demoSurnames))]
	if w.pick(10) < 6 {
		s = demoSurnames[w.pick(20)]
	}
	given := demoFemale
	if male {
		given = demoMale
	}
	name := string(s) + string(given[w.pick(len(given))])
	if w.pick(10) < 7 {
		name += string(given[w.pick(len(given))])
	}
	return name
}

func (w *demoWorld) address(d govdata.RegionInput) string {
	return fmt.Sprintf("%s%s%s%d号", w.city.name, d.Name, demoRoads[w.pick(len(demoRoads))], 1+w.pick(300))
}

// makePeople generates n residents with distinct citizen ID numbers.
func (w *demoWorld) makePeople(n int) []demoPerson {
	seen := map[string]bool{}
	var out []demoPerson
	for len(out) < n {
		male := w.pick(2) == 0
		p := demoPerson{district: w.city.districts[w.pick(len(w.city.districts))], born: w.day(ymd(1946, 1, 1), ymd(2012, 12, 31)),
			name: w.personName(male), sex: "女", nation: "汉族"}
		if male {
			p.sex = "男"
		}
		if w.pick(100) < 6 {
			p.nation = demoNations[w.pick(len(demoNations))]
		}
		p.id = wrongCitizenID(p.district.Code, p.born, w.pick(100), male)
		if seen[p.id] {
			continue
		}
		seen[p.id] = true
		p.address = w.address(p.district) + fmt.Sprintf("%d栋%d室", 1+w.pick(20), 100*(1+w.pick(18))+1+w.pick(4))
		p.registered = w.day(p.born, ymd(2025, 12, 31))
		out = append(out, p)
	}
	return out
}

// wrongCitizenID is an 18-digit number in the layout of GB 11643 — the
// district, the birth date, a sequence whose last digit is odd for a man —
// with a check digit that is not the right one, so that it can never be a
// real person's number and a checksum test tells it apart at once.
func wrongCitizenID(district string, born time.Time, seq int, male bool) string {
	order := seq%50*2 + 1 // odd: a man
	if !male {
		order--
	}
	body := district + born.Format("20060102") + fmt.Sprintf("%03d", order%1000)
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, wt := range weights {
		sum += int(body[i]-'0') * wt
	}
	return body + string("10X98765432"[(sum+1)%11]) // the right one is [sum%11]
}

// makeFirms generates n market entities with distinct names and codes.
func (w *demoWorld) makeFirms(n int) []demoFirm {
	names, codes := map[string]bool{}, map[string]bool{}
	var out []demoFirm
	for len(out) < n {
		f := demoFirm{district: w.city.districts[w.pick(len(w.city.districts))], kind: firmKinds[min(w.pick(10), 3)],
			founded: w.day(ymd(1998, 1, 1), ymd(2025, 10, 31)), rep: w.personName(w.pick(3) > 0), status: "存续"}
		if f.kind == "有限责任公司" && w.pick(3) == 0 {
			f.kind = "股份有限公司"
		}
		brand := string([]rune{demoTrade[w.pick(len(demoTrade))], demoTrade[w.pick(len(demoTrade))]})
		f.name = strings.TrimSuffix(w.city.name, "市") + brand + demoTrades[w.pick(len(demoTrades))]
		switch f.kind {
		case "有限责任公司":
			f.name += "有限公司"
		case "股份有限公司":
			f.name += "股份有限公司"
		case "个人独资企业":
			f.name += "经营部"
		case "合伙企业":
			f.name += "中心（有限合伙）"
		}
		f.code = wrongCreditCode(f.district.Code, w.pick(100_000_000))
		if names[f.name] || codes[f.code] {
			continue
		}
		names[f.name], codes[f.code] = true, true
		switch r := w.pick(100); {
		case r < 4:
			f.status = "吊销"
		case r < 12:
			f.status = "注销"
		case r < 15:
			f.status = "迁出"
		}
		capital := []int{10, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000}[w.pick(10)]
		if f.kind == "股份有限公司" {
			capital *= 10
		}
		f.capital = strconv.Itoa(capital)
		f.address = w.address(f.district)
		out = append(out, f)
	}
	return out
}

// wrongCreditCode is a unified social credit code of a company (GB 32100:
// 9 registration authority, 1 enterprise, the district, an organization code
// with its GB 11714 check) whose own check character is wrong on purpose.
func wrongCreditCode(district string, n int) string {
	org := fmt.Sprintf("MA%06d", n%1_000_000)
	// Letters count from 10 in GB 11714 (A=10 … Z=35).
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, wt := range weights {
		c := org[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * wt
	}
	check := "0123456789X0"[11-sum%11]
	first := "91" + district + org + string(check)
	right, _ := govdata.CreditCodeCheckChar(first)
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	return first + string(alphabet[(strings.IndexByte(alphabet, right)+1)%len(alphabet)])
}

func (w *demoWorld) populationRows() [][]string {
	out := make([][]string, len(w.people))
	for i, p := range w.people {
		out[i] = []string{p.id, p.name, p.sex, date(p.born), p.nation, p.address, p.district.Code, date(p.registered)}
	}
	return out
}

func (w *demoWorld) firmRows() [][]string {
	out := make([][]string, len(w.firms))
	for i, f := range w.firms {
		out[i] = []string{f.code, f.name, f.kind, f.rep, f.capital, date(f.founded), f.status, f.address, f.district.Code}
	}
	return out
}

// insuranceRows: the working-age residents, each insured for pension and
// unemployment with an employer among the firms in business.
func (w *demoWorld) insuranceRows() [][]string {
	var employers []string
	for _, f := range w.firms {
		if f.status == "存续" {
			employers = append(employers, f.name)
		}
	}
	var out [][]string
	for _, p := range w.people {
		if p.born.Year() < 1966 || p.born.Year() > 2003 {
			continue
		}
		until := p.born.AddDate(35, 0, 0)
		if last := ymd(2025, 6, 30); until.After(last) {
			until = last
		}
		since := w.day(p.born.AddDate(18, 0, 0), until)
		employer := employers[w.pick(len(employers))]
		status := "正常参保"
		switch r := w.pick(100); {
		case r < 8:
			status = "暂停缴费"
		case r < 12:
			status = "终止参保"
		}
		base := strconv.Itoa(4000+w.pick(200)*100) + ".00"
		for _, kind := range []string{"企业职工基本养老保险", "失业保险"} {
			out = append(out, []string{p.id, p.name, kind, employer, status, base, date(since), p.district.Code})
		}
	}
	return out
}

func (w *demoWorld) clinicRows() [][]string {
	names := map[string]bool{}
	var out [][]string
	for seq := 1; len(out) < 80; seq++ {
		d := w.city.districts[w.pick(len(w.city.districts))]
		kind := clinicKinds[[]int{0, 1, 2, 3, 3, 4, 4, 5, 5, 5}[w.pick(10)]]
		brand := string([]rune{demoCare[w.pick(len(demoCare))], demoCare2[w.pick(len(demoCare2))]})
		owner, beds := "民营", 0
		var name string
		switch kind {
		case "综合医院":
			name, owner, beds = brand+"医院", "公立", 200+w.pick(9)*100
		case "中医医院":
			name, owner, beds = brand+"中医医院", "公立", 100+w.pick(6)*50
		case "专科医院":
			name, beds = brand+demoSpecial[w.pick(len(demoSpecial))], 30+w.pick(10)*10
		case "社区卫生服务中心":
			road := demoRoads[w.pick(len(demoRoads))]
			name, owner, beds = d.Name+strings.TrimSuffix(road, "路")+"社区卫生服务中心", "公立", w.pick(5)*10
		case "门诊部":
			name = brand + "门诊部"
		default:
			name = brand + "诊所"
		}
		if names[name] {
			continue
		}
		names[name] = true
		issued := w.day(ymd(2012, 1, 1), ymd(2025, 9, 30))
		out = append(out, []string{fmt.Sprintf("YL%s%04d", d.Code, seq), name, kind, owner, strconv.Itoa(beds), w.address(d),
			date(issued), date(issued.AddDate(5, 0, -1)), d.Code})
	}
	return out
}

// travelRows: documents issued to some of the residents.
func (w *demoWorld) travelRows() [][]string {
	var out [][]string
	for i, p := range w.people {
		if i%5 > 1 || p.born.Year() > 2008 {
			continue
		}
		kind := []string{"普通护照", "普通护照", "普通护照", "往来港澳通行证", "往来港澳通行证", "往来台湾通行证"}[w.pick(6)]
		out = append(out, []string{p.id, p.name, kind, date(w.day(ymd(2016, 1, 1), ymd(2025, 11, 30))),
			w.city.name + "公安局出入境管理支队", p.district.Code})
	}
	return out
}

// buildSharing files two applications for conditionally shared entries:
// the social security bureau's for the population entry goes the whole way
// of the profile's chain to a grant, and its officer issues the bureau's
// system a credential; the health commission's for the insurance entry
// stops before its last step, in that step's actor's inbox.
func (w *demoWorld) buildSharing() error {
	today := govdata.DateOf(time.Now().In(govdata.ChinaTime))
	population, insurance := w.entries[0], w.entries[2]
	granted, err := w.apply("hrss.officer", govdata.ApplicationInput{CatalogID: population.ID,
		Items:       []string{"公民身份号码", "姓名", "出生日期", "行政区划代码"},
		Scenario:    "社会保险参保登记身份核验",
		Purpose:     "办理参保登记时核验参保人的身份信息和户籍所在区县",
		LegalBasis:  "《中华人民共和国社会保险法》第八条",
		RegionScope: []string{w.city.districts[0].Code, w.city.districts[1].Code},
		Method:      govdata.MethodAPI, ValidUntil: today.AddDays(365)}, false)
	if err != nil {
		return err
	}
	if granted.State != govdata.ApplicationApproved || granted.GrantID == 0 {
		return fmt.Errorf("application %d ended %s without a grant", granted.ID, granted.State)
	}
	hrss, err := w.as("hrss.officer")
	if err != nil {
		return err
	}
	if w.cred, err = w.grants.BindCredential(hrss, granted.GrantID, govdata.GrantCredentialInput{Name: "社会保险经办系统"}); err != nil {
		return fmt.Errorf("credential of grant %d: %w", granted.GrantID, err)
	}
	open, err := w.apply("health.officer", govdata.ApplicationInput{CatalogID: insurance.ID,
		Items:      []string{"公民身份号码", "姓名", "参保单位", "参保状态"},
		Scenario:   "医疗机构校验时核查医务人员执业所在单位",
		Purpose:    "医疗机构年度校验中核对在岗医务人员的参保单位与参保状态",
		LegalBasis: "《医疗机构管理条例》关于医疗机构校验的规定",
		Method:     govdata.MethodFile, ValidUntil: today.AddDays(180)}, true)
	if err != nil {
		return err
	}
	if open.State != govdata.ApplicationOpen {
		return fmt.Errorf("application %d is %s, not in progress", open.ID, open.State)
	}
	return nil
}

// apply files an application as officer and takes it through the
// profile's chain, each step by the demo account that is its actor, going
// on at every step (forward, approve, sign); with keepLast, the last step
// is left open.
func (w *demoWorld) apply(officer string, in govdata.ApplicationInput, keepLast bool) (*govdata.Application, error) {
	as, err := w.as(officer)
	if err != nil {
		return nil, err
	}
	app, err := w.apps.Apply(as, in)
	if err != nil {
		return nil, fmt.Errorf("application of %s: %w", officer, err)
	}
	for app.State == govdata.ApplicationOpen && app.Workflow != nil {
		flow, ok := w.profile.Workflow(app.Workflow.Kind)
		if !ok {
			return nil, fmt.Errorf("profile %s has no workflow %s", w.profile.Name, app.Workflow.Kind)
		}
		at := slices.IndexFunc(flow.Steps, func(s govdata.Step) bool { return s.Name == app.Workflow.Step })
		if at < 0 || (keepLast && at == len(flow.Steps)-1) {
			break
		}
		step := flow.Steps[at]
		actor, ok := w.accountFor(step.Actor.Role, app.Workflow.Parties[step.Actor.Party])
		if !ok {
			return nil, fmt.Errorf("no demo account is the %s of the %s at step %s", step.Actor.Role, step.Actor.Party, step.Name)
		}
		i := slices.IndexFunc(step.Actions, func(a govdata.Action) bool {
			return a == govdata.ActionForward || a == govdata.ActionApprove || a == govdata.ActionSign
		})
		if i < 0 {
			return nil, fmt.Errorf("step %s takes no action that goes on: %v", step.Name, step.Actions)
		}
		ctx, err := w.as(actor)
		if err != nil {
			return nil, err
		}
		id := app.ID
		if app, err = w.apps.Decide(ctx, id, govdata.ApplicationDecision{Decision: step.Actions[i], Reason: demoReasons[step.Actions[i]]}); err != nil {
			return nil, fmt.Errorf("application %d, step %s by %s: %w", id, step.Name, actor, err)
		}
	}
	w.applications = append(w.applications, app)
	return app, nil
}

// demoReasons are what the demo's actors write when they go on.
var demoReasons = map[govdata.Action]string{
	govdata.ActionForward: "申请材料齐全，转数据提供部门办理。",
	govdata.ActionApprove: "履职依据充分，所申请信息项符合最小必要原则，同意。",
	govdata.ActionSign:    "同意。",
}

// roleNames are the roles as the console names them (PRODUCT.md §1).
var roleNames = map[govdata.Role]string{
	govdata.RoleSysadmin: "系统管理员", govdata.RoleSecadmin: "安全管理员", govdata.RoleAuditor: "安全审计员",
	govdata.RoleReviewer: "主管部门审核员", govdata.RoleOfficer: "数据专员", govdata.RoleLeader: "分管领导",
	govdata.RoleSupervisor: "销毁监督员",
}

// print tells the newcomer what was made, how to sign in, and where the
// work waits.
func (w *demoWorld) print(out io.Writer, c *config, took time.Duration) {
	where := "--data " + c.data
	if c.db != "" {
		where = "--db " + redactURL(c.db) + " --data " + c.data
	}
	fmt.Fprintf(out, "\n govdata 演示数据已写入 / demo world created (%s, %s; profile %s %s) in %.1f s\n\n",
		w.db.Engine(), where, w.profile.Name, w.profile.Title.ZH, took.Seconds())
	var depts []string
	for _, d := range demoDepartments {
		depts = append(depts, w.depts[d.key].Name)
	}
	count := map[govdata.EntryStatus]int{}
	for _, e := range w.entries {
		count[e.Status]++
	}
	granted := 0
	for _, a := range w.applications {
		if a.State == govdata.ApplicationApproved {
			granted++
		}
	}
	lines := [][2]string{
		{"行政区划 regions", fmt.Sprintf("%s %s 及 %d 个区县 / and %d districts", w.city.provinceName, w.city.name, len(w.city.districts), len(w.city.districts))},
		{"部门 departments", strings.Join(depts, "、") + "（首个为数据主管部门 / the first is the data bureau）"},
		{"目录 catalog", fmt.Sprintf("%d 个目录项 entries：%d 已发布 published（%s 行数据 rows）、%d 待审核 in review、%d 已退回 returned、%d 草稿 draft",
			len(w.entries), count[govdata.EntryPublished], thousands(w.rows), count[govdata.EntryInReview], count[govdata.EntryReturned], count[govdata.EntryDraft])},
		{"共享 sharing", fmt.Sprintf("%d 个共享申请 applications：%d 已授权 granted（含应用凭证 with a credential）、%d 办理中 in progress",
			len(w.applications), granted, len(w.applications)-granted)},
	}
	for _, l := range lines {
		fmt.Fprintf(out, "  %s  %s\n", pad(l[0], 18), l[1])
	}

	fmt.Fprintf(out, "\n  %s  %s  %s  %s  %s\n", pad("用户名 username", 18), pad("姓名 name", 10), pad("角色 role", 28), pad("部门 department", 30), "密码 password")
	for _, a := range w.accounts {
		dept := a.dept
		if dept == "" {
			dept = "—"
		}
		fmt.Fprintf(out, "  %s  %s  %s  %s  %s\n", pad(a.username, 18), pad(a.name, 10), pad(roleNames[a.role]+" "+string(a.role), 28), pad(dept, 30), a.password)
	}
	fmt.Fprintf(out, "\n  演示账号共用一个密码，登录后无需修改。/ The demo accounts share one password, which need not be changed at sign-in.\n")

	if w.cred != nil {
		g := w.applications[0]
		fmt.Fprintf(out, "\n  应用凭证 system credential “%s” of %s, for grant %d (%s):\n", w.cred.Credential.Name, w.deptName(deptHRSS), g.GrantID, g.EntryName)
		fmt.Fprintf(out, "    app key  %s\n    secret   %s   （仅显示这一次 / shown only this once）\n", w.cred.Credential.AppKey, w.cred.Secret)
	}

	fmt.Fprintf(out, "\n  待办 to-dos:\n")
	for _, t := range w.todos() {
		fmt.Fprintf(out, "    %s  %s\n", pad(t[0], 16), t[1])
	}
	fmt.Fprintf(out, "\n  启动控制台 / start the console:  govdata serve %s   →  http://%s\n", where, c.addr)
	fmt.Fprintf(out, "  演示数据仅供试用，切勿用于生产。/ For trying govdata only: never use a demo store in production.\n\n")
}

// todos are the steps the demo left waiting, with the account whose inbox
// holds each.
func (w *demoWorld) todos() [][2]string {
	var out [][2]string
	for _, e := range w.entries {
		switch e.Status {
		case govdata.EntryInReview:
			out = append(out, [2]string{"reviewer", fmt.Sprintf("审核目录“%s” / review the entry", e.Name)})
		case govdata.EntryReturned:
			officer, _ := w.accountFor(govdata.RoleOfficer, e.DepartmentID)
			out = append(out, [2]string{officer, fmt.Sprintf("按审核意见修改目录“%s” / fix the entry as the reviewer asks", e.Name)})
		}
	}
	for _, a := range w.applications {
		if a.State != govdata.ApplicationOpen || a.Workflow == nil {
			continue
		}
		flow, _ := w.profile.Workflow(a.Workflow.Kind)
		if step, ok := flow.Step(a.Workflow.Step); ok {
			actor, _ := w.accountFor(step.Actor.Role, a.Workflow.Parties[step.Actor.Party])
			out = append(out, [2]string{actor, fmt.Sprintf("共享申请“%s”：%s / %s", a.EntryName, step.Title.ZH, step.Title.EN)})
		}
	}
	return out
}

// pad fills s with spaces to n columns of a terminal, where a Chinese
// character takes two.
func pad(s string, n int) string {
	cols := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			cols += 2
		default:
			cols++
		}
	}
	if cols >= n {
		return s
	}
	return s + strings.Repeat(" ", n-cols)
}

// thousands writes n with thousands separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
