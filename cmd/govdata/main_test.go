package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// testMasterKey is the master key every command of these tests uses.
var testMasterKey = bytes.Repeat([]byte{0x5a}, 32)

// cleanEnv removes every GOVDATA_ setting of the caller's shell for the
// test (the PostgreSQL DSN of the harness is kept) and sets the master key.
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GOVDATA_") && k != "GOVDATA_TEST_POSTGRES" {
			t.Setenv(k, "") // restores the value when the test ends
			os.Unsetenv(k)
		}
	}
	t.Setenv("GOVDATA_MASTER_KEY", hex.EncodeToString(testMasterKey))
}

// cli runs govdata commands against one fresh store.
type cli struct {
	t      *testing.T
	engine storetest.Engine
	dir    string
	dsn    string
}

func newCLI(t *testing.T, e storetest.Engine) *cli {
	t.Helper()
	cleanEnv(t)
	c := &cli{t: t, engine: e, dir: t.TempDir()}
	if e == storetest.Postgres {
		c.dsn = storetest.CreateDatabase(t)
	}
	return c
}

func (c *cli) storeFlags() []string {
	f := []string{"--data", c.dir}
	if c.dsn != "" {
		f = append(f, "--db", c.dsn)
	}
	return f
}

// run runs the command (its words in one string, e.g. "user create") with
// the store's flags, then args.
func (c *cli) run(command string, args ...string) (stdout, stderr string, code int) {
	c.t.Helper()
	full := append(strings.Fields(command), c.storeFlags()...)
	return runArgs(c.t, append(full, args...)...)
}

// mustRun runs a command that must succeed.
func (c *cli) mustRun(command string, args ...string) string {
	c.t.Helper()
	stdout, stderr, code := c.run(command, args...)
	if code != 0 {
		c.t.Fatalf("govdata %s %s: exit %d\nstdout: %s\nstderr: %s", command, strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

func runArgs(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// open opens the store the commands work on, to look at what they did.
func (c *cli) open() *sqlstore.DB {
	c.t.Helper()
	db, err := sqlstore.Open(context.Background(), sqlstore.Options{DataDir: c.dir, DSN: c.dsn, MasterKey: testMasterKey})
	if err != nil {
		c.t.Fatalf("open store: %v", err)
	}
	c.t.Cleanup(func() { db.Close() })
	return db
}

// system acts as the platform; client acts as an anonymous caller.
var (
	system = govdata.WithActor(context.Background(), govdata.SystemActor)
	client = govdata.WithActor(context.Background(), govdata.Actor{ClientAddr: "127.0.0.1"})
)

func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		stdout, stderr, code := runArgs(t, arg)
		if code != 0 || stdout != "govdata "+govdata.Version+"\n" || stderr != "" {
			t.Errorf("govdata %s: exit %d, stdout %q, stderr %q; want 0, %q", arg, code, stdout, stderr, "govdata "+govdata.Version+"\n")
		}
	}
}

func TestUsage(t *testing.T) {
	for _, tt := range []struct {
		args       []string
		code       int
		wantStdout string
		wantStderr string
	}{
		{nil, 2, "", "Usage:"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"help"}, 0, "govdata serve", ""},
		{[]string{"user"}, 2, "", "govdata user create"},
		{[]string{"user", "frob"}, 2, "", `unknown subcommand "frob"`},
		{[]string{"audit"}, 2, "", "govdata audit verify"},
		{[]string{"audit", "check"}, 2, "", "govdata audit verify"},
		{[]string{"regions"}, 2, "", "govdata regions import"},
	} {
		stdout, stderr, code := runArgs(t, tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.wantStdout) || !strings.Contains(stderr, tt.wantStderr) {
			t.Errorf("govdata %v: exit %d, stdout %q, stderr %q; want %d, stdout with %q, stderr with %q",
				tt.args, code, stdout, stderr, tt.code, tt.wantStdout, tt.wantStderr)
		}
	}
}

func TestMigrate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		for i := range 2 { // a second run finds nothing to do
			if out := c.mustRun("migrate"); out != "migrations applied ("+string(e)+")\n" {
				t.Errorf("run %d: stdout %q", i+1, out)
			}
		}
		if e == storetest.SQLite {
			if _, err := os.Stat(filepath.Join(c.dir, "govdata.db")); err != nil {
				t.Errorf("no SQLite database in --data: %v", err)
			}
		}
		// Migrating makes no account: the first "serve" does.
		if n, err := sqlstore.NewUserService(c.open()).CountUsers(system); err != nil || n != 0 {
			t.Errorf("users after migrate: %d, %v; want 0", n, err)
		}
	})
}

