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
