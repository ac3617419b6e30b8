package jobs

import (
	"context"
	"log/slog"
	"time"
)

// PublicMailer sends the public accounts' mail outbox (OPN-2): the
// confirmation links and the inbox's messages, each written by the
// transaction that made it and marked mailed after it is sent, so that a
// crash between sends it again rather than never.
type PublicMailer struct {
	// Once sends what is due and returns how many it sent.
	Once  func(ctx context.Context) (int, error)
	Every time.Duration
	Log   *slog.Logger
}

// Run mails at once, then every Every until ctx ends.
func (m *PublicMailer) Run(ctx context.Context) {
	t := time.NewTicker(m.Every)
	defer t.Stop()
	for {
		for {
			n, err := m.Once(ctx)
			if err != nil && ctx.Err() == nil {
				m.Log.Error("public mail", "err", err)
			}
			if n == 0 || err != nil || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
