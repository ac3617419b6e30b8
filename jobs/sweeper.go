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
	Every time.Duration
	Log   *slog.Logger
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
	if s.Stale != nil {
		switch n, err := s.Stale.FlagStaleDatasets(ctx); {
		case err != nil && ctx.Err() == nil:
			s.Log.Error("stale datasets", "err", err)
		case n > 0:
			s.Log.Info("stale datasets", "flagged", n)
		}
	}
}
