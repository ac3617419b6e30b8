package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
)

// answer renders a login's answer as a caller sees it: the code, both
// languages of the message and every detail. Two answers that render alike
// cannot be told apart.
func answer(err error) string {
	var e *govdata.Error
	if !errors.As(err, &e) {
		return fmt.Sprintf("not a domain error: %v", err)
	}
	return fmt.Sprintf("%s|%s|%s|%v|%v", e.Code, e.Message.Text("zh"), e.Message.Text("en"), e.Details, e.Fields)
}

// retryAt is when a throttled or locked answer says to come back; zero if none.
func retryAt(err error) time.Time {
	var e *govdata.Error
	if !errors.As(err, &e) {
		return time.Time{}
	}
	for _, k := range []string{"retry_after", "locked_until"} {
		if s, ok := e.Details[k].(string); ok {
			at, _ := time.Parse(time.RFC3339, s)
			return at
		}
	}
	return time.Time{}
}

// testLoginThrottle covers the throttle of failed logins (ORG-3, issue 11
// item 7): by client address and by username as typed, the same answers
// for a username that names no account as for one that does, a lock an
// administrator lifts, and a table that forgets.
func testLoginThrottle(t *testing.T, e Engine) {
	pol := govdata.DefaultLockoutPolicy

	// The enumeration oracle: in every state — after 1, 5, 20 and more
	// failures, from one address or from many, waiting out each wait or
	// not — an unknown username gets byte for byte the answer a known one
	// gets, for a wrong password and then for the right one.
	scenarios := []struct {
		name string
		from func(side, i int) context.Context // side 0: the known user, 1: the unknown one
		wait bool                              // come back when told to
		want map[int]govdata.Msg               // the answer after so many failures
	}{
		{"one address", func(side, i int) context.Context { return guesser(side) }, false,
			map[int]govdata.Msg{1: govdata.MsgLoginFailed, 4: govdata.MsgLoginFailed, 5: govdata.MsgLoginThrottled, 6: govdata.MsgLoginThrottled, 20: govdata.MsgLoginThrottled}},
		{"many addresses", func(side, i int) context.Context { return guesser(side*300 + i) }, false,
			map[int]govdata.Msg{1: govdata.MsgLoginFailed, 5: govdata.MsgLoginFailed, 19: govdata.MsgLoginFailed, 20: govdata.MsgAccountLocked, 25: govdata.MsgAccountLocked}},
		{"one address waiting out each wait", func(side, i int) context.Context { return guesser(side) }, true,
			map[int]govdata.Msg{1: govdata.MsgLoginFailed, 5: govdata.MsgLoginThrottled, 6: govdata.MsgLoginFailed, 20: govdata.MsgAccountLocked}},
	}
	for _, sc := range scenarios {
		t.Run("unknown and known usernames answered alike: "+sc.name, func(t *testing.T) {
			f := newFixture(t, e)
			f.seed()
			names := [2]string{"officer1", "nobody.here"}
			for i := 1; i <= 25; i++ {
				var got [2]error
				for side, name := range names {
					_, got[side] = f.auth.Login(sc.from(side, i), name, "Wrong-Password-1")
				}
				if a, b := answer(got[0]), answer(got[1]); a != b {
					t.Fatalf("failure %d: known user %q, unknown %q", i, a, b)
				}
				if m, ok := sc.want[i]; ok {
					wantMsg(t, got[0], govdata.EUNAUTHORIZED, m)
				}
				if at := retryAt(got[0]); sc.wait && at.After(f.clock.Now()) && i < 20 {
					f.clock.Advance(at.Sub(f.clock.Now()))
				}
			}
			// The right password, and any other, get the same answer too.
			var got [2]error
			for side, name := range names {
				_, got[side] = f.auth.Login(sc.from(side, 26), name, testPassword)
			}
			if a, b := answer(got[0]), answer(got[1]); a != b || got[0] == nil {
				t.Fatalf("right password: known user %q, unknown %q", a, b)
			}
		})
	}

	t.Run("an address waits, longer each round, and only it", func(t *testing.T) {
		f := newFixture(t, e)
		f.seed()
		// Guesses at many usernames from one address: the address waits
		// after five, whatever the usernames.
		for i := 1; i < pol.AddressMaxFailures; i++ {
			_, err := f.auth.Login(guesser(0), fmt.Sprintf("user%d", i), "Wrong-Password-1")
			wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgLoginFailed)
		}
		_, err := f.auth.Login(guesser(0), "admin", "Wrong-Password-1")
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgLoginThrottled)
		if got, want := retryAt(err), f.clock.Now().Add(pol.AddressDelay); !got.Equal(want) {
			t.Fatalf("retry after %v, want %v", got, want)
		}
		// While it waits even the right password is not checked from there…
		_, err = f.auth.Login(guesser(0), "officer1", testPassword)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgLoginThrottled)
		// …but the account is not locked: from elsewhere it signs in.
		if _, err := f.auth.Login(guesser(1), "officer1", testPassword); err != nil {
			t.Fatalf("login from another address: %v", err)
		}
		// The next round waits twice as long; a success from the address
		// does not clear its count.
		f.clock.Advance(pol.AddressDelay)
		if _, err := f.auth.Login(guesser(0), "officer1", testPassword); err != nil {
			t.Fatalf("login after the wait: %v", err)
		}
		for i := 1; i < pol.AddressMaxFailures; i++ {
			f.auth.Login(guesser(0), "admin", "Wrong-Password-1")
		}
		_, err = f.auth.Login(guesser(0), "admin", "Wrong-Password-1")
		if got, want := retryAt(err), f.clock.Now().Add(2*pol.AddressDelay); !got.Equal(want) {
			t.Fatalf("second round: %v, retry after %v, want %v", err, got, want)
		}
		// admin is far from locked: ten failures of twenty.
		if _, err := f.auth.Login(guesser(2), "admin", testPassword); err != nil {
			t.Fatalf("admin after one address's guesses: %v", err)
		}
	})

	t.Run("an IPv6 client is one /64", func(t *testing.T) {
		f := newFixture(t, e)
		f.seed()
		for i := 1; i <= pol.AddressMaxFailures; i++ {
			ctx := As(govdata.Actor{ClientAddr: fmt.Sprintf("2001:db8:7:7::%x", i)})
			_, err := f.auth.Login(ctx, "nobody", "Wrong-Password-1")
			if i == pol.AddressMaxFailures {
				wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgLoginThrottled)
			}
		}
		_, err := f.auth.Login(As(govdata.Actor{ClientAddr: "2001:db8:7:7:ffff::1"}), "officer1", testPassword)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgLoginThrottled)
		if _, err := f.auth.Login(As(govdata.Actor{ClientAddr: "2001:db8:7:8::1"}), "officer1", testPassword); err != nil {
			t.Fatalf("login from the next /64: %v", err)
		}
	})

	t.Run("administrators unlock", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		guess := 0 // each guess from an address of its own
		lock := func(username string) {
			t.Helper()
			var err error
			for i := 0; i < pol.MaxFailures; i++ {
				guess++
				_, err = f.auth.Login(guesser(guess), username, "Wrong-Password-1")
			}
			wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgAccountLocked)
		}
		lock("officer1")
		// Those who can lift the lock are told, once.
		for _, ctx := range []context.Context{o.asAdmin, o.asSec} {
			l, err := sqlstore.NewNotificationService(f.db).FindNotifications(ctx, govdata.NotificationFilter{})
			if err != nil || len(l.Items) != 1 || l.Items[0].Kind != govdata.NoticeSecurity || !strings.Contains(l.Items[0].Title.EN, "officer1") {
				t.Fatalf("notices: %+v, %v; want one security notice naming officer1", l.Items, err)
			}
		}
		// The secadmin and the auditor do not manage officers; an officer
		// unlocks nobody; nobody unlocks an account that does not exist.
		for _, ctx := range []context.Context{o.asSec, o.asAuditor} {
			_, err := f.auth.UnlockUser(ctx, o.officer1.ID)
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err := f.auth.UnlockUser(o.asOff2, o.officer1.ID)
		wantCode(t, err, govdata.EFORBIDDEN)
		_, err = f.auth.UnlockUser(o.asAdmin, 999999)
		wantCode(t, err, govdata.ENOTFOUND)
		before := f.auditHead()
		u, err := f.auth.UnlockUser(o.asAdmin, o.officer1.ID)
		if err != nil || u.LockedUntil != nil {
			t.Fatalf("unlock: %+v, %v; want no lock", u, err)
		}
		if r := f.oneAudit(before, "user.unlock", govdata.AuditOK, "admin"); r.ObjectID != itoa(o.officer1.ID) {
			t.Fatalf("audit %+v", r)
		}
		mustLogin(t, f, "officer1", testPassword)

		// The one sysadmin, locked by guesses from anywhere, is let in by
		// the secadmin or the auditor, never by itself.
		for _, by := range []context.Context{o.asSec, o.asAuditor, System()} {
			lock("admin")
			_, err := f.auth.UnlockUser(o.asAdmin, o.admin.ID)
			wantMsg(t, err, govdata.EFORBIDDEN, govdata.MsgUnlockSelf)
			if _, err := f.auth.UnlockUser(by, o.admin.ID); err != nil {
				t.Fatal(err)
			}
			mustLogin(t, f, "admin", testPassword)
		}
		// And the sysadmin lets in a locked secadmin or auditor.
		for _, name := range []string{"sec", "auditor"} {
			lock(name)
			u, _ := f.users.FindUserByUsername(o.asAdmin, name)
			if _, err := f.auth.UnlockUser(o.asAdmin, u.ID); err != nil {
				t.Fatal(err)
			}
			mustLogin(t, f, name, testPassword)
		}
		// Without anyone, the lock lifts after its duration.
		lock("officer2")
		f.clock.Advance(pol.Duration)
		mustLogin(t, f, "officer2", testPassword)
	})

	t.Run("the throttle forgets quiet rows", func(t *testing.T) {
		f := newFixture(t, e)
		f.seed()
		count := func() int {
			t.Helper()
			rows, err := SQL(t, f.db).Query(context.Background(), "SELECT COUNT(*) FROM login_throttle")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				rows.Scan(&n)
			}
			return n
		}
		for i := range 3 {
			f.auth.Login(guesser(i), fmt.Sprintf("nobody%d", i), "Wrong-Password-1")
		}
		// Three addresses and three unknown usernames; known ones count on their account.
		f.auth.Login(guesser(3), "officer1", "Wrong-Password-1")
		if n := count(); n != 7 {
			t.Fatalf("%d throttle rows, want 7", n)
		}
		f.clock.Advance(govdata.ThrottleMemory + time.Minute)
		f.auth.Login(guesser(9), "nobody9", "Wrong-Password-1")
		if n := count(); n != 2 {
			t.Fatalf("%d throttle rows a day later, want 2", n)
		}
		// A username typed at any length is stored as a hash.
		if _, err := f.auth.Login(guesser(10), string(make([]byte, 5000)), "Wrong-Password-1"); govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
			t.Fatalf("login as 5000 NULs: %v", err)
		}
		if n := count(); n != 4 {
			t.Fatalf("%d throttle rows, want 4", n)
		}
	})
}