var issuedRE = regexp.MustCompile(`issued password: (\S+) \(to be changed at first login\)`)

func TestUserCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		out := c.mustRun("user create", "--name", "王五", "--roles", "auditor", "wangwu")
		if !strings.HasPrefix(out, "created user wangwu (id ") || !strings.Contains(out, "roles auditor)") {
			t.Errorf("stdout %q", out)
		}
		m := issuedRE.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no issued password in %q", out)
		}
		// A password given on the command line is issued too, and not echoed.
		out = c.mustRun("user create", "--name", "赵六", "--roles", "secadmin", "--password", "Given-Pass-2026", "zhaoliu")
		if strings.Contains(out, "issued password") || strings.Contains(out, "Given-Pass-2026") {
			t.Errorf("stdout shows the given password: %q", out)
		}

		db := c.open()
		auth := sqlstore.NewAuthService(db)
		for user, pw := range map[string]string{"wangwu": m[1], "zhaoliu": "Given-Pass-2026"} {
			u, err := sqlstore.NewUserService(db).FindUserByUsername(system, user)
			if err != nil {
				t.Fatalf("find %s: %v", user, err)
			}
			if !u.MustChangePassword {
				t.Errorf("%s: must_change_password false, want true", user)
			}
			sess, err := auth.Login(client, user, pw)
			if err != nil {
				t.Fatalf("login %s with the issued password: %v", user, err)
			}
			if !sess.PasswordChangeRequired {
				t.Errorf("%s: session without password_change_required", user)
			}
		}
		// The command is audited as the operator's shell account, acting for the platform.
		list, err := sqlstore.NewAuditService(db).FindAudit(system, govdata.AuditFilter{Action: "user.create"})
		if err != nil || len(list.Items) != 2 {
			t.Fatalf("user.create audit records: %d, %v; want 2", len(list.Items), err)
		}
		for _, r := range list.Items {
			if !strings.HasPrefix(r.ActorName, "cli") || r.ClientAddr != "local" {
				t.Errorf("audit record %d: actor %q from %q, want cli:<OS user> from local", r.Seq, r.ActorName, r.ClientAddr)
			}
		}

		// The same username again is a conflict.
		_, stderr, code := c.run("user create", "--name", "王五", "--roles", "auditor", "wangwu")
		if code != 1 || !strings.Contains(stderr, "govdata: ") {
			t.Errorf("duplicate user: exit %d, stderr %q; want 1 and a message", code, stderr)
		}
	})
}

// TestUserCreateOfficer: the CLI on the server acts as the platform and
// grants a business role at once. Whoever runs it has the server's shell,
// and so the database and the master key: asking a secadmin would protect
// nothing. It is audited as cli:<OS user>.
func TestUserCreateOfficer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		c.mustRun("migrate")
		db := c.open()
		if _, err := sqlstore.NewRegionService(db).CreateRegion(system, govdata.RegionInput{Code: "230000", Name: "黑龙江省"}); err != nil {
			t.Fatal(err)
		}
		body := "11230000000000001"
		ch, _ := govdata.CreditCodeCheckChar(body)
		d, err := sqlstore.NewDepartmentService(db).CreateDepartment(system, govdata.DepartmentInput{Name: "黑龙江省公安厅",
			CreditCode: body + string(ch), RegionCode: "230000", Level: govdata.LevelProvince})
		if err != nil {
			t.Fatal(err)
		}
		out := c.mustRun("user create", "--name", "王五", "--roles", "officer", "--department", strconv.FormatInt(d.ID, 10), "wangwu")
		if !strings.Contains(out, "roles officer)") {
			t.Errorf("stdout %q", out)
		}
		u, err := sqlstore.NewUserService(db).FindUserByUsername(system, "wangwu")
		if err != nil || !slices.Equal(u.Roles, []govdata.Role{govdata.RoleOfficer}) || len(u.PendingRoles) != 0 {
			t.Fatalf("created %+v, %v; want an officer now", u, err)
		}
	})
}

func TestUserCreateRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		for _, tt := range []struct {
			name string
			args []string
			want []string
		}{
			{"separation of duties", []string{"--name", "钱七", "--roles", "sysadmin,auditor", "qianqi"},
				[]string{"三员分立", "separation of duties", "sysadmin", "roles:"}},
			{"no role", []string{"--name", "钱七", "qianqi"}, []string{"give at least one role"}},
			{"unknown role", []string{"--name", "钱七", "--roles", "emperor", "qianqi"}, []string{"unknown role: emperor"}},
			{"officer without department", []string{"--name", "钱七", "--roles", "officer", "qianqi"}, []string{"the officer role requires a department"}},
		} {
			stdout, stderr, code := c.run("user create", tt.args...)
			if code != 1 {
				t.Errorf("%s: exit %d, want 1", tt.name, code)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("%s: stderr does not say %q:\n%s", tt.name, w, stderr)
				}
			}
			if strings.Contains(stdout, "created") || strings.Contains(stdout, "password") {
				t.Errorf("%s: stdout %q", tt.name, stdout)
			}
		}
		if _, err := sqlstore.NewUserService(c.open()).FindUserByUsername(system, "qianqi"); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("refused user exists: %v", err)
		}
	})
}

func TestUserCreateUsage(t *testing.T) {
	c := newCLI(t, storetest.SQLite)
	if _, stderr, code := c.run("user create", "--name", "x", "--roles", "auditor"); code != 2 || !strings.Contains(stderr, "Usage:") {
		t.Errorf("user create without a username: exit %d, stderr %q; want 2 and the usage", code, stderr)
	}
}

var reissuedRE = regexp.MustCompile(`issued password for (\S+): (\S+) \(`)

func TestUserResetPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		const old = "Old-Pass-2026x"
		c.mustRun("user create", "--name", "孙八", "--roles", "secadmin", "--password", old, "sunba")
		c.mustRun("user create", "--name", "郑十一", "--roles", "secadmin", "--password", old, "zhengshiyi")
		db := c.open()
		auth := sqlstore.NewAuthService(db)
		sess, err := auth.Login(client, "sunba", old)
		if err != nil {
			t.Fatal(err)
		}

		out := c.mustRun("user reset-password", "sunba")
		m := reissuedRE.FindStringSubmatch(out)
		if m == nil || m[1] != "sunba" || m[2] == old {
			t.Fatalf("stdout %q: want a new issued password for sunba", out)
		}
		if _, err := auth.Authenticate(client, sess.Token); govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
			t.Errorf("session from before the reset: %v, want unauthorized", err)
		}
		if _, err := auth.Login(client, "sunba", old); govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
			t.Errorf("login with the old password: %v, want unauthorized", err)
		}
		sess, err = auth.Login(client, "sunba", m[2])
		if err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
		if !sess.PasswordChangeRequired {
			t.Errorf("the reset password need not be changed")
		}

		// A reset is a security event (等保 三员分立): the holder and every
		// secadmin are told which account, by whom, when and from where —
		// the holder once, though it is a secadmin too.
		notes := sqlstore.NewNotificationService(db)
		users := sqlstore.NewUserService(db)
		for user, want := range map[string]int{"sunba": 1, "zhengshiyi": 1} {
			u, err := users.FindUserByUsername(system, user)
			if err != nil {
				t.Fatal(err)
			}
			l, err := notes.FindNotifications(storetest.As(govdata.Actor{UserID: u.ID, Username: u.Username, Roles: u.Roles}), govdata.NotificationFilter{})
			if err != nil || len(l.Items) != want {
				t.Fatalf("%s's notices %+v, %v; want %d", user, l.Items, err, want)
			}
			if n := l.Items[0]; n.Kind != govdata.NoticeSecurity || !strings.Contains(n.Title.EN, "sunba") ||
				!strings.Contains(n.Title.EN, "cli") || !strings.Contains(n.Title.ZH, "local") {
				t.Errorf("%s's notice %+v: want a security notice naming sunba, the CLI and local", user, n)
			}
		}

		if _, stderr, code := c.run("user reset-password", "nobody"); code != 1 || !strings.Contains(stderr, "govdata: ") {
			t.Errorf("unknown user: exit %d, stderr %q; want 1 and a message", code, stderr)
		}
	})
}

