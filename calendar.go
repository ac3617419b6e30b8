package govdata

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// ChinaTime is Asia/Shanghai, UTC+8 all year (China keeps no daylight
// saving time), without depending on the system's time zone database: the
// deployment's default zone, in which deadlines are dates (PRODUCT.md §4).
var ChinaTime = time.FixedZone("Asia/Shanghai", 8*60*60)

// Date is a calendar day in the deployment's time zone, without a time.
// On the wire it is "YYYY-MM-DD" (PRODUCT.md §4).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses "YYYY-MM-DD"; it refuses days that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("govdata: date %q is not YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf is the day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String formats the day as YYYY-MM-DD.
func (d Date) String() string { return d.time().Format(time.DateOnly) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays moves d by n calendar days.
func (d Date) AddDays(n int) Date { return DateOf(d.time().AddDate(0, 0, n)) }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.time().Weekday() }

// Before reports whether d comes before e.
func (d Date) Before(e Date) bool { return d.time().Before(e.time()) }

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("govdata: a date is a string YYYY-MM-DD")
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// HolidayRange is one block of statutory rest days of a State Council
// notice, e.g. 春节 2026-02-15 … 2026-02-23; it may include weekends.
type HolidayRange struct {
	Name string `json:"name"`
	From Date   `json:"from"`
	To   Date   `json:"to"`
}

// MakeupDay is a Saturday or Sunday that the notice makes a working day (调休).
type MakeupDay struct {
	Name string `json:"name"`
	Date Date   `json:"date"`
}

// CalendarYear is one year's notice: its holidays and make-up working days
// (CAL-1). Every other Saturday and Sunday is a rest day, every other day a
// working day.
type CalendarYear struct {
	Year      int            `json:"year"`
	Source    string         `json:"source"` // the notice it follows
	Holidays  []HolidayRange `json:"holidays"`
	Workdays  []MakeupDay    `json:"workdays"`
	UpdatedAt time.Time      `json:"updated_at,omitzero"`
	UpdatedBy string         `json:"updated_by,omitempty"`
}

// DayKind says how a listed day differs from an ordinary one.
type DayKind string

// Kinds of listed days.
const (
	DayHoliday DayKind = "holiday" // a rest day that would be a working day, or is part of a holiday block
	DayWorkday DayKind = "workday" // a weekend day made a working day
)

// CalendarDay is one non-ordinary day of a year.
type CalendarDay struct {
	Date Date    `json:"date"`
	Kind DayKind `json:"kind"`
	Name string  `json:"name"`
}

// Days expands the year into its listed days in date order.
func (y CalendarYear) Days() []CalendarDay {
	var days []CalendarDay
	for _, h := range y.Holidays {
		for d := h.From; !h.To.Before(d); d = d.AddDays(1) {
			days = append(days, CalendarDay{Date: d, Kind: DayHoliday, Name: h.Name})
		}
	}
	for _, w := range y.Workdays {
		days = append(days, CalendarDay{Date: w.Date, Kind: DayWorkday, Name: w.Name})
	}
	slices.SortFunc(days, func(a, b CalendarDay) int { return a.Date.time().Compare(b.Date.time()) })
	return days
}

// Messages of the working-day calendar.
var (
	MsgCalendarYear      = Msg{"年份须在 2000 到 2100 之间", "the year must be from 2000 to 2100"}
	MsgCalendarYearMatch = Msg{"年份与地址中的 %d 不一致", "the year differs from %d in the path"}
	MsgCalendarOutside   = Msg{"日期 %s 不在 %d 年内", "date %s is not in %d"}
	MsgCalendarRange     = Msg{"假期 %s 的结束日期早于开始日期，或超过 15 天", "holiday %s ends before it starts, or lasts more than 15 days"}
	MsgCalendarBoth      = Msg{"%s 既是假日又是调休上班日", "%s is both a holiday and a working day"}
	MsgCalendarTwice     = Msg{"%s 出现了两次", "%s is listed twice"}
	MsgCalendarWeekday   = Msg{"调休上班日 %s 不是星期六或星期日", "make-up working day %s is not a Saturday or Sunday"}
	MsgCalendarName      = Msg{"每个假日和调休日都须注明节日名称（不超过 20 个字）", "every holiday and working day needs the festival's name (at most 20 characters)"}
	MsgCalendarSource    = Msg{"请注明依据的通知（不超过 200 个字）", "name the notice it follows (at most 200 characters)"}
	MsgCalendarNotFound  = Msg{"%d 年的节假日安排尚未载入", "the holidays of %d are not loaded"}
	MsgWorkingDays       = Msg{"working_days 须为 0 到 3650 之间的整数", "working_days must be an integer from 0 to 3650"}
	MsgDateFormat        = Msg{"%s 须为 YYYY-MM-DD 格式的日期", "%s must be a date YYYY-MM-DD"}
)

