package ckan

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata"
)

func count(f *fakeCatalog, pred func(*govdata.Entry) bool) int {
	n := 0
	for _, e := range f.entries {
		if pred(e) {
			n++
		}
	}
	return n
}

// namesWhere are the package names of the entries pred picks, sorted.
func namesWhere(f *fakeCatalog, pred func(*govdata.Entry) bool) []string {
	var names []string
	for _, e := range f.entries {
		if pred(e) {
			names = append(names, packageName(e.ResourceCode, e.ID))
		}
	}
	slices.Sort(names)
	return names
}

func search(t *testing.T, h *Handler, params url.Values) searchResult {
	t.Helper()
	var res searchResult
	mustResult(t, do(t, h, "GET", "/api/3/action/package_search?"+params.Encode(), ""), &res)
	return res
}

// harvest pages through a search as ckanext-harvest's CKAN harvester does:
// start += rows until a page comes back empty. It fails on a package seen
// twice and returns the packages in the order seen.
func harvest(t *testing.T, h *Handler, params url.Values, rows int) []*pkg {
	t.Helper()
	var all []*pkg
	seen := map[string]bool{}
	total, capped := -1, false
	for start := 0; ; start += rows {
		if start > 10_000 {
			t.Fatal("paging does not end")
		}
		params.Set("rows", fmt.Sprint(rows))
		params.Set("start", fmt.Sprint(start))
		res := search(t, h, params)
		if total >= 0 && res.Count != total {
			t.Fatalf("count changed from %d to %d while paging", total, res.Count)
		}
		total, capped = res.Count, res.CountCapped
		if len(res.Results) == 0 {
			break
		}
		for _, p := range res.Results {
			if seen[p.ID] {
				t.Fatalf("package %s seen twice (start %d)", p.Name, start)
			}
			seen[p.ID] = true
			all = append(all, p)
		}
	}
	if len(all) != total && !(capped && len(all) > total) {
		t.Fatalf("collected %d packages, count says %d", len(all), total)
	}
	return all
}

