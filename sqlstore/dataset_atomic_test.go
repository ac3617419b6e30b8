package sqlstore_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// citizenIDs returns n distinct valid citizen identity numbers (GB 11643),
// born on consecutive days from 1950-01-01.
func citizenIDs(n int) []string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	const check = "10X98765432"
	start := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := make([]string, n)
	for i := range ids {
		id := "230102" + start.AddDate(0, 0, i).Format("20060102") + "001"
		sum := 0
		for j, w := range weights {
			sum += int(id[j]-'0') * w
		}
		ids[i] = id + string(check[sum%11])
	}
	return ids
}

// generationCSV is a replace batch of the first n ids, every name name.
func generationCSV(ids []string, n int, name string) string {
	var sb strings.Builder
	sb.WriteString("公民身份号码,姓名\n")
	for _, id := range ids[:n] {
		sb.WriteString(id + "," + name + "\n")
	}
	return sb.String()
}

// AGG-1: a replace swaps the whole dataset at once. Readers that query
// while replace batches run see the old rows or the new, never a mix of
// the two, never a missing table, never an error.
func TestDatasetReplaceAtomic(t *testing.T) {
	const (
		oldRows, newRows = 400, 300 // each ≤ govdata.MaxLimit: one page is one SELECT
		readers          = 3
		batches          = 6
	)
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		ids := citizenIDs(oldRows)
		generations := []struct {
			name string
			rows int
			csv  string
		}{
			{"旧", oldRows, generationCSV(ids, oldRows, "旧")},
			{"新", newRows, generationCSV(ids, newRows, "新")},
		}
		if b := f.ingest(t, govdata.IngestReplace, generations[0].csv); b.State != govdata.BatchApplied || b.Report.RowsApplied != oldRows {
			t.Fatalf("first batch %+v", b)
		}

		var (
			stop         = make(chan struct{})
			wg           sync.WaitGroup
			observations atomic.Int64
			seen         [2]atomic.Int64 // observations of the old, the new
			mu           sync.Mutex
			bad          = map[string]int{} // what went wrong → how often
		)
		fail := func(what string) {
			mu.Lock()
			bad[what]++
			mu.Unlock()
		}
		for range readers {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					rows, err := f.ds.FindRows(f.officer, f.entry.ID, nil, govdata.Page{Limit: govdata.MaxLimit})
					observations.Add(1)
					if err != nil {
						fail("error: " + err.Error())
						continue
					}
					names := map[string]int{}
					for _, r := range rows.Items {
						name := "<nil>"
						if v := r.Values["姓名"]; v != nil {
							name = *v
						}
						names[name]++
					}
					switch {
					case rows.NextCursor != "":
						fail(fmt.Sprintf("more than one page: %d rows and a cursor", len(rows.Items)))
					case len(rows.Items) == oldRows && names["旧"] == oldRows:
						seen[0].Add(1)
					case len(rows.Items) == newRows && names["新"] == newRows:
						seen[1].Add(1)
					default:
						fail(fmt.Sprintf("a mix: %d rows, names %v", len(rows.Items), names))
					}
				}
			})
		}
		// waitObserved waits until every reader can have queried since now.
		waitObserved := func() {
			t.Helper()
			from := observations.Load()
			for deadline := time.Now().Add(30 * time.Second); observations.Load() < from+2*readers; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Errorf("the readers made %d observations in 30 s", observations.Load()-from)
					return
				}
			}
		}
		waitObserved()
		for i := 1; i <= batches; i++ {
			g := generations[i%2]
			b := f.ingest(t, govdata.IngestReplace, g.csv)
			if b.State != govdata.BatchApplied || b.Report.RowsApplied != int64(g.rows) {
				t.Errorf("batch %d (%s): %+v", i, g.name, b)
			}
			waitObserved()
		}
		close(stop)
		wg.Wait()

		t.Logf("%d observations: %d old, %d new", observations.Load(), seen[0].Load(), seen[1].Load())
		if len(bad) > 0 {
			var lines []string
			for what, n := range bad {
				lines = append(lines, fmt.Sprintf("%d× %s", n, what))
			}
			sort.Strings(lines)
			t.Errorf("%d observations, of which the readers saw:\n%s", observations.Load(), strings.Join(lines, "\n"))
		}
		if seen[0].Load() == 0 || seen[1].Load() == 0 {
			t.Errorf("the readers never saw one of the generations: %d old, %d new", seen[0].Load(), seen[1].Load())
		}
		// After the last batch (the old content again) the dataset is that.
		if got := f.rowsByID(t); len(got) != oldRows || got[ids[0]] != "旧" || got[ids[oldRows-1]] != "旧" {
			t.Errorf("rows after the batches: %d, first %q, last %q", len(got), got[ids[0]], got[ids[oldRows-1]])
		}
	})
}
