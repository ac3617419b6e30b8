package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// catalogFixture: a province, a city and a county of Heilongjiang, a data
// bureau at each level, providers in the city and the county, the shipped
// calendar, and a clock at Mon 2026-03-02 09:00 Beijing time.
type catalogFixture struct {
	db      *sqlstore.DB
	clock   *storetest.Clock
	base    sqlstore.Base
	flows   *sqlstore.WorkflowService
	cat     *sqlstore.CatalogService
	profile *govdata.Profile
	// departments
	provinceBureau, cityBureau, countyBureau int64
	cityPolice, countyPolice, cityHR         int64
}

func newCatalogFixture(t testing.TB, e storetest.Engine, profile string) *catalogFixture {
	t.Helper()
	opts := storetest.Options()
	return newCatalogFixtureWith(t, e, profile, opts)
}

// newCatalogFixtureWith opens the store with opts (a test that reopens it
// sets DataDir or DSN).
func newCatalogFixtureWith(t testing.TB, e storetest.Engine, profile string, opts sqlstore.Options) *catalogFixture {
	t.Helper()
	f := &catalogFixture{clock: opts.Clock.(*storetest.Clock)}
	f.db = storetest.Open(t, e, &opts)
	sys := storetest.System()
	years, err := holidays.China()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.NewCalendarService(f.db).SeedCalendarYears(sys, years); err != nil {
		t.Fatal(err)
	}
	for _, r := range []govdata.RegionInput{{Code: "230000", Name: "黑龙江省"}, {Code: "230100", Name: "哈尔滨市"}, {Code: "230102", Name: "道里区"}} {
		if _, err := sqlstore.NewRegionService(f.db).CreateRegion(sys, r); err != nil {
			t.Fatal(err)
		}
	}
	depts := sqlstore.NewDepartmentService(f.db)
	for i, d := range []struct {
		name, region string
		level        govdata.DepartmentLevel
		bureau       bool
		into         *int64
	}{
		{"黑龙江省政务大数据中心", "230000", govdata.LevelProvince, true, &f.provinceBureau},
		{"哈尔滨市数据局", "230100", govdata.LevelCity, true, &f.cityBureau},
		{"道里区数据局", "230102", govdata.LevelCounty, true, &f.countyBureau},
		{"哈尔滨市公安局", "230100", govdata.LevelCity, false, &f.cityPolice},
		{"道里区公安分局", "230102", govdata.LevelCounty, false, &f.countyPolice},
		{"哈尔滨市人社局", "230100", govdata.LevelCity, false, &f.cityHR},
	} {
		code := fmt.Sprintf("1123010000000001%d", i)
		c, _ := govdata.CreditCodeCheckChar(code)
		dep, err := depts.CreateDepartment(sys, govdata.DepartmentInput{Name: d.name, CreditCode: code + string(c), RegionCode: d.region, Level: d.level, Bureau: d.bureau})
		if err != nil {
			t.Fatal(err)
		}
		*d.into = dep.ID
	}
	p, err := profiles.Load(profile)
	if err != nil {
		t.Fatal(err)
	}
	f.profile = p
	f.base = sqlstore.NewBase(f.db, p, beijing)
	f.flows = sqlstore.NewWorkflowService(f.base)
	f.cat = sqlstore.NewCatalogService(f.base, f.flows)
	return f
}

func (f *catalogFixture) as(role govdata.Role, dept int64) context.Context {
	return storetest.As(govdata.Actor{UserID: 1000 + dept*10 + int64(len(role)), Username: fmt.Sprintf("%s@%d", role, dept),
		Roles: []govdata.Role{role}, DepartmentID: dept})
}

