package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"reflect"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
)

// provinces are valid province codes for filler records.
var provinces = []string{"110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000"}

// TestAudit covers govdata.AuditService and the records every write
// appends (SEC-1, SJZ-S-22).
func TestAudit(t *testing.T, e Engine) {
	t.Run("record fields and chaining", func(t *testing.T) {
		f := newFixture(t, e)
		a := govdata.Actor{UserID: 7, Username: "admin", Roles: []govdata.Role{govdata.RoleSysadmin},
			ClientAddr: "198.51.100.7", RequestID: "req-42"}
		if _, err := f.regions.CreateRegion(As(a), govdata.RegionInput{Code: "350000", Name: "福建省"}); err != nil {
			t.Fatal(err)
		}
		r1 := f.oneAudit(0, "region.create", govdata.AuditOK, "admin")
		want := govdata.AuditRecord{Seq: 1, Time: f.clock.Now(), ActorID: 7, ActorName: "admin", ActorRoles: "sysadmin",
			Action: "region.create", ObjectType: "region", ObjectID: "350000", Result: govdata.AuditOK,
			ClientAddr: "198.51.100.7", RequestID: "req-42", Detail: r1.Detail, PrevHash: []byte{}, Hash: r1.Hash}
		if !sameRecord(r1, &want) {
			t.Fatalf("record %+v, want %+v", *r1, want)
		}
		var detail map[string]any
		if err := json.Unmarshal([]byte(r1.Detail), &detail); err != nil || detail["code"] != "350000" || detail["name"] != "福建省" {
			t.Fatalf("detail %s, want the input", r1.Detail)
		}
		if len(r1.Hash) != 32 {
			t.Fatalf("hash of %d bytes, want 32 (SM3)", len(r1.Hash))
		}
		f.clock.Advance(time.Second)
		officer := govdata.Actor{UserID: 9, Username: "officer1", Roles: []govdata.Role{govdata.RoleOfficer, govdata.RoleLeader}, DepartmentID: 3}
		if err := f.audit.RecordRefusal(As(officer), "region.create", "region", "350100", govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)); err != nil {
			t.Fatal(err)
		}
		r2 := f.oneAudit(1, "region.create", govdata.AuditRefused, "officer1")
		if r2.Seq != 2 || !r2.Time.Equal(f.clock.Now()) || r2.ActorID != 9 || r2.ActorRoles != "officer,leader" ||
			r2.DepartmentID != 3 || string(r2.PrevHash) != string(r1.Hash) || string(r2.Hash) == string(r1.Hash) {
			t.Fatalf("second record %+v", *r2)
		}
	})

	t.Run("one record per write", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		var session *govdata.Session
		var sessionActor govdata.Actor
		var credID int64
		name, pw := "新名", "Renewed-2026!"
		steps := []struct {
			name   string
			do     func() error
			action string
			result govdata.AuditResult
			actor  string
		}{
			{"create region", func() error {
				_, err := f.regions.CreateRegion(o.asAdmin, govdata.RegionInput{Code: "350300", Name: "莆田市"})
				return err
			}, "region.create", govdata.AuditOK, "admin"},
			{"import regions", func() error {
				_, err := f.regions.ImportRegions(o.asAdmin, []govdata.RegionInput{{Code: "350302", Name: "城厢区"}, {Code: "350303", Name: "涵江区"}})
				return err
			}, "region.import", govdata.AuditOK, "admin"},
			{"create department", func() error {
				_, err := f.depts.CreateDepartment(o.asAdmin, deptInput("莆田市数据局", "350300", 0))
				return err
			}, "department.create", govdata.AuditOK, "admin"},
			{"update department", func() error {
				_, err := f.depts.UpdateDepartment(o.asAdmin, o.dept1.ID, govdata.DepartmentPatch{Name: &name})
				return err
			}, "department.update", govdata.AuditOK, "admin"},
			{"create user", func() error {
				_, err := f.users.CreateUser(o.asAdmin, govdata.UserInput{Username: "li.si", Password: testPassword, Name: "李四",
					DepartmentID: o.dept1.ID, Roles: []govdata.Role{govdata.RoleOfficer}})
				return err
			}, "user.create", govdata.AuditOK, "admin"},
			{"update user", func() error {
				_, err := f.users.UpdateUser(o.asAdmin, o.officer2.ID, govdata.UserPatch{Name: &name})
				return err
			}, "user.update", govdata.AuditOK, "admin"},
			{"failed login", func() error {
				_, err := f.auth.Login(context.Background(), "officer1", "Wrong-Password-1")
				if govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
					return fmt.Errorf("login with a wrong password: %v", err)
				}
				return nil
			}, "auth.login", govdata.AuditFailed, "officer1"},
			{"login", func() (err error) {
				session, err = f.auth.Login(context.Background(), "officer1", testPassword)
				if err == nil {
					sessionActor, err = f.auth.Authenticate(context.Background(), session.Token)
				}
				return err
			}, "auth.login", govdata.AuditOK, "officer1"},
			{"change password", func() error {
				return f.auth.ChangePassword(As(sessionActor), testPassword, pw)
			}, "auth.password_change", govdata.AuditOK, "officer1"},
			{"create credential", func() error {
				c, err := f.creds.CreateCredential(As(sessionActor), govdata.CredentialInput{Name: "系统"})
				if err == nil {
					credID = c.ID
				}
				return err
			}, "credential.create", govdata.AuditOK, "officer1"},
			{"rotate credential", func() error {
				_, err := f.creds.RotateCredential(As(sessionActor), credID)
				return err
			}, "credential.rotate", govdata.AuditOK, "officer1"},
			{"revoke credential", func() error {
				_, err := f.creds.RevokeCredential(o.asSec, credID, "测试")
				return err
			}, "credential.revoke", govdata.AuditOK, "sec"},
			{"logout", func() error {
				return f.auth.Logout(As(sessionActor), session.Token)
			}, "auth.logout", govdata.AuditOK, "officer1"},
			{"refusal", func() error {
				return f.audit.RecordRefusal(o.asOff1, "user.read", "user", "1", govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden))
			}, "user.read", govdata.AuditRefused, "officer1"},
		}
		for _, s := range steps {
			before := f.auditHead()
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			r := f.oneAudit(before, s.action, s.result, s.actor)
			if !r.Time.Equal(f.clock.Now()) {
				t.Fatalf("%s: record time %v, want %v", s.name, r.Time, f.clock.Now())
			}
			f.clock.Advance(time.Second)
		}
		// Writes that fail record nothing (refusals are recorded by the
		// caller through RecordRefusal).
		before := f.auditHead()
		_, err := f.regions.CreateRegion(o.asAdmin, govdata.RegionInput{Code: "350300", Name: "莆田市"})
		wantCode(t, err, govdata.ECONFLICT)
		_, err = f.depts.CreateDepartment(o.asAdmin, deptInput("坏", "360100", 0))
		wantCode(t, err, govdata.EINVALID)
		_, err = f.users.CreateUser(o.asSec, govdata.UserInput{Username: "x.y", Password: testPassword, Name: "x", Roles: []govdata.Role{govdata.RoleSysadmin}})
		wantCode(t, err, govdata.EFORBIDDEN)
		f.noAudit(before)
	})

	t.Run("refusals", func(t *testing.T) {
		f := newFixture(t, e)
		tests := []struct {
			name   string
			ctx    context.Context
			reason error
			actor  string
			detail map[string]string
		}{
			{"forbidden", As(govdata.Actor{UserID: 3, Username: "officer1", Roles: []govdata.Role{govdata.RoleOfficer}, DepartmentID: 2, ClientAddr: "10.0.0.8"}),
				govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOutOfScope), "officer1",
				map[string]string{"code": "forbidden", "reason": govdata.MsgOutOfScope.EN}},
			{"anonymous", context.Background(), govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized), "anonymous",
				map[string]string{"code": "unauthorized", "reason": govdata.MsgUnauthorized.EN}},
			{"wrapped", As(govdata.Actor{UserID: 4, Username: "sec", Roles: []govdata.Role{govdata.RoleSecadmin}}),
				fmt.Errorf("http: %w", govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)), "sec",
				map[string]string{"code": "forbidden", "reason": govdata.MsgForbidden.EN}},
			{"plain error", As(govdata.Actor{UserID: 4, Username: "sec"}), errors.New("bad signature"), "sec",
				map[string]string{"reason": "bad signature"}},
			{"no reason", As(govdata.Actor{UserID: 4, Username: "sec"}), nil, "sec", map[string]string{}},
		}
		for _, tt := range tests {
			before := f.auditHead()
			if err := f.audit.RecordRefusal(tt.ctx, "department.update", "department", "5", tt.reason); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			r := f.oneAudit(before, "department.update", govdata.AuditRefused, tt.actor)
			var detail map[string]string
			if err := json.Unmarshal([]byte(r.Detail), &detail); err != nil || !reflect.DeepEqual(detail, tt.detail) {
				t.Fatalf("%s: detail %s, want %v", tt.name, r.Detail, tt.detail)
			}
			if r.ObjectType != "department" || r.ObjectID != "5" || r.ClientAddr != govdata.ActorFrom(tt.ctx).ClientAddr {
				t.Fatalf("%s: record %+v", tt.name, *r)
			}
		}
	})

	t.Run("find filters and pages", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		seeded := f.auditHead()
		f.clock.Advance(time.Hour)
		for range 2 {
			f.auth.Login(context.Background(), "officer1", "Wrong-Password-1")
		}
		f.clock.Advance(time.Hour)
		t2 := f.clock.Now()
		name := "改名"
		if _, err := f.users.UpdateUser(o.asAdmin, o.officer2.ID, govdata.UserPatch{Name: &name}); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Hour)
		t3 := f.clock.Now()
		if _, err := f.users.CreateUser(o.asAdmin, govdata.UserInput{Username: "li.si", Password: testPassword, Name: "李四",
			DepartmentID: o.dept1.ID, Roles: []govdata.Role{govdata.RoleOfficer}}); err != nil {
			t.Fatal(err)
		}
		if err := f.audit.RecordRefusal(o.asOff2, "user.read", "user", itoa(o.officer1.ID), nil); err != nil {
			t.Fatal(err)
		}
		total := f.auditHead()
		tests := []struct {
			name   string
			filter govdata.AuditFilter
			want   int64
		}{
			{"all", govdata.AuditFilter{}, total},
			{"actor", govdata.AuditFilter{ActorName: "officer1"}, 2},
			{"action", govdata.AuditFilter{Action: "user.update"}, 1},
			{"action prefix", govdata.AuditFilter{Action: "user."}, 5 + 1 + 1 + 1},
			{"action without the dot is exact", govdata.AuditFilter{Action: "user"}, 0},
			{"object", govdata.AuditFilter{ObjectType: "user", ObjectID: itoa(o.officer2.ID)}, 2},
			{"failed", govdata.AuditFilter{Result: govdata.AuditFailed}, 2},
			{"refused", govdata.AuditFilter{Result: govdata.AuditRefused}, 1},
			{"ok", govdata.AuditFilter{Result: govdata.AuditOK}, total - 3},
			{"since", govdata.AuditFilter{Since: t2}, 3},
			{"until", govdata.AuditFilter{Until: t2}, seeded + 2},
			{"between", govdata.AuditFilter{Since: t2, Until: t3}, 1},
			{"prefix since", govdata.AuditFilter{Action: "user.", Since: t2}, 3},
			{"admin's user writes", govdata.AuditFilter{ActorName: "admin", Action: "user."}, 2},
		}
		for _, tt := range tests {
			for _, limit := range []int{0, 1, 4} {
				filter := tt.filter
				filter.Limit = limit
				var n int64
				last := int64(1 << 62)
				for pages := 0; ; pages++ {
					if pages > 100 {
						t.Fatalf("%s: pagination does not end", tt.name)
					}
					l, err := f.audit.FindAudit(o.asAuditor, filter)
					if err != nil {
						t.Fatalf("%s: %v", tt.name, err)
					}
					for _, r := range l.Items {
						if r.Seq >= last {
							t.Fatalf("%s: seq %d after %d, want newest first", tt.name, r.Seq, last)
						}
						last = r.Seq
						n++
					}
					if l.NextCursor == "" {
						break
					}
					filter.Cursor = l.NextCursor
				}
				if n != tt.want {
					t.Fatalf("%s, limit %d: %d records, want %d", tt.name, limit, n, tt.want)
				}
			}
		}
		l, err := f.audit.FindAudit(o.asAuditor, govdata.AuditFilter{Page: govdata.Page{Limit: 1}})
		if err != nil || len(l.Items) != 1 || l.Items[0].Seq != total || l.Items[0].Result != govdata.AuditRefused {
			t.Fatalf("newest record: %s, %v", js(l.Items), err)
		}
		_, err = f.audit.FindAudit(o.asAuditor, govdata.AuditFilter{Page: govdata.Page{Cursor: "!"}})
		wantCode(t, err, govdata.EINVALID)
	})

	t.Run("only the auditor reads", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		for _, ctx := range []context.Context{o.asAdmin, o.asSec, o.asOff1} {
			_, err := f.audit.FindAudit(ctx, govdata.AuditFilter{})
			wantCode(t, err, govdata.EFORBIDDEN)
			_, err = f.audit.VerifyAudit(ctx, nil)
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err := f.audit.FindAudit(context.Background(), govdata.AuditFilter{})
		wantCode(t, err, govdata.EUNAUTHORIZED)
		_, err = f.audit.VerifyAudit(context.Background(), nil)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		if l, err := f.audit.FindAudit(o.asAuditor, govdata.AuditFilter{}); err != nil || len(l.Items) == 0 {
			t.Fatalf("auditor reads: %d records, %v", len(l.Items), err)
		}
		v, err := f.audit.VerifyAudit(o.asAuditor, nil)
		if err != nil || !v.Intact || v.Records != int64(len(f.auditAfter(0))) || v.Algorithm != govdata.HashSM3 || v.Break != nil {
			t.Fatalf("auditor verifies: %+v, %v", v, err)
		}
	})

	t.Run("empty log verifies", func(t *testing.T) {
		f := newFixture(t, e)
		v, err := f.audit.VerifyAudit(System(), nil)
		if err != nil || !v.Intact || v.Records != 0 {
			t.Fatalf("empty log: %+v, %v", v, err)
		}
	})

	t.Run("algorithm is fixed at init", func(t *testing.T) {
		o := Options()
		o.AuditHash = govdata.HashSHA256
		switch e {
		case SQLite:
			o.DataDir = t.TempDir()
		case Postgres:
			o.DSN = CreateDatabase(t)
		}
		db := Open(t, e, &o)
		f := fixtureOf(t, db, o.Clock.(*Clock))
		if got := db.AuditHash(); got != govdata.HashSHA256 {
			t.Fatalf("AuditHash = %q, want sha256", got)
		}
		f.seed()
		records := f.auditHead()
		all := f.auditAfter(0)
		if len(all[0].Hash) != sha256.Size {
			t.Fatalf("hash of %d bytes, want SHA-256", len(all[0].Hash))
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		// Reopened with the default (SM3), the store keeps its chain's algorithm.
		o.AuditHash = ""
		db = Open(t, e, &o)
		f = fixtureOf(t, db, o.Clock.(*Clock))
		if got := db.AuditHash(); got != govdata.HashSHA256 {
			t.Fatalf("reopened AuditHash = %q, want sha256", got)
		}
		if err := db.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		mustRegion(t, f, "360000", "江西省")
		v, err := f.audit.VerifyAudit(System(), nil)
		if err != nil || !v.Intact || v.Records != records+1 || v.Algorithm != govdata.HashSHA256 {
			t.Fatalf("after reopening: %+v, %v; want %d records intact", v, err, records+1)
		}
	})

	t.Run("the log is append-only", func(t *testing.T) {
		// Records of today: well inside the retention period, whatever the
		// date the suite runs on (the database's guard reads the wall clock).
		f := newFixture(t, e, func(o *sqlstore.Options) { o.Clock = NewClock(time.Now()) })
		f.seed()
		records := f.auditHead()
		first := f.auditAfter(0)[0]
		ctx := context.Background()
		stmts := []string{
			"UPDATE audit_log SET actor_name = 'intruder' WHERE seq = 1",
			"UPDATE audit_log SET result = 'ok'",
			"DELETE FROM audit_log WHERE seq = 1",
			"DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
			"DELETE FROM audit_log",
		}
		if e == Postgres {
			stmts = append(stmts, "TRUNCATE audit_log")
		}
		for _, s := range stmts {
			if err := SQL(t, f.db).Exec(ctx, s); err == nil {
				t.Errorf("%s: succeeded, want the database to refuse", s)
			}
		}
		if got := f.auditHead(); got != records {
			t.Fatalf("%d records after the attempts, want %d", got, records)
		}
		if got := f.auditAfter(0)[0]; !sameRecord(got, first) {
			t.Fatalf("first record now %+v, want %+v", *got, *first)
		}
	})
}

