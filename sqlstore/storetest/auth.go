package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/govdata/govdata"
)

// TestAuth covers govdata.AuthService (ORG-3, ORG-4).
func TestAuth(t *testing.T, e Engine) {
	testLoginThrottle(t, e)
	t.Run("login", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		before := f.auditHead()
		ctx := As(govdata.Actor{ClientAddr: "203.0.113.9", RequestID: "req-login"})
		s, err := f.auth.Login(ctx, " Officer1 ", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if s.Token == "" || s.CSRFToken == "" || s.CSRFToken == s.Token || s.PasswordChangeRequired {
			t.Fatalf("session %+v: want a token, a different CSRF token, no change required", s)
		}
		if want := f.clock.Now().Add(govdata.DefaultAuthConfig.SessionTTL); !s.ExpiresAt.Equal(want) {
			t.Fatalf("expires at %v, want %v", s.ExpiresAt, want)
		}
		if s.User == nil || !sameUser(s.User, o.officer1) {
			t.Fatalf("session user %+v, want %+v", s.User, o.officer1)
		}
		a, err := f.auth.Authenticate(context.Background(), s.Token)
		if err != nil {
			t.Fatal(err)
		}
		if a.UserID != o.officer1.ID || a.Username != "officer1" || a.DepartmentID != o.dept1.ID ||
			!sameRoles(a.Roles, []govdata.Role{govdata.RoleOfficer}) || a.SessionID == 0 || a.PasswordChangeRequired || a.IsSystem() {
			t.Fatalf("actor %+v", a)
		}
		r := f.oneAudit(before, "auth.login", govdata.AuditOK, "officer1")
		if r.ActorID != o.officer1.ID || r.ObjectType != "session" || r.ObjectID != itoa(a.SessionID) ||
			r.ClientAddr != "203.0.113.9" || r.RequestID != "req-login" || r.DepartmentID != o.dept1.ID || r.ActorRoles != "officer" {
			t.Fatalf("audit record %+v", r)
		}
		// Each login is a session of its own.
		s2, a2 := mustLogin(t, f, "officer1", testPassword)
		if s2.Token == s.Token || a2.SessionID == a.SessionID {
			t.Fatal("two logins share a session")
		}
	})

	t.Run("wrong password and unknown user", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		before := f.auditHead()
		_, wrong := f.auth.Login(context.Background(), "officer1", "Wrong-Password-1")
		wantMsg(t, wrong, govdata.EUNAUTHORIZED, govdata.MsgLoginFailed)
		_, unknown := f.auth.Login(context.Background(), "nobody", testPassword)
		wantMsg(t, unknown, govdata.EUNAUTHORIZED, govdata.MsgLoginFailed)
		// The same answer either way: a caller cannot tell which usernames exist.
		if wrong.Error() != unknown.Error() {
			t.Fatalf("messages differ: %q and %q", wrong, unknown)
		}
		rs := f.auditAfter(before)
		if len(rs) != 2 {
			t.Fatalf("audit %s, want two failed logins", describe(rs))
		}
		for i, want := range []struct{ actor, object string }{{"officer1", itoa(o.officer1.ID)}, {"nobody", "nobody"}} {
			if r := rs[i]; r.Action != "auth.login" || r.Result != govdata.AuditFailed || r.ActorName != want.actor ||
				r.ObjectType != "user" || r.ObjectID != want.object || r.ActorID != 0 {
				t.Fatalf("audit record %d: %+v, want a failed login by %s", i, r, want.actor)
			}
		}
	})

	t.Run("lockout", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		max := govdata.DefaultLockoutPolicy.MaxFailures
		before := f.auditHead()
		for i := 1; i < max; i++ {
			_, err := f.auth.Login(guesser(i), "officer1", "Wrong-Password-1")
			wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgLoginFailed)
		}
		until := f.clock.Now().Add(govdata.DefaultLockoutPolicy.Duration)
		_, err := f.auth.Login(guesser(max), "officer1", "Wrong-Password-1")
		lockErr := wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgAccountLocked)
		if got, want := lockErr.Details["locked_until"], until.Format(time.RFC3339); got != want {
			t.Fatalf("locked_until %v, want %v", got, want)
		}
		if u, _ := f.users.FindUserByID(o.asAdmin, o.officer1.ID); u.LockedUntil == nil || !u.LockedUntil.Equal(until) {
			t.Fatalf("user locked until %v, want %v", u.LockedUntil, until)
		}
		// While locked, even the right password is refused.
		_, err = f.auth.Login(context.Background(), "officer1", testPassword)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgAccountLocked)
		f.clock.Advance(govdata.DefaultLockoutPolicy.Duration - time.Second)
		_, err = f.auth.Login(context.Background(), "officer1", testPassword)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgAccountLocked)
		// Other accounts are not affected.
		mustLogin(t, f, "officer2", testPassword)

		rs := f.auditAfter(before)
		failed := 0
		for _, r := range rs {
			if r.Action == "auth.login" && r.Result == govdata.AuditFailed && r.ActorName == "officer1" {
				failed++
			}
		}
		if failed != max+2 {
			t.Fatalf("%d failed logins audited, want %d: %s", failed, max+2, describe(rs))
		}
		var detail map[string]any
		json.Unmarshal([]byte(rs[max-1].Detail), &detail)
		if detail["locked_until"] == nil {
			t.Fatalf("audit of the locking failure %s, want locked_until", rs[max-1].Detail)
		}

		// Once the clock passes the lock, the right password works again.
		f.clock.Advance(2 * time.Second)
		if s, _ := mustLogin(t, f, "officer1", testPassword); s.User.LockedUntil != nil {
			t.Fatalf("locked until %v after a successful login", s.User.LockedUntil)
		}
		// A successful login starts the count again.
		for i := 1; i < max; i++ {
			_, err := f.auth.Login(guesser(100+i), "officer1", "Wrong-Password-1")
			wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgLoginFailed)
		}
		mustLogin(t, f, "officer1", testPassword)
		for i := 1; i < max; i++ {
			_, err := f.auth.Login(guesser(200+i), "officer1", "Wrong-Password-1")
			wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgLoginFailed)
		}
		mustLogin(t, f, "officer1", testPassword)
	})

	t.Run("password reset lifts a lock", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		for i := 0; i < govdata.DefaultLockoutPolicy.MaxFailures; i++ {
			f.auth.Login(guesser(i), "officer1", "Wrong-Password-1")
		}
		pw := "Reissued-2026!"
		if _, err := f.users.UpdateUser(o.asAdmin, o.officer1.ID, govdata.UserPatch{Password: &pw}); err != nil {
			t.Fatal(err)
		}
		if s, _ := mustLogin(t, f, "officer1", pw); !s.PasswordChangeRequired {
			t.Fatal("a reset password need not be changed")
		}
	})

	t.Run("disabled account", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		yes := true
		if _, err := f.users.UpdateUser(o.asAdmin, o.officer1.ID, govdata.UserPatch{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		before := f.auditHead()
		_, err := f.auth.Login(context.Background(), "officer1", testPassword)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgAccountDisabled)
		f.oneAudit(before, "auth.login", govdata.AuditFailed, "officer1")
	})

	t.Run("issued password must be changed", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		const issued, chosen = "Issued-2026-pw", "Chosen-2026-pw"
		u, err := f.users.CreateUser(o.asAdmin, govdata.UserInput{Username: "wang.wu", Password: issued, Name: "王五",
			DepartmentID: o.dept1.ID, Roles: []govdata.Role{govdata.RoleOfficer}})
		if err != nil {
			t.Fatal(err)
		}
		s, a := mustLogin(t, f, "wang.wu", issued)
		if !s.PasswordChangeRequired || !a.PasswordChangeRequired {
			t.Fatalf("session %v, actor %v: want a change required", s.PasswordChangeRequired, a.PasswordChangeRequired)
		}
		// Such a session may do nothing but change the password.
		_, err = f.regions.FindRegions(As(a), govdata.RegionFilter{})
		wantMsg(t, err, govdata.EFORBIDDEN, govdata.MsgPasswordChange)
		if err := f.auth.ChangePassword(As(a), issued, chosen); err != nil {
			t.Fatal(err)
		}
		a, err = f.auth.Authenticate(context.Background(), s.Token)
		if err != nil || a.PasswordChangeRequired {
			t.Fatalf("after the change: %+v, %v; want a full session", a, err)
		}
		if _, err := f.regions.FindRegions(As(a), govdata.RegionFilter{}); err != nil {
			t.Fatalf("full session reads regions: %v", err)
		}
		if s, _ := mustLogin(t, f, "wang.wu", chosen); s.PasswordChangeRequired {
			t.Fatal("a chosen password must be changed")
		}
		if got, _ := f.users.FindUserByID(o.asAdmin, u.ID); got.MustChangePassword {
			t.Fatal("user still must change the password")
		}
	})

	t.Run("expired password must be changed", func(t *testing.T) {
		f := newFixture(t, e)
		f.seed()
		maxAge := govdata.DefaultPasswordPolicy.MaxAge
		f.clock.Advance(maxAge - time.Second)
		if s, _ := mustLogin(t, f, "officer1", testPassword); s.PasswordChangeRequired {
			t.Fatal("a password a second short of its maximum age must be changed")
		}
		f.clock.Advance(time.Second)
		s, a := mustLogin(t, f, "officer1", testPassword)
		if !s.PasswordChangeRequired || !a.PasswordChangeRequired {
			t.Fatalf("password of age %v: change required %v, want true", maxAge, s.PasswordChangeRequired)
		}
		if err := f.auth.ChangePassword(As(a), testPassword, "Renewed-2026!"); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(maxAge - time.Second)
		if s, _ := mustLogin(t, f, "officer1", "Renewed-2026!"); s.PasswordChangeRequired {
			t.Fatal("a renewed password expired early")
		}
	})

	t.Run("password expiring during a session limits it", func(t *testing.T) {
		f := newFixture(t, e)
		f.seed()
		// Sessions last hours; a password can expire within one.
		f.clock.Advance(govdata.DefaultPasswordPolicy.MaxAge - time.Hour)
		s, a := mustLogin(t, f, "officer1", testPassword)
		if a.PasswordChangeRequired {
			t.Fatal("password an hour short of its maximum age: change required")
		}
		f.clock.Advance(time.Hour)
		a, err := f.auth.Authenticate(context.Background(), s.Token)
		if err != nil {
			t.Fatal(err)
		}
		if !a.PasswordChangeRequired {
			t.Fatal("password expired during the session: change not required")
		}
		if err := govdata.Authorize(a, govdata.PermRegionRead); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("expired session reading regions: %v, want forbidden", err)
		}
	})

	t.Run("wrong current passwords lock the account", func(t *testing.T) {
		f := newFixture(t, e)
		f.seed()
		sess, a := mustLogin(t, f, "officer1", testPassword)
		max := govdata.DefaultLockoutPolicy.MaxFailures
		for i := 1; i < max; i++ {
			err := f.auth.ChangePassword(As(a), "Wrong-Password-1", "Renewed-2026!")
			wantField(t, err, govdata.EINVALID, "old_password")
		}
		err := f.auth.ChangePassword(As(a), "Wrong-Password-1", "Renewed-2026!")
		wantCode(t, err, govdata.EUNAUTHORIZED)
		// The guessing session has ended, and the right password waits for the lock to lift.
		if _, err := f.auth.Authenticate(context.Background(), sess.Token); err == nil {
			t.Fatal("session still valid after the lock")
		}
		_, err = f.auth.Login(context.Background(), "officer1", testPassword)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		f.clock.Advance(govdata.DefaultLockoutPolicy.Duration)
		mustLogin(t, f, "officer1", testPassword)
	})

	t.Run("failures never shorten a lock", func(t *testing.T) {
		f := newFixture(t, e)
		f.seed()
		_, a := mustLogin(t, f, "officer1", testPassword)
		for i := 0; i < govdata.DefaultLockoutPolicy.MaxFailures; i++ {
			f.auth.Login(guesser(i), "officer1", "Wrong-Password-1")
		}
		// A failure counted while the lock holds (here: a wrong current
		// password on a session opened before) must keep the lock.
		err := f.auth.ChangePassword(As(a), "Wrong-Password-1", "Renewed-2026!")
		wantCode(t, err, govdata.EUNAUTHORIZED)
		_, err = f.auth.Login(context.Background(), "officer1", testPassword)
		wantCode(t, err, govdata.EUNAUTHORIZED)
	})

	t.Run("change password", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		s1, a1 := mustLogin(t, f, "officer1", testPassword)
		s2, _ := mustLogin(t, f, "officer1", testPassword)
		other, _ := mustLogin(t, f, "officer2", testPassword)
		ctx := As(a1)
		before := f.auditHead()
		err := f.auth.ChangePassword(ctx, "Wrong-Password-1", "Renewed-2026!")
		wantField(t, err, govdata.EINVALID, "old_password")
		f.oneAudit(before, "auth.password_change", govdata.AuditFailed, "officer1")
		before = f.auditHead()
		for _, pw := range []string{"short", "alllowercase", "Officer1-New-pw"} {
			err := f.auth.ChangePassword(ctx, testPassword, pw)
			wantField(t, err, govdata.EINVALID, "new_password")
		}
		err = f.auth.ChangePassword(ctx, testPassword, testPassword)
		if e := wantField(t, err, govdata.EINVALID, "new_password"); e.Fields["new_password"].Msg != govdata.MsgPasswordSame {
			t.Fatalf("same password: %v", err)
		}
		f.noAudit(before)
		err = f.auth.ChangePassword(context.Background(), testPassword, "Renewed-2026!")
		wantCode(t, err, govdata.EUNAUTHORIZED)

		f.clock.Advance(time.Hour)
		if err := f.auth.ChangePassword(ctx, testPassword, "Renewed-2026!"); err != nil {
			t.Fatal(err)
		}
		f.oneAudit(before, "auth.password_change", govdata.AuditOK, "officer1")
		// The session that changed it goes on; the user's others end.
		if _, err := f.auth.Authenticate(context.Background(), s1.Token); err != nil {
			t.Fatalf("the changing session: %v", err)
		}
		_, err = f.auth.Authenticate(context.Background(), s2.Token)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		if _, err := f.auth.Authenticate(context.Background(), other.Token); err != nil {
			t.Fatalf("another user's session: %v", err)
		}
		_, err = f.auth.Login(context.Background(), "officer1", testPassword)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgLoginFailed)
		mustLogin(t, f, "officer1", "Renewed-2026!")
		if u, _ := f.users.FindUserByID(o.asAdmin, o.officer1.ID); u.MustChangePassword || !u.PasswordChangedAt.Equal(f.clock.Now()) {
			t.Fatalf("user after the change: %+v", u)
		}
	})

	t.Run("logout", func(t *testing.T) {
		f := newFixture(t, e)
		f.seed()
		s, a := mustLogin(t, f, "officer1", testPassword)
		s2, _ := mustLogin(t, f, "officer1", testPassword)
		before := f.auditHead()
		if err := f.auth.Logout(As(a), s.Token); err != nil {
			t.Fatal(err)
		}
		r := f.oneAudit(before, "auth.logout", govdata.AuditOK, "officer1")
		if r.ObjectType != "session" || r.ObjectID != itoa(a.SessionID) {
			t.Fatalf("audit object %s %s, want session %d", r.ObjectType, r.ObjectID, a.SessionID)
		}
		_, err := f.auth.Authenticate(context.Background(), s.Token)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		wantCode(t, f.auth.Logout(As(a), s.Token), govdata.EUNAUTHORIZED)
		wantCode(t, f.auth.Logout(As(a), "no-such-token"), govdata.EUNAUTHORIZED)
		if _, err := f.auth.Authenticate(context.Background(), s2.Token); err != nil {
			t.Fatalf("the user's other session: %v", err)
		}
	})

	// ORG-4: a user sees its own sessions in force and ends one of them
	// (left open elsewhere); another's session is answered as missing.
	t.Run("own sessions", func(t *testing.T) {
		f := newFixture(t, e)
		f.seed()
		ctx1 := As(govdata.Actor{ClientAddr: "203.0.113.7"})
		s1, err := f.auth.Login(ctx1, "officer1", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		a1, err := f.auth.Authenticate(context.Background(), s1.Token)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		s2, a2 := mustLogin(t, f, "officer1", testPassword)
		ended, _ := mustLogin(t, f, "officer1", testPassword)
		if err := f.auth.Logout(context.Background(), ended.Token); err != nil {
			t.Fatal(err)
		}
		_, other := mustLogin(t, f, "officer2", testPassword)

		list, err := f.auth.FindSessions(As(a1))
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != a2.SessionID || list[1].ID != a1.SessionID {
			t.Fatalf("sessions %+v, want %d then %d (newest first, the ended one left out)", list, a2.SessionID, a1.SessionID)
		}
		if !list[1].Current || list[0].Current || list[1].ClientAddr != "203.0.113.7" ||
			!list[1].CreatedAt.Before(list[0].CreatedAt) ||
			!list[1].ExpiresAt.Equal(s1.ExpiresAt) {
			t.Fatalf("sessions %+v", list)
		}
		_, err = f.auth.FindSessions(context.Background())
		wantCode(t, err, govdata.EUNAUTHORIZED)

		// Another user's session: not found, nothing ended, no record
		// here (the route records the refusal).
		before := f.auditHead()
		wantHidden(t, f.auth.EndSession(As(a1), other.SessionID), govdata.MsgSessionNotFound)
		wantMsg(t, f.auth.EndSession(As(a1), 999999), govdata.ENOTFOUND, govdata.MsgSessionNotFound)
		f.noAudit(before)
		if l, _ := f.auth.FindSessions(As(other)); len(l) != 1 {
			t.Fatalf("the other user's sessions %+v", l)
		}

		// The user ends its second session from the first.
		if err := f.auth.EndSession(As(a1), a2.SessionID); err != nil {
			t.Fatal(err)
		}
		r := f.oneAudit(before, "auth.session_end", govdata.AuditOK, "officer1")
		if r.ObjectType != "session" || r.ObjectID != itoa(a2.SessionID) {
			t.Fatalf("audit object %s %s, want session %d", r.ObjectType, r.ObjectID, a2.SessionID)
		}
		_, err = f.auth.Authenticate(context.Background(), s2.Token)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		if _, err := f.auth.Authenticate(context.Background(), s1.Token); err != nil {
			t.Fatalf("the session that ended the other: %v", err)
		}
		// Ended once; not again.
		wantCode(t, f.auth.EndSession(As(a1), a2.SessionID), govdata.ENOTFOUND)
		if l, _ := f.auth.FindSessions(As(a1)); len(l) != 1 || l[0].ID != a1.SessionID {
			t.Fatalf("sessions after ending one %+v", l)
		}
		// An expired session is no longer listed nor ended.
		f.clock.Advance(govdata.DefaultAuthConfig.SessionTTL)
		if l, _ := f.auth.FindSessions(As(a1)); len(l) != 0 {
			t.Fatalf("expired sessions listed %+v", l)
		}
		wantCode(t, f.auth.EndSession(As(a1), a1.SessionID), govdata.ENOTFOUND)
	})

	t.Run("session expiry", func(t *testing.T) {
		f := newFixture(t, e)
		f.seed()
		s, _ := mustLogin(t, f, "officer1", testPassword)
		f.clock.Advance(govdata.DefaultAuthConfig.SessionTTL - time.Second)
		if _, err := f.auth.Authenticate(context.Background(), s.Token); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		f.clock.Advance(time.Second)
		_, err := f.auth.Authenticate(context.Background(), s.Token)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgSessionInvalid)
		for _, token := range []string{"", "garbage", s.Token + "x"} {
			_, err := f.auth.Authenticate(context.Background(), token)
			wantCode(t, err, govdata.EUNAUTHORIZED)
		}
	})
}
