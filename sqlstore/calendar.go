package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/govdata/govdata"
)

// CalendarService implements govdata.CalendarService.
type CalendarService struct{ db *DB }

// NewCalendarService returns the calendar service of db.
func NewCalendarService(db *DB) *CalendarService { return &CalendarService{db: db} }

var _ govdata.CalendarService = (*CalendarService)(nil)

// calendarData is what the data column holds.
type calendarData struct {
	Holidays []govdata.HolidayRange `json:"holidays"`
	Workdays []govdata.MakeupDay    `json:"workdays"`
}

func scanCalendarYear(row interface{ Scan(...any) error }) (*govdata.CalendarYear, error) {
	var y govdata.CalendarYear
	var data string
	var updated int64
	if err := row.Scan(&y.Year, &y.Source, &data, &updated, &y.UpdatedBy); err != nil {
		return nil, err
	}
	var d calendarData
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return nil, fmt.Errorf("calendar year %d: %w", y.Year, err)
	}
	y.Holidays, y.Workdays, y.UpdatedAt = d.Holidays, d.Workdays, fromDB(updated)
	return &y, nil
}

const calendarColumns = "year, source, data, updated_at, updated_by"

// FindCalendarYear implements govdata.CalendarService.
func (s *CalendarService) FindCalendarYear(ctx context.Context, year int) (*govdata.CalendarYear, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermCalendarRead); err != nil {
		return nil, err
	}
	y, err := scanCalendarYear(s.db.queryRow(ctx, "SELECT "+calendarColumns+" FROM calendar_years WHERE year = ?", year))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgCalendarNotFound, year)
	}
	if err != nil {
		return nil, s.db.internal("find calendar year", err)
	}
	return y, nil
}

func calendarJSON(y govdata.CalendarYear) (string, error) {
	b, err := json.Marshal(calendarData{Holidays: y.Holidays, Workdays: y.Workdays})
	return string(b), err
}

// PutCalendarYear implements govdata.CalendarService. The change is
// audited with the year as it was before, so a correction can be traced,
// and the open dates counted through the year are counted again in the
// same transaction (CAL-1): a crash leaves the old calendar and the old
// dates, or the new and the new.
func (s *CalendarService) PutCalendarYear(ctx context.Context, y govdata.CalendarYear) (*govdata.CalendarYear, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermCalendarWrite); err != nil {
		return nil, err
	}
	if err := govdata.ValidateCalendarYear(y); err != nil {
		return nil, err
	}
	data, err := calendarJSON(y)
	if err != nil {
		return nil, err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		before, err := scanCalendarYear(tx.queryRow("SELECT "+calendarColumns+" FROM calendar_years WHERE year = ?", y.Year))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		old, err := calendarTx(tx)
		if err != nil {
			return err
		}
		y.UpdatedAt, y.UpdatedBy = tx.Now(), actorName(tx.actor)
		if _, err := tx.exec(`INSERT INTO calendar_years (`+calendarColumns+`) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (year) DO UPDATE SET source = excluded.source, data = excluded.data,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			y.Year, y.Source, data, toDB(y.UpdatedAt), y.UpdatedBy); err != nil {
			return fmt.Errorf("put calendar year: %w", err)
		}
		cal, err := calendarTx(tx)
		if err != nil {
			return err
		}
		moved, err := recountYear(tx, y.Year, old, cal)
		if err != nil {
			return err
		}
		detail := map[string]any{"year": y.Year, "source": y.Source, "days": len(y.Days()), "recounted": moved}
		if before != nil {
			detail["before"] = before
		}
		return tx.audit("calendar.put", "calendar_year", y.Year, detail)
	})
	if err != nil {
		return nil, err
	}
	return &y, nil
}

// SeedCalendarYears implements govdata.CalendarService.
func (s *CalendarService) SeedCalendarYears(ctx context.Context, years []govdata.CalendarYear) (int, error) {
	if !govdata.ActorFrom(ctx).IsSystem() {
		return 0, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	var added []int
	err := s.db.write(ctx, func(tx *Tx) error {
		added = added[:0]
		old, err := calendarTx(tx)
		if err != nil {
			return err
		}
		for _, y := range years {
			if err := govdata.ValidateCalendarYear(y); err != nil {
				return fmt.Errorf("shipped calendar year %d: %w", y.Year, err)
			}
			data, err := calendarJSON(y)
			if err != nil {
				return err
			}
			res, err := tx.exec(`INSERT INTO calendar_years (`+calendarColumns+`) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (year) DO NOTHING`, y.Year, y.Source, data, toDB(tx.Now()), actorName(tx.actor))
			if err != nil {
				return fmt.Errorf("seed calendar year %d: %w", y.Year, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				added = append(added, y.Year)
			}
		}
		if len(added) == 0 {
			return nil
		}
		// A release that ships a new year recounts like a load (CAL-1).
		cal, err := calendarTx(tx)
		if err != nil {
			return err
		}
		moved := map[int]recounted{}
		for _, year := range added {
			if moved[year], err = recountYear(tx, year, old, cal); err != nil {
				return err
			}
		}
		return tx.audit("calendar.seed", "calendar_year", "", map[string]any{"years": added, "recounted": moved})
	})
	return len(added), err
}

// Calendar implements govdata.CalendarService. The calendar is a few
// hundred rows, read afresh so that a correction applies at once on every
// instance.
func (s *CalendarService) Calendar(ctx context.Context) (*govdata.Calendar, error) {
	return s.db.calendar(ctx)
}

// calendar reads the holiday calendar outside a write (calendarTx reads it
// in one).
func (db *DB) calendar(ctx context.Context) (*govdata.Calendar, error) {
	rows, err := db.query(ctx, "SELECT "+calendarColumns+" FROM calendar_years ORDER BY year")
	if err != nil {
		return nil, db.internal("load calendar", err)
	}
	defer rows.Close()
	var years []govdata.CalendarYear
	for rows.Next() {
		y, err := scanCalendarYear(rows)
		if err != nil {
			return nil, db.internal("load calendar", err)
		}
		years = append(years, *y)
	}
	if err := rows.Err(); err != nil {
		return nil, db.internal("load calendar", err)
	}
	return govdata.NewCalendar(years), nil
}

// WarnCalendar implements the calendar warning (CAL-1): from the day from
// of each year on, until next year's holidays are loaded, every sysadmin is
// told once (a dedupe key per missing year; a sysadmin added later is told
// too). today is the deployment's day. It returns the missing year (0 when
// none) and the last year loaded; platform only.
func (s *CalendarService) WarnCalendar(ctx context.Context, today govdata.Date, from govdata.MonthDay) (missing, last int, err error) {
	if !govdata.ActorFrom(ctx).IsSystem() {
		return 0, 0, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return 0, 0, err
	}
	missing, warn := govdata.CalendarWarning(cal, today, from)
	if !warn {
		return 0, cal.LastYear(), nil
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		title := govdata.Text{ZH: govdata.MsgCalendarMissing.Text("zh", missing, missing), EN: govdata.MsgCalendarMissing.Text("en", missing, missing)}
		ids, err := notifyRoleHolders(tx, govdata.RoleSysadmin, govdata.NoticeCalendar, title, "calendar:missing:"+strconv.Itoa(missing))
		if err != nil || len(ids) == 0 {
			return err
		}
		return tx.audit("calendar.warn", "calendar_year", missing, map[string]any{"year": missing, "notified": len(ids)})
	})
	return missing, cal.LastYear(), err
}
