package catalogxlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/export"
)

// utf8BOM makes Excel read the file as UTF-8; without it Chinese text
// opens garbled in the Excel of a Chinese Windows, which guesses GBK.
const utf8BOM = "\ufeff"

// WriteCSV exports one row per entry, for reading rather than re-import:
// the template's entry columns but the key, the read-only columns of
// Write, and the entry's item names joined by "；".
func WriteCSV(w io.Writer, entries []*govdata.Entry) error {
	columns := append(append([]column(nil), entriesLayout.columns[1:]...), exportColumns...)
	columns = append(columns, column{key: "items", title: "信息项"})
	header := make([]string, len(columns))
	for i, c := range columns {
		header[i] = c.header()
	}
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return fmt.Errorf("catalogxlsx: write csv: %w", err)
	}
	cw := export.NewCSV(w)
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("catalogxlsx: write csv: %w", err)
	}
	for _, e := range entries {
		if e == nil {
			continue
		}
		values := append(entryValues("", e.EntryInput)[1:], exportValues(e)...)
		names := make([]string, len(e.Items))
		for i, it := range e.Items {
			names[i] = it.Name
		}
		values = append(values, strings.Join(names, "；"))
		record := make([]string, len(values))
		for i, v := range values {
			record[i] = csvField(v)
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("catalogxlsx: write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("catalogxlsx: write csv: %w", err)
	}
	return nil
}

// csvField writes a value as text; the writer makes it safe to open in a
// spreadsheet (export.Cell).
func csvField(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
