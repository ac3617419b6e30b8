package govdata_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
)

// mustDate parses a YYYY-MM-DD literal of a test table.
func mustDate(t testing.TB, s string) govdata.Date {
	t.Helper()
	d, err := govdata.ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q) = %v", s, err)
	}
	return d
}

// mustCalendar is the calendar of the shipped years, 2020–2026.
func mustCalendar(t testing.TB) *govdata.Calendar {
	t.Helper()
	years, err := holidays.China()
	if err != nil {
		t.Fatalf("holidays.China() = %v", err)
	}
	return govdata.NewCalendar(years)
}

// dueCase is one due-date computation: a step that began on from and has n
// working days is due on due. known is calendar_known.
type dueCase struct {
	name  string
	from  string
	n     int
	due   string
	known bool
}

func runDueCases(t *testing.T, cal *govdata.Calendar, tests []dueCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, known := cal.AddWorkingDays(mustDate(t, tt.from), tt.n)
			if got, want := due.String(), tt.due; got != want || known != tt.known {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, %v; want %s, %v", tt.from, tt.n, got, known, want, tt.known)
			}
		})
	}
}

// TestAddWorkingDaysRule pins the counting rule of CAL-1: the day from does
// not count, the first working day after it is day 1, the due date is the
// Nth working day, and n = 0 is from itself.
func TestAddWorkingDaysRule(t *testing.T) {
	runDueCases(t, mustCalendar(t), []dueCase{
		{"n=0 is from itself", "2025-03-04", 0, "2025-03-04", true},
		{"n=0 on a holiday is still from", "2025-10-01", 0, "2025-10-01", true},
		{"n=0 on a weekend is still from", "2025-03-08", 0, "2025-03-08", true},
		// Tue 03-04 does not count; Wed 03-05 is day 1.
		{"from does not count", "2025-03-04", 1, "2025-03-05", true},
		// Mon 03-03 … Fri 03-07 is one week: 03-04..03-07 are days 1–4, Mon 03-10 is day 5.
		{"a week", "2025-03-03", 5, "2025-03-10", true},
		// Fri 03-07; Sat and Sun rest; Mon 03-10 is day 1.
		{"Friday plus one is Monday", "2025-03-07", 1, "2025-03-10", true},
		// From a Saturday: Sun rests, Mon 03-10 is day 1.
		{"from a Saturday", "2025-03-08", 1, "2025-03-10", true},
		{"from a Sunday", "2025-03-09", 1, "2025-03-10", true},
		// From a holiday of 国庆 2025: the rest of the block (10-04…10-08) rests, Thu 10-09 is day 1.
		{"from a holiday", "2025-10-03", 1, "2025-10-09", true},
		{"from the last day of a holiday", "2025-10-08", 1, "2025-10-09", true},
		// From a weekend day inside 春节 2026 (Sun 02-15 … Mon 02-23): Tue 02-24 is day 1.
		{"from a weekend holiday", "2026-02-15", 1, "2026-02-24", true},
		// From the working Sunday 2025-09-28: it does not count, Mon 09-29 is day 1.
		{"from a make-up Sunday", "2025-09-28", 1, "2025-09-29", true},
		// From Fri 10-10 2025: Sat 10-11 is a make-up working day, day 1.
		{"the day after from is a make-up Saturday", "2025-10-10", 1, "2025-10-11", true},
	})
}

// TestAddWorkingDaysIssueExamples follows the examples of issue 3 (CAL-1):
// 2025-09-28 (Sun) and 2025-10-11 (Sat) are working days, 2025-10-01…08 are
// holidays; 2026-02-14 (Sat) is a working day, 2026-02-15…23 are holidays.
func TestAddWorkingDaysIssueExamples(t *testing.T) {
	runDueCases(t, mustCalendar(t), []dueCase{
		// Tue 09-30 does not count; 10-01…08 rest; Thu 10-09 is day 1.
		{"国庆 2025 skipped", "2025-09-30", 1, "2025-10-09", true},
		// Sat 09-27 rests; Sun 09-28 is day 1.
		{"2025-09-28 is day 1", "2025-09-26", 1, "2025-09-28", true},
		// 10-09 day 1, 10-10 day 2, Sat 10-11 day 3.
		{"2025-10-11 is day 3", "2025-09-30", 3, "2025-10-11", true},
		// Sat 02-14 is day 1; 02-15…23 rest; Tue 02-24 is day 2.
		{"2026-02-14 is day 1, 春节 skipped", "2026-02-13", 2, "2026-02-24", true},
	})
}

