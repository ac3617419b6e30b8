package govdata_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
)

func day(y, m, d int) *govdata.Date {
	return &govdata.Date{Year: y, Month: time.Month(m), Day: d}
}

func rows(n int64) *int64 { return &n }

// goodUsage is a valid record of each kind, for a grant from 2026-03-02.
func goodUsage() map[govdata.UsageKind]govdata.UsageInput {
	return map[govdata.UsageKind]govdata.UsageInput{
		govdata.UsageUse: {Kind: govdata.UsageUse, Scenario: "社保待遇资格认证", Outcome: "核验 1,200 名参保人身份，发现 3 例冒领",
			UsedOn: day(2026, 3, 10), Rows: rows(1200)},
		govdata.UsageStorage: {Kind: govdata.UsageStorage, Location: "市政务云 社保核验库", Protection: "SM4 加密，按岗位授权访问，不做备份",
			StoredFrom: day(2026, 3, 2)},
		govdata.UsageDestruction: {Kind: govdata.UsageDestruction, DestroyedData: "核验库中该授权的全部数据及导出文件", Method: "数据库删除并覆写",
			DestroyedBy: "张三", Witness: "李四", DestroyedOn: day(2026, 4, 1), Rows: rows(0)},
	}
}

func TestValidateUsage(t *testing.T) {
	from, today := govdata.Date{Year: 2026, Month: 3, Day: 2}, govdata.Date{Year: 2026, Month: 4, Day: 1}
	for k, in := range goodUsage() {
		if err := govdata.ValidateUsage(in, from, today); err != nil {
			t.Errorf("a good %s record: %v", k, err)
		}
	}
	long := strings.Repeat("长", 2001)
	for _, c := range []struct {
		name  string
		kind  govdata.UsageKind
		field string
		edit  func(*govdata.UsageInput)
	}{
		{"unknown kind", govdata.UsageUse, "kind", func(u *govdata.UsageInput) { u.Kind = "share" }},
		{"no kind", govdata.UsageUse, "kind", func(u *govdata.UsageInput) { u.Kind = "" }},
		{"no scenario", govdata.UsageUse, "scenario", func(u *govdata.UsageInput) { u.Scenario = " \u200b" }},
		{"no outcome", govdata.UsageUse, "outcome", func(u *govdata.UsageInput) { u.Outcome = "" }},
		{"long outcome", govdata.UsageUse, "outcome", func(u *govdata.UsageInput) { u.Outcome = long }},
		{"long process", govdata.UsageUse, "process", func(u *govdata.UsageInput) { u.Process = long }},
		{"no day", govdata.UsageUse, "used_on", func(u *govdata.UsageInput) { u.UsedOn = nil }},
		{"zero day", govdata.UsageUse, "used_on", func(u *govdata.UsageInput) { u.UsedOn = &govdata.Date{} }},
		{"tomorrow", govdata.UsageUse, "used_on", func(u *govdata.UsageInput) { u.UsedOn = day(2026, 4, 2) }},
		{"before the grant", govdata.UsageUse, "used_on", func(u *govdata.UsageInput) { u.UsedOn = day(2026, 3, 1) }},
		{"another kind's text", govdata.UsageUse, "location", func(u *govdata.UsageInput) { u.Location = "机房" }},
		{"another kind's day", govdata.UsageUse, "destroyed_on", func(u *govdata.UsageInput) { u.DestroyedOn = day(2026, 3, 20) }},
		{"negative rows", govdata.UsageUse, "rows", func(u *govdata.UsageInput) { u.Rows = rows(-1) }},
		{"no location", govdata.UsageStorage, "location", func(u *govdata.UsageInput) { u.Location = "" }},
		{"no protection", govdata.UsageStorage, "protection", func(u *govdata.UsageInput) { u.Protection = "" }},
		{"no stored_from", govdata.UsageStorage, "stored_from", func(u *govdata.UsageInput) { u.StoredFrom = nil }},
		{"storage with a scenario", govdata.UsageStorage, "scenario", func(u *govdata.UsageInput) { u.Scenario = "统计" }},
		{"no destroyed data", govdata.UsageDestruction, "destroyed_data", func(u *govdata.UsageInput) { u.DestroyedData = "" }},
		{"no method", govdata.UsageDestruction, "method", func(u *govdata.UsageInput) { u.Method = "" }},
		{"no destroyer", govdata.UsageDestruction, "destroyed_by", func(u *govdata.UsageInput) { u.DestroyedBy = "" }},
		{"long destroyer", govdata.UsageDestruction, "destroyed_by", func(u *govdata.UsageInput) { u.DestroyedBy = strings.Repeat("名", 101) }},
		{"long witness", govdata.UsageDestruction, "witness", func(u *govdata.UsageInput) { u.Witness = strings.Repeat("名", 101) }},
		{"no destroyed_on", govdata.UsageDestruction, "destroyed_on", func(u *govdata.UsageInput) { u.DestroyedOn = nil }},
		{"destruction with used_on", govdata.UsageDestruction, "used_on", func(u *govdata.UsageInput) { u.UsedOn = day(2026, 3, 20) }},
		{"correction without reason", govdata.UsageUse, "correction_reason", func(u *govdata.UsageInput) { u.Corrects = 4 }},
		{"reason without correction", govdata.UsageUse, "correction_reason", func(u *govdata.UsageInput) { u.CorrectionReason = "笔误" }},
		{"long reason", govdata.UsageUse, "correction_reason", func(u *govdata.UsageInput) { u.Corrects, u.CorrectionReason = 4, long }},
		{"negative corrects", govdata.UsageUse, "corrects", func(u *govdata.UsageInput) { u.Corrects = -1 }},
	} {
		in := goodUsage()[c.kind]
		c.edit(&in)
		err := govdata.ValidateUsage(in, from, today)
		var ge *govdata.Error
		if !errors.As(err, &ge) || ge.Code != govdata.EINVALID || ge.Fields[c.field].Msg.ZH == "" || ge.Fields[c.field].Text("en") == "" {
			t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
		}
	}
	// The boundaries: the grant's first day and today are allowed; a
	// correction with its reason is.
	in := goodUsage()[govdata.UsageUse]
	in.UsedOn, in.Corrects, in.CorrectionReason = &from, 9, "日期填错"
	if err := govdata.ValidateUsage(in, from, today); err != nil {
		t.Errorf("on the first day, a correction: %v", err)
	}
	in.UsedOn = &today
	if err := govdata.ValidateUsage(in, from, today); err != nil {
		t.Errorf("today: %v", err)
	}
}
