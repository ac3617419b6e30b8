package catalogxlsx

import (
	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ingest"
	"github.com/xuri/excelize/v2"
)

// Limits of one upload. A department's catalog is a few hundred entries;
// the row limits leave room for a whole bureau's and stop a runaway sheet
// early, and the unzip limits stop a zip bomb before it is inflated.
const (
	MaxEntryRows  = 5_000
	MaxItemRows   = 50_000
	MaxCellErrors = 200       // errors listed in one refusal
	MaxUnzipBytes = 200 << 20 // the whole workbook, unzipped
)

// importLimits bound what reading an upload may cost (see
// ingest.XLSXLimits): a dataset's, but for the whole workbook unzipped.
// The template's 5,000 entries and 50,000 items hold well under 1,048,576
// distinct texts.
var importLimits = func() ingest.XLSXLimits {
	l := ingest.DatasetXLSXLimits
	l.Total = MaxUnzipBytes
	return l
}()

// Sheet names of the workbook.
const (
	SheetInstructions = "说明"
	SheetEntries      = "资源"
	SheetItems        = "信息项"
)

// kind says how a cell's text becomes a value.
type kind int

const (
	kindText    kind = iota // kept as written, trimmed
	kindCode                // digits and codes: full-width characters narrowed
	kindInteger             // a whole number
	kindNumber              // any number
	kindFlag                // 是/否
	kindChoice              // one value of a vocabulary
	kindList                // values separated by ";" or "；"
)

// A column of a data sheet.
type column struct {
	key   string // the JSON path within the row's object; CellError.Field
	title string // the Chinese header
	kind  kind
	vocab *vocabulary // the values of a choice column, and any drop-down
	width float64
	help  govdata.Msg // what the column means, for the instructions sheet
}

// header is the text of row 1: "资源名称 (name)".
func (c column) header() string { return c.title + " (" + c.key + ")" }

// sheetLayout is one data sheet of the template.
type sheetLayout struct {
	name    string
	columns []column
	maxRows int // data rows, the header not counted
}

// letter is the column letter Excel shows for the i-th column (0-based).
func letter(i int) string {
	s, _ := excelize.ColumnNumberToName(i + 1)
	return s
}

// index returns the position of the column with key, or -1.
func (l sheetLayout) index(key string) int {
	for i, c := range l.columns {
		if c.key == key {
			return i
		}
	}
	return -1
}

// lastLetter is the letter of the last template column.
func (l sheetLayout) lastLetter() string { return letter(len(l.columns) - 1) }

