// Command service measures govdata's data service against PRODUCT.md §5:
// an authorised query returning 20 masked rows, its audit record durably
// committed, should sustain at least 70 % of the throughput of a minimal
// Go program doing only those steps, with a p99 under 20 ms at 64
// concurrent clients.
//
// It builds govdata (or takes -bin), starts it on SQLite in a temporary
// data folder, sets up departments, users, a catalog entry, its data
// (generated, loaded through the upload API), an application taken
// through the profile's workflow, its grant and a credential, all through
// the HTTP API; then it drives GET /api/v1/services/{code}/records?limit=20
// with signed requests from N concurrent clients. In the same run it
// starts the baseline (this binary with -baseline-serve, see baseline.go)
// on the same rows and drives it with the same clients and mix. It prints
// req/s, p50 and p99 of both, their ratio and whether the targets are met,
// and exits 0 either way: it measures, it does not test.
//
// With -db postgres://… govdata and the baseline run on that PostgreSQL
// server instead, each in a new database of the run's own, and the
// figures add what each database cost the server: the CPU of its backends
// and its commits per call (issue 13). -peer adds a third server, a plain
// paging server on govdata's table (see peer.go), the yardstick of what a
// bureau would put up without authentication, masking or audit. With
// -rounds N the servers take turns N times, and each round is printed.
//
//	go run ./bench/service -clients 64 -duration 20s -rows 100000
//	make bench-service
//	make bench-service-postgres   (-db, -peer, three rounds of 15 s)
//
// -cpuprofile writes a CPU profile of the govdata server under load;
// -overlay measures a change of govdata's sources without making it.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/govdata/govdata"
)

// Targets of PRODUCT.md §5.
const (
	targetRatio   = 0.70
	targetP99     = 20 * time.Millisecond
	targetClients = 64
)

func main() {
	clients := flag.Int("clients", 64, "concurrent clients")
	duration := flag.Duration("duration", 20*time.Second, "measured time of each run")
	warmup := flag.Duration("warmup", 3*time.Second, "time of each run before measuring")
	rows := flag.Int("rows", 100000, "rows of the generated dataset")
	rounds := flag.Int("rounds", 1, "runs of each server, alternating govdata, the baseline and the peer; each round's figures are printed and the summary takes the medians")
	dbURL := flag.String("db", "", "PostgreSQL server to run on (postgres://user@host:5432/postgres?sslmode=disable; the URL's database is only connected to): govdata and the baseline each get a new database on it, dropped at the end (unless -keep); empty: SQLite in the temporary folder")
	peer := flag.Bool("peer", false, "also measure a plain paging server of the harness's own (no auth, no masking, no audit) on govdata's table, like pREST's GET /db/public/table?_page=N&_page_size=20")
	peerOffset := flag.Bool("peer-offset", false, "the peer's pages by number (LIMIT/OFFSET, as pREST pages) instead of after a row (keyset)")
	verifyRate := flag.Float64("verify-rate", 1e6, "govdata's --verify-rate and --verify-burst: an equality on the masked ID is a verification (SHR-4), and the default allowance (10 a second) would refuse most of the mix's third of them; high, the run measures what a call costs, not the throttle")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the govdata server during its first measured run to this file (builds govdata with a profiling endpoint added by go build -overlay)")
	overlay := flag.String("overlay", "", "build govdata with this go build -overlay file (JSON {\"Replace\": {path: file}}; relative paths from the module root), to measure a change without making it")
	open := flag.Bool("open", false, "measure the open-data records API (OPN-1) instead of the data service: the entry opened unconditionally (the ID and the name de-identified), anonymous GET /api/v1/open/datasets/{code}/records, each call's usage row committed before its answer; the mix's ID lookups (a de-identified item cannot be filtered on) become cursor pages on both servers")
	binFlag := flag.String("bin", "", "the govdata binary to measure (make bench-service passes bin/govdata after make build); empty: build ./cmd/govdata into the temporary folder")
	keep := flag.Bool("keep", false, "keep the temporary folder (databases, logs, the CSV file) and, with -db, the databases")
	baselineDir := flag.String("baseline-serve", "", "internal: run the baseline server on a database in this folder")
	baselineDB := flag.String("baseline-db", "", "internal: with -baseline-serve, the baseline's PostgreSQL database")
	peerDSN := flag.String("peer-serve", "", "internal: run the peer on this database (a PostgreSQL URL or a SQLite file)")
	peerTable := flag.String("peer-table", "", "internal: with -peer-serve, the table it serves")
	flag.Parse()
	if *baselineDir != "" {
		runBaselineMain(*baselineDir, *baselineDB, *rows)
		return
	}
	if *peerDSN != "" {
		runPeerMain(*peerDSN, *peerTable)
		return
	}
	if *clients < 1 || *rows < 40 || *duration <= 0 || *rounds < 1 || *verifyRate <= 0 {
		fmt.Fprintln(os.Stderr, "bench/service: -clients ≥ 1, -rows ≥ 40, -duration > 0, -rounds ≥ 1 and -verify-rate > 0")
		os.Exit(2)
	}
	if *binFlag != "" && (*cpuprofile != "" || *overlay != "") {
		fmt.Fprintln(os.Stderr, "bench/service: -cpuprofile and -overlay build their own govdata: leave out -bin")
		os.Exit(2)
	}
	if *dbURL != "" && !isPostgresURL(*dbURL) {
		fmt.Fprintln(os.Stderr, "bench/service: -db takes a postgres:// URL")
		os.Exit(2)
	}
	// Interrupted, the run stops its servers and drops its databases
	// before it exits.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := options{clients: *clients, rows: *rows, rounds: *rounds, warmup: *warmup, duration: *duration, verifyRate: *verifyRate,
		db: *dbURL, peer: *peer, peerOffset: *peerOffset, open: *open, bin: *binFlag, cpuprofile: *cpuprofile, overlay: *overlay, keep: *keep}
	if err := bench(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench/service:", err)
		os.Exit(1)
	}
}

