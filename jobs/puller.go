package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/govdata/govdata"
)

// Puller runs the scheduled pulls of entries' sources (AGG-1). It runs
// apart from the deadline sweep: a pull of a large table takes long, and
// deadlines must not wait for it. A pull is claimed by moving its next run
// on before it starts, so a restart does not repeat it at once and a pull
// missed while the process was down runs at the first look.
type Puller struct {
	Sources interface {
		RunDuePulls(ctx context.Context) (int, error)
	}
	Every time.Duration
	Log   *slog.Logger
}

// Run looks for due pulls at once, then every Every until ctx ends.
func (p *Puller) Run(ctx context.Context) {
	ctx = govdata.WithActor(ctx, govdata.Actor{Username: "scheduler", System: true})
	t := time.NewTicker(p.Every)
	defer t.Stop()
	for {
		switch n, err := p.Sources.RunDuePulls(ctx); {
		case err != nil && ctx.Err() == nil:
			p.Log.Error("scheduled pulls", "err", err)
		case n > 0:
			p.Log.Info("scheduled pulls", "ran", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