var entriesLayout = sheetLayout{name: SheetEntries, maxRows: MaxEntryRows, columns: []column{
	{key: "key", title: "序号", kind: kindCode, width: 8,
		help: govdata.Msg{ZH: "本行资源的序号，可填任意简短文字（如 1、2、3），在本文件内不能重复；“信息项”表用它对应资源。必填。", EN: "A short key of this entry (1, 2, 3 …), unique within the file; the sheet 信息项 links items to the entry by it. Required."}},
	{key: "name", title: "资源名称", width: 28,
		help: govdata.Msg{ZH: "信息资源名称。必填，最多 200 字。", EN: "The entry's name. Required, at most 200 characters."}},
	{key: "summary", title: "资源摘要", width: 40,
		help: govdata.Msg{ZH: "资源内容的简要说明。必填，最多 2000 字。", EN: "What the data is about. Required, at most 2,000 characters."}},
	{key: "classification.category", title: "类", kind: kindCode, width: 8,
		help: govdata.Msg{ZH: "资源分类的“类”：1 基础、2 主题、3 部门。必填。", EN: "Category (类) of the classification: 1 base, 2 subject, 3 department. Required."}},
	{key: "classification.subcategory", title: "项", kind: kindCode, width: 8,
		help: govdata.Msg{ZH: "资源分类的“项”：2 位数字，如 01（本列为文本格式，保留前导 0）。必填。", EN: "Subcategory (项): 2 digits such as 01 (the column is text, so the leading 0 stays). Required."}},
	{key: "classification.group", title: "目", kind: kindCode, width: 8,
		help: govdata.Msg{ZH: "资源分类的“目”：3 位数字，如 001。必填。", EN: "Group (目): 3 digits such as 001. Required."}},
	{key: "classification.subgroup", title: "细目", kind: kindCode, width: 8,
		help: govdata.Msg{ZH: "资源分类的“细目”：1 到 6 位数字。可不填。", EN: "Subgroup (细目): 1 to 6 digits. Optional."}},
	{key: "format", title: "资源格式", width: 12,
		help: govdata.Msg{ZH: "如 数据库、电子表格、电子文件、接口。必填，最多 100 字。", EN: "Such as 数据库 (database), 电子表格 (spreadsheet), 电子文件 (document), 接口 (API). Required, at most 100 characters."}},
	{key: "update_cycle", title: "更新周期", kind: kindChoice, vocab: &updateCycles, width: 10,
		help: govdata.Msg{ZH: "数据多久更新一次。必填。", EN: "How often the data is refreshed. Required."}},
	{key: "share_type", title: "共享类型", kind: kindChoice, vocab: &shareTypes, width: 12,
		help: govdata.Msg{ZH: "共享属性。必填。", EN: "Share type. Required."}},
	{key: "share_conditions", title: "共享条件", width: 24,
		help: govdata.Msg{ZH: "有条件共享时必填：写明使用条件。", EN: "Required for conditional sharing: the conditions of use."}},
	{key: "share_basis", title: "不予共享依据", width: 24,
		help: govdata.Msg{ZH: "不予共享时必填：写明法律法规或政策依据。", EN: "Required when not shared: the law or policy it rests on."}},
	{key: "share_method", title: "共享方式", width: 14,
		help: govdata.Msg{ZH: "如 接口、文件下载、库表交换。可不填。", EN: "Such as 接口 (API), 文件下载 (file), 库表交换 (table exchange). Optional."}},
	{key: "open_type", title: "开放类型", kind: kindChoice, vocab: &openTypes, width: 12,
		help: govdata.Msg{ZH: "开放属性。必填。", EN: "Open type. Required."}},
	{key: "open_conditions", title: "开放条件", width: 24,
		help: govdata.Msg{ZH: "有条件开放时写明开放条件；不予开放时写明不予开放理由（必填）。", EN: "Required: the conditions for conditional opening; the reason (不予开放理由) when not opened."}},
	{key: "grade", title: "数据分级", kind: kindChoice, vocab: &grades, width: 10,
		help: govdata.Msg{ZH: "按 GB/T 43697-2024 分级。必填。", EN: "Grade after GB/T 43697-2024. Required."}},
	{key: "source_system", title: "来源系统", width: 16,
		help: govdata.Msg{ZH: "数据来自哪个业务系统。可不填。", EN: "The system the data comes from. Optional."}},
	{key: "related_codes", title: "关联资源代码", kind: kindList, width: 24,
		help: govdata.Msg{ZH: "相关资源的信息资源代码，多个用“;”或“；”分隔，最多 50 个。可不填。", EN: "Resource codes of related entries, separated by \";\" or \"；\", at most 50. Optional."}},
}}

