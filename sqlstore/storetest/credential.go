package storetest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/signing"
	"github.com/govdata/govdata/sqlstore"
)

// TestCredentials covers the issuing side of govdata.CredentialService (ORG-5).
func TestCredentials(t *testing.T, e Engine) {
	t.Run("create", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		before := f.auditHead()
		c, err := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "不动产登记系统"})
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.AppKey == "" || len(c.Secret) < 32 || c.DepartmentID != o.dept1.ID || c.Name != "不动产登记系统" ||
			!c.CreatedAt.Equal(f.clock.Now()) || c.RotatedAt != nil || c.RevokedAt != nil || c.LastUsedAt != nil {
			t.Fatalf("issued %+v", c)
		}
		r := f.oneAudit(before, "credential.create", govdata.AuditOK, "officer1")
		if r.ObjectType != "credential" || r.ObjectID != itoa(c.ID) || !strings.Contains(r.Detail, c.AppKey) ||
			strings.Contains(r.Detail, c.Secret) {
			t.Fatalf("audit record %s %s %s: want the app key and not the secret", r.ObjectType, r.ObjectID, r.Detail)
		}
		// The verifying side gets the same secret back from the key.
		got, secret, err := f.creds.CredentialSecret(context.Background(), c.AppKey, false)
		if err != nil || got.ID != c.ID || got.DepartmentID != o.dept1.ID || string(secret) != c.Secret {
			t.Fatalf("CredentialSecret: %+v, %q, %v; want credential %d and its secret", got, secret, err, c.ID)
		}
		found, err := f.creds.FindCredentialByID(o.asOff1, c.ID)
		if err != nil || found.AppKey != c.AppKey || found.Name != c.Name || !found.CreatedAt.Equal(c.CreatedAt) {
			t.Fatalf("found %+v, %v; want %+v", found, err, c.Credential)
		}
		// Naming the own department explicitly works too; every credential is new.
		c2, err := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "社保系统", DepartmentID: o.dept1.ID})
		if err != nil || c2.AppKey == c.AppKey || c2.Secret == c.Secret {
			t.Fatalf("second credential %+v, %v", c2, err)
		}
	})

	t.Run("create refused", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		before := f.auditHead()
		_, err := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "x", DepartmentID: o.dept2.ID})
		wantMsg(t, err, govdata.EFORBIDDEN, govdata.MsgOutOfScope)
		_, err = f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "x", DepartmentID: 9999})
		wantCode(t, err, govdata.EFORBIDDEN)
		// The secadmin revokes credentials but does not issue them.
		for _, ctx := range []context.Context{o.asSec, o.asAdmin, o.asAuditor} {
			_, err := f.creds.CreateCredential(ctx, govdata.CredentialInput{Name: "x", DepartmentID: o.dept1.ID})
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err = f.creds.CreateCredential(context.Background(), govdata.CredentialInput{Name: "x", DepartmentID: o.dept1.ID})
		wantCode(t, err, govdata.EUNAUTHORIZED)
		for _, name := range []string{"", "  ", strings.Repeat("系", 101)} {
			_, err := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: name})
			wantField(t, err, govdata.EINVALID, "name")
		}
		f.noAudit(before)
		l, err := f.creds.FindCredentials(o.asSec, govdata.CredentialFilter{IncludeRevoked: true})
		if err != nil || len(l.Items) != 0 {
			t.Fatalf("credentials after refusals: %d, %v", len(l.Items), err)
		}
	})

	t.Run("no master key", func(t *testing.T) {
		f := newFixture(t, e, func(o *sqlstore.Options) { o.MasterKey = nil })
		o := f.seed()
		_, err := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "x"})
		wantCode(t, err, govdata.EINTERNAL)
	})

	t.Run("rotate", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		c, err := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "不动产登记系统"})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Hour)
		before := f.auditHead()
		r, err := f.creds.RotateCredential(o.asOff1, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.ID != c.ID || r.AppKey != c.AppKey || r.Secret == c.Secret || len(r.Secret) < 32 ||
			r.RotatedAt == nil || !r.RotatedAt.Equal(f.clock.Now()) || !r.CreatedAt.Equal(c.CreatedAt) {
			t.Fatalf("rotated %+v from %+v", r, c)
		}
		f.oneAudit(before, "credential.rotate", govdata.AuditOK, "officer1")
		if _, secret, err := f.creds.CredentialSecret(context.Background(), c.AppKey, false); err != nil || string(secret) != r.Secret {
			t.Fatalf("secret after rotation %q, %v; want the new one", secret, err)
		}
		if found, _ := f.creds.FindCredentialByID(o.asOff1, c.ID); found.RotatedAt == nil || !found.RotatedAt.Equal(f.clock.Now()) {
			t.Fatalf("found rotated at %v", found.RotatedAt)
		}
		before = f.auditHead()
		// Issue 11: to another department's officer, it does not exist.
		_, err = f.creds.RotateCredential(o.asOff2, c.ID)
		wantHidden(t, err, govdata.MsgCredentialNotFound)
		for _, ctx := range []context.Context{o.asSec, o.asAdmin} {
			_, err := f.creds.RotateCredential(ctx, c.ID)
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err = f.creds.RotateCredential(context.Background(), c.ID)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		_, err = f.creds.RotateCredential(o.asOff1, 9999)
		wantMsg(t, err, govdata.ENOTFOUND, govdata.MsgCredentialNotFound)
		if govdata.IsHidden(err) {
			t.Fatalf("a missing credential is marked hidden: %v", err)
		}
		f.noAudit(before)
	})

	t.Run("revoke", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		c1, err1 := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "甲系统"})
		c2, err2 := f.creds.CreateCredential(o.asOff2, govdata.CredentialInput{Name: "乙系统"})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		before := f.auditHead()
		for _, reason := range []string{"", " \t"} {
			_, err := f.creds.RevokeCredential(o.asOff1, c1.ID, reason)
			wantField(t, err, govdata.EINVALID, "reason")
		}
		_, err := f.creds.RevokeCredential(o.asOff2, c1.ID, "越权")
		wantHidden(t, err, govdata.MsgCredentialNotFound)
		for _, ctx := range []context.Context{o.asAdmin, o.asAuditor} {
			_, err := f.creds.RevokeCredential(ctx, c1.ID, "越权")
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err = f.creds.RevokeCredential(o.asOff1, 9999, "不存在")
		wantCode(t, err, govdata.ENOTFOUND)
		f.noAudit(before)

		f.clock.Advance(time.Minute)
		got, err := f.creds.RevokeCredential(o.asOff1, c1.ID, "系统下线")
		if err != nil {
			t.Fatal(err)
		}
		if got.RevokedAt == nil || !got.RevokedAt.Equal(f.clock.Now()) || got.RevokeReason != "系统下线" {
			t.Fatalf("revoked %+v", got)
		}
		r := f.oneAudit(before, "credential.revoke", govdata.AuditOK, "officer1")
		if !strings.Contains(r.Detail, "系统下线") {
			t.Fatalf("audit detail %s, want the reason", r.Detail)
		}
		_, _, err = f.creds.CredentialSecret(context.Background(), c1.AppKey, false)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgSignatureUnknown)
		if found, _ := f.creds.FindCredentialByID(o.asOff1, c1.ID); found.RevokedAt == nil || found.RevokeReason != "系统下线" {
			t.Fatalf("found %+v", found)
		}
		before = f.auditHead()
		_, err = f.creds.RevokeCredential(o.asOff1, c1.ID, "再次")
		wantMsg(t, err, govdata.ECONFLICT, govdata.MsgCredentialRevoked)
		_, err = f.creds.RotateCredential(o.asOff1, c1.ID)
		wantMsg(t, err, govdata.ECONFLICT, govdata.MsgCredentialRevoked)
		f.noAudit(before)

		// The secadmin revokes in any department.
		if _, err := f.creds.RevokeCredential(o.asSec, c2.ID, "安全事件"); err != nil {
			t.Fatalf("secadmin revokes: %v", err)
		}
		f.oneAudit(before, "credential.revoke", govdata.AuditOK, "sec")
		_, _, err = f.creds.CredentialSecret(context.Background(), c2.AppKey, false)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		_, _, err = f.creds.CredentialSecret(context.Background(), "gd-unknown", false)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgSignatureUnknown)
	})

	t.Run("find", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		mk := func(ctx context.Context, name string) int64 {
			t.Helper()
			c, err := f.creds.CreateCredential(ctx, govdata.CredentialInput{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		c1, c2, c3 := mk(o.asOff1, "甲"), mk(o.asOff1, "乙"), mk(o.asOff2, "丙")
		if _, err := f.creds.RevokeCredential(o.asOff1, c2, "停用"); err != nil {
			t.Fatal(err)
		}
		for _, ctx := range []context.Context{o.asOff1, o.asSec} {
			if c, err := f.creds.FindCredentialByID(ctx, c1); err != nil || c.ID != c1 {
				t.Fatalf("find %d: %+v, %v", c1, c, err)
			}
		}
		_, err := f.creds.FindCredentialByID(o.asOff2, c1)
		wantHidden(t, err, govdata.MsgCredentialNotFound)
		for _, ctx := range []context.Context{o.asAdmin, o.asAuditor} {
			_, err := f.creds.FindCredentialByID(ctx, c1)
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err = f.creds.FindCredentialByID(context.Background(), c1)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		_, err = f.creds.FindCredentialByID(o.asOff1, 9999)
		wantCode(t, err, govdata.ENOTFOUND)

		tests := []struct {
			name   string
			ctx    context.Context
			filter govdata.CredentialFilter
			want   []int64
		}{
			{"officer sees its department", o.asOff1, govdata.CredentialFilter{}, []int64{c1}},
			{"officer with revoked", o.asOff1, govdata.CredentialFilter{IncludeRevoked: true}, []int64{c1, c2}},
			{"officer naming its department", o.asOff1, govdata.CredentialFilter{DepartmentID: o.dept1.ID}, []int64{c1}},
			{"other officer", o.asOff2, govdata.CredentialFilter{IncludeRevoked: true}, []int64{c3}},
			{"secadmin sees all", o.asSec, govdata.CredentialFilter{}, []int64{c1, c3}},
			{"secadmin with revoked", o.asSec, govdata.CredentialFilter{IncludeRevoked: true}, []int64{c1, c2, c3}},
			{"secadmin by department", o.asSec, govdata.CredentialFilter{DepartmentID: o.dept2.ID}, []int64{c3}},
		}
		for _, tt := range tests {
			for _, limit := range []int{0, 1, 2} {
				filter := tt.filter
				filter.Limit = limit
				var got []int64
				for pages := 0; ; pages++ {
					if pages > 10 {
						t.Fatalf("%s: pagination does not end", tt.name)
					}
					l, err := f.creds.FindCredentials(tt.ctx, filter)
					if err != nil {
						t.Fatalf("%s: %v", tt.name, err)
					}
					for _, c := range l.Items {
						got = append(got, c.ID)
					}
					if l.NextCursor == "" {
						break
					}
					filter.Cursor = l.NextCursor
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("%s, limit %d: %v, want %v", tt.name, limit, got, tt.want)
				}
			}
		}
		_, err = f.creds.FindCredentials(o.asOff1, govdata.CredentialFilter{DepartmentID: o.dept2.ID})
		wantMsg(t, err, govdata.EFORBIDDEN, govdata.MsgOutOfScope)
		for _, ctx := range []context.Context{o.asAdmin, o.asAuditor} {
			_, err := f.creds.FindCredentials(ctx, govdata.CredentialFilter{})
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err = f.creds.FindCredentials(context.Background(), govdata.CredentialFilter{})
		wantCode(t, err, govdata.EUNAUTHORIZED)
	})

	t.Run("the database holds no secret", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		c, err := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "不动产登记系统"})
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.creds.RotateCredential(o.asOff1, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		needles := map[string][]byte{"master key": MasterKey}
		for name, secret := range map[string]string{"issued secret": c.Secret, "rotated secret": r.Secret} {
			needles[name] = []byte(secret)
			raw, err := base64.RawURLEncoding.DecodeString(secret)
			if err != nil || len(raw) < 16 {
				t.Fatalf("%s %q is not base64url of a key: %v", name, secret, err)
			}
			needles[name+" (raw)"] = raw
		}
		for _, table := range []string{"credentials", "credential_nonces", "audit_log", "meta"} {
			values := tableValues(t, f, table)
			if table == "credentials" && len(values) == 0 {
				t.Fatal("credentials table is empty")
			}
			for _, v := range values {
				for name, needle := range needles {
					if bytes.Contains(v, needle) {
						t.Fatalf("table %s holds the %s", table, name)
					}
				}
			}
		}
	})
}

// TestNonces covers the replay guard of signed calls (ORG-5).
func TestNonces(t *testing.T, e Engine) {
	t.Run("a credential rotated or revoked by another instance", func(t *testing.T) {
		// Each instance remembers credentials (PRODUCT.md §5); another's
		// rotation or revocation reaches this one's calls at their write.
		f := newFixture(t, e)
		o := f.seed()
		issued, err := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "甲"})
		if err != nil {
			t.Fatal(err)
		}
		here, there := f.creds, sqlstore.NewCredentialService(f.db)
		secretHere := func(fresh bool) (*govdata.Credential, string) {
			t.Helper()
			c, secret, err := here.CredentialSecret(context.Background(), issued.AppKey, fresh)
			if err != nil {
				t.Fatal(err)
			}
			return c, string(secret)
		}
		use := func(c *govdata.Credential, nonce string) error {
			signed := As(govdata.Actor{Username: "app:" + c.AppKey, CredentialID: c.ID, DepartmentID: c.DepartmentID,
				CredentialStamp: c.Stamp, Nonce: nonce})
			return here.UseNonce(signed, "GET /api/v1/services/whoami")
		}
		old, oldSecret := secretHere(false)
		if oldSecret != issued.Secret || old.Stamp == "" {
			t.Fatalf("secret %q stamp %q, want the issued secret and a stamp", oldSecret, old.Stamp)
		}
		if err := use(old, "n-1"); err != nil {
			t.Fatal(err)
		}
		rotated, err := there.RotateCredential(o.asOff1, issued.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, remembered := secretHere(false); remembered != issued.Secret {
			t.Fatalf("remembered secret changed without a fresh read")
		}
		before := f.auditHead()
		wantMsg(t, use(old, "n-2"), govdata.EUNAUTHORIZED, govdata.MsgSignatureUnknown)
		f.noAudit(before) // whoami records nothing of its own: the HTTP layer records the refusal
		now, nowSecret := secretHere(true)
		if nowSecret != rotated.Secret || now.Stamp == old.Stamp {
			t.Fatalf("a fresh read: secret %q stamp %q, want the rotated secret and a new stamp", nowSecret, now.Stamp)
		}
		if err := use(now, "n-2"); err != nil {
			t.Fatalf("the rotated secret: %v", err)
		}
		if _, err := there.RevokeCredential(o.asOff1, issued.ID, "系统下线"); err != nil {
			t.Fatal(err)
		}
		wantMsg(t, use(now, "n-3"), govdata.EUNAUTHORIZED, govdata.MsgSignatureUnknown)
		_, _, err = here.CredentialSecret(context.Background(), issued.AppKey, true)
		wantMsg(t, err, govdata.EUNAUTHORIZED, govdata.MsgSignatureUnknown)
	})

	t.Run("replay window", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		c1, err1 := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "甲"})
		c2, err2 := f.creds.CreateCredential(o.asOff1, govdata.CredentialInput{Name: "乙"})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		window := signing.Window
		use := func(id int64, nonce string) error {
			signed := As(govdata.Actor{Username: "app:x", CredentialID: id, Nonce: nonce})
			return f.creds.UseNonce(signed, "GET /api/v1/services/whoami")
		}
		if err := use(c1.ID, "n-1"); err != nil {
			t.Fatal(err)
		}
		if found, _ := f.creds.FindCredentialByID(o.asOff1, c1.ID); found.LastUsedAt == nil || !found.LastUsedAt.Equal(f.clock.Now()) {
			t.Fatalf("last used %v, want %v", found.LastUsedAt, f.clock.Now())
		}
		wantMsg(t, use(c1.ID, "n-1"), govdata.EUNAUTHORIZED, govdata.MsgSignatureReplay)
		if err := use(c1.ID, "n-2"); err != nil {
			t.Fatalf("another nonce: %v", err)
		}
		if err := use(c2.ID, "n-1"); err != nil {
			t.Fatalf("the same nonce of another credential: %v", err)
		}
		// Within the window (and a window's margin on either side) a replay is refused.
		f.clock.Advance(window)
		wantMsg(t, use(c1.ID, "n-1"), govdata.EUNAUTHORIZED, govdata.MsgSignatureReplay)
		f.clock.Advance(window - time.Second)
		wantMsg(t, use(c1.ID, "n-1"), govdata.EUNAUTHORIZED, govdata.MsgSignatureReplay)
		// After it the nonce is forgotten, and remembered anew.
		f.clock.Advance(2 * time.Second)
		if err := use(c1.ID, "n-1"); err != nil {
			t.Fatalf("a nonce past its window: %v", err)
		}
		wantMsg(t, use(c1.ID, "n-1"), govdata.EUNAUTHORIZED, govdata.MsgSignatureReplay)
		if found, _ := f.creds.FindCredentialByID(o.asOff1, c1.ID); !found.LastUsedAt.Equal(f.clock.Now()) {
			t.Fatalf("last used %v, want %v", found.LastUsedAt, f.clock.Now())
		}
		// Concurrent calls with one nonce: exactly one passes.
		const n = 16
		errs := make(chan error, n)
		for range n {
			go func() { errs <- use(c2.ID, "race") }()
		}
		ok := 0
		for range n {
			err := <-errs
			if err == nil {
				ok++
			} else {
				wantCode(t, err, govdata.EUNAUTHORIZED)
			}
		}
		if ok != 1 {
			t.Fatalf("%d of %d concurrent uses of one nonce passed, want 1", ok, n)
		}
		// A call that is not signed has no nonce to spend: not recorded as one.
		wantCode(t, use(c1.ID, ""), govdata.EINTERNAL)
		wantCode(t, f.creds.UseNonce(o.asOff1, "GET /api/v1/services/whoami"), govdata.EINTERNAL)
	})
}

// tableValues returns every value of every row of table, as bytes.
func tableValues(t *testing.T, f *fixture, table string) [][]byte {
	t.Helper()
	rows, err := SQL(t, f.db).Query(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			switch x := v.(type) {
			case []byte:
				out = append(out, x)
			case string:
				out = append(out, []byte(x))
			case nil:
			default:
				out = append(out, []byte(fmt.Sprint(x)))
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
