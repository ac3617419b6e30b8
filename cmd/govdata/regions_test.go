package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// regionsCSV is a region list of n rows under 北京 (110000), children
// before their parents: cities, counties, townships and villages.
func regionsCSV(n int) string {
	var lines []string
	add := func(code string) bool {
		if len(lines) == n {
			return false
		}
		lines = append(lines, code+",区划"+code)
		return true
	}
	if !add("110000") {
		return ""
	}
outer:
	for c := 1; c <= 10; c++ {
		city := fmt.Sprintf("11%02d", c)
		if !add(city + "00") {
			break
		}
		for d := 1; d <= 10; d++ {
			county := fmt.Sprintf("%s%02d", city, d)
			if !add(county) {
				break outer
			}
			for tw := 1; tw <= 20; tw++ {
				town := fmt.Sprintf("%s%03d", county, tw)
				if !add(town) {
					break outer
				}
				for v := 1; v <= 10; v++ {
					if !add(fmt.Sprintf("%s%03d", town, v)) {
						break outer
					}
				}
			}
		}
	}
	slices.Reverse(lines)
	return "code,name\n" + strings.Join(lines, "\n") + "\n"
}

// TestRegionsImportLarge: a large list is imported in chunks with progress
// on standard error; a list with a row whose parent is nowhere is refused
// whole before any chunk is written, naming the row's line.
func TestRegionsImportLarge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		const n = 12000
		stdout, stderr, code := c.run("regions import", writeFile(t, "large.csv", regionsCSV(n)))
		if code != 0 || stdout != fmt.Sprintf("regions imported: %d created, 0 renamed, 0 unchanged\n", n) {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		for _, want := range []string{"importing 12000 regions in chunks of 1000", "1000 of 12000 regions (8%)", "12000 of 12000 regions (100%)\n"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr does not say %q: %q", want, stderr)
			}
		}
		db := c.open()
		l, err := sqlstore.NewAuditService(db).FindAudit(system, govdata.AuditFilter{Action: "region.import", Page: govdata.Page{Limit: 100}})
		if err != nil || len(l.Items) != 12 {
			t.Errorf("region.import records: %d, %v; want 12, one per chunk", len(l.Items), err)
		}

		// The orphan is on the last line of the file, in the last chunk.
		orphan := regionsCSV(n) + "120101001001,孤村\n"
		stdout, stderr, code = c.run("regions import", writeFile(t, "orphan.csv", orphan))
		if code != 1 || stdout != "" || !strings.Contains(stderr, fmt.Sprintf("row %d: parent region does not exist: 120101001", n+2)) {
			t.Errorf("orphan: exit %d, stdout %q, stderr %q; want 1 naming line %d", code, stdout, stderr, n+2)
		}
		if strings.Contains(stderr, "stopped after") {
			t.Errorf("orphan: stderr says part was imported: %q", stderr)
		}
		l, err = sqlstore.NewAuditService(db).FindAudit(system, govdata.AuditFilter{Action: "region.import", Page: govdata.Page{Limit: 100}})
		if err != nil || len(l.Items) != 12 {
			t.Errorf("region.import records after the refused import: %d, %v; want still 12", len(l.Items), err)
		}
	})
}