func names(ps []*pkg) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func TestHarvesterPaging(t *testing.T) {
	f := newFake(47)
	h := newHandler(f, nil)
	police, market := orgName(f.depts[0]), orgName(f.depts[1])
	since := t0.AddDate(0, 1, 2) // the entries updated on the last three of five instants
	all := func(*govdata.Entry) bool { return true }
	for _, tc := range []struct {
		name   string
		params url.Values
		want   func(*govdata.Entry) bool
		order  func(a, b *pkg) bool // a may come before b
	}{
		{"harvester: id asc", url.Values{"sort": {"id asc"}}, all, func(a, b *pkg) bool { return a.ID < b.ID }},
		{"harvester: organizations and changes since", url.Values{
			"sort": {"id asc"},
			"fq":   {fmt.Sprintf("organization:%s OR organization:%s metadata_modified:[%sZ TO *]", police, market, since.Format("2006-01-02T15:04:05.000000"))},
		}, func(e *govdata.Entry) bool {
			return (e.DepartmentID == 1 || e.DepartmentID == 2) && !e.UpdatedAt.Before(since)
		}, func(a, b *pkg) bool { return a.ID < b.ID }},
		{"harvester: excluded organization", url.Values{"sort": {"id asc"}, "fq": {"-organization:" + police}},
			func(e *govdata.Entry) bool { return e.DepartmentID != 1 }, nil},
		{"default sort", url.Values{}, all, func(a, b *pkg) bool { return a.MetadataModified >= b.MetadataModified }},
		{"metadata_modified desc", url.Values{"sort": {"metadata_modified desc"}}, all,
			func(a, b *pkg) bool { return a.MetadataModified >= b.MetadataModified }},
		{"metadata_modified asc", url.Values{"sort": {"metadata_modified asc"}}, all,
			func(a, b *pkg) bool { return a.MetadataModified <= b.MetadataModified }},
		{"metadata_created asc", url.Values{"sort": {"metadata_created asc"}}, all,
			func(a, b *pkg) bool { return a.MetadataCreated <= b.MetadataCreated }},
		{"name asc", url.Values{"sort": {"name asc"}}, all, func(a, b *pkg) bool { return a.Name < b.Name }},
		{"title_string asc", url.Values{"sort": {"title_string asc"}}, all, func(a, b *pkg) bool { return a.Title <= b.Title }},
		{"title_string desc", url.Values{"sort": {"title_string desc"}}, all, func(a, b *pkg) bool { return a.Title >= b.Title }},
		{"two keys", url.Values{"sort": {"metadata_modified desc, name asc"}}, all, func(a, b *pkg) bool {
			return a.MetadataModified > b.MetadataModified || a.MetadataModified == b.MetadataModified && a.Name < b.Name
		}},
		{"query, relevance", url.Values{"q": {"数据集"}}, func(e *govdata.Entry) bool { return strings.Contains(e.Name, "数据集") }, nil},
		{"query, id asc", url.Values{"q": {"数据集"}, "sort": {"id asc"}},
			func(e *govdata.Entry) bool { return strings.Contains(e.Name, "数据集") }, func(a, b *pkg) bool { return a.ID < b.ID }},
		{"organization, default sort (in the store)", url.Values{"fq": {"organization:" + market}},
			func(e *govdata.Entry) bool { return e.DepartmentID == 2 }, nil},
		{"a filter only memory applies", url.Values{"fq": {"-groups:x"}}, all,
			func(a, b *pkg) bool { return a.MetadataModified >= b.MetadataModified }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, rows := range []int{1, 7, 100} {
				got := harvest(t, h, tc.params, rows)
				gotNames := names(got)
				slices.Sort(gotNames)
				if want := namesWhere(f, tc.want); strings.Join(gotNames, ",") != strings.Join(want, ",") {
					t.Fatalf("rows %d: got %d packages %v\nwant %d %v", rows, len(gotNames), gotNames, len(want), want)
				}
				for i := 1; tc.order != nil && i < len(got); i++ {
					if !tc.order(got[i-1], got[i]) {
						t.Errorf("rows %d: %s before %s", rows, got[i-1].Name, got[i].Name)
					}
				}
			}
		})
	}
}

// TestStoreAndMemoryAgree: a search the store answers alone and the same
// search read in memory (an fq the store cannot apply, matching all) give
// the same packages in the same order.
func TestStoreAndMemoryAgree(t *testing.T) {
	f := newFake(40)
	h := newHandler(f, nil)
	for _, s := range []string{"", "metadata_modified desc", "title_string asc", "score desc, metadata_modified desc"} {
		for _, q := range []string{"", "数据"} {
			store := search(t, h, url.Values{"sort": {s}, "q": {q}, "rows": {"1000"}, "facet.field": {`["organization","res_format"]`}})
			memory := search(t, h, url.Values{"sort": {s}, "q": {q}, "rows": {"1000"}, "fq": {"-groups:none"}, "facet.field": {`["organization","res_format"]`}})
			if strings.Join(names(store.Results), ",") != strings.Join(names(memory.Results), ",") || store.Count != memory.Count {
				t.Errorf("sort %q q %q: store %v\nmemory %v", s, q, names(store.Results), names(memory.Results))
			}
			a, _ := json.Marshal(store.SearchFacets)
			b, _ := json.Marshal(memory.SearchFacets)
			if string(a) != string(b) {
				t.Errorf("sort %q q %q: facets differ\n%s\n%s", s, q, a, b)
			}
		}
	}
}

