package catalogxlsx_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/catalogxlsx"
	"github.com/govdata/govdata/profiles"
)

const (
	entries = catalogxlsx.SheetEntries
	items   = catalogxlsx.SheetItems
)

func TestParseValid(t *testing.T) {
	p := mustProfile(t, profiles.Default)
	base := govdata.EntryInput{
		Name: "企业登记信息", Summary: "市场主体登记的基本信息",
		Classification: govdata.Classification{Category: "3", Subcategory: "01", Group: "001"},
		Format:         "数据库", UpdateCycle: govdata.CycleDaily,
		ShareType: govdata.ShareConditional, ShareConditions: "用于行政审批", ShareMethod: "接口",
		OpenType: govdata.OpenNone, OpenConditions: "涉及商业秘密", Grade: govdata.GradeGeneral, SourceSystem: "登记系统",
	}
	item := func(name string) govdata.Item {
		return govdata.Item{Name: name, Type: govdata.ItemChar, Length: 18, Sensitivity: 1}
	}
	tests := []struct {
		name    string
		profile string
		fill    func(b *book)
		want    func() []govdata.EntryInput
	}{{
		name: "the valid book",
		fill: func(b *book) {},
		want: func() []govdata.EntryInput {
			first, second := base, base
			second.Name = "企业年报信息"
			first.Items = []govdata.Item{item("统一社会信用代码"), item("企业名称")}
			second.Items = []govdata.Item{item("统一社会信用代码"), item("年报年度")}
			return []govdata.EntryInput{first, second}
		},
	}, {
		name: "English codes, other yes/no spellings, full-width spaces and digits, both separators",
		fill: func(b *book) {
			b.row(entries, 2, map[string]any{
				"name": "　企业登记信息 ", "update_cycle": "daily", "share_type": "CONDITIONAL", "open_type": "not_open",
				"grade": "general", "classification.subcategory": "０１", "classification.subgroup": "0001",
				"related_codes": "301001/91110000MA01234567000001；301002/91110000MA01234567000002;",
			})
			b.row(entries, 3, map[string]any{"update_cycle": "每季", "grade": "重要数据", "share_type": "unconditional",
				"share_conditions": "", "open_type": "有条件开放", "open_conditions": "注册用户"})
			b.row(items, 2, map[string]any{"personal": "TRUE", "key": "1", "region": "false", "type": "字符型", "open": "脱敏"})
			b.row(items, 3, map[string]any{"personal": true, "key": "No", "type": "c", "length": "20"})
			b.row(items, 4, map[string]any{"type": "n", "length": 4.0, "share_type": "不予共享",
				"rules.required": "是", "rules.min": 0, "rules.max": "1,000.5", "rules.enum": "1；2; 3"})
			b.row(items, 5, map[string]any{"rules.format": "date", "rules.pattern": `^\d{4}$`})
		},
		want: func() []govdata.EntryInput {
			first, second := base, base
			first.Classification.Subgroup = "0001"
			first.RelatedCodes = []string{"301001/91110000MA01234567000001", "301002/91110000MA01234567000002"}
			a, b := item("统一社会信用代码"), item("企业名称")
			a.Personal, a.Key, a.Open = true, true, govdata.ItemOpenDeidentified
			b.Personal, b.Length = true, 20
			first.Items = []govdata.Item{a, b}
			second.Name = "企业年报信息"
			second.UpdateCycle, second.Grade = govdata.CycleQuarterly, govdata.GradeImportant
			second.ShareType, second.ShareConditions = govdata.ShareUnconditional, ""
			second.OpenType, second.OpenConditions = govdata.OpenConditional, "注册用户"
			c, d := item("统一社会信用代码"), item("年报年度")
			c.Type, c.Length, c.ShareType = govdata.ItemNumber, 4, govdata.ShareNone
			c.Rules = &govdata.Rules{Required: true, Min: ptr(0.0), Max: ptr(1000.5), Enum: []string{"1", "2", "3"}}
			d.Rules = &govdata.Rules{Format: govdata.FormatDate, Pattern: `^\d{4}$`}
			second.Items = []govdata.Item{c, d}
			return []govdata.EntryInput{first, second}
		},
	}, {
		name: "empty rows are skipped and items may come in any order",
		fill: func(b *book) {
			// Move entry 2 down past empty rows, and interleave the items.
			for _, key := range []string{"key", "name", "summary", "classification.category", "classification.subcategory",
				"classification.group", "format", "update_cycle", "share_type", "share_conditions", "share_method",
				"open_type", "open_conditions", "grade", "source_system"} {
				v, _ := b.f.GetCellValue(entries, b.col(entries, key)+"3")
				b.set(entries, 3, key, "")
				b.set(entries, 7, key, v)
			}
			b.set(entries, 4, "name", "　 ") // blank only
			b.row(items, 3, validItem("2", "统一社会信用代码"))
			b.row(items, 4, validItem("1", "企业名称"))
		},
		want: func() []govdata.EntryInput {
			first, second := base, base
			second.Name = "企业年报信息"
			first.Items = []govdata.Item{item("统一社会信用代码"), item("企业名称")}
			second.Items = []govdata.Item{item("统一社会信用代码"), item("年报年度")}
			return []govdata.EntryInput{first, second}
		},
	}, {
		name:    "a profile's own labels (ZJ-13: 受限共享)",
		profile: "zhejiang-finance-2024",
		fill: func(b *book) {
			b.set(entries, 2, "share_type", "受限共享")
			b.set(entries, 3, "open_type", "禁止开放")
		},
		want: func() []govdata.EntryInput {
			first, second := base, base
			second.Name = "企业年报信息"
			first.Items = []govdata.Item{item("统一社会信用代码"), item("企业名称")}
			second.Items = []govdata.Item{item("统一社会信用代码"), item("年报年度")}
			return []govdata.EntryInput{first, second}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prof := p
			if tt.profile != "" {
				prof = mustProfile(t, tt.profile)
			}
			b := validBook(t)
			tt.fill(b)
			got := mustParse(t, b.bytes(), prof)
			if want := tt.want(); !reflect.DeepEqual(got, want) {
				t.Fatalf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// A header matches in the template's form, with other brackets or
// spacing, or by either half alone.
func TestParseHeaderVariants(t *testing.T) {
	for _, header := range []string{"资源名称（name）", " 资源名称(name) ", "资源名称", "NAME"} {
		b := validBook(t)
		if err := b.f.SetCellValue(entries, "B1", header); err != nil {
			t.Fatal(err)
		}
		if got := mustParse(t, b.bytes(), nil); len(got) != 2 {
			t.Fatalf("%q: %d entries", header, len(got))
		}
	}
}

// Each bad value is reported on its cell, with the column's key and a
// message that says what to do.
func TestParseCellErrors(t *testing.T) {
	p := mustProfile(t, profiles.Default)
	type cell struct {
		sheet  string
		row    int
		key    string // the column
		field  string // CellError.Field when it is not the column's key
		saying string // part of the Chinese message
	}
	tests := []struct {
		name string
		fill func(b *book)
		want []cell
	}{
		{"an item of an unknown entry", func(b *book) { b.set(items, 5, "entry_key", "9") },
			[]cell{{items, 5, "entry_key", "", "没有序号为“9”"}}},
		{"an entry without items", func(b *book) {
			b.set(items, 4, "entry_key", "1")
			b.set(items, 5, "entry_key", "1")
		}, []cell{{entries, 3, "key", "items", "没有信息项"}, {items, 4, "name", "", "与第 2 行重复"}}},
		{"a repeated key", func(b *book) { b.set(entries, 3, "key", "1") },
			[]cell{{entries, 3, "key", "", "与第 2 行重复"}, {items, 4, "entry_key", "", "没有序号为“2”"}, {items, 5, "entry_key", "", "没有序号为“2”"}}},
		{"a missing key", func(b *book) { b.set(entries, 2, "key", "") },
			[]cell{{entries, 2, "key", "", "必填"}, {items, 2, "entry_key", "", "没有序号"}, {items, 3, "entry_key", "", "没有序号"}}},
		{"text in number columns", func(b *book) {
			b.set(items, 2, "length", "十八")
			b.set(items, 3, "sensitivity", "2.5")
			b.set(items, 4, "rules.min", "abc")
		}, []cell{{items, 2, "length", "", "整数"}, {items, 3, "sensitivity", "", "整数"}, {items, 4, "rules.min", "", "数字"}}},
		{"unknown choices", func(b *book) {
			b.set(entries, 2, "update_cycle", "每日一次")
			b.set(entries, 3, "grade", "很重要")
			b.set(items, 2, "type", "X")
			b.set(items, 3, "personal", "也许")
			b.set(items, 4, "rules.format", "身份证")
		}, []cell{{entries, 2, "update_cycle", "", "实时、每日"}, {entries, 3, "grade", "", "核心、重要、一般"},
			{items, 2, "type", "", "C 字符型"}, {items, 3, "personal", "", "是”或“否"}, {items, 4, "rules.format", "", "公民身份号码"}}},
		{"blank required cells", func(b *book) {
			b.set(entries, 2, "name", "")
			b.set(entries, 2, "share_type", "")
			b.set(items, 3, "sensitivity", "")
			b.set(items, 3, "type", "")
		}, []cell{{entries, 2, "name", "", "必填"}, {entries, 2, "share_type", "", "必填"},
			{items, 3, "type", "", "必填"}, {items, 3, "sensitivity", "", "必填"}}},
		{"the classification", func(b *book) {
			b.set(entries, 2, "classification.category", "4")
			b.set(entries, 2, "classification.group", 1) // a number: the zeros are gone
			b.set(entries, 3, "classification.subgroup", "1234567")
		}, []cell{{entries, 2, "classification.category", "", "基础"}, {entries, 2, "classification.group", "", "3 位数字"},
			{entries, 3, "classification.subgroup", "", "1 到 6 位"}}},
		{"conditions and basis", func(b *book) {
			b.set(entries, 2, "share_conditions", "")
			b.set(entries, 3, "share_type", "不予共享")
			b.set(entries, 3, "open_type", "有条件开放")
			b.set(entries, 3, "open_conditions", "")
		}, []cell{{entries, 2, "share_conditions", "", "写明条件"}, {entries, 3, "share_basis", "", "依据"},
			{entries, 3, "open_conditions", "", "写明条件"}}},
		{"a related code", func(b *book) { b.set(entries, 2, "related_codes", "301001/91110000MA01234567000001；12345") },
			[]cell{{entries, 2, "related_codes", "", "第 2 个值"}}},
		{"item rules", func(b *book) {
			b.set(items, 2, "rules.min", 1)           // on a character item
			b.set(items, 3, "rules.max", 9)           // only max, on a character item
			b.set(items, 4, "rules.pattern", "([a-z") // not a regular expression
			b.row(items, 5, map[string]any{"type": "N", "rules.min": 5, "rules.max": 1, "rules.enum": "a；a"})
		}, []cell{{items, 2, "rules.min", "", "数值型"}, {items, 3, "rules.max", "", "数值型"},
			{items, 4, "rules.pattern", "", "正则表达式"}, {items, 5, "rules.enum", "", "重复"}, {items, 5, "rules.max", "", "不能小于"}}},
		{"items against their entry", func(b *book) {
			b.set(items, 2, "share_type", "无条件共享") // looser than the entry's conditional
			b.set(items, 3, "name", "统一社会信用代码")    // repeats item 1
			b.set(items, 4, "region", "是")
			b.set(items, 5, "region", "是")
			b.set(items, 5, "sensitivity", 5)
		}, []cell{{items, 2, "share_type", "", "更宽松"}, {items, 3, "name", "", "与第 2 行重复"},
			{items, 5, "sensitivity", "", "1 到 4"}, {items, 5, "region", "", "行政区划"}}},
		{"personal data opened unconditionally", func(b *book) {
			b.set(entries, 2, "open_type", "无条件开放")
			b.row(items, 2, map[string]any{"personal": "是", "sensitivity": 3})
		}, []cell{{items, 2, "open", "", "须脱敏"}}},
		{"too long", func(b *book) { b.set(entries, 3, "name", strings.Repeat("名", 201)) },
			[]cell{{entries, 3, "name", "", "200"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := validBook(t)
			tt.fill(b)
			_, err := parse(b.bytes(), p)
			if err == nil {
				t.Fatal("Parse accepted the file")
			}
			e, got := refusal(t, err)
			if !strings.Contains(e.Message.Text("zh"), "均未导入") {
				t.Errorf("message %q", e.Message.Text("zh"))
			}
			if len(got) != len(tt.want) {
				t.Errorf("%d errors, want %d: %+v", len(got), len(tt.want), got)
			}
			for _, w := range tt.want {
				field := w.field
				if field == "" {
					field = w.key
				}
				want := catalogxlsx.CellError{Sheet: w.sheet, Row: w.row, Column: b.col(w.sheet, w.key), Field: field}
				found := false
				for _, g := range got {
					if g.Sheet == want.Sheet && g.Row == want.Row && g.Column == want.Column && g.Field == want.Field {
						found = true
						if !strings.Contains(g.Message, w.saying) {
							t.Errorf("%s %s%d: message %q, want it to say %q", g.Sheet, g.Column, g.Row, g.Message, w.saying)
						}
					}
				}
				if !found {
					t.Errorf("no error at %s %s%d (%s); got %+v", want.Sheet, want.Column, want.Row, want.Field, got)
				}
			}
		})
	}
}

// Errors are listed in sheet, row and column order, at most
// MaxCellErrors of them.
func TestParseCapsErrors(t *testing.T) {
	b := newBook(t)
	for row := 2; row <= 300; row++ {
		b.set(entries, row, "key", row)
		b.set(entries, row, "grade", "很重要") // and everything else missing
	}
	_, err := parse(b.bytes(), nil)
	e, got := refusal(t, err)
	if len(got) != catalogxlsx.MaxCellErrors {
		t.Fatalf("%d errors, want %d", len(got), catalogxlsx.MaxCellErrors)
	}
	if !strings.Contains(e.Message.Text("zh"), "前 200 处") {
		t.Errorf("message %q", e.Message.Text("zh"))
	}
	for i := 1; i < len(got); i++ {
		a, c := got[i-1], got[i]
		if a.Sheet == c.Sheet && (a.Row > c.Row || a.Row == c.Row && len(a.Column) == len(c.Column) && a.Column > c.Column) {
			t.Fatalf("out of order: %+v before %+v", a, c)
		}
	}
}

// The refusal's details are what the HTTP layer sends: a list of cells,
// each with the same six keys.
func TestCellErrorJSON(t *testing.T) {
	b := validBook(t)
	b.set(entries, 3, "classification.group", "01")
	_, err := parse(b.bytes(), nil)
	e, _ := refusal(t, err)
	got, err := json.Marshal(e.Details)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"errors":[{"sheet":"资源","row":3,"column":"F","field":"classification.group",` +
		`"message":"应为 3 位数字","message_en":"must be 3 digits"}]}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
