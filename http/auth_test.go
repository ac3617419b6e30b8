package http_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

func loginBody(username, password string) map[string]string {
	return map[string]string{"username": username, "password": password}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		wrongLogin := govdata.MsgLoginFailed
		cases := []struct {
			name   string
			body   any
			lang   string
			status int
			code   govdata.ErrorCode
			msg    string              // the whole message, when given
			field  string              // a field the answer must name
			result govdata.AuditResult // the audit record of the attempt ("" for none)
		}{
			{name: "ok", body: loginBody("officer", fixturePassword), status: 200, result: govdata.AuditOK},
			{name: "username in capitals", body: loginBody(" OFFICER ", fixturePassword), status: 200, result: govdata.AuditOK},
			{name: "wrong password", body: loginBody("officer", "Wrong#pass2026"), status: 401, code: govdata.EUNAUTHORIZED,
				msg: wrongLogin.ZH, result: govdata.AuditFailed},
			{name: "unknown user", body: loginBody("nobody", "Wrong#pass2026"), status: 401, code: govdata.EUNAUTHORIZED,
				msg: wrongLogin.ZH, result: govdata.AuditFailed},
			{name: "wrong password in English", body: loginBody("officer", "Wrong#pass2026"), lang: "en", status: 401,
				code: govdata.EUNAUTHORIZED, msg: wrongLogin.EN, result: govdata.AuditFailed},
			{name: "unknown user in English: the same message", body: loginBody("nobody", "Wrong#pass2026"), lang: "en", status: 401,
				code: govdata.EUNAUTHORIZED, msg: wrongLogin.EN, result: govdata.AuditFailed},
			{name: "no password", body: map[string]string{"username": "officer"}, status: 400, code: govdata.EINVALID, field: "password"},
			{name: "no username", body: map[string]string{"password": fixturePassword}, status: 400, code: govdata.EINVALID, field: "username"},
			{name: "malformed JSON", body: `{"username": "officer", "password": `, status: 400, code: govdata.EINVALID},
			{name: "unknown field", body: `{"username":"officer","password":"x","remember_me":true}`, status: 400, code: govdata.EINVALID, field: "remember_me"},
			{name: "wrong type", body: `{"username":"officer","password":12345}`, status: 400, code: govdata.EINVALID, field: "password"},
			{name: "empty body", body: "", status: 400, code: govdata.EINVALID},
			{name: "trailing garbage", body: `{"username":"officer","password":"x"} {}`, status: 400, code: govdata.EINVALID},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: c.body, header: map[string]string{"Accept-Language": c.lang}})
				if c.status == 200 {
					s := mustOK[govdata.Session](t, r, 200)
					if s.Token == "" || s.CSRFToken == "" || s.User == nil || s.User.Username != "officer" {
						t.Fatalf("session %+v: want a token, a CSRF token and the user officer", s)
					}
					if got, want := s.ExpiresAt, e.clock.Now().Add(govdata.DefaultAuthConfig.SessionTTL); !got.Equal(want) {
						t.Errorf("expires_at = %v, want %v", got, want)
					}
					if s.PasswordChangeRequired {
						t.Errorf("password_change_required = true for an account whose password was not issued")
					}
					if me := e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: s.Token}); me.status != 200 {
						t.Errorf("the new token does not work: %v", me)
					}
				} else {
					env := mustError(t, r, c.status, c.code)
					if c.msg != "" && env.Error.Message != c.msg {
						t.Errorf("message %q, want %q", env.Error.Message, c.msg)
					}
					if c.field != "" && env.Error.Fields[c.field] == "" {
						t.Errorf("%v: fields do not name %q", r, c.field)
					}
				}
				if c.result != "" {
					e.mustAudited(t, r, c.result)
				}
			})
		}
	})
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{trustProxy: true})
		// Each guess from an address of its own, so that the account's
		// lock is reached, not an address's wait.
		guess := 0
		login := func(password, lang string) *resp {
			guess++
			return e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("leader", password),
				header: map[string]string{"Accept-Language": lang, "X-Forwarded-For": fmt.Sprintf("198.51.%d.%d", 100+guess/250, 1+guess%250)}})
		}
		lock := govdata.DefaultLockoutPolicy
		for i := 1; i < lock.MaxFailures; i++ {
			env := mustError(t, login("Wrong#pass2026", ""), 401, govdata.EUNAUTHORIZED)
			if env.Error.Message != govdata.MsgLoginFailed.ZH || env.Error.Details != nil {
				t.Fatalf("failure %d: %+v, want the plain wrong-password answer", i, env.Error)
			}
		}
		until := e.clock.Now().Add(lock.Duration).Format(time.RFC3339)

		// The last failure locks the account and says until when, in English here.
		r := login("Wrong#pass2026", "en")
		env := mustError(t, r, 401, govdata.EUNAUTHORIZED)
		if got := env.Error.Details["locked_until"]; got != until {
			t.Errorf("details.locked_until = %v, want %s", got, until)
		}
		if want := govdata.MsgAccountLocked.Text("en", until); env.Error.Message != want {
			t.Errorf("message %q, want %q", env.Error.Message, want)
		}
		e.mustAudited(t, r, govdata.AuditFailed)

		// The right password is refused while the lock holds, in Chinese by default.
		r = login(fixturePassword, "")
		env = mustError(t, r, 401, govdata.EUNAUTHORIZED)
		if want := govdata.MsgAccountLocked.Text("zh", until); env.Error.Message != want || !strings.Contains(env.Error.Message, "锁定") {
			t.Errorf("message %q, want %q", env.Error.Message, want)
		}
		if got := env.Error.Details["locked_until"]; got != until {
			t.Errorf("details.locked_until = %v, want %s", got, until)
		}
		e.mustAudited(t, r, govdata.AuditFailed)

		e.clock.Advance(lock.Duration - time.Second)
		mustError(t, login(fixturePassword, ""), 401, govdata.EUNAUTHORIZED)

		// The lock lifts when the clock reaches it.
		e.clock.Advance(time.Second)
		s := mustOK[govdata.Session](t, login(fixturePassword, ""), 200)
		if s.User.LockedUntil != nil {
			t.Errorf("locked_until = %v after a successful login, want none", s.User.LockedUntil)
		}
		// The count starts again: one failure does not lock.
		mustError(t, login("Wrong#pass2026", ""), 401, govdata.EUNAUTHORIZED)
		mustOK[govdata.Session](t, login(fixturePassword, ""), 200)
	})
}