// TestAddWorkingDaysSeasons crosses every holiday season of 2020–2026 as the
// State Council notices set them. Each expected date was counted by hand
// from the notice; the comment gives the count (day k = kth working day).
// 元旦 2020 (2020-01-01 only) can only be crossed from 2019: see
// TestAddWorkingDaysUnknownYears.
func TestAddWorkingDaysSeasons(t *testing.T) {
	runDueCases(t, mustCalendar(t), []dueCase{
		// 2020 (国办发明电〔2019〕16号, extended by 国办发明电〔2020〕1号).
		// 春节 01-24…01-30, make-up Sun 01-19: Sat 01-18 rests, Sun 01-19 day 1,
		// Mon 01-20…Thu 01-23 days 2–5.
		{"2020 春节 make-up Sunday", "2020-01-17", 5, "2020-01-23", true},
		// 春节 extended to 02-02, and the make-up Sat 02-01 cancelled: 01-24…02-02
		// rest, Mon 02-03 day 1 … Fri 02-07 day 5.
		{"2020 春节 extended", "2020-01-23", 5, "2020-02-07", true},
		// 清明 Sat 04-04…Mon 04-06: Tue 04-07 day 1.
		{"2020 清明", "2020-04-03", 1, "2020-04-07", true},
		// 劳动节 Fri 05-01…Tue 05-05, make-up Sun 04-26 and Sat 05-09: Sun 04-26 day 1,
		// 04-27…04-30 days 2–5, 05-06…05-08 days 6–8, Sat 05-09 day 9, Sun 05-10 rests,
		// Mon 05-11 day 10.
		{"2020 劳动节", "2020-04-24", 10, "2020-05-11", true},
		// 端午 Thu 06-25…Sat 06-27, make-up Sun 06-28: Sun 06-28 day 1, Mon 06-29 day 2.
		{"2020 端午", "2020-06-24", 2, "2020-06-29", true},
		// 国庆、中秋 Thu 10-01…Thu 10-08, make-up Sun 09-27 and Sat 10-10: Sun 09-27 day 1,
		// 09-28…09-30 days 2–4, Fri 10-09 day 5, Sat 10-10 day 6.
		{"2020 国庆中秋", "2020-09-25", 6, "2020-10-10", true},

		// 2021 (国办发明电〔2020〕27号).
		// 元旦 Fri 01-01…Sun 01-03: Mon 01-04 day 1.
		{"2021 元旦", "2020-12-31", 1, "2021-01-04", true},
		// 春节 Thu 02-11…Wed 02-17, make-up Sun 02-07 and Sat 02-20: Sun 02-07 day 1,
		// 02-08…02-10 days 2–4, Thu 02-18 day 5, Fri 02-19 day 6, Sat 02-20 day 7.
		{"2021 春节", "2021-02-05", 7, "2021-02-20", true},
		// 清明 Sat 04-03…Mon 04-05: Tue 04-06 day 1.
		{"2021 清明", "2021-04-02", 1, "2021-04-06", true},
		// 劳动节 Sat 05-01…Wed 05-05, make-up Sun 04-25 and Sat 05-08: Sun 04-25 day 1,
		// 04-26…04-30 days 2–6, Thu 05-06 day 7, Fri 05-07 day 8, Sat 05-08 day 9.
		{"2021 劳动节", "2021-04-23", 9, "2021-05-08", true},
		// 端午 Sat 06-12…Mon 06-14: Tue 06-15 day 1.
		{"2021 端午", "2021-06-11", 1, "2021-06-15", true},
		// 中秋 Sun 09-19…Tue 09-21 with make-up Sat 09-18; 国庆 Fri 10-01…Thu 10-07 with
		// make-up Sun 09-26 and Sat 10-09: Sat 09-18 day 1, 09-22…09-24 days 2–4,
		// Sat 09-25 rests, Sun 09-26 day 5, 09-27…09-30 days 6–9, Fri 10-08 day 10,
		// Sat 10-09 day 11.
		{"2021 中秋 and 国庆", "2021-09-17", 11, "2021-10-09", true},

		// 2022 (国办发明电〔2021〕11号).
		// 元旦 Sat 01-01…Mon 01-03: Tue 01-04 day 1.
		{"2022 元旦", "2021-12-31", 1, "2022-01-04", true},
		// 春节 Mon 01-31…Sun 02-06, make-up Sat 01-29 and Sun 01-30: those are days 1
		// and 2, Mon 02-07 day 3.
		{"2022 春节", "2022-01-28", 3, "2022-02-07", true},
		// 清明 Sun 04-03…Tue 04-05, make-up Sat 04-02: Sat 04-02 day 1, Wed 04-06 day 2.
		{"2022 清明", "2022-04-01", 2, "2022-04-06", true},
		// 劳动节 Sat 04-30…Wed 05-04, make-up Sun 04-24 and Sat 05-07: Sun 04-24 day 1,
		// 04-25…04-29 days 2–6, Thu 05-05 day 7, Fri 05-06 day 8, Sat 05-07 day 9.
		{"2022 劳动节", "2022-04-22", 9, "2022-05-07", true},
		// 端午 Fri 06-03…Sun 06-05: Mon 06-06 day 1.
		{"2022 端午", "2022-06-02", 1, "2022-06-06", true},
		// 中秋 Sat 09-10…Mon 09-12: Tue 09-13 day 1.
		{"2022 中秋", "2022-09-09", 1, "2022-09-13", true},
		// 国庆 Sat 10-01…Fri 10-07, make-up Sat 10-08 and Sun 10-09: those are days 1
		// and 2, Mon 10-10 day 3.
		{"2022 国庆", "2022-09-30", 3, "2022-10-10", true},

		// 2023 (国办发明电〔2022〕16号).
		// 元旦 Sat 2022-12-31…Mon 01-02: Tue 01-03 day 1.
		{"2023 元旦", "2022-12-30", 1, "2023-01-03", true},
		// 春节 Sat 01-21…Fri 01-27, make-up Sat 01-28 and Sun 01-29: those are days 1
		// and 2, Mon 01-30 day 3.
		{"2023 春节", "2023-01-20", 3, "2023-01-30", true},
		// 清明 Wed 04-05 only: Thu 04-06 day 1.
		{"2023 清明", "2023-04-04", 1, "2023-04-06", true},
		// 劳动节 Sat 04-29…Wed 05-03, make-up Sun 04-23 and Sat 05-06: Sun 04-23 day 1,
		// 04-24…04-28 days 2–6, Thu 05-04 day 7, Fri 05-05 day 8, Sat 05-06 day 9.
		{"2023 劳动节", "2023-04-21", 9, "2023-05-06", true},
		// 端午 Thu 06-22…Sat 06-24, make-up Sun 06-25: Sun 06-25 day 1.
		{"2023 端午", "2023-06-21", 1, "2023-06-25", true},
		// 中秋、国庆 Fri 09-29…Fri 10-06, make-up Sat 10-07 and Sun 10-08: those are
		// days 1 and 2, Mon 10-09 day 3.
		{"2023 中秋国庆", "2023-09-28", 3, "2023-10-09", true},

		// 2024 (国办发明电〔2023〕7号).
		// 元旦 Sat 2023-12-30…Mon 01-01: Tue 01-02 day 1.
		{"2024 元旦", "2023-12-29", 1, "2024-01-02", true},
		// 春节 Sat 02-10…Sat 02-17, make-up Sun 02-04 and Sun 02-18; 除夕 Fri 02-09 is a
		// working day (the notice only encourages leave): Sun 02-04 day 1, 02-05…02-09
		// days 2–6, Sun 02-18 day 7.
		{"2024 春节", "2024-02-02", 7, "2024-02-18", true},
		// 清明 Thu 04-04…Sat 04-06, make-up Sun 04-07: Sun 04-07 day 1, Mon 04-08 day 2.
		{"2024 清明", "2024-04-03", 2, "2024-04-08", true},
		// 劳动节 Wed 05-01…Sun 05-05, make-up Sun 04-28 and Sat 05-11: Sun 04-28 day 1,
		// 04-29…04-30 days 2–3, 05-06…05-10 days 4–8, Sat 05-11 day 9.
		{"2024 劳动节", "2024-04-26", 9, "2024-05-11", true},
		// 端午 Sat 06-08…Mon 06-10: Tue 06-11 day 1.
		{"2024 端午", "2024-06-07", 1, "2024-06-11", true},
		// 中秋 Sun 09-15…Tue 09-17, make-up Sat 09-14: Sat 09-14 day 1, Wed 09-18 day 2.
		{"2024 中秋", "2024-09-13", 2, "2024-09-18", true},
		// 国庆 Tue 10-01…Mon 10-07, make-up Sun 09-29 and Sat 10-12: Sun 09-29 day 1,
		// Mon 09-30 day 2, 10-08…10-11 days 3–6, Sat 10-12 day 7, Sun 10-13 rests,
		// 10-14…10-16 days 8–10.
		{"2024 国庆", "2024-09-27", 10, "2024-10-16", true},

		// 2025 (国办发明电〔2024〕12号).
		// 元旦 Wed 01-01: Thu 01-02 day 1.
		{"2025 元旦", "2024-12-31", 1, "2025-01-02", true},
		// 春节 Tue 01-28…Tue 02-04, make-up Sun 01-26 and Sat 02-08: Sun 01-26 day 1,
		// Mon 01-27 day 2, 02-05…02-07 days 3–5, Sat 02-08 day 6, Sun 02-09 rests,
		// 02-10…02-13 days 7–10.
		{"2025 春节", "2025-01-24", 10, "2025-02-13", true},
		// 清明 Fri 04-04…Sun 04-06: Mon 04-07 day 1.
		{"2025 清明", "2025-04-03", 1, "2025-04-07", true},
		// 劳动节 Thu 05-01…Mon 05-05, make-up Sun 04-27: Sun 04-27 day 1, 04-28…04-30
		// days 2–4, Tue 05-06 day 5.
		{"2025 劳动节", "2025-04-25", 5, "2025-05-06", true},
		// 端午 Sat 05-31…Mon 06-02: Tue 06-03 day 1.
		{"2025 端午", "2025-05-30", 1, "2025-06-03", true},
		// 国庆、中秋 Wed 10-01…Wed 10-08, make-up Sun 09-28 and Sat 10-11: Sun 09-28
		// day 1, 09-29…09-30 days 2–3, 10-09…10-10 days 4–5, Sat 10-11 day 6.
		{"2025 国庆中秋", "2025-09-26", 6, "2025-10-11", true},

		// 2026 (国务院办公厅关于2026年部分节假日安排的通知).
		// 元旦 Thu 01-01…Sat 01-03, make-up Sun 01-04: Sun 01-04 day 1.
		{"2026 元旦", "2025-12-31", 1, "2026-01-04", true},
		// 春节 Sun 02-15…Mon 02-23, make-up Sat 02-14 and Sat 02-28: Sat 02-14 day 1,
		// 02-24…02-27 days 2–5, Sat 02-28 day 6.
		{"2026 春节", "2026-02-13", 6, "2026-02-28", true},
		// 清明 Sat 04-04…Mon 04-06: Tue 04-07 day 1.
		{"2026 清明", "2026-04-03", 1, "2026-04-07", true},
		// 劳动节 Fri 05-01…Tue 05-05, make-up Sat 05-09: 05-06…05-08 days 1–3, Sat 05-09 day 4.
		{"2026 劳动节", "2026-04-30", 4, "2026-05-09", true},
		// 端午 Fri 06-19…Sun 06-21: Mon 06-22 day 1.
		{"2026 端午", "2026-06-18", 1, "2026-06-22", true},
		// 中秋 Fri 09-25…Sun 09-27; 国庆 Thu 10-01…Wed 10-07 with make-up Sun 09-20 and
		// Sat 10-10: Sun 09-20 day 1, 09-21…09-24 days 2–5, 09-28…09-30 days 6–8,
		// 10-08…10-09 days 9–10, Sat 10-10 day 11.
		{"2026 中秋 and 国庆", "2026-09-18", 11, "2026-10-10", true},
	})
}

