package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/govdata/govdata"
)

// Sender sends one delivery and returns the receiver's HTTP status where
// there is one.
type Sender func(ctx context.Context, o *govdata.Outgoing) (status int, err error)

// Deliverer sends the outbox of notifications (CAL-3): it claims due
// deliveries, sends each on its channel and records the attempt, which the
// store turns into sent, a retry after back-off, or failed. A delivery
// claimed by a process that dies is claimed again when its lease ends, so
// every queued copy is sent at least once.
type Deliverer struct {
	Deliveries govdata.DeliveryService
	// Senders by channel. A queued delivery on a channel without one (SMTP
	// configured once, then removed) fails its attempts, visibly in the log.
	Senders map[govdata.Channel]Sender
	Every   time.Duration // how often to look for due deliveries
	// Parallel bounds the sends in flight (a slow receiver does not hold
	// up the others); 0 means 4.
	Parallel int
	Clock    govdata.Clock
	Log      *slog.Logger
}

// lease is how long a claimed delivery is ours: longer than any send takes.
const lease = 2 * time.Minute

// Run delivers at once, then every Every until ctx ends.
func (d *Deliverer) Run(ctx context.Context) {
	ctx = govdata.WithActor(ctx, govdata.Actor{Username: "deliverer", System: true})
	t := time.NewTicker(d.Every)
	defer t.Stop()
	for {
		for d.Once(ctx) > 0 && ctx.Err() == nil {
			// Something was due: more may be.
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once claims and sends one batch and returns how many it handled.
func (d *Deliverer) Once(ctx context.Context) int {
	parallel := d.Parallel
	if parallel <= 0 {
		parallel = 4
	}
	batch, err := d.Deliveries.ClaimDeliveries(ctx, parallel*4, lease)
	if err != nil {
		if ctx.Err() == nil {
			d.Log.Error("claim deliveries", "err", err)
		}
		return 0
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, o := range batch {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			d.send(ctx, o)
		}()
	}
	wg.Wait()
	return len(batch)
}

func (d *Deliverer) send(ctx context.Context, o *govdata.Outgoing) {
	clock := d.Clock
	if clock == nil {
		clock = govdata.SystemClock{}
	}
	start := clock.Now()
	var status int
	var err error
	if send, ok := d.Senders[o.Channel]; ok {
		status, err = send(ctx, o)
	} else {
		err = fmt.Errorf("channel %s is not configured", o.Channel)
	}
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and the delivery is tried again
	}
	at := govdata.DeliveryAttempt{At: start, OK: err == nil, Status: status, DurationMS: clock.Now().Sub(start).Milliseconds()}
	if err != nil {
		at.Error = err.Error()
		d.Log.Warn("delivery failed", "id", o.ID, "channel", o.Channel, "target", o.Target, "attempt", o.Attempts+1, "err", err)
	}
	if err := d.Deliveries.RecordAttempt(ctx, o.ID, at); err != nil && ctx.Err() == nil {
		d.Log.Error("record delivery attempt", "id", o.ID, "err", err)
	}
}
