package catalogxlsx_test

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/catalogxlsx"
	"github.com/govdata/govdata/profiles"
)

// exported is a catalog as it comes from the store: every field in use.
func exported() []*govdata.Entry {
	return []*govdata.Entry{{
		ID: 41, ResourceCode: "301001/91110000MA01234567000001", DepartmentName: "市场监督管理局",
		Status: govdata.EntryPublished, Version: 3,
		EntryInput: govdata.EntryInput{
			Name: "企业登记信息", Summary: "市场主体登记的基本信息，\n含变更记录",
			Classification: govdata.Classification{Category: "3", Subcategory: "01", Group: "001", Subgroup: "0001"},
			Format:         "数据库", UpdateCycle: govdata.CycleRealtime,
			ShareType: govdata.ShareConditional, ShareConditions: "用于行政审批", ShareMethod: "接口",
			OpenType: govdata.OpenUnconditional, Grade: govdata.GradeImportant, SourceSystem: "登记系统",
			RelatedCodes: []string{"301002/91110000MA01234567000002", "201003/91110000MA01234567000003"},
			Items: []govdata.Item{
				{Name: "统一社会信用代码", Type: govdata.ItemChar, Length: 18, Description: "18 位", Sensitivity: 1, Key: true,
					Rules: &govdata.Rules{Required: true, Format: govdata.FormatCreditCode}},
				{Name: "法定代表人身份证号", Type: govdata.ItemChar, Length: 18, Sensitivity: 4, Personal: true,
					ShareType: govdata.ShareNone, Open: govdata.ItemOpenDeidentified, Rules: &govdata.Rules{Format: govdata.FormatCitizenID, Pattern: `^\d{17}[\dX]$`}},
				{Name: "注册资本", Type: govdata.ItemMoney, Length: 20, Sensitivity: 2,
					Rules: &govdata.Rules{Min: ptr(0.0), Max: ptr(1e12)}},
				{Name: "企业状态", Type: govdata.ItemChar, Sensitivity: 1, Rules: &govdata.Rules{Enum: []string{"存续", "注销", "吊销"}}},
				{Name: "所在区划", Type: govdata.ItemChar, Length: 12, Sensitivity: 1, Region: true},
				{Name: "成立日期", Type: govdata.ItemDate, Sensitivity: 1},
				{Name: "经度", Type: govdata.ItemNumber, Length: 10, Sensitivity: 2, Rules: &govdata.Rules{Min: ptr(-180.0), Max: ptr(180.5)}},
			},
		},
	}, {
		ID: 42, ResourceCode: "101002/91110000MA01234567000009", DepartmentName: "统计局",
		Status: govdata.EntryDraft, Version: 1,
		EntryInput: govdata.EntryInput{
			Name: "=人口统计", Summary: "年度人口数据",
			Classification: govdata.Classification{Category: "1", Subcategory: "02", Group: "010"},
			Format:         "电子表格", UpdateCycle: govdata.CycleYearly,
			ShareType: govdata.ShareNone, ShareBasis: "《统计法》第九条",
			OpenType: govdata.OpenConditional, OpenConditions: "研究用途", Grade: govdata.GradeGeneral,
			Items: []govdata.Item{{Name: "年份", Type: govdata.ItemNumber, Length: 4, Sensitivity: 1, ShareType: govdata.ShareNone}},
		},
	}}
}

func TestWriteRoundTrip(t *testing.T) {
	in := exported()
	var buf bytes.Buffer
	if err := catalogxlsx.Write(&buf, append(in, nil)); err != nil {
		t.Fatal(err)
	}
	got := mustParse(t, buf.Bytes(), mustProfile(t, profiles.Default))
	want := []govdata.EntryInput{in[0].EntryInput, in[1].EntryInput}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip\ngot  %+v\nwant %+v", got, want)
	}
}