// TestLoginAnswersAlike: the lockout was an enumeration oracle (issue 11
// item 7) — an unknown username always got "wrong username or password",
// a known one the lock after five failures. Now the status and the body of
// every answer are the same for both, after 1, 5, 20 and 25 failures, from
// one address or from many.
func TestLoginAnswersAlike(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		for _, sc := range []struct {
			name string
			addr func(side, i int) string
			want map[int]govdata.Msg // what both are told after so many failures
		}{
			{"one address", func(side, i int) string { return fmt.Sprintf("203.0.113.%d", side+1) },
				map[int]govdata.Msg{1: govdata.MsgLoginFailed, 5: govdata.MsgLoginThrottled, 20: govdata.MsgLoginThrottled, 25: govdata.MsgLoginThrottled}},
			{"many addresses", func(side, i int) string { return fmt.Sprintf("198.51.%d.%d", 100+side, i) },
				map[int]govdata.Msg{1: govdata.MsgLoginFailed, 5: govdata.MsgLoginFailed, 20: govdata.MsgAccountLocked, 25: govdata.MsgAccountLocked}},
		} {
			t.Run(sc.name, func(t *testing.T) {
				e := newEnv(t, engine, envOptions{trustProxy: true})
				for i := 1; i <= 25; i++ {
					var got [2]*resp
					for side, name := range []string{"leader", "no.such.user"} {
						got[side] = e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody(name, "Wrong#pass2026"),
							header: map[string]string{"X-Forwarded-For": sc.addr(side, i), "X-Request-ID": fmt.Sprintf("alike-%d", i)}})
					}
					if got[0].status != got[1].status || string(got[0].body) != string(got[1].body) {
						t.Fatalf("failure %d: known %d %s; unknown %d %s", i, got[0].status, got[0].body, got[1].status, got[1].body)
					}
					if m, ok := sc.want[i]; ok {
						env := mustError(t, got[0], 401, govdata.EUNAUTHORIZED)
						if msg := env.Error.Message; !strings.HasPrefix(msg, strings.SplitN(m.ZH, "%", 2)[0]) {
							t.Fatalf("after %d failures: %q, want %q", i, msg, m.ZH)
						}
					}
				}
			})
		}
	})
}

