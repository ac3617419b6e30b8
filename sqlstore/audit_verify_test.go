package sqlstore_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// auditVerifyColumns lists audit_log's columns for the tampering statements.
const auditVerifyColumns = `seq, at, actor_id, actor_name, actor_roles, department_id, credential_id, action, object_type,
	object_id, result, client_addr, request_id, detail, prev_hash, hash`

// TestVerifyAuditParts checks that VerifyAudit, which checks the chain in
// parts at once and joins them, says exactly what one walk from seq 1 says
// (result, first break, record count, progress calls) for every kind of
// damage, wherever the part boundaries fall.
func TestVerifyAuditParts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		t.Parallel()
		testVerifyAuditParts(t, e, "", []int64{1, 2, 3, 4, 5, 6, 12, 13, 0})
		if e == storetest.Postgres {
			// A column no longer of its migrated type is read through
			// database/sql instead of the binary protocol.
			t.Run("altered column type", func(t *testing.T) {
				testVerifyAuditParts(t, e, "ALTER TABLE audit_log ALTER COLUMN detail TYPE VARCHAR", []int64{1, 3, 0})
			})
		}
	})
}

func testVerifyAuditParts(t *testing.T, e storetest.Engine, alter string, chunks []int64) {
	ctx := context.Background()
	db := storetest.Open(t, e, nil)
	const n = 13
	if err := db.AppendAuditForTest(ctx, benchActor, n); err != nil {
		t.Fatal(err)
	}
	// Tampering needs the append-only guards out of the way; the pristine
	// copy puts the chain back after each case.
	setup := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_retention"}
	if e == storetest.Postgres {
		setup = []string{"ALTER TABLE audit_log DISABLE TRIGGER USER"}
	}
	if alter != "" {
		setup = append(setup, alter)
	}
	for _, q := range append(setup,
		"CREATE TABLE audit_pristine AS SELECT * FROM audit_log",
		"CREATE TABLE audit_head_pristine AS SELECT * FROM audit_head") {
		mustExecVerify(t, db, q)
	}
	restore := func() {
		for _, q := range []string{
			"DELETE FROM audit_log",
			"INSERT INTO audit_log (" + auditVerifyColumns + ") SELECT " + auditVerifyColumns + " FROM audit_pristine",
			"DELETE FROM audit_head",
			"INSERT INTO audit_head SELECT * FROM audit_head_pristine",
		} {
			mustExecVerify(t, db, q)
		}
	}
	copyAs := func(from, to int) string {
		return fmt.Sprintf("INSERT INTO audit_log ("+auditVerifyColumns+") SELECT %d, at, actor_id, actor_name, actor_roles, department_id, credential_id, action, object_type, object_id, result, client_addr, request_id, detail, prev_hash, hash FROM audit_log WHERE seq = %d", to, from)
	}
	cases := map[string][]string{
		"intact":              nil,
		"delete 4 to 9":       {"DELETE FROM audit_log WHERE seq BETWEEN 4 AND 9"},
		"delete all":          {"DELETE FROM audit_log"},
		"swap 5 and 6":        {"UPDATE audit_log SET seq = -1 WHERE seq = 5", "UPDATE audit_log SET seq = 5 WHERE seq = 6", "UPDATE audit_log SET seq = 6 WHERE seq = -1"},
		"insert 0":            {copyAs(1, 0)},
		"insert -5":           {copyAs(3, -5)},
		"insert beyond head":  {copyAs(n, n+1)},
		"insert far beyond":   {copyAs(n, 3*n)},
		"head lower":          {"UPDATE audit_head SET seq = 10"},
		"head higher":         {"UPDATE audit_head SET seq = 20"},
		"head hash":           {"UPDATE audit_head SET hash = (SELECT hash FROM audit_log WHERE seq = 12)"},
		"head at 0":           {"UPDATE audit_head SET seq = 0"},
		"replace 7 by a copy": {"DELETE FROM audit_log WHERE seq = 7", copyAs(8, 7)},
	}
	for _, j := range []int{1, 2, 3, 5, 6, 12, n} {
		cases[fmt.Sprintf("delete %d", j)] = []string{fmt.Sprintf("DELETE FROM audit_log WHERE seq = %d", j)}
		cases[fmt.Sprintf("alter %d", j)] = []string{fmt.Sprintf("UPDATE audit_log SET object_id = 'x' WHERE seq = %d", j)}
		cases[fmt.Sprintf("relink %d", j)] = []string{fmt.Sprintf("UPDATE audit_log SET prev_hash = hash WHERE seq = %d", j)}
		cases[fmt.Sprintf("rehash %d", j)] = []string{fmt.Sprintf("UPDATE audit_log SET hash = prev_hash WHERE seq = %d", j)}
	}
	for name, stmts := range cases {
		for _, q := range stmts {
			mustExecVerify(t, db, q)
		}
		var wantProgress []int64
		want, err := sqlstore.NewAuditService(db).VerifyAuditSequentialForTest(storetest.System(), 2, func(n int64) { wantProgress = append(wantProgress, n) })
		if err != nil {
			t.Fatalf("%s: sequential: %v", name, err)
		}
		if (name == "intact") != want.Intact {
			t.Fatalf("%s: sequential verification says %+v", name, want)
		}
		for _, chunk := range chunks {
			var gotProgress []int64
			got, err := sqlstore.NewAuditServiceForTest(db, chunk, 2).VerifyAudit(storetest.System(), func(n int64) { gotProgress = append(gotProgress, n) })
			if err != nil {
				t.Fatalf("%s, parts of %d: %v", name, chunk, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, parts of %d: got %+v (break %v), want %+v (break %v)", name, chunk, got, got.Break, want, want.Break)
			}
			if !reflect.DeepEqual(gotProgress, wantProgress) {
				t.Errorf("%s, parts of %d: progress %v, want %v", name, chunk, gotProgress, wantProgress)
			}
		}
		restore()
	}
}

// TestVerifyAuditRefusesNonAuditor keeps the permission check in front of
// the parallel walk.
func TestVerifyAuditRefusesNonAuditor(t *testing.T) {
	db := storetest.Open(t, storetest.SQLite, nil)
	_, err := sqlstore.NewAuditService(db).VerifyAudit(storetest.As(benchActor), nil)
	if got := govdata.ErrorCodeOf(err); got != govdata.EFORBIDDEN {
		t.Fatalf("VerifyAudit as an officer: %v, want %s", err, govdata.EFORBIDDEN)
	}
}

func mustExecVerify(t *testing.T, db *sqlstore.DB, query string) {
	t.Helper()
	if err := db.ExecVerifyForTest(context.Background(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
