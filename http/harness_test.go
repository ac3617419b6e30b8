package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govdata/govdata"
	govhttp "github.com/govdata/govdata/http"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/signing"
	"github.com/govdata/govdata/source"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// The HTTP tests run the real router over a real store, on every engine
// storetest knows (SQLite always, PostgreSQL when GOVDATA_TEST_POSTGRES is
// set). Each test builds a fresh env: a migrated database, a fixture of
// regions, departments, one account per role, and the server over them.

// fixturePassword is the password of every fixture account.
const fixturePassword = "Sj-Zy#2026pw"

// The fixture's regions.
const (
	regionFujian = "350000"
	regionFuzhou = "350100"
	regionXiamen = "350200"
)

// account is a fixture user and its current session.
type account struct {
	username string
	password string
	user     *govdata.User
	token    string
	csrf     string
}

// env is one server under test over one fresh store.
type env struct {
	engine storetest.Engine
	db     *sqlstore.DB
	clock  *storetest.Clock
	svc    govhttp.Services
	srv    *govhttp.Server
	ts     *httptest.Server // nil: requests are served in process
	// metrics are the server's, served apart (--metrics-addr).
	metrics *govhttp.Metrics
	log     *logBuffer

	deptA, deptB, deptP *govdata.Department
	accounts            map[string]*account       // by username
	cred, credB         *govdata.IssuedCredential // a credential of department A, and one of B

	// public is the fixture's public account (public_account_test.go).
	public     *publicCaller
	publicOnce sync.Once

	seq     atomic.Int64 // request IDs and unique names
	regions atomic.Int64 // county codes
}

type envOptions struct {
	maxBodyBytes int64
	// inProcess serves requests through ServeHTTP instead of a listening
	// server (the fuzz tests: faster, and raw query bytes reach the router).
	inProcess bool
	// profile is the shipped regulation profile; "" is the default one.
	profile string
	// sourceDeny is the sources' deny list (--source-deny); nil allows
	// any address, so that tests reach providers on this host.
	sourceDeny []netip.Prefix
	// audit, if set, wraps the audit service the server uses.
	audit func(govdata.AuditService) govdata.AuditService
	// trustProxy trusts the test client as a reverse proxy, so that a
	// request's X-Forwarded-For names its client address.
	trustProxy bool
	// ui is the web console the server serves (Config.UI); nil, none.
	ui fs.FS
	// publicRate is Config.PublicRateLimit; 0 is high enough for the
	// matrix, which registers and signs in from one address.
	publicRate int
	// openData, if set, adjusts the open-data service (its rate limits);
	// public authenticates public accounts (Services.Public).
	openData func(*sqlstore.OpenDataService)
	public   govdata.PublicAuthService
}

// logBuffer keeps what the server and the store log, to show with a failure.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		b.buf.Reset()
	}
	return b.buf.Write(p)
}

func (b *logBuffer) tail() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	return s
}

// The fixture accounts: one per role of PRODUCT.md §1, named after it, an
// officer of department B, and "target", an ordinary user that tests read
// and change.
var fixtureAccounts = []struct {
	username string
	role     govdata.Role
	dept     string // "A", "B" or ""
}{
	{"sysadmin", govdata.RoleSysadmin, ""},
	{"secadmin", govdata.RoleSecadmin, ""},
	{"auditor", govdata.RoleAuditor, ""},
	{"reviewer", govdata.RoleReviewer, "A"},
	{"officer", govdata.RoleOfficer, "A"},
	{"leader", govdata.RoleLeader, "A"},
	{"supervisor", govdata.RoleSupervisor, "A"},
	{"officerb", govdata.RoleOfficer, "B"},
	{"target", govdata.RoleReviewer, "A"},
}

