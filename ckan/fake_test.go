package ckan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// fakeCatalog is an open catalog in memory that behaves as the store is
// documented to: Query (every word in the name, summary or an item name),
// DepartmentID, Format, the three sorts, facets by department and format,
// Limit capped at govdata.MaxLimit, Offset up to storeDepth, and a Total
// that a query counts only up to 1,000 (TotalCapped).
type fakeCatalog struct {
	depts   []govdata.Department
	entries []*govdata.Entry
	err     error // every call fails with it when set
	calls   int
}

func (f *fakeCatalog) FindOpenEntries(_ context.Context, flt govdata.EntryFilter) (govdata.EntryList, error) {
	f.calls++
	if f.err != nil {
		return govdata.EntryList{}, f.err
	}
	if flt.Offset > storeDepth {
		return govdata.EntryList{}, govdata.Errorf(govdata.EINVALID, govdata.Msg{ZH: "翻页过深", EN: "search too deep"})
	}
	var found []*govdata.Entry
	for _, e := range f.entries {
		if flt.DepartmentID != 0 && e.DepartmentID != flt.DepartmentID || flt.Format != "" && e.Format != flt.Format {
			continue
		}
		if !matchesQuery(e, flt.Query) {
			continue
		}
		found = append(found, e)
	}
	sortBy := flt.Sort
	if sortBy == "" {
		sortBy = govdata.SortUpdated
		if flt.Query != "" {
			sortBy = govdata.SortRelevance
		}
	}
	slices.SortFunc(found, func(a, b *govdata.Entry) int {
		switch sortBy {
		case govdata.SortRelevance:
			ra, rb := strings.Contains(a.Name, flt.Query), strings.Contains(b.Name, flt.Query)
			if ra != rb {
				if ra {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.ID, b.ID)
		case govdata.SortName:
			return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		}
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(b.ID, a.ID))
	})
	out := govdata.EntryList{Total: len(found), Items: []*govdata.Entry{}}
	if flt.Query != "" && len(found) > 1000 {
		// As the store: a query counts up to 1,000.
		out.Total, out.TotalCapped = 1000, true
	}
	if flt.Facets {
		byDept, byFormat := map[int64]int{}, map[string]int{}
		for _, e := range found {
			byDept[e.DepartmentID]++
			byFormat[e.Format]++
		}
		out.Facets = map[string][]govdata.Facet{}
		for id, n := range byDept {
			out.Facets[govdata.FacetDepartment] = append(out.Facets[govdata.FacetDepartment],
				govdata.Facet{Value: strconv.FormatInt(id, 10), Label: f.dept(id).Name, Count: n})
		}
		for v, n := range byFormat {
			out.Facets[govdata.FacetFormat] = append(out.Facets[govdata.FacetFormat], govdata.Facet{Value: v, Count: n})
		}
	}
	limit := flt.Page.Normalize().Limit
	from := min(flt.Offset, len(found))
	out.Items = append(out.Items, found[from:min(from+limit, len(found))]...)
	return out, nil
}

func matchesQuery(e *govdata.Entry, q string) bool {
	for _, w := range strings.Fields(q) {
		hit := strings.Contains(e.Name, w) || strings.Contains(e.Summary, w)
		for _, it := range e.Items {
			hit = hit || strings.Contains(it.Name, w)
		}
		if !hit {
			return false
		}
	}
	return true
}

func (f *fakeCatalog) FindOpenEntry(_ context.Context, id int64) (*govdata.Entry, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	for _, e := range f.entries {
		if e.ID == id {
			return e, nil
		}
	}
	return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgEntryNotFound)
}

