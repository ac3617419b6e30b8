package sqlstore_test

// The catalog search benchmark (CAT-5; PRODUCT.md §5: p95 ≤ 20 ms on
// 100,000 entries for one- to ten-character Chinese queries):
//
//	GOVDATA_TEST_POSTGRES='postgres://…' go test ./sqlstore -run '^$' -bench CatalogSearch -benchtime 200x
//
// Each engine's store holds -catalog-entries published entries (default
// 100,000) from FillCatalogForTest, spread over the six departments of the
// catalog fixture. One op is one search by an officer of another
// department (so the visibility rule applies): the first page of 20,
// sorted by relevance, with the total count. Each sub-benchmark cycles
// through queries of one length, 1 to 10 characters, and reports the
// median and 95th percentile of the searches it ran.

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

var benchCatalogEntries = flag.Int("catalog-entries", 100000, "published entries the catalog search benchmark fills")

// benchQueries are queries of 1 to 10 characters, each found in the
// generated catalog (names, summaries or items).
var benchQueries = map[int][]string{
	1:  {"人", "保", "登", "税", "车", "医", "水", "证"},
	2:  {"人口", "社保", "户籍", "医疗", "许可", "车辆", "姓名", "监测"},
	3:  {"公积金", "出入境", "驾驶人", "残疾人", "供水信", "统计年", "道里区", "身份号"},
	4:  {"社会保险", "婚姻登记", "税务登记", "安全生产", "房屋租赁", "政府采购", "联系电话", "法定代表"},
	5:  {"不动产登记", "个体工商户", "食品经营许", "公共资源交", "城镇职工基", "住房公积金", "最低生活保", "公民身份号"},
	6:  {"统一社会信用", "最低生活保障", "建筑施工许可", "公共资源交易", "全市人口信息", "农机购置信息", "处罚决定书文", "公民身份号码"},
	7:  {"统一社会信用代", "食品经营许可信", "城镇职工基本养", "不动产登记信息", "个体工商户名录", "医疗机构基本信", "户籍登记信息", "出入境登记信息"},
	8:  {"统一社会信用代码", "城镇职工基本养老", "食品经营许可信息", "建筑施工许可信息", "公共资源交易信息", "全省住房公积金记", "最低生活保障名录", "处罚决定书文号"},
	9:  {"城镇职工基本养老保", "道里区不动产登记信", "全市公共资源交易记", "南岗区食品经营许可", "全省最低生活保障明", "松北区建筑施工许可", "香坊区个体工商户名", "城镇职工基本养老保"},
	10: {"城镇职工基本养老保险", "道里区不动产登记信息", "全市公共资源交易记录", "南岗区食品经营许可信", "全省最低生活保障明细", "松北区建筑施工许可信", "香坊区个体工商户名录", "城镇职工基本养老保险"},
}

func BenchmarkCatalogSearch(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			f := newCatalogFixture(b, e, profiles.Default)
			depts := make([]*govdata.Department, 0, 6)
			for _, id := range []int64{f.provinceBureau, f.cityBureau, f.countyBureau, f.cityPolice, f.countyPolice, f.cityHR} {
				d, err := sqlstore.NewDepartmentService(f.db).FindDepartmentByID(storetest.System(), id)
				if err != nil {
					b.Fatal(err)
				}
				depts = append(depts, d)
			}
			start := time.Now()
			if err := f.cat.FillCatalogForTest(context.Background(), *benchCatalogEntries, depts); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: filled %d entries in %v", e, *benchCatalogEntries, time.Since(start).Round(time.Millisecond))
			reader := f.as(govdata.RoleOfficer, f.cityHR)
			for n := 1; n <= 10; n++ {
				b.Run(fmt.Sprintf("chars=%d", n), func(b *testing.B) {
					var took []time.Duration
					found := 0
					i := 0
					for b.Loop() {
						q := benchQueries[n][i%len(benchQueries[n])]
						i++
						t0 := time.Now()
						l, err := f.cat.FindEntries(reader, govdata.EntryFilter{Query: q})
						took = append(took, time.Since(t0))
						if err != nil {
							b.Fatal(err)
						}
						if l.Total == 0 {
							b.Fatalf("q=%q found nothing", q)
						}
						found += l.Total
					}
					slices.Sort(took)
					pct := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000 }
					b.ReportMetric(pct(0.50), "p50-ms")
					b.ReportMetric(pct(0.95), "p95-ms")
					b.ReportMetric(float64(found)/float64(len(took)), "matches/op")
				})
			}
		})
	}
}

// BenchmarkCatalogList is the first request of the console's catalog page
// (PRODUCT.md §5: a list page over 100,000 rows shows its first page
// within 1 s): an officer's own department's entries, newest first, the
// first page of 20 with the total, then the same with every entry the
// officer may see. The facet counts are a second request, timed apart.
//
//	go test ./sqlstore -run '^$' -bench CatalogList -benchtime 20x
func BenchmarkCatalogList(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			f := newCatalogFixture(b, e, profiles.Default)
			depts := make([]*govdata.Department, 0, 2)
			for _, id := range []int64{f.cityBureau, f.cityPolice} {
				d, err := sqlstore.NewDepartmentService(f.db).FindDepartmentByID(storetest.System(), id)
				if err != nil {
					b.Fatal(err)
				}
				depts = append(depts, d)
			}
			if err := f.cat.FillCatalogForTest(context.Background(), *benchCatalogEntries, depts); err != nil {
				b.Fatal(err)
			}
			officer := f.as(govdata.RoleOfficer, f.cityPolice)
			for _, c := range []struct {
				name   string
				filter govdata.EntryFilter
			}{
				{"own", govdata.EntryFilter{DepartmentID: f.cityPolice, Page: govdata.Page{Limit: 20}}},
				{"all", govdata.EntryFilter{Page: govdata.Page{Limit: 20}}},
				{"own-facets", govdata.EntryFilter{DepartmentID: f.cityPolice, Facets: true, Page: govdata.Page{Limit: 1}}},
			} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						l, err := f.cat.FindEntries(officer, c.filter)
						if err != nil {
							b.Fatal(err)
						}
						if l.Total == 0 {
							b.Fatal("nothing listed")
						}
					}
				})
			}
		})
	}
}
