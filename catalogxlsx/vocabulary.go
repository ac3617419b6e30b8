package catalogxlsx

import (
	"strings"

	"github.com/govdata/govdata"
)

// A vocabulary is the values an enumerated column takes: each JSON code
// with the Chinese labels a clerk may write instead. The first label is
// the one the template's drop-down offers and the export writes.
type vocabulary struct {
	choices []choice
	// showCodes: the drop-down and the export use the code itself (the
	// item types are letters in the national guide).
	showCodes bool
}

type choice struct {
	code   string
	labels []string
}

var (
	updateCycles = vocabulary{choices: []choice{
		national(govdata.CycleRealtime),
		national(govdata.CycleDaily, "每天"),
		national(govdata.CycleWeekly),
		national(govdata.CycleMonthly),
		national(govdata.CycleQuarterly, "每季"),
		national(govdata.CycleHalfYearly),
		national(govdata.CycleYearly),
		national(govdata.CycleOther),
	}}
	shareTypes = vocabulary{choices: []choice{
		national(govdata.ShareUnconditional),
		national(govdata.ShareConditional),
		national(govdata.ShareNone),
	}}
	openTypes = vocabulary{choices: []choice{
		national(govdata.OpenUnconditional),
		national(govdata.OpenConditional),
		national(govdata.OpenNone),
	}}
	// Grades after GB/T 43697-2024: the drop-down offers the short names
	// (a narrow column); the standard's terms (Grade.Label) are read too.
	grades = vocabulary{choices: []choice{
		{string(govdata.GradeCore), []string{"核心", "核心数据"}},
		{string(govdata.GradeImportant), []string{"重要", "重要数据"}},
		{string(govdata.GradeGeneral), []string{"一般", "一般数据"}},
	}}
	// Item types with the letters and names of the national guide.
	itemTypes = vocabulary{showCodes: true, choices: []choice{
		{string(govdata.ItemChar), []string{"字符型"}},
		{string(govdata.ItemNumber), []string{"数值型"}},
		{string(govdata.ItemMoney), []string{"货币型"}},
		{string(govdata.ItemDate), []string{"日期型"}},
		{string(govdata.ItemDateTime), []string{"日期时间型"}},
		{string(govdata.ItemLogical), []string{"逻辑型"}},
		{string(govdata.ItemMemo), []string{"备注型"}},
		{string(govdata.ItemBinary), []string{"二进制型", "二进制"}},
	}}
	valueFormats = vocabulary{choices: []choice{
		{string(govdata.FormatCitizenID), []string{"公民身份号码", "身份证号"}},
		{string(govdata.FormatCreditCode), []string{"统一社会信用代码"}},
		{string(govdata.FormatPhone), []string{"电话号码", "手机号"}},
		{string(govdata.FormatDate), []string{"日期"}},
		{string(govdata.FormatEmail), []string{"电子邮箱", "邮箱"}},
		{string(govdata.FormatRegionCode), []string{"行政区划代码"}},
	}}
	// How an item of an open entry is opened (ZJ-21); blank: as stored.
	itemOpens = vocabulary{choices: []choice{
		{string(govdata.ItemOpenDeidentified), []string{"脱敏开放", "脱敏"}},
		{string(govdata.ItemOpenExcluded), []string{"不予开放", "不开放"}},
	}}
	// Sensitivity levels 1–4 are numbers; the vocabulary only gives the
	// template its drop-down.
	sensitivities = vocabulary{showCodes: true, choices: []choice{{"1", nil}, {"2", nil}, {"3", nil}, {"4", nil}}}
	// Flags: the drop-down offers 是/否; the other spellings are for files
	// written by programs.
	flags = vocabulary{choices: []choice{
		{"true", []string{"是", "yes", "y", "1"}},
		{"false", []string{"否", "no", "n", "0"}},
	}}
)

// national is a code with its national label (govdata's) first, then the
// other spellings a clerk may write.
func national[T interface {
	~string
	Label() govdata.Text
}](code T, more ...string) choice {
	return choice{code: string(code), labels: append([]string{code.Label().ZH}, more...)}
}

// withLabels returns v with more labels: a profile's own names of the
// share and open types (ZJ-13: 受限共享) are accepted beside the national ones.
func (v vocabulary) withLabels(extra map[string]string) vocabulary {
	if len(extra) == 0 {
		return v
	}
	out := vocabulary{showCodes: v.showCodes, choices: make([]choice, len(v.choices))}
	for i, c := range v.choices {
		out.choices[i] = choice{code: c.code, labels: append([]string(nil), c.labels...)}
		if l := extra[c.code]; l != "" {
			out.choices[i].labels = append(out.choices[i].labels, l)
		}
	}
	return out
}

// lookup returns the code a cell's text names. Codes and labels match
// without regard to case, full-width letters or inner spaces.
func (v vocabulary) lookup(s string) (string, bool) {
	want := comparable(s)
	for _, c := range v.choices {
		if comparable(c.code) == want {
			return c.code, true
		}
		for _, l := range c.labels {
			if comparable(l) == want {
				return c.code, true
			}
		}
	}
	return "", false
}

// display is what the export writes for a code; an unknown code is
// written as it is, so nothing is lost.
func (v vocabulary) display(code string) string {
	if code == "" || v.showCodes {
		return code
	}
	for _, c := range v.choices {
		if c.code == code && len(c.labels) > 0 {
			return c.labels[0]
		}
	}
	return code
}

// offered lists what the drop-down offers.
func (v vocabulary) offered() []string {
	out := make([]string, len(v.choices))
	for i, c := range v.choices {
		out[i] = v.display(c.code)
	}
	return out
}

// describe lists the values for a message: in Chinese the labels (with
// the code first where the code is what is written), in English the codes
// with their Chinese labels.
func (v vocabulary) describe() (zh, en string) {
	zs := make([]string, len(v.choices))
	es := make([]string, len(v.choices))
	for i, c := range v.choices {
		zs[i], es[i] = v.display(c.code), c.code
		if len(c.labels) > 0 {
			if v.showCodes {
				zs[i] += " " + c.labels[0]
			}
			es[i] += " (" + c.labels[0] + ")"
		}
	}
	return strings.Join(zs, "、"), strings.Join(es, ", ")
}

func comparable(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(narrow(s)), ""))
}
