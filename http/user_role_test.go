package http_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestSysadminCannotReachData reproduces the attack of 三员分立 over HTTP:
// the sysadmin gives an account whose password it knows the reach of an
// officer — by creating it, adding the role, moving a holder into the
// department, re-enabling a holder — signs in as it and reads the
// department's rows with sealed values opened. Each way must only ask the
// secadmin, and the rows stay refused until the secadmin confirms.
func TestSysadminCannotReachData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		rows := "/api/v1/catalog/" + itoa(loadedBatch(t, e).EntryID) + "/rows"
		mustStatus(t, e.do(t, req{method: "GET", path: rows, as: "officer"}), http.StatusOK)
		const issued = "Issued#Pw-2026"
		// takeOver signs in with a password the sysadmin knows, changing an
		// issued one as the holder would, and returns a usable token.
		takeOver := func(t *testing.T, username, password string) string {
			t.Helper()
			s := mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody(username, password)}), 200)
			if !s.PasswordChangeRequired {
				return s.Token
			}
			const chosen = "Taken-Over#2026"
			mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/auth/password", token: s.Token,
				body: map[string]string{"old_password": password, "new_password": chosen}}), http.StatusNoContent)
			return mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody(username, chosen)}), 200).Token
		}
		patch := func(t *testing.T, id int64, body string) govdata.User {
			t.Helper()
			return mustOK[govdata.User](t, e.do(t, req{method: "PATCH", path: "/api/v1/users/" + itoa(id), as: "sysadmin", body: body}), 200)
		}
		create := func(t *testing.T, username string, role govdata.Role, dept int64) govdata.User {
			t.Helper()
			return mustOK[govdata.User](t, e.do(t, req{method: "POST", path: "/api/v1/users", as: "sysadmin", body: govdata.UserInput{
				Username: username, Password: issued, Name: "攻击 " + username, DepartmentID: dept, Roles: []govdata.Role{role}}}), 201)
		}
		e.addAccount(t, "officer2", govdata.RoleOfficer, e.deptA.ID)
		e.addAccount(t, "officer3", govdata.RoleOfficer, e.deptA.ID)
		tests := []struct {
			name string
			// attack gives the account the officer's reach as the sysadmin
			// can, and returns it and a password the sysadmin knows.
			attack func(t *testing.T) (u govdata.User, username, password string)
		}{
			{"create an officer", func(t *testing.T) (govdata.User, string, string) {
				return create(t, "mole", govdata.RoleOfficer, e.deptA.ID), "mole", issued
			}},
			{"turn its own account into an officer", func(t *testing.T) (govdata.User, string, string) {
				u := create(t, "ops", govdata.RoleSysadmin, 0)
				return patch(t, u.ID, `{"roles":["officer"],"department_id":`+itoa(e.deptA.ID)+`}`), "ops", issued
			}},
			{"add officer to a role holder", func(t *testing.T) (govdata.User, string, string) {
				return patch(t, userOf(e, "target").ID, `{"roles":["reviewer","officer"]}`), "target", fixturePassword
			}},
			{"move another department's officer in", func(t *testing.T) (govdata.User, string, string) {
				return patch(t, userOf(e, "officerb").ID, `{"department_id":`+itoa(e.deptA.ID)+`}`), "officerb", fixturePassword
			}},
			{"issue an officer a password", func(t *testing.T) (govdata.User, string, string) {
				return patch(t, userOf(e, "officer3").ID, `{"password":"Reissued#Pw-2026"}`), "officer3", "Reissued#Pw-2026"
			}},
			{"re-enable a disabled officer", func(t *testing.T) (govdata.User, string, string) {
				id := userOf(e, "officer2").ID
				patch(t, id, `{"disabled":true}`)
				return patch(t, id, `{"disabled":false}`), "officer2", fixturePassword
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, username, password := tt.attack(t)
				if slices.Contains(u.Roles, govdata.RoleOfficer) || !slices.Contains(u.PendingRoleNames(), govdata.RoleOfficer) {
					t.Fatalf("answered %+v: want the officer role waiting, not held", u)
				}
				tok := takeOver(t, username, password)
				e.mustRefused(t, e.do(t, req{method: "GET", path: rows, token: tok}), http.StatusForbidden)
				pending := mustOK[govdata.List[govdata.User]](t, e.do(t, req{method: "GET", path: "/api/v1/users?pending=true&q=" + username, as: "secadmin"}), 200)
				if len(pending.Items) != 1 || pending.Items[0].ID != u.ID || pending.Items[0].PendingRoles[0].RequestedBy != "sysadmin" {
					t.Fatalf("pending accounts %+v, want %s asked for by sysadmin", pending.Items, username)
				}
			})
		}

		// The sysadmin cannot confirm its own request; the secadmin can,
		// and then the officer reads its department's rows.
		id := userOf(e, "officerb").ID
		decision := govdata.RoleDecision{Roles: []govdata.Role{govdata.RoleOfficer}, DepartmentID: e.deptA.ID}
		e.mustRefused(t, e.do(t, req{method: "POST", path: "/api/v1/users/" + itoa(id) + "/roles/confirm", as: "sysadmin", body: decision}), 403)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/users/" + itoa(id) + "/roles/confirm", as: "secadmin",
			body: govdata.RoleDecision{Roles: decision.Roles, DepartmentID: e.deptB.ID}}), 409, govdata.ECONFLICT)
		r := e.do(t, req{method: "POST", path: "/api/v1/users/" + itoa(id) + "/roles/confirm", as: "secadmin", body: decision})
		if u := mustOK[govdata.User](t, r, 200); !slices.Equal(u.Roles, decision.Roles) || len(u.PendingRoles) != 0 {
			t.Fatalf("confirmed %+v", u)
		}
		e.mustAudited(t, r, govdata.AuditOK)
		mustStatus(t, e.do(t, req{method: "GET", path: rows, token: takeOver(t, "officerb", fixturePassword)}), http.StatusOK)
		// A rejected request is gone; the role holder keeps what it held.
		r = e.do(t, req{method: "POST", path: "/api/v1/users/" + itoa(userOf(e, "target").ID) + "/roles/reject", as: "secadmin",
			body: govdata.RoleDecision{Roles: decision.Roles}})
		if u := mustOK[govdata.User](t, r, 200); !slices.Equal(u.Roles, []govdata.Role{govdata.RoleReviewer}) || len(u.PendingRoles) != 0 {
			t.Fatalf("rejected %+v", u)
		}
		e.mustAudited(t, r, govdata.AuditOK)
	})
}

