package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/govdata/govdata/client"
)

// target is a server under load and the requests of its mix.
type target struct {
	name string
	path string // the records path, percent-encoded
	// query is the n-th request of a client: a plain first page, an
	// equality on the sealed ID, or a page after a cursor, in turn.
	query func(n int, r *rand.Rand) url.Values
	c     *client.Client
}

// newTarget signs as appKey with secret: the baseline does not check the
// signature, but its clients do the same work as govdata's.
func newTarget(name, base, path, appKey, secret string, clients int, query func(int, *rand.Rand) url.Values) *target {
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: clients, MaxIdleConnsPerHost: clients, IdleConnTimeout: time.Minute, DisableCompression: true,
	}}
	return &target{name: name, path: path, query: query, c: client.New(base, appKey, secret, client.WithHTTPClient(hc))}
}

// result is one measured run.
type result struct {
	name     string
	duration time.Duration
	ok       int
	errors   int
	firstErr string
	lat      []time.Duration // sorted
	// serverCPU and clientCPU are the CPU time the server process and
	// this one (the clients) used in the measured window; 0 if unknown.
	serverCPU, clientCPU time.Duration
	// db is what the server's database cost PostgreSQL in the window
	// (with -db; db.known false otherwise).
	db pgUse
}

// cpuPerRequest is a CPU time per answered request, in milliseconds.
func (r result) cpuPerRequest(d time.Duration) string {
	if d <= 0 || r.ok == 0 {
		return "?"
	}
	return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000/float64(r.ok))
}

// dbCPUPerRequest is the database's backends' CPU per answered request,
// in milliseconds: "—" without PostgreSQL, "?" when /proc did not tell.
func (r result) dbCPUPerRequest(all bool) string {
	switch {
	case !r.db.known:
		return "—"
	case r.db.cpuUnknown:
		return "?"
	case all:
		return r.cpuPerRequest(r.db.allCPU)
	}
	return r.cpuPerRequest(r.db.dbCPU)
}

// commitsPerRequest is the database's commits per answered request.
func (r result) commitsPerRequest() string {
	if !r.db.known || r.ok == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", float64(r.db.commits)/float64(r.ok))
}

func (r result) rate() float64 { return float64(r.ok) / r.duration.Seconds() }

// quantile of the sorted latencies.
func (r result) quantile(q float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(q*float64(len(r.lat))+0.5) - 1
	return r.lat[min(max(i, 0), len(r.lat)-1)]
}

// run drives t from clients goroutines: warmup, then duration measured.
// A request counts when it ends inside the measured window; its latency
// is from before signing to the last byte of the answer. watch, if not
// nil, is the server's PostgreSQL database, sampled at the window's ends.
func run(ctx context.Context, t *target, pid, clients int, warmup, duration time.Duration, watch *pgWatch) result {
	start := time.Now()
	from, until := start.Add(warmup), start.Add(warmup+duration)
	type used struct {
		server, client time.Duration
		db             pgUse
	}
	cpu := make(chan used, 1)
	go func() {
		// CPU used between the window's ends, by the server, the clients
		// and the database.
		if !sleepUntil(ctx, from) {
			cpu <- used{}
			return
		}
		s0, c0, d0 := processCPU(pid), selfCPU(), watch.sample(ctx)
		if !sleepUntil(ctx, until) {
			cpu <- used{}
			return
		}
		s1, c1, d1 := processCPU(pid), selfCPU(), watch.sample(ctx)
		if s0 < 0 || s1 < 0 {
			s1, s0 = 0, 0
		}
		cpu <- used{s1 - s0, c1 - c0, d0.use(d1)}
	}()
	var errs atomic.Int64
	var firstErr atomic.Value
	lats := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	for g := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 0x5eed))
			mine := make([]time.Duration, 0, 1<<14)
			for n := g; ; n++ {
				t0 := time.Now()
				if !t0.Before(until) || ctx.Err() != nil {
					break
				}
				err := t.call(ctx, t.query(n, r))
				t1 := time.Now()
				if t1.Before(from) || t1.After(until) {
					continue
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				mine = append(mine, t1.Sub(t0))
			}
			lats[g] = mine
		})
	}
	wg.Wait()
	u := <-cpu
	res := result{name: t.name, duration: duration, errors: int(errs.Load()), serverCPU: u.server, clientCPU: u.client, db: u.db}
	if s, ok := firstErr.Load().(string); ok {
		res.firstErr = s
	}
	for _, l := range lats {
		res.lat = append(res.lat, l...)
	}
	slices.Sort(res.lat)
	res.ok = len(res.lat)
	return res
}

// sleepUntil waits until t, or until ctx ends (false).
func sleepUntil(ctx context.Context, t time.Time) bool {
	tm := time.NewTimer(time.Until(t))
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// processCPU is the user and system CPU time of process pid so far, from
// /proc (Linux; -1 elsewhere). The kernel counts in ticks of 1/100 s.
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return -1
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(u+s) * 10 * time.Millisecond
}

// selfCPU is this process's user and system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// call sends one signed request and reads its whole answer.
func (t *target) call(ctx context.Context, q url.Values) error {
	resp, err := t.c.Do(ctx, "GET", t.path, q, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		if len(body) > 300 {
			body = body[:300]
		}
		return fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	return nil
}

// mix is the request mix on either server: kind = n % 3.
type mix struct {
	rows int
	// pages is how many cursors there are, stride rows apart.
	pages, stride int
	// noLookups: the open-data run, whose ID cannot be filtered on: the
	// third of lookups are cursor pages too, on both servers.
	noLookups bool
}

// pick returns the kind of request n and its row or cursor index.
func (m mix) pick(n int, r *rand.Rand) (kind, arg int) {
	switch n % 3 {
	case 0:
		return 0, 0
	case 1:
		if !m.noLookups {
			return 1, r.IntN(m.rows)
		}
	}
	return 2, r.IntN(m.pages)
}

// govdataQuery is the mix in govdata's query language; cursors[k] is the
// cursor after (k+1)*stride rows.
func (m mix) govdataQuery(cursors []string) func(int, *rand.Rand) url.Values {
	return func(n int, r *rand.Rand) url.Values {
		q := url.Values{"limit": {"20"}}
		switch kind, arg := m.pick(n, r); kind {
		case 1:
			q.Set(idItem, idOf(arg))
		case 2:
			q.Set("cursor", cursors[arg])
		}
		return q
	}
}

// baselineQuery is the same mix for the baseline: id= and after=.
func (m mix) baselineQuery() func(int, *rand.Rand) url.Values {
	return func(n int, r *rand.Rand) url.Values {
		q := url.Values{"limit": {"20"}}
		switch kind, arg := m.pick(n, r); kind {
		case 1:
			q.Set("id", idOf(arg))
		case 2:
			q.Set("after", strconv.Itoa((arg+1)*m.stride))
		}
		return q
	}
}