// TestAddWorkingDaysYearBoundaries counts across 31 December.
func TestAddWorkingDaysYearBoundaries(t *testing.T) {
	runDueCases(t, mustCalendar(t), []dueCase{
		// Wed 2025-12-31; 元旦 2026 Thu 01-01…Sat 01-03 rest; Sun 01-04 (make-up) day 1,
		// Mon 01-05 day 2, Tue 01-06 day 3.
		{"2025-12-31 + 3", "2025-12-31", 3, "2026-01-06", true},
		// Thu 2020-12-31; 元旦 2021 Fri 01-01…Sun 01-03; Mon 01-04 day 1.
		{"2020-12-31 + 1", "2020-12-31", 1, "2021-01-04", true},
		// Wed 2026-12-30; Thu 12-31 day 1, still inside 2026.
		{"2026-12-30 + 1 ends in 2026", "2026-12-30", 1, "2026-12-31", true},
		// Wed 2026-12-30; Thu 12-31 day 1; 2027 is not shipped, so weekends only:
		// Fri 01-01 day 2, Sat/Sun rest, 01-04…01-06 days 3–5.
		{"2026-12-30 + 5 runs into 2027", "2026-12-30", 5, "2027-01-06", false},
	})
}

// TestAddWorkingDaysUnknownYears: a count that runs into a year the calendar
// does not know still answers, counting weekends only there, with
// calendar_known false (CAL-1).
func TestAddWorkingDaysUnknownYears(t *testing.T) {
	runDueCases(t, mustCalendar(t), []dueCase{
		// Thu 2026-12-31; Fri 2027-01-01 is day 1 (weekends only: no 元旦 yet).
		{"into 2027", "2026-12-31", 1, "2027-01-01", false},
		{"inside 2027", "2027-03-01", 5, "2027-03-08", false},
		{"n=0 in 2027", "2027-03-01", 0, "2027-03-01", false},
		// Mon 2019-09-30; 2019 is not shipped, so Tue 10-01 counts (it was 国庆).
		{"inside 2019", "2019-09-30", 1, "2019-10-01", false},
		// Fri 2019-09-27 → Mon 09-30 (Sun 09-29, a 2019 make-up day, unknown here).
		{"inside 2019, weekend", "2019-09-27", 1, "2019-09-30", false},
		// Mon 2026-03-02; 03-03…03-06 days 1–4, Mon 03-09 day 5.
		{"inside 2026", "2026-03-02", 5, "2026-03-09", true},
		// Mon 2019-12-30; Tue 12-31 (2019, unknown) day 1; 元旦 2020-01-01 rests; Thu
		// 01-02 day 2, Fri 01-03 day 3. The count ran through 2019 and ends in a
		// known year: still unknown.
		{"through the end of 2019 into 2020", "2019-12-30", 3, "2020-01-03", false},
		// Tue 2019-12-31 does not count; 元旦 Wed 2020-01-01 rests (2020 is known);
		// Thu 01-02 day 1, Fri 01-03 day 2. Every counted day is in 2020, so the
		// count never ran into an unknown year: calendar_known is true by CAL-1
		// ("when the count runs into a year the calendar does not know").
		{"from in 2019, every counted day in 2020 (元旦 2020)", "2019-12-31", 2, "2020-01-03", true},
	})
}

