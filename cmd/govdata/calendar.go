package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
	"github.com/govdata/govdata/sqlstore"
)

const calendarUsage = `Usage:
  govdata calendar load [flags] FILE   load or correct one year (CAL-1); open due dates counted
      through it are counted again and their actors told. FILE is JSON:
      {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知",
       "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}, …],
       "workdays": [{"name": "春节", "date": "2027-02-06"}, …]}
  govdata calendar show [flags] YEAR   print a year's holidays and make-up working days
`

// seedCalendar loads the shipped years of holidays the store does not hold
// yet; a year someone loaded or corrected is never replaced.
func seedCalendar(ctx context.Context, db *sqlstore.DB, log *slog.Logger) error {
	years, err := holidays.China()
	if err != nil {
		return err
	}
	n, err := sqlstore.NewCalendarService(db).SeedCalendarYears(govdata.WithActor(ctx, govdata.SystemActor), years)
	if err != nil {
		return fmt.Errorf("load the shipped holiday calendar: %w", err)
	}
	if n > 0 {
		log.Info("loaded the shipped holiday calendar", "years", n, "through", years[len(years)-1].Year)
	}
	return nil
}

func cmdCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "load" && args[0] != "show") {
		fmt.Fprint(stderr, calendarUsage)
		return exitError(2)
	}
	sub := args[0]
	c := newConfig("calendar " + sub)
	c.setOutput(stderr)
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	if c.fs.NArg() != 1 {
		fmt.Fprint(stderr, calendarUsage)
		return exitError(2)
	}
	db, err := openStore(ctx, c, sqlstore.Hooks{}, keyNone)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := seedCalendar(ctx, db, c.logger()); err != nil {
		return err
	}
	ctx = govdata.WithActor(ctx, cliActor())
	cal := sqlstore.NewCalendarService(db)
	if sub == "load" {
		raw, err := os.ReadFile(c.fs.Arg(0))
		if err != nil {
			return err
		}
		y, err := holidays.Parse(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", c.fs.Arg(0), err)
		}
		if _, err := cal.PutCalendarYear(ctx, y); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "loaded %d: %d holiday blocks, %d make-up working days (%s)\n", y.Year, len(y.Holidays), len(y.Workdays), y.Source)
		return nil
	}
	year, err := strconv.Atoi(c.fs.Arg(0))
	if err != nil {
		return fmt.Errorf("calendar show: %q is not a year", c.fs.Arg(0))
	}
	y, err := cal.FindCalendarYear(ctx, year)
	if govdata.ErrorCodeOf(err) == govdata.ENOTFOUND {
		fmt.Fprintf(stdout, "%d is not loaded: due dates count weekends only and are flagged calendar_known=false\n", year)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d — %s (updated %s by %s)\n", y.Year, y.Source, y.UpdatedAt.Format("2006-01-02"), y.UpdatedBy)
	for _, d := range y.Days() {
		kind := "休"
		if d.Kind == govdata.DayWorkday {
			kind = "班"
		}
		fmt.Fprintf(stdout, "  %s %s %s %s\n", d.Date, d.Date.Weekday().String()[:3], kind, d.Name)
	}
	return nil
}