// TestAuditTamper proves that VerifyAudit notices changes made behind the
// store's back, naming the first record that does not hold (SEC-1). Each
// case drops the append-only triggers first, as an intruder with the
// database owner's rights could.
func TestAuditTamper(t *testing.T, e Engine) {
	const n = 8 // records before tampering
	tests := []struct {
		name    string
		tamper  func(t *testing.T, f *fixture, rs []*govdata.AuditRecord)
		wantSeq int64
	}{
		{"changed field", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.exec(t, "UPDATE audit_log SET actor_name = 'intruder' WHERE seq = 3")
		}, 3},
		{"changed result", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.exec(t, "UPDATE audit_log SET result = 'refused' WHERE seq = 6")
		}, 6},
		{"changed time", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.exec(t, "UPDATE audit_log SET at = at - 1 WHERE seq = 1")
		}, 1},
		{"changed hash", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.exec(t, "UPDATE audit_log SET hash = ? WHERE seq = 5", make([]byte, 32))
		}, 5},
		{"changed and rehashed", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			r := *rs[3]
			r.ObjectID = "999999"
			r.Hash = govdata.ChainHash(hasher(f), r.PrevHash, &r)
			f.exec(t, "UPDATE audit_log SET object_id = ?, hash = ? WHERE seq = 4", r.ObjectID, r.Hash)
		}, 5},
		{"last record rewritten and rehashed", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			r := *rs[n-1]
			r.ActorName = "intruder"
			r.Hash = govdata.ChainHash(hasher(f), r.PrevHash, &r)
			f.exec(t, "UPDATE audit_log SET actor_name = ?, hash = ? WHERE seq = ?", r.ActorName, r.Hash, r.Seq)
		}, n},
		{"deleted middle record", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.exec(t, "DELETE FROM audit_log WHERE seq = 4")
		}, 4},
		{"deleted first record", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.exec(t, "DELETE FROM audit_log WHERE seq = 1")
		}, 1},
		{"inserted forged record", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			// Make room at seq 4 and put there a record linked and hashed
			// as the store would have done.
			f.exec(t, "UPDATE audit_log SET seq = seq + 1000000 WHERE seq >= 4")
			f.exec(t, "UPDATE audit_log SET seq = seq - 999999 WHERE seq >= 1000000")
			forged := forge(f, rs[2], 4)
			f.insertRecord(t, forged)
		}, 5},
		{"inserted forged record, head moved along", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.exec(t, "UPDATE audit_log SET seq = seq + 1000000 WHERE seq >= 4")
			f.exec(t, "UPDATE audit_log SET seq = seq - 999999 WHERE seq >= 1000000")
			f.insertRecord(t, forge(f, rs[2], 4))
			f.exec(t, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", n+1, rs[n-1].Hash)
		}, 5},
		{"appended forged record", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.insertRecord(t, forge(f, rs[n-1], n+1))
		}, n + 1},
		{"appended forged record after a gap", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.insertRecord(t, forge(f, rs[n-1], n+3))
		}, n + 1},
		{"reordered records", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.exec(t, "UPDATE audit_log SET seq = -3 WHERE seq = 3")
			f.exec(t, "UPDATE audit_log SET seq = 3 WHERE seq = 4")
			f.exec(t, "UPDATE audit_log SET seq = 4 WHERE seq = -3")
		}, 3},
		{"deleted tail, head left alone", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.exec(t, "DELETE FROM audit_log WHERE seq >= ?", n-1)
		}, n - 1},
		{"deleted everything, head left alone", func(t *testing.T, f *fixture, rs []*govdata.AuditRecord) {
			f.exec(t, "DELETE FROM audit_log")
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, e)
			for i := 0; i < n; i++ {
				mustRegion(t, f, provinces[i], fmt.Sprintf("省%d", i))
				f.clock.Advance(time.Second)
			}
			if got := f.auditHead(); got != n {
				t.Fatalf("%d records, want %d", got, n)
			}
			rs := f.auditAfter(0)
			f.dropAuditTriggers(t)
			tt.tamper(t, f, rs)
			v, err := f.audit.VerifyAudit(System(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if v.Intact || v.Break == nil {
				t.Fatalf("verification %+v, want a break at record %d", v, tt.wantSeq)
			}
			if v.Break.Seq != tt.wantSeq {
				t.Fatalf("break at record %d (%s), want %d", v.Break.Seq, v.Break.Reason, tt.wantSeq)
			}
			// The auditor can still read what is there.
			if _, err := f.audit.FindAudit(System(), govdata.AuditFilter{}); err != nil {
				t.Fatalf("find after tampering: %v", err)
			}
		})
	}
}

