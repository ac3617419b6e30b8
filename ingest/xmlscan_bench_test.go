package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkXMLScan reads a worksheet of the usual shape (a shared string
// and a number per row): the cost the check adds to a large upload.
func BenchmarkXMLScan(b *testing.B) {
	var sheet bytes.Buffer
	sheet.WriteString(`<worksheet><sheetData>`)
	for i := range 100_000 {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="A%[1]d" t="s"><v>%d</v></c><c r="B%[1]d"><v>%d.5</v></c></row>`, i+1, i, i)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	b.SetBytes(int64(sheet.Len()))
	for b.Loop() {
		s := xmlScan{depth: 100, token: 1 << 20, limit: -1, br: bufio.NewReaderSize(bytes.NewReader(sheet.Bytes()), 64<<10)}
		if err := s.scan(); err != nil {
			b.Fatal(err)
		}
	}
}
