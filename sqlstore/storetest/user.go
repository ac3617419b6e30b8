package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
)

// TestUsers covers govdata.UserService (ORG-2, ORG-3, ORG-6).
func TestUsers(t *testing.T, e Engine) {
	roles := func(r ...govdata.Role) []govdata.Role { return r }

	t.Run("create and find", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		before := f.auditHead()
		const pw = "Qingshan-2026!"
		u, err := f.users.CreateUser(o.asAdmin, govdata.UserInput{Username: " Zhang.San ", Password: pw, Name: "张三",
			DepartmentID: o.dept1.ID, Roles: roles(govdata.RoleOfficer, govdata.RoleLeader)})
		if err != nil {
			t.Fatal(err)
		}
		now := f.clock.Now()
		// 等保 三员分立: the sysadmin's business roles wait for the secadmin.
		want := govdata.User{ID: u.ID, Username: "zhang.san", Name: "张三", DepartmentID: o.dept1.ID,
			Roles: roles(), PendingRoles: []govdata.RoleRequest{
				{Role: govdata.RoleOfficer, DepartmentID: o.dept1.ID, RequestedBy: "admin", RequestedAt: now},
				{Role: govdata.RoleLeader, DepartmentID: o.dept1.ID, RequestedBy: "admin", RequestedAt: now}},
			MustChangePassword: true, PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
		if u.ID == 0 || !sameUser(u, &want) {
			t.Fatalf("created %+v, want %+v", u, want)
		}
		for _, find := range []func() (*govdata.User, error){
			func() (*govdata.User, error) { return f.users.FindUserByID(o.asAdmin, u.ID) },
			func() (*govdata.User, error) { return f.users.FindUserByUsername(o.asAdmin, "ZHANG.SAN") },
			func() (*govdata.User, error) { return f.users.FindUserByUsername(o.asSec, "zhang.san") },
		} {
			if got, err := find(); err != nil || !sameUser(got, &want) {
				t.Fatalf("found %+v, %v; want %+v", got, err, want)
			}
		}
		r := f.oneAudit(before, "user.create", govdata.AuditOK, "admin")
		if r.ObjectType != "user" || r.ObjectID != itoa(u.ID) || strings.Contains(r.Detail, pw) || !strings.Contains(r.Detail, `"roles_requested":["officer","leader"]`) {
			t.Fatalf("audit record %s %s detail %s: want the user, the roles requested, and no password", r.ObjectType, r.ObjectID, r.Detail)
		}
		confirmAll(t, f, o, u.ID)
		want.Roles, want.PendingRoles = roles(govdata.RoleOfficer, govdata.RoleLeader), nil
		if got, err := f.users.FindUserByID(o.asAdmin, u.ID); err != nil || !sameUser(got, &want) {
			t.Fatalf("after the secadmin's confirmation %+v, %v; want %+v", got, err, want)
		}
		if n, err := f.users.CountUsers(context.Background()); err != nil || n != 6 {
			t.Fatalf("CountUsers = %d, %v; want 6", n, err)
		}
	})

	t.Run("duplicate username is a conflict", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		in := govdata.UserInput{Username: "zhang.san", Password: testPassword, Name: "张三", DepartmentID: o.dept1.ID,
			Roles: roles(govdata.RoleOfficer)}
		if _, err := f.users.CreateUser(o.asAdmin, in); err != nil {
			t.Fatal(err)
		}
		before := f.auditHead()
		for _, name := range []string{"zhang.san", "ZHANG.san", " Zhang.San"} {
			in.Username = name
			_, err := f.users.CreateUser(o.asAdmin, in)
			wantField(t, err, govdata.ECONFLICT, "username")
		}
		f.noAudit(before)
		if n, _ := f.users.CountUsers(context.Background()); n != 6 {
			t.Fatalf("CountUsers = %d, want 6", n)
		}
	})

	t.Run("invalid input", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		before := f.auditHead()
		tests := []struct {
			name   string
			change func(*govdata.UserInput)
			field  string
		}{
			{"sysadmin and auditor", func(in *govdata.UserInput) {
				in.Roles, in.DepartmentID = roles(govdata.RoleSysadmin, govdata.RoleAuditor), 0
			}, "roles"},
			{"secadmin and officer", func(in *govdata.UserInput) { in.Roles = roles(govdata.RoleSecadmin, govdata.RoleOfficer) }, "roles"},
			{"no roles", func(in *govdata.UserInput) { in.Roles = nil }, "roles"},
			{"unknown role", func(in *govdata.UserInput) { in.Roles = roles("root") }, "roles"},
			{"officer without department", func(in *govdata.UserInput) { in.DepartmentID = 0 }, "department_id"},
			{"unknown department", func(in *govdata.UserInput) { in.DepartmentID = 9999 }, "department_id"},
			{"weak password", func(in *govdata.UserInput) { in.Password = "abc12345" }, "password"},
			{"password contains username", func(in *govdata.UserInput) { in.Password = "Zhang.san-2026" }, "password"},
			{"username", func(in *govdata.UserInput) { in.Username = "张三" }, "username"},
			{"name", func(in *govdata.UserInput) { in.Name = " " }, "name"},
		}
		for _, tt := range tests {
			in := govdata.UserInput{Username: "zhang.san", Password: testPassword, Name: "张三", DepartmentID: o.dept1.ID,
				Roles: roles(govdata.RoleOfficer)}
			tt.change(&in)
			_, err := f.users.CreateUser(o.asAdmin, in)
			wantField(t, err, govdata.EINVALID, tt.field)
		}
		f.noAudit(before)
		if n, _ := f.users.CountUsers(context.Background()); n != 5 {
			t.Fatalf("CountUsers = %d, want 5", n)
		}
	})

	t.Run("create with a password that need not change", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		in := govdata.UserInput{Username: "ops", Password: testPassword, Name: "运维", Roles: roles(govdata.RoleSecadmin)}
		// Only the platform itself may skip the forced change (ORG-3).
		_, err := f.users.CreateUserWithPassword(o.asSec, in, false)
		wantCode(t, err, govdata.EFORBIDDEN)
		u, err := f.users.CreateUserWithPassword(o.asSec, in, true)
		if err != nil || !u.MustChangePassword {
			t.Fatalf("secadmin creates with a forced change: %+v, %v", u, err)
		}
		in.Username = "ops2"
		u, err = f.users.CreateUserWithPassword(System(), in, false)
		if err != nil || u.MustChangePassword {
			t.Fatalf("platform creates without a forced change: %+v, %v", u, err)
		}
		if s, _ := mustLogin(t, f, "ops2", testPassword); s.PasswordChangeRequired {
			t.Fatal("login of a platform-set password requires a change")
		}
	})

	// ORG-3: the platform issues a password an administrator hands over,
	// answered once; it works until changed, which the holder must do.
	t.Run("issued passwords", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		u, err := f.users.CreateUser(o.asAdmin, govdata.UserInput{Username: "issued.one", Name: "发放", DepartmentID: o.dept1.ID,
			Roles: roles(govdata.RoleOfficer)})
		if err != nil || u.IssuedPassword == "" || !u.MustChangePassword {
			t.Fatalf("create without a password: %+v, %v", u, err)
		}
		if s, _ := mustLogin(t, f, "issued.one", u.IssuedPassword); !s.PasswordChangeRequired {
			t.Fatal("an issued password needs no change")
		}
		if again, _ := f.users.FindUserByID(o.asAdmin, u.ID); again.IssuedPassword != "" {
			t.Fatal("the issued password is shown again")
		}
		r, err := f.users.UpdateUser(o.asAdmin, u.ID, govdata.UserPatch{IssuePassword: true})
		if err != nil || r.IssuedPassword == "" || r.IssuedPassword == u.IssuedPassword {
			t.Fatalf("reset: %+v, %v", r, err)
		}
		if _, err := f.auth.Login(context.Background(), "issued.one", u.IssuedPassword); err == nil {
			t.Fatal("the first issued password still works")
		}
		mustLogin(t, f, "issued.one", r.IssuedPassword)
		before := f.auditHead()
		pw := testPassword
		_, err = f.users.UpdateUser(o.asAdmin, u.ID, govdata.UserPatch{IssuePassword: true, Password: &pw})
		wantField(t, err, govdata.EINVALID, "issue_password")
		_, err = f.users.UpdateUser(o.asAdmin, 9999, govdata.UserPatch{IssuePassword: true})
		wantCode(t, err, govdata.ENOTFOUND)
		f.noAudit(before)
	})

	t.Run("update", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		id := o.officer1.ID
		created := f.clock.Now()
		f.clock.Advance(time.Hour)
		update := func(p govdata.UserPatch) *govdata.User {
			t.Helper()
			before := f.auditHead()
			u, err := f.users.UpdateUser(o.asAdmin, id, p)
			if err != nil {
				t.Fatal(err)
			}
			f.oneAudit(before, "user.update", govdata.AuditOK, "admin")
			found, err := f.users.FindUserByID(o.asAdmin, id)
			if err != nil || !sameUser(found, u) {
				t.Fatalf("returned %+v, found %+v (%v)", u, found, err)
			}
			if !u.CreatedAt.Equal(created) || !u.UpdatedAt.Equal(f.clock.Now()) {
				t.Fatalf("created %v updated %v, want %v and %v", u.CreatedAt, u.UpdatedAt, created, f.clock.Now())
			}
			return u
		}
		name := "福州专员"
		if u := update(govdata.UserPatch{Name: &name}); u.Name != name || u.DepartmentID != o.dept1.ID {
			t.Fatalf("renamed: %+v", u)
		}
		// A move by the sysadmin sends the officer role back to the secadmin.
		if u := update(govdata.UserPatch{DepartmentID: &o.dept2.ID}); u.DepartmentID != o.dept2.ID || u.Name != name ||
			len(u.Roles) != 0 || !sameRoles(u.PendingRoleNames(), roles(govdata.RoleOfficer)) {
			t.Fatalf("moved: %+v", u)
		}
		r := roles(govdata.RoleOfficer, govdata.RoleLeader)
		if u := update(govdata.UserPatch{Roles: &r}); len(u.Roles) != 0 || !sameRoles(u.PendingRoleNames(), r) {
			t.Fatalf("roles: %+v", u)
		}
		if u := confirmAll(t, f, o, id); !sameRoles(u.Roles, r) || len(u.PendingRoles) != 0 {
			t.Fatalf("roles confirmed: %+v", u)
		}
		yes, no := true, false
		if u := update(govdata.UserPatch{Disabled: &yes}); !u.Disabled || !sameRoles(u.Roles, r) {
			t.Fatalf("disabled: %+v", u)
		}
		// Re-enabling by the sysadmin does too.
		if u := update(govdata.UserPatch{Disabled: &no}); u.Disabled || len(u.Roles) != 0 || !sameRoles(u.PendingRoleNames(), r) {
			t.Fatalf("enabled: %+v", u)
		}
		confirmAll(t, f, o, id)
		f.clock.Advance(time.Minute)
		pw := "Reissued-2026!"
		u := update(govdata.UserPatch{Password: &pw})
		if !u.MustChangePassword || !u.PasswordChangedAt.Equal(f.clock.Now()) {
			t.Fatalf("password reset: must change %v, changed at %v; want true, %v", u.MustChangePassword, u.PasswordChangedAt, f.clock.Now())
		}
		_, err := f.auth.Login(context.Background(), "officer1", testPassword)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgLoginFailed)
		if s, _ := mustLogin(t, f, "officer1", pw); !s.PasswordChangeRequired {
			t.Fatal("login with an issued password does not require a change")
		}

		// Refused patches change nothing and record nothing.
		current, _ := f.users.FindUserByID(o.asAdmin, id)
		before := f.auditHead()
		exclusive, none := roles(govdata.RoleSysadmin, govdata.RoleAuditor), roles()
		blank, weak, withName := " ", "abc", "Officer1-Secret"
		unknown, noDept := int64(9999), int64(0)
		tests := []struct {
			name  string
			patch govdata.UserPatch
			field string
		}{
			{"exclusive roles", govdata.UserPatch{Roles: &exclusive}, "roles"},
			{"no roles", govdata.UserPatch{Roles: &none}, "roles"},
			{"blank name", govdata.UserPatch{Name: &blank}, "name"},
			{"unknown department", govdata.UserPatch{DepartmentID: &unknown}, "department_id"},
			{"officer leaves its department", govdata.UserPatch{DepartmentID: &noDept}, "department_id"},
			{"weak password", govdata.UserPatch{Password: &weak}, "password"},
			{"password contains username", govdata.UserPatch{Password: &withName}, "password"},
		}
		for _, tt := range tests {
			_, err := f.users.UpdateUser(o.asAdmin, id, tt.patch)
			wantField(t, err, govdata.EINVALID, tt.field)
		}
		_, err = f.users.UpdateUser(o.asAdmin, 9999, govdata.UserPatch{Name: &name})
		wantMsg(t, err, govdata.ENOTFOUND, govdata.MsgUserNotFound)
		f.noAudit(before)
		if after, _ := f.users.FindUserByID(o.asAdmin, id); !sameUser(after, current) {
			t.Fatalf("after refused patches %+v, want %+v", after, current)
		}
	})

	t.Run("role history", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		t0 := f.clock.Now()
		u, err := f.users.CreateUser(o.asAdmin, govdata.UserInput{Username: "li.si", Password: testPassword, Name: "李四",
			DepartmentID: o.dept1.ID, Roles: roles(govdata.RoleOfficer)})
		if err != nil {
			t.Fatal(err)
		}
		// The sysadmin asks for business roles and removes them; the
		// secadmin grants them, so the history names the secadmin.
		confirmAll(t, f, o, u.ID)
		setRoles := func(r ...govdata.Role) time.Time {
			t.Helper()
			f.clock.Advance(time.Hour)
			if _, err := f.users.UpdateUser(o.asAdmin, u.ID, govdata.UserPatch{Roles: &r}); err != nil {
				t.Fatal(err)
			}
			if got, _ := f.users.FindUserByID(o.asSec, u.ID); len(got.PendingRoles) > 0 {
				confirmAll(t, f, o, u.ID)
			}
			return f.clock.Now()
		}
		t1 := setRoles(govdata.RoleOfficer, govdata.RoleLeader)
		t2 := setRoles(govdata.RoleLeader)
		t3 := setRoles(govdata.RoleLeader, govdata.RoleOfficer)
		want := []govdata.RoleHolding{
			{Role: govdata.RoleOfficer, GrantedAt: t0, GrantedBy: "sec", RevokedAt: &t2, RevokedBy: "admin"},
			{Role: govdata.RoleLeader, GrantedAt: t1, GrantedBy: "sec"},
			{Role: govdata.RoleOfficer, GrantedAt: t3, GrantedBy: "sec"},
		}
		for _, ctx := range []context.Context{o.asAuditor, o.asSec, o.asAdmin} {
			got, err := f.users.FindRoleHistory(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !sameHoldings(got, want) {
				t.Fatalf("history %s, want %s", js(got), js(want))
			}
		}
		if got, _ := f.users.FindUserByID(o.asAdmin, u.ID); !sameRoles(got.Roles, roles(govdata.RoleLeader, govdata.RoleOfficer)) {
			t.Fatalf("current roles %v", got.Roles)
		}
		// Roles given by the platform are granted by "system".
		got, err := f.users.FindRoleHistory(o.asAuditor, o.officer2.ID)
		if err != nil || len(got) != 1 || got[0].GrantedBy != "system" || got[0].RevokedAt != nil {
			t.Fatalf("seeded history %s, %v", js(got), err)
		}
		_, err = f.users.FindRoleHistory(o.asOff1, u.ID)
		wantCode(t, err, govdata.EFORBIDDEN)
		_, err = f.users.FindRoleHistory(o.asAuditor, 9999)
		wantCode(t, err, govdata.ENOTFOUND)
	})

	t.Run("separation of duties in managing users", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		// 三员分立: the sysadmin cannot make, or take over, an auditor or a secadmin.
		aud := govdata.UserInput{Username: "auditor2", Password: testPassword, Name: "审计员二", Roles: roles(govdata.RoleAuditor)}
		_, err := f.users.CreateUser(o.asAdmin, aud)
		wantCode(t, err, govdata.EFORBIDDEN)
		pw, yes, name := "Taken-over-pass-1", true, "改名"
		for _, p := range []govdata.UserPatch{{Password: &pw}, {Disabled: &yes}, {Name: &name},
			{Roles: &[]govdata.Role{govdata.RoleSysadmin}}} {
			before := f.auditHead()
			_, err := f.users.UpdateUser(o.asAdmin, o.auditor.ID, p)
			wantCode(t, err, govdata.EFORBIDDEN)
			f.noAudit(before)
		}
		_, err = f.users.UpdateUser(o.asAdmin, o.officer1.ID, govdata.UserPatch{Roles: &[]govdata.Role{govdata.RoleAuditor}})
		wantCode(t, err, govdata.EFORBIDDEN)
		if s, _ := mustLogin(t, f, "auditor", testPassword); s.PasswordChangeRequired {
			t.Fatal("the auditor's password was reset")
		}
		// The secadmin manages the security and audit roles, and only those.
		if _, err := f.users.CreateUser(o.asSec, aud); err != nil {
			t.Fatalf("secadmin creates an auditor: %v", err)
		}
		_, err = f.users.CreateUser(o.asSec, govdata.UserInput{Username: "off3", Password: testPassword, Name: "专员三",
			DepartmentID: o.officer1.DepartmentID, Roles: roles(govdata.RoleOfficer)})
		wantCode(t, err, govdata.EFORBIDDEN)
		_, err = f.users.UpdateUser(o.asSec, o.officer1.ID, govdata.UserPatch{Password: &pw})
		wantCode(t, err, govdata.EFORBIDDEN)
		if _, err := f.users.UpdateUser(o.asSec, o.auditor.ID, govdata.UserPatch{Password: &pw}); err != nil {
			t.Fatalf("secadmin issues the auditor a password: %v", err)
		}
	})

	// 等保 三员分立: every way the sysadmin could give an account it
	// controls the reach of a business role only asks the secadmin.
	t.Run("business roles wait for the secadmin", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		// sessionRoles signs in as whoever knows the password — for an
		// account the sysadmin made, the sysadmin — changing an issued one.
		sessionRoles := func(username string) govdata.Actor {
			t.Helper()
			s, a := mustLogin(t, f, username, testPassword)
			if s.PasswordChangeRequired {
				const chosen = "Taken-over-2026!"
				if err := f.auth.ChangePassword(As(a), testPassword, chosen); err != nil {
					t.Fatal(err)
				}
				_, a = mustLogin(t, f, username, chosen)
				if err := f.auth.ChangePassword(As(a), chosen, testPassword); err != nil {
					t.Fatal(err)
				}
				_, a = mustLogin(t, f, username, testPassword)
			}
			return a
		}
		mayReadRows := func(a govdata.Actor, dept int64) bool {
			return govdata.AuthorizeIn(a, govdata.PermDataRows, dept) == nil
		}
		// The platform's own officer of department 2, and a sysadmin-made account.
		mine, err := f.users.CreateUserWithPassword(System(), govdata.UserInput{Username: "ops", Password: testPassword, Name: "运维",
			Roles: roles(govdata.RoleSysadmin)}, false)
		if err != nil {
			t.Fatal(err)
		}
		plain := mustUser(t, f, "reviewer1", "审核员", o.dept1.ID, govdata.RoleReviewer)
		yes, no := true, false
		tests := []struct {
			name     string
			username string
			do       func() (*govdata.User, error)
			held     []govdata.Role // held after, pending are the rest
			pending  []govdata.Role
		}{
			{"create an officer", "new.officer", func() (*govdata.User, error) {
				return f.users.CreateUser(o.asAdmin, govdata.UserInput{Username: "new.officer", Password: testPassword, Name: "新专员",
					DepartmentID: o.dept1.ID, Roles: roles(govdata.RoleOfficer)})
			}, nil, roles(govdata.RoleOfficer)},
			{"add officer to an account", "reviewer1", func() (*govdata.User, error) {
				r := roles(govdata.RoleReviewer, govdata.RoleOfficer)
				return f.users.UpdateUser(o.asAdmin, plain.ID, govdata.UserPatch{Roles: &r})
			}, roles(govdata.RoleReviewer), roles(govdata.RoleOfficer)},
			{"turn a sysadmin-made account into an officer", "ops", func() (*govdata.User, error) {
				r, d := roles(govdata.RoleOfficer), o.dept1.ID
				return f.users.UpdateUser(o.asAdmin, mine.ID, govdata.UserPatch{Roles: &r, DepartmentID: &d})
			}, nil, roles(govdata.RoleOfficer)},
			{"move an officer to another department", "officer2", func() (*govdata.User, error) {
				return f.users.UpdateUser(o.asAdmin, o.officer2.ID, govdata.UserPatch{DepartmentID: &o.dept1.ID})
			}, nil, roles(govdata.RoleOfficer)},
			{"re-enable a disabled officer", "officer1", func() (*govdata.User, error) {
				if _, err := f.users.UpdateUser(o.asAdmin, o.officer1.ID, govdata.UserPatch{Disabled: &yes}); err != nil {
					return nil, err
				}
				return f.users.UpdateUser(o.asAdmin, o.officer1.ID, govdata.UserPatch{Disabled: &no})
			}, nil, roles(govdata.RoleOfficer)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := f.auditHead()
				u, err := tt.do()
				if err != nil {
					t.Fatal(err)
				}
				if !sameRoles(u.Roles, tt.held) || !sameRoles(u.PendingRoleNames(), tt.pending) {
					t.Fatalf("roles %v pending %v, want %v and %v", u.Roles, u.PendingRoleNames(), tt.held, tt.pending)
				}
				for _, q := range u.PendingRoles {
					if q.RequestedBy != "admin" || !q.RequestedAt.Equal(f.clock.Now()) || q.DepartmentID != o.dept1.ID {
						t.Fatalf("request %+v, want by admin now for department %d", q, o.dept1.ID)
					}
				}
				if len(f.auditAfter(before)) == 0 {
					t.Fatal("no audit record")
				}
				// The account signs in without the role: no rows of department 1.
				if a := sessionRoles(tt.username); a.Has(govdata.RoleOfficer) || mayReadRows(a, o.dept1.ID) {
					t.Fatalf("session of %s holds %v: it may read the department's rows", tt.username, a.Roles)
				}
				// The secadmin sees it waiting.
				l, err := f.users.FindUsers(o.asSec, govdata.UserFilter{Pending: true, Query: tt.username})
				if err != nil || len(l.Items) != 1 || l.Items[0].ID != u.ID {
					t.Fatalf("pending list for %s: %s, %v", tt.username, js(l.Items), err)
				}
			})
		}
		// The secadmin heard of each request.
		notes, err := sqlstore.NewNotificationService(f.db).FindNotifications(o.asSec, govdata.NotificationFilter{})
		if err != nil || len(notes.Items) != len(tests) || notes.Items[0].Kind != govdata.NoticeSecurity {
			t.Fatalf("secadmin's notices %s, %v; want %d of kind security", js(notes.Items), err, len(tests))
		}
		l, err := f.users.FindUsers(o.asSec, govdata.UserFilter{Pending: true})
		if err != nil || len(l.Items) != len(tests) {
			t.Fatalf("pending list %s, %v; want %d accounts", js(l.Items), err, len(tests))
		}

		// Only the secadmin confirms, for the department the account is in.
		before := f.auditHead()
		officer := roles(govdata.RoleOfficer)
		for _, ctx := range []context.Context{o.asAdmin, o.asAuditor, o.asOff1} {
			_, err := f.users.ConfirmRoles(ctx, o.officer2.ID, govdata.RoleDecision{Roles: officer, DepartmentID: o.dept1.ID})
			wantCode(t, err, govdata.EFORBIDDEN)
			_, err = f.users.RejectRoles(ctx, o.officer2.ID, govdata.RoleDecision{Roles: officer})
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err = f.users.ConfirmRoles(o.asSec, o.officer2.ID, govdata.RoleDecision{Roles: officer, DepartmentID: o.dept2.ID})
		wantMsg(t, err, govdata.ECONFLICT, govdata.MsgRoleMoved)
		_, err = f.users.ConfirmRoles(o.asSec, o.officer2.ID, govdata.RoleDecision{Roles: roles(govdata.RoleLeader), DepartmentID: o.dept1.ID})
		wantMsg(t, err, govdata.ECONFLICT, govdata.MsgRoleNotPending)
		_, err = f.users.ConfirmRoles(o.asSec, 9999, govdata.RoleDecision{Roles: officer, DepartmentID: o.dept1.ID})
		wantCode(t, err, govdata.ENOTFOUND)
		f.noAudit(before)

		f.clock.Advance(time.Hour)
		u, err := f.users.ConfirmRoles(o.asSec, o.officer2.ID, govdata.RoleDecision{Roles: officer, DepartmentID: o.dept1.ID})
		if err != nil || !sameRoles(u.Roles, officer) || len(u.PendingRoles) != 0 {
			t.Fatalf("confirmed: %+v, %v", u, err)
		}
		r := f.oneAudit(before, "user.roles_confirm", govdata.AuditOK, "sec")
		if r.ObjectID != itoa(o.officer2.ID) || !strings.Contains(r.Detail, "officer:admin@") {
			t.Fatalf("confirmation record %s %s", r.ObjectID, r.Detail)
		}
		if a := sessionRoles("officer2"); !mayReadRows(a, o.dept1.ID) || mayReadRows(a, o.dept2.ID) {
			t.Fatalf("confirmed officer's session %+v: want department 1's rows and not department 2's", a)
		}
		h, _ := f.users.FindRoleHistory(o.asAuditor, o.officer2.ID)
		if len(h) != 2 || h[0].RevokedBy != "admin" || h[1].GrantedBy != "sec" || !h[1].GrantedAt.Equal(f.clock.Now()) {
			t.Fatalf("history %s: want the move's revocation by admin and the grant by sec", js(h))
		}

		// A rejection drops the request; the account keeps what it holds.
		before = f.auditHead()
		u, err = f.users.RejectRoles(o.asSec, plain.ID, govdata.RoleDecision{Roles: officer})
		if err != nil || !sameRoles(u.Roles, roles(govdata.RoleReviewer)) || len(u.PendingRoles) != 0 {
			t.Fatalf("rejected: %+v, %v", u, err)
		}
		f.oneAudit(before, "user.roles_reject", govdata.AuditOK, "sec")
		_, err = f.users.RejectRoles(o.asSec, plain.ID, govdata.RoleDecision{Roles: officer})
		wantMsg(t, err, govdata.ECONFLICT, govdata.MsgRoleNotPending)

		// The platform itself (first start, the CLI on the server) grants at once.
		u, err = f.users.UpdateUser(System(), o.officer2.ID, govdata.UserPatch{DepartmentID: &o.dept2.ID})
		if err != nil || !sameRoles(u.Roles, officer) || len(u.PendingRoles) != 0 {
			t.Fatalf("moved by the platform: %+v, %v", u, err)
		}
	})

	t.Run("a password reset is a security event", func(t *testing.T) {
		f := newFixture(t, e, func(o *sqlstore.Options) { o.MailNotices = true })
		o := f.seed()
		notes := sqlstore.NewNotificationService(f.db)
		mail := "officer1@fz.gov.cn"
		if _, err := f.users.UpdateUser(o.asAdmin, o.officer1.ID, govdata.UserPatch{Email: &mail}); err != nil {
			t.Fatal(err)
		}
		sec2 := mustUser(t, f, "sec2", "安全管理员二", 0, govdata.RoleSecadmin)
		from := o.adminA
		from.ClientAddr = "198.51.100.7"
		pw := "Reissued-2026!"
		before := f.auditHead()
		if _, err := f.users.UpdateUser(As(from), o.officer1.ID, govdata.UserPatch{Password: &pw}); err != nil {
			t.Fatal(err)
		}
		r := f.oneAudit(before, "user.update", govdata.AuditOK, "admin")
		if !strings.Contains(r.Detail, `"password":"reset"`) || r.ClientAddr != "198.51.100.7" {
			t.Fatalf("audit record %s from %s", r.Detail, r.ClientAddr)
		}
		at := f.clock.Now().UTC().Format("2006-01-02 15:04:05")
		// The notices of the reset; the officer role it sent back to
		// waiting is a notice of its own to the secadmins.
		inbox := func(a govdata.Actor) []*govdata.Notification {
			t.Helper()
			l, err := notes.FindNotifications(As(a), govdata.NotificationFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var resets []*govdata.Notification
			for _, n := range l.Items {
				if strings.Contains(n.Title.EN, "password") {
					resets = append(resets, n)
				}
			}
			return resets
		}
		for _, a := range []govdata.Actor{o.officer1A, o.secA, actorOf(sec2)} {
			got := inbox(a)
			if len(got) != 1 || got[0].Kind != govdata.NoticeSecurity {
				t.Fatalf("%s's notices %s, want one security notice", a.Username, js(got))
			}
			for _, want := range []string{"officer1", "admin", at, "198.51.100.7"} {
				if !strings.Contains(got[0].Title.ZH, want) || !strings.Contains(got[0].Title.EN, want) {
					t.Fatalf("%s's notice %+v does not say %q", a.Username, got[0].Title, want)
				}
			}
		}
		for _, a := range []govdata.Actor{o.adminA, o.auditorA, o.officer2A} {
			if got := inbox(a); len(got) != 0 {
				t.Fatalf("%s's notices %s, want none", a.Username, js(got))
			}
		}
		// The holder's copy goes out by e-mail in the same transaction.
		targets := mailedTo(t, f, o.officer1.ID)
		if !slices.Equal(targets, []string{mail}) {
			t.Fatalf("e-mails to the holder %v, want one to %s", targets, mail)
		}
		// A secadmin whose own password is reset hears of it once.
		if _, err := f.users.UpdateUser(o.asSec, sec2.ID, govdata.UserPatch{Password: &pw}); err != nil {
			t.Fatal(err)
		}
		if got := inbox(actorOf(sec2)); len(got) != 2 {
			t.Fatalf("sec2's notices %s, want two (one per reset)", js(got))
		}
	})

	// An administrator who changes a holder's e-mail address could receive
	// the holder's next security notice himself: the holder is told at the
	// address being replaced, and the secadmins with it.
	t.Run("an e-mail change by an administrator is a security event", func(t *testing.T) {
		f := newFixture(t, e, func(o *sqlstore.Options) { o.MailNotices = true })
		o := f.seed()
		notes := sqlstore.NewNotificationService(f.db)
		old, taken := "officer1@fz.gov.cn", "mallory@example.com"
		if _, err := f.users.UpdateUser(o.asAdmin, o.officer1.ID, govdata.UserPatch{Email: &old}); err != nil {
			t.Fatal(err)
		}
		before := f.auditHead()
		if _, err := f.users.UpdateUser(o.asAdmin, o.officer1.ID, govdata.UserPatch{Email: &taken}); err != nil {
			t.Fatal(err)
		}
		if r := f.oneAudit(before, "user.update", govdata.AuditOK, "admin"); !strings.Contains(r.Detail, `"notified":"holder,secadmin"`) {
			t.Fatalf("audit record %s does not say who was told", r.Detail)
		}
		for _, a := range []govdata.Actor{o.officer1A, o.secA} {
			l, err := notes.FindNotifications(As(a), govdata.NotificationFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Items) != 1 || l.Items[0].Kind != govdata.NoticeSecurity || !strings.Contains(l.Items[0].Title.EN, "e-mail address of account officer1") {
				t.Fatalf("%s's notices %s, want one about the e-mail change", a.Username, js(l.Items))
			}
		}
		targets := mailedTo(t, f, o.officer1.ID)
		if !slices.Equal(targets, []string{old}) {
			t.Fatalf("e-mails to the holder %v, want one to the replaced address %s", targets, old)
		}
	})

	t.Run("administrator roles keep a holder", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		yes := true
		_, err := f.users.UpdateUser(o.asSec, o.auditor.ID, govdata.UserPatch{Disabled: &yes})
		wantCode(t, err, govdata.ECONFLICT)
		if e, _ := err.(*govdata.Error); e == nil || e.Message.Msg != govdata.MsgLastAdmin {
			t.Fatalf("disabling the last auditor: %v", err)
		}
		second, err := f.users.CreateUser(o.asSec, govdata.UserInput{Username: "auditor2", Password: testPassword, Name: "审计员二", Roles: roles(govdata.RoleAuditor)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.users.UpdateUser(o.asSec, o.auditor.ID, govdata.UserPatch{Disabled: &yes}); err != nil {
			t.Fatalf("disabling an auditor with another left: %v", err)
		}
		_, err = f.users.UpdateUser(o.asSec, second.ID, govdata.UserPatch{Disabled: &yes})
		wantCode(t, err, govdata.ECONFLICT)
	})

	t.Run("no changes to oneself", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		mustUser(t, f, "admin2", "第二管理员", 0, govdata.RoleSysadmin)
		before := f.auditHead()
		other, same, yes := roles(govdata.RoleSecadmin), roles(govdata.RoleSysadmin), true
		_, err := f.users.UpdateUser(o.asAdmin, o.admin.ID, govdata.UserPatch{Roles: &other})
		wantMsg(t, err, govdata.EFORBIDDEN, govdata.MsgRoleSelfChange)
		_, err = f.users.UpdateUser(o.asAdmin, o.admin.ID, govdata.UserPatch{Disabled: &yes})
		wantMsg(t, err, govdata.EFORBIDDEN, govdata.MsgSelfDisable)
		f.noAudit(before)
		name := "管理员甲"
		if u, err := f.users.UpdateUser(o.asAdmin, o.admin.ID, govdata.UserPatch{Name: &name, Roles: &same}); err != nil || u.Name != name {
			t.Fatalf("own name with unchanged roles: %+v, %v", u, err)
		}
	})

	t.Run("last sysadmin", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		admin2 := mustUser(t, f, "admin2", "第二管理员", 0, govdata.RoleSysadmin)
		yes, no, sec := true, false, roles(govdata.RoleSecadmin)
		if _, err := f.users.UpdateUser(o.asAdmin, admin2.ID, govdata.UserPatch{Disabled: &yes}); err != nil {
			t.Fatalf("disable the other sysadmin: %v", err)
		}
		// A disabled sysadmin does not count.
		before := f.auditHead()
		_, err := f.users.UpdateUser(System(), o.admin.ID, govdata.UserPatch{Disabled: &yes})
		wantMsg(t, err, govdata.ECONFLICT, govdata.MsgLastAdmin)
		_, err = f.users.UpdateUser(System(), o.admin.ID, govdata.UserPatch{Roles: &sec})
		wantMsg(t, err, govdata.ECONFLICT, govdata.MsgLastAdmin)
		f.noAudit(before)
		if u, _ := f.users.FindUserByID(o.asAdmin, o.admin.ID); u.Disabled || !sameRoles(u.Roles, roles(govdata.RoleSysadmin)) {
			t.Fatalf("last sysadmin after refusals: %+v", u)
		}
		if _, err := f.users.UpdateUser(o.asAdmin, admin2.ID, govdata.UserPatch{Disabled: &no}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.users.UpdateUser(System(), o.admin.ID, govdata.UserPatch{Roles: &sec}); err != nil {
			t.Fatalf("with another active sysadmin: %v", err)
		}
		_, err = f.users.UpdateUser(System(), admin2.ID, govdata.UserPatch{Disabled: &yes})
		wantMsg(t, err, govdata.ECONFLICT, govdata.MsgLastAdmin)
	})

	t.Run("off-boarding ends sessions at once", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		id := o.officer1.ID
		alive := func(s *govdata.Session) error {
			_, err := f.auth.Authenticate(context.Background(), s.Token)
			return err
		}
		update := func(p govdata.UserPatch) *govdata.AuditRecord {
			t.Helper()
			before := f.auditHead()
			if _, err := f.users.UpdateUser(o.asAdmin, id, p); err != nil {
				t.Fatal(err)
			}
			return f.oneAudit(before, "user.update", govdata.AuditOK, "admin")
		}
		ended := func(r *govdata.AuditRecord) bool {
			var d map[string]any
			json.Unmarshal([]byte(r.Detail), &d)
			return d["sessions_ended"] == true
		}

		s, _ := mustLogin(t, f, "officer1", testPassword)
		other, _ := mustLogin(t, f, "officer2", testPassword)
		// Adding a role keeps the session, which sees the role at once.
		more := roles(govdata.RoleOfficer, govdata.RoleLeader)
		if r := update(govdata.UserPatch{Roles: &more}); ended(r) {
			t.Fatalf("adding a role ended sessions: %s", r.Detail)
		}
		if a, err := f.auth.Authenticate(context.Background(), s.Token); err != nil || a.Has(govdata.RoleLeader) {
			t.Fatalf("after asking for a role: %+v, %v; want the session without it", a, err)
		}
		confirmAll(t, f, o, id)
		if a, err := f.auth.Authenticate(context.Background(), s.Token); err != nil || !a.Has(govdata.RoleLeader) {
			t.Fatalf("after the role is confirmed: %+v, %v", a, err)
		}
		// A new name keeps it too.
		name := "新名字"
		update(govdata.UserPatch{Name: &name})
		if err := alive(s); err != nil {
			t.Fatalf("after a rename: %v", err)
		}
		// Removing a role ends it.
		fewer := roles(govdata.RoleOfficer)
		if r := update(govdata.UserPatch{Roles: &fewer}); !ended(r) {
			t.Fatalf("audit of a removed role does not say sessions ended: %s", r.Detail)
		}
		wantCode(t, alive(s), govdata.EUNAUTHORIZED)

		// Disabling ends it, and re-enabling does not bring it back.
		s, _ = mustLogin(t, f, "officer1", testPassword)
		yes, no := true, false
		update(govdata.UserPatch{Disabled: &yes})
		wantCode(t, alive(s), govdata.EUNAUTHORIZED)
		_, err := f.auth.Login(context.Background(), "officer1", testPassword)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgAccountDisabled)
		update(govdata.UserPatch{Disabled: &no})
		wantCode(t, alive(s), govdata.EUNAUTHORIZED)

		// Moving to another department ends it.
		s, _ = mustLogin(t, f, "officer1", testPassword)
		update(govdata.UserPatch{DepartmentID: &o.dept2.ID})
		wantCode(t, alive(s), govdata.EUNAUTHORIZED)

		// An administrator's password reset ends it.
		s, _ = mustLogin(t, f, "officer1", testPassword)
		pw := "Reissued-2026!"
		update(govdata.UserPatch{Password: &pw})
		wantCode(t, alive(s), govdata.EUNAUTHORIZED)

		// Other users' sessions are untouched throughout.
		if err := alive(other); err != nil {
			t.Fatalf("another user's session: %v", err)
		}
	})

	t.Run("list", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		ww := mustUser(t, f, "wang.wu", "王五", o.dept1.ID, govdata.RoleOfficer, govdata.RoleLeader)
		zl := mustUser(t, f, "zhao.liu", "赵六", o.dept2.ID, govdata.RoleReviewer)
		ls := mustUser(t, f, "li.si", "李四", o.dept1.ID, govdata.RoleLeader)
		tests := []struct {
			name   string
			filter govdata.UserFilter
			want   []int64
		}{
			{"all", govdata.UserFilter{}, []int64{o.admin.ID, o.sec.ID, o.auditor.ID, o.officer1.ID, o.officer2.ID, ww.ID, zl.ID, ls.ID}},
			{"department", govdata.UserFilter{DepartmentID: o.dept1.ID}, []int64{o.officer1.ID, ww.ID, ls.ID}},
			{"role", govdata.UserFilter{Role: govdata.RoleOfficer}, []int64{o.officer1.ID, o.officer2.ID, ww.ID}},
			{"role in department", govdata.UserFilter{Role: govdata.RoleLeader, DepartmentID: o.dept1.ID}, []int64{ww.ID, ls.ID}},
			{"username contains", govdata.UserFilter{Query: "officer"}, []int64{o.officer1.ID, o.officer2.ID}},
			{"name contains", govdata.UserFilter{Query: "赵"}, []int64{zl.ID}},
			{"case-insensitive", govdata.UserFilter{Query: "LI"}, []int64{zl.ID, ls.ID}},
			{"nothing", govdata.UserFilter{Role: govdata.RoleSupervisor}, nil},
		}
		check := func(t *testing.T, filter govdata.UserFilter, want []int64) {
			t.Helper()
			for _, limit := range []int{0, 1, 3} {
				filter.Limit, filter.Cursor = limit, ""
				var got []int64
				for pages := 0; ; pages++ {
					if pages > 20 {
						t.Fatal("pagination does not end")
					}
					l, err := f.users.FindUsers(o.asSec, filter)
					if err != nil {
						t.Fatal(err)
					}
					for _, u := range l.Items {
						if u.Roles == nil || len(u.Roles) == 0 {
							t.Fatalf("user %s listed without roles", u.Username)
						}
						got = append(got, u.ID)
					}
					if l.NextCursor == "" {
						break
					}
					filter.Cursor = l.NextCursor
				}
				if !slices.Equal(got, want) {
					t.Fatalf("limit %d: %v, want %v", limit, got, want)
				}
			}
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { check(t, tt.filter, tt.want) })
		}
		// A revoked role no longer lists its former holder.
		officer := roles(govdata.RoleOfficer)
		if _, err := f.users.UpdateUser(o.asAdmin, ww.ID, govdata.UserPatch{Roles: &officer}); err != nil {
			t.Fatal(err)
		}
		check(t, govdata.UserFilter{Role: govdata.RoleLeader}, []int64{ls.ID})
		l, err := f.users.FindUsers(o.asAdmin, govdata.UserFilter{Query: "wang"})
		if err != nil || len(l.Items) != 1 || !sameRoles(l.Items[0].Roles, officer) {
			t.Fatalf("listed roles after the change: %s, %v", js(l.Items), err)
		}
	})

	t.Run("permissions", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		// Users read themselves; only sysadmin and secadmin read others.
		if u, err := f.users.FindUserByID(o.asOff1, o.officer1.ID); err != nil || u.ID != o.officer1.ID {
			t.Fatalf("officer reads itself: %+v, %v", u, err)
		}
		for _, ctx := range []context.Context{o.asOff1, o.asAuditor} {
			_, err := f.users.FindUserByID(ctx, o.officer2.ID)
			wantCode(t, err, govdata.EFORBIDDEN)
			_, err = f.users.FindUserByUsername(ctx, "officer2")
			wantCode(t, err, govdata.EFORBIDDEN)
			_, err = f.users.FindUsers(ctx, govdata.UserFilter{})
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		if _, err := f.users.FindUserByID(o.asSec, o.officer2.ID); err != nil {
			t.Fatalf("secadmin reads a user: %v", err)
		}
		_, err := f.users.FindUserByID(context.Background(), o.officer2.ID)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		_, err = f.users.FindUserByID(o.asAdmin, 9999)
		wantCode(t, err, govdata.ENOTFOUND)
		_, err = f.users.FindUserByUsername(o.asAdmin, "nobody")
		wantCode(t, err, govdata.ENOTFOUND)
		// Only the sysadmin and the secadmin write, each for the roles it manages.
		name := "x"
		for _, ctx := range []context.Context{o.asSec, o.asAuditor, o.asOff1} {
			_, err := f.users.CreateUser(ctx, govdata.UserInput{Username: "new.user", Password: testPassword, Name: "新",
				Roles: roles(govdata.RoleSysadmin)})
			wantCode(t, err, govdata.EFORBIDDEN)
			_, err = f.users.UpdateUser(ctx, o.officer1.ID, govdata.UserPatch{Name: &name})
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err = f.users.UpdateUser(context.Background(), o.officer1.ID, govdata.UserPatch{Name: &name})
		wantCode(t, err, govdata.EUNAUTHORIZED)
		if n, err := f.users.CountUsers(context.Background()); err != nil || n != 5 {
			t.Fatalf("CountUsers = %d, %v; want 5", n, err)
		}
	})
}