func TestUserDisable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		const pw = "Some-Pass-2026x"
		c.mustRun("user create", "--name", "周九", "--roles", "auditor", "--password", pw, "zhoujiu")
		// Another auditor, so that zhoujiu is not the last one (which cannot be disabled).
		c.mustRun("user create", "--name", "吴十", "--roles", "auditor", "wushi")
		db := c.open()
		auth := sqlstore.NewAuthService(db)
		sess, err := auth.Login(client, "zhoujiu", pw)
		if err != nil {
			t.Fatal(err)
		}
		if out := c.mustRun("user disable", "zhoujiu"); !strings.HasPrefix(out, "disabled zhoujiu") {
			t.Errorf("stdout %q", out)
		}
		if _, err := auth.Authenticate(client, sess.Token); govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
			t.Errorf("session of the disabled user: %v, want unauthorized", err)
		}
		if _, err := auth.Login(client, "zhoujiu", pw); govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
			t.Errorf("login of the disabled user: %v, want unauthorized", err)
		}
		u, err := sqlstore.NewUserService(db).FindUserByUsername(system, "zhoujiu")
		if err != nil || !u.Disabled {
			t.Errorf("user after disable: %+v, %v; want disabled", u, err)
		}
		if _, stderr, code := c.run("user disable", "nobody"); code != 1 || !strings.Contains(stderr, "govdata: ") {
			t.Errorf("unknown user: exit %d, stderr %q; want 1 and a message", code, stderr)
		}
	})
}

// writeFile writes a file in a fresh folder and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRegionsImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		// A header, and children before their parents.
		csv := "code,name,parent_code\n230102,道里区,230100\n230100,哈尔滨市,230000\n230000,黑龙江省,\n"
		if out := c.mustRun("regions import", writeFile(t, "regions.csv", csv)); out != "regions imported: 3 created, 0 renamed, 0 unchanged\n" {
			t.Errorf("CSV: stdout %q", out)
		}
		json := `[{"code": "230103", "name": "南岗区"}, {"code": "230200", "name": "齐齐哈尔市", "parent_code": "230000"}]`
		if out := c.mustRun("regions import", writeFile(t, "regions.json", json)); out != "regions imported: 2 created, 0 renamed, 0 unchanged\n" {
			t.Errorf("JSON: stdout %q", out)
		}
		// Excel's UTF-8 byte order mark, no header, no parent column.
		bom := "\xef\xbb\xbf230300,鸡西市\n"
		if out := c.mustRun("regions import", writeFile(t, "excel.csv", bom)); out != "regions imported: 1 created, 0 renamed, 0 unchanged\n" {
			t.Errorf("CSV with BOM: stdout %q", out)
		}
		// Again, with one region renamed.
		again := strings.Replace(csv, "道里区", "道里区（新）", 1)
		if out := c.mustRun("regions import", writeFile(t, "regions.csv", again)); out != "regions imported: 0 created, 1 renamed, 2 unchanged\n" {
			t.Errorf("re-import: stdout %q", out)
		}

		regions := sqlstore.NewRegionService(c.open())
		for code, want := range map[string]govdata.Region{
			"230000": {Name: "黑龙江省", Level: govdata.RegionProvince},
			"230100": {Name: "哈尔滨市", ParentCode: "230000", Level: govdata.RegionCity},
			"230102": {Name: "道里区（新）", ParentCode: "230100", Level: govdata.RegionCounty},
			"230103": {Name: "南岗区", ParentCode: "230100", Level: govdata.RegionCounty},
			"230200": {Name: "齐齐哈尔市", ParentCode: "230000", Level: govdata.RegionCity},
			"230300": {Name: "鸡西市", ParentCode: "230000", Level: govdata.RegionCity},
		} {
			r, err := regions.FindRegionByCode(system, code)
			if err != nil {
				t.Errorf("region %s: %v", code, err)
				continue
			}
			if r.Name != want.Name || r.ParentCode != want.ParentCode || r.Level != want.Level {
				t.Errorf("region %s = %s under %q (%s), want %s under %q (%s)", code, r.Name, r.ParentCode, r.Level, want.Name, want.ParentCode, want.Level)
			}
		}
	})
}

func TestRegionsImportRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		for _, tt := range []struct {
			name, file, content string
			want                []string
		}{
			// The bad code is on line 3 of the file, the second region.
			{"bad code", "bad.csv", "code,name,parent_code\n230000,黑龙江省,\n23010X,坏区,230000\n230100,哈尔滨市,230000\n",
				[]string{"第 3 行", "row 3", `"23010X" contains "X"`}},
			{"bad code without header", "bad.csv", "230000,黑龙江省\n2301,坏区\n",
				[]string{"row 2", "region code 2301 has 4 digits"}},
			{"missing parent", "orphan.csv", "code,name,parent_code\n230000,黑龙江省,\n230100,哈尔滨市,230000\n110101,东城区,\n",
				[]string{"row 4", "parent region does not exist"}},
			{"bad JSON element", "bad.json", `[{"code": "230000", "name": "黑龙江省"}, {"code": "2300001", "name": "坏"}]`,
				[]string{"row 2", "region code 2300001 has 7 digits"}},
			{"short CSV row", "short.csv", "230000,黑龙江省\n230100\n", []string{"第 2 行", "row 2", "this line has 1 field"}},
			{"unknown JSON field", "field.json", `[{"code": "230000", "name": "黑龙江省", "parent": "x"}]`, []string{`"parent"`}},
		} {
			stdout, stderr, code := c.run("regions import", writeFile(t, tt.file, tt.content))
			if code != 1 {
				t.Errorf("%s: exit %d, want 1", tt.name, code)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("%s: stderr does not say %q:\n%s", tt.name, w, stderr)
				}
			}
			if stdout != "" {
				t.Errorf("%s: stdout %q", tt.name, stdout)
			}
		}
		// Nothing of any refused file was imported.
		list, err := sqlstore.NewRegionService(c.open()).FindRegions(system, govdata.RegionFilter{})
		if err != nil || len(list.Items) != 0 {
			t.Errorf("regions after refused imports: %d, %v; want none", len(list.Items), err)
		}
		if _, stderr, code := c.run("regions import"); code != 1 || !strings.Contains(stderr, "name one file") {
			t.Errorf("no file: exit %d, stderr %q", code, stderr)
		}
	})
}

func TestAuditVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		c.mustRun("user create", "--name", "审计", "--roles", "auditor", "shenji")
		c.mustRun("regions import", writeFile(t, "r.csv", "230000,黑龙江省\n"))
		out := c.mustRun("audit verify")
		if !regexp.MustCompile(`^audit chain intact: 2 records, sm3, verified in `).MatchString(out) {
			t.Errorf("stdout %q", out)
		}
	})
}

func TestAuditVerifySHA256(t *testing.T) {
	c := newCLI(t, storetest.SQLite)
	c.mustRun("migrate", "--audit-hash", "sha256")
	c.mustRun("user create", "--name", "审计", "--roles", "auditor", "shenji")
	// migrate loads the shipped holidays (one record), then the user.
	if out := c.mustRun("audit verify"); !strings.Contains(out, "intact: 2 records, sha256") {
		t.Errorf("stdout %q", out)
	}
}

