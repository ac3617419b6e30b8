package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/govdata/govdata"
)

// calendarView is a year as GET /api/v1/calendar shows it: the notice's
// blocks and, expanded, every non-ordinary day.
type calendarView struct {
	Year  int                   `json:"year"`
	Known bool                  `json:"known"`
	Days  []govdata.CalendarDay `json:"days"`
	*govdata.CalendarYear
}

// dueView answers a due-date question.
type dueView struct {
	Due           govdata.Date `json:"due"`
	CalendarKnown bool         `json:"calendar_known"`
}

// viewOf shows a known year; lists are empty rather than null.
func viewOf(y *govdata.CalendarYear) calendarView {
	if y.Holidays == nil {
		y.Holidays = []govdata.HolidayRange{}
	}
	if y.Workdays == nil {
		y.Workdays = []govdata.MakeupDay{}
	}
	days := y.Days()
	if days == nil {
		days = []govdata.CalendarDay{}
	}
	return calendarView{Year: y.Year, Known: true, Days: days, CalendarYear: y}
}

func (s *Server) today() govdata.Date { return govdata.DateOf(s.cfg.Clock.Now().In(s.cfg.Location)) }

func yearParam(v, field string) (int, error) {
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		e := govdata.Errorf(govdata.EINVALID, govdata.MsgCalendarYear)
		e.Fields = map[string]govdata.Message{field: {Msg: govdata.MsgCalendarYear}}
		return 0, e
	}
	return y, nil
}

func (s *Server) handleCalendar(w http.ResponseWriter, r *http.Request) error {
	year := s.today().Year
	if v := r.URL.Query().Get("year"); v != "" {
		var err error
		if year, err = yearParam(v, "year"); err != nil {
			return err
		}
	}
	y, err := s.svc.Calendar.FindCalendarYear(r.Context(), year)
	switch govdata.ErrorCodeOf(err) {
	case "":
		writeJSON(w, http.StatusOK, viewOf(y))
	case govdata.ENOTFOUND:
		// An unknown year is an answer, not an error: weekends only, flagged.
		writeJSON(w, http.StatusOK, calendarView{Year: year, Known: false, Days: []govdata.CalendarDay{}})
	default:
		return err
	}
	return nil
}

func (s *Server) handlePutCalendar(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r.PathValue("year"), "year")
	if err != nil {
		return err
	}
	in, err := body[govdata.CalendarYear](s, r)
	if err != nil {
		return err
	}
	if in.Year != 0 && in.Year != year {
		e := govdata.Errorf(govdata.EINVALID, govdata.MsgCalendarYearMatch, year)
		e.Fields = map[string]govdata.Message{"year": {Msg: govdata.MsgCalendarYearMatch, Args: []any{year}}}
		return e
	}
	in.Year, in.UpdatedAt, in.UpdatedBy = year, time.Time{}, ""
	y, err := s.svc.Calendar.PutCalendarYear(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOf(y))
	return nil
}

// handleDue answers GET /api/v1/calendar/due?from=YYYY-MM-DD&working_days=N (CAL-1).
func (s *Server) handleDue(w http.ResponseWriter, r *http.Request) error {
	var fe govdata.FieldErrors
	q := r.URL.Query()
	from, err := govdata.ParseDate(q.Get("from"))
	if err != nil {
		fe.Add("from", govdata.MsgDateFormat, "from")
	}
	n, err := strconv.Atoi(q.Get("working_days"))
	if err != nil || n < 0 || n > 3650 {
		fe.Add("working_days", govdata.MsgWorkingDays)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	cal, err := s.svc.Calendar.Calendar(r.Context())
	if err != nil {
		return err
	}
	due, known := cal.AddWorkingDays(from, n)
	writeJSON(w, http.StatusOK, dueView{Due: due, CalendarKnown: known})
	return nil
}
