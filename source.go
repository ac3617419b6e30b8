package govdata

import (
	"context"
	"time"
)

// An entry's data may also come from the provider's own systems (AGG-1:
// scheduled pulls from a database table or an HTTP endpoint), or not be
// stored at all (AGG-5, HLJ-18: logical aggregation, served from the
// provider's API where a law bars copying).

// SourceKind says what an entry's source is.
type SourceKind string

// Source kinds.
const (
	SourcePostgres SourceKind = "postgres" // pull a table of the provider's PostgreSQL
	SourceMySQL    SourceKind = "mysql"    // pull a table of the provider's MySQL or MariaDB
	SourceHTTP     SourceKind = "http"     // pull the provider's endpoint answering {"rows": […]}
	// SourceLive is logical aggregation: nothing is stored; the data
	// service asks the provider's API, which answers like GET …/rows.
	SourceLive SourceKind = "live"
)

// Pull reports whether the kind is pulled into a stored dataset.
func (k SourceKind) Pull() bool { return k == SourcePostgres || k == SourceMySQL || k == SourceHTTP }

// SourceInput configures an entry's source.
type SourceInput struct {
	Kind SourceKind `json:"kind"`
	// URL: postgres://host:port/db, mysql://host:port/db, or the http(s)
	// address of the provider's endpoint.
	URL      string `json:"url"`
	Username string `json:"username,omitempty"`
	// Secret is the password or bearer token: written, never shown again,
	// stored sealed with the data keys.
	Secret string `json:"secret,omitempty"`
	// Table of a database pull: "table" or "schema.table".
	Table string `json:"table,omitempty"`
	// Columns maps an item to the source's column or field where the names
	// differ.
	Columns map[string]string `json:"columns,omitempty"`
	// EveryMinutes: a pull runs this often (at least 5); 0 runs it only on
	// request.
	EveryMinutes int `json:"every_minutes,omitempty"`
	// Mode of a pull's batches: replace (the default) or upsert.
	Mode IngestMode `json:"mode,omitempty"`
	// TimeoutSeconds bounds a call to the provider (default 30).
	TimeoutSeconds int `json:"timeout_seconds,omitempty"`
}

