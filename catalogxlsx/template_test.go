package catalogxlsx_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata/catalogxlsx"
)

func TestTemplateLayout(t *testing.T) {
	b := newBook(t)
	if got, want := b.f.GetSheetList(), []string{catalogxlsx.SheetInstructions, entries, items}; !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	for _, h := range []struct{ sheet, cell, want string }{
		{entries, "A1", "序号 (key)"},
		{entries, "B1", "资源名称 (name)"},
		{entries, "F1", "目 (classification.group)"},
		{entries, "R1", "关联资源代码 (related_codes)"},
		{items, "A1", "资源序号 (entry_key)"},
		{items, "H1", "开放方式 (open)"},
		{items, "Q1", "标准格式 (rules.format)"},
	} {
		if got, _ := b.f.GetCellValue(h.sheet, h.cell); got != h.want {
			t.Errorf("%s %s is %q, want %q", h.sheet, h.cell, got, h.want)
		}
	}
	if got, _ := b.f.GetCellValue(entries, "S1"); got != "" {
		t.Errorf("the template has a column after the last: %q", got)
	}
}

// The code columns are text, so that "01" stays "01" when typed; number
// columns are not.
func TestTemplateTextColumns(t *testing.T) {
	b := newBook(t)
	for _, c := range []struct {
		sheet, key string
		text       bool
	}{
		{entries, "key", true},
		{entries, "classification.category", true},
		{entries, "classification.subcategory", true},
		{entries, "classification.group", true},
		{entries, "classification.subgroup", true},
		{entries, "related_codes", true},
		{items, "entry_key", true},
		{items, "length", false},
		{items, "sensitivity", false},
		{items, "rules.min", false},
	} {
		id, err := b.f.GetColStyle(c.sheet, b.col(c.sheet, c.key))
		if err != nil {
			t.Fatal(err)
		}
		style, err := b.f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := style.NumFmt == 49; got != c.text {
			t.Errorf("%s %s: text format %v, want %v", c.sheet, c.key, got, c.text)
		}
	}
}

// Enumerated columns offer their values in a drop-down over every row the
// limits allow.
func TestTemplateDropDowns(t *testing.T) {
	b := newBook(t)
	want := map[string]map[string]string{
		entries: {
			"update_cycle": `"实时,每日,每周,每月,每季度,每半年,每年,其他"`,
			"share_type":   `"无条件共享,有条件共享,不予共享"`,
			"open_type":    `"无条件开放,有条件开放,不予开放"`,
			"grade":        `"核心,重要,一般"`,
		},
		items: {
			"type":           `"C,N,Y,D,T,L,M,B"`,
			"sensitivity":    `"1,2,3,4"`,
			"open":           `"脱敏开放,不予开放"`,
			"personal":       `"是,否"`,
			"share_type":     `"无条件共享,有条件共享,不予共享"`,
			"key":            `"是,否"`,
			"region":         `"是,否"`,
			"rules.required": `"是,否"`,
			"rules.format":   `"公民身份号码,统一社会信用代码,电话号码,日期,电子邮箱,行政区划代码"`,
		},
	}
	last := map[string]string{entries: "5001", items: "50001"}
	for sheet, lists := range want {
		dvs, err := b.f.GetDataValidations(sheet)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, dv := range dvs {
			if dv.Type == "list" {
				got[dv.Sqref] = dv.Formula1
			}
		}
		for key, list := range lists {
			col := b.col(sheet, key)
			sqref := col + "2:" + col + last[sheet]
			if got[sqref] != list {
				t.Errorf("%s %s (%s): drop-down %q, want %q", sheet, key, sqref, got[sqref], list)
			}
		}
	}
}

func TestTemplateInstructions(t *testing.T) {
	b := newBook(t)
	rows, err := b.f.GetRows(catalogxlsx.SheetInstructions)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, "\t") + "\n")
	}
	s := text.String()
	zh, en := strings.Index(s, "填写须知"), strings.Index(s, "How to fill it in")
	if zh < 0 || en < 0 || zh > en {
		t.Fatalf("want the Chinese instructions, then the English:\n%s", s)
	}
	for _, want := range []string{"全部导入或全部不导入", "5,000", "50,000", "“;”或“；”", "资源名称 (name)",
		"imported whole or not at all", "yes/no, true/false and 1/0", "无条件共享、有条件共享、不予共享", "C 字符型"} {
		if !strings.Contains(s, want) {
			t.Errorf("the instructions do not say %q", want)
		}
	}
}

// An empty template is refused as having no entries, not as a wrong file.
func TestTemplateParsesAsEmpty(t *testing.T) {
	tmpl, err := catalogxlsx.Template()
	if err != nil {
		t.Fatal(err)
	}
	_, err = parse(tmpl, nil)
	e, _ := refusal(t, err)
	if !strings.Contains(e.Message.Text("zh"), "没有可导入的资源") {
		t.Fatalf("message %q", e.Message.Text("zh"))
	}
}
