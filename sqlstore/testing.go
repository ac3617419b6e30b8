package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
)

// errNotTest refuses the helpers below outside a test binary, so that no
// code path of govdata can write behind the committer and the audit log.
var errNotTest = errors.New("sqlstore: test-only helper called outside a test")

// The helpers of this file exist for tests only (the conformance suite in
// storetest tampers with the audit log behind the store's back to prove that
// verification notices). No govdata code path may call them.

// ExecForTest runs one statement on the writer connection, with ?
// placeholders rewritten for the engine. Test-only.
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	if !testing.Testing() {
		return errNotTest
	}
	_, err := db.writer.ExecContext(ctx, db.dialect.q(query), args...)
	return err
}

// QueryForTest runs one query on the writer connection, so that it sees
// every committed write, with ? placeholders rewritten for the engine. Test-only.
func (db *DB) QueryForTest(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !testing.Testing() {
		return nil, errNotTest
	}
	return db.writer.QueryContext(ctx, db.dialect.q(query), args...)
}

// QueuedWritesForTest reports how many writes wait for the committer, so
// that a test can gather a known set of writes into one batch. Test-only.
func (db *DB) QueuedWritesForTest() int { return len(db.commit.jobs) }

// CopyCSVForTest loads a CSV file (with a header row) into table with
// PostgreSQL's own COPY: the yardstick of the ingest benchmark. Test-only.
func (db *DB) CopyCSVForTest(ctx context.Context, table string, r io.Reader) (int64, error) {
	if !testing.Testing() || db.dialect.name != "postgres" {
		return 0, errNotTest
	}
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int64
	err = conn.Raw(func(dc any) error {
		tag, err := dc.(*stdlib.Conn).Conn().PgConn().CopyFrom(ctx, r, "COPY "+table+" FROM STDIN WITH (FORMAT csv, HEADER true)")
		n = tag.RowsAffected()
		return err
	})
	return n, err
}

// DSNForTest is the PostgreSQL address of the store ("" on SQLite), for a
// test that dumps it with pg_dump. Test-only.
func (db *DB) DSNForTest() string {
	if !testing.Testing() {
		return ""
	}
	return db.opts.DSN
}