// Source is an entry's configured source and how its last pull went.
type Source struct {
	SourceInput
	EntryID     int64      `json:"entry_id"`
	HasSecret   bool       `json:"has_secret"`
	NextRunAt   *time.Time `json:"next_run_at,omitempty"`
	LastRunAt   *time.Time `json:"last_run_at,omitempty"`
	LastBatchID int64      `json:"last_batch_id,omitempty"`
	LastError   *Text      `json:"last_error,omitempty"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// SourceCheck is the result of a connectivity check.
type SourceCheck struct {
	OK bool `json:"ok"`
	// Columns the source offers, and which items none of them supplies.
	Columns      []string `json:"columns,omitempty"`
	MissingItems []string `json:"missing_items,omitempty"`
	SampleRows   int      `json:"sample_rows"`
	LatencyMS    int64    `json:"latency_ms"`
	Error        *Text    `json:"error,omitempty"`
}

// RowReader yields rows in an entry's item order: an upload's reader or a
// pull's source. Next returns the row (reused by the next call), where it
// was (line, sheet row, array position) and a reason when it cannot be
// read as values; io.EOF after the last.
type RowReader interface {
	Next() (row []string, line int, reason string, err error)
	Close() error
}

// SourceConnector reaches providers' systems: the sqlstore keeps the
// configuration, the connector (package source) does the talking.
type SourceConnector interface {
	// Validate checks a configuration, field by field (EINVALID; also for
	// a host that names a denied address).
	Validate(in SourceInput) error
	// Open reads a pull source's rows. EINVALID: a bad configuration or a
	// source that is not pulled; ECONFLICT: the provider cannot be reached
	// (or is a denied address) or answers with an error.
	Open(ctx context.Context, in SourceInput, items []Item) (RowReader, error)
	// Check connects and reads a sample without storing anything; what
	// went wrong is in the SourceCheck, never an error.
	Check(ctx context.Context, in SourceInput, items []Item) SourceCheck
	// Query asks a live source for rows matching where (AGG-5). EINVALID:
	// a bad configuration; ECONFLICT: not a live source, the provider
	// cannot be reached, or its answer is not typed as the items are.
	Query(ctx context.Context, in SourceInput, items []Item, where map[string]string, page Page) (RowList, error)
}

// SourceService keeps entries' sources and runs their pulls. Those that
// act on a source refuse as the provider's officer is checked: ENOTFOUND
// for no such entry or one not visible (see CatalogService), EFORBIDDEN
// for anyone but an officer of its department, ECONFLICT for an entry
// never published.
type SourceService interface {
	// SetSource configures the entry's source (the provider's officer); a
	// secret left empty keeps the stored one. Refusals of the provider's
	// officer; EINVALID naming the field (also the platform's own
	// database, or a secret kept for another address or user); ECONFLICT:
	// a secret given and no data keys to seal it.
	SetSource(ctx context.Context, entryID int64, in SourceInput) (*Source, error)
	// FindSource returns the source, its address without credentials to
	// all but the provider's officers. ENOTFOUND: no such entry, not
	// visible, or no source; EFORBIDDEN: one who may not see the entry's
	// dataset (see DatasetService).
	FindSource(ctx context.Context, entryID int64) (*Source, error)
	// DeleteSource removes the source. Refusals of the provider's officer;
	// ENOTFOUND: no source.
	DeleteSource(ctx context.Context, entryID int64) error
	// CheckSource tries the connection; how it went is in the SourceCheck.
	// Refusals of the provider's officer; ENOTFOUND: no source; ECONFLICT:
	// a stored secret and no data keys to open it.
	CheckSource(ctx context.Context, entryID int64) (*SourceCheck, error)
	// RunSource pulls now and returns the batch (a refused batch's report
	// says why). Refusals of the provider's officer; ENOTFOUND: no source;
	// ECONFLICT: not a pull source, no data keys to open its secret, the
	// provider unreachable or failing; and Ingest's codes.
	RunSource(ctx context.Context, entryID int64) (*Batch, error)
	// RunDuePulls runs the pulls whose time has come (the scheduler). It
	// refuses no one; a pull's own failure is logged and kept on its
	// source (Source.LastError), not returned.
	RunDuePulls(ctx context.Context) (int, error)
	// QueryLive reads rows of a live entry from the provider (AGG-5).
	// Refusals of the provider's officer; ENOTFOUND: no source; EINVALID:
	// an unknown item in where; ECONFLICT: not a live source, no data keys
	// to open its secret, or the provider unreachable or answering badly.
	QueryLive(ctx context.Context, entryID int64, where map[string]string, page Page) (RowList, error)
}

// Messages of sources.
var (
	MsgSourceKind     = Msg{"kind 应为 postgres、mysql、http 或 live", "kind must be postgres, mysql, http or live"}
	MsgSourceURL      = Msg{"地址无效：%s", "not a valid address: %s"}
	MsgSourceTable    = Msg{"表名应为“表”或“模式.表”，只含字母、数字和下划线", `the table must be "table" or "schema.table" of letters, digits and underscores`}
	MsgSourceEvery    = Msg{"拉取间隔应为 0（仅手动）或 5 到 10080 分钟", "the interval must be 0 (on request only) or 5 to 10080 minutes"}
	MsgSourceTimeout  = Msg{"超时应为 1 到 300 秒", "the timeout must be 1 to 300 seconds"}
	MsgSourceNone     = Msg{"该目录未配置数据来源", "the entry has no source configured"}
	MsgSourceNotPull  = Msg{"该目录的数据来源不是定时拉取", "the entry's source is not pulled"}
	MsgSourceNotLive  = Msg{"该目录不是接口方式汇聚（逻辑汇聚）", "the entry is not served live from the provider"}
	MsgSourceFailed   = Msg{"连接数据来源失败：%s", "the source could not be reached: %s"}
	MsgSourceResponse = Msg{"数据来源的应答不符合约定：%s", "the source answered outside the agreed form: %s"}
	MsgSourceLiveData = Msg{"该目录为逻辑汇聚，数据不在平台存储，不能上传", "the entry is served live from the provider; its data is not stored here"}

	// MsgSourceDenied refuses an address of this host or its internal
	// networks (--source-deny): a source must not read the platform's own
	// database or services.
	MsgSourceDenied = Msg{"数据来源不得连接地址 %s（本机、内网或链路本地地址）", "the address %s is not one a source may reach (this host, an internal or link-local network)"}
)
