package catalogxlsx

import "github.com/govdata/govdata"

// Messages of a refusal as a whole.
var (
	MsgEmptyFile      = govdata.Msg{ZH: "上传的文件是空的", EN: "the uploaded file is empty"}
	MsgNotXLSX        = govdata.Msg{ZH: "文件不是 Excel 工作簿（.xlsx），请下载目录导入模板填写后上传", EN: "the file is not an Excel workbook (.xlsx); download the catalog import template, fill it in and upload it"}
	MsgLegacyOrLocked = govdata.Msg{ZH: "不支持 Excel 97-2003（.xls）格式或加密的工作簿，请在 Excel 中取消密码并“另存为” .xlsx 后上传", EN: "Excel 97-2003 (.xls) files and encrypted workbooks are not supported; remove the password and save the file as .xlsx in Excel, then upload it"}
	MsgUnreadable     = govdata.Msg{ZH: "文件已损坏或无法读取，请在 Excel 中重新保存为 .xlsx 后上传", EN: "the file is damaged or cannot be read; save it again as .xlsx in Excel and upload it"}
	MsgSheetMissing   = govdata.Msg{ZH: "缺少工作表“%s”，请使用目录导入模板", EN: "the sheet “%s” is missing; use the catalog import template"}
	MsgWrongTemplate  = govdata.Msg{ZH: "表头与目录导入模板不一致，请下载最新模板，不要修改、移动或删除第 1 行", EN: "the headers do not match the catalog import template; download the current template and keep row 1 as it is"}
	MsgTooManyRows    = govdata.Msg{ZH: "工作表“%s”超过 %d 行，请拆分为多个文件分批上传", EN: "the sheet “%s” has more than %d rows; split it into several files and upload them one by one"}
	MsgNoEntries      = govdata.Msg{ZH: "工作表“资源”中没有可导入的资源", EN: "the sheet “资源” has no entries to import"}
	MsgCellErrors     = govdata.Msg{ZH: "文件中有 %d 处错误，所有行均未导入；请按工作表、行、列逐一修改后重新上传", EN: "the file has %d errors and nothing was imported; fix each cell listed and upload it again"}
	MsgCellErrorsCap  = govdata.Msg{ZH: "文件中错误较多（以下列出前 %d 处），所有行均未导入；请修改后重新上传", EN: "the file has many errors (the first %d are listed) and nothing was imported; fix them and upload it again"}
)

// Messages of one cell. Choice lists differ by language, so MsgChoice takes
// the Chinese list first and the English second and each text picks its own.
var (
	MsgHeaderExpected  = govdata.Msg{ZH: "表头应为“%s”", EN: "the header should be “%s”"}
	MsgFormula         = govdata.Msg{ZH: "单元格含公式，请直接填写值（复制后“选择性粘贴 → 数值”）", EN: "the cell holds a formula; enter the value itself (copy, then Paste Special → Values)"}
	MsgMerged          = govdata.Msg{ZH: "不能使用合并单元格（%s），请取消合并并在每一行填写完整", EN: "merged cells (%s) are not allowed; unmerge them and fill in every row"}
	MsgChoice          = govdata.Msg{ZH: "取值应为：%[1]s", EN: "must be one of: %[2]s"}
	MsgFlag            = govdata.Msg{ZH: "应填“是”或“否”", EN: "must be 是 (yes) or 否 (no)"}
	MsgNotNumber       = govdata.Msg{ZH: "应为数字", EN: "must be a number"}
	MsgNotInteger      = govdata.Msg{ZH: "应为整数", EN: "must be a whole number"}
	MsgKeyRepeats      = govdata.Msg{ZH: "序号“%s”与第 %d 行重复", EN: "the key “%s” repeats row %d"}
	MsgItemNameRepeats = govdata.Msg{ZH: "信息项名称与第 %d 行重复", EN: "the item name repeats row %d"}
	MsgUnknownKey      = govdata.Msg{ZH: "工作表“资源”中没有序号为“%s”的资源", EN: "the sheet “资源” has no entry with the key “%s”"}
	MsgEntryNoItems    = govdata.Msg{ZH: "该资源没有信息项：请在工作表“信息项”中按此序号填写至少一项", EN: "the entry has no data items: add at least one on the sheet “信息项” with this key"}
	MsgNthValue        = govdata.Msg{ZH: "第 %d 个值：%s", EN: "value %d: %s"}
	MsgItemsField      = govdata.Msg{ZH: "信息项：%s", EN: "data items: %s"}
	MsgOtherField      = govdata.Msg{ZH: "%s：%s", EN: "%s: %s"}
)
