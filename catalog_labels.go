package govdata

import "strings"

// The names people read for the catalog's codes, in both languages, kept
// here once for every adapter that shows an entry: the CKAN API (tags,
// facets), the DCAT feeds (keywords, concepts) and the Excel template.
// They are the national names; a profile may name the share and open types
// its own way (Profile.Labels), and an unknown code has the zero Text.

var categoryLabels = map[string]Text{
	"1": {ZH: "基础信息资源", EN: "base information resources"},
	"2": {ZH: "主题信息资源", EN: "subject information resources"},
	"3": {ZH: "部门信息资源", EN: "department information resources"},
}

// CategoryLabel names a category (类) of the national guide's
// classification: "1" is 基础信息资源.
func CategoryLabel(category string) Text { return categoryLabels[category] }

var cycleLabels = map[UpdateCycle]Text{
	CycleRealtime:   {ZH: "实时", EN: "real time"},
	CycleDaily:      {ZH: "每日", EN: "daily"},
	CycleWeekly:     {ZH: "每周", EN: "weekly"},
	CycleMonthly:    {ZH: "每月", EN: "monthly"},
	CycleQuarterly:  {ZH: "每季度", EN: "quarterly"},
	CycleHalfYearly: {ZH: "每半年", EN: "half-yearly"},
	CycleYearly:     {ZH: "每年", EN: "yearly"},
	CycleOther:      {ZH: "其他", EN: "other"},
}

// Label names the update cycle.
func (c UpdateCycle) Label() Text { return cycleLabels[c] }

var shareLabels = map[ShareType]Text{
	ShareUnconditional: {ZH: "无条件共享", EN: "shared unconditionally"},
	ShareConditional:   {ZH: "有条件共享", EN: "shared on conditions"},
	ShareNone:          {ZH: "不予共享", EN: "not shared"},
}

// Label names the share type as the national guide does.
func (t ShareType) Label() Text { return shareLabels[t] }

var openLabels = map[OpenType]Text{
	OpenUnconditional: {ZH: "无条件开放", EN: "open unconditionally"},
	OpenConditional:   {ZH: "有条件开放", EN: "open on conditions"},
	OpenNone:          {ZH: "不予开放", EN: "not open"},
}

// Label names the open type as the national guide does.
func (t OpenType) Label() Text { return openLabels[t] }

var gradeLabels = map[Grade]Text{
	GradeCore:      {ZH: "核心数据", EN: "core data"},
	GradeImportant: {ZH: "重要数据", EN: "important data"},
	GradeGeneral:   {ZH: "一般数据", EN: "general data"},
}

// Label names the grade with the terms of GB/T 43697-2024.
func (g Grade) Label() Text { return gradeLabels[g] }

// In returns the text in lang ("zh" or "en"), or the other one when that
// is empty.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" || t.ZH == "" {
		return t.EN
	}
	return t.ZH
}

// mediaTypes are the IANA media types of the formats that name a file
// type, by the format's name in capitals, which is also its code in the
// EU file-type table.
var mediaTypes = map[string]string{
	"CSV":     "text/csv",
	"JSON":    "application/json",
	"XML":     "application/xml",
	"XLSX":    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"XLS":     "application/vnd.ms-excel",
	"PDF":     "application/pdf",
	"ZIP":     "application/zip",
	"TXT":     "text/plain",
	"HTML":    "text/html",
	"GEOJSON": "application/geo+json",
}

// MediaType returns the media type an entry's format names ("csv" →
// text/csv), regardless of case and surrounding space. Most of the
// catalog's formats are kinds (数据库, 电子表格, 接口), which name none.
func MediaType(format string) (string, bool) {
	m, ok := mediaTypes[strings.ToUpper(strings.TrimSpace(format))]
	return m, ok
}