// entryInput is a valid conditional entry with three items.
func entryInput(name string) govdata.EntryInput {
	return govdata.EntryInput{
		Name: name, Summary: "记录" + name + "的基本情况，供各部门核验使用。",
		Classification: govdata.Classification{Category: "3", Subcategory: "01", Group: "001", Subgroup: "001"},
		Format:         "数据库", UpdateCycle: govdata.CycleDaily, ShareType: govdata.ShareConditional,
		ShareConditions: "仅限履职需要，按最小必要原则申请", ShareMethod: "接口", OpenType: govdata.OpenNone, OpenConditions: "涉及个人信息，不予开放", Grade: govdata.GradeImportant,
		Items: []govdata.Item{
			{Name: "公民身份号码", Type: govdata.ItemChar, Length: 18, Sensitivity: 4, Personal: true, Key: true,
				Rules: &govdata.Rules{Required: true, Format: govdata.FormatCitizenID}},
			{Name: "姓名", Type: govdata.ItemChar, Length: 50, Sensitivity: 3, Personal: true},
			{Name: "行政区划代码", Type: govdata.ItemChar, Length: 6, Sensitivity: 1, Region: true},
		},
	}
}

// must fails the test on err: must(f(…))(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestCatalogLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, profiles.Default)
		officer, leader := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleLeader, f.cityPolice)
		reviewer, otherReviewer := f.as(govdata.RoleReviewer, f.cityBureau), f.as(govdata.RoleReviewer, f.countyBureau)
		stranger := f.as(govdata.RoleOfficer, f.cityHR)

		// Only an officer writes its department's catalog.
		if _, err := f.cat.CreateEntry(leader, entryInput("常住人口信息")); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("a leader creates an entry: %v", err)
		}
		d := must(f.cat.CreateEntry(officer, entryInput("常住人口信息")))(t)
		if d.Status != govdata.EntryDraft || d.Version != 1 || d.PublishedVersion != 0 || d.DepartmentID != f.cityPolice ||
			!strings.HasPrefix(d.ResourceCode, "301001001/") || !strings.HasSuffix(d.ResourceCode, "000001") || !govdata.ValidResourceCode(d.ResourceCode) {
			t.Fatalf("draft: %+v", d)
		}
		second := must(f.cat.CreateEntry(officer, entryInput("暂住人口信息")))(t)
		if !strings.HasSuffix(second.ResourceCode, "000002") {
			t.Fatalf("second code %s", second.ResourceCode)
		}
		// A draft is seen by its department and the bureau above, not by others.
		if _, err := f.cat.FindEntryByID(stranger, d.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Fatalf("another department reads a draft: %v", err)
		}
		if _, err := f.cat.FindEntryByID(reviewer, d.ID); err != nil {
			t.Fatalf("the bureau reads a draft: %v", err)
		}
		if _, err := f.cat.FindEntryByID(otherReviewer, d.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Fatalf("a county bureau reads a city draft: %v", err)
		}
		// Not reviewable before it is submitted.
		if _, err := f.cat.Review(reviewer, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Fatalf("review of a draft: %v", err)
		}
		// Issue 11: to another department, a draft does not exist.
		if _, err := f.cat.Submit(stranger, d.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND || !govdata.IsHidden(err) {
			t.Fatalf("another department submits: %v", err)
		}
		s := must(f.cat.Submit(officer, d.ID))(t)
		// Submitted Mon 2026-03-02: the default profile's review takes 5 working days → Mon 03-09.
		if s.Status != govdata.EntryInReview || s.Workflow == nil || s.Workflow.Step != "review" || s.Workflow.Due.String() != "2026-03-09" {
			t.Fatalf("submitted: %+v %+v", s, s.Workflow)
		}
		if _, err := f.cat.UpdateEntry(officer, d.ID, govdata.EntryPatch{}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Fatalf("an entry in review is changed: %v", err)
		}
		if _, err := f.cat.Review(officer, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("the officer reviews: %v", err)
		}
		// Issue 11: those who do not see the draft are told there is none.
		for name, ctx := range map[string]context.Context{"county bureau": otherReviewer, "another officer": stranger} {
			if _, err := f.cat.Review(ctx, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND || !govdata.IsHidden(err) {
				t.Errorf("%s reviews: %v", name, err)
			}
		}
		if _, err := f.cat.Review(reviewer, d.ID, govdata.ReviewDecision{Decision: govdata.ActionReturn}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("a return without a comment: %v", err)
		}
		if _, err := f.cat.Review(reviewer, d.ID, govdata.ReviewDecision{Decision: "publish"}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("an unknown decision: %v", err)
		}
		// Returned a day later: the fix is due 5 working days on, Tue 03-10.
		f.clock.Advance(24 * time.Hour)
		r := must(f.cat.Review(reviewer, d.ID, govdata.ReviewDecision{Decision: govdata.ActionReturn, Comment: "请补充数据项说明"}))(t)
		if r.Status != govdata.EntryReturned || r.Workflow == nil || r.Workflow.Step != "fix" || r.Workflow.Due.String() != "2026-03-10" {
			t.Fatalf("returned: %+v %+v", r, r.Workflow)
		}
		summary := "修改后的摘要"
		must(f.cat.UpdateEntry(officer, d.ID, govdata.EntryPatch{Summary: &summary}))(t)
		if s := must(f.cat.Submit(officer, d.ID))(t); s.Status != govdata.EntryInReview || s.Workflow.Step != "review" {
			t.Fatalf("resubmitted: %+v %+v", s, s.Workflow)
		}
		// A reviewer of the province, above the city, may approve.
		p := must(f.cat.Review(f.as(govdata.RoleReviewer, f.provinceBureau), d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		if p.Status != govdata.EntryPublished || p.PublishedVersion != 1 || p.Summary != summary || p.Workflow != nil || p.PublishedAt == nil {
			t.Fatalf("published: %+v", p)
		}
		if seen, err := f.cat.FindEntryByID(stranger, d.ID); err != nil || seen.Summary != summary || seen.Status != govdata.EntryPublished {
			t.Fatalf("everyone reads a published entry: %+v, %v", seen, err)
		}
		vs, err := f.cat.FindVersions(stranger, d.ID)
		if err != nil || len(vs) != 1 || vs[0].ApprovedBy != "reviewer@"+fmt.Sprint(f.provinceBureau) || vs[0].ApprovedAt == nil {
			t.Fatalf("versions: %+v, %v", vs, err)
		}
	})
}

// publish takes a fresh entry of the officer's department through review.
func (f *catalogFixture) publish(t testing.TB, officer context.Context, bureau int64, in govdata.EntryInput) *govdata.Entry {
	t.Helper()
	d := must(f.cat.CreateEntry(officer, in))(t)
	must(f.cat.Submit(officer, d.ID))(t)
	return must(f.cat.Review(f.as(govdata.RoleReviewer, bureau), d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
}

// CAT-3: a change is a new version timed by the profile; the published one
// stays visible until the new one is approved. The change deadline differs
// between profiles (default: 5 working days; Heilongjiang: 3, HLJ-15).
func TestCatalogChange(t *testing.T) {
	for _, tc := range []struct {
		profile, due, extended string
	}{
		{profiles.Default, "2026-03-09", "2026-03-16"},
		{"heilongjiang-2025", "2026-03-05", "2026-03-12"},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, e storetest.Engine) {
				f := newCatalogFixture(t, e, tc.profile)
				officer, reviewer, stranger := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleReviewer, f.cityBureau), f.as(govdata.RoleOfficer, f.cityHR)
				p := f.publish(t, officer, f.cityBureau, entryInput("机动车登记信息"))
				name := "机动车登记信息（含变更）"
				c := must(f.cat.UpdateEntry(officer, p.ID, govdata.EntryPatch{Name: &name}))(t)
				if c.Version != 2 || c.PublishedVersion != 1 || c.Status != govdata.EntryDraft || c.Workflow == nil ||
					c.Workflow.Kind != govdata.WorkflowCatalogChange || c.Workflow.Due.String() != tc.due {
					t.Fatalf("change opened: %+v %+v", c, c.Workflow)
				}
				if seen := must(f.cat.FindEntryByID(stranger, p.ID))(t); seen.Name != "机动车登记信息" || seen.Version != 1 {
					t.Fatalf("others see %+v during the change", seen)
				}
				if _, err := f.cat.Extend(officer, p.ID, "机构调整"); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
					t.Fatalf("the officer extends its own deadline: %v", err)
				}
				x := must(f.cat.Extend(reviewer, p.ID, "依据机构改革方案，职责调整尚未完成"))(t)
				if x.Workflow == nil || x.Workflow.Due.String() != tc.extended {
					t.Fatalf("extended: %+v", x.Workflow)
				}
				if _, err := f.cat.Extend(reviewer, p.ID, "again"); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
					t.Fatalf("a second extension: %v", err)
				}
				must(f.cat.Submit(officer, p.ID))(t)
				a := must(f.cat.Review(reviewer, p.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
				if a.Name != name || a.PublishedVersion != 2 || a.Status != govdata.EntryPublished {
					t.Fatalf("change approved: %+v", a)
				}
				vs, _ := f.cat.FindVersions(officer, p.ID)
				if len(vs) != 2 || vs[0].Status != govdata.VersionSuperseded || vs[1].Status != govdata.EntryPublished {
					t.Fatalf("versions: %+v", vs)
				}
			})
		})
	}
}

