package storetest

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/govdata/govdata/sqlstore"
)

// SQLConn is a test's own database/sql connection to a store's database,
// for what the store's services do not do: tamper with the audit log to
// prove that verification notices, put in a row a scenario needs, count
// what a table holds. It goes around the store's committer and its audit
// log, which is why it lives here and not in package sqlstore: nothing in
// the govdata binary can write behind them.
type SQLConn struct {
	db *sql.DB
	// numbered: PostgreSQL, whose placeholders are $1, $2, …
	numbered bool
}

// Exec runs one statement, with ? placeholders.
func (c *SQLConn) Exec(ctx context.Context, query string, args ...any) error {
	_, err := c.ExecRows(ctx, query, args...)
	return err
}

// ExecRows runs one statement, with ? placeholders, and reports the rows
// it changed.
func (c *SQLConn) ExecRows(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.db.ExecContext(ctx, c.q(query), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Query runs one query, with ? placeholders. It sees every write the store
// has committed.
func (c *SQLConn) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.db.QueryContext(ctx, c.q(query), args...)
}

// q rewrites ? placeholders to $1, $2, … for PostgreSQL, as the store
// does: queries hold no literal "?".
func (c *SQLConn) q(query string) string {
	if !c.numbered {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteString("$" + strconv.Itoa(n))
	}
	return b.String()
}

// OpenSQL opens a connection to the database that o names (o.DSN, or the
// SQLite file in o.DataDir), closed when the test ends: for a store that
// Open did not open.
func OpenSQL(t testing.TB, o sqlstore.Options) *SQLConn {
	t.Helper()
	c, err := openSQL(o)
	if err != nil {
		t.Fatalf("storetest: open SQL: %v", err)
	}
	t.Cleanup(func() { c.db.Close() })
	return c
}

func openSQL(o sqlstore.Options) (*SQLConn, error) {
	if sqlstore.IsPostgres(o.DSN) {
		db, err := sql.Open("pgx", o.DSN)
		return &SQLConn{db: db, numbered: true}, err
	}
	// A second connection to a SQLite file in WAL mode: it waits, as the
	// store's own connections do, while another one writes.
	path := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.Join(o.DataDir, sqlstore.SQLiteFile))
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	return &SQLConn{db: db}, err
}

// opened holds where each store that Open opened lives, until its test
// ends, so that SQL can reach its database.
var opened sync.Map // *sqlstore.DB → *openedStore

type openedStore struct {
	o    sqlstore.Options
	once sync.Once
	conn *SQLConn
	err  error
}

// remember records where db lives for SQL, until the test ends.
func remember(t testing.TB, db *sqlstore.DB, o sqlstore.Options) {
	s := &openedStore{o: o}
	opened.Store(db, s)
	t.Cleanup(func() {
		opened.Delete(db)
		if s.conn != nil {
			s.conn.db.Close()
		}
	})
}

// SQL is a connection of the test's own to the database of db, a store
// that Open opened; one per store, closed when the store's test ends.
func SQL(t testing.TB, db *sqlstore.DB) *SQLConn {
	t.Helper()
	v, ok := opened.Load(db)
	if !ok {
		t.Fatal("storetest: SQL: the store was not opened by storetest.Open (use OpenSQL with its options)")
	}
	s := v.(*openedStore)
	s.once.Do(func() { s.conn, s.err = openSQL(s.o) })
	if s.err != nil {
		t.Fatalf("storetest: open SQL: %v", s.err)
	}
	return s.conn
}
