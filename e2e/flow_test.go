package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/client"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// auditItem is the part of an audit record the tests look at.
type auditItem struct {
	Seq        int64  `json:"seq"`
	Actor      string `json:"actor"`
	Action     string `json:"action"`
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	Result     string `json:"result"`
}

// TestFlow walks the foundation through the API as its users would: the
// sysadmin sets up regions, a department and its officer; the officer
// issues a system credential; the system makes a signed call; the auditor
// sees every step in the audit log.
func TestFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		st := newStore(t, e)
		srv := start(t, st, adminEnv)
		admin := srv.login("admin", adminPassword).Token

		srv.mustCall("POST", "/api/v1/regions", admin, govdata.RegionInput{Code: "230000", Name: "黑龙江省"}, http.StatusCreated, nil)
		var city govdata.Region
		srv.mustCall("POST", "/api/v1/regions", admin, govdata.RegionInput{Code: "230100", Name: "哈尔滨市"}, http.StatusCreated, &city)
		if city.ParentCode != "230000" || city.Level != govdata.RegionCity {
			t.Errorf("230100: parent %q level %q, want 230000 city", city.ParentCode, city.Level)
		}
		var dept govdata.Department
		srv.mustCall("POST", "/api/v1/departments", admin, govdata.DepartmentInput{
			Name: "哈尔滨市人力资源和社会保障局", CreditCode: creditCode(t, "230100", 1), RegionCode: "230100", Level: govdata.LevelCity,
		}, http.StatusCreated, &dept)
		const officerIssued, officerChosen = "Officer-Issued-1", "Officer-Chosen-2"
		var officer govdata.User
		srv.mustCall("POST", "/api/v1/users", admin, govdata.UserInput{
			Username: "zhangsan", Password: officerIssued, Name: "张三", DepartmentID: dept.ID, Roles: []govdata.Role{govdata.RoleOfficer},
		}, http.StatusCreated, &officer)
		// 三员分立: the sysadmin cannot make an auditor. The first secadmin is
		// made on the server with the CLI; the secadmin then makes the auditor.
		const auditorIssued, auditorChosen = "Auditor-Issued-1", "Auditor-Chosen-2"
		auditorIn := govdata.UserInput{Username: "lisi", Password: auditorIssued, Name: "李四", Roles: []govdata.Role{govdata.RoleAuditor}}
		if code, body := srv.call("POST", "/api/v1/users", admin, auditorIn); code != http.StatusForbidden {
			t.Fatalf("sysadmin creates an auditor: status %d, want 403; body %s", code, body)
		}
		const secIssued, secChosen = "Secadmin-Issued-1", "Secadmin-Chosen-2"
		args := append(append([]string{"user", "create"}, st.flags()...), "--name", "王五", "--roles", "secadmin", "--password", secIssued, "wangwu")
		if out, errOut, code := govdataCmd(t, nil, args...); code != 0 {
			t.Fatalf("govdata user create secadmin: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
		secSess := srv.login("wangwu", secIssued)
		srv.changePassword(secSess.Token, secIssued, secChosen)
		secSess = srv.login("wangwu", secChosen)
		srv.mustCall("POST", "/api/v1/users", secSess.Token, auditorIn, http.StatusCreated, nil)
		// 等保 三员分立: the officer role the sysadmin asked for waits for the
		// secadmin, who confirms it for the officer's department.
		if len(officer.Roles) != 0 || len(officer.PendingRoles) != 1 {
			t.Fatalf("officer as created: roles %v pending %v, want none held and one waiting", officer.Roles, officer.PendingRoles)
		}
		srv.confirmRoles(secSess.Token, officer.ID)

		sess := srv.login("zhangsan", officerIssued)
		if !sess.PasswordChangeRequired {
			t.Errorf("officer's first login: password_change_required false, want true")
		}
		srv.changePassword(sess.Token, officerIssued, officerChosen)
		var cred govdata.IssuedCredential
		srv.mustCall("POST", "/api/v1/credentials", sess.Token, govdata.CredentialInput{Name: "社保业务系统", DepartmentID: dept.ID}, http.StatusCreated, &cred)
		if cred.AppKey == "" || cred.Secret == "" {
			t.Fatalf("issued credential without app key or secret: %+v", cred)
		}

		var me struct {
			CredentialID int64  `json:"credential_id"`
			AppKey       string `json:"app_key"`
			DepartmentID int64  `json:"department_id"`
		}
		c := client.New(srv.URL, cred.AppKey, cred.Secret)
		if err := c.GetJSON(context.Background(), "/api/v1/services/whoami", nil, &me); err != nil {
			t.Fatalf("signed whoami: %v", err)
		}
		if me.CredentialID != cred.ID || me.AppKey != cred.AppKey || me.DepartmentID != dept.ID {
			t.Errorf("whoami = %+v, want credential %d %s of department %d", me, cred.ID, cred.AppKey, dept.ID)
		}
		// A wrong secret is refused: the call above proved something.
		bad := client.New(srv.URL, cred.AppKey, cred.Secret+"x")
		if err := bad.GetJSON(context.Background(), "/api/v1/services/whoami", nil, nil); !client.IsCode(err, "unauthorized") {
			t.Errorf("whoami with a wrong secret: %v, want unauthorized", err)
		}

		var used govdata.Credential
		srv.mustCall("GET", "/api/v1/credentials/"+strconv.FormatInt(cred.ID, 10), sess.Token, nil, http.StatusOK, &used)
		if used.LastUsedAt == nil {
			t.Errorf("credential after a signed call: last_used_at not set")
		}

		auditor := srv.login("lisi", auditorIssued)
		srv.changePassword(auditor.Token, auditorIssued, auditorChosen)
		var page govdata.List[auditItem]
		srv.mustCall("GET", "/api/v1/audit?limit=500", auditor.Token, nil, http.StatusOK, &page)
		if page.NextCursor != "" {
			t.Fatalf("audit log has more than 500 records")
		}
		want := []auditItem{
			{Actor: "admin", Action: "auth.login", Result: "ok"},
			{Actor: "admin", Action: "region.create", ObjectType: "region", ObjectID: "230000", Result: "ok"},
			{Actor: "admin", Action: "region.create", ObjectType: "region", ObjectID: "230100", Result: "ok"},
			{Actor: "admin", Action: "department.create", ObjectType: "department", ObjectID: strconv.FormatInt(dept.ID, 10), Result: "ok"},
			{Actor: "admin", Action: "user.create", ObjectType: "user", ObjectID: strconv.FormatInt(officer.ID, 10), Result: "ok"},
			{Actor: "wangwu", Action: "user.roles_confirm", ObjectType: "user", ObjectID: strconv.FormatInt(officer.ID, 10), Result: "ok"},
			{Actor: "zhangsan", Action: "auth.login", Result: "ok"},
			{Actor: "zhangsan", Action: "auth.password_change", ObjectType: "user", ObjectID: strconv.FormatInt(officer.ID, 10), Result: "ok"},
			{Actor: "zhangsan", Action: "credential.create", ObjectType: "credential", ObjectID: strconv.FormatInt(cred.ID, 10), Result: "ok"},
			// A successful signed call is a read and leaves no audit record
			// (it sets the credential's last use, checked below); the
			// refused one does (ORG-7).
			{Actor: "app:" + cred.AppKey, Action: "service.whoami", Result: "refused"},
			{Actor: "lisi", Action: "auth.login", Result: "ok"},
		}
		for _, w := range want {
			if !containsAudit(page.Items, w) {
				t.Errorf("audit log lacks %+v", w)
			}
		}
		if t.Failed() {
			for _, it := range page.Items {
				t.Logf("audit %d: %+v", it.Seq, it)
			}
		}
		// Newest first, and a chain without holes.
		for i := 1; i < len(page.Items); i++ {
			if page.Items[i].Seq != page.Items[i-1].Seq-1 {
				t.Errorf("audit seq %d follows %d", page.Items[i].Seq, page.Items[i-1].Seq)
			}
		}
		var v govdata.AuditVerification
		srv.mustCall("GET", "/api/v1/audit/verify", auditor.Token, nil, http.StatusOK, &v)
		if !v.Intact || v.Records < int64(len(page.Items)) {
			t.Errorf("GET /api/v1/audit/verify = %+v, want intact over at least %d records", v, len(page.Items))
		}
		// The officer may not read the audit log, and that refusal is itself recorded.
		status, _ := srv.call("GET", "/api/v1/audit", sess.Token, nil)
		if status != http.StatusForbidden {
			t.Errorf("officer GET /api/v1/audit: %d, want 403", status)
		}
		srv.mustCall("GET", "/api/v1/audit?"+url.Values{"actor": {"zhangsan"}, "action": {"audit.list"}}.Encode(), auditor.Token, nil, http.StatusOK, &page)
		if len(page.Items) != 1 || page.Items[0].Result != "refused" {
			t.Errorf("officer's refused audit read: %+v, want one refused record", page.Items)
		}
		srv.stop()
		mustVerifyIntact(t, st)
	})
}

// containsAudit reports whether a record matches w in every field w sets.
func containsAudit(items []auditItem, w auditItem) bool {
	for _, it := range items {
		if (w.Actor == "" || it.Actor == w.Actor) && it.Action == w.Action &&
			(w.ObjectType == "" || it.ObjectType == w.ObjectType) &&
			(w.ObjectID == "" || it.ObjectID == w.ObjectID) && it.Result == w.Result {
			return true
		}
	}
	return false
}