func TestServeHelp(t *testing.T) {
	stdout, stderr, code := runArgs(t, "serve", "--help")
	if code != 0 {
		t.Fatalf("serve --help: exit %d\n%s%s", code, stdout, stderr)
	}
	help := stdout + stderr
	n := 0
	newConfig("serve").fs.VisitAll(func(f *flag.Flag) {
		n++
		if want := "--" + f.Name + " (env " + envName(f.Name) + ", default "; !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
		if !strings.Contains(help, f.Usage) {
			t.Errorf("help lacks the usage of --%s", f.Name)
		}
	})
	if n < 19 {
		t.Errorf("serve has %d flags, want at least 19", n)
	}
}

// A command's own flags come from its command line only: a stray
// GOVDATA_PASSWORD in the operator's shell must not become an issued password.
func TestCommandFlagsIgnoreEnvironment(t *testing.T) {
	c := newCLI(t, storetest.SQLite)
	t.Setenv("GOVDATA_PASSWORD", "Stray-env-pass-123")
	t.Setenv("GOVDATA_ROLES", "sysadmin")
	stdout := c.mustRun("user create", "--name", "赵六", "--roles", "auditor", "zhaoliu")
	if !strings.Contains(stdout, "issued password: ") || strings.Contains(stdout, "Stray-env-pass-123") {
		t.Fatalf("stdout %q: want a generated password, not the environment's", stdout)
	}
	if !strings.Contains(stdout, "roles auditor") {
		t.Fatalf("stdout %q: want the command line's roles", stdout)
	}
	auth := sqlstore.NewAuthService(c.open())
	if _, err := auth.Login(client, "zhaoliu", "Stray-env-pass-123"); govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
		t.Fatalf("login with the environment's password: %v, want unauthorized", err)
	}
}

// TestUserUnlock: the CLI on the server lets a locked administrator in
// (ORG-3), and its refusals leave a record like the API's (issue 11 item 8).
func TestUserUnlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		const pw = "Some-Pass-2026x"
		c.mustRun("user create", "--name", "郑十一", "--roles", "sysadmin", "--password", pw, "zheng11")
		db := c.open()
		auth := sqlstore.NewAuthService(db)
		for i := range govdata.DefaultLockoutPolicy.MaxFailures {
			ctx := govdata.WithActor(context.Background(), govdata.Actor{ClientAddr: fmt.Sprintf("198.51.100.%d", i+1)})
			auth.Login(ctx, "zheng11", "Wrong-Pass-2026x")
		}
		if _, err := auth.Login(client, "zheng11", pw); govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
			t.Fatalf("login of the locked user: %v, want unauthorized", err)
		}
		if out := c.mustRun("user unlock", "zheng11"); !strings.HasPrefix(out, "unlocked zheng11") {
			t.Errorf("stdout %q", out)
		}
		if _, err := auth.Login(client, "zheng11", pw); err != nil {
			t.Fatalf("login after unlock: %v", err)
		}
		audit := sqlstore.NewAuditService(db)
		if l, err := audit.FindAudit(system, govdata.AuditFilter{Action: "user.unlock", Result: govdata.AuditOK}); err != nil || len(l.Items) != 1 {
			t.Errorf("unlock records: %v, %v; want one", l.Items, err)
		}
		// Refused commands are recorded.
		if _, _, code := c.run("user unlock", "nobody"); code != 1 {
			t.Errorf("unlock of nobody: exit %d, want 1", code)
		}
		if _, _, code := c.run("user create", "--name", "某", "--roles", "Auditor", "bad.role"); code != 1 {
			t.Errorf("create with a bad role: exit %d, want 1", code)
		}
		for _, action := range []string{"user.unlock", "user.create"} {
			l, err := audit.FindAudit(system, govdata.AuditFilter{Action: action, Result: govdata.AuditRefused})
			if err != nil || len(l.Items) != 1 || !strings.HasPrefix(l.Items[0].ActorName, "cli") {
				t.Errorf("refused %s records: %+v, %v; want one by the CLI", action, l.Items, err)
			}
		}
	})
}
