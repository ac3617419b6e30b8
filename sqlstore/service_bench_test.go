package sqlstore_test

import (
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
	"golang.org/x/time/rate"
)

// BenchmarkDataServiceRecords: a records call of 20 masked rows (a sealed
// ID redacted, a sealed name kept first and last) with its audit record
// durably committed, from 64 concurrent callers (PRODUCT.md §5), through
// the store — the HTTP layer and the signature check aside.
func BenchmarkDataServiceRecords(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			f := newServiceFixture(b, e, 5000)
			f.grantFor(b, f.application(govdata.MethodAPI, nil, "公民身份号码", "姓名", "行政区划代码", "补贴金额"))
			q := govdata.ServiceQuery{Page: govdata.Page{Limit: 20}}
			b.SetParallelism(32) // 64 callers on 2 cores
			before := f.db.Stats()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r, err := f.data.Records(f.system(), f.entry.ResourceCode, q)
					if err != nil || len(r.Items) != 20 {
						b.Errorf("records: %v", err)
						return
					}
				}
			})
			b.StopTimer()
			// What a call costs the database: statements (round trips to
			// PostgreSQL; none on SQLite) and shares of a group commit.
			after := f.db.Stats()
			b.ReportMetric(float64(after.Statements-before.Statements)/float64(b.N), "stmts/op")
			b.ReportMetric(float64(after.Commits-before.Commits)/float64(b.N), "commits/op")
		})
	}
}

// BenchmarkDataServiceMaskedEquality: a records call testing the sealed,
// masked ID for equality — a verification (service_verify.go): its
// allowance (unbounded here) and its hit counted in verify_misses, in the
// call's write — from 64 concurrent callers, one credential.
func BenchmarkDataServiceMaskedEquality(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			f := newServiceFixture(b, e, 5000)
			f.grantFor(b, f.application(govdata.MethodAPI, nil, "公民身份号码", "姓名", "行政区划代码", "补贴金额"))
			f.data.VerifyRate = rate.Inf
			q := govdata.ServiceQuery{Page: govdata.Page{Limit: 20}, Filters: []govdata.ServiceFilter{{Item: "公民身份号码", Op: govdata.FilterEq, Value: f.rows[2500].id}}}
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r, err := f.data.Records(f.system(), f.entry.ResourceCode, q)
					if err != nil || len(r.Items) != 1 {
						b.Errorf("records: %v", err)
						return
					}
				}
			})
		})
	}
}
