// Package sqlstore is the only database code of govdata: one implementation
// of the domain services over database/sql, for SQLite (modernc.org/sqlite,
// pure Go) and PostgreSQL (pgx). The few real differences live in dialect.
//
// Every write goes through one committer that group-commits: concurrent
// writes share one transaction and one durable commit, each isolated by a
// savepoint, and each appends its audit record in that same transaction, so
// an action and its record commit together or not at all (SEC-1).
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
	"github.com/govdata/govdata/password"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers "pgx" for database/sql
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"
)

//go:embed migrations
var migrations embed.FS

// Options configure a store.
type Options struct {
	// DSN selects PostgreSQL ("postgres://…" or "postgresql://…"). Empty
	// means SQLite in DataDir.
	DSN     string
	DataDir string
	Clock   govdata.Clock
	Auth    govdata.AuthConfig
	// Password is the argon2id cost; zero means password.Default.
	Password password.Params
	// MasterKey derives credential secrets; it lives outside the database
	// so that a dump reveals no usable secret (ORG-5).
	MasterKey []byte
	// DataKeys seal the values of sensitive items (SEC-2); nil refuses
	// data for entries that have such items.
	DataKeys *datakey.Keyring
	// AuditHash is the chain algorithm chosen at init (govdata.HashSM3 or
	// govdata.HashSHA256); later opens read it from the store.
	AuditHash string
	// AuditRetentionDays is set at init; records younger cannot be deleted
	// (SEC-1). Zero means MinAuditRetentionDays; less is refused.
	AuditRetentionDays int
	// Profile names the regulation profile, chosen at init (a shipped name or
	// the path of the deployment's own file); later opens read it from the store.
	Profile string
	// MailNotices queues an e-mail copy of each notification to a recipient
	// with an address (CAL-3); set when SMTP is configured.
	MailNotices bool
	// MustExist opens only a SQLite database that is already there, creating
	// neither the data folder nor the file (commands that only read a store,
	// such as audit verify, must not leave an empty database behind).
	MustExist bool
	Logger    *slog.Logger
	Hooks     Hooks
}

// SQLiteFile is the name of a SQLite store's database in its data folder.
const SQLiteFile = "govdata.db"

// MinAuditRetentionDays is the shortest audit retention govdata accepts:
// three years (SX-22, HLJ-28: records kept at least 3 years; SEC-1).
const MinAuditRetentionDays = 3*365 + 1

// ErrNotGovdata is returned when a database holds no govdata store: no
// migration has ever run on it.
var ErrNotGovdata = errors.New("not a govdata database: no migrations applied")

// Hooks let the caller observe the store (metrics) without the store
// depending on a metrics library.
type Hooks struct {
	AuditAppended func(n int) // records appended in one commit
	CommitDone    func(d time.Duration, jobs int)
	StoreError    func() // any internal storage error
}

// DB is an open store.
type DB struct {
	dialect dialect
	writer  *sql.DB // SQLite: one connection; PostgreSQL: the pool
	read    *sql.DB // SQLite: a pool of read-only connections; PostgreSQL: the pool
	opts    Options
	clock   govdata.Clock
	log     *slog.Logger
	commit  *committer
	// sent and commits count the statements sent to the database server
	// and the group commits since Open (Stats).
	sent, commits atomic.Int64
	keys          atomic.Pointer[datakey.Keyring]
	batches       runningBatches
	// loading admits a few batches at a time: each holds a connection
	// while it stages (PostgreSQL's pool is shared with every request).
	loading chan struct{}
	// readStmts and writeStmts: SQLite's prepared statements (nil on
	// PostgreSQL).
	readStmts, writeStmts *stmtCache
	housekeeping          *housekeeper
}

// maxLoading is how many batches stage at once; more wait their turn.
const maxLoading = 4

// DataKeys is the keyring that seals sensitive values now.
func (db *DB) DataKeys() *datakey.Keyring { return db.keys.Load() }

