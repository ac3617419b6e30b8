package main

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/govdata/govdata"
)

// The setup takes the path a real deployment takes to a working call, all
// through the HTTP API: the sysadmin makes regions, departments (the city's
// data bureau, a provider, a consumer) and their users; the provider's
// officer catalogs an entry that the bureau's reviewer approves and loads
// its data; the consumer's officer applies, the application goes through
// the active profile's workflow step by step, and the grant gets a system
// credential.

// served is what the setup made: the entry's resource code and the
// credential that calls with its grant.
type served struct {
	entryID int64
	code    string
	grantID int64
	appKey  string
	secret  string
}

// account is a signed-in user of the setup.
type account struct {
	role  govdata.Role
	dept  int64
	token string
}

// Passwords of the setup's users: issued by the sysadmin, then chosen at
// the first login (ORG-3).
const (
	issuedPassword = "Bench-Issued-Pass-1"
	chosenPassword = "Bench-Chosen-Pass-2"
	// secadminIssued is the password of the secadmin the CLI makes.
	secadminIssued = "Bench-Security-Pass-1"
)

// signIn signs a user in with an issued password, changes it to
// chosenPassword (ORG-3) and returns the session's token.
func signIn(a *api, username, issued string) (string, error) {
	var s govdata.Session
	if err := a.call("POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": issued}, http.StatusOK, &s); err != nil {
		return "", err
	}
	if err := a.call("POST", "/api/v1/auth/password", s.Token,
		map[string]string{"old_password": issued, "new_password": chosenPassword}, http.StatusNoContent, nil); err != nil {
		return "", err
	}
	return s.Token, nil
}

// chinaTime is the zone of the platform's dates.
var chinaTime = time.FixedZone("CST", 8*3600)

func creditCode(region string, serial int) (string, error) {
	first := fmt.Sprintf("11%s%09d", region, serial)
	c, ok := govdata.CreditCodeCheckChar(first)
	if !ok {
		return "", fmt.Errorf("credit code %s: bad characters", first)
	}
	return first + string(c), nil
}

// setUp makes the deployment's data and the grant; csvPath holds the rows.
func setUp(a *api, csvPath string, rows int, open bool, logf func(string, ...any)) (*served, error) {
	var admin govdata.Session
	if err := a.call("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": adminPassword}, http.StatusOK, &admin); err != nil {
		return nil, err
	}
	for _, r := range []govdata.RegionInput{{Code: "350000", Name: "福建省"}, {Code: "350100", Name: "福州市"}} {
		if err := a.call("POST", "/api/v1/regions", admin.Token, r, http.StatusCreated, nil); err != nil {
			return nil, err
		}
	}
	depts := map[string]*govdata.Department{}
	for i, d := range []struct {
		key, name string
		bureau    bool
	}{
		{"bureau", "福州市大数据管理局", true},
		{"provider", "福州市公安局", false},
		{"consumer", "福州市人力资源和社会保障局", false},
	} {
		code, err := creditCode("350100", i+1)
		if err != nil {
			return nil, err
		}
		var out govdata.Department
		in := govdata.DepartmentInput{Name: d.name, CreditCode: code, RegionCode: "350100", Level: govdata.LevelCity, Bureau: d.bureau}
		if err := a.call("POST", "/api/v1/departments", admin.Token, in, http.StatusCreated, &out); err != nil {
			return nil, err
		}
		depts[d.key] = &out
	}
	secadmin, err := signIn(a, "secadmin", secadminIssued)
	if err != nil {
		return nil, err
	}
	users := map[string]*account{}
	for _, u := range []struct {
		username, name string
		role           govdata.Role
		dept           string
	}{
		{"reviewer", "审核员", govdata.RoleReviewer, "bureau"},
		{"provider_officer", "公安数据专员", govdata.RoleOfficer, "provider"},
		{"provider_leader", "公安分管领导", govdata.RoleLeader, "provider"},
		{"consumer_officer", "人社数据专员", govdata.RoleOfficer, "consumer"},
		{"consumer_leader", "人社分管领导", govdata.RoleLeader, "consumer"},
	} {
		dept := depts[u.dept].ID
		in := govdata.UserInput{Username: u.username, Password: issuedPassword, Name: u.name, DepartmentID: dept, Roles: []govdata.Role{u.role}}
		var created govdata.User
		if err := a.call("POST", "/api/v1/users", admin.Token, in, http.StatusCreated, &created); err != nil {
			return nil, err
		}
		// The role the sysadmin asked for counts once the secadmin confirms it.
		if err := a.call("POST", "/api/v1/users/"+strconv.FormatInt(created.ID, 10)+"/roles/confirm", secadmin,
			govdata.RoleDecision{Roles: in.Roles, DepartmentID: dept}, http.StatusOK, nil); err != nil {
			return nil, err
		}
		token, err := signIn(a, u.username, issuedPassword)
		if err != nil {
			return nil, err
		}
		users[u.username] = &account{role: u.role, dept: dept, token: token}
	}
	officer, reviewer, consumer := users["provider_officer"].token, users["reviewer"].token, users["consumer_officer"].token

	entryIn := govdata.EntryInput{
		Name: "城镇职工基本养老保险参保人员信息", Summary: "全市城镇职工基本养老保险参保人员的身份、参保状态与缴费基数",
		Classification: govdata.Classification{Category: "3", Subcategory: "01", Group: "002"},
		Format:         "数据库", UpdateCycle: govdata.CycleDaily,
		ShareType: govdata.ShareConditional, ShareConditions: "用于履行社会保险经办职责", ShareMethod: "接口",
		OpenType: govdata.OpenNone, OpenConditions: "涉及个人信息，不予开放", Grade: govdata.GradeImportant, SourceSystem: "社会保险信息系统",
		Items: benchItems,
	}
	if open {
		// OPN-1, ZJ-21: opened unconditionally, the personal items
		// de-identified (their masks are the data service's defaults, so
		// both servers answer the same rows).
		entryIn.OpenType, entryIn.OpenConditions = govdata.OpenUnconditional, ""
		entryIn.Items = slices.Clone(benchItems)
		for i := range entryIn.Items {
			if entryIn.Items[i].MustGuard() {
				entryIn.Items[i].Open = govdata.ItemOpenDeidentified
			}
		}
	}
	var entry govdata.Entry
	if err := a.call("POST", "/api/v1/catalog", officer, entryIn, http.StatusCreated, &entry); err != nil {
		return nil, err
	}
	id := strconv.FormatInt(entry.ID, 10)
	if err := a.call("POST", "/api/v1/catalog/"+id+"/submit", officer, nil, http.StatusOK, nil); err != nil {
		return nil, err
	}
	if err := a.call("POST", "/api/v1/catalog/"+id+"/review", reviewer, map[string]string{"decision": string(govdata.ActionApprove)}, http.StatusOK, &entry); err != nil {
		return nil, err
	}

	logf("loading %d rows through the upload API", rows)
	f, err := os.Open(csvPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	start := time.Now()
	var batch govdata.Batch
	if err := a.call("POST", "/api/v1/catalog/"+id+"/data?mode=replace&file_name=insured.csv", officer,
		upload{body: f, contentType: "text/csv"}, http.StatusCreated, &batch); err != nil {
		return nil, err
	}
	if batch.State != govdata.BatchApplied || batch.Report.RowsAccepted != int64(rows) {
		return nil, fmt.Errorf("upload: batch %d is %s with %d of %d rows accepted: %+v", batch.ID, batch.State, batch.Report.RowsAccepted, rows, batch.Report)
	}
	logf("loaded %d rows in %s", rows, time.Since(start).Round(time.Millisecond))

	today := govdata.DateOf(time.Now().In(chinaTime))
	appIn := govdata.ApplicationInput{CatalogID: entry.ID, Items: itemNames(), Scenario: "养老保险待遇资格认证",
		Purpose: "核对参保人员身份与参保状态", LegalBasis: "《社会保险法》第八条", Method: govdata.MethodAPI, ValidUntil: today.AddDays(365)}
	var app govdata.Application
	if err := a.call("POST", "/api/v1/applications", consumer, appIn, http.StatusCreated, &app); err != nil {
		return nil, err
	}
	if err := decide(a, users, &app); err != nil {
		return nil, err
	}
	var gc govdata.GrantCredential
	if err := a.call("POST", "/api/v1/grants/"+strconv.FormatInt(app.GrantID, 10)+"/credentials", consumer,
		govdata.GrantCredentialInput{Name: "社会保险经办系统"}, http.StatusCreated, &gc); err != nil {
		return nil, err
	}
	if gc.Credential.AppKey == "" || gc.Secret == "" {
		return nil, fmt.Errorf("grant credential without app key or secret")
	}
	return &served{entryID: entry.ID, code: app.ResourceCode, grantID: app.GrantID, appKey: gc.Credential.AppKey, secret: gc.Secret}, nil
}