func newEnv(t testing.TB, engine storetest.Engine, o envOptions) *env {
	t.Helper()
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	metrics := govhttp.NewMetrics()
	opts := storetest.Options()
	opts.Logger = logger
	opts.Hooks = sqlstore.Hooks{AuditAppended: metrics.AuditAppended, CommitDone: metrics.CommitDone, StoreError: metrics.StoreError}
	clock := opts.Clock.(*storetest.Clock)
	db := storetest.Open(t, engine, &opts)
	profile := mustProfile(t)
	if o.profile != "" {
		profile = mustGet(profiles.Shipped(o.profile))(t)
	}
	base := sqlstore.NewBase(db, profile, govdata.ChinaTime)
	flows := sqlstore.NewWorkflowService(base)
	catalog := sqlstore.NewCatalogService(base, flows)
	datasets := sqlstore.NewDatasetService(base)
	sources, masks := sqlstore.NewSourceService(base, datasets, source.Connector{Deny: o.sourceDeny}), sqlstore.NewMaskService(db)
	credentials := sqlstore.NewCredentialService(db)
	grants := sqlstore.NewGrantService(base, credentials)
	data := sqlstore.NewDataService(base, masks, sources)
	openData := sqlstore.NewOpenDataService(base, data, masks, catalog.OpenCatalog())
	// Every test caller comes from one address: the rate limits are the
	// rate tests' own (envOptions.openData).
	openData.AnonBurst, openData.KeyBurst = 1_000_000, 1_000_000
	if o.openData != nil {
		o.openData(openData)
	}
	svc := govhttp.Services{
		Regions:       sqlstore.NewRegionService(db),
		Departments:   sqlstore.NewDepartmentService(db),
		Users:         sqlstore.NewUserService(db),
		Auth:          sqlstore.NewAuthService(db),
		Credentials:   credentials,
		Audit:         sqlstore.NewAuditService(db),
		Calendar:      sqlstore.NewCalendarService(db),
		Workflows:     flows,
		Notifications: sqlstore.NewNotificationService(db),
		Deliveries:    sqlstore.NewDeliveryService(db),
		Catalog:       catalog,
		Datasets:      datasets,
		Maintenance:   sqlstore.NewMaintenanceService(base, flows),
		Sources:       sources,
		Applications:  sqlstore.NewApplicationService(base, flows),
		Grants:        grants,
		Monitor:       grants,
		Data:          data,
		Masks:         masks,
		Keys:          sqlstore.NewDataKeyService(db),
		Scenarios:     sqlstore.NewScenarioService(base),
		Usage:         sqlstore.NewUsageService(base),
		Open:          catalog.OpenCatalog(),
		// openflow (OPN-2, OPN-3)
		OpenApplications: sqlstore.NewOpenApplicationService(base, flows),
		OpenWithdrawals:  sqlstore.NewOpenWithdrawalService(base, flows, catalog),
		OpenData:         openData,
		OpenAttributes:   sqlstore.NewOpenAttributeService(base, flows, catalog),
		Store:            db,
	}
	// OPN-2: public accounts, one service for both sides.
	publicAccounts := sqlstore.NewPublicAccountService(db, "http://portal.test")
	svc.Public, svc.PublicAccounts = publicAccounts, publicAccounts
	if o.public != nil {
		svc.Public = o.public // open data's tests: accounts and keys inserted as rows
	}
	if o.publicRate == 0 {
		o.publicRate = 100_000
	}
	if o.audit != nil {
		svc.Audit = o.audit(svc.Audit)
	}
	// The zero Config marks the session cookie Secure, as the binary does.
	cfg := govhttp.Config{
		Clock: clock, MaxBodyBytes: o.maxBodyBytes, Logger: logger, Metrics: metrics,
		Profile: profile, Profiles: []*govdata.Profile{profile}, UI: o.ui, PublicRateLimit: o.publicRate,
	}
	if o.trustProxy {
		cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("192.0.2.10/32")}
	}
	srv := govhttp.NewServer(svc, cfg)
	e := &env{engine: engine, db: db, clock: clock, svc: svc, srv: srv, metrics: metrics, log: logs, accounts: map[string]*account{}}
	if !o.inProcess {
		e.ts = httptest.NewServer(srv)
		t.Cleanup(e.ts.Close)
	}
	e.seed(t)
	return e
}

