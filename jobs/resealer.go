package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/govdata/govdata"
)

// Resealer moves sealed values to the current data key after a rotation
// (SEC-2: `govdata keys rotate` writes a new key; the running server picks
// it up here and re-encrypts in the background, without downtime).
type Resealer struct {
	// Reload reads the key file again and installs it when it changed;
	// it reports whether the current version changed.
	Reload func() (changed bool, err error)
	// Reseal moves up to max values and returns how many it moved.
	Reseal func(ctx context.Context, max int) (int, error)
	Every  time.Duration
	Log    *slog.Logger
}

// resealChunk: values moved per write, so that other writes interleave.
const resealChunk = 500

// Run reseals at once (values an interrupted rotation left behind), then
// checks the key file every Every until ctx ends.
func (r *Resealer) Run(ctx context.Context) {
	ctx = govdata.WithActor(ctx, govdata.Actor{Username: "resealer", System: true})
	t := time.NewTicker(r.Every)
	defer t.Stop()
	for {
		if _, err := r.Reload(); err != nil {
			r.Log.Error("reload data keys", "err", err)
		}
		total := 0
		for ctx.Err() == nil {
			n, err := r.Reseal(ctx, resealChunk)
			if err != nil {
				if ctx.Err() == nil {
					r.Log.Error("reseal values", "err", err)
				}
				break
			}
			if n == 0 {
				break
			}
			total += n
		}
		if total > 0 {
			r.Log.Info("moved sealed values to the current data key", "values", total)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
