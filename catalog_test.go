package govdata_test

import (
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
)

func validEntry() govdata.EntryInput {
	return govdata.EntryInput{
		Name: "常住人口基本信息", Summary: "全市常住人口户籍登记信息",
		Classification: govdata.Classification{Category: "1", Subcategory: "01", Group: "001"},
		Format:         "数据库", UpdateCycle: govdata.CycleDaily, ShareType: govdata.ShareConditional, ShareConditions: "履职需要",
		OpenType: govdata.OpenNone, OpenConditions: "含个人信息", Grade: govdata.GradeImportant,
		Items: []govdata.Item{
			{Name: "公民身份号码", Type: govdata.ItemChar, Length: 18, Sensitivity: 4, Personal: true, Key: true},
			{Name: "年龄", Type: govdata.ItemNumber, Length: 3, Sensitivity: 2, Rules: &govdata.Rules{Min: ptr(0.0), Max: ptr(150.0)}},
			{Name: "区划", Type: govdata.ItemChar, Length: 6, Sensitivity: 1, Region: true},
		},
	}
}

func ptr[T any](v T) *T { return &v }

// Every rule of CAT-2 has a case that breaks it, and the error names the field.
func TestValidateEntry(t *testing.T) {
	def, err := profiles.Shipped(profiles.Default)
	if err != nil {
		t.Fatal(err)
	}
	if err := govdata.ValidateEntry(validEntry(), def); err != nil {
		t.Fatalf("valid entry: %v", err)
	}
	for _, tc := range []struct {
		name, field string
		change      func(*govdata.EntryInput)
	}{
		{"no name", "name", func(e *govdata.EntryInput) { e.Name = "　 " }},
		{"long name", "name", func(e *govdata.EntryInput) { e.Name = strings.Repeat("名", 201) }},
		{"no summary", "summary", func(e *govdata.EntryInput) { e.Summary = "" }},
		{"category", "classification.category", func(e *govdata.EntryInput) { e.Classification.Category = "4" }},
		{"subcategory", "classification.subcategory", func(e *govdata.EntryInput) { e.Classification.Subcategory = "1" }},
		{"group", "classification.group", func(e *govdata.EntryInput) { e.Classification.Group = "0a1" }},
		{"subgroup", "classification.subgroup", func(e *govdata.EntryInput) { e.Classification.Subgroup = "1234567" }},
		{"no format", "format", func(e *govdata.EntryInput) { e.Format = "" }},
		{"update cycle", "update_cycle", func(e *govdata.EntryInput) { e.UpdateCycle = "hourly" }},
		{"share type", "share_type", func(e *govdata.EntryInput) { e.ShareType = "public" }},
		{"open type", "open_type", func(e *govdata.EntryInput) { e.OpenType = "" }},
		{"grade", "grade", func(e *govdata.EntryInput) { e.Grade = "secret" }},
		{"conditional without conditions", "share_conditions", func(e *govdata.EntryInput) { e.ShareConditions = " " }},
		{"not shared without basis", "share_basis", func(e *govdata.EntryInput) { e.ShareType = govdata.ShareNone }},
		{"conditional open without conditions", "open_conditions", func(e *govdata.EntryInput) { e.OpenType, e.OpenConditions = govdata.OpenConditional, "" }},
		{"not open without a reason (HLJ-33)", "open_conditions", func(e *govdata.EntryInput) { e.OpenConditions = "" }},
		{"bad item open mode", "items[1].open", func(e *govdata.EntryInput) { e.Items[1].Open = "masked" }},
		{"sensitivity 3 opened as stored (ZJ-21)", "items[1].open", func(e *govdata.EntryInput) {
			e.OpenType, e.Items[0].Open, e.Items[1].Sensitivity = govdata.OpenConditional, govdata.ItemOpenExcluded, 3
		}},
		{"related code", "related_codes[0]", func(e *govdata.EntryInput) { e.RelatedCodes = []string{"abc"} }},
		{"no items", "items", func(e *govdata.EntryInput) { e.Items = nil }},
		{"item name", "items[1].name", func(e *govdata.EntryInput) { e.Items[1].Name = "" }},
		{"duplicate item", "items[2].name", func(e *govdata.EntryInput) { e.Items[2].Name = " 公民身份号码" }},
		{"item type", "items[0].type", func(e *govdata.EntryInput) { e.Items[0].Type = "X" }},
		{"item length", "items[0].length", func(e *govdata.EntryInput) { e.Items[0].Length = -1 }},
		{"sensitivity 0", "items[0].sensitivity", func(e *govdata.EntryInput) { e.Items[0].Sensitivity = 0 }},
		{"sensitivity 5", "items[0].sensitivity", func(e *govdata.EntryInput) { e.Items[0].Sensitivity = 5 }},
		{"item share type", "items[0].share_type", func(e *govdata.EntryInput) { e.Items[0].ShareType = "x" }},
		{"item shared more freely", "items[0].share_type", func(e *govdata.EntryInput) { e.Items[0].ShareType = govdata.ShareUnconditional }},
		{"two region items", "items[2].region", func(e *govdata.EntryInput) { e.Items[0].Region = true }},
		{"personal opened as stored (HLJ-33(一))", "items[0].open", func(e *govdata.EntryInput) { e.OpenType = govdata.OpenUnconditional }},
		{"bad pattern", "items[0].rules.pattern", func(e *govdata.EntryInput) { e.Items[0].Rules = &govdata.Rules{Pattern: "([0-9"} }},
		{"repeated enum", "items[0].rules.enum", func(e *govdata.EntryInput) { e.Items[0].Rules = &govdata.Rules{Enum: []string{"男", "女", "男"}} }},
		{"range on text", "items[0].rules.min", func(e *govdata.EntryInput) { e.Items[0].Rules = &govdata.Rules{Min: ptr(1.0)} }},
		{"min above max", "items[1].rules.max", func(e *govdata.EntryInput) { e.Items[1].Rules = &govdata.Rules{Min: ptr(5.0), Max: ptr(1.0)} }},
		{"unknown format", "items[0].rules.format", func(e *govdata.EntryInput) { e.Items[0].Rules = &govdata.Rules{Format: "ssn"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validEntry()
			in.Items = append([]govdata.Item(nil), in.Items...)
			tc.change(&in)
			err := govdata.ValidateEntry(in, def)
			e, ok := err.(*govdata.Error)
			if !ok || e.Code != govdata.EINVALID {
				t.Fatalf("%v, want invalid", err)
			}
			if _, ok := e.Fields[tc.field]; !ok {
				t.Fatalf("fields %v, want %s", e.Fields, tc.field)
			}
		})
	}
	// De-identified personal data may be opened; HLJ-21: a conditional entry
	// without conditions counts as unconditional under Heilongjiang's rules.
	in := validEntry()
	in.OpenType = govdata.OpenUnconditional
	for i := range in.Items {
		if in.Items[i].MustGuard() {
			in.Items[i].Open = govdata.ItemOpenDeidentified
		}
	}
	if err := govdata.ValidateEntry(in, def); err != nil {
		t.Errorf("de-identified open entry: %v", err)
	}
	hlj, _ := profiles.Shipped("heilongjiang-2025")
	in = validEntry()
	in.ShareConditions = ""
	if err := govdata.ValidateEntry(in, hlj); err != nil {
		t.Errorf("HLJ-21 conditional without conditions: %v", err)
	}
	if got := in.Effective(hlj).ShareType; got != govdata.ShareUnconditional {
		t.Errorf("HLJ-21: counts as %s", got)
	}
	if got := in.Effective(def).ShareType; got != govdata.ShareConditional {
		t.Errorf("default profile: counts as %s", got)
	}
}

func TestResourceCode(t *testing.T) {
	code := govdata.ResourceCode(govdata.Classification{Category: "3", Subcategory: "01", Group: "001", Subgroup: "02"}, "11230100MB0000001X", 7)
	if code != "30100102/11230100MB0000001X000007" || !govdata.ValidResourceCode(code) {
		t.Fatalf("code %s", code)
	}
	for _, bad := range []string{"", "4010010/11230100MB0000001X000001", "301001/11230100MB0000001X00001", "301001/11230100MB0000001I000001"} {
		if govdata.ValidResourceCode(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
