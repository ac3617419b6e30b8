package http_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// The whole path of sharing (SHR-1…6, SEC-1) through the router, under
// each profile whose conditional chain differs: a department publishes a
// conditional entry and loads rows of two counties; another applies for
// some items of one county; each step of the profile's chain, read from
// GET /api/v1/profile, is decided by its actor within its due date; the
// consumer's system then reads the granted items of the granted rows,
// masked; the provider sees the use and stops it.

// The departments of the flow, in Fuzhou (350100), whose bureau is the
// fixture's department A ("reviewer").
const (
	countyGulou    = "350102" // the county the consumer asks for
	countyTaijiang = "350103" // the other county with rows
)

// shareFlowItems are the entry's items: a sealed level-4 key, a sealed
// level-3 name, the region item, a sum of money and a date.
var shareFlowItems = []govdata.Item{
	{Name: "公民身份号码", Type: govdata.ItemChar, Length: 18, Sensitivity: 4, Personal: true, Key: true,
		Rules: &govdata.Rules{Required: true, Format: govdata.FormatCitizenID}},
	{Name: "姓名", Type: govdata.ItemChar, Length: 50, Sensitivity: 3, Personal: true},
	{Name: "行政区划代码", Type: govdata.ItemChar, Length: 6, Sensitivity: 1, Region: true},
	{Name: "补贴金额", Type: govdata.ItemMoney, Length: 12, Sensitivity: 1},
	{Name: "出生日期", Type: govdata.ItemDate, Sensitivity: 2},
}

// flowRow is a row as loaded.
type flowRow struct{ id, name, region, sum, born string }

// flowCitizenID is a valid citizen ID (GB 11643) of a person of Gulou born
// on the day'th day after 1960-01-01.
func flowCitizenID(day int) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	id := "350102" + time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day).Format("20060102") + "012"
	sum := 0
	for i, w := range weights {
		sum += int(id[i]-'0') * w
	}
	return id + string("10X98765432"[sum%11])
}

// flowRows: six people, three in each county, interleaved.
func flowRows() []flowRow {
	names := []string{"张三", "李四", "欧阳娜娜", "王五", "赵六六", "钱七"}
	sums := []string{"1200.5", "800", "99.9", "1500", "300", "42"}
	var out []flowRow
	for i := range names {
		region := countyGulou
		if i%2 == 1 {
			region = countyTaijiang
		}
		id := flowCitizenID(i * 97)
		out = append(out, flowRow{id: id, name: names[i], region: region, sum: sums[i], born: id[6:10] + "-" + id[10:12] + "-" + id[12:14]})
	}
	return out
}

func flowCSV(rows []flowRow) string {
	var b strings.Builder
	b.WriteString("公民身份号码,姓名,行政区划代码,补贴金额,出生日期\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s\n", r.id, r.name, r.region, r.sum, r.born)
	}
	return b.String()
}

// aprilDue counts n working days after from, in April 2026, without the
// store's calendar: weekends rest, and so do 4–6 April (清明节, 国务院办公厅
// 关于2026年部分节假日安排的通知); April has no make-up working day. The day
// a step starts does not count (CAL-2).
func aprilDue(t *testing.T, from govdata.Date, n int) govdata.Date {
	t.Helper()
	d := from
	for n > 0 {
		d = d.AddDays(1)
		if d.Month != time.April || d.Year != 2026 || d.Day > 25 {
			t.Fatalf("aprilDue(%s, …) runs past 25 April 2026, which it does not know", from)
		}
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && (d.Day < 4 || d.Day > 6) {
			n--
		}
	}
	return d
}

// beijing is the time in Asia/Shanghai on a day of April 2026.
func beijing(day, hour int) time.Time {
	return time.Date(2026, time.April, day, hour, 0, 0, 0, govdata.ChinaTime)
}

// shareFlow is one profile's env with the two departments' people.
type shareFlow struct {
	t        *testing.T
	e        *env
	profile  *govdata.Profile
	provider *govdata.Department
	consumer *govdata.Department
	// actors maps a step's actor to the account that is it.
	actors map[govdata.StepActor]string
}

