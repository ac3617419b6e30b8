package sqlstore_test

import (
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

func TestCalendarStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e, nil)
		cal := sqlstore.NewCalendarService(db)
		sys := storetest.System()
		shipped, err := holidays.China()
		if err != nil {
			t.Fatal(err)
		}
		sec := storetest.As(govdata.Actor{UserID: 7, Username: "sec", Roles: []govdata.Role{govdata.RoleSecadmin}})
		officer := storetest.As(govdata.Actor{UserID: 8, Username: "off", Roles: []govdata.Role{govdata.RoleOfficer}, DepartmentID: 1})

		// Only the platform seeds; it loads what is missing, once.
		if _, err := cal.SeedCalendarYears(sec, shipped); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("secadmin seeds: %v, want forbidden", err)
		}
		if n, err := cal.SeedCalendarYears(sys, shipped); err != nil || n != len(shipped) {
			t.Fatalf("first seed: %d, %v", n, err)
		}
		if n, err := cal.SeedCalendarYears(sys, shipped); err != nil || n != 0 {
			t.Fatalf("second seed: %d, %v; want 0", n, err)
		}

		// A correction replaces the year, takes effect at once, and survives a later seed.
		y, err := cal.FindCalendarYear(officer, 2026)
		if err != nil {
			t.Fatal(err)
		}
		from := govdata.Date{Year: 2026, Month: 9, Day: 18}
		c, _ := cal.Calendar(officer)
		// Fri 18, then Sun 20 (a make-up working day) is day 1 and Mon 21 day 2.
		if before, _ := c.AddWorkingDays(from, 2); before.String() != "2026-09-21" {
			t.Fatalf("before the correction, day 2 after %s = %s, want 2026-09-21", from, before)
		}
		y.Workdays = append(y.Workdays[:0:0], y.Workdays...)
		y.Holidays = append(y.Holidays, govdata.HolidayRange{Name: "测试假", From: govdata.Date{Year: 2026, Month: 9, Day: 21}, To: govdata.Date{Year: 2026, Month: 9, Day: 21}})
		if _, err := cal.PutCalendarYear(officer, *y); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("officer corrects: %v, want forbidden", err)
		}
		if _, err := cal.PutCalendarYear(sec, *y); err != nil {
			t.Fatal(err)
		}
		c, _ = cal.Calendar(officer)
		if w, known := c.IsWorkingDay(govdata.Date{Year: 2026, Month: 9, Day: 21}); w || !known {
			t.Fatalf("corrected 2026-09-21: working %v known %v, want a holiday", w, known)
		}
		if after, _ := c.AddWorkingDays(from, 2); after.String() != "2026-09-22" {
			t.Fatalf("after making Mon 21 a holiday, day 2 after %s = %s, want 2026-09-22", from, after)
		}
		if n, _ := cal.SeedCalendarYears(sys, shipped); n != 0 {
			t.Fatalf("seed after a correction added %d years", n)
		}
		got, _ := cal.FindCalendarYear(officer, 2026)
		if got.UpdatedBy != "sec" || len(got.Holidays) != len(y.Holidays) {
			t.Fatalf("the seed replaced the corrected year: %+v", got)
		}
		_, err = cal.FindCalendarYear(officer, 2019)
		if govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Fatalf("2019: %v, want not found", err)
		}
		// Invalid years change nothing.
		bad := *y
		bad.Workdays = append(bad.Workdays, govdata.MakeupDay{Name: "元旦", Date: govdata.Date{Year: 2026, Month: 1, Day: 2}})
		if _, err := cal.PutCalendarYear(sec, bad); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("holiday and working day: %v, want invalid", err)
		}
		if v, err := sqlstore.NewAuditService(db).VerifyAudit(sys, nil); err != nil || !v.Intact || v.Records != 2 {
			t.Fatalf("audit: %+v, %v; want the seed and the correction", v, err)
		}
	})
}
