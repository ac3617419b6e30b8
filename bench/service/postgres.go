package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// With -db the run takes place on a PostgreSQL server: the harness makes a
// database of its own for govdata and one for the baseline, drops both at
// the end (unless -keep), and watches the server while each one is
// measured — the CPU of the PostgreSQL processes and the database's
// commits — since on PostgreSQL much of a call's cost is spent there, out
// of sight of the server process's own CPU figure.

// isPostgresURL reports whether dsn names a PostgreSQL server (the form
// govdata's --db takes).
func isPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openPostgres opens a database/sql pool through pgx, as sqlstore does;
// params are run-time settings for every connection.
func openPostgres(dsn string, params map[string]string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", redact(dsn), err)
	}
	for k, v := range params {
		cfg.RuntimeParams[k] = v
	}
	return stdlib.OpenDB(*cfg), nil
}

// redact hides a password in a URL for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(a PostgreSQL URL)"
	}
	return u.Redacted()
}

// pgServer is the PostgreSQL server of a run, through a connection to the
// database the -db URL names (its maintenance database, e.g. postgres).
type pgServer struct {
	url   string
	admin *sql.DB
	// uid owns PostgreSQL's processes (-1 if unknown).
	uid int
}

func connectPostgres(ctx context.Context, dsn string) (*pgServer, error) {
	admin, err := openPostgres(dsn, nil)
	if err != nil {
		return nil, err
	}
	admin.SetMaxOpenConns(2)
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return nil, fmt.Errorf("postgres %s: %w", redact(dsn), err)
	}
	s := &pgServer{url: dsn, admin: admin, uid: -1}
	if u, err := user.Lookup("postgres"); err == nil {
		s.uid, _ = strconv.Atoi(u.Uid)
	}
	return s, nil
}

// createDatabase makes a new, empty database and returns its URL.
func (s *pgServer) createDatabase(ctx context.Context, name string) (string, error) {
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(s.url)
	if err != nil {
		return "", err
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String(), nil
}

// dropDatabase removes a database of the run; FORCE ends any connection
// still open (a server that did not stop in time).
func (s *pgServer) dropDatabase(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		logf("drop database %s: %v", name, err)
	}
}

// settings are the server's settings that bear on the figures: its
// version, whether a commit waits for the disk, and autovacuum (issue 13:
// with it off, rows updated by every call bloat the tables round by round).
func (s *pgServer) settings(ctx context.Context) string {
	var parts []string
	for _, q := range []struct{ label, sql string }{
		{"", "SHOW server_version"},
		{"synchronous_commit", "SHOW synchronous_commit"},
		{"fsync", "SHOW fsync"},
		{"autovacuum", "SHOW autovacuum"},
	} {
		var v string
		if err := s.admin.QueryRowContext(ctx, q.sql).Scan(&v); err != nil {
			v = "?"
		}
		if q.label == "" {
			parts = append(parts, "PostgreSQL "+v)
		} else {
			parts = append(parts, q.label+" "+v)
		}
	}
	return strings.Join(parts, ", ")
}

// pgWatch measures what one database costs the server while a server of
// the benchmark is measured.
type pgWatch struct {
	srv *pgServer
	db  string
}

// pgSample is the server's state at one end of a measured window.
type pgSample struct {
	ok      bool
	commits int64
	// backends are the CPU times of the database's client backends, all of
	// every process PostgreSQL's user owns (the run's backends, the WAL
	// writer, the checkpointer — and whatever else uses the server).
	backends, all map[int]time.Duration
}

// pgUse is what a database cost the server in a measured window.
type pgUse struct {
	known bool
	// dbCPU is the CPU of the database's backends; allCPU that of every
	// PostgreSQL process; commits the database's committed transactions
	// (pg_stat_database.xact_commit: a statement outside a transaction is
	// one too, so reads count).
	dbCPU, allCPU time.Duration
	commits       int64
	// cpuUnknown: /proc did not tell the backends' CPU.
	cpuUnknown bool
	// ended counts backends that ended inside the window: their CPU since
	// its start is missing from dbCPU.
	ended int
}

// sample reads the server's state. A backend's CPU comes from /proc, so
// the server must run on this machine.
func (w *pgWatch) sample(ctx context.Context) pgSample {
	if w == nil {
		return pgSample{}
	}
	out := pgSample{backends: map[int]time.Duration{}, all: map[int]time.Duration{}}
	if err := w.srv.admin.QueryRowContext(ctx, "SELECT xact_commit FROM pg_stat_database WHERE datname = $1", w.db).Scan(&out.commits); err != nil {
		logf("pg_stat_database: %v", err)
		return out
	}
	rows, err := w.srv.admin.QueryContext(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", w.db)
	if err != nil {
		logf("pg_stat_activity: %v", err)
		return out
	}
	defer rows.Close()
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return out
		}
		if cpu := processCPU(pid); cpu >= 0 {
			out.backends[pid] = cpu
		}
	}
	if rows.Err() != nil {
		return out
	}
	if w.srv.uid >= 0 {
		for _, pid := range processesOf(w.srv.uid) {
			if cpu := processCPU(pid); cpu >= 0 {
				out.all[pid] = cpu
			}
		}
	}
	out.ok = true
	return out
}

// use is the cost between two samples: a process that appeared in between
// counts from zero, one that ended is lost.
func (a pgSample) use(b pgSample) pgUse {
	if !a.ok || !b.ok {
		return pgUse{}
	}
	u := pgUse{known: true, commits: b.commits - a.commits}
	u.dbCPU = cpuBetween(a.backends, b.backends)
	u.allCPU = cpuBetween(a.all, b.all)
	for pid := range a.backends {
		if _, ok := b.backends[pid]; !ok {
			u.ended++
		}
	}
	u.cpuUnknown = len(b.backends) == 0
	return u
}

func cpuBetween(a, b map[int]time.Duration) time.Duration {
	var sum time.Duration
	for pid, t := range b {
		sum += t - a[pid]
	}
	return sum
}

// processesOf lists the processes whose /proc entry uid owns.
func processesOf(uid int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		fi, err := os.Stat("/proc/" + e.Name())
		if err != nil {
			continue
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == uid {
			pids = append(pids, pid)
		}
	}
	return pids
}