// HLJ-16: a revoked entry in use is still supplied for the grace period,
// and every department using it is told.
func TestCatalogRevocation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "heilongjiang-2025")
		officer, reviewer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleReviewer, f.cityBureau)
		hr, err := sqlstore.NewUserService(f.db).CreateUserWithPassword(storetest.System(), govdata.UserInput{Username: "hr1", Password: "Revoke-pass-1234",
			Name: "人社专员", DepartmentID: f.cityHR, Roles: []govdata.Role{govdata.RoleOfficer}}, false)
		if err != nil {
			t.Fatal(err)
		}
		used := f.publish(t, officer, f.cityBureau, entryInput("出入境记录"))
		unused := f.publish(t, officer, f.cityBureau, entryInput("户籍迁移记录"))
		f.cat.InUse = func(tx *sqlstore.Tx, id int64) ([]int64, error) {
			if id == used.ID {
				return []int64{f.cityHR}, nil
			}
			return nil, nil
		}
		if _, err := f.cat.Revoke(officer, used.ID, " "); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("a revocation without a reason: %v", err)
		}
		for _, ent := range []*govdata.Entry{used, unused} {
			r := must(f.cat.Revoke(officer, ent.ID, "业务已停止"))(t)
			if r.Workflow == nil || r.Workflow.Kind != govdata.WorkflowCatalogRevocation || r.Status != govdata.EntryPublished {
				t.Fatalf("revocation asked: %+v", r)
			}
		}
		if _, err := f.cat.UpdateEntry(officer, used.ID, govdata.EntryPatch{}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Fatalf("a change during a revocation: %v", err)
		}
		// Refused: stays published.
		kept := must(f.cat.Review(reviewer, unused.ID, govdata.ReviewDecision{Decision: govdata.ActionReject, Comment: "仍有业务需要"}))(t)
		if kept.Status != govdata.EntryPublished || kept.Workflow != nil {
			t.Fatalf("refused revocation: %+v", kept)
		}
		gone := must(f.cat.Revoke(officer, unused.ID, "业务已停止"))(t)
		gone = must(f.cat.Review(reviewer, unused.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		if gone.Status != govdata.EntryRevoked || gone.GraceUntil != nil {
			t.Fatalf("revoked, unused: %+v", gone)
		}
		// In use: supplied for HLJ-16's 6 months, until 2026-09-02.
		g := must(f.cat.Review(reviewer, used.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		if g.Status != govdata.EntryRevoking || g.GraceUntil == nil || g.GraceUntil.String() != "2026-09-02" {
			t.Fatalf("revoked in use: %+v", g)
		}
		notes, err := sqlstore.NewNotificationService(f.db).FindNotifications(storetest.As(govdata.Actor{UserID: hr.ID, Username: hr.Username,
			Roles: hr.Roles, DepartmentID: hr.DepartmentID}), govdata.NotificationFilter{})
		if err != nil || len(notes.Items) != 1 || notes.Items[0].Kind != govdata.NoticeCatalogRevoked || !strings.Contains(notes.Items[0].Title.ZH, "2026-09-02") {
			t.Fatalf("the user department's notice: %+v, %v", notes.Items, err)
		}
		sys := storetest.System()
		f.clock.Advance(180 * 24 * time.Hour) // 2026-08-29: still within the grace
		if n, err := f.cat.ExpireRevocations(sys); err != nil || n != 0 {
			t.Fatalf("expired early: %d, %v", n, err)
		}
		f.clock.Advance(5 * 24 * time.Hour) // 2026-09-03
		if n, err := f.cat.ExpireRevocations(sys); err != nil || n != 1 {
			t.Fatalf("expire: %d, %v", n, err)
		}
		if ent := must(f.cat.FindEntryByID(officer, used.ID))(t); ent.Status != govdata.EntryRevoked {
			t.Fatalf("after the grace: %+v", ent)
		}
	})
}

// Deadlines follow the profile: a deployment's own file with a 2-day fix
// period, a 2-day revocation review and 3 months' grace gives those dates
// where the default profile gives 5 days, 5 days and 6 months.
func TestCatalogDeadlinesFollowProfile(t *testing.T) {
	good, err := profiles.ReadShipped(profiles.Default)
	if err != nil {
		t.Fatal(err)
	}
	src := string(good)
	for _, r := range []struct{ from, to string }{
		{"      working_days: 5\n      actions: [approve, withdraw]\n      cite: \"default, after HLJ-12\"",
			"      working_days: 2\n      actions: [approve, withdraw]\n      cite: \"local rule: 2 working days\""},
		{"        working_days: 5\n        actions: [approve, reject]\n        cite: \"default 5 working days\"\n  share_unconditional:",
			"        working_days: 2\n        actions: [approve, reject]\n        cite: \"local rule: 2 working days\"\n  share_unconditional:"},
		{"revocation_grace_months: {value: 6,", "revocation_grace_months: {value: 3,"},
		{"name: default", "name: local"},
	} {
		if !strings.Contains(src, r.from) {
			t.Fatalf("the default profile no longer holds %q", r.from)
		}
		src = strings.Replace(src, r.from, r.to, 1)
	}
	file := t.TempDir() + "/local.yaml"
	if err := writeTestFile(file, src); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ profile, fix, revoke, grace string }{
		{profiles.Default, "2026-03-09", "2026-03-09", "2026-09-02"},
		{file, "2026-03-04", "2026-03-04", "2026-06-02"},
	} {
		storetest.Each(t, func(t *testing.T, e storetest.Engine) {
			f := newCatalogFixture(t, e, tc.profile)
			officer, county := f.as(govdata.RoleOfficer, f.countyPolice), f.as(govdata.RoleReviewer, f.countyBureau)
			d := must(f.cat.CreateEntry(officer, entryInput("道里区人口信息")))(t)
			must(f.cat.Submit(officer, d.ID))(t)
			// CAT-4: a county's entry is reviewed at the county.
			r := must(f.cat.Review(county, d.ID, govdata.ReviewDecision{Decision: govdata.ActionReturn, Comment: "补充"}))(t)
			if r.Workflow == nil || r.Workflow.Due.String() != tc.fix {
				t.Fatalf("%s: fix due %+v, want %s", tc.profile, r.Workflow, tc.fix)
			}
			must(f.cat.Submit(officer, d.ID))(t)
			must(f.cat.Review(county, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
			f.cat.InUse = func(*sqlstore.Tx, int64) ([]int64, error) { return []int64{f.cityHR}, nil }
			v := must(f.cat.Revoke(officer, d.ID, "职责调整"))(t)
			if v.Workflow == nil || v.Workflow.Due.String() != tc.revoke {
				t.Fatalf("%s: revocation review due %+v, want %s", tc.profile, v.Workflow, tc.revoke)
			}
			g := must(f.cat.Review(county, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
			if g.GraceUntil == nil || g.GraceUntil.String() != tc.grace {
				t.Fatalf("%s: supplied until %v, want %s", tc.profile, g.GraceUntil, tc.grace)
			}
		})
	}
}

func writeTestFile(name, content string) error { return os.WriteFile(name, []byte(content), 0o600) }