func newShareFlow(t *testing.T, engine storetest.Engine, profile string) *shareFlow {
	e := newEnv(t, engine, envOptions{profile: profile})
	ctx := storetest.System()
	years := mustGet(holidays.China())(t)
	mustGet(e.svc.Calendar.SeedCalendarYears(ctx, years))(t)
	for _, r := range []govdata.RegionInput{{Code: countyGulou, Name: "鼓楼区"}, {Code: countyTaijiang, Name: "台江区"}} {
		mustGet(e.svc.Regions.CreateRegion(ctx, r))(t)
	}
	f := &shareFlow{t: t, e: e}
	f.provider = mustGet(e.svc.Departments.CreateDepartment(ctx, govdata.DepartmentInput{Name: "福州市公安局", CreditCode: e.creditCode(),
		RegionCode: regionFuzhou, Level: govdata.LevelCity}))(t)
	f.consumer = mustGet(e.svc.Departments.CreateDepartment(ctx, govdata.DepartmentInput{Name: "福州市人力资源和社会保障局", CreditCode: e.creditCode(),
		RegionCode: regionFuzhou, Level: govdata.LevelCity}))(t)
	e.addAccount(t, "police.officer", govdata.RoleOfficer, f.provider.ID)
	e.addAccount(t, "police.leader", govdata.RoleLeader, f.provider.ID)
	e.addAccount(t, "hr.officer", govdata.RoleOfficer, f.consumer.ID)
	e.addAccount(t, "hr.leader", govdata.RoleLeader, f.consumer.ID)
	f.actors = map[govdata.StepActor]string{
		{Role: govdata.RoleOfficer, Party: govdata.PartyProvider}:  "police.officer",
		{Role: govdata.RoleLeader, Party: govdata.PartyProvider}:   "police.leader",
		{Role: govdata.RoleOfficer, Party: govdata.PartyApplicant}: "hr.officer",
		{Role: govdata.RoleLeader, Party: govdata.PartyApplicant}:  "hr.leader",
		{Role: govdata.RoleReviewer, Party: govdata.PartyBureau}:   "reviewer",
	}
	// The profile as the server states it: the test follows the file.
	f.profile = ptr(mustOK[govdata.Profile](t, e.do(t, req{method: "GET", path: "/api/v1/profile", as: "hr.officer"}), 200))
	if f.profile.Name != profile {
		t.Fatalf("GET /api/v1/profile names %q, want %q", f.profile.Name, profile)
	}
	return f
}

// moveTo moves the clock forward to at and signs everyone in again (a
// session lasts hours; the flow takes weeks).
func (f *shareFlow) moveTo(at time.Time) {
	f.t.Helper()
	d := at.Sub(f.e.clock.Now())
	if d < 0 {
		f.t.Fatalf("the clock cannot go back from %s to %s", f.e.clock.Now(), at)
	}
	f.e.clock.Advance(d)
	for name := range f.e.accounts {
		f.e.login(f.t, name)
	}
}

// today is the clock's day in Beijing.
func (f *shareFlow) today() govdata.Date {
	return govdata.DateOf(f.e.clock.Now().In(govdata.ChinaTime))
}

