package ingest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ingest"
	"github.com/govdata/govdata/ingest/ingesttest"
)

// allocated returns the bytes f allocates: a bound of the memory it took
// that does not depend on timing or on the collector.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// maxBombAlloc bounds what refusing a bomb may allocate: the upload
// itself (under 2 MB, read whole) and a few buffers per part. The bombs
// unzip to up to 300 MB, and before the check the shared strings of one
// took the server from 335 MB to 1,862 MB.
const maxBombAlloc = 16 << 20

// Every bomb is refused with a clear EINVALID before excelize inflates it,
// and refusing it allocates a bounded amount whatever it unzips to.
func TestXLSXBombs(t *testing.T) {
	base := workbook(t, [][]any{{"公民身份号码", "姓名"}, {"11010519491231002X", "张三"}})
	if _, err := readXLSX(t, base); err != nil {
		t.Fatalf("the base workbook: %v", err)
	}
	for _, b := range ingesttest.XLSXBombs(t, base) {
		t.Run(b.Name, func(t *testing.T) {
			if len(b.File) > 2<<20 {
				t.Fatalf("the bomb is %d bytes", len(b.File))
			}
			var err error
			alloc := allocated(func() {
				var x *ingest.XLSX
				if x, err = ingest.NewXLSX(bytes.NewReader(b.File), items); err == nil {
					x.Close()
				}
			})
			var e *govdata.Error
			if !errors.As(err, &e) || e.Code != govdata.EINVALID {
				t.Fatalf("got %v, want an invalid error", err)
			}
			saying := b.Saying
			if saying == "" {
				saying = ingest.MsgXLSXBad.ZH
			}
			if zh, en := e.Message.Text("zh"), e.Message.Text("en"); !strings.Contains(zh, saying) || strings.Contains(en, "%!") {
				t.Errorf("message %q / %q, want it to say %q", zh, en, saying)
			}
			if alloc > maxBombAlloc {
				t.Errorf("allocated %d MB refusing it, want at most %d MB", alloc>>20, maxBombAlloc>>20)
			}
		})
	}
}

// An honest workbook whose shared strings (1.2 MB of distinct texts) are
// above ingest.SpillXMLBytes is admitted and read whole: excelize reads the
// table from a temporary file through its index.
func TestXLSXLargeSharedStrings(t *testing.T) {
	const n = 20_000
	base := workbook(t, [][]any{{"公民身份号码", "姓名"}})
	book := ingesttest.With(t, base, "xl/sharedStrings.xml", func(w io.Writer) {
		fmt.Fprintf(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%[1]d">`, 2*n+2)
		io.WriteString(w, "<si><t>公民身份号码</t></si><si><t>姓名</t></si>")
		for i := range n {
			fmt.Fprintf(w, "<si><t>1101051949%08d</t></si><si><t>姓名%d</t></si>", i, i)
		}
		io.WriteString(w, "</sst>")
	})
	book = ingesttest.With(t, book, "xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for i := range n + 1 {
			fmt.Fprintf(w, `<row r="%d"><c r="A%[1]d" t="s"><v>%[2]d</v></c><c r="B%[1]d" t="s"><v>%[3]d</v></c></row>`, i+1, 2*i, 2*i+1)
		}
		io.WriteString(w, "</sheetData></worksheet>")
	})
	rows, last := 0, []string(nil)
	var err error
	func() {
		x, e := ingest.NewXLSX(bytes.NewReader(book), items)
		if err = e; e != nil {
			return
		}
		defer x.Close()
		for {
			r, _, _, e := x.Next()
			if e != nil {
				if e != io.EOF {
					err = e
				}
				return
			}
			rows, last = rows+1, append(last[:0], r...)
		}
	}()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"110105194900019999", "姓名19999", ""}; rows != n || strings.Join(last, ",") != strings.Join(want, ",") {
		t.Fatalf("%d rows, the last %q; want %d, %q", rows, last, n, want)
	}
}
