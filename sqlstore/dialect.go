package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds the few real differences between SQLite and PostgreSQL.
// Queries are written once with ? placeholders in portable SQL. Code
// elsewhere asks the dialect what differs and never branches on name, so
// that a third engine is one more dialect value.
type dialect struct {
	name string // "sqlite" or "postgres", as Engine reports it
	// headQuery locks and reads the audit chain's head, serialising audit
	// appends across processes (PostgreSQL: FOR UPDATE, which also reads
	// the head as the writer before committed it); SQLite needs no lock
	// because its write transactions (BEGIN IMMEDIATE) are already exclusive.
	headQuery string
	// pipeline sends statements whose results no one reads in one round
	// trip, inside the transaction open on conn; nil: one by one (SQLite
	// runs in-process, where a statement costs no round trip).
	pipeline func(ctx context.Context, conn *sql.Conn, stmts []laterStmt) error
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
	// rowColumn declares _row, a dataset table's row version (and its
	// staging copy's). SQLite's is the rowid itself, a primary key from the
	// start; PostgreSQL's gets its key by a statement of its own (rowKey),
	// so that a staging table gets it only once loaded.
	rowColumn string
	// rowKey, when set, gives a table (%s) its primary key on _row: a
	// dataset table when first created, a staging table after its load and
	// before its key index is built.
	rowKey string
	// sealedType and textType are the column types of a dataset's sealed
	// and plain values. PostgreSQL's compare byte by byte (COLLATE "C"):
	// keys need equality, not a language's order, and a btree over "C"
	// builds several times faster than one over a locale's collation.
	sealedType, textType string
	// search is the catalog's full-text index (CAT-5): SQLite's FTS5
	// tables, PostgreSQL's tsvector columns under GIN indexes.
	search searchIndex
	// readAudit, when set, reads audit records for verification faster
	// than database/sql can (readAuditPostgres: PostgreSQL's binary format,
	// into reused buffers); SQLite's driver has no such path.
	readAudit func(ctx context.Context, read *sql.DB, query string, lo, hi int64, check func(*govdata.AuditRecord) bool) (done bool, err error)
	// ownDatabase, when set, reports whether a pull source's postgres://
	// address names the store's own database (dsn): the platform must not
	// pull from itself. A SQLite store is a file that no address names.
	ownDatabase func(dsn, source string) bool
	// tableExistsQuery counts the tables named ? in the store's schema.
	tableExistsQuery string
	// migrationsDir is the folder of the engine's migrations among the
	// embedded files, and gooseDialect how goose keeps their versions.
	migrationsDir string
	gooseDialect  goose.Dialect
	// forValues, when set, is the argument that makes a read be planned for
	// its own values each time it runs (queryForValues): pgx's unnamed
	// statement. Every other read is prepared once per connection and may
	// keep PostgreSQL's generic plan, which is what makes a data-service
	// call cheap; a catalog search must not (a plan for a rare word is slow
	// for a common one, CAT-5). SQLite plans each run anyway.
	forValues any
	// lockStartup, when set, makes the lock that lets one of several
	// govdata processes starting at once against one database migrate it
	// while the others wait. goose has no session lock for SQLite.
	lockStartup func() (lock.SessionLocker, error)
}

var (
	sqliteDialect = dialect{
		headQuery:        "SELECT seq, hash FROM audit_head WHERE id = 1",
		name:             "sqlite",
		like:             "LIKE",
		notDistinct:      "IS",
		rowColumn:        "_row INTEGER PRIMARY KEY",
		sealedType:       "BLOB",
		textType:         "TEXT",
		search:           ftsSearch{},
		tableExistsQuery: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
		migrationsDir:    "migrations/sqlite",
		gooseDialect:     goose.DialectSQLite3,
	}
	postgresDialect = dialect{
		name:             "postgres",
		headQuery:        "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
		pipeline:         pgxPipeline,
		like:             "ILIKE",
		notDistinct:      "IS NOT DISTINCT FROM",
		snapshot:         sql.LevelRepeatableRead,
		copyText:         true,
		rowColumn:        "_row BIGINT NOT NULL",
		rowKey:           "ALTER TABLE %s ADD PRIMARY KEY (_row)",
		sealedType:       "BYTEA",
		textType:         `TEXT COLLATE "C"`,
		search:           tsvectorSearch{},
		readAudit:        readAuditPostgres,
		ownDatabase:      samePostgresDatabase,
		tableExistsQuery: "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?",
		migrationsDir:    "migrations/postgres",
		gooseDialect:     goose.DialectPostgres,
		lockStartup:      func() (lock.SessionLocker, error) { return lock.NewPostgresSessionLocker() },
		forValues:        pgx.QueryExecModeExec,
	}
)

// Engine names the storage engine: "sqlite" or "postgres".
func (db *DB) Engine() string { return db.dialect.name }

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