// options are the run's flags.
type options struct {
	clients, rows, rounds int
	warmup, duration      time.Duration
	verifyRate            float64
	// db is the PostgreSQL server's URL, empty for SQLite.
	db               string
	peer, peerOffset bool
	// open: the open-data records API instead of the data service.
	open            bool
	bin, cpuprofile string
	overlay         string
	keep            bool
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// moduleRoot is the folder of govdata's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run from inside govdata's module")
	}
	return filepath.Dir(mod), nil
}

// server is one server under load: its process, its clients' target, the
// database it works on (with -db) and its results, one per round.
type server struct {
	proc    *process
	target  *target
	watch   *pgWatch
	results []result
}

// databases are the run's PostgreSQL databases (with -db).
type databases struct {
	srv               *pgServer
	govdata, baseline string // names
	govURL, baseURL   string
}

// makeDatabases creates the run's two databases on the server at dsn;
// drop removes them.
func makeDatabases(ctx context.Context, dsn string) (*databases, error) {
	srv, err := connectPostgres(ctx, dsn)
	if err != nil {
		return nil, err
	}
	d := &databases{srv: srv, govdata: fmt.Sprintf("govdata_bench_%d", os.Getpid())}
	d.baseline = d.govdata + "_baseline"
	if d.govURL, err = srv.createDatabase(ctx, d.govdata); err != nil {
		srv.admin.Close()
		return nil, err
	}
	if d.baseURL, err = srv.createDatabase(ctx, d.baseline); err != nil {
		srv.dropDatabase(d.govdata)
		srv.admin.Close()
		return nil, err
	}
	logf("databases %s and %s on %s", d.govdata, d.baseline, redact(dsn))
	return d, nil
}

func (d *databases) drop(keep bool) {
	if keep {
		logf("keeping databases %s and %s", d.govdata, d.baseline)
	} else {
		d.srv.dropDatabase(d.govdata)
		d.srv.dropDatabase(d.baseline)
	}
	d.srv.admin.Close()
}