// TestAddWorkingDaysWeekendsOnly covers the weekends-only path: a calendar
// that knows no year counts Monday to Friday and says so; a year loaded with
// no holidays (a notice with none) counts the same but is known.
func TestAddWorkingDaysWeekendsOnly(t *testing.T) {
	t.Run("no years", func(t *testing.T) {
		runDueCases(t, govdata.NewCalendar(nil), []dueCase{
			// 国庆 2025 is unknown: Wed 10-01 is day 1.
			{"holiday counts", "2025-09-30", 1, "2025-10-01", false},
			// Sun 09-28 is unknown as a make-up day: Fri 09-26 → Mon 09-29.
			{"make-up day rests", "2025-09-26", 1, "2025-09-29", false},
			// 10 working days from Fri 2025-09-26: two full weeks, Fri 10-10.
			{"two weeks", "2025-09-26", 10, "2025-10-10", false},
		})
	})
	t.Run("a gap between known years", func(t *testing.T) {
		cal := govdata.NewCalendar([]govdata.CalendarYear{{Year: 2025, Source: "test"}, {Year: 2027, Source: "test"}})
		runDueCases(t, cal, []dueCase{
			// Wed 2025-12-31 → Thu 2026-01-01: 2026 is not loaded.
			{"into the gap", "2025-12-31", 1, "2026-01-01", false},
			// Wed 2025-12-31 + 262: 2026 has 261 weekdays (Thu 01-01 … Thu 12-31), so
			// Fri 2027-01-01 is day 262; the count ends in a known year but passed 2026.
			{"across the gap", "2025-12-31", 262, "2027-01-01", false},
			{"inside 2027", "2027-01-01", 1, "2027-01-04", true},
		})
	})
	t.Run("a year with no holidays", func(t *testing.T) {
		cal := govdata.NewCalendar([]govdata.CalendarYear{{Year: 2027, Source: "test"}})
		runDueCases(t, cal, []dueCase{
			// Fri 2027-01-01 → Mon 01-04.
			{"weekends only, known", "2027-01-01", 1, "2027-01-04", true},
			// Into 2028, not loaded: Fri 2027-12-31 → Mon 2028-01-03, unknown.
			{"into the next year", "2027-12-31", 1, "2028-01-03", false},
		})
	})
}