// confirmAll has the secadmin confirm every role waiting on the account,
// for its present department, and returns the account.
func confirmAll(t *testing.T, f *fixture, o *org, id int64) *govdata.User {
	t.Helper()
	u, err := f.users.FindUserByID(o.asSec, id)
	if err != nil {
		t.Fatal(err)
	}
	u, err = f.users.ConfirmRoles(o.asSec, id, govdata.RoleDecision{Roles: u.PendingRoleNames(), DepartmentID: u.DepartmentID})
	if err != nil {
		t.Fatalf("secadmin confirms the roles of %d: %v", id, err)
	}
	return u
}

func sameRoles(a, b []govdata.Role) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func sameUser(a, b *govdata.User) bool {
	return a.ID == b.ID && a.Username == b.Username && a.Name == b.Name && a.DepartmentID == b.DepartmentID &&
		sameRoles(a.Roles, b.Roles) && sameRequests(a.PendingRoles, b.PendingRoles) && a.Disabled == b.Disabled && a.MustChangePassword == b.MustChangePassword &&
		a.PasswordChangedAt.Equal(b.PasswordChangedAt) && sameTime(a.LockedUntil, b.LockedUntil) &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func sameRequests(a, b []govdata.RoleRequest) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Role != y.Role || x.DepartmentID != y.DepartmentID || x.RequestedBy != y.RequestedBy || !x.RequestedAt.Equal(y.RequestedAt) {
			return false
		}
	}
	return true
}

func sameHoldings(a, b []govdata.RoleHolding) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Role != y.Role || !x.GrantedAt.Equal(y.GrantedAt) || x.GrantedBy != y.GrantedBy ||
			!sameTime(x.RevokedAt, y.RevokedAt) || x.RevokedBy != y.RevokedBy {
			return false
		}
	}
	return true
}

// js renders v for a failure message.
func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// mailedTo lists the addresses of the e-mail copies queued for user's
// notices, oldest first.
func mailedTo(t *testing.T, f *fixture, user int64) []string {
	t.Helper()
	rows, err := SQL(t, f.db).Query(context.Background(), `SELECT d.target FROM deliveries d JOIN notifications n ON n.id = d.notification_id
		WHERE d.channel = 'email' AND n.user_id = ? ORDER BY d.id`, user)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var targets []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		targets = append(targets, s)
	}
	return targets
}