// ValidateCalendarYear checks a year as a notice could state it: dates in
// the year, blocks in order and short, no day twice, make-up days on weekends.
func ValidateCalendarYear(y CalendarYear) error {
	var fe FieldErrors
	if y.Year < 2000 || y.Year > 2100 {
		fe.Add("year", MsgCalendarYear)
		return fe.Err()
	}
	if blank(y.Source) || len([]rune(y.Source)) > 200 {
		fe.Add("source", MsgCalendarSource)
	}
	seen := map[Date]DayKind{}
	for i, h := range y.Holidays {
		field := "holidays[" + strconv.Itoa(i) + "]"
		if blank(h.Name) || len([]rune(h.Name)) > 20 {
			fe.Add(field+".name", MsgCalendarName)
		}
		for _, d := range []Date{h.From, h.To} {
			if d.Year != y.Year {
				fe.Add(field, MsgCalendarOutside, d.String(), y.Year)
			}
		}
		// Notices count a block inclusively (10-01…10-08 is 共8天).
		if h.To.Before(h.From) || h.From.AddDays(14).Before(h.To) {
			fe.Add(field, MsgCalendarRange, h.Name)
			continue
		}
		for d := h.From; !h.To.Before(d); d = d.AddDays(1) {
			if _, dup := seen[d]; dup {
				fe.Add(field, MsgCalendarTwice, d.String())
			}
			seen[d] = DayHoliday
		}
	}
	for i, w := range y.Workdays {
		field := "workdays[" + strconv.Itoa(i) + "]"
		if blank(w.Name) || len([]rune(w.Name)) > 20 {
			fe.Add(field+".name", MsgCalendarName)
		}
		switch kind, dup := seen[w.Date]; {
		case w.Date.Year != y.Year:
			fe.Add(field, MsgCalendarOutside, w.Date.String(), y.Year)
		case dup && kind == DayHoliday:
			fe.Add(field, MsgCalendarBoth, w.Date.String())
		case dup:
			fe.Add(field, MsgCalendarTwice, w.Date.String())
		case w.Date.Weekday() != time.Saturday && w.Date.Weekday() != time.Sunday:
			fe.Add(field, MsgCalendarWeekday, w.Date.String())
		}
		seen[w.Date] = DayWorkday
	}
	return fe.Err()
}

// Calendar answers which days are working days (CAL-1). Years it does not
// know count weekends only, and every answer says whether the calendar
// knew all the years it went through.
type Calendar struct {
	known map[int]bool
	days  map[Date]DayKind
}

// NewCalendar builds a calendar from known years.
func NewCalendar(years []CalendarYear) *Calendar {
	c := &Calendar{known: map[int]bool{}, days: map[Date]DayKind{}}
	for _, y := range years {
		c.known[y.Year] = true
		for _, d := range y.Days() {
			c.days[d.Date] = d.Kind
		}
	}
	return c
}

// Knows reports whether the calendar holds the notice of year.
func (c *Calendar) Knows(year int) bool { return c.known[year] }

