// Package storetest opens fresh stores on every engine for tests: SQLite
// always, PostgreSQL whenever GOVDATA_TEST_POSTGRES holds a DSN (CI always
// gives one). Each test gets its own database, dropped when it ends; SQL
// gives a test its own connection to it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
	"github.com/govdata/govdata/password"
	"github.com/govdata/govdata/sqlstore"
)

// Engine names a storage engine under test.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// PostgresDSN is the DSN of the PostgreSQL server for tests, or "".
func PostgresDSN() string { return os.Getenv("GOVDATA_TEST_POSTGRES") }

// Engines lists the engines to test. Under CI=true a missing PostgreSQL DSN
// fails the test instead of silently testing SQLite alone.
func Engines(t testing.TB) []Engine {
	if PostgresDSN() != "" {
		return []Engine{SQLite, Postgres}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but GOVDATA_TEST_POSTGRES is not set: the PostgreSQL half of the suite must run")
	}
	return []Engine{SQLite}
}

// Each runs f as a subtest on every engine.
func Each(t *testing.T, f func(t *testing.T, e Engine)) {
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) { f(t, e) })
	}
}

// Clock is a clock tests move by hand.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// Now implements govdata.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t, for a test that walks a calendar by dates.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC()
	c.mu.Unlock()
}

// MasterKey is a fixed master key for tests.
var MasterKey = []byte("govdata-test-master-key-0123456789abcdef")

// Options returns store options for tests: fast password hashing, a fixed
// master key, a clock at 2026-03-02 09:00 Beijing time.
func Options() sqlstore.Options {
	return sqlstore.Options{
		Clock:     NewClock(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)),
		Password:  password.Fast,
		MasterKey: MasterKey,
		DataKeys:  DataKeys(),
		Auth:      govdata.DefaultAuthConfig,
	}
}

// DataKeys is a fresh keyring of one SM4-GCM key.
func DataKeys() *datakey.Keyring {
	f, err := datakey.New(datakey.SM4GCM, time.Now())
	if err != nil {
		panic(err)
	}
	k, err := datakey.Open(f)
	if err != nil {
		panic(err)
	}
	return k
}

// CreateDatabase makes a fresh PostgreSQL database and returns its DSN; it
// is dropped when the test ends.
func CreateDatabase(t testing.TB) string {
	t.Helper()
	admin := PostgresDSN()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("storetest: open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := "govdata_test_" + strings.ToLower(rand.Text())[:12]
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("storetest: PostgreSQL at GOVDATA_TEST_POSTGRES is not usable: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("storetest: GOVDATA_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open opens a migrated store on a fresh database of engine e, closed when
// the test ends. opts may be nil for Options().
func Open(t testing.TB, e Engine, opts *sqlstore.Options) *sqlstore.DB {
	t.Helper()
	o := Options()
	if opts != nil {
		o = *opts
	}
	switch e {
	case SQLite:
		if o.DataDir == "" {
			o.DataDir = t.TempDir()
		}
	case Postgres:
		if o.DSN == "" {
			o.DSN = CreateDatabase(t)
		}
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, o)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	remember(t, db, o)
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate %s: %v", e, err)
	}
	return db
}

// System is a context acting as the platform itself.
func System() context.Context { return govdata.WithActor(context.Background(), govdata.SystemActor) }

// As is a context acting as actor.
func As(a govdata.Actor) context.Context { return govdata.WithActor(context.Background(), a) }
