package sqlstore

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds the few real differences between SQLite and PostgreSQL.
// Queries are written once with ? placeholders in portable SQL.
type dialect struct {
	name string // "sqlite" or "postgres"
	// lockAudit serialises audit appends across processes; SQLite needs none
	// because its write transactions (BEGIN IMMEDIATE) are already exclusive.
	lockAudit string
	// like is the case-insensitive LIKE operator.
	like string
	// notDistinct compares two values, NULL equal to NULL.
	notDistinct string
	// snapshot is the isolation of a read that must see one state of the
	// store throughout (an export counted, then streamed): PostgreSQL's
	// default READ COMMITTED sees each statement's own state; a SQLite read
	// transaction in WAL mode is a snapshot already.
	snapshot sql.IsolationLevel
	// copyText: a batch's rows are staged as COPY text (PostgreSQL's
	// fastest load); SQLite stages them with multi-row inserts.
	copyText bool
	// stagingRowKey, when set, gives a staging table (%s) a primary key on
	// _row before its key index is built; SQLite's rowid already is one.
	stagingRowKey string
}

var (
	sqliteDialect   = dialect{name: "sqlite", like: "LIKE", notDistinct: "IS"}
	postgresDialect = dialect{name: "postgres", lockAudit: "SELECT pg_advisory_xact_lock(7242001)", like: "ILIKE", notDistinct: "IS NOT DISTINCT FROM",
		snapshot: sql.LevelRepeatableRead, copyText: true, stagingRowKey: "ALTER TABLE %s ADD PRIMARY KEY (_row)"}
)

// number is a text column's value as a number, for ranges and order
// (items of type N and Y are stored as their text). PostgreSQL refuses to
// cast text that is no number, so such text counts as null there (and
// the pattern has no "?", which q would take for a placeholder).
func (d dialect) number(col string) string {
	if d.name == "postgres" {
		return `(CASE WHEN ` + col + ` ~ '^\s*[-+]{0,1}([0-9]+(\.[0-9]*){0,1}|\.[0-9]+)([eE][-+]{0,1}[0-9]+){0,1}\s*$' THEN CAST(` + col + ` AS DOUBLE PRECISION) END)`
	}
	return "CAST(" + col + " AS REAL)"
}

// q rewrites ? placeholders to $1, $2, … for PostgreSQL. Queries must not
// contain a literal "?" (none do; values always travel as arguments).
func (d dialect) q(query string) string {
	if d.name != "postgres" || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// isUniqueViolation reports whether err is a unique or primary-key violation.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// escapeLike escapes % and _ for a LIKE pattern used with ESCAPE '\'.
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