func bench(ctx context.Context, o options) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "govdata-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		logf("keeping %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	csvPath := filepath.Join(tmp, "insured.csv")
	if err := writeCSV(csvPath, o.rows); err != nil {
		return fmt.Errorf("generate rows: %w", err)
	}

	bin := o.bin
	if bin == "" {
		bin = filepath.Join(tmp, "govdata")
		logf("building %s", bin)
		if err := buildGovdata(root, bin, o.cpuprofile != "", o.overlay, tmp); err != nil {
			return err
		}
	} else if bin, err = filepath.Abs(bin); err != nil {
		return err
	}
	var dbs *databases
	engine := "SQLite (WAL, synchronous=FULL) in a temporary folder"
	// store are govdata's flags that choose its database: the data folder
	// holds its keys in either case.
	dataDir := filepath.Join(tmp, "data")
	store := []string{"--data", dataDir}
	if o.db != "" {
		if dbs, err = makeDatabases(ctx, o.db); err != nil {
			return err
		}
		defer dbs.drop(o.keep)
		engine = dbs.srv.settings(ctx) + "; databases " + dbs.govdata + " (govdata, the peer) and " + dbs.baseline + " (the baseline)"
		store = append(store, "--db", dbs.govURL)
	}
	// The metrics listener on a free port: a run must not fail on another
	// govdata's default 127.0.0.1:8081 (an older binary ignores it).
	env := []string{"GOVDATA_ADMIN_PASSWORD=" + adminPassword, "GOVDATA_METRICS_ADDR=127.0.0.1:0"}
	if o.cpuprofile != "" {
		env = append(env, pprofEnv+"=127.0.0.1:0")
	}
	gov, err := startProcess(ctx, "govdata", filepath.Join(tmp, "govdata.log"), environ(env...), o.cpuprofile != "",
		bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--verify-rate", fmt.Sprint(o.verifyRate),
			"--verify-burst", fmt.Sprint(int(max(1, min(o.verifyRate, 1e9))))}, append(openFlags(o), store...)...)...)
	if err != nil {
		return err
	}
	defer gov.stop()
	logf("govdata at %s (log %s)", gov.URL, gov.logPath)
	// 三员分立: the first secadmin is made on the server with the CLI; it
	// confirms the business roles the sysadmin asks for in the setup.
	mk := exec.CommandContext(ctx, bin, append(append([]string{"user", "create"}, store...), "--name", "安全管理员", "--roles", "secadmin",
		"--password", secadminIssued, "secadmin")...)
	mk.Env = environ()
	if out, err := mk.CombinedOutput(); err != nil {
		return fmt.Errorf("govdata user create secadmin: %v\n%s", err, out)
	}
	a := &api{ctx: ctx, base: gov.URL, hc: &http.Client{Timeout: 30 * time.Minute}}
	s, err := setUp(a, csvPath, o.rows, o.open, logf)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	logf("entry %d (%s), grant %d, credential %s", s.entryID, s.code, s.grantID, s.appKey)

	path := "/api/v1/services/" + url.PathEscape(s.code) + "/records"
	byID := url.Values{"limit": {"20"}, idItem: {idOf(o.rows / 2)}}
	if o.open {
		// Anonymous: the signature the clients add is not looked at.
		path, byID = "/api/v1/open/datasets/"+url.PathEscape(s.code)+"/records", nil
	}
	probe := newTarget("govdata", gov.URL, path, s.appKey, s.secret, 1, nil)
	m, cursors, err := walk(probe, o.rows)
	if err != nil {
		return fmt.Errorf("cursors: %w", err)
	}
	m.noLookups = o.open
	if err := check(probe, url.Values{"limit": {"20"}}, byID); err != nil {
		return fmt.Errorf("govdata's answers: %w", err)
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	bdir := filepath.Join(tmp, "baseline")
	if err := os.Mkdir(bdir, 0o700); err != nil {
		return err
	}
	logf("starting the baseline on %d rows", o.rows)
	bargs := []string{"-baseline-serve", bdir, "-rows", fmt.Sprint(o.rows)}
	if dbs != nil {
		bargs = append(bargs, "-baseline-db", dbs.baseURL)
	}
	base, err := startProcess(ctx, "baseline", filepath.Join(tmp, "baseline.log"), environ(), false, self, bargs...)
	if err != nil {
		return err
	}
	defer base.stop()
	logf("baseline at %s", base.URL)
	bprobe := newTarget("baseline", base.URL, "/records", s.appKey, s.secret, 1, nil)
	if err := check(bprobe, url.Values{"limit": {"20"}}, url.Values{"limit": {"20"}, "id": {idOf(o.rows / 2)}}); err != nil {
		return fmt.Errorf("the baseline's answers: %w", err)
	}

	servers := []*server{
		{proc: gov, target: newTarget("govdata", gov.URL, path, s.appKey, s.secret, o.clients, m.govdataQuery(cursors))},
		{proc: base, target: newTarget("baseline", base.URL, "/records", s.appKey, s.secret, o.clients, m.baselineQuery())},
	}
	if dbs != nil {
		servers[0].watch = &pgWatch{srv: dbs.srv, db: dbs.govdata}
		servers[1].watch = &pgWatch{srv: dbs.srv, db: dbs.baseline}
	}
	if o.peer {
		p, err := startPeer(ctx, self, tmp, dataDir, dbs, s.entryID, m, o)
		if err != nil {
			return err
		}
		defer p.proc.stop()
		servers = append(servers, p)
	}

	for round := range o.rounds {
		for i, sv := range servers {
			var prof chan error
			if i == 0 && round == 0 && o.cpuprofile != "" {
				prof = make(chan error, 1)
				go func() { prof <- profile(gov.pprofURL, o.cpuprofile, o.warmup, o.duration) }()
			}
			logf("round %d: %s, %d clients, %s + %s warm-up", round+1, sv.target.name, o.clients, o.duration, o.warmup)
			r := run(ctx, sv.target, sv.proc.cmd.Process.Pid, o.clients, o.warmup, o.duration, sv.watch)
			if ctx.Err() != nil {
				return fmt.Errorf("interrupted")
			}
			if prof != nil {
				if err := <-prof; err != nil {
					return fmt.Errorf("cpu profile: %w", err)
				}
				logf("CPU profile of govdata in %s (go tool pprof -top %s)", o.cpuprofile, o.cpuprofile)
			}
			sv.results = append(sv.results, r)
		}
		if o.rounds > 1 {
			fmt.Printf("round %d:\n", round+1)
			var rs []result
			for _, sv := range servers {
				rs = append(rs, sv.results[round])
			}
			table(os.Stdout, rs, dbs != nil)
		}
	}
	report(os.Stdout, o, engine, servers)
	return nil
}