// TestPasswordResetNotifies: a reset of any account's password is a
// security event — audited, and told to the holder and every secadmin in
// Chinese and English: which account, by whom, when, from where.
func TestPasswordResetNotifies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		officer := userOf(e, "officer")
		r := e.do(t, req{method: "PATCH", path: "/api/v1/users/" + itoa(officer.ID), as: "sysadmin", body: `{"password":"Reissued#Pw-2026"}`})
		mustStatus(t, r, 200)
		rec := e.mustAudited(t, r, govdata.AuditOK)
		if rec.Action != "user.update" || !strings.Contains(rec.Detail, `"password":"reset"`) || rec.ClientAddr == "" {
			t.Fatalf("audit record %s %s from %q", rec.Action, rec.Detail, rec.ClientAddr)
		}
		want := []string{"officer", "sysadmin", e.clock.Now().UTC().Format("2006-01-02 15:04:05"), rec.ClientAddr}
		check := func(who string, l govdata.List[*govdata.Notification]) {
			t.Helper()
			var found int
			for _, n := range l.Items {
				// The officer role the reset sent back to waiting is a
				// notice of its own, to the secadmins.
				if n.Kind != govdata.NoticeSecurity || !strings.Contains(n.Title.EN, "password") {
					continue
				}
				found++
				for _, w := range want {
					if !strings.Contains(n.Title.ZH, w) || !strings.Contains(n.Title.EN, w) {
						t.Errorf("%s's notice %+v does not say %q", who, n.Title, w)
					}
				}
			}
			if found != 1 {
				t.Errorf("%s has %d security notices, want 1: %+v", who, found, l.Items)
			}
		}
		// The holder's sessions ended with the reset; its inbox has the notice.
		check("officer", mustGet(e.svc.Notifications.FindNotifications(storetest.As(e.actor("officer")), govdata.NotificationFilter{}))(t))
		check("secadmin", mustOK[govdata.List[*govdata.Notification]](t, e.do(t, req{method: "GET", path: "/api/v1/notifications", as: "secadmin"}), 200))
		for _, who := range []string{"sysadmin", "auditor", "leader"} {
			l := mustOK[govdata.List[*govdata.Notification]](t, e.do(t, req{method: "GET", path: "/api/v1/notifications", as: who}), 200)
			if len(l.Items) != 0 {
				t.Errorf("%s has notices %+v, want none", who, l.Items)
			}
		}
	})
}

// pendingAccount is a fresh account of department A whose officer role the
// sysadmin asked for and the secadmin has not yet confirmed.
func pendingAccount(t testing.TB, e *env) *govdata.User {
	t.Helper()
	return mustGet(e.svc.Users.CreateUser(storetest.As(e.actor("sysadmin")), govdata.UserInput{Username: e.username(), Password: "Issued#Pw-2026",
		Name: "待确认", DepartmentID: e.deptA.ID, Roles: []govdata.Role{govdata.RoleOfficer}}))(t)
}

// TestDepartmentReachNotifies: a reviewer oversees the entries of the
// region its bureau department covers, so the sysadmin's change of a
// department's region or bureau flag changes a reach the secadmin granted:
// every secadmin is told, in the same write; other changes tell no one.
func TestDepartmentReachNotifies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		path := "/api/v1/departments/" + itoa(e.deptB.ID)
		notices := func() []*govdata.Notification {
			t.Helper()
			l := mustOK[govdata.List[*govdata.Notification]](t, e.do(t, req{method: "GET", path: "/api/v1/notifications", as: "secadmin"}), 200)
			return l.Items
		}
		mustStatus(t, e.do(t, req{method: "PATCH", path: path, as: "sysadmin", body: `{"name":"厦门市数据管理局"}`}), 200)
		if got := notices(); len(got) != 0 {
			t.Fatalf("a renaming told the secadmin %+v", got[0].Title)
		}
		for i, tt := range []struct{ body, from, to string }{
			{`{"bureau":true}`, regionXiamen, regionXiamen + "/bureau"},
			{`{"bureau":false,"region_code":"` + regionFuzhou + `"}`, regionXiamen + "/bureau", regionFuzhou},
		} {
			r := e.do(t, req{method: "PATCH", path: path, as: "sysadmin", body: tt.body})
			mustStatus(t, r, 200)
			e.mustAudited(t, r, govdata.AuditOK)
			got := notices()
			if len(got) != i+1 || got[0].Kind != govdata.NoticeSecurity {
				t.Fatalf("%s: the secadmin's notices %+v, want %d security notices", tt.body, got, i+1)
			}
			for _, w := range []string{"厦门市数据管理局", tt.from + " ", tt.to, "sysadmin"} {
				if !strings.Contains(got[0].Title.ZH, w) || !strings.Contains(got[0].Title.EN, w) {
					t.Errorf("%s: notice %+v does not say %q", tt.body, got[0].Title, w)
				}
			}
		}
	})
}