// wrongActors are accounts that are not the step's actor and are the
// likeliest to try: the same department's other role, the applicant's
// officer, the bureau's reviewer, the provider's officer at the bureau's
// step.
func (f *shareFlow) wrongActors(a govdata.StepActor) []string {
	var out []string
	for sa, name := range f.actors {
		if sa != a && (sa.Party == a.Party || name == "hr.officer" || name == "reviewer" || (a.Party == govdata.PartyBureau && name == "police.officer")) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// publish takes a conditional entry through the profile's catalog review
// and loads the rows, as the provider's officer and the bureau.
func (f *shareFlow) publish(rows []flowRow) *govdata.Entry {
	t, e := f.t, f.e
	in := govdata.EntryInput{Name: "城乡居民补贴发放信息", Summary: "记录城乡居民补贴发放的对象、金额和所属区划，供各部门履职核验使用。",
		Classification: govdata.Classification{Category: "3", Subcategory: "01", Group: "003"}, Format: "数据库", UpdateCycle: govdata.CycleMonthly,
		ShareType: govdata.ShareConditional, ShareConditions: "仅限履职需要，按最小必要原则申请", ShareMethod: "接口",
		OpenType: govdata.OpenNone, OpenConditions: "涉及个人信息，不予开放", Grade: govdata.GradeImportant, Items: shareFlowItems}
	entry := mustOK[govdata.Entry](t, e.do(t, req{method: "POST", path: "/api/v1/catalog", as: "police.officer", body: in}), 201)
	path := "/api/v1/catalog/" + itoa(entry.ID)
	mustStatus(t, e.do(t, req{method: "POST", path: path + "/submit", as: "police.officer"}), 200)
	entry = mustOK[govdata.Entry](t, e.do(t, req{method: "POST", path: path + "/review", as: "reviewer",
		body: govdata.ReviewDecision{Decision: govdata.ActionApprove}}), 200)
	if entry.Status != govdata.EntryPublished || entry.ShareType != govdata.ShareConditional {
		t.Fatalf("entry after review: %+v", entry)
	}
	b := mustOK[govdata.Batch](t, e.do(t, req{method: "POST", path: path + "/data?mode=replace&file_name=rows.csv", as: "police.officer",
		body: flowCSV(rows), header: map[string]string{"Content-Type": "text/csv"}}), 201)
	if b.State != govdata.BatchApplied || b.Report.RowsApplied != int64(len(rows)) {
		t.Fatalf("batch %+v", b)
	}
	return &entry
}

// grantedItems are the items the consumer applies for: not the date.
var grantedItems = []string{"公民身份号码", "姓名", "行政区划代码", "补贴金额"}

// expectedRecords is what the consumer's system must receive of rows:
// the granted items of the rows in the county, level 4 redacted, level 3
// its first and last character (SHR-5 defaults), levels 1–2 as loaded.
func expectedRecords(rows []flowRow) []map[string]*string {
	out := []map[string]*string{}
	for _, r := range rows {
		if r.region != countyGulou {
			continue
		}
		name := []rune(r.name)
		masked := string(name[0]) + strings.Repeat("*", len(name)-2) + string(name[len(name)-1])
		if len(name) == 2 {
			masked = string(name[0]) + "*"
		}
		out = append(out, map[string]*string{"公民身份号码": ptr(strings.Repeat("*", 18)), "姓名": ptr(masked),
			"行政区划代码": ptr(r.region), "补贴金额": ptr(r.sum)})
	}
	return out
}

// The whole path, per profile and engine.
func TestShareFlow(t *testing.T) {
	for _, profile := range []string{"heilongjiang-2025", "shijiazhuang-2020", "zhejiang-finance-2024"} {
		t.Run(profile, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
				runShareFlow(t, newShareFlow(t, engine, profile))
			})
		})
	}
}