// TestUnlock: a locked sysadmin is let in by the secadmin (or the auditor),
// never by itself; each refusal and the unlock are audited (ORG-3).
func TestUnlock(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{trustProxy: true})
		admin := e.accounts["sysadmin"]
		for i := 0; i < govdata.DefaultLockoutPolicy.MaxFailures; i++ {
			e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("sysadmin", "Wrong#pass2026"),
				header: map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1)}})
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("sysadmin", fixturePassword)}), 401, govdata.EUNAUTHORIZED)
		path := "/api/v1/users/" + itoa(admin.user.ID) + "/unlock"
		// Its own session, opened before, cannot unlock it.
		e.mustRefused(t, e.do(t, req{method: "POST", path: path, as: "sysadmin"}), 403)
		// Nor can an officer.
		e.mustRefused(t, e.do(t, req{method: "POST", path: path, as: "officer"}), 403)
		r := e.do(t, req{method: "POST", path: path, as: "secadmin"})
		if u := mustOK[govdata.User](t, r, 200); u.LockedUntil != nil {
			t.Fatalf("unlocked user %+v still locked", u)
		}
		e.mustAudited(t, r, govdata.AuditOK)
		mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("sysadmin", fixturePassword)}), 200)
		// An unknown user is 404, and that refusal is audited too.
		r = e.do(t, req{method: "POST", path: "/api/v1/users/999999/unlock", as: "secadmin"})
		mustError(t, r, 404, govdata.ENOTFOUND)
		e.mustAudited(t, r, govdata.AuditRefused)
	})
}

