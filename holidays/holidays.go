// Package holidays ships China's statutory holidays and make-up working days
// (调休) as the State Council's yearly notices announce them (CAL-1), one
// JSON file per year in cn/. A deployment loads them at first start; a
// sysadmin or secadmin adds a newly announced year, or corrects one, with
// PUT /api/v1/calendar/{year} or `govdata calendar load`.
//
// Each file follows its notice: the holiday blocks as the notice states
// them (weekend days inside a block included) and every make-up working
// day. The tests check every year against an independently kept table.
package holidays

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/govdata/govdata"
)

//go:embed cn/*.json
var files embed.FS

// China returns the shipped years, oldest first.
func China() ([]govdata.CalendarYear, error) {
	names, err := fs.Glob(files, "cn/*.json")
	if err != nil {
		return nil, err
	}
	years := make([]govdata.CalendarYear, 0, len(names))
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		y, err := Parse(b)
		if err != nil {
			return nil, fmt.Errorf("holidays: %s: %w", name, err)
		}
		years = append(years, y)
	}
	return years, nil
}

// Parse reads one year in the shipped format (the body of
// PUT /api/v1/calendar/{year}) and validates it.
func Parse(b []byte) (govdata.CalendarYear, error) {
	var y govdata.CalendarYear
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&y); err != nil {
		return y, err
	}
	return y, govdata.ValidateCalendarYear(y)
}