// TestAddWorkingDaysCountsWorkingDays checks, for every from in 2020–2026
// and n up to 40, that the due date is a working day and that exactly n
// working days lie in (from, due], as IsWorkingDay tells them.
func TestAddWorkingDaysCountsWorkingDays(t *testing.T) {
	cal := mustCalendar(t)
	end := mustDate(t, "2026-11-01") // + 40 working days stays inside 2026
	for from := mustDate(t, "2020-01-01"); from.Before(end); from = from.AddDays(1) {
		for n := 0; n <= 40; n++ {
			due, known := cal.AddWorkingDays(from, n)
			if !known {
				t.Fatalf("AddWorkingDays(%s, %d): calendar_known false inside 2020–2026", from, n)
			}
			count := 0
			for d := from.AddDays(1); !due.Before(d); d = d.AddDays(1) {
				if w, _ := cal.IsWorkingDay(d); w {
					count++
				}
			}
			if w, _ := cal.IsWorkingDay(due); count != n || (n > 0 && !w) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s: %d working days after from, due a working day: %v",
					from, n, due, count, w)
			}
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	cal := mustCalendar(t)
	tests := []struct {
		day            string
		working, known bool
	}{
		{"2025-09-28", true, true},  // Sun, make-up day of 国庆 2025
		{"2025-10-11", true, true},  // Sat, make-up day of 国庆 2025
		{"2025-09-27", false, true}, // an ordinary Saturday
		{"2025-10-09", true, true},  // Thu after 国庆 2025
		{"2026-02-14", true, true},  // Sat, make-up day of 春节 2026
		{"2026-02-28", true, true},  // Sat, make-up day of 春节 2026
		{"2026-01-04", true, true},  // Sun, make-up day of 元旦 2026
		{"2026-02-24", true, true},  // Tue after 春节 2026
		{"2020-01-31", false, true}, // Fri, 春节 2020 as extended
		{"2020-02-01", false, true}, // Sat, make-up day cancelled by the extension
		{"2024-02-09", true, true},  // Fri, 除夕 2024: a working day by the notice
		{"2025-03-05", true, true},  // an ordinary Wednesday
		{"2019-10-01", true, false}, // 国庆 2019, but 2019 is not shipped: weekday
		{"2027-01-01", true, false}, // 2027 is not shipped: weekday
		{"2027-01-02", false, false},
	}
	for _, tt := range tests {
		working, known := cal.IsWorkingDay(mustDate(t, tt.day))
		if working != tt.working || known != tt.known {
			t.Errorf("IsWorkingDay(%s) = %v, %v; want %v, %v", tt.day, working, known, tt.working, tt.known)
		}
	}
	// The blocks of the issue, day by day.
	for _, block := range [][2]string{{"2025-10-01", "2025-10-08"}, {"2026-02-15", "2026-02-23"}} {
		for d := mustDate(t, block[0]); !mustDate(t, block[1]).Before(d); d = d.AddDays(1) {
			if working, known := cal.IsWorkingDay(d); working || !known {
				t.Errorf("IsWorkingDay(%s) = %v, %v; want false, true (holiday)", d, working, known)
			}
		}
	}
}

// TestShippedDaysInCalendar checks that NewCalendar takes in every listed day
// of the shipped years: each make-up day is a Saturday or Sunday that works,
// each holiday a rest day.
func TestShippedDaysInCalendar(t *testing.T) {
	years, err := holidays.China()
	if err != nil {
		t.Fatal(err)
	}
	cal := govdata.NewCalendar(years)
	makeup := 0
	for _, y := range years {
		if !cal.Knows(y.Year) {
			t.Errorf("Knows(%d) = false", y.Year)
		}
		for _, d := range y.Days() {
			working, known := cal.IsWorkingDay(d.Date)
			want := d.Kind == govdata.DayWorkday
			if working != want || !known {
				t.Errorf("IsWorkingDay(%s) = %v, %v; want %v, true (%s %s)", d.Date, working, known, want, d.Kind, d.Name)
			}
			if d.Kind == govdata.DayWorkday {
				makeup++
				if wd := d.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
					t.Errorf("make-up day %s is a %s", d.Date, wd)
				}
			}
		}
	}
	// 6+7+7+7+8+5+6 make-up days in the notices of 2020–2026.
	if makeup != 46 {
		t.Errorf("%d make-up days shipped, want 46", makeup)
	}
	for _, y := range []int{2019, 2027} {
		if cal.Knows(y) {
			t.Errorf("Knows(%d) = true", y)
		}
	}
}

// validYear is a well-formed year: 国庆、中秋 2025 as the notice states it.
func validYear() govdata.CalendarYear {
	d := func(s string) govdata.Date {
		v, err := govdata.ParseDate(s)
		if err != nil {
			panic(err)
		}
		return v
	}
	return govdata.CalendarYear{
		Year:   2025,
		Source: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
		Holidays: []govdata.HolidayRange{
			{Name: "元旦", From: d("2025-01-01"), To: d("2025-01-01")},
			{Name: "国庆节、中秋节", From: d("2025-10-01"), To: d("2025-10-08")},
		},
		Workdays: []govdata.MakeupDay{
			{Name: "国庆节、中秋节", Date: d("2025-09-28")},
			{Name: "国庆节、中秋节", Date: d("2025-10-11")},
		},
	}
}