func TestPasswordChangeRequired(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		issued := "Issued#Pw-2026"
		created := mustOK[govdata.User](t, e.do(t, req{method: "POST", path: "/api/v1/users", as: "sysadmin", body: govdata.UserInput{
			Username: "newbie", Password: issued, Name: "新同事", DepartmentID: e.deptA.ID, Roles: []govdata.Role{govdata.RoleOfficer}}}), 201)
		if !created.MustChangePassword {
			t.Fatalf("a user created with an issued password: must_change_password = false")
		}
		e.confirmRoles(t, created.ID) // 等保 三员分立: the secadmin grants the officer role
		s := mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("newbie", issued)}), 200)
		if !s.PasswordChangeRequired {
			t.Fatalf("first login with an issued password: password_change_required = false")
		}
		tok := s.Token

		// Only /auth/me, /auth/password and /auth/logout answer such a token.
		mustOK[govdata.User](t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: tok}), 200)
		before := e.snapshot(t)
		for _, c := range []req{
			{method: "GET", path: "/api/v1/regions"},
			{method: "GET", path: "/api/v1/regions/" + regionFuzhou},
			{method: "GET", path: "/api/v1/departments"},
			{method: "GET", path: "/api/v1/users/" + itoa(created.ID)},
			{method: "GET", path: "/api/v1/credentials"},
			{method: "POST", path: "/api/v1/credentials", body: govdata.CredentialInput{Name: "偷跑的系统"}},
		} {
			c.token = tok
			r := e.do(t, c)
			env := e.mustRefused(t, r, 403)
			if env.Error.Message != govdata.MsgPasswordChange.ZH {
				t.Errorf("%v: message %q, want %q", r, env.Error.Message, govdata.MsgPasswordChange.ZH)
			}
		}
		e.mustUnchanged(t, before, nil)

		pw := func(old, new string) *resp {
			return e.do(t, req{method: "POST", path: "/api/v1/auth/password", token: tok, body: map[string]string{"old_password": old, "new_password": new}})
		}
		for _, c := range []struct {
			name, old, new, field string
		}{
			{"wrong current password", "Wrong#pass2026", "Brand-New#2026", "old_password"},
			{"too short", issued, "Sh#1", "new_password"},
			{"too few classes", issued, "alllowercaseletters", "new_password"},
			{"contains the username", issued, "Newbie#2026x", "new_password"},
			{"the same", issued, issued, "new_password"},
		} {
			env := mustError(t, pw(c.old, c.new), 400, govdata.EINVALID)
			if env.Error.Fields[c.field] == "" {
				t.Errorf("%s: fields %v do not name %s", c.name, env.Error.Fields, c.field)
			}
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/auth/password", token: tok, body: `{"old_password":1}`}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/regions", token: tok}), 403, govdata.EFORBIDDEN)

		mustStatus(t, pw(issued, "Brand-New#2026"), 204)
		// The same token now has full access.
		mustOK[govdata.List[govdata.Region]](t, e.do(t, req{method: "GET", path: "/api/v1/regions", token: tok}), 200)
		mustOK[govdata.IssuedCredential](t, e.do(t, req{method: "POST", path: "/api/v1/credentials", token: tok,
			body: govdata.CredentialInput{Name: "新系统"}}), 201)
		me := mustOK[govdata.User](t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: tok}), 200)
		if me.MustChangePassword {
			t.Errorf("must_change_password still true after the change")
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("newbie", issued)}), 401, govdata.EUNAUTHORIZED)
		s2 := mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("newbie", "Brand-New#2026")}), 200)
		if s2.PasswordChangeRequired {
			t.Errorf("login after the change: password_change_required = true")
		}

		// Logout ends the session at once.
		mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/auth/logout", token: tok}), 204)
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: tok}), 401)
		e.mustRefused(t, e.do(t, req{method: "POST", path: "/api/v1/auth/logout", token: tok}), 401)
		mustOK[govdata.User](t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: s2.Token}), 200)

		// A session that must change its password may still log out.
		mustOK[govdata.User](t, e.do(t, req{method: "PATCH", path: "/api/v1/users/" + itoa(created.ID), as: "sysadmin",
			body: map[string]string{"password": "Reissued#2026"}}), 200)
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: s2.Token}), 401) // a reset ends sessions
		s4 := mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("newbie", "Reissued#2026")}), 200)
		if !s4.PasswordChangeRequired {
			t.Fatalf("login after an administrator's reset: password_change_required = false")
		}
		mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/auth/logout", token: s4.Token}), 204)
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: s4.Token}), 401)

		// An expired password (HLJ-38) also limits the session.
		e.clock.Advance(govdata.DefaultPasswordPolicy.MaxAge)
		s5 := mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("officer", fixturePassword)}), 200)
		if !s5.PasswordChangeRequired {
			t.Fatalf("login with a password older than %v: password_change_required = false", govdata.DefaultPasswordPolicy.MaxAge)
		}
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/regions", token: s5.Token}), 403)
	})
}