// SetDataKeys replaces the keyring (a rotation: the new file holds every
// older key too, so values sealed before stay readable).
func (db *DB) SetDataKeys(k *datakey.Keyring) { db.keys.Store(k) }

// IsPostgres reports whether dsn selects PostgreSQL.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the store; Migrate must run before use.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.Clock == nil {
		opts.Clock = govdata.SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Password == (password.Params{}) {
		opts.Password = password.Default
	}
	if opts.Auth == (govdata.AuthConfig{}) {
		opts.Auth = govdata.DefaultAuthConfig
	}
	if opts.AuditHash == "" {
		opts.AuditHash = govdata.HashSM3
	}
	if opts.AuditRetentionDays == 0 {
		opts.AuditRetentionDays = MinAuditRetentionDays
	}
	db := &DB{opts: opts, clock: opts.Clock, log: opts.Logger}
	db.keys.Store(opts.DataKeys)
	db.batches.m = map[int64]*runningBatch{}
	db.loading = make(chan struct{}, maxLoading)
	var err error
	var checkpoint *sql.DB
	switch {
	case IsPostgres(opts.DSN):
		db.dialect = postgresDialect
		cfg, err := pgx.ParseConfig(opts.DSN)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: open postgres %s: %w", redactDSN(opts.DSN), err)
		}
		cfg.Tracer = sentCounter{&db.sent}
		db.writer = stdlib.OpenDB(*cfg)
		db.writer.SetMaxOpenConns(16)
		db.writer.SetMaxIdleConns(16)
		db.read = db.writer
	case opts.DSN == "":
		db.dialect = sqliteDialect
		path := filepath.Join(opts.DataDir, SQLiteFile)
		if opts.MustExist {
			if _, err := os.Stat(path); err != nil {
				return nil, fmt.Errorf("sqlstore: %s: %w", path, ErrNotGovdata)
			}
		} else if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlstore: data folder: %w", err)
		}
		// synchronous(FULL): a commit is on disk before it is acknowledged
		// (§6: nothing acknowledged is lost); group commit pays for it.
		common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
		uri := "file:" + sqliteURIPath(path)
		// The writer never checkpoints (the housekeeper does, on its own
		// connection); a WAL grown by a large load is cut back to 64 MiB
		// once it restarts.
		db.writer, err = sql.Open("sqlite", uri+"?_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(67108864)&_txlock=immediate&"+common)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
		}
		db.writer.SetMaxOpenConns(1) // STYLE: writes through one connection
		db.writer.SetConnMaxIdleTime(0)
		if err := db.writer.PingContext(ctx); err != nil {
			db.writer.Close()
			return nil, fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
		}
		db.read, err = sql.Open("sqlite", uri+"?_pragma=query_only(1)&"+common)
		if err != nil {
			db.writer.Close()
			return nil, fmt.Errorf("sqlstore: open sqlite readers: %w", err)
		}
		db.read.SetMaxOpenConns(8)
		db.read.SetMaxIdleConns(8)
		db.readStmts, db.writeStmts = newStmtCache(db.read, false), newStmtCache(db.writer, true)
		checkpoint, err = sql.Open("sqlite", uri+"?"+common)
		if err != nil {
			db.read.Close()
			db.writer.Close()
			return nil, fmt.Errorf("sqlstore: open sqlite checkpointer: %w", err)
		}
		checkpoint.SetMaxOpenConns(1)
	default:
		return nil, fmt.Errorf("sqlstore: unsupported database %q: use a postgres:// URL, or nothing for SQLite", redactDSN(opts.DSN))
	}
	if err := db.writer.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: connect %s: %w", redactDSN(opts.DSN), err)
	}
	db.commit = newCommitter(db)
	db.housekeeping = startHousekeeping(db, checkpoint)
	return db, nil
}