// seed creates the fixture as the platform itself and signs every account in.
func (e *env) seed(t testing.TB) {
	t.Helper()
	ctx := storetest.System()
	for _, r := range []govdata.RegionInput{{Code: regionFujian, Name: "福建省"}, {Code: regionFuzhou, Name: "福州市"}, {Code: regionXiamen, Name: "厦门市"}} {
		mustGet(e.svc.Regions.CreateRegion(ctx, r))(t)
	}
	e.deptA = mustGet(e.svc.Departments.CreateDepartment(ctx, govdata.DepartmentInput{
		Name: "福州市大数据管理局", CreditCode: e.creditCode(), RegionCode: regionFuzhou, Level: govdata.LevelCity, Bureau: true}))(t)
	e.deptB = mustGet(e.svc.Departments.CreateDepartment(ctx, govdata.DepartmentInput{
		Name: "厦门市大数据管理局", CreditCode: e.creditCode(), RegionCode: regionXiamen, Level: govdata.LevelCity}))(t)
	// The province's bureau reviews department B's entries (Xiamen has
	// none of its own); nobody signs in as it.
	e.deptP = mustGet(e.svc.Departments.CreateDepartment(ctx, govdata.DepartmentInput{
		Name: "福建省大数据管理局", CreditCode: e.creditCode(), RegionCode: regionFujian, Level: govdata.LevelProvince, Bureau: true}))(t)
	for _, fa := range fixtureAccounts {
		in := govdata.UserInput{Username: fa.username, Password: fixturePassword, Name: "测试 " + fa.username, Roles: []govdata.Role{fa.role}}
		switch fa.dept {
		case "A":
			in.DepartmentID = e.deptA.ID
		case "B":
			in.DepartmentID = e.deptB.ID
		}
		u := mustGet(e.svc.Users.CreateUserWithPassword(ctx, in, false))(t)
		e.accounts[fa.username] = &account{username: fa.username, password: fixturePassword, user: u}
		e.login(t, fa.username)
	}
	e.cred = mustGet(e.svc.Credentials.CreateCredential(storetest.As(e.actor("officer")), govdata.CredentialInput{Name: "fixture system"}))(t)
	e.credB = mustGet(e.svc.Credentials.CreateCredential(storetest.As(e.actor("officerb")), govdata.CredentialInput{Name: "fixture system B"}))(t)
}

// mustGet takes a (value, error) result and returns a function that fails
// the test on the error and returns the value: mustGet(f(…))(t).
func mustGet[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// actor is the account acting directly on the services (test setup).
func (e *env) actor(username string) govdata.Actor {
	a := e.accounts[username]
	return govdata.Actor{UserID: a.user.ID, Username: a.username, Roles: a.user.Roles, DepartmentID: a.user.DepartmentID}
}

// next returns a number unique within the env.
func (e *env) next() int64 { return e.seq.Add(1) }

// creditCode returns a fresh valid unified social credit code (GB 32100).
func (e *env) creditCode() string {
	first := fmt.Sprintf("11350100MB%07d", e.next())
	c, ok := govdata.CreditCodeCheckChar(first)
	if !ok {
		panic("bad credit code prefix " + first)
	}
	return first + string(c)
}

// wrongCheck returns code with a wrong check character.
func wrongCheck(code string) string {
	last := code[17]
	for _, c := range []byte("0123456789ABCDEFGHJKLMNPQRTUWXY") {
		if c != last {
			return code[:17] + string(c)
		}
	}
	panic("unreachable")
}

// countyCode returns a fresh county code under an existing region: 3501NN
// (Fuzhou), then 3502NN (Xiamen), then under the province.
func (e *env) countyCode() string {
	n := e.regions.Add(1) - 1
	return fmt.Sprintf("35%02d%02d", 1+(n/99)%99, 1+n%99)
}

// username returns a fresh valid username.
func (e *env) username() string { return fmt.Sprintf("user%05d", e.next()) }

// req is one request to the server.
type req struct {
	method, path string
	// rawQuery, when set, replaces the query after the request is built
	// (bytes a client would refuse to send still reach the router).
	rawQuery string
	// body: nil for none; a string or []byte as is; anything else as JSON.
	body any
	// as sends the bearer token of that fixture account; token sends its own.
	as, token string
	header    map[string]string
	cookies   []*http.Cookie
	sign      *signSpec
	// want5xx: a 5xx is the expected answer (readiness of a closed store).
	want5xx bool
}

// signSpec signs a request as a system credential (ORG-5).
type signSpec struct {
	appKey, secret string
	method         string    // "" means HMAC-SHA256
	at             time.Time // zero means the clock's now
	nonce          string    // "" draws a random one
	// loose sends the request unsigned when it cannot be signed (fuzzing).
	loose bool
}

// resp is the server's answer.
type resp struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
	reqID        string
	cookies      []*http.Cookie
	sent         any // the body sent
}