// IsWorkingDay reports whether d is a working day, and whether d's year is known.
func (c *Calendar) IsWorkingDay(d Date) (working, known bool) {
	switch c.days[d] {
	case DayHoliday:
		return false, true
	case DayWorkday:
		return true, true
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, c.known[d.Year]
}

// AddWorkingDays returns the due date of a step that began on from and has
// n working days: from itself does not count, the first working day after
// it is day 1, and the due date is day n (n = 0: from itself). known is
// false when the count passed through a year the calendar does not know; the
// date is then computed with weekends only for that year.
func (c *Calendar) AddWorkingDays(from Date, n int) (due Date, known bool) {
	// from itself is not counted: only the days counted decide whether the
	// calendar knew them (for n = 0, the day itself).
	known, due = n > 0 || c.known[from.Year], from
	for n > 0 {
		due = due.AddDays(1)
		working, k := c.IsWorkingDay(due)
		known = known && k
		if working {
			n--
		}
	}
	return due, known
}

// WorkingDaysBetween counts the working days after from up to and
// including to: the n for which AddWorkingDays(from, n) is to when to is a
// working day (0 when to is not after from).
func (c *Calendar) WorkingDaysBetween(from, to Date) int {
	n := 0
	for d := from.AddDays(1); !to.Before(d); d = d.AddDays(1) {
		if working, _ := c.IsWorkingDay(d); working {
			n++
		}
	}
	return n
}

// DueStanding says how a due date stands today, in working days, so that a
// deadline is shown as the platform counts it ("还剩 N 个工作日" / "已逾期 N 个
// 工作日", UI.md) and never counted by a client: left is the working days
// after today up to and including due (0 when due is today, or when only
// non-working days remain before it); once due has passed, late is the
// working days after due up to and including today, and at least 1 — the
// due day itself has ended (CAL-3: overdue once the due day has ended).
func (c *Calendar) DueStanding(due, today Date) (left, late int, overdue bool) {
	if due.Before(today) {
		return 0, max(1, c.WorkingDaysBetween(due, today)), true
	}
	return c.WorkingDaysBetween(today, due), 0, false
}

// LastYear is the latest year the calendar knows, 0 when it knows none.
func (c *Calendar) LastYear() int {
	last := 0
	for y := range c.known {
		last = max(last, y)
	}
	return last
}

// MonthDay is a day of every year, "MM-DD" (e.g. 11-01).
type MonthDay struct {
	Month time.Month
	Day   int
}

// ParseMonthDay parses "MM-DD"; 02-29 is refused, as most years lack it.
func ParseMonthDay(s string) (MonthDay, error) {
	t, err := time.Parse("01-02", s)
	if err != nil || s == "02-29" {
		return MonthDay{}, fmt.Errorf("govdata: %q is not a day MM-DD", s)
	}
	return MonthDay{t.Month(), t.Day()}, nil
}

// String formats the day as MM-DD.
func (m MonthDay) String() string { return fmt.Sprintf("%02d-%02d", int(m.Month), m.Day) }

// DefaultCalendarWarnFrom is the day from which a missing next year is
// warned of: the State Council publishes the notice in October to
// December (CAL-1), and due dates start to reach into the next year.
var DefaultCalendarWarnFrom = MonthDay{time.November, 1}

// CalendarWarning reports the year an operator must load now: from the
// day from of each year on, the next year when c does not know it.
func CalendarWarning(c *Calendar, today Date, from MonthDay) (missing int, warn bool) {
	if today.Before(Date{today.Year, from.Month, from.Day}) || c.Knows(today.Year+1) {
		return 0, false
	}
	return today.Year + 1, true
}

// Messages of the calendar warning and of due dates counted again.
var (
	MsgCalendarMissing = Msg{"%d 年的节假日安排尚未载入：请在国务院办公厅通知发布后尽快载入（PUT /api/v1/calendar/%d 或 govdata calendar load），否则跨年的办理期限只按周末计算",
		"the holidays of %d are not loaded: load the State Council's notice as soon as it is published (PUT /api/v1/calendar/%d or govdata calendar load); until then due dates into that year count weekends only"}
	MsgNoticeDueRecounted = Msg{"「%s」的办理期限因 %d 年节假日安排载入或更正，由 %s 改为 %s",
		"%[1]s: the due date moves from %[3]s to %[4]s because the holidays of %[2]d were loaded or corrected"}
	MsgNoticeRectifyRecounted = Msg{"授权 %d 的整改期限因 %d 年节假日安排载入或更正，由 %s 改为 %s",
		"grant %[1]d: the rectify-by day moves from %[3]s to %[4]s because the holidays of %[2]d were loaded or corrected"}
)

// CalendarService keeps the working-day calendar.
type CalendarService interface {
	// FindCalendarYear returns a known year; ENOTFOUND for an unknown one.
	FindCalendarYear(ctx context.Context, year int) (*CalendarYear, error)
	// PutCalendarYear loads or corrects a year (sysadmin or secadmin:
	// EFORBIDDEN otherwise); EINVALID for a malformed year. In the same
	// transaction every open date counted in working days through that
	// year (steps' due dates, grant flags' rectify-by days) is counted
	// again from its start, audited, and its actors told of the new date.
	PutCalendarYear(ctx context.Context, y CalendarYear) (*CalendarYear, error)
	// SeedCalendarYears loads the shipped years the store does not hold
	// yet, never replacing a year someone loaded or corrected; platform
	// only (EFORBIDDEN otherwise); EINVALID for a malformed year.
	SeedCalendarYears(ctx context.Context, years []CalendarYear) (int, error)
	// Calendar is the whole calendar, for computing due dates; it refuses
	// no one.
	Calendar(ctx context.Context) (*Calendar, error)
}
