package sqlstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// searchCorpus: names, summaries and item names with known overlaps.
var searchCorpus = []struct {
	name, summary string
	items         []string
	county        bool // the county police's (else the city's)
	open          govdata.OpenType
}{
	{"常住人口基本信息", "全市常住人口的户籍登记信息", []string{"公民身份号码", "姓名", "户籍地址"}, false, govdata.OpenNone},
	{"流动人口登记信息", "暂住登记与居住证办理", []string{"公民身份号码", "姓名", "居住地址"}, true, govdata.OpenNone},
	{"社会保险参保信息", "社保参保缴费记录", []string{"社会保障号码", "参保险种", "缴费基数"}, false, govdata.OpenConditional},
	{"机动车登记信息", "机动车注册、转移、抵押登记", []string{"号牌号码", "车辆识别代号", "所有人"}, false, govdata.OpenUnconditional},
	{"企业法人登记信息", "企业设立、变更、注销登记（GB 32100 统一社会信用代码）", []string{"统一社会信用代码", "企业名称", "法定代表人"}, true, govdata.OpenUnconditional},
	{"公共场所卫生许可", "公共场所卫生许可证核发", []string{"许可证号", "单位名称", "有效期"}, false, govdata.OpenUnconditional},
	{"\"引号\"与*星号*的'名称'", "OR NEAR(测试) 语法字符", []string{"字段A"}, true, govdata.OpenNone},
}

func entryFor(i int) govdata.EntryInput {
	c := searchCorpus[i]
	in := entryInput(c.name)
	in.Summary, in.OpenType = c.summary, c.open
	switch c.open {
	case govdata.OpenConditional:
		in.OpenConditions = "注册用户申请，用于科研"
	case govdata.OpenUnconditional:
		in.OpenConditions = ""
	}
	in.Items = nil
	for j, n := range c.items {
		in.Items = append(in.Items, govdata.Item{Name: n, Type: govdata.ItemChar, Length: 50, Sensitivity: 1 + j%2, Region: false})
	}
	return in
}

// contains is the search's oracle: a query part is found when the text of
// the entry holds it (Chinese) — every part must be found.
func contains(i int, q string) bool {
	c := searchCorpus[i]
	text := c.name + "\n" + c.summary + "\n" + strings.Join(c.items, "\n")
	for _, part := range strings.Fields(q) {
		if !strings.Contains(text, part) {
			return false
		}
	}
	return true
}

func TestCatalogSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, profiles.Default)
		city, county := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleOfficer, f.countyPolice)
		ids := map[int64]int{}
		for i, c := range searchCorpus {
			officer, bureau := city, f.cityBureau
			if c.county {
				officer, bureau = county, f.countyBureau
			}
			ids[f.publish(t, officer, bureau, entryFor(i)).ID] = i
		}
		draft := must(f.cat.CreateEntry(city, entryInput("人口草稿")))(t)
		reader := f.as(govdata.RoleOfficer, f.cityHR)
		names := func(ctx context.Context, filter govdata.EntryFilter) []string {
			t.Helper()
			l, err := f.cat.FindEntries(ctx, filter)
			if err != nil {
				t.Fatalf("search %+v: %v", filter, err)
			}
			var out []string
			for _, e := range l.Items {
				out = append(out, e.Name)
			}
			if l.Total != len(out) && l.NextCursor == "" {
				t.Errorf("search %+v: total %d, %d items", filter, l.Total, len(out))
			}
			slices.Sort(out)
			return out
		}
		for _, q := range []string{"人", "人口", "口", "社保", "保险", "登记", "登记信息", "号码", "公民身份号码", "卫生许可", "信用代码",
			"人口 登记", "户籍 居住", "口人", "不存在的词", "测试", "代表人", "险"} {
			var want []string
			for i := range searchCorpus {
				if contains(i, q) {
					want = append(want, searchCorpus[i].name)
				}
			}
			slices.Sort(want)
			if got := names(reader, govdata.EntryFilter{Query: q, Page: govdata.Page{Limit: 100}}); !slices.Equal(got, want) {
				t.Errorf("q=%q: %v, want %v", q, got, want)
			}
		}
		// Letters and digits: whole words, matched by their start, in any case.
		for q, want := range map[string][]string{"gb": {"企业法人登记信息"}, "GB 32100": {"企业法人登记信息"}, "3210": {"企业法人登记信息"}, "Ｇｂ": {"企业法人登记信息"}} {
			if got := names(reader, govdata.EntryFilter{Query: q}); !slices.Equal(got, want) {
				t.Errorf("q=%q: %v, want %v", q, got, want)
			}
		}
		// Index syntax is text: never an error.
		for _, q := range []string{`"`, `*`, `'`, `OR`, `NEAR(`, `人口 OR 社保`, `"人口"`, `人*`, `AND`, `-`, `^`, `NOT 人`, `(`, `)`, `\`, `%`, `_`, `{}:`, `人口" OR "1"="1`} {
			if _, err := f.cat.FindEntries(reader, govdata.EntryFilter{Query: q}); err != nil {
				t.Errorf("q=%q: %v", q, err)
			}
		}
		if got := names(reader, govdata.EntryFilter{Query: "near"}); !slices.Equal(got, []string{searchCorpus[6].name}) {
			t.Errorf("q=near: %v", got)
		}
		// The name weighs most: 人口 in a name ranks above 人口 in a summary only.
		l, _ := f.cat.FindEntries(reader, govdata.EntryFilter{Query: "常住人口"})
		if len(l.Items) != 1 || l.Items[0].Name != "常住人口基本信息" {
			t.Errorf("relevance: %+v", l.Items)
		}
		// Drafts: the department and the bureau above see them; others do not.
		if got := names(reader, govdata.EntryFilter{Query: "草稿"}); len(got) != 0 {
			t.Errorf("another department finds a draft: %v", got)
		}
		for who, ctx := range map[string]context.Context{"its department": city, "the city bureau": f.as(govdata.RoleReviewer, f.cityBureau)} {
			if got := names(ctx, govdata.EntryFilter{Query: "草稿"}); !slices.Equal(got, []string{"人口草稿"}) {
				t.Errorf("%s: %v", who, got)
			}
		}
		if got := names(f.as(govdata.RoleReviewer, f.countyBureau), govdata.EntryFilter{Query: "草稿"}); len(got) != 0 {
			t.Errorf("the county bureau finds a city draft: %v", got)
		}
		_ = draft
		// CAT-4: the county's entries are in the city's and the province's catalog.
		countyNames := []string{searchCorpus[1].name, searchCorpus[6].name, searchCorpus[4].name}
		slices.Sort(countyNames)
		if got := names(reader, govdata.EntryFilter{RegionCode: "230102"}); !slices.Equal(got, countyNames) {
			t.Errorf("county catalog: %v", got)
		}
		for _, region := range []string{"230100", "230000"} {
			if got := names(reader, govdata.EntryFilter{RegionCode: region, Page: govdata.Page{Limit: 100}}); len(got) != len(searchCorpus) {
				t.Errorf("merged catalog of %s: %d entries, want %d", region, len(got), len(searchCorpus))
			}
		}
		// Facets count the matches per value.
		l, err := f.cat.FindEntries(reader, govdata.EntryFilter{Query: "登记", Facets: true})
		if err != nil {
			t.Fatal(err)
		}
		facet := func(field, value string) int {
			for _, fc := range l.Facets[field] {
				if fc.Value == value {
					return fc.Count
				}
			}
			return 0
		}
		if l.Total != 4 || facet(govdata.FacetOpenType, "unconditional") != 2 || facet(govdata.FacetOpenType, "not_open") != 2 ||
			facet(govdata.FacetRegion, "230102") != 2 || facet(govdata.FacetClassification, "3") != 4 {
			t.Errorf("facets of 登记 (total %d): %+v", l.Total, l.Facets)
		}
		var labelled bool
		for _, fc := range l.Facets[govdata.FacetDepartment] {
			labelled = labelled || fc.Label == "哈尔滨市公安局"
		}
		if !labelled {
			t.Errorf("department facet without names: %+v", l.Facets[govdata.FacetDepartment])
		}
		if got := names(reader, govdata.EntryFilter{OpenType: govdata.OpenUnconditional, Query: "登记"}); len(got) != 2 {
			t.Errorf("filtered by open type: %v", got)
		}
		// Paging with the cursor visits every entry once.
		seen := map[int64]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			l, err := f.cat.FindEntries(reader, govdata.EntryFilter{Sort: govdata.SortName, Page: govdata.Page{Limit: 2, Cursor: cursor}})
			if err != nil || pages > 10 {
				t.Fatalf("page %d: %v", pages, err)
			}
			for _, e := range l.Items {
				if seen[e.ID] {
					t.Fatalf("entry %d twice", e.ID)
				}
				seen[e.ID] = true
			}
			if cursor = l.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != len(searchCorpus) {
			t.Errorf("paged through %d entries, want %d", len(seen), len(searchCorpus))
		}
		if _, err := f.cat.FindEntries(reader, govdata.EntryFilter{Page: govdata.Page{Cursor: "nonsense"}}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("bad cursor: %v", err)
		}
		// A listing pages as deep as a harvester needs; a text search stops.
		if l, err := f.cat.FindEntries(reader, govdata.EntryFilter{Offset: 20000}); err != nil || len(l.Items) != 0 {
			t.Errorf("deep listing: %+v, %v", l, err)
		}
		if _, err := f.cat.FindEntries(reader, govdata.EntryFilter{Query: "人", Offset: 20000}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("deep text search: %v", err)
		}
		// The open catalog: open entries only, without sharing attributes.
		open := f.cat.OpenCatalog()
		ol, err := open.FindOpenEntries(context.Background(), govdata.EntryFilter{Query: "登记", Page: govdata.Page{Limit: 100}})
		if err != nil || ol.Total != 2 {
			t.Fatalf("open search: %+v, %v", ol, err)
		}
		for _, e := range ol.Items {
			if e.ShareConditions != "" || e.OpenType == govdata.OpenNone || e.PublishedAt == nil || !e.UpdatedAt.Equal(*e.PublishedAt) {
				t.Errorf("open entry shows %+v", e)
			}
		}
		for id, i := range ids {
			_, err := open.FindOpenEntry(context.Background(), id)
			if isOpen := searchCorpus[i].open != govdata.OpenNone; (err == nil) != isOpen {
				t.Errorf("open entry %q: %v", searchCorpus[i].name, err)
			}
		}
		pubs, err := open.OpenPublishers(context.Background())
		if err != nil || len(pubs) != 2 {
			t.Fatalf("publishers: %+v, %v", pubs, err)
		}
	})
}
