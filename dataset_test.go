package govdata_test

import (
	"testing"
	"time"

	"github.com/govdata/govdata"
)

func TestBatchAnomalies(t *testing.T) {
	usual := []govdata.BatchReport{
		{RowsRead: 1000, RowsRejected: 10}, {RowsRead: 1100, RowsRejected: 20}, {RowsRead: 900, RowsRejected: 0},
	}
	for _, c := range []struct {
		name    string
		batch   govdata.BatchReport
		history []govdata.BatchReport
		want    []string
	}{
		{"like the others", govdata.BatchReport{RowsRead: 1050, RowsRejected: 15}, usual, nil},
		{"too little history", govdata.BatchReport{RowsRead: 10, RowsRejected: 9}, usual[:2], nil},
		{"many rejected", govdata.BatchReport{RowsRead: 1000, RowsRejected: 300}, usual, []string{govdata.AnomalyRejectionRate}},
		{"ten points but not double", govdata.BatchReport{RowsRead: 1000, RowsRejected: 150}, []govdata.BatchReport{
			{RowsRead: 1000, RowsRejected: 100}, {RowsRead: 1000, RowsRejected: 100}, {RowsRead: 1000, RowsRejected: 100}}, nil},
		{"double but under ten points", govdata.BatchReport{RowsRead: 1000, RowsRejected: 40}, usual, nil},
		{"a third of the rows", govdata.BatchReport{RowsRead: 300}, usual, []string{govdata.AnomalyRowCount}},
		{"three times the rows", govdata.BatchReport{RowsRead: 3000}, usual, []string{govdata.AnomalyRowCount}},
		{"small datasets vary", govdata.BatchReport{RowsRead: 30}, []govdata.BatchReport{{RowsRead: 10}, {RowsRead: 12}, {RowsRead: 9}}, nil},
		{"both", govdata.BatchReport{RowsRead: 100, RowsRejected: 90}, usual, []string{govdata.AnomalyRejectionRate, govdata.AnomalyRowCount}},
		{"empty batch", govdata.BatchReport{}, usual, nil},
	} {
		got := govdata.BatchAnomalies(c.batch, c.history)
		var kinds []string
		for _, a := range got {
			kinds = append(kinds, a.Kind)
		}
		if len(kinds) != len(c.want) || (len(kinds) > 0 && (kinds[0] != c.want[0] || kinds[len(kinds)-1] != c.want[len(c.want)-1])) {
			t.Errorf("%s: got %+v, want %v", c.name, got, c.want)
		}
	}
}

func TestRefreshDue(t *testing.T) {
	from := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	for cycle, want := range map[govdata.UpdateCycle]string{
		govdata.CycleRealtime:   "2026-01-31T11:00",
		govdata.CycleDaily:      "2026-02-01T10:00",
		govdata.CycleWeekly:     "2026-02-07T10:00",
		govdata.CycleMonthly:    "2026-02-28T10:00", // the last day of a shorter month
		govdata.CycleQuarterly:  "2026-04-30T10:00",
		govdata.CycleHalfYearly: "2026-07-31T10:00",
		govdata.CycleYearly:     "2027-01-31T10:00",
	} {
		got, ok := govdata.RefreshDue(cycle, from)
		if !ok || got.Format("2006-01-02T15:04") != want {
			t.Errorf("%s: %v %v, want %s", cycle, got, ok, want)
		}
	}
	if _, ok := govdata.RefreshDue(govdata.CycleOther, from); ok {
		t.Error("an other cycle fell due")
	}
}