// redactDSN hides a password in a connection URL for messages.
func redactDSN(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			if c := strings.Index(dsn[i+3:at], ":"); c >= 0 {
				return dsn[:i+3+c] + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

// Close stops the committer after it has committed what it accepted, then
// closes the connections.
func (db *DB) Close() error {
	db.housekeeping.stop()
	if db.commit != nil {
		db.commit.stop()
	}
	err := errors.Join(db.readStmts.close(), db.writeStmts.close(), db.housekeeping.close())
	if db.read != nil && db.read != db.writer {
		err = db.read.Close()
	}
	if db.writer != nil {
		err = errors.Join(err, db.writer.Close())
	}
	return err
}

// Ping checks that the store answers (readiness).
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Migrate applies the embedded migrations of the engine, then records the
// init-time settings (audit hash algorithm, retention) on first run.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrations()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return db.initSettings(ctx)
}

// migrations is the migration provider of the engine.
func (db *DB) migrations() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, db.dialect.migrationsDir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	var opts []goose.ProviderOption
	if db.dialect.lockStartup != nil {
		// Several govdata processes may start at once against one database.
		locker, err := db.dialect.lockStartup()
		if err != nil {
			return nil, fmt.Errorf("sqlstore: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(db.dialect.gooseDialect, db.writer, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	return p, nil
}

// MigrationNames lists the embedded migrations of an engine (a test keeps
// both engines' lists equal).
func MigrationNames(engine string) ([]string, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+engine)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}

// initSettings records settings fixed at init, then loads what the store
// holds: on a store initialised earlier, its values stay in force whatever
// the options say.
func (db *DB) initSettings(ctx context.Context) error {
	if db.opts.AuditHash != govdata.HashSM3 && db.opts.AuditHash != govdata.HashSHA256 {
		return fmt.Errorf("sqlstore: unknown audit hash %q (use sm3 or sha256)", db.opts.AuditHash)
	}
	if db.opts.AuditRetentionDays < MinAuditRetentionDays {
		return fmt.Errorf("sqlstore: audit retention of %d days is below %d: audit records are kept at least three years (SX-22, HLJ-28, SEC-1)",
			db.opts.AuditRetentionDays, MinAuditRetentionDays)
	}
	profile := db.opts.Profile
	if profile == "" {
		profile = "default"
	}
	for key, value := range map[string]string{
		"audit_hash":           db.opts.AuditHash,
		"audit_retention_days": fmt.Sprint(db.opts.AuditRetentionDays),
		"profile":              profile,
	} {
		if _, err := db.writer.ExecContext(ctx, db.dialect.q(
			"INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"), key, value); err != nil {
			return fmt.Errorf("sqlstore: init %s: %w", key, err)
		}
	}
	return db.LoadSettings(ctx)
}

// LoadSettings reads the settings fixed at init (the audit chain's hash
// algorithm and the retention) from the store into the options, changing
// nothing in the database. It returns an error wrapping ErrNotGovdata when
// the database was never migrated (no meta table, or no audit_hash in it).
// Migrate calls it; a command that must not change what it checks (audit
// verify) calls it instead of Migrate.
func (db *DB) LoadSettings(ctx context.Context) error {
	var n int
	if err := db.writer.QueryRowContext(ctx, db.dialect.q(db.dialect.tableExistsQuery), "meta").Scan(&n); err != nil {
		return fmt.Errorf("sqlstore: look for the meta table: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlstore: %w (no meta table)", ErrNotGovdata)
	}
	alg, err := db.meta(ctx, "audit_hash")
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlstore: %w (no audit_hash setting)", ErrNotGovdata)
	}
	if err != nil {
		return err
	}
	if alg != govdata.HashSM3 && alg != govdata.HashSHA256 {
		return fmt.Errorf("sqlstore: the store's audit hash %q is unknown", alg)
	}
	db.opts.AuditHash = alg
	days, err := db.meta(ctx, "audit_retention_days")
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlstore: %w (no audit_retention_days setting)", ErrNotGovdata)
	}
	if err != nil {
		return err
	}
	if _, err := fmt.Sscan(days, &db.opts.AuditRetentionDays); err != nil {
		return fmt.Errorf("sqlstore: the store's audit retention %q: %w", days, err)
	}
	// Stores initialised before profiles existed run under the default.
	switch profile, err := db.meta(ctx, "profile"); {
	case errors.Is(err, sql.ErrNoRows):
		db.opts.Profile = "default"
	case err != nil:
		return err
	default:
		db.opts.Profile = profile
	}
	return nil
}