func TestFilters(t *testing.T) {
	f := newFake(40)
	f.entries[2].RegionCode = "" // field:* holds only where there is a value
	h := newHandler(f, nil)
	police, market, transport := orgName(f.depts[0]), orgName(f.depts[1]), orgName(f.depts[2])
	since := t0.AddDate(0, 1, 3)
	for _, tc := range []struct {
		fq   string
		want func(*govdata.Entry) bool
	}{
		{"organization:" + police, func(e *govdata.Entry) bool { return e.DepartmentID == 1 }},
		{`organization:"` + strings.ToUpper(police) + `"`, func(e *govdata.Entry) bool { return e.DepartmentID == 1 }},
		{"+organization:" + police, func(e *govdata.Entry) bool { return e.DepartmentID == 1 }},
		{"owner_org:" + h.ids.uuid(kindOrganization, 3), func(e *govdata.Entry) bool { return e.DepartmentID == 3 }},
		{"owner_org:" + strings.ToUpper(h.ids.uuid(kindOrganization, 3)), func(e *govdata.Entry) bool { return e.DepartmentID == 3 }},
		{"-owner_org:" + strings.ToUpper(h.ids.uuid(kindOrganization, 3)), func(e *govdata.Entry) bool { return e.DepartmentID != 3 }},
		{"organization:nobody", func(e *govdata.Entry) bool { return false }},
		{"organization:" + police + " organization:" + market, func(e *govdata.Entry) bool { return false }},
		{"organization:" + police + " OR organization:" + transport, func(e *govdata.Entry) bool { return e.DepartmentID != 2 }},
		{"organization:" + police + " || organization:" + transport, func(e *govdata.Entry) bool { return e.DepartmentID != 2 }},
		{"-organization:" + police + " -organization:" + market, func(e *govdata.Entry) bool { return e.DepartmentID == 3 }},
		{"NOT organization:" + police, func(e *govdata.Entry) bool { return e.DepartmentID != 1 }},
		{"!organization:" + police, func(e *govdata.Entry) bool { return e.DepartmentID != 1 }},
		{"tags:姓名", func(e *govdata.Entry) bool { return e.ID == 1 }},
		{"tags:基础信息资源", func(e *govdata.Entry) bool { return e.Classification.Category == "1" }},
		{`tags:"户籍地址 省 市"`, func(e *govdata.Entry) bool { return e.ID == 1 }},
		{`tags:户籍地址\ 省\ 市`, func(e *govdata.Entry) bool { return e.ID == 1 }},
		{"tags:字段*", func(e *govdata.Entry) bool { return e.ID > 4 }},
		{"tags:*", func(e *govdata.Entry) bool { return true }},
		{"region_code:*", func(e *govdata.Entry) bool { return e.RegionCode != "" }},
		{"-region_code:*", func(e *govdata.Entry) bool { return e.RegionCode == "" }},
		{"res_format:电子表格", func(e *govdata.Entry) bool { return e.Format == "电子表格" }},
		{"res_format:接口 AND organization:" + transport, func(e *govdata.Entry) bool { return e.Format == "接口" && e.DepartmentID == 3 }},
		{"res_format:接口 && organization:" + transport, func(e *govdata.Entry) bool { return e.Format == "接口" && e.DepartmentID == 3 }},
		{"(res_format:接口 OR res_format:CSV) AND -organization:" + transport, func(e *govdata.Entry) bool {
			return (e.Format == "接口" || e.Format == "CSV") && e.DepartmentID != 3
		}},
		{"res_format:接口 OR res_format:CSV organization:" + transport, func(e *govdata.Entry) bool {
			return (e.Format == "接口" || e.Format == "CSV") && e.DepartmentID == 3
		}},
		{"groups:*", func(e *govdata.Entry) bool { return false }},
		{"-groups:anything", func(e *govdata.Entry) bool { return true }},
		{"dataset_type:dataset", func(e *govdata.Entry) bool { return true }},
		{"+dataset_type:dataset +state:active +capacity:public", func(e *govdata.Entry) bool { return true }},
		{"type:harvest", func(e *govdata.Entry) bool { return false }},
		{"license_id:notspecified", func(e *govdata.Entry) bool { return true }},
		{"metadata_modified:[" + since.Format("2006-01-02T15:04:05Z") + " TO *]", func(e *govdata.Entry) bool { return !e.UpdatedAt.Before(since) }},
		{"metadata_modified:{" + since.Format("2006-01-02T15:04:05Z") + " TO *]", func(e *govdata.Entry) bool { return e.UpdatedAt.After(since) }},
		{"metadata_modified:[* TO " + since.Format("2006-01-02") + "}", func(e *govdata.Entry) bool { return e.UpdatedAt.Before(since) }},
		{`metadata_modified:"` + since.Format("2006-01-02T15:04:05Z") + `"`, func(e *govdata.Entry) bool { return e.UpdatedAt.Equal(since) }},
		{"metadata_created:[NOW-1YEAR TO NOW]", func(e *govdata.Entry) bool { return true }},
		{"metadata_created:[NOW+1DAY TO *]", func(e *govdata.Entry) bool { return false }},
		{"update_cycle:daily", func(e *govdata.Entry) bool { return e.UpdateCycle == govdata.CycleDaily }},
		{"extras_update_cycle:daily", func(e *govdata.Entry) bool { return e.UpdateCycle == govdata.CycleDaily }},
		{"open_type:conditional", func(e *govdata.Entry) bool { return e.OpenType == govdata.OpenConditional }},
		{"classification:101001", func(e *govdata.Entry) bool { return e.Classification.Code() == "101001" }},
		{"name:" + packageName(f.entries[2].ResourceCode, 3), func(e *govdata.Entry) bool { return e.ID == 3 }},
		{"id:" + h.ids.uuid(kindPackage, 5), func(e *govdata.Entry) bool { return e.ID == 5 }},
		{"*:*", func(e *govdata.Entry) bool { return true }},
		{`tags:"a'; DROP TABLE entries; --"`, func(e *govdata.Entry) bool { return false }},
	} {
		t.Run(tc.fq, func(t *testing.T) {
			res := search(t, h, url.Values{"fq": {tc.fq}, "rows": {"1000"}})
			got := names(res.Results)
			slices.Sort(got)
			want := namesWhere(f, tc.want)
			if strings.Join(got, ",") != strings.Join(want, ",") || res.Count != len(want) {
				t.Errorf("count %d, got %v\nwant %v", res.Count, got, want)
			}
		})
	}
	// Repeated fq parameters must all hold.
	res := search(t, h, url.Values{"fq": {"organization:" + transport, "res_format:接口"}, "rows": {"1000"}})
	if want := count(f, func(e *govdata.Entry) bool { return e.DepartmentID == 3 && e.Format == "接口" }); res.Count != want {
		t.Errorf("repeated fq: %d, want %d", res.Count, want)
	}
}

