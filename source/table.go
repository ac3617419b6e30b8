package source

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/govdata/govdata"
)

// tableReader reads a provider's table: the columns that match the
// entry's items (by name, or as Columns maps them), every row, values as
// text (dates as YYYY-MM-DD, times as YYYY-MM-DD HH:MM:SS).
type tableReader struct {
	db      *sql.DB
	rows    *sql.Rows
	index   []int // selected column → item
	items   []govdata.Item
	row     []string
	raw     []any
	line    int
	offered []string
	missing []string
	cancel  context.CancelFunc
}

func (t *tableReader) columns() ([]string, []string) { return t.offered, t.missing }

// dsn builds the driver's address with the credentials given apart, so
// that they never travel in a logged URL.
func dsn(in govdata.SourceInput) (driver, address string, err error) {
	u, err := url.Parse(in.URL)
	if err != nil {
		return "", "", err
	}
	switch in.Kind {
	case govdata.SourcePostgres:
		q := url.Values{}
		q.Set("connect_timeout", strconv.Itoa(int(timeout(in).Seconds())))
		q.Set("default_transaction_read_only", "on") // a pull only reads
		if mode := u.Query().Get("sslmode"); mode != "" {
			q.Set("sslmode", mode)
		}
		u.User, u.RawQuery = nil, q.Encode()
		return "pgx", u.String(), nil
	default:
		cfg := mysql.NewConfig()
		cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = in.Username, in.Secret, "tcp", u.Host, strings.Trim(u.Path, "/")
		cfg.Timeout, cfg.ReadTimeout = timeout(in), timeout(in)
		cfg.Params = map[string]string{"charset": "utf8mb4"}
		return "mysql", cfg.FormatDSN(), nil
	}
}

// quote quotes an identifier for the engine.
func quote(kind govdata.SourceKind, name string) string {
	if kind == govdata.SourceMySQL {
		return "`" + strings.ReplaceAll(name, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func quoteTable(kind govdata.SourceKind, table string) string {
	parts := strings.Split(table, ".")
	for i, p := range parts {
		parts[i] = quote(kind, p)
	}
	return strings.Join(parts, ".")
}

func (c Connector) openTable(ctx context.Context, in govdata.SourceInput, items []govdata.Item) (govdata.RowReader, error) {
	driver, address, err := dsn(in)
	if err != nil {
		return nil, failed(err)
	}
	var db *sql.DB
	if driver == "pgx" {
		cfg, err := pgx.ParseConfig(address)
		if err != nil {
			return nil, failed(err)
		}
		// Exactly the configured account: whatever the environment or a
		// password file of the platform's own user would add is dropped.
		cfg.User, cfg.Password, cfg.Fallbacks = in.Username, in.Secret, nil
		cfg.DialFunc = c.dial(in)
		db = stdlib.OpenDB(*cfg)
	} else {
		cfg, err := mysql.ParseDSN(address)
		if err != nil {
			return nil, failed(err)
		}
		cfg.DialFunc = c.dial(in)
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, failed(err)
		}
		db = sql.OpenDB(conn)
	}
	db.SetMaxOpenConns(1)
	t := &tableReader{db: db, items: items, row: make([]string, len(items))}
	fail := func(err error) (govdata.RowReader, error) {
		t.Close()
		return nil, failed(err)
	}
	// The table's columns first, to read only those the items name.
	probeCtx, cancel := context.WithTimeout(ctx, timeout(in))
	defer cancel()
	probe, err := db.QueryContext(probeCtx, "SELECT * FROM "+quoteTable(in.Kind, in.Table)+" WHERE 1 = 0")
	if err != nil {
		return fail(err)
	}
	names, err := probe.Columns()
	probe.Close()
	if err != nil {
		return fail(err)
	}
	t.offered = names
	byName := map[string]string{}
	for _, n := range names {
		byName[strings.ToLower(n)] = n
	}
	var selected []string
	for i, it := range items {
		col, ok := byName[strings.ToLower(sourceColumn(in, it.Name))]
		if !ok {
			t.missing = append(t.missing, it.Name)
			continue
		}
		selected = append(selected, quote(in.Kind, col))
		t.index = append(t.index, i)
	}
	if len(selected) == 0 {
		return fail(fmt.Errorf("table %s has none of the entry's items as columns", in.Table))
	}
	// The read itself may take long: it ends with ctx, not the timeout.
	readCtx, cancelRead := context.WithCancel(ctx)
	t.cancel = cancelRead
	if t.rows, err = db.QueryContext(readCtx, "SELECT "+strings.Join(selected, ", ")+" FROM "+quoteTable(in.Kind, in.Table)); err != nil {
		return fail(err)
	}
	t.raw = make([]any, len(selected))
	return t, nil
}

// Next implements govdata.RowReader.
func (t *tableReader) Next() ([]string, int, string, error) {
	if !t.rows.Next() {
		if err := t.rows.Err(); err != nil {
			return nil, 0, "", failed(err)
		}
		return nil, 0, "", io.EOF
	}
	ptrs := make([]any, len(t.raw))
	for i := range t.raw {
		ptrs[i] = &t.raw[i]
	}
	if err := t.rows.Scan(ptrs...); err != nil {
		return nil, 0, "", failed(err)
	}
	t.line++
	for i := range t.row {
		t.row[i] = ""
	}
	for j, v := range t.raw {
		i := t.index[j]
		s := text(v, t.items[i].Type)
		if strings.IndexByte(s, 0) >= 0 {
			return t.row, t.line, "nul", nil
		}
		t.row[i] = s
	}
	return t.row, t.line, "", nil
}

// text is a database value as the text a CSV would hold.
func text(v any, typ govdata.ItemType) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case time.Time:
		if typ == govdata.ItemDate {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05")
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// Close implements govdata.RowReader.
func (t *tableReader) Close() error {
	if t.rows != nil {
		t.rows.Close()
	}
	if t.cancel != nil {
		t.cancel()
	}
	return t.db.Close()
}