func TestValidateCalendarYear(t *testing.T) {
	date := func(s string) govdata.Date { return mustDate(t, s) }
	tests := []struct {
		name   string
		change func(y *govdata.CalendarYear)
		want   map[string]govdata.Msg
	}{
		{"valid", func(y *govdata.CalendarYear) {}, nil},
		{"no holidays at all", func(y *govdata.CalendarYear) { y.Holidays, y.Workdays = nil, nil }, nil},
		{"year 2000", func(y *govdata.CalendarYear) { y.Year, y.Holidays, y.Workdays = 2000, nil, nil }, nil},
		{"year 2100", func(y *govdata.CalendarYear) { y.Year, y.Holidays, y.Workdays = 2100, nil, nil }, nil},
		{"year 1999", func(y *govdata.CalendarYear) { y.Year = 1999 },
			map[string]govdata.Msg{"year": govdata.MsgCalendarYear}},
		{"year 2101", func(y *govdata.CalendarYear) { y.Year = 2101 },
			map[string]govdata.Msg{"year": govdata.MsgCalendarYear}},
		{"year 0", func(y *govdata.CalendarYear) { y.Year = 0 },
			map[string]govdata.Msg{"year": govdata.MsgCalendarYear}},
		{"missing source", func(y *govdata.CalendarYear) { y.Source = "" },
			map[string]govdata.Msg{"source": govdata.MsgCalendarSource}},
		{"blank source", func(y *govdata.CalendarYear) { y.Source = " 　\t" },
			map[string]govdata.Msg{"source": govdata.MsgCalendarSource}},
		{"source of 200 characters", func(y *govdata.CalendarYear) { y.Source = strings.Repeat("通", 200) }, nil},
		{"source of 201 characters", func(y *govdata.CalendarYear) { y.Source = strings.Repeat("通", 201) },
			map[string]govdata.Msg{"source": govdata.MsgCalendarSource}},
		{"holiday without a name", func(y *govdata.CalendarYear) { y.Holidays[1].Name = "" },
			map[string]govdata.Msg{"holidays[1].name": govdata.MsgCalendarName}},
		{"holiday with a blank name", func(y *govdata.CalendarYear) { y.Holidays[0].Name = "　" },
			map[string]govdata.Msg{"holidays[0].name": govdata.MsgCalendarName}},
		{"holiday name of 21 characters", func(y *govdata.CalendarYear) { y.Holidays[0].Name = strings.Repeat("节", 21) },
			map[string]govdata.Msg{"holidays[0].name": govdata.MsgCalendarName}},
		{"working day without a name", func(y *govdata.CalendarYear) { y.Workdays[1].Name = "" },
			map[string]govdata.Msg{"workdays[1].name": govdata.MsgCalendarName}},
		{"holiday starts in the year before", func(y *govdata.CalendarYear) { y.Holidays[0].From = date("2024-12-31") },
			map[string]govdata.Msg{"holidays[0]": govdata.MsgCalendarOutside}},
		{"holiday ends in the year after", func(y *govdata.CalendarYear) {
			y.Holidays[0].From, y.Holidays[0].To = date("2025-12-31"), date("2026-01-01")
		}, map[string]govdata.Msg{"holidays[0]": govdata.MsgCalendarOutside}},
		{"holiday wholly in another year", func(y *govdata.CalendarYear) {
			y.Holidays[0].From, y.Holidays[0].To = date("2026-01-01"), date("2026-01-01")
		}, map[string]govdata.Msg{"holidays[0]": govdata.MsgCalendarOutside}},
		// Sun 2024-09-29 is a weekend day, so only the year is wrong.
		{"working day in another year", func(y *govdata.CalendarYear) { y.Workdays[0].Date = date("2024-09-29") },
			map[string]govdata.Msg{"workdays[0]": govdata.MsgCalendarOutside}},
		// Sat 2025-10-04 lies inside 国庆 10-01…10-08.
		{"a day both holiday and working day", func(y *govdata.CalendarYear) { y.Workdays[1].Date = date("2025-10-04") },
			map[string]govdata.Msg{"workdays[1]": govdata.MsgCalendarBoth}},
		{"make-up day on a Monday", func(y *govdata.CalendarYear) { y.Workdays[0].Date = date("2025-09-29") },
			map[string]govdata.Msg{"workdays[0]": govdata.MsgCalendarWeekday}},
		{"make-up day on a Friday", func(y *govdata.CalendarYear) { y.Workdays[1].Date = date("2025-10-10") },
			map[string]govdata.Msg{"workdays[1]": govdata.MsgCalendarWeekday}},
		{"make-up day twice", func(y *govdata.CalendarYear) { y.Workdays[1].Date = y.Workdays[0].Date },
			map[string]govdata.Msg{"workdays[1]": govdata.MsgCalendarTwice}},
		{"holiday blocks overlapping", func(y *govdata.CalendarYear) {
			y.Holidays = append(y.Holidays, govdata.HolidayRange{Name: "中秋节", From: date("2025-10-06"), To: date("2025-10-06")})
		}, map[string]govdata.Msg{"holidays[2]": govdata.MsgCalendarTwice}},
		{"holiday block twice", func(y *govdata.CalendarYear) { y.Holidays = append(y.Holidays, y.Holidays[0]) },
			map[string]govdata.Msg{"holidays[2]": govdata.MsgCalendarTwice}},
		{"range ending before it starts", func(y *govdata.CalendarYear) {
			y.Holidays[1].From, y.Holidays[1].To = date("2025-10-08"), date("2025-10-01")
		}, map[string]govdata.Msg{"holidays[1]": govdata.MsgCalendarRange}},
		// Counted as the notices count (10-01…10-08 is "共8天"): 10-01…10-15 is 15 days.
		// (The make-up Saturday 10-11 goes, or it would fall inside the longer blocks.)
		{"range of 15 days", func(y *govdata.CalendarYear) {
			y.Holidays[1].To, y.Workdays = date("2025-10-15"), y.Workdays[:1]
		}, nil},
		{"range of 16 days", func(y *govdata.CalendarYear) {
			y.Holidays[1].To, y.Workdays = date("2025-10-16"), y.Workdays[:1]
		}, map[string]govdata.Msg{"holidays[1]": govdata.MsgCalendarRange}},
		{"range of 40 days", func(y *govdata.CalendarYear) {
			y.Holidays[1].To, y.Workdays = date("2025-11-09"), y.Workdays[:1]
		}, map[string]govdata.Msg{"holidays[1]": govdata.MsgCalendarRange}},
		{"several problems at once", func(y *govdata.CalendarYear) {
			y.Source = ""
			y.Holidays[0].Name = ""
			y.Workdays[0].Date = date("2025-09-29")
		}, map[string]govdata.Msg{
			"source":           govdata.MsgCalendarSource,
			"holidays[0].name": govdata.MsgCalendarName,
			"workdays[0]":      govdata.MsgCalendarWeekday,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := validYear()
			tt.change(&y)
			checkFields(t, govdata.ValidateCalendarYear(y), tt.want)
		})
	}
}