// An export is edited and imported again: its read-only columns are
// ignored, and a changed cell is read.
func TestWriteThenEdit(t *testing.T) {
	var buf bytes.Buffer
	if err := catalogxlsx.Write(&buf, exported()); err != nil {
		t.Fatal(err)
	}
	b := openBook(t, buf.Bytes())
	for col, want := range map[string][]string{
		"S": {"目录ID (id)", "41", "42"},
		"T": {"资源代码 (resource_code)", "301001/91110000MA01234567000001", "101002/91110000MA01234567000009"},
		"U": {"提供部门 (department_name)", "市场监督管理局", "统计局"},
		"V": {"状态 (status)", "已发布", "草稿"},
		"W": {"版本 (version)", "3", "1"},
	} {
		for i, w := range want {
			cell := col + string(rune('1'+i))
			if got, _ := b.f.GetCellValue(entries, cell); got != w {
				t.Errorf("%s is %q, want %q", cell, got, w)
			}
		}
	}
	if got, _ := b.f.GetCellValue(entries, "J2"); got != "有条件共享" {
		t.Errorf("the share type is exported as %q, want its label", got)
	}
	b.set(entries, 3, "name", "人口统计（修订）")
	b.set(entries, 2, "version", "not a number") // read-only: ignored
	got := mustParse(t, b.bytes(), nil)
	if got[1].Name != "人口统计（修订）" {
		t.Fatalf("name %q", got[1].Name)
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := catalogxlsx.WriteCSV(&buf, exported()); err != nil {
		t.Fatal(err)
	}
	body, ok := strings.CutPrefix(buf.String(), "\ufeff")
	if !ok {
		t.Fatal("no byte-order mark")
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 3 {
		t.Fatalf("%d records, want a header and 2 entries", len(records))
	}
	header := records[0]
	column := func(h string) int {
		t.Helper()
		for i, c := range header {
			if c == h {
				return i
			}
		}
		t.Fatalf("no column %q in %v", h, header)
		return -1
	}
	if header[0] != "资源名称 (name)" {
		t.Errorf("first column %q", header[0])
	}
	for _, c := range []struct {
		header string
		row    int
		want   string
	}{
		{"资源名称 (name)", 1, "企业登记信息"},
		{"资源名称 (name)", 2, "'=人口统计"}, // never a formula in Excel
		{"资源摘要 (summary)", 1, "市场主体登记的基本信息，\n含变更记录"},
		{"项 (classification.subcategory)", 1, "01"},
		{"共享类型 (share_type)", 2, "不予共享"},
		{"关联资源代码 (related_codes)", 1, "301002/91110000MA01234567000002;201003/91110000MA01234567000003"},
		{"目录ID (id)", 2, "42"},
		{"状态 (status)", 1, "已发布"},
		{"信息项 (items)", 1, "统一社会信用代码；法定代表人身份证号；注册资本；企业状态；所在区划；成立日期；经度"},
		{"信息项 (items)", 2, "年份"},
	} {
		if got := records[c.row][column(c.header)]; got != c.want {
			t.Errorf("%s row %d: %q, want %q", c.header, c.row, got, c.want)
		}
	}
}

// CSV injection: an entry's text beginning with each character a
// spreadsheet takes for a formula is exported as text (export.Cell).
func TestWriteCSVFormulas(t *testing.T) {
	leads := []string{"=", "+", "-", "@", "\t", "\r"}
	var entries []*govdata.Entry
	for _, lead := range leads {
		e := *exported()[1]
		e.Name, e.Summary = lead+"HYPERLINK(\"http://evil.example\")", lead+"1+1"
		entries = append(entries, &e)
	}
	var buf bytes.Buffer
	if err := catalogxlsx.WriteCSV(&buf, entries); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, lead := range leads {
		name, summary := records[i+1][0], records[i+1][1]
		// With UseCRLF (for Excel) encoding/csv writes a lone CR as nothing:
		// the apostrophe is first all the same.
		lead = strings.TrimPrefix(lead, "\r")
		if name != "'"+lead+"HYPERLINK(\"http://evil.example\")" || summary != "'"+lead+"1+1" {
			t.Errorf("lead %q: name %q, summary %q", lead, name, summary)
		}
	}
}
