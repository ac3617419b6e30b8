package holidays_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
)

// The years the shipped files must cover: CAL-1 asks for 2020 through the
// latest year the State Council has announced (2026 at the time of writing,
// which is also where lunar-go's table ends).
const (
	firstYear = 2020
	lastYear  = 2026
)

// mustChina returns the shipped years, failing the test if they do not load.
func mustChina(t *testing.T) []govdata.CalendarYear {
	t.Helper()
	years, err := holidays.China()
	if err != nil {
		t.Fatalf("China() = %v", err)
	}
	return years
}

// TestFilesParse reads every file of cn/ from disk (not through China, so a
// file the embed pattern missed would still be seen) and parses it with
// Parse, the same path as PUT /api/v1/calendar/{year}.
func TestFilesParse(t *testing.T) {
	names, err := filepath.Glob(filepath.Join("cn", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("cn/ holds no files")
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			if filepath.Ext(name) != ".json" {
				t.Fatalf("%s is not a .json file; China() would not ship it", name)
			}
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			y, err := holidays.Parse(b)
			if err != nil {
				t.Fatalf("Parse(%s) = %v", name, err)
			}
			if got, want := strconv.Itoa(y.Year)+".json", filepath.Base(name); got != want {
				t.Errorf("%s holds year %d", want, y.Year)
			}
			if len(y.Holidays) == 0 || len(y.Workdays) == 0 {
				t.Errorf("%s: %d holiday blocks, %d make-up days; every notice since 2020 has both",
					name, len(y.Holidays), len(y.Workdays))
			}
		})
	}
	if got := len(mustChina(t)); got != len(names) {
		t.Errorf("China() returns %d years, cn/ holds %d files", got, len(names))
	}
}

func TestYearsConsecutive(t *testing.T) {
	years := mustChina(t)
	if len(years) == 0 {
		t.Fatal("China() returns no years")
	}
	if got := years[0].Year; got != firstYear {
		t.Errorf("first year %d, want %d", got, firstYear)
	}
	for i := 1; i < len(years); i++ {
		if got, want := years[i].Year, years[i-1].Year+1; got != want {
			t.Errorf("years[%d] = %d, want %d (oldest first, no gaps, no repeats)", i, got, want)
		}
	}
	// A newly announced year may follow; none may be missing.
	if got := years[len(years)-1].Year; got < lastYear {
		t.Errorf("last year %d, want at least %d", got, lastYear)
	}
}

func TestSourceNamesNotice(t *testing.T) {
	for _, y := range mustChina(t) {
		// Every yearly notice is titled 国务院办公厅关于YYYY年部分节假日安排的通知.
		want := "国务院办公厅关于" + strconv.Itoa(y.Year) + "年部分节假日安排的通知"
		if !strings.Contains(y.Source, want) {
			t.Errorf("%d: source %q does not name %s", y.Year, y.Source, want)
		}
	}
}

// lunarWorking is whether lunar-go's table makes d a working day: a listed
// day is a make-up working day (IsWork) or a holiday; an unlisted day is a
// working day from Monday to Friday.
func lunarWorking(d govdata.Date) (working bool, listed *HolidayUtil.Holiday) {
	h := HolidayUtil.GetHoliday(d.String())
	if h == nil {
		wd := d.Weekday()
		return wd != time.Saturday && wd != time.Sunday, nil
	}
	return h.IsWork(), h
}

// statusDisagreements compares, day by day from 2020-01-01 to 2026-12-31,
// whether cal and lunar-go make the day a working day; it returns one line
// per day they disagree on, with both answers, and the number of days compared.
func statusDisagreements(t *testing.T, cal *govdata.Calendar) (lines []string, days int) {
	t.Helper()
	status := func(working bool) string {
		if working {
			return "working"
		}
		return "rest"
	}
	from := govdata.Date{Year: firstYear, Month: time.January, Day: 1}
	to := govdata.Date{Year: lastYear, Month: time.December, Day: 31}
	for d := from; !to.Before(d); d = d.AddDays(1) {
		days++
		ours, known := cal.IsWorkingDay(d)
		if !known {
			t.Errorf("%s: our calendar does not know %d", d, d.Year)
		}
		theirs, h := lunarWorking(d)
		if ours != theirs {
			listed := "not listed"
			if h != nil {
				listed = "listed as " + h.String()
			}
			lines = append(lines, fmt.Sprintf("%s (%s): ours %s, lunar-go %s (%s)",
				d, d.Weekday(), status(ours), status(theirs), listed))
		}
	}
	return lines, days
}

