package catalogxlsx

import (
	"fmt"
	"io"
	"strconv"

	"github.com/govdata/govdata"
	"github.com/xuri/excelize/v2"
)

// Write exports entries in the template's layout, so that an export can be
// edited and imported again. Each entry's key is its position (1, 2, …);
// after the template's columns the entries sheet has read-only columns
// (id, resource_code, department_name, status, version) that Parse ignores.
// An export past MaxEntryRows entries or MaxItemRows items is written
// whole, but must be split to be imported again.
func Write(w io.Writer, entries []*govdata.Entry) error {
	f, err := newWorkbook(true)
	if err != nil {
		return err
	}
	defer f.Close()
	entryRow, itemRow := 2, 2
	for _, e := range entries {
		if e == nil {
			continue
		}
		key := strconv.Itoa(entryRow - 1)
		values := append(entryValues(key, e.EntryInput), exportValues(e)...)
		if err := setRow(f, SheetEntries, entryRow, values); err != nil {
			return err
		}
		entryRow++
		for _, it := range e.Items {
			if err := setRow(f, SheetItems, itemRow, itemValues(key, it)); err != nil {
				return err
			}
			itemRow++
		}
	}
	f.SetActiveSheet(1) // the entries: an export is opened to be read
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("catalogxlsx: write export: %w", err)
	}
	return nil
}

// setRow writes a row's values, leaving blanks (nil, "") as empty cells.
func setRow(f *excelize.File, sheet string, row int, values []any) error {
	for i, v := range values {
		if v == nil || v == "" {
			continue
		}
		if err := f.SetCellValue(sheet, letter(i)+strconv.Itoa(row), v); err != nil {
			return fmt.Errorf("catalogxlsx: write %s row %d: %w", sheet, row, err)
		}
	}
	return nil
}

// entryValues are an entry's cells in the template's columns, in order.
func entryValues(key string, in govdata.EntryInput) []any {
	return inLayoutOrder(entriesLayout, map[string]any{
		"key":                        key,
		"name":                       in.Name,
		"summary":                    in.Summary,
		"classification.category":    in.Classification.Category,
		"classification.subcategory": in.Classification.Subcategory,
		"classification.group":       in.Classification.Group,
		"classification.subgroup":    in.Classification.Subgroup,
		"format":                     in.Format,
		"update_cycle":               updateCycles.display(string(in.UpdateCycle)),
		"share_type":                 shareTypes.display(string(in.ShareType)),
		"share_conditions":           in.ShareConditions,
		"share_basis":                in.ShareBasis,
		"share_method":               in.ShareMethod,
		"open_type":                  openTypes.display(string(in.OpenType)),
		"open_conditions":            in.OpenConditions,
		"grade":                      grades.display(string(in.Grade)),
		"source_system":              in.SourceSystem,
		"related_codes":              joinList(in.RelatedCodes),
	})
}

// exportValues are the read-only columns after the template's.
func exportValues(e *govdata.Entry) []any {
	status := entryStatusLabels[e.Status]
	if status == "" {
		status = string(e.Status)
	}
	return []any{e.ID, e.ResourceCode, e.DepartmentName, status, e.Version}
}

// itemValues are an item's cells in the template's columns, in order.
func itemValues(entryKey string, it govdata.Item) []any {
	cells := map[string]any{
		"entry_key":      entryKey,
		"name":           it.Name,
		"type":           itemTypes.display(string(it.Type)),
		"description":    it.Description,
		"sensitivity":    it.Sensitivity,
		"personal":       flagText(it.Personal),
		"open":           itemOpens.display(string(it.Open)),
		"share_type":     shareTypes.display(string(it.ShareType)),
		"key":            flagText(it.Key),
		"region":         flagText(it.Region),
		"rules.required": flagText(false),
	}
	if it.Length != 0 {
		cells["length"] = it.Length
	}
	if r := it.Rules; r != nil {
		cells["rules.required"] = flagText(r.Required)
		cells["rules.pattern"] = r.Pattern
		cells["rules.enum"] = joinList(r.Enum)
		cells["rules.format"] = valueFormats.display(string(r.Format))
		if r.Min != nil {
			cells["rules.min"] = *r.Min
		}
		if r.Max != nil {
			cells["rules.max"] = *r.Max
		}
	}
	return inLayoutOrder(itemsLayout, cells)
}

// inLayoutOrder lines a row's cells up with the layout's columns; a
// column without a value is blank.
func inLayoutOrder(l sheetLayout, cells map[string]any) []any {
	out := make([]any, len(l.columns))
	for i, c := range l.columns {
		out[i] = cells[c.key]
	}
	return out
}

func flagText(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
