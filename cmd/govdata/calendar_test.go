package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

func TestCalendarCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		// The shipped years are there from the first command on.
		out := c.mustRun("calendar show", "2026")
		for _, want := range []string{"2026-02-14 Sat 班 春节", "2026-02-23 Mon 休 春节", "2026-10-10 Sat 班 国庆节"} {
			if !strings.Contains(out, want) {
				t.Errorf("calendar show 2026 lacks %q:\n%s", want, out)
			}
		}
		if out := c.mustRun("calendar show", "2027"); !strings.Contains(out, "not loaded") {
			t.Errorf("calendar show 2027: %q", out)
		}
		file := writeFile(t, "2027.json", `{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
			"holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}],
			"workdays": [{"name": "春节", "date": "2027-02-06"}]}`)
		if out := c.mustRun("calendar load", file); !strings.Contains(out, "loaded 2027") {
			t.Errorf("calendar load: %q", out)
		}
		if out := c.mustRun("calendar show", "2027"); !strings.Contains(out, "2027-02-06 Sat 班 春节") {
			t.Errorf("calendar show 2027 after loading: %q", out)
		}
		bad := writeFile(t, "bad.json", `{"year": 2027, "source": "x", "workdays": [{"name": "春节", "date": "2027-02-08"}]}`)
		if _, stderr, code := c.run("calendar load", bad); code != 1 || !strings.Contains(stderr, "2027-02-08") {
			t.Errorf("loading a working Monday: exit %d, stderr %q; want 1 naming the day", code, stderr)
		}
		if _, _, code := c.run("calendar"); code != 2 {
			t.Errorf("calendar without a subcommand: exit %d, want 2", code)
		}
	})
}

// CAL-1 (issue 11): govdata calendar load counts again the open due dates
// counted through the year it loads, as the API does.
func TestCalendarLoadRecounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		c.mustRun("calendar show", "2026") // creates the store with the shipped years
		// Thu 2026-12-31: the default catalog change is filed in 5 working
		// days; 2027 unknown: 1, 4, 5, 6, 7 → 2027-01-07.
		db, err := sqlstore.Open(context.Background(), sqlstore.Options{DataDir: c.dir, DSN: c.dsn, MasterKey: testMasterKey,
			Clock: storetest.NewClock(time.Date(2026, 12, 31, 2, 0, 0, 0, time.UTC))})
		if err != nil {
			t.Fatal(err)
		}
		p, err := profiles.Shipped(profiles.Default)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sqlstore.NewRegionService(db).CreateRegion(system, govdata.RegionInput{Code: "230000", Name: "黑龙江省"}); err != nil {
			t.Fatal(err)
		}
		code := "11230000000000000"
		check, _ := govdata.CreditCodeCheckChar(code)
		dept, err := sqlstore.NewDepartmentService(db).CreateDepartment(system, govdata.DepartmentInput{Name: "黑龙江省数据局", CreditCode: code + string(check),
			RegionCode: "230000", Level: govdata.LevelProvince, Bureau: true})
		if err != nil {
			t.Fatal(err)
		}
		flows := sqlstore.NewWorkflowService(sqlstore.NewBase(db, p, time.FixedZone("CST", 8*3600)))
		w, err := flows.Start(system, govdata.StartWorkflow{Kind: govdata.WorkflowCatalogChange, SubjectType: "catalog_entry", SubjectID: "1",
			Parties: govdata.Parties{govdata.PartyBureau: dept.ID, govdata.PartyProvider: dept.ID}})
		if err != nil || w.Due.String() != "2027-01-07" || w.CalendarKnown {
			t.Fatalf("start: %+v, %v", w, err)
		}
		db.Close()
		file := writeFile(t, "2027.json", `{"year": 2027, "source": "test notice", "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}]}`)
		c.mustRun("calendar load", file)
		got, err := sqlstore.NewWorkflowService(sqlstore.NewBase(c.open(), p, time.FixedZone("CST", 8*3600))).FindInstanceByID(system, w.ID)
		if err != nil || got.Due.String() != "2027-01-08" || !got.CalendarKnown {
			t.Fatalf("after calendar load: %+v (due %v), %v; want 2027-01-08 known", got, got.Due, err)
		}
	})
}