// startPeer starts the plain paging server on govdata's table and checks
// its answers.
func startPeer(ctx context.Context, self, tmp, dataDir string, dbs *databases, entryID int64, m mix, o options) (*server, error) {
	// sqlstore names an entry's dataset table so (dataTable in
	// sqlstore/dataset_schema.go); the check below fails if that changes.
	table := "ds_" + strconv.FormatInt(entryID, 10)
	dsn := filepath.Join(dataDir, "govdata.db")
	var db *sql.DB
	var err error
	if dbs != nil {
		dsn = dbs.govURL
		db, err = openPostgres(dsn, nil)
	} else {
		db, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)")
	}
	if err != nil {
		return nil, err
	}
	positions, err := peerPositions(ctx, db, table)
	db.Close()
	if err != nil {
		return nil, fmt.Errorf("peer: rows of %s: %w", table, err)
	}
	if len(positions) != o.rows {
		return nil, fmt.Errorf("peer: %s holds %d rows, want %d", table, len(positions), o.rows)
	}
	logf("starting the peer on %s", table)
	p, err := startProcess(ctx, "peer", filepath.Join(tmp, "peer.log"), environ(), false, self, "-peer-serve", dsn, "-peer-table", table)
	if err != nil {
		return nil, err
	}
	logf("peer at %s", p.URL)
	// The peer's clients sign too, as govdata's: the same client work.
	probe := newTarget("peer", p.URL, "/rows", "peer", "peer", 1, nil)
	if err := checkPeer(probe, positions); err != nil {
		p.stop()
		return nil, fmt.Errorf("the peer's answers: %w", err)
	}
	sv := &server{proc: p, target: newTarget("peer", p.URL, "/rows", "peer", "peer", o.clients, m.peerQuery(positions, o.peerOffset))}
	if dbs != nil {
		sv.watch = &pgWatch{srv: dbs.srv, db: dbs.govdata}
	}
	return sv, nil
}

