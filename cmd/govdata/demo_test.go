package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/quality"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestDemo runs govdata demo on a store that does not exist yet — a new
// data folder, a new PostgreSQL database — and looks at what it made
// through the services: the world of issue 14, each account able to sign in
// without changing its password, rows that are no real person's, a history
// in the audit log that verifies. A second run is refused and changes
// nothing.
func TestDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		start := time.Now()
		out := c.mustRun("demo")
		t.Logf("govdata demo on %s took %s", e, time.Since(start).Round(time.Millisecond))
		for _, a := range append([]demoAccount{{username: "admin"}}, demoAccounts...) {
			if !strings.Contains(out, a.username) {
				t.Errorf("the printed accounts lack %s:\n%s", a.username, out)
			}
		}
		if n := strings.Count(out, demoPassword); n != len(demoAccounts)+1 {
			t.Errorf("the demo password is printed %d times, want once per account (%d):\n%s", n, len(demoAccounts)+1, out)
		}

		db := c.openWithKeys()
		checkDemoWorld(t, c, db, out)
		before := demoSnapshot(t, c, db)
		db.Close()

		stdout, stderr, code := c.run("demo")
		if code != 1 || stdout != "" || !strings.Contains(stderr, "该存储已有数据") || !strings.Contains(stderr, "the store already holds data (regions, departments, accounts besides the first sysadmin)") {
			t.Errorf("second run: exit %d, stdout %q, stderr %q; want 1 and the refusal in both languages", code, stdout, stderr)
		}
		db = c.openWithKeys()
		defer db.Close()
		if after := demoSnapshot(t, c, db); after != before {
			t.Errorf("the refused run changed the store:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// TestDemoRefusesUsedStore: a store where someone did more than the first
// start (here: created an account) is refused, and left exactly as it was.
func TestDemoRefusesUsedStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		c.mustRun("user create", "--name", "王五", "--roles", "secadmin", "--password", "Given-Pass-2026", "wangwu")
		db := c.openWithKeys()
		before := demoSnapshot(t, c, db)
		db.Close()
		stdout, stderr, code := c.run("demo")
		if code != 1 || stdout != "" || !strings.Contains(stderr, "系统管理员以外的账号") || !strings.Contains(stderr, "accounts besides the first sysadmin") {
			t.Errorf("demo on a used store: exit %d, stdout %q, stderr %q; want 1 naming the accounts", code, stdout, stderr)
		}
		db = c.openWithKeys()
		defer db.Close()
		if after := demoSnapshot(t, c, db); after != before {
			t.Errorf("the refused run changed the store:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// TestDemoAfterFirstStart: a store that has been started once holds the
// sysadmin "admin" with its own password: that is still a fresh install,
// and the demo keeps the account as it is.
func TestDemoAfterFirstStart(t *testing.T) {
	c := newCLI(t, storetest.SQLite)
	c.mustRun("migrate")
	db := c.openWithKeys()
	t.Setenv("GOVDATA_ADMIN_PASSWORD", "Own-Chosen-Pass-2026")
	if err := ensureAdmin(context.Background(), db, govdata.DefaultPasswordPolicy, io.Discard); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := c.mustRun("demo")
	if !strings.Contains(out, "as set at first start") {
		t.Errorf("the printed admin does not say its password is its own:\n%s", out)
	}
	db = c.openWithKeys()
	defer db.Close()
	if _, err := demoLogin(t, db, "admin", "Own-Chosen-Pass-2026"); err != nil {
		t.Errorf("admin no longer signs in with its own password: %v", err)
	}
	if n, err := sqlstore.NewUserService(db).CountUsers(system); err != nil || n != len(demoAccounts)+1 {
		t.Errorf("accounts: %d, %v; want %d", n, err, len(demoAccounts)+1)
	}
}

// openWithKeys opens the store with the data keys the demo made, so that
// sealed values can be read.
func (c *cli) openWithKeys() *sqlstore.DB {
	c.t.Helper()
	opts := sqlstore.Options{DataDir: c.dir, DSN: c.dsn, MasterKey: testMasterKey}
	if k, err := datakey.Load(filepath.Join(c.dir, "data.keys")); err == nil {
		opts.DataKeys = k
	}
	db, err := sqlstore.Open(context.Background(), opts)
	if err == nil {
		err = db.LoadSettings(context.Background())
	}
	if err != nil {
		c.t.Fatalf("open store: %v", err)
	}
	return db
}

// demoLogin signs in through the auth service, as the console does, and
// returns the context of the authenticated account.
func demoLogin(t *testing.T, db *sqlstore.DB, username, password string) (context.Context, error) {
	t.Helper()
	auth := sqlstore.NewAuthService(db)
	sess, err := auth.Login(client, username, password)
	if err != nil {
		return nil, err
	}
	if sess.PasswordChangeRequired || sess.User.MustChangePassword {
		t.Errorf("%s must change its password at sign-in", username)
	}
	a, err := auth.Authenticate(context.Background(), sess.Token)
	if err != nil {
		return nil, err
	}
	if a.PasswordChangeRequired {
		t.Errorf("%s's session is limited to changing its password", username)
	}
	return govdata.WithActor(context.Background(), a), nil
}

// must returns v, or fails the test with err.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// checkDemoWorld checks the world against issue 14 under the default profile.
func checkDemoWorld(t *testing.T, c *cli, db *sqlstore.DB, out string) {
	profile := must(profiles.Load(db.Profile()))(t)
	city := demoCities[profile.Name]
	base := sqlstore.NewBase(db, profile, govdata.ChinaTime)
	workflows := sqlstore.NewWorkflowService(base)
	catalog := sqlstore.NewCatalogService(base, workflows)

	// A city and its districts under their province, as GB/T 2260 has them.
	regions := must(sqlstore.NewRegionService(db).FindRegions(system, govdata.RegionFilter{Page: govdata.Page{Limit: 100}}))(t)
	var codes []string
	for _, r := range regions.Items {
		codes = append(codes, r.Code+" "+r.Name+" "+r.ParentCode)
	}
	want := []string{city.province + " " + city.provinceName + " ", city.code + " " + city.name + " " + city.province}
	for _, d := range city.districts {
		want = append(want, d.Code+" "+d.Name+" "+city.code)
	}
	slices.Sort(want)
	if !slices.Equal(codes, want) {
		t.Errorf("regions %q, want %q", codes, want)
	}

	// Five departments of the city with valid credit codes; the first is its bureau.
	depts := must(sqlstore.NewDepartmentService(db).FindDepartments(system, govdata.DepartmentFilter{Page: govdata.Page{Limit: 100}}))(t)
	if len(depts.Items) != len(demoDepartments) {
		t.Fatalf("%d departments, want %d", len(depts.Items), len(demoDepartments))
	}
	byName := map[string]*govdata.Department{}
	for _, d := range depts.Items {
		byName[d.Name] = d
		if err := govdata.ValidateCreditCode(d.CreditCode); err != nil || d.RegionCode != city.code {
			t.Errorf("department %s: credit code %s (%v), region %s", d.Name, d.CreditCode, err, d.RegionCode)
		}
	}
	deptID := map[string]int64{}
	for _, d := range demoDepartments {
		got := byName[city.name+d.suffix]
		if got == nil || got.Bureau != d.bureau {
			t.Fatalf("department %s%s: %+v, want bureau %v", city.name, d.suffix, got, d.bureau)
		}
		deptID[d.key] = got.ID
	}

	// Every role of PRODUCT.md §1, each account signing in with the demo
	// password and no forced change.
	users := sqlstore.NewUserService(db)
	roles := map[govdata.Role]bool{}
	as := map[string]context.Context{}
	for _, a := range append([]demoAccount{{username: "admin", role: govdata.RoleSysadmin}}, demoAccounts...) {
		u := must(users.FindUserByUsername(system, a.username))(t)
		if !slices.Equal(u.Roles, []govdata.Role{a.role}) || len(u.PendingRoles) != 0 || u.MustChangePassword || u.DepartmentID != deptID[a.dept] {
			t.Errorf("account %s: %+v, want role %s in department %d, held, password set by the user", a.username, u, a.role, deptID[a.dept])
		}
		roles[a.role] = true
		ctx, err := demoLogin(t, db, a.username, demoPassword)
		if err != nil {
			t.Fatalf("sign in as %s with the demo password: %v", a.username, err)
		}
		as[a.username] = ctx
	}
	for _, r := range govdata.Roles {
		if !roles[r] {
			t.Errorf("no demo account holds %s", r)
		}
	}

	// Entries in every state; the published ones with their rows.
	entries := must(catalog.FindEntries(system, govdata.EntryFilter{Sort: govdata.SortName, Page: govdata.Page{Limit: 100}}))(t)
	states := map[govdata.EntryStatus][]string{}
	byEntry := map[string]*govdata.Entry{}
	for _, e := range entries.Items {
		states[e.Status] = append(states[e.Status], e.Name)
		byEntry[e.Name] = e
	}
	for status, names := range map[govdata.EntryStatus][]string{
		govdata.EntryPublished: {"出入境证件签发信息", "医疗机构执业登记信息", "市场主体登记信息", "常住人口基本信息", "社会保险参保登记信息"},
		govdata.EntryInReview:  {"就业困难人员认定信息"},
		govdata.EntryReturned:  {"食品经营许可信息"},
		govdata.EntryDraft:     {"适龄儿童预防接种信息"},
	} {
		got := states[status]
		slices.Sort(got)
		if slices.Sort(names); !slices.Equal(got, names) {
			t.Errorf("%s entries %q, want %q", status, got, names)
		}
	}
	if len(entries.Items) != 8 {
		t.Errorf("%d entries, want 8", len(entries.Items))
	}
	shares := map[govdata.ShareType]bool{}
	levels := map[int]bool{}
	for _, name := range states[govdata.EntryPublished] {
		e := byEntry[name]
		shares[e.ShareType] = true
		for _, it := range e.Items {
			levels[it.Sensitivity] = true
			if it.ShareType != "" {
				shares[it.ShareType] = true
			}
		}
	}
	if len(shares) != 3 || len(levels) != 4 {
		t.Errorf("published entries have share types %v and sensitivity levels %v; want all three and all four", shares, levels)
	}
	versions := must(catalog.FindVersions(system, byEntry["食品经营许可信息"].ID))(t)
	if last := versions[len(versions)-1]; last.Status != govdata.EntryReturned || last.Comment == "" {
		t.Errorf("the returned entry's version: %+v, want returned with the reviewer's comment", last)
	}

	datasets := sqlstore.NewDatasetService(base)
	var rows int64
	for _, name := range states[govdata.EntryPublished] {
		ds := must(datasets.FindDataset(as["reviewer"], byEntry[name].ID))(t)
		if ds.Rows < 80 || ds.Rows > 400 {
			t.Errorf("%s: %d rows, want a few hundred at most", name, ds.Rows)
		}
		rows += ds.Rows
	}
	if !strings.Contains(out, thousands(rows)+" 行数据") {
		t.Errorf("the printed summary does not count the %d rows:\n%s", rows, out)
	}
	// No row is a real person's: every ID number fails its check digit, and
	// it is sealed at rest (sensitivity 4).
	police := as["police.officer"]
	population := byEntry["常住人口基本信息"]
	seen := 0
	for page := (govdata.Page{Limit: govdata.MaxLimit}); ; {
		list := must(datasets.FindRows(police, population.ID, nil, page))(t)
		for _, r := range list.Items {
			id := *r.Values["公民身份号码"]
			if len(id) != 18 || quality.CitizenID(id, time.Now().Year()) || !strings.HasPrefix(id, *r.Values["行政区划代码"]) {
				t.Errorf("citizen ID %s (region %s) passes GB 11643 or lies about its district", id, *r.Values["行政区划代码"])
			}
			seen++
		}
		if list.NextCursor == "" {
			break
		}
		page.Cursor = list.NextCursor
	}
	if seen != 300 || !slices.Contains(sealedItems(t, as["reviewer"], datasets, population.ID), "公民身份号码") {
		t.Errorf("read %d population rows, want 300, with the ID sealed", seen)
	}

	// Nor is a company's: every credit code fails its GB 32100 check character.
	firms := must(datasets.FindRows(as["market.officer"], byEntry["市场主体登记信息"].ID, nil, govdata.Page{Limit: govdata.MaxLimit}))(t)
	for _, r := range firms.Items {
		if code := *r.Values["统一社会信用代码"]; govdata.ValidateCreditCode(code) == nil {
			t.Errorf("credit code %s passes GB 32100", code)
		}
	}
	if len(firms.Items) == 0 {
		t.Error("no market entities")
	}

	// One application granted with a credential, one in progress at the
	// last step of the profile's chain, in its actor's inbox.
	applications := sqlstore.NewApplicationService(base, workflows)
	apps := must(applications.FindApplications(system, govdata.ApplicationFilter{}))(t)
	if len(apps.Items) != 2 {
		t.Fatalf("%d applications, want 2", len(apps.Items))
	}
	slices.SortFunc(apps.Items, func(a, b *govdata.Application) int { return int(a.ID - b.ID) })
	// One by one, with their workflows.
	granted := must(applications.FindApplicationByID(system, apps.Items[0].ID))(t)
	open := must(applications.FindApplicationByID(system, apps.Items[1].ID))(t)
	if granted.State != govdata.ApplicationApproved || granted.GrantID == 0 || granted.ApplicantDepartment != deptID[deptHRSS] {
		t.Errorf("the first application: %+v, want the social security bureau's, granted", granted)
	}
	grants := sqlstore.NewGrantService(base, sqlstore.NewCredentialService(db))
	g := must(grants.FindGrantByID(system, granted.GrantID))(t)
	creds := must(grants.FindGrantCredentials(as["hrss.officer"], g.ID))(t)
	if g.State != govdata.GrantActive || len(creds) != 1 {
		t.Fatalf("grant %+v with %d credentials, want active with one", g, len(creds))
	}
	// The printed secret is the credential's.
	cred, secret, err := sqlstore.NewCredentialService(db).CredentialSecret(context.Background(), creds[0].Credential.AppKey, true)
	if err != nil || !strings.Contains(out, "app key  "+cred.AppKey+"\n    secret   "+string(secret)+" ") {
		t.Errorf("the printed credential is not %s's (%v):\n%s", creds[0].Credential.AppKey, err, out)
	}
	flow, _ := profile.Workflow(open.Workflow.Kind)
	last := flow.Steps[len(flow.Steps)-1]
	if open.State != govdata.ApplicationOpen || open.ApplicantDepartment != deptID[deptHealth] || open.Workflow.Step != last.Name {
		t.Fatalf("the second application: %+v at step %s, want the health commission's, open at %s", open, open.Workflow.Step, last.Name)
	}
	actor := ""
	for _, a := range demoAccounts {
		if a.role == last.Actor.Role && deptID[a.dept] == open.Workflow.Parties[last.Actor.Party] {
			actor = a.username
		}
	}
	tasks := must(workflows.FindTasks(as[actor], govdata.TaskFilter{}))(t)
	if !slices.ContainsFunc(tasks.Items, func(task *govdata.Task) bool { return task.Instance.ID == open.Workflow.ID }) {
		t.Errorf("%s's inbox lacks the open application's step %s", actor, last.Name)
	}

	// A real history: each step by its person, and a chain that verifies.
	audit := sqlstore.NewAuditService(db)
	for action, who := range map[string]string{"catalog.create": "police.officer", "catalog.review": "reviewer",
		"dataset.ingest": "market.officer", "application.apply": "health.officer", "grant.credential_bind": "hrss.officer", "region.import": "cli"} {
		list := must(audit.FindAudit(system, govdata.AuditFilter{Action: action, Page: govdata.Page{Limit: govdata.MaxLimit}}))(t)
		if !slices.ContainsFunc(list.Items, func(r *govdata.AuditRecord) bool { return strings.HasPrefix(r.ActorName, who) }) {
			t.Errorf("no %s record by %s", action, who)
		}
	}
	if v, err := audit.VerifyAudit(system, nil); err != nil || !v.Intact {
		t.Errorf("audit chain after the demo: %+v, %v", v, err)
	}
}

// sealedItems names the sealed columns of an entry's dataset (SEC-2).
func sealedItems(t *testing.T, ctx context.Context, datasets *sqlstore.DatasetService, entry int64) []string {
	t.Helper()
	ds := must(datasets.FindDataset(ctx, entry))(t)
	var out []string
	for _, col := range ds.Columns {
		if col.Encrypted {
			out = append(out, col.Item)
		}
	}
	return out
}

// demoSnapshot is what a run that changes nothing leaves alone: the head of
// the audit log, which every write extends, the counts of what people
// make, and the files of the data folder.
func demoSnapshot(t *testing.T, c *cli, db *sqlstore.DB) string {
	t.Helper()
	head := must(sqlstore.NewAuditService(db).FindAudit(system, govdata.AuditFilter{Page: govdata.Page{Limit: 1}}))(t)
	s := "audit head"
	for _, r := range head.Items {
		s += fmt.Sprintf(" %d %s", r.Seq, hex.EncodeToString(r.Hash))
	}
	users := must(sqlstore.NewUserService(db).CountUsers(system))(t)
	regions := must(sqlstore.NewRegionService(db).FindRegions(system, govdata.RegionFilter{Page: govdata.Page{Limit: govdata.MaxLimit}}))(t)
	depts := must(sqlstore.NewDepartmentService(db).FindDepartments(system, govdata.DepartmentFilter{Page: govdata.Page{Limit: govdata.MaxLimit}}))(t)
	s += fmt.Sprintf("; %d users, %d regions, %d departments; files", users, len(regions.Items), len(depts.Items))
	files, err := os.ReadDir(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), "-wal") && !strings.HasSuffix(f.Name(), "-shm") {
			s += " " + f.Name()
		}
	}
	return s
}

// TestDemoUsage: the command is in the usage text, and says what it does.
func TestDemoUsage(t *testing.T) {
	if stdout, _, code := runArgs(t, "help"); code != 0 || !strings.Contains(stdout, "govdata demo [flags]") {
		t.Errorf("govdata help: exit %d, no demo in %q", code, stdout)
	}
	if _, stderr, code := runArgs(t, "demo", "--help"); code != 0 || !strings.Contains(stderr, "Usage: govdata demo") || !strings.Contains(stderr, "--password") {
		t.Errorf("govdata demo --help: exit %d, stderr %q", code, stderr)
	}
	if _, stderr, code := runArgs(t, "demo", "extra"); code != 2 || !strings.Contains(stderr, "Usage: govdata demo") {
		t.Errorf("govdata demo extra: exit %d, stderr %q; want 2 and the usage", code, stderr)
	}
}
