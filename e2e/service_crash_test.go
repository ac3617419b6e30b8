package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/signing"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestServiceCallsSurviveSIGKILL: SIGKILL in the middle of a burst of
// signed data-service calls, twice. Every call answered 200 has its
// service.records audit record, found by the X-Request-ID the client sent;
// the grant's usage counts agree with those records; the audit chain
// verifies; the restarted server goes on answering (SHR-4, SEC-1,
// PRODUCT.md §6: no byte leaves without its audit record).
func TestServiceCallsSurviveSIGKILL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		st := newStore(t, e)
		srv := start(t, st, adminEnv)
		sc := setupServiceCalls(t, st, srv)

		var acked []string // request IDs answered 200, over every round
		for round, after := range []int{25, 150} {
			res := burstRecords(srv, sc, round, callsPerWorker, after, func() { srv.signal(syscall.SIGKILL) })
			srv.wait()
			if len(res.unexpected) > 0 {
				t.Errorf("round %d: answers that were neither 200 nor a closed connection: %v", round, res.unexpected)
			}
			if len(res.acked) < after {
				t.Fatalf("round %d: only %d calls answered before the kill, want at least %d", round, len(res.acked), after)
			}
			if res.exhausted {
				t.Fatalf("round %d: the burst ran to its end: the kill came too late", round)
			}
			t.Logf("round %d: kill after %d answers: %d answered of %d attempted", round, after, len(res.acked), res.attempted)
			acked = append(acked, res.acked...)

			mustVerifyIntact(t, st)
			srv = start(t, st, adminEnv)
			sc.relogin(srv)
			sc.mustAllAudited(t, srv, acked)
		}
		// The restarted server goes on serving, and recording.
		if res := burstRecords(srv, sc, 9, 5, 0, nil); len(res.acked) != 5*burstWorkers || len(res.unexpected) > 0 || !res.exhausted {
			t.Fatalf("after the restarts: %d answered, unexpected %v", len(res.acked), res.unexpected)
		} else {
			acked = append(acked, res.acked...)
		}
		sc.mustAllAudited(t, srv, acked)
		srv.stop()
		mustVerifyIntact(t, st)
	})
}

// serviceCalls is a grant on a conditional entry with rows of two
// counties, one county granted, and the credential that calls with it.
type serviceCalls struct {
	code   string // the entry's resource code
	grant  int64
	appKey string
	secret string
	// want is how many rows a call returns: the granted county's.
	want int
	// tokens of the provider's officer and the auditor, renewed after a restart.
	officer, auditor string
}

const (
	crashRowsPerCounty = 40
	crashIssued        = "Issued-Pass-1"
	crashChosen        = "Chosen-Pass-2"
)

// crashCitizenID is a valid citizen ID (GB 11643) of someone born on the
// day'th day after 1960-01-01.
func crashCitizenID(day int) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	id := "230102" + time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day).Format("20060102") + "031"
	sum := 0
	for i, w := range weights {
		sum += int(id[i]-'0') * w
	}
	return id + string("10X98765432"[sum%11])
}

