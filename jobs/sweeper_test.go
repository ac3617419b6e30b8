package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/jobs"
)

// fakeFlows counts sweeps and ends the run after the given number.
type fakeFlows struct {
	govdata.WorkflowService
	calls, stopAfter int
	cancel           context.CancelFunc
	system           bool
	days             int
}

func (f *fakeFlows) SweepDeadlines(ctx context.Context, days int) (govdata.SweepResult, error) {
	f.calls++
	f.system, f.days = govdata.ActorFrom(ctx).IsSystem(), days
	if f.calls >= f.stopAfter {
		f.cancel()
	}
	if f.calls == 1 {
		return govdata.SweepResult{}, errors.New("database away") // logged, the sweeper goes on
	}
	return govdata.SweepResult{Reminded: 1, Notified: 1}, nil
}

func TestSweeperRunsAtOnceAndAsThePlatform(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fakeFlows{stopAfter: 2, cancel: cancel}
	done := make(chan struct{})
	go func() {
		(&jobs.Sweeper{Workflows: f, ReminderDays: 2, Every: time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Run(ctx)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the sweeper did not stop when its context ended")
	}
	if f.calls != 2 || !f.system || f.days != 2 {
		t.Fatalf("calls %d, as the platform %v, reminder days %d; want 2 sweeps as the platform with 2 days", f.calls, f.system, f.days)
	}
}

type fakeRevocations struct{ calls int }

func (f *fakeRevocations) ExpireRevocations(ctx context.Context) (int, error) {
	f.calls++
	if !govdata.ActorFrom(ctx).IsSystem() {
		return 0, errors.New("not the platform")
	}
	return 1, nil
}

func TestSweeperEndsRevocationGrace(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fakeFlows{stopAfter: 2, cancel: cancel}
	rev := &fakeRevocations{}
	(&jobs.Sweeper{Workflows: f, Revocations: rev, Every: time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Run(ctx)
	if rev.calls < 1 {
		t.Fatalf("revocations checked %d times", rev.calls)
	}
}

type fakeCalendar struct {
	today govdata.Date
	from  govdata.MonthDay
}

func (f *fakeCalendar) WarnCalendar(ctx context.Context, today govdata.Date, from govdata.MonthDay) (int, int, error) {
	if !govdata.ActorFrom(ctx).IsSystem() {
		return 0, 0, errors.New("not the platform")
	}
	f.today, f.from = today, from
	return 2027, 2026, nil
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// CAL-1: each sweep checks next year's calendar with the deployment's
// day (UTC+8: 2026-10-31 16:30 UTC is 1 November in Beijing) and the
// default warning day, and reports the last year loaded to the metrics.
func TestSweeperWarnsOfNextYearsCalendar(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fakeFlows{stopAfter: 1, cancel: cancel}
	cal := &fakeCalendar{}
	last := 0
	(&jobs.Sweeper{Workflows: f, Calendar: cal, CalendarLoaded: func(y int) { last = y }, Clock: fixedClock(time.Date(2026, 10, 31, 16, 30, 0, 0, time.UTC)),
		Every: time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Run(ctx)
	if cal.today != (govdata.Date{Year: 2026, Month: 11, Day: 1}) || cal.from != govdata.DefaultCalendarWarnFrom || last != 2026 {
		t.Fatalf("checked %v from %v, reported %d; want 2026-11-01 from 11-01, 2026", cal.today, cal.from, last)
	}
}