// TestAgainstLunarGo cross-checks every day of 2020–2026 with the table of
// github.com/6tail/lunar-go, kept independently from the same notices. A
// disagreement names the day and both answers; which one the notice
// supports has to be looked up before either table is changed.
func TestAgainstLunarGo(t *testing.T) {
	lines, days := statusDisagreements(t, govdata.NewCalendar(mustChina(t)))
	for _, l := range lines {
		t.Error(l)
	}
	// 2020-01-01 … 2026-12-31: 7 years, two of them (2020, 2024) leap.
	if want := 7*365 + 2; days != want {
		t.Errorf("compared %d days, want %d", days, want)
	}
	t.Logf("compared %d days with lunar-go, %d disagree", days, len(lines))
}

// TestAgainstLunarGoCanFail guards the cross-check itself: with one make-up
// day (2025-09-28, a working Sunday of the issue) and one holiday block
// (劳动节 2025, Thursday 05-01 to Monday 05-05) dropped from our years, it
// must report exactly those three weekdays and that Sunday besides whatever
// the shipped years already disagree on.
func TestAgainstLunarGoCanFail(t *testing.T) {
	var years []govdata.CalendarYear
	for _, y := range mustChina(t) {
		if y.Year == 2025 {
			var hs []govdata.HolidayRange
			for _, h := range y.Holidays {
				if h.Name != "劳动节" {
					hs = append(hs, h)
				}
			}
			var ws []govdata.MakeupDay
			for _, w := range y.Workdays {
				if w.Date.String() != "2025-09-28" {
					ws = append(ws, w)
				}
			}
			y.Holidays, y.Workdays = hs, ws
		}
		years = append(years, y)
	}
	// Only the days it adds to the real comparison's count, so that a real
	// disagreement is reported once, by TestAgainstLunarGo.
	base, _ := statusDisagreements(t, govdata.NewCalendar(mustChina(t)))
	lines, _ := statusDisagreements(t, govdata.NewCalendar(years))
	var got []string
	for _, l := range lines {
		if !slices.Contains(base, l) {
			got = append(got, l[:len("YYYY-MM-DD")])
		}
	}
	want := []string{"2025-05-01", "2025-05-02", "2025-05-05", "2025-09-28"}
	if !slices.Equal(got, want) {
		t.Fatalf("disagreements on %v, want %v:\n%s", got, want, strings.Join(lines, "\n"))
	}
}

// TestListedDaysAgainstLunarGo compares the listed days themselves, not only
// the working status: a holiday block missing a weekend day would not change
// any due date but would show wrong in GET /api/v1/calendar. The one
// allowed difference: a 元旦 block that starts on the weekend before 1
// January (2022-12-31; 2023-12-30 and 31) belongs to the next year's notice,
// and a year's file holds only days of its year, so ours does not list it.
func TestListedDaysAgainstLunarGo(t *testing.T) {
	ours := map[govdata.Date]govdata.CalendarDay{}
	for _, y := range mustChina(t) {
		for _, d := range y.Days() {
			ours[d.Date] = d
		}
	}
	from := govdata.Date{Year: firstYear, Month: time.January, Day: 1}
	to := govdata.Date{Year: lastYear, Month: time.December, Day: 31}
	for d := from; !to.Before(d); d = d.AddDays(1) {
		h := HolidayUtil.GetHoliday(d.String())
		o, listed := ours[d]
		switch {
		case h == nil && !listed:
		case h == nil:
			t.Errorf("%s: ours lists %s %s, lunar-go lists nothing", d, o.Kind, o.Name)
		case !listed:
			wd := d.Weekday()
			weekend := wd == time.Saturday || wd == time.Sunday
			if !h.IsWork() && weekend && h.GetTarget()[:4] != d.String()[:4] {
				continue // the next year's 元旦 block, see above
			}
			t.Errorf("%s: ours lists nothing, lunar-go lists %s", d, h)
		case (o.Kind == govdata.DayWorkday) != h.IsWork():
			t.Errorf("%s: ours lists %s %s, lunar-go lists %s (work %v)", d, o.Kind, o.Name, h, h.IsWork())
		}
	}
}

// TestLunarGoCoversYears guards the cross-check itself: if lunar-go's table
// had no entries for a year, TestAgainstLunarGo would compare that year
// with weekends only and prove nothing about the holidays.
func TestLunarGoCoversYears(t *testing.T) {
	for y := firstYear; y <= lastYear; y++ {
		if n := HolidayUtil.GetHolidaysByYear(y).Len(); n < 20 {
			t.Errorf("lunar-go lists %d days in %d; a year's notice has at least 20", n, y)
		}
	}
}