// decide takes the application through the active profile's workflow: at
// each step, the step's actor approves (or forwards, or signs).
func decide(a *api, users map[string]*account, app *govdata.Application) error {
	anyone := users["consumer_officer"].token
	var profile govdata.Profile
	if err := a.call("GET", "/api/v1/profile", anyone, nil, http.StatusOK, &profile); err != nil {
		return err
	}
	for range 20 {
		if app.GrantID != 0 {
			return nil
		}
		wi := app.Workflow
		if wi == nil || wi.Step == "" {
			return fmt.Errorf("application %d is %s without a grant", app.ID, app.State)
		}
		wf, ok := profile.Workflow(wi.Kind)
		if !ok {
			return fmt.Errorf("profile %s has no workflow %s", profile.Name, wi.Kind)
		}
		steps := slices.Clone(wf.Steps)
		if wf.Return != nil {
			steps = append(steps, *wf.Return)
		}
		i := slices.IndexFunc(steps, func(s govdata.Step) bool { return s.Name == wi.Step })
		if i < 0 {
			return fmt.Errorf("workflow %s has no step %s", wi.Kind, wi.Step)
		}
		step := steps[i]
		dept := wi.Parties[step.Actor.Party]
		var token string
		for _, u := range users {
			if u.role == step.Actor.Role && u.dept == dept {
				token = u.token
			}
		}
		if token == "" {
			return fmt.Errorf("step %s of %s: no user of the setup is %s of department %d", step.Name, wi.Kind, step.Actor.Role, dept)
		}
		j := slices.IndexFunc(step.Actions, func(x govdata.Action) bool {
			return x == govdata.ActionApprove || x == govdata.ActionForward || x == govdata.ActionSign
		})
		if j < 0 {
			return fmt.Errorf("step %s of %s: no approving action in %v", step.Name, wi.Kind, step.Actions)
		}
		path := "/api/v1/applications/" + strconv.FormatInt(app.ID, 10) + "/decision"
		if err := a.call("POST", path, token, govdata.ApplicationDecision{Decision: step.Actions[j]}, http.StatusOK, app); err != nil {
			return err
		}
	}
	return fmt.Errorf("application %d: no grant after 20 steps", app.ID)
}
