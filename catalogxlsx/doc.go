// Package catalogxlsx is the Excel side of the catalog (CAT-6): the import
// template, the import itself, and the export as XLSX and CSV.
//
// A workbook has three sheets. "说明" explains the columns; "资源" holds one
// row per entry, each with a short key (序号); "信息项" holds one row per data
// item, linked to its entry by that key. Headers name each column in Chinese
// with its JSON key in parentheses, "资源名称 (name)", so the same file reads
// for a clerk and for a developer.
//
// The package converts and nothing else: no database, no HTTP. An import is
// all or none: Parse returns every entry, each passing govdata.ValidateEntry,
// or one *govdata.Error whose details list the cells to fix.
package catalogxlsx