func (r *resp) String() string {
	if r == nil {
		return "the requests"
	}
	b := bytes.TrimSpace(r.body)
	if len(b) > 600 {
		b = append(bytes.ToValidUTF8(b[:600:600], nil), "…"...)
	}
	return fmt.Sprintf("%s %s → %d %s", r.method, r.path, r.status, b)
}

// do sends the request and reads the answer. A 500 fails the test: no
// request of this suite may ever get one (PRODUCT.md §6).
func (e *env) do(t testing.TB, r req) *resp {
	t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal body: %v", err)
		}
		body = bytes.NewReader(j)
	}
	base := "http://govdata.test"
	if e.ts != nil {
		base = e.ts.URL
	}
	hr, err := http.NewRequestWithContext(context.Background(), r.method, base+r.path, body)
	if err != nil {
		t.Fatalf("new request %s %s: %v", r.method, r.path, err)
	}
	if r.rawQuery != "" {
		hr.URL.RawQuery = r.rawQuery
	}
	reqID := fmt.Sprintf("test-%d", e.next())
	hr.Header.Set("X-Request-ID", reqID)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	switch {
	case r.token != "":
		hr.Header.Set("Authorization", "Bearer "+r.token)
	case r.as != "":
		a, ok := e.accounts[r.as]
		if !ok {
			t.Fatalf("no fixture account %q", r.as)
		}
		hr.Header.Set("Authorization", "Bearer "+a.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	for _, c := range r.cookies {
		hr.AddCookie(c)
	}
	if s := r.sign; s != nil {
		at := s.at
		if at.IsZero() {
			at = e.clock.Now()
		}
		if err := signing.SignRequest(hr, s.appKey, []byte(s.secret), s.method, at, s.nonce); err != nil && !s.loose {
			t.Fatalf("sign %s %s: %v", r.method, r.path, err)
		}
	}
	var res *http.Response
	if e.ts != nil {
		res, err = e.ts.Client().Do(hr)
		if err != nil {
			t.Fatalf("%s %s: %v", r.method, r.path, err)
		}
	} else {
		if hr.Body == nil {
			hr.Body = http.NoBody // as a server gives it
		}
		hr.RemoteAddr = "192.0.2.10:40000"
		hr.RequestURI = hr.URL.RequestURI()
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, hr)
		res = rec.Result()
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", r.method, r.path, err)
	}
	out := &resp{method: r.method, path: r.path, status: res.StatusCode, header: res.Header, body: b, reqID: reqID, cookies: res.Cookies(), sent: r.body}
	if out.status >= 500 && !r.want5xx {
		t.Errorf("%v (never a 5xx)\nlog:\n%s", out, e.log.tail())
	}
	return out
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// mustStatus fails unless the answer has the status.
func mustStatus(t testing.TB, r *resp, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%v, want status %d", r, want)
	}
}

// decode reads a JSON answer into a T.
func decode[T any](t testing.TB, r *resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("%v: decode %T: %v", r, v, err)
	}
	return v
}

// mustOK fails unless the answer has the status, and decodes it.
func mustOK[T any](t testing.TB, r *resp, status int) T {
	t.Helper()
	mustStatus(t, r, status)
	return decode[T](t, r)
}

// envelope is the error envelope of PRODUCT.md §4.
type envelope struct {
	Error struct {
		Code      string            `json:"code"`
		Message   string            `json:"message"`
		Fields    map[string]string `json:"fields"`
		Details   map[string]any    `json:"details"`
		RequestID string            `json:"request_id"`
	} `json:"error"`
}