// openFlags lift govdata's open-data rate limits for an -open run: every
// client comes from one address.
func openFlags(o options) []string {
	if !o.open {
		return nil
	}
	return []string{"--open-anon-rate", "1e9", "--open-anon-burst", "1000000000"}
}

// walk reads the whole dataset in pages of stride rows and returns the
// cursors after each, for the mix's cursor pages.
func walk(t *target, rows int) (mix, []string, error) {
	stride := min(max(rows/100, 20), govdata.MaxLimit)
	var cursors []string
	q := url.Values{"limit": {fmt.Sprint(stride)}}
	for {
		var page govdata.ServiceRecords
		if err := t.getJSON(q, &page); err != nil {
			return mix{}, nil, err
		}
		if page.NextCursor == "" {
			break
		}
		cursors = append(cursors, page.NextCursor)
		q.Set("cursor", page.NextCursor)
	}
	if len(cursors) == 0 {
		return mix{}, nil, fmt.Errorf("no second page in %d rows", rows)
	}
	return mix{rows: rows, pages: len(cursors), stride: stride}, cursors, nil
}

// check asks for the first page and for one ID, and compares the answers
// with the generated rows masked as the default policy says: both servers
// must answer the same, and masked.
func check(t *target, first, byID url.Values) error {
	var page govdata.ServiceRecords
	if err := t.getJSON(first, &page); err != nil {
		return err
	}
	if len(page.Items) != 20 || page.NextCursor == "" {
		return fmt.Errorf("first page: %d items, next cursor %q; want 20 and a cursor", len(page.Items), page.NextCursor)
	}
	for i, got := range page.Items {
		if want := expected(i); !sameRecord(got, want) {
			return fmt.Errorf("first page, row %d: got %s, want %s", i, show(got), show(want))
		}
	}
	if byID == nil {
		return nil
	}
	var one govdata.ServiceRecords
	if err := t.getJSON(byID, &one); err != nil {
		return err
	}
	if len(one.Items) != 1 {
		return fmt.Errorf("by ID: %d items, want 1", len(one.Items))
	}
	return nil
}

// expected is row i as a consumer sees it under the default masks.
func expected(i int) govdata.Record {
	rec := govdata.Record{}
	var m govdata.Masker
	for j, v := range rowOf(i) {
		it := benchItems[j]
		rec[it.Name] = m.Apply(&v, govdata.DefaultMasks[it.Sensitivity])
	}
	return rec
}

func sameRecord(a, b govdata.Record) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || (v == nil) != (w == nil) || (v != nil && *v != *w) {
			return false
		}
	}
	return true
}

func show(r govdata.Record) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// getJSON sends one signed GET and decodes a 200 answer.
func (t *target) getJSON(q url.Values, out any) error {
	resp, err := t.c.Do(context.Background(), "GET", t.path, q, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s?%s: status %d: %s", t.path, q.Encode(), resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

// profile fetches a CPU profile of the measured window from the overlay's
// endpoint.
func profile(base, path string, warmup, duration time.Duration) error {
	time.Sleep(warmup)
	resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, int(duration.Seconds())))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// median of the results by throughput (the lower middle of an even count).
func median(rs []result) result {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b result) int {
		switch {
		case a.rate() < b.rate():
			return -1
		case a.rate() > b.rate():
			return 1
		}
		return 0
	})
	return s[(len(s)-1)/2]
}