func TestQuery(t *testing.T) {
	f := newFake(20)
	h := newHandler(f, nil)
	for _, tc := range []struct {
		q    string
		want func(*govdata.Entry) bool
	}{
		{"人口", func(e *govdata.Entry) bool { return e.ID == 1 }},
		{"title:人口", func(e *govdata.Entry) bool { return e.ID == 1 }},
		{`"人口"`, func(e *govdata.Entry) bool { return e.ID == 1 }},
		{"人口 OR 法人", func(e *govdata.Entry) bool { return false }}, // plain words: both must be there
		{"统一社会信用代码", func(e *govdata.Entry) bool { return e.ID == 2 }},
		{"*:*", func(e *govdata.Entry) bool { return true }},
		{`"`, func(e *govdata.Entry) bool { return true }},
		{"NEAR(", func(e *govdata.Entry) bool { return true }},
	} {
		res := search(t, h, url.Values{"q": {tc.q}, "rows": {"1000"}})
		got := names(res.Results)
		slices.Sort(got)
		if want := namesWhere(f, tc.want); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("q %q: got %v, want %v", tc.q, got, want)
		}
	}
}

func TestFacets(t *testing.T) {
	f := newFake(40)
	h := newHandler(f, nil)
	res := search(t, h, url.Values{"facet.field": {`["organization","res_format","tags","open_type","groups","license_id","update_cycle","grade"]`}, "rows": {"0"}})
	if res.Count != 40 || len(res.Results) != 0 {
		t.Fatalf("rows=0: count %d, %d results", res.Count, len(res.Results))
	}
	for _, d := range f.depts[:3] {
		n := count(f, func(e *govdata.Entry) bool { return e.DepartmentID == d.ID })
		if res.Facets["organization"][orgName(d)] != n {
			t.Errorf("organization %s: %d, want %d", d.Name, res.Facets["organization"][orgName(d)], n)
		}
	}
	if got, want := res.Facets["res_format"]["接口"], count(f, func(e *govdata.Entry) bool { return e.Format == "接口" }); got != want {
		t.Errorf("res_format 接口: %d, want %d", got, want)
	}
	if got := res.Facets["tags"]["编号"]; got != 36 {
		t.Errorf("tags 编号: %d", got)
	}
	if got := res.Facets["license_id"]["notspecified"]; got != 40 {
		t.Errorf("license_id: %d", got)
	}
	if len(res.Facets["groups"]) != 0 || len(res.SearchFacets["groups"].Items) != 0 {
		t.Errorf("groups: %v", res.Facets["groups"])
	}
	for field, sf := range res.SearchFacets {
		if sf.Title != field || len(sf.Items) != len(res.Facets[field]) {
			t.Errorf("%s: %+v", field, sf)
		}
		for i, it := range sf.Items {
			if it.Count != res.Facets[field][it.Name] || it.DisplayName == "" || i > 0 && sf.Items[i-1].Count < it.Count {
				t.Errorf("%s item %d: %+v", field, i, it)
			}
		}
	}
	if it := res.SearchFacets["open_type"].Items; len(it) != 2 || it[0].Name != "unconditional" || it[0].DisplayName != "无条件开放" {
		t.Errorf("open_type: %+v", it)
	}
	orgItem := res.SearchFacets["organization"].Items[0]
	if !strings.HasPrefix(orgItem.DisplayName, "杭州市") {
		t.Errorf("organization item %+v", orgItem)
	}

	// The shape clients read.
	var raw struct {
		Result struct {
			SearchFacets map[string]struct {
				Title string `json:"title"`
				Items []struct {
					Name        string `json:"name"`
					DisplayName string `json:"display_name"`
					Count       int    `json:"count"`
				} `json:"items"`
			} `json:"search_facets"`
			Facets map[string]map[string]int `json:"facets"`
		} `json:"result"`
	}
	r := do(t, h, "GET", "/api/3/action/package_search?facet.field=%5B%22tags%22%5D&facet.limit=2&fq=tags:%E5%A7%93%E5%90%8D", "")
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	tags := raw.Result.SearchFacets["tags"]
	if tags.Title != "tags" || len(tags.Items) != 2 || len(raw.Result.Facets["tags"]) != 2 || tags.Items[0].Count != 1 {
		t.Errorf("facet.limit=2 on tags of one package: %s", r.raw)
	}

	off := search(t, h, url.Values{"facet.field": {`["tags"]`}, "facet": {"false"}})
	if len(off.Facets) != 0 || len(off.SearchFacets) != 0 {
		t.Errorf("facet=false: %v", off.Facets)
	}
	none := search(t, h, url.Values{})
	if none.Facets == nil || none.SearchFacets == nil || len(none.Facets) != 0 {
		t.Errorf("no facet.field: %v %v", none.Facets, none.SearchFacets)
	}
}