func TestValidateShippedYears(t *testing.T) {
	years, err := holidays.China()
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		if err := govdata.ValidateCalendarYear(y); err != nil {
			t.Errorf("%d: %v", y.Year, err)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want govdata.Date // zero: an error
	}{
		{"2026-02-03", govdata.Date{Year: 2026, Month: time.February, Day: 3}},
		{"2024-02-29", govdata.Date{Year: 2024, Month: time.February, Day: 29}},
		{"2000-02-29", govdata.Date{Year: 2000, Month: time.February, Day: 29}},
		{"2026-12-31", govdata.Date{Year: 2026, Month: time.December, Day: 31}},
		{"2026-02-30", govdata.Date{}},
		{"2023-02-29", govdata.Date{}},
		{"2100-02-29", govdata.Date{}},
		{"2026-13-01", govdata.Date{}},
		{"2026-00-10", govdata.Date{}},
		{"2026-04-31", govdata.Date{}},
		{"2026-2-3", govdata.Date{}},
		{"2026/02/03", govdata.Date{}},
		{"20260203", govdata.Date{}},
		{" 2026-02-03", govdata.Date{}},
		{"2026-02-03T00:00:00Z", govdata.Date{}},
		{"", govdata.Date{}},
	}
	for _, tt := range tests {
		got, err := govdata.ParseDate(tt.in)
		if tt.want.IsZero() {
			if err == nil {
				t.Errorf("ParseDate(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if s := got.String(); s != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, s)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type answer struct {
		Due   govdata.Date `json:"due"`
		Known bool         `json:"calendar_known"`
	}
	in := answer{Due: govdata.Date{Year: 2026, Month: time.February, Day: 24}, Known: true}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"due":"2026-02-24","calendar_known":true}`; got != want {
		t.Fatalf("Marshal = %s, want %s", got, want)
	}
	var out answer
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Fatalf("round trip = %+v, want %+v", out, in)
	}
	for _, bad := range []string{`{"due":"2026-02-30"}`, `{"due":"2026-2-24"}`, `{"due":20260224}`, `{"due":""}`, `{"due":{}}`} {
		if err := json.Unmarshal([]byte(bad), &out); err == nil {
			t.Errorf("Unmarshal(%s) = %+v, want an error", bad, out)
		}
	}
}

// TestCalendarYearJSON round-trips every shipped year through its wire form
// (the body of PUT /api/v1/calendar/{year}).
func TestCalendarYearJSON(t *testing.T) {
	years, err := holidays.China()
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		b, err := json.Marshal(y)
		if err != nil {
			t.Fatal(err)
		}
		back, err := holidays.Parse(b)
		if err != nil {
			t.Fatalf("%d: Parse(Marshal) = %v", y.Year, err)
		}
		if !reflect.DeepEqual(back, y) {
			t.Errorf("%d: round trip = %+v, want %+v", y.Year, back, y)
		}
	}
}

func TestDateAddDays(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2024-02-28", 1, "2024-02-29"}, // leap year
		{"2024-02-29", 1, "2024-03-01"},
		{"2023-02-28", 1, "2023-03-01"}, // not a leap year
		{"2000-02-28", 1, "2000-02-29"}, // divisible by 400: leap
		{"2100-02-28", 1, "2100-03-01"}, // divisible by 100: not leap
		{"2025-01-31", 1, "2025-02-01"},
		{"2025-04-30", 1, "2025-05-01"},
		{"2025-12-31", 1, "2026-01-01"},
		{"2026-01-01", -1, "2025-12-31"},
		{"2024-03-01", -1, "2024-02-29"},
		{"2024-01-01", 366, "2025-01-01"},
		{"2025-01-01", 365, "2026-01-01"},
		{"2025-10-01", 0, "2025-10-01"},
	}
	for _, tt := range tests {
		if got := mustDate(t, tt.from).AddDays(tt.n).String(); got != tt.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestDateOfWeekdayBefore(t *testing.T) {
	// 2025-12-31 17:00 UTC is already 1 January in Beijing (UTC+8).
	beijing := time.FixedZone("CST", 8*60*60)
	if got, want := govdata.DateOf(time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC).In(beijing)).String(), "2026-01-01"; got != want {
		t.Errorf("DateOf = %s, want %s", got, want)
	}
	if got := mustDate(t, "2025-09-28").Weekday(); got != time.Sunday {
		t.Errorf("2025-09-28 is a %s, want Sunday", got)
	}
	a, b := mustDate(t, "2025-12-31"), mustDate(t, "2026-01-01")
	if !a.Before(b) || b.Before(a) || a.Before(a) {
		t.Errorf("Before: %s < %s = %v, %s < %s = %v, %s < itself = %v", a, b, a.Before(b), b, a, b.Before(a), a, a.Before(a))
	}
}

// BenchmarkAddWorkingDays measures one due-date computation on the shipped
// calendar: n=5 (a typical step) and n=250 (about a year), both from
// 2025-09-26 so the count crosses 国庆 2025 and, for 250, 春节 2026.
func BenchmarkAddWorkingDays(b *testing.B) {
	cal := mustCalendar(b)
	from := mustDate(b, "2025-09-26")
	for _, n := range []int{5, 250} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, known := cal.AddWorkingDays(from, n); !known {
					b.Fatal("calendar_known false inside 2025–2026")
				}
			}
		})
	}
}

// A recount infers the working days of a date counted before they were
// kept: WorkingDaysBetween is AddWorkingDays' inverse on its answers, and
// counting on from a due date is counting the sum from the start (HLJ-15).
func TestWorkingDaysBetween(t *testing.T) {
	cal := mustCalendar(t)
	for _, from := range []string{"2026-02-12", "2026-09-30", "2026-12-07", "2026-12-31", "2025-12-31"} {
		start := mustDate(t, from)
		for n := 0; n <= 30; n++ {
			due, _ := cal.AddWorkingDays(start, n)
			if got := cal.WorkingDaysBetween(start, due); got != n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", start, due, got, n)
			}
			ext, _ := cal.AddWorkingDays(due, 5)
			if sum, _ := cal.AddWorkingDays(start, n+5); sum != ext {
				t.Errorf("from %s: %d then 5 working days is %s, %d at once %s", start, n, ext, n+5, sum)
			}
		}
	}
	if got := cal.LastYear(); got != 2026 {
		t.Errorf("LastYear() = %d, want 2026", got)
	}
	if got := govdata.NewCalendar(nil).LastYear(); got != 0 {
		t.Errorf("LastYear() of an empty calendar = %d", got)
	}
}

// CAL-1: from the configured day of each year on, next year is missing
// until it is loaded.
func TestCalendarWarning(t *testing.T) {
	shipped := mustCalendar(t) // through 2026
	with2027 := govdata.NewCalendar([]govdata.CalendarYear{{Year: 2026, Source: "t"}, {Year: 2027, Source: "t"}})
	nov1, dec15 := govdata.DefaultCalendarWarnFrom, govdata.MonthDay{Month: time.December, Day: 15}
	for _, c := range []struct {
		cal     *govdata.Calendar
		today   string
		from    govdata.MonthDay
		missing int
	}{
		{shipped, "2026-10-31", nov1, 0},
		{shipped, "2026-11-01", nov1, 2027},
		{shipped, "2026-12-31", nov1, 2027},
		{shipped, "2026-12-14", dec15, 0},
		{shipped, "2026-12-15", dec15, 2027},
		{with2027, "2026-12-07", nov1, 0},
		{with2027, "2027-01-04", nov1, 0},
		{with2027, "2027-11-01", nov1, 2028},
	} {
		missing, warn := govdata.CalendarWarning(c.cal, mustDate(t, c.today), c.from)
		if missing != c.missing || warn != (c.missing != 0) {
			t.Errorf("%s from %s: %d %v, want %d", c.today, c.from, missing, warn, c.missing)
		}
	}
	for in, want := range map[string]string{"11-01": "11-01", "1-5": "", "02-29": "", "13-01": "", "11-31": "", "": ""} {
		md, err := govdata.ParseMonthDay(in)
		if (err == nil) != (want != "") || (err == nil && md.String() != want) {
			t.Errorf("ParseMonthDay(%q) = %v, %v; want %q", in, md, err, want)
		}
	}
}

// TestDueStanding: how a deadline stands today, counted on the calendar
// with its holidays and make-up days (National Day 2026: 10-01 … 10-07 off,
// Saturday 10-10 worked).
func TestDueStanding(t *testing.T) {
	cal := mustCalendar(t)
	for _, c := range []struct {
		due, today string
		left, late int
		overdue    bool
		why        string
	}{
		{"2026-09-30", "2026-09-30", 0, 0, false, "due today"},
		{"2026-10-09", "2026-09-30", 2, 0, false, "the holiday does not count: 10-08 and 10-09"},
		{"2026-10-08", "2026-10-03", 1, 0, false, "from inside the holiday"},
		{"2026-10-12", "2026-10-09", 2, 0, false, "the make-up Saturday counts"},
		{"2026-09-30", "2026-10-01", 0, 1, true, "the due day has ended: late, though no working day has passed"},
		{"2026-09-30", "2026-10-08", 0, 1, true, "the first working day after the holiday"},
		{"2026-09-30", "2026-10-10", 0, 3, true, "10-08, 10-09 and the make-up Saturday"},
		{"2026-10-09", "2026-10-12", 0, 2, true, "Saturday 10-10 worked, Sunday not"},
	} {
		left, late, overdue := cal.DueStanding(mustDate(t, c.due), mustDate(t, c.today))
		if left != c.left || late != c.late || overdue != c.overdue {
			t.Errorf("DueStanding(due %s, today %s) = %d left, %d late, overdue %v; want %d, %d, %v (%s)",
				c.due, c.today, left, late, overdue, c.left, c.late, c.overdue, c.why)
		}
	}
}
