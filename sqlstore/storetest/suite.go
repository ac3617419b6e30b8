package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
)

// Suite is the storage conformance suite: the behaviour every engine must
// show, one entry per service. Each test opens a fresh database per case.
var Suite = []struct {
	Name string
	Test func(t *testing.T, e Engine)
}{
	{"Regions", TestRegions},
	{"Departments", TestDepartments},
	{"Users", TestUsers},
	{"Auth", TestAuth},
	{"Credentials", TestCredentials},
	{"Nonces", TestNonces},
	{"Audit", TestAudit},
	{"AuditTamper", TestAuditTamper},
	{"Concurrency", TestConcurrency},
}

// Run runs the whole suite on every engine (see Engines).
func Run(t *testing.T) {
	for _, s := range Suite {
		t.Run(s.Name, func(t *testing.T) { Each(t, s.Test) })
	}
}

// fixture is one fresh store with its services and its hand-moved clock.
type fixture struct {
	t       *testing.T
	db      *sqlstore.DB
	clock   *Clock
	regions *sqlstore.RegionService
	depts   *sqlstore.DepartmentService
	users   *sqlstore.UserService
	auth    *sqlstore.AuthService
	creds   *sqlstore.CredentialService
	audit   *sqlstore.AuditService
}

// newFixture opens a fresh store of engine e; change, if given, adjusts the
// test options first.
func newFixture(t *testing.T, e Engine, change ...func(*sqlstore.Options)) *fixture {
	t.Helper()
	o := Options()
	for _, c := range change {
		c(&o)
	}
	return fixtureOf(t, Open(t, e, &o), o.Clock.(*Clock))
}

func fixtureOf(t *testing.T, db *sqlstore.DB, clock *Clock) *fixture {
	return &fixture{t: t, db: db, clock: clock,
		regions: sqlstore.NewRegionService(db), depts: sqlstore.NewDepartmentService(db),
		users: sqlstore.NewUserService(db), auth: sqlstore.NewAuthService(db),
		creds: sqlstore.NewCredentialService(db), audit: sqlstore.NewAuditService(db)}
}

// testPassword satisfies the default policy and contains no seeded username.
const testPassword = "Govdata-2026!"

// org is a small seeded organisation: two regions with a department each,
// and one user per kind of actor the tests need.
type org struct {
	dept1, dept2                                 *govdata.Department
	admin, sec, auditor, officer1, officer2      *govdata.User
	asAdmin, asSec, asAuditor, asOff1, asOff2    context.Context
	adminA, secA, auditorA, officer1A, officer2A govdata.Actor
}

// seed creates 福建省/福州市/鼓楼区 and 厦门市, a department in each city and
// the users of org, all with testPassword and no forced change.
func (f *fixture) seed() *org {
	t := f.t
	t.Helper()
	for _, r := range [][2]string{{"350000", "福建省"}, {"350100", "福州市"}, {"350102", "鼓楼区"}, {"350200", "厦门市"}} {
		mustRegion(t, f, r[0], r[1])
	}
	o := &org{}
	o.dept1 = mustDepartment(t, f, deptInput("福州市大数据委", "350100", 0))
	o.dept2 = mustDepartment(t, f, deptInput("厦门市大数据局", "350200", 0))
	o.admin = mustUser(t, f, "admin", "系统管理员", 0, govdata.RoleSysadmin)
	o.sec = mustUser(t, f, "sec", "安全管理员", 0, govdata.RoleSecadmin)
	o.auditor = mustUser(t, f, "auditor", "审计员", 0, govdata.RoleAuditor)
	o.officer1 = mustUser(t, f, "officer1", "福州数据专员", o.dept1.ID, govdata.RoleOfficer)
	o.officer2 = mustUser(t, f, "officer2", "厦门数据专员", o.dept2.ID, govdata.RoleOfficer)
	o.adminA, o.secA, o.auditorA = actorOf(o.admin), actorOf(o.sec), actorOf(o.auditor)
	o.officer1A, o.officer2A = actorOf(o.officer1), actorOf(o.officer2)
	o.asAdmin, o.asSec, o.asAuditor = As(o.adminA), As(o.secA), As(o.auditorA)
	o.asOff1, o.asOff2 = As(o.officer1A), As(o.officer2A)
	return o
}

// actorOf is the actor a signed-in u would be.
func actorOf(u *govdata.User) govdata.Actor {
	return govdata.Actor{UserID: u.ID, Username: u.Username, Roles: slices.Clone(u.Roles), DepartmentID: u.DepartmentID}
}

func mustRegion(t *testing.T, f *fixture, code, name string) *govdata.Region {
	t.Helper()
	r, err := f.regions.CreateRegion(System(), govdata.RegionInput{Code: code, Name: name})
	if err != nil {
		t.Fatalf("create region %s: %v", code, err)
	}
	return r
}

var creditSerial atomic.Int64

// creditCode returns a fresh valid unified social credit code of an organ
// of the state in 福建 (category 1 1, GB 32100).
func creditCode() string {
	body := fmt.Sprintf("11350000%09d", creditSerial.Add(1))
	c, _ := govdata.CreditCodeCheckChar(body)
	return body + string(c)
}

func deptInput(name, region string, parent int64) govdata.DepartmentInput {
	return govdata.DepartmentInput{Name: name, CreditCode: creditCode(), RegionCode: region, Level: govdata.LevelCity, ParentID: parent}
}