// Profile names the regulation profile chosen at init.
func (db *DB) Profile() string { return db.opts.Profile }

func (db *DB) meta(ctx context.Context, key string) (string, error) {
	var v string
	err := db.writer.QueryRowContext(ctx, db.dialect.q("SELECT value FROM meta WHERE key = ?"), key).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("sqlstore: meta %s: %w", key, err)
	}
	return v, nil
}

// AuditHash is the chain algorithm in use.
func (db *DB) AuditHash() string { return db.opts.AuditHash }

// AuditRetentionDays is the retention in force: the store's own once
// LoadSettings or Migrate has run.
func (db *DB) AuditRetentionDays() int { return db.opts.AuditRetentionDays }

// queryRow runs a read on the read pool.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.readStmts.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, db.dialect.q(query), args...)
}

// query runs a read on the read pool.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := db.readStmts.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, db.dialect.q(query), args...)
}

// queryForValues is query for a read whose best plan depends on its
// values, planned for them each time it runs (dialect.forValues): a
// catalog search, whose words may be rare or common.
func (db *DB) queryForValues(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if db.dialect.forValues == nil {
		return db.query(ctx, query, args...)
	}
	return db.read.QueryContext(ctx, db.dialect.q(query), append([]any{db.dialect.forValues}, args...)...)
}

// queryRowForValues is queryRow for a read planned for its values.
func (db *DB) queryRowForValues(ctx context.Context, query string, args ...any) *sql.Row {
	if db.dialect.forValues == nil {
		return db.queryRow(ctx, query, args...)
	}
	return db.read.QueryRowContext(ctx, db.dialect.q(query), append([]any{db.dialect.forValues}, args...)...)
}

// internal wraps a storage failure: it is logged by the caller and counted.
func (db *DB) internal(op string, err error) error {
	// A caller that stopped waiting is no failure of the store.
	if db.opts.Hooks.StoreError != nil && !errors.Is(err, context.Canceled) {
		db.opts.Hooks.StoreError()
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// Times are stored as Unix microseconds in UTC on both engines, so that
// they compare, sort and hash the same everywhere.
func toDB(t time.Time) int64 { return t.UTC().UnixMicro() }

func fromDB(us int64) time.Time { return time.UnixMicro(us).UTC() }

func toDBNull(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return toDB(*t)
}

func fromDBNull(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromDB(v.Int64)
	return &t
}

// nullID turns 0 into NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// placeholders is "?, ?, …" for n values of an IN list or a VALUES row.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// int64Args passes ids as query arguments.
func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// sqliteURIPath escapes the characters of a file path that a "file:" URI
// would read as its query or fragment, so that a data folder named
// "data#2" or "a?b" opens the file it names.
func sqliteURIPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// Stats is what the store has asked of its database since Open.
type Stats struct {
	// Statements sent to a database server: each a round trip, the
	// transaction's BEGIN and COMMIT included (0 on SQLite, which runs in
	// the process).
	Statements int64
	// Commits of the committer: each a durable write shared by a batch of
	// writes (reads outside a write commit nothing).
	Commits int64
}

// Stats reports the statements and commits since Open; the difference of
// two reports around some requests is what they cost (PRODUCT.md §5).
func (db *DB) Stats() Stats { return Stats{Statements: db.sent.Load(), Commits: db.commits.Load()} }

// sentCounter counts the statements pgx sends (its query tracer).
type sentCounter struct{ n *atomic.Int64 }

func (c sentCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (sentCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// A pipelined batch of statements is one round trip (pgxPipeline).
func (c sentCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (sentCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (sentCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}
