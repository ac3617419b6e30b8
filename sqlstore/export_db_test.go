package sqlstore

import (
	"context"
	"errors"
	"io"

	"github.com/jackc/pgx/v5/stdlib"
)

// CopyCSVForTest loads a CSV file (with a header row) into table with
// PostgreSQL's own COPY: the yardstick of the ingest benchmark. Test-only.
func (db *DB) CopyCSVForTest(ctx context.Context, table string, r io.Reader) (int64, error) {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int64
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("COPY needs PostgreSQL")
		}
		tag, err := c.Conn().PgConn().CopyFrom(ctx, r, "COPY "+table+" FROM STDIN WITH (FORMAT csv, HEADER true)")
		n = tag.RowsAffected()
		return err
	})
	return n, err
}

// DSNForTest is the PostgreSQL address of the store ("" on SQLite), for a
// test that dumps it with pg_dump. Test-only.
func (db *DB) DSNForTest() string { return db.opts.DSN }

// SettingForTest is a PostgreSQL setting as the store's own connections
// have it (a test's own connection would show its own). Test-only.
func (db *DB) SettingForTest(ctx context.Context, name string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, "SELECT current_setting($1)", name).Scan(&v)
	return v, err
}

// PreparedForTest runs query n times on one connection of the store, as
// a read planned for its values (forValues true: queryForValues) or as
// any other read, and reports how many prepared statements of that text
// the connection then holds. Test-only.
func (db *DB) PreparedForTest(ctx context.Context, query string, n int, forValues bool) (int, error) {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var args []any
	if forValues {
		args = []any{db.dialect.forValues}
	}
	for range n {
		rows, err := conn.QueryContext(ctx, db.dialect.q(query), args...)
		if err != nil {
			return 0, err
		}
		rows.Close()
	}
	var prepared int
	err = conn.QueryRowContext(ctx, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", db.dialect.q(query)).Scan(&prepared)
	return prepared, err
}
