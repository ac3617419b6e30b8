package sqlstore_test

// Benchmarks of the audit log (PRODUCT.md §5), run on every engine the
// harness offers (PostgreSQL when GOVDATA_TEST_POSTGRES is set):
//
//	GOVDATA_TEST_POSTGRES='postgres://…' go test ./sqlstore -run '^$' -bench 'Audit' -count 5
//
// They print figures to compare across commits (benchstat):
//   - BenchmarkAuditAppend/<engine>/writers=N: one op is one durable audited
//     write (RecordRefusal); appends/s, and writes/commit, the average
//     batch the group committer formed.
//   - BenchmarkAuditAppend/<engine>/raw-insert-commit/writers=1: the
//     reference, a minimal program doing one single-row INSERT and COMMIT
//     per op on the same engine with the same durability settings; what
//     group commit buys is the ratio of the writers=64 figure to this one.
//   - BenchmarkAuditVerify/<engine>/records=N: one op verifies the whole
//     chain of N records (-audit-records, default 200,000); records/s,
//     target ≥ 500,000 (§5).
//
// Nothing here runs without -bench: fixtures are built inside the benchmarks.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

var benchAuditRecords = flag.Int("audit-records", 200000, "records in the chain BenchmarkAuditVerify verifies")

// benchActor is a typical actor of an audited request.
var benchActor = govdata.Actor{
	UserID:       42,
	Username:     "zhang.wei",
	Roles:        []govdata.Role{govdata.RoleOfficer},
	DepartmentID: 7,
	ClientAddr:   "10.12.3.45",
	RequestID:    "01JQ3ZC4T5M2X8K9N6P7R0S1VW",
}

// commitStats counts the committer's batches through Hooks.CommitDone.
type commitStats struct {
	commits, writes, nanos atomic.Int64
}

func (s *commitStats) hook(d time.Duration, jobs int) {
	s.commits.Add(1)
	s.writes.Add(int64(jobs))
	s.nanos.Add(int64(d))
}

func (s *commitStats) reset() {
	s.commits.Store(0)
	s.writes.Store(0)
	s.nanos.Store(0)
}

// report adds the average batch size and commit time since the last reset.
func (s *commitStats) report(b *testing.B) {
	if c := s.commits.Load(); c > 0 {
		b.ReportMetric(float64(s.writes.Load())/float64(c), "writes/commit")
		b.ReportMetric(float64(s.nanos.Load())/float64(c)/1e3, "us/commit")
	}
}

// runWriters runs b.N calls of op on writers goroutines at once and reports
// appends/s. Explicit goroutines give exactly writers concurrent callers
// whatever GOMAXPROCS is (RunParallel would give a multiple of it).
func runWriters(b *testing.B, writers int, op func() error) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	b.ResetTimer()
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				if err := op(); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if first != nil {
		b.Fatal(first)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

func BenchmarkAuditAppend(b *testing.B) {
	refusal := errors.New("missing permission dataset.read")
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			var stats commitStats
			opts := storetest.Options()
			opts.Hooks.CommitDone = stats.hook
			db := storetest.Open(b, e, &opts)
			svc := sqlstore.NewAuditService(db)
			ctx := storetest.As(benchActor)
			for _, writers := range []int{1, 64} {
				b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
					stats.reset()
					runWriters(b, writers, func() error {
						return svc.RecordRefusal(ctx, "dataset.read", "dataset", "1024", refusal)
					})
					stats.report(b)
				})
			}
			b.Run("raw-insert-commit/writers=1", func(b *testing.B) {
				raw := openRaw(b, e)
				payload := make([]byte, 200) // about an audit record's size
				rand.Read(payload)
				insert := "INSERT INTO bench_rows (payload) VALUES (?)"
				if e == storetest.Postgres {
					insert = "INSERT INTO bench_rows (payload) VALUES ($1)"
				}
				ctx := context.Background()
				runWriters(b, 1, func() error {
					tx, err := raw.BeginTx(ctx, nil)
					if err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, insert, payload); err != nil {
						tx.Rollback()
						return err
					}
					return tx.Commit()
				})
			})
		})
	}
}

// openRaw opens a bare database of engine e with one table, with the
// durability settings the store uses (SQLite: WAL, synchronous=FULL,
// BEGIN IMMEDIATE; PostgreSQL: the server's defaults), for the reference.
func openRaw(b *testing.B, e storetest.Engine) *sql.DB {
	b.Helper()
	var db *sql.DB
	var err error
	ddl := "CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)"
	switch e {
	case storetest.SQLite:
		path := filepath.Join(b.TempDir(), "raw.db")
		db, err = sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)")
		if err == nil {
			db.SetMaxOpenConns(1)
		}
	case storetest.Postgres:
		db, err = sql.Open("pgx", storetest.CreateDatabase(b))
		ddl = "CREATE TABLE bench_rows (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload BYTEA NOT NULL)"
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec(ddl); err != nil {
		b.Fatal(err)
	}
	return db
}

func BenchmarkAuditVerify(b *testing.B) {
	n := *benchAuditRecords
	for _, e := range storetest.Engines(b) {
		b.Run(fmt.Sprintf("%s/records=%d", e, n), func(b *testing.B) {
			db := storetest.Open(b, e, nil)
			if err := db.AppendAuditForTest(context.Background(), benchActor, n); err != nil {
				b.Fatal(err)
			}
			svc := sqlstore.NewAuditService(db)
			ctx := storetest.System()
			b.ReportAllocs()
			for b.Loop() {
				res, err := svc.VerifyAudit(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				if !res.Intact || res.Records != int64(n) {
					b.Fatalf("VerifyAudit = %+v, want intact with %d records", res, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
