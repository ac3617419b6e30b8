// Package export writes records served by the data service as files —
// CSV, JSON or XLSX — each carrying its recipient's trace mark, so that a
// leaked file names the grant and the call it was made for (SEC-5,
// SJZ-S-27).
package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/govdata/govdata"
	"github.com/xuri/excelize/v2"
)

// Writer writes one file begun by New: a Row per record, then End.
type Writer interface {
	Row(r govdata.Record) error
	End() error
}

// ContentType is the media type of a format.
func ContentType(format string) string {
	switch format {
	case "json":
		return "application/json; charset=utf-8"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// New begins a file of format (csv, json, xlsx) with the items as its
// columns, marked with trace; an empty trace marks nothing (open data,
// OPN-1, is the same for everyone: its header comes first).
func New(w io.Writer, format string, items []string, trace string) (Writer, error) {
	switch format {
	case "csv", "":
		return newCSV(w, items, trace)
	case "json":
		return newJSON(w, items, trace)
	case "xlsx":
		return newXLSX(w, items, trace)
	}
	return nil, fmt.Errorf("export: unknown format %q", format)
}

// TraceLine is the first line of a CSV file: a comment naming the mark.
func TraceLine(trace string) string { return "# govdata-trace: " + trace }

type csvWriter struct {
	w     *CSV
	items []string
	row   []string
}

func newCSV(w io.Writer, items []string, trace string) (*csvWriter, error) {
	// A UTF-8 byte order mark: spreadsheet programs then read the Chinese
	// text right.
	head := "\ufeff"
	if trace != "" {
		head += TraceLine(trace) + "\n"
	}
	if _, err := io.WriteString(w, head); err != nil {
		return nil, err
	}
	c := &csvWriter{w: NewCSV(w), items: items, row: make([]string, len(items))}
	return c, c.w.Write(items)
}

func (c *csvWriter) Row(r govdata.Record) error {
	for i, it := range c.items {
		c.row[i] = ""
		if v := r[it]; v != nil {
			c.row[i] = *v
		}
	}
	return c.w.Write(c.row)
}

func (c *csvWriter) End() error {
	c.w.Flush()
	return c.w.Error()
}

type jsonWriter struct {
	w     io.Writer
	first bool
}

func newJSON(w io.Writer, items []string, trace string) (*jsonWriter, error) {
	meta := map[string]any{"fields": items}
	if trace != "" {
		meta["trace"] = trace
	}
	head, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	// {"fields": […], "trace": "…", "items": [ … ]}
	_, err = w.Write(append(head[:len(head)-1], []byte(`,"items":[`)...))
	return &jsonWriter{w: w, first: true}, err
}

func (j *jsonWriter) Row(r govdata.Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if !j.first {
		b = append([]byte{','}, b...)
	}
	j.first = false
	_, err = j.w.Write(b)
	return err
}

func (j *jsonWriter) End() error {
	_, err := io.WriteString(j.w, "]}\n")
	return err
}

// xlsxSheet and traceSheet name the sheets of an XLSX file.
const (
	xlsxSheet  = "data"
	traceSheet = "trace"
)

type xlsxWriter struct {
	w     io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	items []string
	n     int
	row   []any
}

func newXLSX(w io.Writer, items []string, trace string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", xlsxSheet); err != nil {
		return nil, err
	}
	if trace != "" {
		if _, err := f.NewSheet(traceSheet); err != nil {
			return nil, err
		}
		if err := f.SetSheetRow(traceSheet, "A1", &[]any{"govdata-trace", trace}); err != nil {
			return nil, err
		}
		if err := f.SetDocProps(&excelize.DocProperties{Identifier: trace, Description: TraceLine(trace)}); err != nil {
			return nil, err
		}
	}
	sw, err := f.NewStreamWriter(xlsxSheet)
	if err != nil {
		return nil, err
	}
	head := make([]any, len(items))
	for i, it := range items {
		head[i] = it
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	return &xlsxWriter{w: w, f: f, sw: sw, items: items, n: 1, row: make([]any, len(items))}, nil
}

func (x *xlsxWriter) Row(r govdata.Record) error {
	x.n++
	for i, it := range x.items {
		x.row[i] = nil
		if v := r[it]; v != nil {
			x.row[i] = *v // as text: an ID number must not become a float
		}
	}
	return x.sw.SetRow("A"+strconv.Itoa(x.n), x.row)
}

func (x *xlsxWriter) End() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.w)
	return err
}