var itemsLayout = sheetLayout{name: SheetItems, maxRows: MaxItemRows, columns: []column{
	{key: "entry_key", title: "资源序号", kind: kindCode, width: 10,
		help: govdata.Msg{ZH: "该信息项所属资源在“资源”表中的序号。必填。", EN: "The key of the item's entry on the sheet 资源. Required."}},
	{key: "name", title: "信息项名称", width: 20,
		help: govdata.Msg{ZH: "信息项（数据集的一列）名称。必填，最多 100 字，同一资源内不能重复。", EN: "The item's name (a column of the dataset). Required, at most 100 characters, unique within its entry."}},
	{key: "type", title: "数据类型", kind: kindChoice, vocab: &itemTypes, width: 10,
		help: govdata.Msg{ZH: "按国家目录编制指南的字母填写。必填。", EN: "The letter of the national guide. Required."}},
	{key: "length", title: "数据长度", kind: kindInteger, width: 10,
		help: govdata.Msg{ZH: "字符数或位数，整数；类型没有长度时不填。", EN: "Characters or digits, a whole number; blank when the type has none."}},
	{key: "description", title: "描述", width: 24,
		help: govdata.Msg{ZH: "信息项的含义。可不填，最多 1000 字。", EN: "What the item means. Optional, at most 1,000 characters."}},
	{key: "sensitivity", title: "敏感级别", kind: kindInteger, vocab: &sensitivities, width: 10,
		help: govdata.Msg{ZH: "1 到 4 级。必填；3、4 级对使用方脱敏并加密存储。", EN: "1 to 4. Required; levels 3 and 4 are masked for consumers and encrypted at rest."}},
	{key: "personal", title: "个人信息", kind: kindFlag, vocab: &flags, width: 10,
		help: govdata.Msg{ZH: "是否为个人信息。不填即“否”。", EN: "Whether the item is personal information. Blank means no."}},
	{key: "open", title: "开放方式", kind: kindChoice, vocab: &itemOpens, width: 12,
		help: govdata.Msg{ZH: "资源开放时本项如何开放：不填即原样开放；“脱敏开放”按脱敏策略脱敏后开放；“不予开放”从不开放。个人信息和 3、4 级信息项须脱敏开放或不予开放。", EN: "How the item is opened when its entry is: blank means as stored; 脱敏开放 (de-identified) through the masking policy; 不予开放 (excluded) never. Personal items and items at sensitivity 3–4 must be de-identified or excluded."}},
	{key: "share_type", title: "共享类型", kind: kindChoice, vocab: &shareTypes, width: 12,
		help: govdata.Msg{ZH: "不填即与资源相同；不能比资源的共享类型更宽松。", EN: "Blank means the entry's; it cannot be more open than the entry's."}},
	{key: "key", title: "主键", kind: kindFlag, vocab: &flags, width: 8,
		help: govdata.Msg{ZH: "是否为数据集的主键（增量更新按主键对应）。不填即“否”。", EN: "Whether the item is part of the dataset's key (incremental updates match on it). Blank means no."}},
	{key: "region", title: "行政区划项", kind: kindFlag, vocab: &flags, width: 10,
		help: govdata.Msg{ZH: "是否为存放行政区划代码（GB/T 2260）的信息项，每个资源最多一个。不填即“否”。", EN: "Whether the item holds the row's region code (GB/T 2260); at most one per entry. Blank means no."}},
	{key: "rules.required", title: "必填", kind: kindFlag, vocab: &flags, width: 8,
		help: govdata.Msg{ZH: "质量规则：归集数据时该项是否必须有值。不填即“否”。", EN: "Quality rule: the item must have a value in every row. Blank means no."}},
	{key: "rules.pattern", title: "格式正则", width: 16,
		help: govdata.Msg{ZH: "质量规则：值须完整匹配的正则表达式（RE2）。可不填。", EN: "Quality rule: a regular expression (RE2) the whole value matches. Optional."}},
	{key: "rules.enum", title: "枚举值", kind: kindList, width: 16,
		help: govdata.Msg{ZH: "质量规则：允许的取值，用“;”或“；”分隔。可不填。", EN: "Quality rule: the allowed values, separated by \";\" or \"；\". Optional."}},
	{key: "rules.min", title: "最小值", kind: kindNumber, width: 10,
		help: govdata.Msg{ZH: "质量规则：数值型、货币型的最小值。可不填。", EN: "Quality rule: the least value of a numeric or money item. Optional."}},
	{key: "rules.max", title: "最大值", kind: kindNumber, width: 10,
		help: govdata.Msg{ZH: "质量规则：数值型、货币型的最大值。可不填。", EN: "Quality rule: the greatest value of a numeric or money item. Optional."}},
	{key: "rules.format", title: "标准格式", kind: kindChoice, vocab: &valueFormats, width: 16,
		help: govdata.Msg{ZH: "质量规则：值须符合的国家标准格式。可不填。", EN: "Quality rule: the national format the value has. Optional."}},
}}

// exportColumns follow the template's columns on the exported entries
// sheet. They say which catalog entry a row is; an import ignores them.
var exportColumns = []column{
	{key: "id", title: "目录ID", width: 10},
	{key: "resource_code", title: "资源代码", width: 34},
	{key: "department_name", title: "提供部门", width: 20},
	{key: "status", title: "状态", width: 10},
	{key: "version", title: "版本", width: 8},
}

// entryStatusLabels are the Chinese names of entry statuses in an export.
var entryStatusLabels = map[govdata.EntryStatus]string{
	govdata.EntryDraft:     "草稿",
	govdata.EntryInReview:  "审核中",
	govdata.EntryReturned:  "已退回",
	govdata.EntryPublished: "已发布",
	govdata.EntryRevoking:  "撤销中",
	govdata.EntryRevoked:   "已撤销",
}
