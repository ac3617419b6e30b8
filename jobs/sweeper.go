// Package jobs runs govdata's background work. The deadline sweeper needs
// no job queue: every run looks at the indexed due dates and at what it
// already did (recorded in the store), so it may run at any interval, on
// several instances at once, and catches up after a restart (CAL-3).
package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/govdata/govdata"
)

// Sweeper reminds, marks overdue and escalates workflow steps.
type Sweeper struct {
	Workflows govdata.WorkflowService
	// ReminderDays: remind this many working days before a due date.
	ReminderDays int
	// Revocations, when set, ends the grace period of revoked catalog
	// entries whose day has passed (HLJ-16).
	Revocations interface {
		ExpireRevocations(ctx context.Context) (int, error)
	}
	// Stale, when set, flags datasets not refreshed within their update
	// cycle to their departments (AGG-4).
	Stale interface {
		FlagStaleDatasets(ctx context.Context) (int, error)
	}
	// Grants, when set, watches grants' use: idle and volume flags, and
	// suspension of grants not rectified in time (SHR-6, HLJ-27).
	Grants interface {
		SweepGrants(ctx context.Context) (govdata.GrantSweep, error)
	}
	// Calendar, when set, warns the sysadmins from CalendarWarnFrom on
	// (zero: govdata.DefaultCalendarWarnFrom) until next year's holidays
	// are loaded (CAL-1), and reports the last year loaded to
	// CalendarLoaded (the metrics), when set.
	Calendar interface {
		WarnCalendar(ctx context.Context, today govdata.Date, from govdata.MonthDay) (missing, last int, err error)
	}
	CalendarWarnFrom govdata.MonthDay
	CalendarLoaded   func(last int)
	// Clock and Location give today's date (zero: the system clock, UTC+8).
	Clock    govdata.Clock
	Location *time.Location
	Every    time.Duration
	Log      *slog.Logger
	warned   int // the missing year last logged, so that the log says it once
}

// Run sweeps at once, then every Every until ctx ends.
func (s *Sweeper) Run(ctx context.Context) {
	ctx = govdata.WithActor(ctx, govdata.Actor{Username: "scheduler", System: true})
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		s.sweep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Sweeper) sweep(ctx context.Context) {
	r, err := s.Workflows.SweepDeadlines(ctx, s.ReminderDays)
	switch {
	case err != nil && ctx.Err() == nil:
		s.Log.Error("deadline sweep", "err", err)
	case r.Notified+r.Overdue > 0:
		s.Log.Info("deadline sweep", "reminded", r.Reminded, "overdue", r.Overdue, "escalated", r.Escalated, "notified", r.Notified)
	}
	if s.Revocations != nil {
		switch n, err := s.Revocations.ExpireRevocations(ctx); {
		case err != nil && ctx.Err() == nil:
			s.Log.Error("catalog revocations", "err", err)
		case n > 0:
			s.Log.Info("catalog revocations", "ended", n)
		}
	}
	if s.Grants != nil {
		switch r, err := s.Grants.SweepGrants(ctx); {
		case err != nil && ctx.Err() == nil:
			s.Log.Error("grant monitoring", "err", err)
		case r.Flagged+r.Used+r.Suspended+r.Volume > 0:
			s.Log.Info("grant monitoring", "idle_flagged", r.Flagged, "used_again", r.Used, "suspended", r.Suspended, "volume_flagged", r.Volume)
		}
	}
	if s.Calendar != nil {
		s.warnCalendar(ctx)
	}
	if s.Stale != nil {
		switch n, err := s.Stale.FlagStaleDatasets(ctx); {
		case err != nil && ctx.Err() == nil:
			s.Log.Error("stale datasets", "err", err)
		case n > 0:
			s.Log.Info("stale datasets", "flagged", n)
		}
	}
}

// chinaTime is the deployment's default time zone, UTC+8 all year.
var chinaTime = time.FixedZone("Asia/Shanghai", 8*60*60)

func (s *Sweeper) warnCalendar(ctx context.Context) {
	clock, loc, from := s.Clock, s.Location, s.CalendarWarnFrom
	if clock == nil {
		clock = govdata.SystemClock{}
	}
	if loc == nil {
		loc = chinaTime
	}
	if from == (govdata.MonthDay{}) {
		from = govdata.DefaultCalendarWarnFrom
	}
	missing, last, err := s.Calendar.WarnCalendar(ctx, govdata.DateOf(clock.Now().In(loc)), from)
	switch {
	case err != nil && ctx.Err() == nil:
		s.Log.Error("calendar warning", "err", err)
		return
	case missing != 0 && missing != s.warned:
		s.warned = missing
		s.Log.Warn("next year's holidays are not loaded: load the State Council's notice (govdata calendar load)", "year", missing)
	}
	if s.CalendarLoaded != nil && err == nil {
		s.CalendarLoaded(last)
	}
}
