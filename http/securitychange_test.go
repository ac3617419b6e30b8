package http_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// securityActions are the actions of routes that change users, roles,
// credentials (a grant's bindings among them), keys and secrets, or a
// security policy. Every refusal of such a change is audited, whatever its
// status (issue 11 item 8; SJZ-S-22, HLJ-38). The calendar and the
// departments are not in the class: they set deadlines and organisation,
// not who may do what; their 401 and 403 are audited as everywhere.
var securityActions = []string{"user.", "credential.", "grant.credential_", "mask.", "webhook.", "auth.password", "auth.session_end"}

func isSecurityAction(action string) bool {
	for _, p := range securityActions {
		if strings.HasPrefix(action, p) {
			return true
		}
	}
	return false
}

// TestSecurityChangeRoutes: every route that changes users, roles,
// credentials, keys or security policies carries the flag, and for each
// flagged route a refused request — a malformed body, or an object that
// does not exist — by a caller allowed to make it leaves a refused record.
func TestSecurityChangeRoutes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		for _, rt := range e.srv.RoutesForTest() {
			if rt.Method == http.MethodGet {
				if rt.SecurityChange {
					t.Errorf("%s reads; only changes are security changes", rt.Pattern())
				}
				continue
			}
			if isSecurityAction(rt.Action) != rt.SecurityChange {
				t.Errorf("%s (%s): securityChange %v, want %v", rt.Pattern(), rt.Action, rt.SecurityChange, !rt.SecurityChange)
			}
			if !rt.SecurityChange {
				continue
			}
			caller := ""
			for _, fa := range fixtureAccounts {
				if govdata.Authorize(e.actor(fa.username), rt.Perm) == nil {
					caller = fa.username
					break
				}
			}
			if caller == "" {
				t.Errorf("%s: no fixture account may call it", rt.Pattern())
				continue
			}
			path := strings.NewReplacer("{id}", "999999", "{credential_id}", "999999").Replace(rt.Path)
			r := e.do(t, req{method: rt.Method, path: path, as: caller, body: `{"roles": [`})
			if r.status < 400 || r.status == 401 || r.status == 403 {
				t.Errorf("%s by %s: %v, want a refusal other than 401/403", rt.Pattern(), caller, r)
				continue
			}
			rec := e.mustAudited(t, r, govdata.AuditRefused)
			if rec.Action != rt.Action || rec.ActorName != caller {
				t.Errorf("%s: audit %+v, want %s by %s", rt.Pattern(), rec, rt.Action, caller)
			}
		}
	})
}

// TestRefusedEscalationsAudited: the refused role changes of the issue —
// a role name in another case or with a space, a secadmin giving itself
// the auditor role, the last auditor made a secadmin, a username taken —
// leave a refused record naming what was refused, as 401 and 403 did.
func TestRefusedEscalationsAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		user := func(name string) string { return "/api/v1/users/" + itoa(e.accounts[name].user.ID) }
		tests := []struct {
			name   string
			r      req
			status int
			field  string // a field the record names; "" for none
		}{
			{"role in capitals", req{method: "PATCH", path: user("target"), as: "secadmin", body: `{"roles":["SecAdmin"]}`}, 400, "roles"},
			{"role with a space", req{method: "PATCH", path: user("target"), as: "secadmin", body: `{"roles":["secadmin "]}`}, 400, "roles"},
			{"secadmin gives itself auditor", req{method: "PATCH", path: user("secadmin"), as: "secadmin", body: `{"roles":["auditor"]}`}, 403, ""},
			{"last auditor made secadmin", req{method: "PATCH", path: user("auditor"), as: "secadmin", body: `{"roles":["secadmin"]}`}, 409, ""},
			{"new user with a bad role", req{method: "POST", path: "/api/v1/users", as: "secadmin",
				body: `{"username":"x.y","password":"Sj-Zy#2026pw!","name":"某","roles":["Auditor"]}`}, 400, "roles"},
			{"username taken", req{method: "POST", path: "/api/v1/users", as: "sysadmin",
				body: `{"username":"officer","password":"Sj-Zy#2026pw!","name":"某","department_id":` + itoa(e.deptA.ID) + `,"roles":["officer"]}`}, 409, ""},
			{"weak password issued", req{method: "PATCH", path: user("target"), as: "sysadmin", body: `{"password":"short"}`}, 400, "password"},
			{"masking policy malformed", req{method: "PUT", path: "/api/v1/masking", as: "secadmin", body: `{"levels":"x"}`}, 400, ""},
			{"own password too weak", req{method: "POST", path: "/api/v1/auth/password", as: "officer",
				body: `{"old_password":"` + fixturePassword + `","new_password":"short"}`}, 400, "new_password"},
		}
		for _, tt := range tests {
			r := e.do(t, tt.r)
			if r.status != tt.status {
				t.Errorf("%s: %v, want %d", tt.name, r, tt.status)
				continue
			}
			rec := e.mustAudited(t, r, govdata.AuditRefused)
			if tt.field != "" && !strings.Contains(rec.Detail, `"field.`+tt.field+`"`) {
				t.Errorf("%s: audit detail %s, want field %s", tt.name, rec.Detail, tt.field)
			}
			if n := len(e.auditOf(t, r)); n != 1 {
				t.Errorf("%s: %d records, want one", tt.name, n)
			}
		}
		// A wrong current password is recorded once, by the service that counts it.
		r := e.do(t, req{method: "POST", path: "/api/v1/auth/password", as: "officer", body: `{"old_password":"Wrong#pass2026","new_password":"Brand-New#2026"}`})
		mustError(t, r, 400, govdata.EINVALID)
		if recs := e.auditOf(t, r); len(recs) != 1 || recs[0].Result != govdata.AuditFailed {
			t.Errorf("wrong current password: %d records, want one failed", len(recs))
		}
	})
}