func (f *fakeCatalog) OpenPublishers(context.Context) ([]govdata.Publisher, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	var out []govdata.Publisher
	for _, d := range f.depts {
		n := 0
		for _, e := range f.entries {
			if e.DepartmentID == d.ID {
				n++
			}
		}
		if n > 0 {
			out = append(out, govdata.Publisher{Department: d, OpenEntries: n})
		}
	}
	slices.SortFunc(out, func(a, b govdata.Publisher) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (f *fakeCatalog) dept(id int64) govdata.Department {
	for _, d := range f.depts {
		if d.ID == id {
			return d
		}
	}
	return govdata.Department{}
}

// creditCode makes a valid unified social credit code (GB 32100) from 17
// characters.
func creditCode(first17 string) string {
	c, ok := govdata.CreditCodeCheckChar(first17)
	if !ok {
		panic("bad credit code stem " + first17)
	}
	return first17 + string(c)
}

var t0 = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)

// newFake returns a catalog of three departments and n open entries with
// Chinese names, a few of them written out, the rest generated.
func newFake(n int) *fakeCatalog {
	f := &fakeCatalog{depts: []govdata.Department{
		{ID: 1, Name: "杭州市公安局", CreditCode: creditCode("11330100002482081"), RegionCode: "330100", Level: govdata.LevelCity, CreatedAt: t0},
		{ID: 2, Name: "杭州市市场监督管理局", CreditCode: creditCode("11330100MB1A23456"), RegionCode: "330100", Level: govdata.LevelCity, CreatedAt: t0},
		{ID: 3, Name: "杭州市交通运输局", CreditCode: creditCode("11330100002489876"), RegionCode: "330100", Level: govdata.LevelCity, CreatedAt: t0},
		{ID: 4, Name: "杭州市档案馆", CreditCode: creditCode("12330100470100123"), RegionCode: "330100", Level: govdata.LevelCity, CreatedAt: t0},
	}}
	named := []struct {
		dept           int64
		name, summary  string
		format         string
		cycle          govdata.UpdateCycle
		open           govdata.OpenType
		class          govdata.Classification
		items          []string
		conditionsText string
	}{
		{1, "人口基础信息", "全市户籍人口与流动人口的基本信息", "数据库", govdata.CycleDaily, govdata.OpenConditional,
			govdata.Classification{Category: "1", Subcategory: "01", Group: "001"}, []string{"姓名", "性别", "出生日期", "户籍地址（省/市）"}, "仅限科研用途"},
		{2, "法人单位基本信息", "企业、事业单位登记信息", "电子表格", govdata.CycleMonthly, govdata.OpenUnconditional,
			govdata.Classification{Category: "1", Subcategory: "02", Group: "001"}, []string{"统一社会信用代码", "单位名称", "法定代表人"}, ""},
		{3, "公交线路与站点", "公交线路、站点及首末班时间", "接口", govdata.CycleRealtime, govdata.OpenUnconditional,
			govdata.Classification{Category: "2", Subcategory: "05", Group: "002"}, []string{"线路名称", "站点名称", "经度", "纬度"}, ""},
		{3, "引号\"与反斜杠\\的\n多行标题", "摘要含 <尖括号> 与 & 符号", "CSV", govdata.CycleYearly, govdata.OpenUnconditional,
			govdata.Classification{Category: "3", Subcategory: "30", Group: "011", Subgroup: "01"}, []string{"名称", "值"}, ""},
	}
	seq := map[int64]int64{}
	add := func(e *govdata.Entry) {
		seq[e.DepartmentID]++
		d := f.dept(e.DepartmentID)
		e.ID = int64(len(f.entries) + 1)
		e.DepartmentName, e.RegionCode, e.Level = d.Name, d.RegionCode, d.Level
		e.ResourceCode = govdata.ResourceCode(e.Classification, d.CreditCode, seq[e.DepartmentID])
		e.Status, e.Version, e.PublishedVersion = govdata.EntryPublished, 2, 2
		e.CreatedAt = t0.Add(time.Duration(e.ID) * time.Hour)
		// Updates cluster on a few instants, so sorting by time has ties.
		e.UpdatedAt = t0.AddDate(0, 1, int(e.ID%5))
		pub := e.UpdatedAt
		e.PublishedAt = &pub
		f.entries = append(f.entries, e)
	}
	for _, x := range named {
		e := &govdata.Entry{DepartmentID: x.dept}
		e.Name, e.Summary, e.Format, e.UpdateCycle, e.OpenType, e.Classification = x.name, x.summary, x.format, x.cycle, x.open, x.class
		e.OpenConditions, e.Grade, e.ShareType = x.conditionsText, govdata.GradeGeneral, govdata.ShareUnconditional
		for _, it := range x.items {
			e.Items = append(e.Items, govdata.Item{Name: it, Type: govdata.ItemChar, Sensitivity: 1})
		}
		add(e)
	}
	formats := []string{"数据库", "电子表格", "接口", "电子文件"}
	for i := len(named); i < n; i++ {
		e := &govdata.Entry{DepartmentID: int64(i%3 + 1)}
		e.Name = fmt.Sprintf("第%03d号开放数据集", i)
		e.Summary = "自动生成的测试目录"
		e.Format = formats[i%len(formats)]
		e.UpdateCycle = govdata.UpdateCycles[i%len(govdata.UpdateCycles)]
		e.OpenType, e.Grade = govdata.OpenUnconditional, govdata.GradeGeneral
		e.Classification = govdata.Classification{Category: strconv.Itoa(i%3 + 1), Subcategory: "01", Group: fmt.Sprintf("%03d", i)}
		e.Items = []govdata.Item{{Name: "编号", Type: govdata.ItemNumber, Sensitivity: 1}, {Name: fmt.Sprintf("字段%d", i%4), Type: govdata.ItemChar, Sensitivity: 1}}
		add(e)
	}
	return f
}

var errStoreDown = errors.New("sqlstore: connection refused to 10.0.0.5: password=hunter2")
