package catalogxlsx

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The instructions sheet: how to fill in the template, in Chinese for the
// clerk and then in English, each with a table of every column.

var notesZH = []string{
	"每个数据资源在工作表“资源”中填一行；它的信息项在工作表“信息项”中各填一行，用“资源序号”对应“资源”表的“序号”。",
	"一次上传全部导入或全部不导入：只要有一处错误，整个文件都不会导入，系统会列出出错的工作表、行号、列号和原因，请逐一修改后重新上传。",
	"请勿修改、移动或删除第 1 行表头；不要合并单元格；不要使用公式（请“选择性粘贴 → 数值”）。",
	"单元格前后的空格会被忽略；整行为空的行会被跳过。",
	"分类（类、项、目、细目）等列已设为文本格式，请保留前导 0，如“01”“001”。",
	"多个值（关联资源代码、枚举值）用分号“;”或“；”分隔。",
	"下拉列也接受英文代码（如 conditional、daily）；“是/否”列也接受 yes/no、true/false、1/0，不填即“否”。",
	fmt.Sprintf("上限：每个文件最多 %s 个资源、%s 个信息项，每个资源最多 1,000 个信息项；文件解压后不超过 %d MB。超出时请拆分为多个文件分批上传。",
		thousands(MaxEntryRows), thousands(MaxItemRows), MaxUnzipBytes>>20),
	"从系统导出的文件可修改后重新导入，导入总是新建目录草稿；“资源”表模板列之后的灰色列（目录ID、资源代码、提供部门、状态、版本）仅供查看，导入时忽略。",
}

var notesEN = []string{
	"Each data resource (entry) takes one row of the sheet 资源; each of its data items takes one row of the sheet 信息项, linked to the entry by 资源序号, the entry's 序号 (key).",
	"An upload is imported whole or not at all: one error refuses the whole file, and the refusal lists the sheet, row, column and reason of every error to fix before uploading again.",
	"Keep the headers in row 1 as they are; do not merge cells; do not use formulas (Paste Special → Values).",
	"Spaces around a value are ignored; empty rows are skipped.",
	"The classification columns (类, 项, 目, 细目) and other code columns are formatted as text; keep leading zeros such as 01 and 001.",
	"Separate several values (related resource codes, enumerated values) with \";\" or \"；\".",
	"Drop-down columns also take the English codes (conditional, daily …); yes/no columns also take yes/no, true/false and 1/0, and a blank is no.",
	fmt.Sprintf("Limits: %s entries and %s data items per file, 1,000 items per entry, %d MB unzipped. Split a larger catalog into several files.",
		thousands(MaxEntryRows), thousands(MaxItemRows), MaxUnzipBytes>>20),
	"An exported file can be edited and imported again; an import always creates new draft entries. The grey columns after the template's on the sheet 资源 (id, resource code, department, status, version) are for reading and ignored on import.",
}

// instructionSection is the instructions in one language.
type instructionSection struct {
	lang, title, notesTitle, tableTitle string
	notes                               []string
	head                                []any
}

var instructionSections = []instructionSection{
	{lang: "zh", title: "政务数据资源目录导入模板", notesTitle: "填写须知", tableTitle: "各列说明",
		notes: notesZH, head: []any{"工作表", "列", "表头", "说明", "可填的值"}},
	{lang: "en", title: "Catalog import template (CAT-6)", notesTitle: "How to fill it in", tableTitle: "Columns",
		notes: notesEN, head: []any{"Sheet", "Column", "Header", "Meaning", "Values"}},
}

func writeInstructions(f *excelize.File, st styles) error {
	w := &lineWriter{f: f, sheet: SheetInstructions, row: 1}
	for _, sec := range instructionSections {
		w.line(st.title, sec.title)
		w.row++
		w.line(st.bold, sec.notesTitle)
		for i, n := range sec.notes {
			w.line(st.wrap, strconv.Itoa(i+1)+".", n)
		}
		w.row++
		w.line(st.bold, sec.tableTitle)
		w.line(st.header, sec.head...)
		for _, l := range layouts {
			for i, c := range l.columns {
				w.line(st.wrap, l.name, letter(i), c.header(), c.help.Text(sec.lang), allowedValues(c, sec.lang))
			}
		}
		w.row += 2
	}
	for _, width := range []struct {
		col   string
		width float64
	}{{"A", 10}, {"B", 8}, {"C", 30}, {"D", 70}, {"E", 50}} {
		if w.err == nil {
			w.err = f.SetColWidth(w.sheet, width.col, width.col, width.width)
		}
	}
	return w.err
}

// lineWriter writes rows one after another and keeps the first error.
type lineWriter struct {
	f     *excelize.File
	sheet string
	row   int
	err   error
}

func (w *lineWriter) line(style int, values ...any) {
	if w.err != nil {
		return
	}
	first, last := "A"+strconv.Itoa(w.row), letter(len(values)-1)+strconv.Itoa(w.row)
	w.row++
	if w.err = w.f.SetSheetRow(w.sheet, first, &values); w.err == nil {
		w.err = w.f.SetCellStyle(w.sheet, first, last, style)
	}
}

// allowedValues lists what a choice, flag or level column takes.
func allowedValues(c column, lang string) string {
	switch {
	case c.kind == kindFlag:
		if lang == "en" {
			return "是 (yes), 否 (no)"
		}
		return "是、否"
	case c.vocab != nil:
		zh, en := c.vocab.describe()
		if lang == "en" {
			return en
		}
		return zh
	}
	return ""
}

// thousands writes 50000 as "50,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