// exec runs a statement directly on the database.
func (f *fixture) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if err := SQL(t, f.db).Exec(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// dropAuditTriggers removes the append-only guards of the audit log.
func (f *fixture) dropAuditTriggers(t *testing.T) {
	t.Helper()
	if f.db.Engine() == string(Postgres) {
		f.exec(t, "DROP TRIGGER audit_log_guard ON audit_log")
		f.exec(t, "DROP TRIGGER audit_log_no_truncate ON audit_log")
		return
	}
	f.exec(t, "DROP TRIGGER audit_log_no_update")
	f.exec(t, "DROP TRIGGER audit_log_retention")
}

// hasher is a hash of the store's chain algorithm.
func hasher(f *fixture) hash.Hash {
	if f.db.AuditHash() == govdata.HashSHA256 {
		return sha256.New()
	}
	return sm3.New()
}

// forge makes a record at seq that links to prev and carries a correct hash,
// as an intruder who knows the (unkeyed) chain hash can.
func forge(f *fixture, prev *govdata.AuditRecord, seq int64) *govdata.AuditRecord {
	r := &govdata.AuditRecord{Seq: seq, Time: prev.Time.Add(time.Second), ActorName: "officer1", ActorRoles: "officer",
		ActorID: 5, DepartmentID: 2, Action: "data.export", ObjectType: "dataset", ObjectID: "42",
		Result: govdata.AuditOK, Detail: `{"rows":100000}`, PrevHash: prev.Hash}
	r.Hash = govdata.ChainHash(hasher(f), r.PrevHash, r)
	return r
}

func (f *fixture) insertRecord(t *testing.T, r *govdata.AuditRecord) {
	t.Helper()
	f.exec(t, `INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_roles, department_id, credential_id,
		action, object_type, object_id, result, client_addr, request_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Seq, r.Time.UnixMicro(), r.ActorID, r.ActorName, r.ActorRoles, r.DepartmentID, r.CredentialID,
		r.Action, r.ObjectType, r.ObjectID, string(r.Result), r.ClientAddr, r.RequestID, r.Detail, r.PrevHash, r.Hash)
}

func sameRecord(a, b *govdata.AuditRecord) bool {
	x, y := *a, *b
	if !x.Time.Equal(y.Time) || string(x.PrevHash) != string(y.PrevHash) || string(x.Hash) != string(y.Hash) {
		return false
	}
	x.Time, y.Time = time.Time{}, time.Time{}
	x.PrevHash, y.PrevHash, x.Hash, y.Hash = nil, nil, nil, nil
	return reflect.DeepEqual(x, y)
}