// table prints one line per result; withDB adds what the database cost.
func table(w io.Writer, rs []result, withDB bool) {
	fmt.Fprintf(w, "%-10s %8s %9s %9s %9s %6s %10s %10s", "", "req/s", "p50", "p99", "max", "errors", "server CPU", "client CPU")
	if withDB {
		fmt.Fprintf(w, " %10s %10s %8s", "db CPU", "all pg CPU", "commits")
	}
	fmt.Fprintf(w, "\n%-10s %8s %9s %9s %9s %6s %10s %10s", "", "", "", "", "", "", "ms/req", "ms/req")
	if withDB {
		fmt.Fprintf(w, " %10s %10s %8s", "ms/req", "ms/req", "/req")
	}
	fmt.Fprintln(w)
	for _, r := range rs {
		fmt.Fprintf(w, "%-10s %8.0f %9s %9s %9s %6d %10s %10s", r.name, r.rate(), ms(r.quantile(0.5)), ms(r.quantile(0.99)), ms(r.quantile(1)), r.errors,
			r.cpuPerRequest(r.serverCPU), r.cpuPerRequest(r.clientCPU))
		if withDB {
			fmt.Fprintf(w, " %10s %10s %8s", r.dbCPUPerRequest(false), r.dbCPUPerRequest(true), r.commitsPerRequest())
		}
		fmt.Fprintln(w)
		if r.firstErr != "" {
			fmt.Fprintf(w, "           first error: %s\n", r.firstErr)
		}
		if r.db.ended > 0 {
			fmt.Fprintf(w, "           %d of its database's backends ended in the window: their CPU is missing from db CPU\n", r.db.ended)
		}
	}
}

// Targets of issue 13, against the baseline and the peer on the same
// engine in the same run.
const (
	targetP99Ratio  = 1.3
	targetPeerRatio = 0.50
	// targetStability: the third round's throughput within 10 % of the first's.
	targetStability = 0.10
	stabilityRound  = 3
)

