package catalogxlsx_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/catalogxlsx"
)

// BenchmarkParseAtLimits reads the largest upload allowed: MaxEntryRows
// entries with MaxItemRows items between them.
func BenchmarkParseAtLimits(b *testing.B) {
	perEntry := catalogxlsx.MaxItemRows / catalogxlsx.MaxEntryRows
	list := make([]*govdata.Entry, catalogxlsx.MaxEntryRows)
	for i := range list {
		e := exported()[0]
		e.Name = fmt.Sprintf("资源 %d", i)
		for len(e.Items) < perEntry {
			e.Items = append(e.Items, govdata.Item{Name: fmt.Sprintf("信息项 %d", len(e.Items)), Type: govdata.ItemChar, Sensitivity: 1})
		}
		list[i] = e
	}
	var buf bytes.Buffer
	if err := catalogxlsx.Write(&buf, list); err != nil {
		b.Fatal(err)
	}
	file := buf.Bytes()
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(file, nil); err != nil {
			b.Fatal(err)
		}
	}
}