// TestRowsAboveStoreLimit: rows up to 1000 are read from a store that
// gives at most govdata.MaxLimit at a time.
func TestRowsAboveStoreLimit(t *testing.T) {
	f := newFake(1203)
	h := newHandler(f, nil)
	res := search(t, h, url.Values{"rows": {"1000"}})
	if res.Count != 1203 || len(res.Results) != 1000 {
		t.Fatalf("count %d, %d results", res.Count, len(res.Results))
	}
	rest := search(t, h, url.Values{"rows": {"1000"}, "start": {"1000"}})
	if len(rest.Results) != 203 {
		t.Fatalf("second page: %d", len(rest.Results))
	}
	seen := map[string]bool{}
	for _, p := range append(res.Results, rest.Results...) {
		if seen[p.ID] {
			t.Fatalf("%s twice", p.Name)
		}
		seen[p.ID] = true
	}
	// A query with more than 1,000 matches: the store caps its count, and
	// says so; paging to an empty page reads all.
	q := url.Values{"q": {"数据集"}}
	want := count(f, func(e *govdata.Entry) bool { return strings.Contains(e.Name, "数据集") })
	if res := search(t, h, url.Values{"q": {"数据集"}, "rows": {"3"}}); res.Count != 1000 || !res.CountCapped || want <= 1000 {
		t.Errorf("capped query: count %d capped %v (%d matches)", res.Count, res.CountCapped, want)
	}
	if got := harvest(t, h, q, 1000); len(got) != want {
		t.Errorf("capped query: harvested %d, want %d", len(got), want)
	}
	if got := harvest(t, h, url.Values{"q": {"数据集"}, "sort": {"id asc"}}, 400); len(got) != want {
		t.Errorf("capped query, id asc: harvested %d, want %d", len(got), want)
	}
	f.calls = 0
	search(t, h, url.Values{"rows": {"5000"}})
	if f.calls != 1+2 { // the publishers, then 500 + 500
		t.Errorf("%d store calls for rows=5000", f.calls)
	}
}

