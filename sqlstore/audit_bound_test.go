package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// A stranger's long input (a path, a login name) must still leave its audit
// record: PostgreSQL refuses index entries of more than about 2,700 bytes.
func TestAuditBoundsLongInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e, nil)
		audit := sqlstore.NewAuditService(db)
		long := strings.Repeat("区划", 6000) // 36 KB
		anon := govdata.WithActor(context.Background(), govdata.Actor{ClientAddr: "203.0.113.9"})
		if err := audit.RecordRefusal(anon, "region.read", "region", long, errors.New("no")); err != nil {
			t.Fatalf("refusal with a long object ID: %v", err)
		}
		_, err := sqlstore.NewAuthService(db).Login(anon, strings.Repeat("x", 12000), "Whatever-pass-1")
		if govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
			t.Fatalf("login with a long username: %v, want unauthorized", err)
		}
		list, err := audit.FindAudit(storetest.As(govdata.Actor{UserID: 1, Username: "aud", Roles: []govdata.Role{govdata.RoleAuditor}}), govdata.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 2 {
			t.Fatalf("%d records, want the refusal and the failed login", len(list.Items))
		}
		for _, r := range list.Items {
			for _, s := range []string{r.ObjectID, r.ActorName} {
				if utf8.RuneCountInString(s) > 128 || !utf8.ValidString(s) {
					t.Errorf("record %d keeps %d characters (valid UTF-8: %v)", r.Seq, utf8.RuneCountInString(s), utf8.ValidString(s))
				}
			}
		}
		if v, err := audit.VerifyAudit(storetest.System(), nil); err != nil || !v.Intact {
			t.Fatalf("verify: %+v, %v", v, err)
		}
	})
}
