package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// A batch's closing writes — the usage it counted, its audit records, the
// chain's new head, the credentials' last use — are statements whose
// results no one reads: they are kept (Tx.later) and sent together at the
// end, on PostgreSQL in one round trip (PRODUCT.md §5: a call's share of one
// group commit, not a statement of its own each).

// laterStmt is one statement of a pipeline, its SQL in the engine's
// placeholders: kept for the end of the batch, or one of the reads that
// open it (scan, when set, takes each row it returns).
type laterStmt struct {
	query string
	args  []any
	scan  func(rowScanner) error
}

// rowScanner is a row of database/sql or of pgx.
type rowScanner interface{ Scan(dest ...any) error }

// runOpening sends the batch's opening statements — the chain's head, the
// credentials, the nonces — in one round trip on PostgreSQL.
func (db *DB) runOpening(tx *Tx, opening []laterStmt) error {
	l := laterStmts{stmts: opening}
	return l.run(tx.ctx, db.dialect, tx.conn, tx.tx)
}

// laterStmts collects a batch's closing statements.
type laterStmts struct{ stmts []laterStmt }

func (l *laterStmts) add(d dialect, query string, args ...any) {
	l.stmts = append(l.stmts, laterStmt{query: d.q(query), args: args})
}

// run sends the statements inside tx (open on conn), in order.
func (l *laterStmts) run(ctx context.Context, d dialect, conn *sql.Conn, tx *sql.Tx) error {
	if len(l.stmts) == 0 {
		return nil
	}
	if d.pipeline != nil && len(l.stmts) > 1 && conn != nil {
		return d.pipeline(ctx, conn, l.stmts)
	}
	for _, s := range l.stmts {
		if s.scan == nil {
			if _, err := tx.ExecContext(ctx, s.query, s.args...); err != nil {
				return err
			}
			continue
		}
		rows, err := tx.QueryContext(ctx, s.query, s.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := s.scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// pgxPipeline sends the statements as one pgx batch on the connection's
// open transaction: one round trip, their errors in order.
func pgxPipeline(ctx context.Context, conn *sql.Conn, stmts []laterStmt) error {
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(interface{ Conn() *pgx.Conn })
		if !ok {
			return errors.New("sqlstore: pipeline: not a pgx connection")
		}
		b := &pgx.Batch{}
		for _, s := range stmts {
			b.Queue(s.query, s.args...)
		}
		res := c.Conn().SendBatch(ctx, b)
		for i, s := range stmts {
			if err := pipelined(res, s); err != nil {
				res.Close()
				return fmt.Errorf("statement %d of %d: %w", i+1, len(stmts), err)
			}
		}
		return res.Close()
	})
}

// pipelined takes one statement's result from a pgx batch.
func pipelined(res pgx.BatchResults, s laterStmt) error {
	if s.scan == nil {
		_, err := res.Exec()
		return err
	}
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := s.scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
