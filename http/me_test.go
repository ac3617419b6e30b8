package http_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// me is GET /api/v1/me's answer.
type me struct {
	User                   govdata.User         `json:"user"`
	Department             *govdata.Department  `json:"department"`
	Region                 *govdata.Region      `json:"region"`
	Permissions            []govdata.Permission `json:"permissions"`
	PasswordChangeRequired bool                 `json:"password_change_required"`
	TimeZone               string               `json:"time_zone"`
	CSRFToken              string               `json:"csrf_token"`
}

// TestMe: the console learns who is signed in, in which department and
// region, and which permissions the server's table gives it — each of
// which the user can then use without a 403; a session that must change
// its password first learns that, and holds nothing.
func TestMe(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		for _, c := range []struct {
			as         string
			dept       *govdata.Department
			region     string
			has, hasNo []govdata.Permission
			// try is a route the permission opens, called to see it does.
			try string
		}{
			{as: "officer", dept: e.deptA, region: "福州市", has: []govdata.Permission{govdata.PermCatalogWrite, govdata.PermShareApply, govdata.PermSignedIn},
				hasNo: []govdata.Permission{govdata.PermAuditRead, govdata.PermUserWrite, govdata.PermCatalogReview}, try: "/api/v1/credentials"},
			{as: "officerb", dept: e.deptB, region: "厦门市", has: []govdata.Permission{govdata.PermCatalogWrite}},
			{as: "reviewer", dept: e.deptA, region: "福州市", has: []govdata.Permission{govdata.PermCatalogReview, govdata.PermSupervision},
				hasNo: []govdata.Permission{govdata.PermCatalogWrite}, try: "/api/v1/supervision/overdue"},
			{as: "sysadmin", has: []govdata.Permission{govdata.PermUserWrite, govdata.PermDeliveryManage},
				hasNo: []govdata.Permission{govdata.PermAuditRead, govdata.PermCatalogWrite}, try: "/api/v1/users"},
			{as: "auditor", has: []govdata.Permission{govdata.PermAuditRead}, hasNo: []govdata.Permission{govdata.PermUserWrite}, try: "/api/v1/audit"},
		} {
			t.Run(c.as, func(t *testing.T) {
				m := mustOK[me](t, e.do(t, req{method: "GET", path: "/api/v1/me", as: c.as}), 200)
				if m.User.Username != c.as || !slices.Equal(m.User.Roles, e.accounts[c.as].user.Roles) {
					t.Errorf("user %+v, want %s with roles %v", m.User, c.as, e.accounts[c.as].user.Roles)
				}
				if c.dept == nil {
					if m.Department != nil || m.Region != nil {
						t.Errorf("no department: got %+v in %+v", m.Department, m.Region)
					}
				} else if m.Department == nil || m.Department.ID != c.dept.ID || m.Region == nil || m.Region.Name != c.region {
					t.Errorf("department %+v region %+v, want %s in %s", m.Department, m.Region, c.dept.Name, c.region)
				}
				if m.PasswordChangeRequired || m.TimeZone != "Asia/Shanghai" {
					t.Errorf("password_change_required %v, time_zone %q", m.PasswordChangeRequired, m.TimeZone)
				}
				if want := govdata.HeldPermissions(e.actor(c.as)); !slices.Equal(m.Permissions, want) {
					t.Errorf("permissions %v, want %v", m.Permissions, want)
				}
				for _, p := range c.has {
					if !slices.Contains(m.Permissions, p) {
						t.Errorf("permissions %v lack %s", m.Permissions, p)
					}
				}
				for _, p := range c.hasNo {
					if slices.Contains(m.Permissions, p) {
						t.Errorf("permissions %v hold %s", m.Permissions, p)
					}
				}
				if got, want := m.CSRFToken, e.accounts[c.as].csrf; got == "" || got != want {
					t.Errorf("csrf_token %q, want the login's %q", got, want)
				}
				if c.try != "" {
					mustStatus(t, e.do(t, req{method: "GET", path: c.try, as: c.as}), 200)
				}
			})
		}

		t.Run("cookie", func(t *testing.T) {
			// A reloaded console has only its cookie: it learns the CSRF
			// token here, and an unsafe request needs it.
			s := mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("officer", fixturePassword)}), 200)
			cookie := &http.Cookie{Name: "govdata_session", Value: s.Token}
			m := mustOK[me](t, e.do(t, req{method: "GET", path: "/api/v1/me", cookies: []*http.Cookie{cookie}}), 200)
			if m.CSRFToken != s.CSRFToken {
				t.Fatalf("csrf_token %q, want %q", m.CSRFToken, s.CSRFToken)
			}
			mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/auth/logout", cookies: []*http.Cookie{cookie}}), 403)
			mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/auth/logout", cookies: []*http.Cookie{cookie},
				header: map[string]string{"X-CSRF-Token": m.CSRFToken}}), 204)
			mustStatus(t, e.do(t, req{method: "GET", path: "/api/v1/me", cookies: []*http.Cookie{cookie}}), 401)
		})

		t.Run("password change first", func(t *testing.T) {
			issued := "Issued#Pw-2026"
			created := mustOK[govdata.User](t, e.do(t, req{method: "POST", path: "/api/v1/users", as: "sysadmin", body: govdata.UserInput{
				Username: "newcomer", Password: issued, Name: "新同事", DepartmentID: e.deptA.ID, Roles: []govdata.Role{govdata.RoleOfficer}}}), 201)
			e.confirmRoles(t, created.ID)
			s := mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("newcomer", issued)}), 200)
			m := mustOK[me](t, e.do(t, req{method: "GET", path: "/api/v1/me", token: s.Token}), 200)
			if !m.PasswordChangeRequired || len(m.Permissions) != 0 || m.Department != nil || m.User.Username != "newcomer" {
				t.Errorf("before the change: %+v, want password_change_required, no permissions, no department", m)
			}
			mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/auth/password", token: s.Token,
				body: map[string]string{"old_password": issued, "new_password": "Mine#Own-2026pw"}}), 204)
			m = mustOK[me](t, e.do(t, req{method: "GET", path: "/api/v1/me", token: s.Token}), 200)
			if m.PasswordChangeRequired || !slices.Contains(m.Permissions, govdata.PermCatalogWrite) || m.Department == nil {
				t.Errorf("after the change: %+v, want the officer's permissions and department", m)
			}
		})
	})
}