func mustDepartment(t *testing.T, f *fixture, in govdata.DepartmentInput) *govdata.Department {
	t.Helper()
	d, err := f.depts.CreateDepartment(System(), in)
	if err != nil {
		t.Fatalf("create department %s: %v", in.Name, err)
	}
	return d
}

// mustUser creates a user with testPassword that need not change it.
func mustUser(t *testing.T, f *fixture, username, name string, dept int64, roles ...govdata.Role) *govdata.User {
	t.Helper()
	u, err := f.users.CreateUserWithPassword(System(), govdata.UserInput{
		Username: username, Password: testPassword, Name: name, DepartmentID: dept, Roles: roles}, false)
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	return u
}

// guesser is an anonymous caller from the i-th of many client addresses
// (IPv4, or an IPv6 /64 of its own from 256 on): failed logins spread over
// them count against the username, never long enough against one address
// to make it wait.
func guesser(i int) context.Context {
	addr := fmt.Sprintf("198.51.%d.%d", 100+i/250, 1+i%250)
	if i >= 256 {
		addr = fmt.Sprintf("2001:db8:%x::1", i)
	}
	return As(govdata.Actor{ClientAddr: addr})
}

// mustLogin signs username in and returns the session and its actor.
func mustLogin(t *testing.T, f *fixture, username, password string) (*govdata.Session, govdata.Actor) {
	t.Helper()
	s, err := f.auth.Login(context.Background(), username, password)
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	a, err := f.auth.Authenticate(context.Background(), s.Token)
	if err != nil {
		t.Fatalf("authenticate %s right after login: %v", username, err)
	}
	return s, a
}

// wantCode fails unless err has the code.
func wantCode(t *testing.T, err error, code govdata.ErrorCode) {
	t.Helper()
	if got := govdata.ErrorCodeOf(err); got != code {
		t.Fatalf("error %v (code %q), want code %q", err, got, code)
	}
}

// wantField fails unless err is a domain error of code with a message on field.
func wantField(t *testing.T, err error, code govdata.ErrorCode, field string) *govdata.Error {
	t.Helper()
	var e *govdata.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error %v, want code %q on field %q", err, code, field)
	}
	if _, ok := e.Fields[field]; !ok {
		t.Fatalf("error %v has fields %v, want one on %q", err, e.Fields, field)
	}
	return e
}

// wantMsg fails unless err is a domain error of code with message m.
func wantMsg(t *testing.T, err error, code govdata.ErrorCode, m govdata.Msg) *govdata.Error {
	t.Helper()
	var e *govdata.Error
	if !errors.As(err, &e) || e.Code != code || e.Message.Msg != m {
		t.Fatalf("error %v, want %s: %q", err, code, m.EN)
	}
	return e
}

// wantHidden fails unless err refuses an object the caller may not see as
// though it did not exist (issue 11): ENOTFOUND with m, marked hidden.
func wantHidden(t *testing.T, err error, m govdata.Msg) {
	t.Helper()
	wantMsg(t, err, govdata.ENOTFOUND, m)
	if !govdata.IsHidden(err) {
		t.Fatalf("error %v is not marked hidden: its refusal would not be audited", err)
	}
}

// auditHead verifies the chain (it must be intact) and returns its length.
func (f *fixture) auditHead() int64 {
	f.t.Helper()
	v, err := f.audit.VerifyAudit(System(), nil)
	if err != nil {
		f.t.Fatalf("verify audit: %v", err)
	}
	if !v.Intact {
		f.t.Fatalf("audit chain broken: %+v", v.Break)
	}
	return v.Records
}

// auditAfter returns the records after seq, oldest first.
func (f *fixture) auditAfter(seq int64) []*govdata.AuditRecord {
	f.t.Helper()
	var out []*govdata.AuditRecord
	filter := govdata.AuditFilter{Page: govdata.Page{Limit: govdata.MaxLimit}}
	for {
		l, err := f.audit.FindAudit(System(), filter)
		if err != nil {
			f.t.Fatalf("find audit: %v", err)
		}
		done := false
		for _, r := range l.Items {
			if r.Seq <= seq {
				done = true
				break
			}
			out = append(out, r)
		}
		if done || l.NextCursor == "" {
			break
		}
		filter.Cursor = l.NextCursor
	}
	slices.Reverse(out)
	return out
}

// oneAudit fails unless exactly one record was appended after seq, with the
// action, result and actor name given; it returns that record.
func (f *fixture) oneAudit(seq int64, action string, result govdata.AuditResult, actor string) *govdata.AuditRecord {
	f.t.Helper()
	rs := f.auditAfter(seq)
	if len(rs) != 1 {
		f.t.Fatalf("%d audit records after %d, want 1 (%s): %s", len(rs), seq, action, describe(rs))
	}
	r := rs[0]
	if r.Action != action || r.Result != result || r.ActorName != actor {
		f.t.Fatalf("audit record %s/%s by %q, want %s/%s by %q", r.Action, r.Result, r.ActorName, action, result, actor)
	}
	return r
}

// noAudit fails if anything was appended after seq.
func (f *fixture) noAudit(seq int64) {
	f.t.Helper()
	if rs := f.auditAfter(seq); len(rs) != 0 {
		f.t.Fatalf("%d audit records appended, want none: %s", len(rs), describe(rs))
	}
}

func describe(rs []*govdata.AuditRecord) string {
	var s []string
	for _, r := range rs {
		s = append(s, fmt.Sprintf("#%d %s/%s by %s on %s %s", r.Seq, r.Action, r.Result, r.ActorName, r.ObjectType, r.ObjectID))
	}
	return "[" + strings.Join(s, "; ") + "]"
}