// checkEnvelope reports what is wrong with a 4xx answer, or "".
func checkEnvelope(r *resp) string {
	if problem := checkEnvelopeShape(r); problem != "" {
		return problem
	}
	var env envelope
	if err := json.Unmarshal(r.body, &env); err != nil {
		return fmt.Sprintf("envelope: %v", err)
	}
	switch govdata.ErrorCode(env.Error.Code) {
	case govdata.EINVALID, govdata.ENOTFOUND, govdata.ECONFLICT, govdata.EUNAUTHORIZED, govdata.EFORBIDDEN:
	default:
		return fmt.Sprintf("error code %q is not a 4xx code of PRODUCT.md §4", env.Error.Code)
	}
	return ""
}

// checkEnvelopeShape reports what is wrong with an error answer, or "":
// JSON, {"error": {...}} alone, with a code and a message.
func checkEnvelopeShape(r *resp) string {
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Sprintf("Content-Type %q, want application/json", ct)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &raw); err != nil {
		return fmt.Sprintf("body is not a JSON object: %v", err)
	}
	if _, ok := raw["error"]; !ok || len(raw) != 1 {
		return `body is not {"error": {...}}`
	}
	var env envelope
	if err := json.Unmarshal(r.body, &env); err != nil {
		return fmt.Sprintf("envelope: %v", err)
	}
	if env.Error.Code == "" {
		return "no error code"
	}
	if strings.TrimSpace(env.Error.Message) == "" {
		return "empty error message"
	}
	return ""
}

// mustError fails unless the answer is the error envelope with the status
// and code and a non-empty message, and returns it.
func mustError(t testing.TB, r *resp, status int, code govdata.ErrorCode) envelope {
	t.Helper()
	if r.status != status {
		t.Fatalf("%v, want status %d", r, status)
	}
	if problem := checkEnvelope(r); problem != "" {
		t.Fatalf("%v: %s", r, problem)
	}
	env := decode[envelope](t, r)
	if env.Error.Code != string(code) {
		t.Fatalf("%v: code %q, want %q", r, env.Error.Code, code)
	}
	if status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
		t.Errorf("%v: a 401 without WWW-Authenticate", r)
	}
	return env
}

// auditItem is an audit record as GET /api/v1/audit shows it.
type auditItem struct {
	Seq       int64           `json:"seq"`
	Actor     string          `json:"actor"`
	Action    string          `json:"action"`
	ObjectID  string          `json:"object_id"`
	Result    string          `json:"result"`
	RequestID string          `json:"request_id"`
	Detail    json.RawMessage `json:"detail"`
	Hash      string          `json:"hash"`
}

// auditOf returns the audit records of one request.
func (e *env) auditOf(t testing.TB, r *resp) []*govdata.AuditRecord {
	t.Helper()
	list := mustGet(e.svc.Audit.FindAudit(storetest.System(), govdata.AuditFilter{Page: govdata.Page{Limit: 200}}))(t)
	var out []*govdata.AuditRecord
	for _, rec := range list.Items {
		if rec.RequestID == r.reqID {
			out = append(out, rec)
		}
	}
	return out
}

// mustAudited fails unless the request left an audit record with the result.
func (e *env) mustAudited(t testing.TB, r *resp, result govdata.AuditResult) *govdata.AuditRecord {
	t.Helper()
	recs := e.auditOf(t, r)
	for _, rec := range recs {
		if rec.Result == result {
			return rec
		}
	}
	t.Fatalf("%v: no audit record with result %q for request %s (found %d records)", r, result, r.reqID, len(recs))
	return nil
}

// mustRefused fails unless the answer is a 401 or 403 envelope and the
// refusal was audited (ORG-7, SJZ-S-22).
func (e *env) mustRefused(t testing.TB, r *resp, status int) envelope {
	t.Helper()
	code := govdata.EFORBIDDEN
	if status == http.StatusUnauthorized {
		code = govdata.EUNAUTHORIZED
	}
	env := mustError(t, r, status, code)
	e.mustAudited(t, r, govdata.AuditRefused)
	return env
}