// setupServiceCalls goes the whole way through the API: the sysadmin sets
// up regions, the bureau, the provider and the consumer and their people
// (the auditor with the CLI, as 三员分立 wants); the provider publishes a
// conditional entry and loads rows; the consumer applies for one county;
// each step of the profile's chain is decided by its actor; the consumer
// binds a new credential to the grant.
func setupServiceCalls(t *testing.T, st *store, srv *server) *serviceCalls {
	t.Helper()
	admin := srv.login("admin", adminPassword).Token
	for _, r := range []govdata.RegionInput{{Code: "230000", Name: "黑龙江省"}, {Code: "230100", Name: "哈尔滨市"}, {Code: "230102", Name: "道里区"}, {Code: "230103", Name: "南岗区"}} {
		srv.mustCall("POST", "/api/v1/regions", admin, r, http.StatusCreated, nil)
	}
	var bureau, police, hr govdata.Department
	for i, d := range []struct {
		name   string
		bureau bool
		into   *govdata.Department
	}{{"哈尔滨市数据局", true, &bureau}, {"哈尔滨市公安局", false, &police}, {"哈尔滨市人力资源和社会保障局", false, &hr}} {
		srv.mustCall("POST", "/api/v1/departments", admin, govdata.DepartmentInput{Name: d.name, CreditCode: creditCode(t, "230100", 11+i),
			RegionCode: "230100", Level: govdata.LevelCity, Bureau: d.bureau}, http.StatusCreated, d.into)
	}
	tokens := map[string]string{}
	sec := srv.makeSecadmin(st, "secadmin")
	for _, u := range []govdata.UserInput{
		{Username: "reviewer", Name: "审核员", DepartmentID: bureau.ID, Roles: []govdata.Role{govdata.RoleReviewer}},
		{Username: "police.officer", Name: "公安数据专员", DepartmentID: police.ID, Roles: []govdata.Role{govdata.RoleOfficer}},
		{Username: "police.leader", Name: "公安分管领导", DepartmentID: police.ID, Roles: []govdata.Role{govdata.RoleLeader}},
		{Username: "hr.officer", Name: "人社数据专员", DepartmentID: hr.ID, Roles: []govdata.Role{govdata.RoleOfficer}},
	} {
		u.Password = crashIssued
		var created govdata.User
		srv.mustCall("POST", "/api/v1/users", admin, u, http.StatusCreated, &created)
		srv.confirmRoles(sec, created.ID)
		srv.changePassword(srv.login(u.Username, crashIssued).Token, crashIssued, crashChosen)
		tokens[u.Username] = srv.login(u.Username, crashChosen).Token
	}
	args := append(append([]string{"user", "create"}, st.flags()...), "--name", "审计员", "--roles", "auditor", "--password", crashIssued, "auditor")
	if out, errOut, code := govdataCmd(t, nil, args...); code != 0 {
		t.Fatalf("govdata user create auditor: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	srv.changePassword(srv.login("auditor", crashIssued).Token, crashIssued, crashChosen)

	// The provider publishes a conditional entry and loads rows of two counties.
	var entry govdata.Entry
	srv.mustCall("POST", "/api/v1/catalog", tokens["police.officer"], govdata.EntryInput{
		Name: "城乡居民补贴发放信息", Summary: "城乡居民补贴发放的对象、金额和所属区划", Format: "数据库", UpdateCycle: govdata.CycleMonthly,
		Classification: govdata.Classification{Category: "3", Subcategory: "01", Group: "004"},
		ShareType:      govdata.ShareConditional, ShareConditions: "仅限履职需要", ShareMethod: "接口", OpenType: govdata.OpenNone, OpenConditions: "涉及个人信息，不予开放", Grade: govdata.GradeImportant,
		Items: []govdata.Item{
			{Name: "公民身份号码", Type: govdata.ItemChar, Length: 18, Sensitivity: 4, Personal: true, Key: true},
			{Name: "姓名", Type: govdata.ItemChar, Length: 50, Sensitivity: 3, Personal: true},
			{Name: "行政区划代码", Type: govdata.ItemChar, Length: 6, Sensitivity: 1, Region: true},
			{Name: "补贴金额", Type: govdata.ItemMoney, Length: 12, Sensitivity: 1},
		},
	}, http.StatusCreated, &entry)
	path := "/api/v1/catalog/" + strconv.FormatInt(entry.ID, 10)
	srv.mustCall("POST", path+"/submit", tokens["police.officer"], nil, http.StatusOK, nil)
	srv.mustCall("POST", path+"/review", tokens["reviewer"], map[string]string{"decision": "approve"}, http.StatusOK, &entry)
	var csv strings.Builder
	csv.WriteString("公民身份号码,姓名,行政区划代码,补贴金额\n")
	for i := range 2 * crashRowsPerCounty {
		fmt.Fprintf(&csv, "%s,居民%d,%s,%d.%02d\n", crashCitizenID(i*13), i, []string{"230102", "230103"}[i%2], 100+i, i)
	}
	req, err := http.NewRequest("POST", srv.URL+path+"/data?mode=replace&file_name=rows.csv", strings.NewReader(csv.String()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+tokens["police.officer"])
	res, err := srv.hc.Do(req)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	var batch govdata.Batch
	err = json.NewDecoder(res.Body).Decode(&batch)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusCreated || batch.State != govdata.BatchApplied {
		t.Fatalf("upload: %d %+v %v", res.StatusCode, batch, err)
	}

	// The consumer applies; each step of the profile's chain, as the
	// server states it, is decided by its actor.
	var profile govdata.Profile
	srv.mustCall("GET", "/api/v1/profile", tokens["hr.officer"], nil, http.StatusOK, &profile)
	flow, ok := profile.Workflow(govdata.WorkflowShareConditional)
	if !ok {
		t.Fatalf("profile %s has no conditional share workflow", profile.Name)
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	var app govdata.Application
	srv.mustCall("POST", "/api/v1/applications", tokens["hr.officer"], govdata.ApplicationInput{CatalogID: entry.ID,
		Items: []string{"公民身份号码", "姓名", "行政区划代码", "补贴金额"}, Scenario: "养老保险待遇资格认证", Purpose: "核验补贴发放对象",
		LegalBasis: "《社会保险法》第七十四条", RegionScope: []string{"230102"}, Method: govdata.MethodAPI,
		ValidUntil: govdata.DateOf(time.Now().In(shanghai)).AddDays(365)}, http.StatusCreated, &app)
	actors := map[govdata.StepActor]string{
		{Role: govdata.RoleReviewer, Party: govdata.PartyBureau}:  "reviewer",
		{Role: govdata.RoleOfficer, Party: govdata.PartyProvider}: "police.officer",
		{Role: govdata.RoleLeader, Party: govdata.PartyProvider}:  "police.leader",
	}
	for _, step := range flow.Steps {
		i := slices.IndexFunc(step.Actions, func(a govdata.Action) bool {
			return a == govdata.ActionForward || a == govdata.ActionApprove || a == govdata.ActionSign
		})
		if app.Workflow == nil || app.Workflow.Step != step.Name || i < 0 || actors[step.Actor] == "" {
			t.Fatalf("application at %+v, step %+v", app.Workflow, step)
		}
		srv.mustCall("POST", "/api/v1/applications/"+strconv.FormatInt(app.ID, 10)+"/decision", tokens[actors[step.Actor]],
			govdata.ApplicationDecision{Decision: step.Actions[i]}, http.StatusOK, &app)
	}
	if app.State != govdata.ApplicationApproved || app.GrantID == 0 {
		t.Fatalf("after the chain: %+v", app)
	}
	var gc govdata.GrantCredential
	srv.mustCall("POST", "/api/v1/grants/"+strconv.FormatInt(app.GrantID, 10)+"/credentials", tokens["hr.officer"],
		govdata.GrantCredentialInput{Name: "养老保险待遇认证系统"}, http.StatusCreated, &gc)
	sc := &serviceCalls{code: entry.ResourceCode, grant: app.GrantID, appKey: gc.Credential.AppKey, secret: gc.Secret, want: crashRowsPerCounty}
	sc.relogin(srv)
	return sc
}

// relogin signs the provider's officer and the auditor in on srv.
func (sc *serviceCalls) relogin(srv *server) {
	sc.officer = srv.login("police.officer", crashChosen).Token
	sc.auditor = srv.login("auditor", crashChosen).Token
}

// recordsBurst is what a burst of calls saw.
type recordsBurst struct {
	acked      []string // request IDs answered 200
	attempted  int
	exhausted  bool     // every worker made all its calls: nothing stopped the server
	unexpected []string // answers neither 200 nor a closed connection
}

// callsPerWorker bounds a burst: the kill must come well before.
const callsPerWorker = 1500

// burstRecords makes signed records calls from burstWorkers workers, each
// with a fresh nonce and its own X-Request-ID, until the server stops
// answering or each worker has made calls. After the trigger-th 200 it calls
// onTrigger once. A transport error ends a worker; an answer other than
// 200 is unexpected, and so is a 200 whose body is not the granted rows.
func burstRecords(srv *server, sc *serviceCalls, round, calls, trigger int, onTrigger func()) recordsBurst {
	path := "/api/v1/services/" + url.PathEscape(sc.code) + "/records"
	var (
		mu       sync.Mutex
		res      recordsBurst
		acks     atomic.Int64
		finished atomic.Int64
		once     sync.Once
		wg       sync.WaitGroup
	)
	for w := range burstWorkers {
		hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{}}
		wg.Go(func() {
			defer hc.CloseIdleConnections()
			for i := range calls {
				id := fmt.Sprintf("svc-%d-%d-%d", round, w, i)
				status, body, err := signedGet(hc, srv.URL+path+"?limit=100", id, sc)
				mu.Lock()
				res.attempted++
				switch {
				case err != nil:
					mu.Unlock()
					return
				case status != http.StatusOK:
					res.unexpected = append(res.unexpected, fmt.Sprintf("%s: %d %s", id, status, body))
				default:
					var page govdata.ServiceRecords
					if err := json.Unmarshal(body, &page); err != nil || len(page.Items) != sc.want || page.GrantID != sc.grant {
						res.unexpected = append(res.unexpected, fmt.Sprintf("%s: 200 with %d rows (%v)", id, len(page.Items), err))
					}
					res.acked = append(res.acked, id)
				}
				mu.Unlock()
				if status == http.StatusOK && acks.Add(1) == int64(trigger) && onTrigger != nil {
					once.Do(onTrigger)
				}
			}
			finished.Add(1)
		})
	}
	wg.Wait()
	res.exhausted = finished.Load() == burstWorkers
	return res
}

// signedGet sends a GET signed with the grant's credential (ORG-5), with
// the request ID given, and checks the answer echoes it.
func signedGet(hc *http.Client, u, requestID string, sc *serviceCalls) (int, []byte, error) {
	req, err := http.NewRequestWithContext(context.Background(), "GET", u, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("X-Request-ID", requestID)
	if err := signing.SignRequest(req, sc.appKey, []byte(sc.secret), "", time.Now(), ""); err != nil {
		return 0, nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	if got := resp.Header.Get("X-Request-ID"); got != requestID {
		return resp.StatusCode, []byte(fmt.Sprintf("X-Request-ID %q, want %q; %s", got, requestID, body)), nil
	}
	return resp.StatusCode, body, nil
}

// serviceAudit is an audit record of a data-service call.
type serviceAudit struct {
	Seq        int64  `json:"seq"`
	Action     string `json:"action"`
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	Result     string `json:"result"`
	RequestID  string `json:"request_id"`
}

// mustAllAudited requires, read by the auditor through the API, one
// answered service.records record on the grant for every request ID
// answered 200, and the grant's usage, as its provider sees it, to count
// exactly the answered records (they are written together).
func (sc *serviceCalls) mustAllAudited(t *testing.T, srv *server, acked []string) {
	t.Helper()
	byID := map[string][]serviceAudit{}
	okRecords := 0
	q := url.Values{"action": {"service.records"}, "limit": {"500"}}
	for {
		var page govdata.List[serviceAudit]
		srv.mustCall("GET", "/api/v1/audit?"+q.Encode(), sc.auditor, nil, http.StatusOK, &page)
		for _, rec := range page.Items {
			byID[rec.RequestID] = append(byID[rec.RequestID], rec)
			if rec.Result == string(govdata.AuditOK) {
				okRecords++
			}
		}
		if page.NextCursor == "" {
			break
		}
		q.Set("cursor", page.NextCursor)
	}
	grant := strconv.FormatInt(sc.grant, 10)
	var missing []string
	for _, id := range acked {
		recs := byID[id]
		if len(recs) != 1 || recs[0].Result != string(govdata.AuditOK) || recs[0].ObjectType != "grant" || recs[0].ObjectID != grant {
			missing = append(missing, fmt.Sprintf("%s: %+v", id, recs))
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d calls answered 200 lack their one service.records record: %v", len(missing), len(acked), missing)
	}
	var g govdata.Grant
	srv.mustCall("GET", "/api/v1/grants/"+grant, sc.officer, nil, http.StatusOK, &g)
	if g.Usage.Calls != int64(okRecords) || g.Usage.Rows != int64(okRecords*sc.want) || okRecords < len(acked) {
		t.Fatalf("grant usage %+v; %d answered records, %d calls answered 200", g.Usage, okRecords, len(acked))
	}
}
