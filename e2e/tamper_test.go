package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// openRaw opens the store's database directly, as someone with access to
// the database files or a database login would, and drops the triggers
// that keep the audit log append-only.
func openRaw(t *testing.T, st *store) *rawDB {
	t.Helper()
	opts := sqlstore.Options{DSN: st.dsn, DataDir: st.dir}
	drop := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_retention"}
	if st.engine == storetest.Postgres {
		drop = []string{"DROP TRIGGER audit_log_guard ON audit_log"}
	}
	r := &rawDB{t: t, db: storetest.OpenSQL(t, opts)}
	for _, q := range drop {
		r.exec(q)
	}
	return r
}

// rawDB runs SQL with ? placeholders on either engine, failing the test
// on an error.
type rawDB struct {
	t  *testing.T
	db *storetest.SQLConn
}

func (r *rawDB) exec(q string, args ...any) int64 {
	r.t.Helper()
	n, err := r.db.ExecRows(context.Background(), q, args...)
	if err != nil {
		r.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (r *rawDB) int(q string, args ...any) int64 {
	r.t.Helper()
	rows, err := r.db.Query(context.Background(), q, args...)
	if err != nil {
		r.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var n int64
	if !rows.Next() {
		r.t.Fatalf("%s: no row", q)
	}
	if err := rows.Scan(&n); err != nil {
		r.t.Fatalf("%s: %v", q, err)
	}
	return n
}

var brokenRE = regexp.MustCompile(`audit chain BROKEN at record (\d+)`)

// mustVerifyBroken requires "govdata audit verify" to exit 1 and returns
// the seq it names.
func mustVerifyBroken(t *testing.T, st *store) int64 {
	t.Helper()
	out, errOut, code := auditVerify(t, st)
	m := brokenRE.FindStringSubmatch(out)
	if code != 1 || m == nil || strings.Contains(out, "intact") {
		t.Fatalf("govdata audit verify: exit %d, want 1 naming the broken record\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	seq, _ := strconv.ParseInt(m[1], 10, 64)
	return seq
}

// TestTamper: "govdata audit verify" finds a record altered, a record
// removed from the middle, and the newest records cut off, directly in the
// database with the append-only triggers dropped (SEC-1).
func TestTamper(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		st := newStore(t, e)
		srv := start(t, st, adminEnv)
		token := srv.login("admin", adminPassword).Token
		srv.mustCall("POST", "/api/v1/regions", token, govdata.RegionInput{Code: "230000", Name: "黑龙江省"}, http.StatusCreated, nil)
		srv.mustCall("POST", "/api/v1/regions", token, govdata.RegionInput{Code: "230100", Name: "哈尔滨市"}, http.StatusCreated, nil)
		for i := 1; i <= 6; i++ {
			code := fmt.Sprintf("2301%02d", i)
			srv.mustCall("POST", "/api/v1/regions", token, govdata.RegionInput{Code: code, Name: "县" + code}, http.StatusCreated, nil)
		}
		srv.stop()
		mustVerifyIntact(t, st)

		db := openRaw(t, st)
		total := db.int("SELECT COUNT(*) FROM audit_log")
		last := db.int("SELECT MAX(seq) FROM audit_log")
		if total != last || total < 8 {
			t.Fatalf("audit log: %d records up to seq %d, want at least 8 without gaps", total, last)
		}
		// The record of one region in the middle of the log.
		victim := db.int("SELECT seq FROM audit_log WHERE action = 'region.create' AND object_id = '230103'")
		if victim <= 1 || victim >= last {
			t.Fatalf("record of 230103 is seq %d of %d: not in the middle", victim, last)
		}
		db.exec("CREATE TABLE audit_copy AS SELECT * FROM audit_log")
		restore := func() {
			t.Helper()
			db.exec("DELETE FROM audit_log")
			db.exec("INSERT INTO audit_log SELECT * FROM audit_copy")
			mustVerifyIntact(t, st)
		}

		t.Run("altered", func(t *testing.T) {
			if n := db.exec("UPDATE audit_log SET object_id = '230199' WHERE seq = ?", victim); n != 1 {
				t.Fatalf("altered %d records, want 1", n)
			}
			if got := mustVerifyBroken(t, st); got != victim {
				t.Errorf("verify names record %d, want the altered %d", got, victim)
			}
			restore()
		})
		t.Run("altered result", func(t *testing.T) {
			// Only the outcome changed, as someone hiding what happened would.
			db.exec("UPDATE audit_log SET result = 'failed' WHERE seq = ?", victim)
			if got := mustVerifyBroken(t, st); got != victim {
				t.Errorf("verify names record %d, want the altered %d", got, victim)
			}
			restore()
		})
		t.Run("middle deleted", func(t *testing.T) {
			if n := db.exec("DELETE FROM audit_log WHERE seq = ?", victim); n != 1 {
				t.Fatalf("deleted %d records, want 1", n)
			}
			if got := mustVerifyBroken(t, st); got != victim {
				t.Errorf("verify names record %d, want the deleted %d", got, victim)
			}
			restore()
		})
		t.Run("tail deleted", func(t *testing.T) {
			// audit_head still names the last record.
			if n := db.exec("DELETE FROM audit_log WHERE seq > ?", last-2); n != 2 {
				t.Fatalf("deleted %d records, want 2", n)
			}
			mustVerifyBroken(t, st)
			restore()
		})
	})
}