func TestParseFQ(t *testing.T) {
	for _, tc := range []struct {
		fq, want string
	}{
		{"tags:a", "tags=a"},
		{"tags:a tags:b", "AND(tags=a tags=b)"},
		{"tags:a OR tags:b tags:c", "AND(OR(tags=a tags=b) tags=c)"},
		{"tags:a AND (tags:b OR -tags:c)", "AND(tags=a OR(tags=b NOT(tags=c)))"},
		{"  (( tags:a ))  ", "tags=a"},
		{`tags:"a b\"c"`, `tags=a b"c`},
		{"tags:AND", "tags=AND"},
		{"tags:ORANGE OR tags:b", "OR(tags=ORANGE tags=b)"},
	} {
		n, err := parseFQ(tc.fq, t0)
		if err != nil {
			t.Errorf("%q: %v", tc.fq, err)
			continue
		}
		if got := show(n); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.fq, got, tc.want)
		}
	}
	_, err := parseFQ("tags:a (tags:b", t0)
	fe, ok := err.(*fqError)
	if !ok || fe.pos != 15 || !strings.Contains(fe.text("en"), "at character 15") || !strings.Contains(fe.text("zh"), "第 15 个字符") {
		t.Errorf("error %#v", err)
	}
}

func show(n node) string {
	list := func(name string, ns []node) string {
		parts := make([]string, len(ns))
		for i, c := range ns {
			parts[i] = show(c)
		}
		return name + "(" + strings.Join(parts, " ") + ")"
	}
	switch x := n.(type) {
	case andNode:
		return list("AND", x)
	case orNode:
		return list("OR", x)
	case notNode:
		return "NOT(" + show(x.n) + ")"
	case termNode:
		return x.field + "=" + x.value
	}
	return fmt.Sprintf("%T", n)
}

