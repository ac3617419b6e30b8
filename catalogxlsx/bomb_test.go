package catalogxlsx_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/govdata/govdata/catalogxlsx"
	"github.com/govdata/govdata/ingest/ingesttest"
)

// Every bomb of the dataset uploads is refused by the catalog import too,
// whole, before excelize inflates it, allocating a bounded amount (the
// upload, under 2 MB, and a few buffers per part) whatever it unzips to.
func TestParseRefusesBombs(t *testing.T) {
	const maxAlloc = 16 << 20
	for _, b := range ingesttest.XLSXBombs(t, validBook(t).bytes()) {
		t.Run(b.Name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			got, err := parse(b.File, nil)
			runtime.ReadMemStats(&after)
			if got != nil || err == nil {
				t.Fatalf("Parse returned %d entries and %v", len(got), err)
			}
			e, cells := refusal(t, err)
			saying := b.Saying
			if saying == "" {
				saying = catalogxlsx.MsgUnreadable.ZH
			}
			if msg := e.Message.Text("zh"); !strings.Contains(msg, saying) || len(cells) != 0 {
				t.Errorf("message %q and cells %+v, want it to say %q", msg, cells, saying)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxAlloc {
				t.Errorf("allocated %d MB refusing it, want at most %d MB", alloc>>20, maxAlloc>>20)
			}
		})
	}
}