func runShareFlow(t *testing.T, f *shareFlow) {
	e := f.e
	rows := flowRows()
	entry := f.publish(rows)
	flow, ok := f.profile.Workflow(govdata.WorkflowShareConditional)
	if !ok || len(flow.Steps) == 0 {
		t.Fatalf("profile %s has no conditional share chain", f.profile.Name)
	}
	// Decisions are taken at these moments: the first step starts on
	// Thursday 2 April, and the second on Friday 3 April, so that its
	// count runs over a weekend and 清明节.
	decideAt := []time.Time{beijing(3, 15), beijing(7, 10), beijing(8, 11), beijing(9, 16)}
	if len(flow.Steps) > len(decideAt) {
		t.Fatalf("the chain has %d steps; the test times at most %d", len(flow.Steps), len(decideAt))
	}

	// SHR-1: the consumer's officer applies for the items its duty needs,
	// for one county, by API.
	f.moveTo(beijing(2, 10))
	in := govdata.ApplicationInput{CatalogID: entry.ID, Items: grantedItems, Scenario: "城乡居民养老保险待遇资格认证",
		Purpose: "核验补贴发放对象的参保身份", LegalBasis: "《社会保险法》第七十四条", RegionScope: []string{countyGulou},
		Method: govdata.MethodAPI, ValidUntil: govdata.Date{Year: 2027, Month: time.June, Day: 30}}
	app := mustOK[govdata.Application](t, e.do(t, req{method: "POST", path: "/api/v1/applications", as: "hr.officer", body: in}), 201)
	if app.State != govdata.ApplicationOpen || app.ShareType != govdata.ShareConditional || app.Workflow == nil ||
		app.Workflow.Kind != govdata.WorkflowShareConditional || app.ProviderDepartment != f.provider.ID || app.ApplicantDepartment != f.consumer.ID {
		t.Fatalf("filed %+v", app)
	}
	appPath := "/api/v1/applications/" + itoa(app.ID)

	// SHR-2, CAL-2: each step of the profile's chain, in order, by its actor
	// only, with the due date its working days give from the day it began.
	dues := map[string]*govdata.Date{}
	started := f.today()
	for i, step := range flow.Steps {
		w := app.Workflow
		if w.Step != step.Name || w.State != govdata.InstanceOpen || len(w.History) != i+1 {
			t.Fatalf("step %d: workflow at %q (%s, %d history), want %q", i, w.Step, w.State, len(w.History), step.Name)
		}
		var want *govdata.Date
		switch {
		case step.WorkingDays != nil:
			want = ptr(aprilDue(t, started, *step.WorkingDays))
		case step.Within != "":
			want = dues[step.Within] // shares the earlier step's period (ZJ-14)
		}
		if fmt.Sprint(w.Due) != fmt.Sprint(want) || (want != nil && !w.CalendarKnown) {
			t.Fatalf("step %s began %s (%s): due %v (calendar known %v), want %v", step.Name, started, started.Weekday(), w.Due, w.CalendarKnown, want)
		}
		dues[step.Name] = w.Due

		actor, ok := f.actors[step.Actor]
		if !ok {
			t.Fatalf("step %s: no account for actor %+v", step.Name, step.Actor)
		}
		decision := slices.IndexFunc(step.Actions, func(a govdata.Action) bool {
			return a == govdata.ActionForward || a == govdata.ActionApprove || a == govdata.ActionSign
		})
		if decision < 0 {
			t.Fatalf("step %s takes no action that goes on: %v", step.Name, step.Actions)
		}
		f.moveTo(decideAt[i])

		// Anyone else is refused, audited, and changes nothing.
		before := e.do(t, req{method: "GET", path: appPath, as: "hr.officer"})
		mustStatus(t, before, 200)
		for _, wrong := range f.wrongActors(step.Actor) {
			e.mustRefused(t, e.do(t, req{method: "POST", path: appPath + "/decision", as: wrong,
				body: govdata.ApplicationDecision{Decision: step.Actions[decision]}}), http.StatusForbidden)
			if after := e.do(t, req{method: "GET", path: appPath, as: "hr.officer"}); string(after.body) != string(before.body) {
				t.Fatalf("step %s: %s's refused decision changed the application:\nbefore %s\nafter  %s", step.Name, wrong, before.body, after.body)
			}
		}

		app = mustOK[govdata.Application](t, e.do(t, req{method: "POST", path: appPath + "/decision", as: actor,
			body: govdata.ApplicationDecision{Decision: step.Actions[decision]}}), 200)
		started = f.today()
	}

	// After the last step: approved, with its grant; every step decided by
	// its actor by its due date.
	if app.State != govdata.ApplicationApproved || app.GrantID == 0 || app.Workflow.State != govdata.InstanceApproved {
		t.Fatalf("after the chain: %+v", app)
	}
	for i, h := range app.Workflow.History {
		step := flow.Steps[i]
		if h.Step != step.Name || h.ActedBy != f.actors[step.Actor] || h.ActedAt == nil {
			t.Errorf("history %d: %+v, want step %s by %s", i, h, step.Name, f.actors[step.Actor])
		}
		if h.Due != nil && h.ActedAt != nil && h.Due.Before(govdata.DateOf(h.ActedAt.In(govdata.ChinaTime))) {
			t.Errorf("step %s decided %s after its due date %s", h.Step, h.ActedAt, h.Due)
		}
	}
	grantPath := "/api/v1/grants/" + itoa(app.GrantID)
	g := mustOK[govdata.Grant](t, e.do(t, req{method: "GET", path: grantPath, as: "hr.officer"}), 200)
	if g.State != govdata.GrantActive || g.EntryID != entry.ID || !slices.Equal(g.Items, grantedItems) || !slices.Equal(g.RegionScope, []string{countyGulou}) ||
		g.Method != govdata.MethodAPI || g.ConsumerDepartment != f.consumer.ID || g.ProviderDepartment != f.provider.ID || g.ValidFrom != f.today() {
		t.Fatalf("grant %+v", g)
	}
	mustError(t, e.do(t, req{method: "GET", path: grantPath, as: "officerb"}), 404, govdata.ENOTFOUND) // another department
	// Issue 15: each side is told what it may do, as the services decide it.
	if g.Allowed == nil || *g.Allowed != (govdata.GrantAllowed{BindCredential: true, UnbindCredential: true, RecordUsage: true, ResolveIdle: true}) {
		t.Errorf("the consumer's officer may %+v", g.Allowed)
	}
	if pg := mustOK[govdata.Grant](t, e.do(t, req{method: "GET", path: grantPath, as: "police.officer"}), 200); pg.Allowed == nil ||
		*pg.Allowed != (govdata.GrantAllowed{Suspend: true, Revoke: true, ResolveVolume: true}) {
		t.Errorf("the provider's officer may %+v", pg.Allowed)
	}

	// SHR-3: the consumer's officer issues its system a credential for the grant.
	gc := mustOK[govdata.GrantCredential](t, e.do(t, req{method: "POST", path: grantPath + "/credentials", as: "hr.officer",
		body: govdata.GrantCredentialInput{Name: "养老保险待遇认证系统"}}), 201)
	if gc.Secret == "" || gc.Credential.DepartmentID != f.consumer.ID {
		t.Fatalf("credential %+v", gc)
	}
	system := &signSpec{appKey: gc.Credential.AppKey, secret: gc.Secret}
	records := "/api/v1/services/" + url.PathEscape(entry.ResourceCode) + "/records"
	call := func(q url.Values) *resp {
		t.Helper()
		path := records
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		return e.do(t, req{method: "GET", path: path, sign: system})
	}
	var answered []*resp // every call answered 200
	var rowsServed int64
	read := func(q url.Values) govdata.ServiceRecords {
		t.Helper()
		r := call(q)
		out := mustOK[govdata.ServiceRecords](t, r, 200)
		answered = append(answered, r)
		rowsServed += int64(len(out.Items))
		return out
	}

	// SHR-4, SHR-5: the granted items of the county's rows, masked.
	want := expectedRecords(rows)
	got := read(nil)
	if got.GrantID != g.ID || got.NextCursor != "" || !sameRecords(got.Items, want) {
		t.Fatalf("records:\n got %s\nwant %s", jsonText(got.Items), jsonText(want))
	}
	// Paged one row at a time: the same rows.
	var paged []govdata.Record
	for q := (url.Values{"limit": {"1"}}); ; {
		p := read(q)
		paged = append(paged, p.Items...)
		if p.NextCursor == "" {
			break
		}
		q.Set("cursor", p.NextCursor)
	}
	if !sameRecords(paged, want) {
		t.Errorf("paged records:\n got %s\nwant %s", jsonText(paged), jsonText(want))
	}
	// A person of the county is found by the sealed key; one of the other
	// county is not, as if they did not exist.
	var inCounty, outside flowRow
	for _, r := range rows {
		if r.region == countyGulou {
			inCounty = r
		} else {
			outside = r
		}
	}
	if p := read(url.Values{"公民身份号码": {inCounty.id}, "fields": {"补贴金额"}}); len(p.Items) != 1 || jsonText(p.Items[0]) != jsonText(govdata.Record{"补贴金额": &inCounty.sum}) {
		t.Errorf("by key in the county: %s", jsonText(p.Items))
	}
	if p := read(url.Values{"公民身份号码": {outside.id}}); len(p.Items) != 0 {
		t.Errorf("by key outside the county: %s", jsonText(p.Items))
	}
	// An item not granted, asked for or filtered on: refused, audited, counted.
	refused := 0
	for _, q := range []url.Values{{"fields": {"出生日期"}}, {"出生日期": {inCounty.born}}} {
		e.mustRefused(t, call(q), http.StatusForbidden)
		refused++
	}

	// SHR-6, HLJ-28: the provider sees who uses its data and how much.
	list := mustOK[govdata.GrantList](t, e.do(t, req{method: "GET", path: "/api/v1/grants?side=provider&entry_id=" + itoa(entry.ID), as: "police.officer"}), 200)
	if len(list.Items) != 1 || list.Items[0].ID != g.ID {
		t.Fatalf("the provider's grants: %+v", list)
	}
	u := list.Items[0].Usage
	if u.Calls != int64(len(answered)) || u.Rows != rowsServed || u.Refused != int64(refused) || u.LastUsedAt == nil {
		t.Errorf("usage the provider sees: %+v, want %d calls, %d rows, %d refused", u, len(answered), rowsServed, refused)
	}

	// The provider stops the use, lets it go on, and ends it.
	change := func(action string, status int) {
		t.Helper()
		mustStatus(t, e.do(t, req{method: "POST", path: grantPath + "/" + action, as: "police.officer", body: map[string]string{"reason": "核查使用情况：" + action}}), status)
	}
	change("suspend", 200)
	e.mustRefused(t, call(nil), http.StatusForbidden)
	change("resume", 200)
	if p := read(nil); !sameRecords(p.Items, want) {
		t.Errorf("after resuming: %s", jsonText(p.Items))
	}
	change("revoke", 200)
	e.mustRefused(t, call(nil), http.StatusForbidden)
	change("resume", http.StatusConflict) // revoked for good
	e.mustRefused(t, call(nil), http.StatusForbidden)

	// SHR-4, SEC-1: every answered call has its audit record, with the
	// grant and the rows it returned.
	for _, r := range answered {
		rec := e.mustAudited(t, r, govdata.AuditOK)
		var detail struct {
			GrantID int64 `json:"grant_id"`
			Rows    int64 `json:"rows"`
		}
		if err := json.Unmarshal([]byte(rec.Detail), &detail); err != nil || rec.Action != "service.records" || detail.GrantID != g.ID {
			t.Errorf("audit record of %s: %+v (%v)", r.reqID, rec, err)
		}
	}

	// CAL-3: a step left past its due date shows on the bureau's
	// supervision list.
	late := mustOK[govdata.Application](t, e.do(t, req{method: "POST", path: "/api/v1/applications", as: "hr.officer", body: in}), 201)
	f.moveTo(beijing(24, 10))
	mustGet(e.svc.Workflows.SweepDeadlines(storetest.System(), 2))(t)
	over := mustOK[govdata.List[govdata.WorkflowInstance]](t, e.do(t, req{method: "GET", path: "/api/v1/supervision/overdue", as: "reviewer"}), 200)
	i := slices.IndexFunc(over.Items, func(w govdata.WorkflowInstance) bool { return w.ID == late.Workflow.ID })
	if i < 0 || over.Items[i].Step != flow.Steps[0].Name || over.Items[i].OverdueSince == nil {
		t.Errorf("overdue list %s lacks the late application's step %s", jsonText(over.Items), flow.Steps[0].Name)
	}
}

// sameRecords compares served records with the expected ones exactly:
// the same rows in the same order, the same items, the same values.
func sameRecords(got []govdata.Record, want []map[string]*string) bool {
	return jsonText(got) == jsonText(want)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
