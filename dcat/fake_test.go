package dcat

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// fakeCatalog is an open catalog in memory, as the store is documented to
// behave for what the feed asks: DepartmentID, the "updated" sort (newest
// first, ties by id), Limit capped at govdata.MaxLimit, Offset up to
// 10,000, and Total.
type fakeCatalog struct {
	depts   []govdata.Department
	entries []*govdata.Entry
	err     error
}

func (f *fakeCatalog) FindOpenEntries(_ context.Context, flt govdata.EntryFilter) (govdata.EntryList, error) {
	if f.err != nil {
		return govdata.EntryList{}, f.err
	}
	if flt.Offset > 10_000 {
		return govdata.EntryList{}, govdata.Errorf(govdata.EINVALID, govdata.Msg{ZH: "翻页过深", EN: "search too deep"})
	}
	var found []*govdata.Entry
	for _, e := range f.entries {
		if flt.DepartmentID == 0 || e.DepartmentID == flt.DepartmentID {
			found = append(found, e)
		}
	}
	slices.SortFunc(found, func(a, b *govdata.Entry) int {
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(b.ID, a.ID))
	})
	from := min(flt.Offset, len(found))
	to := min(from+flt.Page.Normalize().Limit, len(found))
	return govdata.EntryList{Items: found[from:to], Total: len(found)}, nil
}

func (f *fakeCatalog) FindOpenEntry(_ context.Context, id int64) (*govdata.Entry, error) {
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

func creditCode(first17 string) string {
	c, ok := govdata.CreditCodeCheckChar(first17)
	if !ok {
		panic("bad credit code stem " + first17)
	}
	return first17 + string(c)
}

var t0 = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)

// trickyTitle has what Turtle must escape: a quote, a backslash, a line end.
const trickyTitle = "引号\"与反斜杠\\的\n多行标题\t制表"

// newFake returns a catalog of two departments and n open entries (n ≥ 4):
// three written out — one conditional, one with a tricky title, one CSV —
// and the rest generated.
func newFake(n int) *fakeCatalog {
	f := &fakeCatalog{depts: []govdata.Department{
		{ID: 1, Name: "杭州市公安局", CreditCode: creditCode("11330100002482081"), RegionCode: "330100", Level: govdata.LevelCity},
		{ID: 2, Name: "杭州市交通运输局", CreditCode: creditCode("11330100002489876"), RegionCode: "330100", Level: govdata.LevelCity},
	}}
	add := func(dept int64, name, summary, format string, cycle govdata.UpdateCycle, open govdata.OpenType, conditions string, class govdata.Classification, items ...string) {
		d := f.depts[dept-1]
		e := &govdata.Entry{ID: int64(len(f.entries) + 1), DepartmentID: dept, DepartmentName: d.Name, RegionCode: d.RegionCode}
		e.Name, e.Summary, e.Format, e.UpdateCycle, e.OpenType, e.OpenConditions = name, summary, format, cycle, open, conditions
		e.Classification, e.Grade, e.ShareType = class, govdata.GradeGeneral, govdata.ShareUnconditional
		for _, it := range items {
			e.Items = append(e.Items, govdata.Item{Name: it, Type: govdata.ItemChar, Sensitivity: 1})
		}
		e.ResourceCode = govdata.ResourceCode(class, d.CreditCode, e.ID)
		e.Status, e.Version, e.PublishedVersion = govdata.EntryPublished, 3, 3
		e.CreatedAt = t0.Add(time.Duration(e.ID) * time.Hour)
		e.UpdatedAt = t0.AddDate(0, 1, int(e.ID%7))
		pub := e.UpdatedAt.Add(-time.Minute)
		e.PublishedAt = &pub
		f.entries = append(f.entries, e)
	}
	add(1, "人口基础信息", "全市户籍人口与流动人口的基本信息", "数据库", govdata.CycleDaily, govdata.OpenConditional, "仅限科研用途，不得再分发",
		govdata.Classification{Category: "1", Subcategory: "01", Group: "001"}, "姓名", "性别", "出生日期")
	add(2, trickyTitle, "摘要含 <尖括号> 与 & 符号，以及 'a' 和 \"b\"", "CSV", govdata.CycleHalfYearly, govdata.OpenUnconditional, "",
		govdata.Classification{Category: "3", Subcategory: "30", Group: "011", Subgroup: "01"}, "名称", "值")
	add(2, "公交线路与站点", "公交线路、站点及首末班时间", "接口", govdata.CycleRealtime, govdata.OpenUnconditional, "",
		govdata.Classification{Category: "2", Subcategory: "05", Group: "002"}, "线路名称", "站点名称")
	for i := len(f.entries); i < n; i++ {
		add(int64(i%2+1), fmt.Sprintf("第%03d号开放数据集", i), "自动生成的测试目录", "电子表格",
			govdata.UpdateCycles[i%len(govdata.UpdateCycles)], govdata.OpenUnconditional, "",
			govdata.Classification{Category: "1", Subcategory: "02", Group: fmt.Sprintf("%03d", i%1000)}, "编号")
	}
	return f
}