// report prints the medians, the ratios and the targets.
func report(w io.Writer, o options, engine string, servers []*server) {
	var meds []result
	for _, sv := range servers {
		meds = append(meds, median(sv.results))
	}
	g, b := meds[0], meds[1]
	withDB := o.db != ""
	host, _ := os.Hostname()
	what := "data service"
	if o.open {
		what = "open data (anonymous)"
	}
	fmt.Fprintf(w, "\n%s, GET …/records?limit=20: %d clients, %s measured after %s warm-up, %d rows, %d round(s); medians by req/s\n",
		what, o.clients, o.duration, o.warmup, o.rows, o.rounds)
	fmt.Fprintf(w, "engine: %s\n", engine)
	if o.open {
		fmt.Fprintf(w, "mix: a third first pages, two thirds a page after a cursor (the ID is de-identified: no lookups by it)\n")
	} else {
		fmt.Fprintf(w, "mix: a third first pages, a third equality on the sealed ID (1 row; a verification, allowed %.0f a second), a third a page after a cursor\n", o.verifyRate)
	}
	if o.peer {
		how := "after a row (keyset)"
		if o.peerOffset {
			how = "by number (LIMIT/OFFSET)"
		}
		fmt.Fprintf(w, "peer: plain paging of govdata's table, no auth, no masking, no audit; a third page 1, a third the page after a random row, a third the page after a cursor's row, asked %s\n", how)
	}
	fmt.Fprintf(w, "machine: %s, %d CPUs, %s %s/%s\n\n", host, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	table(w, meds, withDB)
	if withDB {
		fmt.Fprintf(w, "db CPU: the backends of the server's database (pg_stat_activity, /proc); all pg CPU: every process of PostgreSQL's user,\n"+
			"other databases' work on the same server included; commits: pg_stat_database.xact_commit of the server's database\n"+
			"(a statement outside a transaction counts as one; the peer reads govdata's database)\n")
	}
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	fmt.Fprintln(w)
	ratio := g.rate() / b.rate()
	fmt.Fprintf(w, "throughput govdata/baseline: %.1f %% (target ≥ %.0f %%): %s\n", 100*ratio, 100*targetRatio, met(ratio >= targetRatio))
	p99, bp99 := g.quantile(0.99), b.quantile(0.99)
	fmt.Fprintf(w, "p99 govdata/baseline: %s / %s = %.2f× (target ≤ %.1f×, issue 13): %s\n", ms(p99), ms(bp99),
		p99.Seconds()/bp99.Seconds(), targetP99Ratio, met(p99.Seconds() <= targetP99Ratio*bp99.Seconds() && g.errors == 0))
	if len(meds) > 2 {
		pr := g.rate() / meds[2].rate()
		fmt.Fprintf(w, "throughput govdata/peer: %.1f %% (target ≥ %.0f %%, issue 13): %s\n", 100*pr, 100*targetPeerRatio, met(pr >= targetPeerRatio))
	}
	if g.serverCPU > 0 && b.serverCPU > 0 && g.ok > 0 && b.ok > 0 {
		cpu := func(r result) float64 { return r.serverCPU.Seconds() / float64(r.ok) }
		fmt.Fprintf(w, "server CPU per call govdata/baseline: %.2f×", cpu(g)/cpu(b))
		if !withDB {
			fmt.Fprintf(w, " (target ≤ 1.43× on SQLite, issue 13): %s", met(cpu(g)/cpu(b) <= 1.43))
		}
		fmt.Fprintln(w)
	}
	if o.rounds > 1 {
		stability(w, servers, met)
	}
	if o.clients == targetClients {
		fmt.Fprintf(w, "govdata p99: %s (target < %s at %d clients): %s\n", ms(p99), ms(targetP99), targetClients, met(p99 < targetP99 && g.errors == 0))
	} else {
		fmt.Fprintf(w, "govdata p99: %s (the target, < %s, is set at %d clients)\n", ms(p99), ms(targetP99), targetClients)
	}
	// Little's law: clients that always wait for an answer and ask again
	// at once see a mean latency of clients / throughput.
	fmt.Fprintf(w, "baseline p99: %s; with %d clients a mean latency under %s needs ≥ %.0f req/s (Little's law)\n",
		ms(bp99), o.clients, ms(targetP99), float64(o.clients)/targetP99.Seconds())
}

// stability prints each server's throughput by round and how far the
// third round (or the last, with fewer) is from the first: a server that
// slows round by round leaves something behind (issue 13: dead row
// versions with autovacuum off). The target is govdata's; the others'
// figures tell what the machine itself did meanwhile.
func stability(w io.Writer, servers []*server, met func(bool) string) {
	for i, sv := range servers {
		rs := sv.results
		var rates []string
		for _, r := range rs {
			rates = append(rates, fmt.Sprintf("%.0f", r.rate()))
		}
		k := min(stabilityRound, len(rs))
		change := rs[k-1].rate()/rs[0].rate() - 1
		fmt.Fprintf(w, "%s req/s by round: %s; round %d / round 1: %+.1f %%", sv.target.name, strings.Join(rates, ", "), k, 100*change)
		switch {
		case i > 0:
		case k < stabilityRound:
			fmt.Fprintf(w, " (the target, within ±%.0f %%, is set at round %d)", 100*targetStability, stabilityRound)
		default:
			fmt.Fprintf(w, " (target within ±%.0f %%, issue 13): %s", 100*targetStability, met(math.Abs(change) <= targetStability))
		}
		fmt.Fprintln(w)
	}
}
