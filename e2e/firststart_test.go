package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestFirstStart: an empty store gets the sysadmin "admin" with a password
// printed once, which must be changed before anything else (ORG-3).
func TestFirstStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		st := newStore(t, e)
		srv := start(t, st, nil)
		if srv.Engine != string(e) {
			t.Errorf("listening line names engine %q, want %q", srv.Engine, e)
		}
		pws := srv.generatedPasswords()
		if len(pws) != 1 {
			t.Fatalf("first start printed %d passwords, want 1; stdout:\n%s", len(pws), srv.stdout)
		}
		issued := pws[0]
		if !strings.Contains(srv.stdout.String(), "username / 用户名: admin") {
			t.Errorf("first start does not name the user admin; stdout:\n%s", srv.stdout)
		}

		sess := srv.login("admin", issued)
		if !sess.PasswordChangeRequired {
			t.Fatalf("login with the issued password: password_change_required false, want true")
		}
		status, raw := srv.call("GET", "/api/v1/regions", sess.Token, nil)
		if status != http.StatusForbidden || errorCode(raw) != "forbidden" {
			t.Fatalf("GET /api/v1/regions before the change: %d %s, want 403 forbidden", status, raw)
		}
		const chosen = "Chosen-Pass-2026"
		srv.changePassword(sess.Token, issued, chosen)
		srv.mustCall("GET", "/api/v1/regions", sess.Token, nil, http.StatusOK, nil)
		srv.mustCall("POST", "/api/v1/regions", sess.Token, map[string]string{"code": "230000", "name": "黑龙江省"}, http.StatusCreated, nil)
		srv.stop()

		again := start(t, st, nil)
		if pws := again.generatedPasswords(); len(pws) != 0 {
			t.Errorf("second start printed a password again: %q", pws)
		}
		if strings.Contains(again.stdout.String(), "created sysadmin") {
			t.Errorf("second start created the sysadmin again; stdout:\n%s", again.stdout)
		}
		status, _ = again.call("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": issued})
		if status != http.StatusUnauthorized {
			t.Errorf("login with the replaced issued password: status %d, want 401", status)
		}
		sess = again.login("admin", chosen)
		if sess.PasswordChangeRequired {
			t.Errorf("login after the change: password_change_required true, want false")
		}
		again.mustCall("GET", "/api/v1/regions/230000", sess.Token, nil, http.StatusOK, nil)
		again.stop()
	})
}

// TestFirstStartChosenPassword: GOVDATA_ADMIN_PASSWORD is the operator's
// own choice, printed nowhere and not to be changed.
func TestFirstStartChosenPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		st := newStore(t, e)
		srv := start(t, st, adminEnv)
		if pws := srv.generatedPasswords(); len(pws) != 0 {
			t.Errorf("a password was printed although GOVDATA_ADMIN_PASSWORD was set: %q", pws)
		}
		if strings.Contains(srv.stdout.String()+srv.stderr.String(), adminPassword) {
			t.Errorf("the chosen password appears in the output")
		}
		sess := srv.login("admin", adminPassword)
		if sess.PasswordChangeRequired {
			t.Errorf("password_change_required true with GOVDATA_ADMIN_PASSWORD, want false")
		}
		srv.mustCall("GET", "/api/v1/regions", sess.Token, nil, http.StatusOK, nil)
		srv.stop()
	})
}