func TestCookieSession(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		r := e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("sysadmin", fixturePassword)})
		s := mustOK[govdata.Session](t, r, 200)
		var c *http.Cookie
		for _, k := range r.cookies {
			if k.Name == "govdata_session" {
				c = k
			}
		}
		if c == nil {
			t.Fatalf("login set no session cookie: %v", r.header["Set-Cookie"])
		}
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
			t.Errorf("cookie %s: want HttpOnly, Secure, SameSite=Strict, Path=/", r.header.Get("Set-Cookie"))
		}
		if c.Value != s.Token {
			t.Errorf("cookie value is not the session token")
		}
		if !c.Expires.Equal(s.ExpiresAt) {
			t.Errorf("cookie expires %v, session %v", c.Expires, s.ExpiresAt)
		}
		if s.CSRFToken == "" || s.CSRFToken == s.Token {
			t.Fatalf("csrf_token %q: want a value other than the token", s.CSRFToken)
		}
		cookie := []*http.Cookie{{Name: c.Name, Value: c.Value}}

		// Safe methods need no CSRF token.
		me := mustOK[govdata.User](t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", cookies: cookie}), 200)
		if me.Username != "sysadmin" {
			t.Errorf("cookie session is %q, want sysadmin", me.Username)
		}

		region := govdata.RegionInput{Code: "350300", Name: "莆田市"}
		other := e.accounts["officer"].csrf
		for _, c := range []struct {
			name, token string
		}{{"no CSRF token", ""}, {"a wrong CSRF token", "0123456789abcdef0123456789abcdef"}, {"another session's CSRF token", other}} {
			t.Run(c.name, func(t *testing.T) {
				before := e.snapshot(t)
				r := e.do(t, req{method: "POST", path: "/api/v1/regions", cookies: cookie, body: region,
					header: map[string]string{"X-CSRF-Token": c.token}})
				env := e.mustRefused(t, r, 403)
				if env.Error.Message != govdata.MsgCSRF.ZH {
					t.Errorf("message %q, want %q", env.Error.Message, govdata.MsgCSRF.ZH)
				}
				e.mustUnchanged(t, before, r)
			})
		}
		mustOK[govdata.Region](t, e.do(t, req{method: "POST", path: "/api/v1/regions", cookies: cookie, body: region,
			header: map[string]string{"X-CSRF-Token": s.CSRFToken}}), 201)
		mustOK[govdata.Department](t, e.do(t, req{method: "PATCH", path: "/api/v1/departments/" + itoa(e.deptA.ID), cookies: cookie,
			body: map[string]string{"name": "福州市数据资源管理局"}, header: map[string]string{"X-CSRF-Token": s.CSRFToken}}), 200)
		// A bearer token is never sent by a browser on its own: it needs no CSRF token.
		mustOK[govdata.Region](t, e.do(t, req{method: "POST", path: "/api/v1/regions", token: s.Token,
			body: govdata.RegionInput{Code: "350400", Name: "三明市"}}), 201)

		// Logout over the cookie needs the CSRF token too, and clears the cookie.
		e.mustRefused(t, e.do(t, req{method: "POST", path: "/api/v1/auth/logout", cookies: cookie}), 403)
		r = e.do(t, req{method: "POST", path: "/api/v1/auth/logout", cookies: cookie, header: map[string]string{"X-CSRF-Token": s.CSRFToken}})
		mustStatus(t, r, 204)
		cleared := false
		for _, k := range r.cookies {
			cleared = cleared || (k.Name == "govdata_session" && k.Value == "" && k.MaxAge < 0)
		}
		if !cleared {
			t.Errorf("logout did not clear the cookie: %v", r.header["Set-Cookie"])
		}
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", cookies: cookie}), 401)
	})
}

func TestAcceptLanguage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		zh, en := govdata.MsgUnauthorized.ZH, govdata.MsgUnauthorized.EN
		for _, c := range []struct {
			header, want string
		}{
			{"", zh},
			{"zh", zh},
			{"zh-CN,zh;q=0.9", zh},
			{"en", en},
			{"en-US", en},
			{"EN", en},
			{"en;q=0.5, zh;q=0.9", zh},
			{"zh;q=0.4, en;q=0.8", en},
			{"fr", zh},
			{"fr, en;q=0.1", en},
			{"en;q=abc", en},
			{";;,,", zh},
		} {
			t.Run(c.header, func(t *testing.T) {
				h := map[string]string{}
				if c.header != "" {
					h["Accept-Language"] = c.header
				}
				env := mustError(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", header: h}), 401, govdata.EUNAUTHORIZED)
				if env.Error.Message != c.want {
					t.Errorf("Accept-Language %q: message %q, want %q", c.header, env.Error.Message, c.want)
				}
			})
		}
		// Field messages follow the language too.
		bad := govdata.RegionInput{Code: "35", Name: "x"}
		for lang, want := range map[string]string{"en": govdata.MsgRegionCodeLength.Text("en", "35", 2), "zh": govdata.MsgRegionCodeLength.Text("zh", "35", 2)} {
			env := mustError(t, e.do(t, req{method: "POST", path: "/api/v1/regions", as: "sysadmin", body: bad,
				header: map[string]string{"Accept-Language": lang}}), 400, govdata.EINVALID)
			if env.Error.Fields["code"] != want {
				t.Errorf("%s: fields.code %q, want %q", lang, env.Error.Fields["code"], want)
			}
		}
	})
}