// confirmRoles has the fixture secadmin confirm over HTTP every business
// role waiting on the account, for its present department (等保 三员分立).
func (e *env) confirmRoles(t testing.TB, id int64) govdata.User {
	t.Helper()
	u := mustOK[govdata.User](t, e.do(t, req{method: "GET", path: "/api/v1/users/" + itoa(id), as: "secadmin"}), 200)
	return mustOK[govdata.User](t, e.do(t, req{method: "POST", path: "/api/v1/users/" + itoa(id) + "/roles/confirm", as: "secadmin",
		body: govdata.RoleDecision{Roles: u.PendingRoleNames(), DepartmentID: u.DepartmentID}}), 200)
}

// login signs the account in over HTTP and keeps its session.
func (e *env) login(t testing.TB, username string) *account {
	t.Helper()
	a := e.accounts[username]
	r := e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": username, "password": a.password}})
	s := mustOK[govdata.Session](t, r, http.StatusOK)
	a.token, a.csrf = s.Token, s.CSRFToken
	a.user = s.User
	return a
}

// freshToken opens another session of the account and returns its token.
func (e *env) freshToken(t testing.TB, username string) string {
	t.Helper()
	a := e.accounts[username]
	r := e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": username, "password": a.password}})
	return mustOK[govdata.Session](t, r, http.StatusOK).Token
}

// signedBy signs as the credential.
func signedBy(c *govdata.IssuedCredential) *signSpec {
	return &signSpec{appKey: c.AppKey, secret: c.Secret}
}

// all collects every page of a list.
func all[T any](t testing.TB, find func(govdata.Page) (govdata.List[T], error)) []T {
	t.Helper()
	var out []T
	p := govdata.Page{Limit: govdata.MaxLimit}
	for {
		l := mustGet(find(p))(t)
		out = append(out, l.Items...)
		if l.NextCursor == "" {
			return out
		}
		p.Cursor = l.NextCursor
	}
}

// snapshot renders what the store holds of regions, departments, users
// with their roles and role history, credentials and usage records, so a
// test can prove that a refused or invalid request changed nothing.
func (e *env) snapshot(t testing.TB) string {
	t.Helper()
	ctx := storetest.System()
	regions := all(t, func(p govdata.Page) (govdata.List[*govdata.Region], error) {
		return e.svc.Regions.FindRegions(ctx, govdata.RegionFilter{Page: p})
	})
	depts := all(t, func(p govdata.Page) (govdata.List[*govdata.Department], error) {
		return e.svc.Departments.FindDepartments(ctx, govdata.DepartmentFilter{Page: p})
	})
	users := all(t, func(p govdata.Page) (govdata.List[*govdata.User], error) {
		return e.svc.Users.FindUsers(ctx, govdata.UserFilter{Page: p})
	})
	history := map[int64][]govdata.RoleHolding{}
	for _, u := range users {
		history[u.ID] = mustGet(e.svc.Users.FindRoleHistory(ctx, u.ID))(t)
	}
	creds := all(t, func(p govdata.Page) (govdata.List[*govdata.Credential], error) {
		return e.svc.Credentials.FindCredentials(ctx, govdata.CredentialFilter{IncludeRevoked: true, Page: p})
	})
	usage := all(t, func(p govdata.Page) (govdata.List[*govdata.UsageRecord], error) {
		return e.svc.Usage.FindUsageRecords(ctx, govdata.UsageFilter{Page: p})
	})
	b, err := json.MarshalIndent(map[string]any{
		"regions": regions, "departments": depts, "users": users, "role_history": history, "credentials": creds, "usage_records": usage,
	}, "", " ")
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return string(b)
}

// mustUnchanged fails if the store differs from the snapshot.
func (e *env) mustUnchanged(t testing.TB, before string, r *resp) {
	t.Helper()
	if after := e.snapshot(t); after != before {
		t.Errorf("%v changed the store:\nbefore: %s\nafter:  %s", r, before, after)
	}
}

// mustProfile is the default regulation profile.
func mustProfile(t testing.TB) *govdata.Profile {
	t.Helper()
	p, err := profiles.Shipped(profiles.Default)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