func TestPlainQuery(t *testing.T) {
	for q, want := range map[string]string{
		"":                         "",
		"*:*":                      "",
		" * ":                      "",
		"人口":                       "人口",
		"人口 社保":                    "人口 社保",
		`"人口"`:                     "人口",
		"title:人口~2^3":             "人口 2 3",
		"NEAR(人口, 社保)":             "人口 社保",
		"人口 OR 社保 AND NOT 医保":      "人口 社保 医保",
		"'; DROP TABLE x; --":      "DROP TABLE x",
		"COVID-19 -法人 +户籍":         "COVID-19 法人 户籍",
		"人口，户籍（流动）":                "人口 户籍 流动",
		"http://example.org/a?b=1": "example.org a b 1",
		"\\":                       "",
	} {
		if got := plainQuery(q); got != want {
			t.Errorf("plainQuery(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestIDs(t *testing.T) {
	a, b := newIDSpace("https://a.example"), newIDSpace("https://b.example")
	for _, n := range []int64{1, 42, 1 << 40, 1<<62 - 1} {
		id := a.uuid(kindPackage, n)
		if !uuidRE.MatchString(id) {
			t.Errorf("%d: %s is not a v8 UUID", n, id)
		}
		if got, ok := a.parse(kindPackage, id); !ok || got != n {
			t.Errorf("%d: read back %d %v", n, got, ok)
		}
		if _, ok := a.parse(kindResource, id); ok {
			t.Errorf("%d: a package id reads as a resource id", n)
		}
		if _, ok := b.parse(kindPackage, id); ok {
			t.Errorf("%d: another site reads the id", n)
		}
		if a.uuid(kindPackage, n) != id || b.uuid(kindPackage, n) == id {
			t.Errorf("%d: ids not stable or not site-specific", n)
		}
	}
	if a.uuid(kindPackage, 9) > a.uuid(kindPackage, 10) || a.uuid(kindPackage, 255) > a.uuid(kindPackage, 256) {
		t.Error("ids do not sort as the numbers they carry")
	}
	for _, bad := range []string{"", "x", "00000000-0000-0000-0000-000000000000", strings.Repeat("g", 36)} {
		if _, ok := a.parse(kindPackage, bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	for code, want := range map[string]string{
		"101001/11330100002482081X000001": "101001-11330100002482081x000001",
		"":                                "entry-7",
		"含中文":                             "entry-7",
	} {
		if got := packageName(code, 7); got != want {
			t.Errorf("packageName(%q) = %q, want %q", code, got, want)
		}
	}
}

// TestPastStoreDepth: the store pages only so deep; past it, searches read
// department by department and still see every package once, in order.
func TestPastStoreDepth(t *testing.T) {
	defer func(d int) { storeDepth = d }(storeDepth)
	storeDepth = 40 // and the store hands out 500 at a time: 700 is past it
	f := newFake(700)
	h := newHandler(f, nil)

	newest := slices.Clone(f.entries) // the store's "updated" order
	slices.SortFunc(newest, func(a, b *govdata.Entry) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	var want []string
	for _, e := range newest {
		want = append(want, packageName(e.ResourceCode, e.ID))
	}
	for _, rows := range []int{7, 40, 300} {
		got := names(harvest(t, h, url.Values{}, rows))
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("default sort, rows %d: the order breaks past the depth\ngot  %v\nwant %v", rows, got, want)
		}
		byID := harvest(t, h, url.Values{"sort": {"id asc"}, "fq": {"-groups:x"}}, rows)
		for i := 1; i < len(byID); i++ {
			if byID[i-1].ID >= byID[i].ID {
				t.Errorf("id asc, rows %d: %s before %s", rows, byID[i-1].ID, byID[i].ID)
			}
		}
		if len(byID) != 700 {
			t.Errorf("id asc, rows %d: %d packages", rows, len(byID))
		}
	}
	var all []string
	mustResult(t, do(t, h, "GET", "/api/3/action/package_list", ""), &all)
	if len(all) != 700 {
		t.Errorf("package_list: %d names", len(all))
	}
	res := search(t, h, url.Values{"facet.field": {`["tags"]`}, "rows": {"0"}})
	if res.Count != 700 || res.Facets["tags"]["编号"] != 696 {
		t.Errorf("facets past the depth: count %d, 编号 %d", res.Count, res.Facets["tags"]["编号"])
	}
	// Relevance is the store's alone: it pages as deep as the store does.
	r := do(t, h, "GET", "/api/3/action/package_search?q=%E6%95%B0%E6%8D%AE%E9%9B%86&start=40", "")
	if r.status != 409 || r.Error["start"] == nil {
		t.Errorf("relevance past the depth: %d %s", r.status, r.raw)
	}
	if res := search(t, h, url.Values{"q": {"数据集"}, "start": {"30"}}); len(res.Results) != 10 || res.Count != 696 {
		t.Errorf("relevance within the depth: count %d, %d results", res.Count, len(res.Results))
	}
}
