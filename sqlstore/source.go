package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
	"github.com/jackc/pgx/v5"
)

// SourceService keeps entries' sources (AGG-1 pulls, AGG-5 live) and runs
// their pulls through the same ingest as uploads.
type SourceService struct {
	Base
	batches   batchLoader
	connector govdata.SourceConnector
}

// NewSourceService returns the sources of b's catalog entries, reached
// through connector; a pull loads its rows through batches.
func NewSourceService(b Base, batches batchLoader, connector govdata.SourceConnector) *SourceService {
	return &SourceService{Base: b, batches: batches, connector: connector}
}

// batchLoader is what a pull needs of the datasets (DatasetService): a
// batch loaded as an upload is (AGG-1).
type batchLoader interface {
	Ingest(ctx context.Context, req govdata.IngestRequest) (*govdata.Batch, error)
}

var _ govdata.SourceService = (*SourceService)(nil)

var msgSourceSecret = govdata.Msg{ZH: "数据来源的密码或令牌须用数据密钥加密保存，但未配置数据密钥", EN: "a source's secret is sealed with the data keys, and none are configured"}

func sourceContext(entry int64) []byte { return []byte(fmt.Sprintf("govdata/source/%d", entry)) }

// providerEntry reads an entry for its provider's officer: published (a
// source feeds or serves a published entry's dataset).
func (s *SourceService) providerEntry(ctx context.Context, entry int64) (*entryRow, error) {
	r, err := s.entryRow(ctx, entry)
	if err != nil {
		return nil, err
	}
	if err := officerOf(govdata.ActorFrom(ctx), r.department); err != nil {
		return nil, err
	}
	if r.published == 0 {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgDatasetNone)
	}
	return r, nil
}

// SetSource implements govdata.SourceService.
func (s *SourceService) SetSource(ctx context.Context, entry int64, in govdata.SourceInput) (*govdata.Source, error) {
	r, err := s.providerEntry(ctx, entry)
	if err != nil {
		return nil, err
	}
	if err := s.connector.Validate(in); err != nil {
		return nil, err
	}
	if in.Kind == govdata.SourcePostgres && s.db.isOwnDatabase(in.URL) {
		// A pull from the platform's own database would copy any of its
		// tables (users, other departments' datasets) into a dataset.
		var fe govdata.FieldErrors
		fe.Add("url", msgOwnDatabase)
		return nil, fe.Err()
	}
	if in.Mode == "" && in.Kind.Pull() {
		in.Mode = govdata.IngestReplace
	}
	secret := in.Secret
	in.Secret = ""
	config, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		var sealed any
		if secret != "" {
			keys := s.db.DataKeys()
			if keys == nil {
				return govdata.Errorf(govdata.ECONFLICT, msgSourceSecret)
			}
			sealed = keys.Seal(nil, []byte(secret), sourceContext(entry))
		} else {
			// An empty secret keeps the one stored — for the same system
			// and user only: a stored password must not follow a changed
			// address to another host.
			var old []byte
			var oldConfig string
			err := tx.queryRow("SELECT secret, config FROM data_sources WHERE entry_id = ?", entry).Scan(&old, &oldConfig)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if old != nil {
				var was govdata.SourceInput
				if err := json.Unmarshal([]byte(oldConfig), &was); err != nil {
					return err
				}
				if !sameSystem(was, in) {
					var fe govdata.FieldErrors
					fe.Add("secret", msgSecretAgain)
					return fe.Err()
				}
				sealed = old
			}
		}
		var next any
		if in.EveryMinutes > 0 && in.Kind.Pull() {
			next = toDB(tx.Now().Add(time.Duration(in.EveryMinutes) * time.Minute))
		}
		now := toDB(tx.Now())
		if _, err := tx.exec(`INSERT INTO data_sources (entry_id, department_id, kind, config, secret, every_minutes, next_run_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (entry_id) DO UPDATE SET kind = excluded.kind, config = excluded.config, secret = excluded.secret,
				every_minutes = excluded.every_minutes, next_run_at = excluded.next_run_at, updated_at = excluded.updated_at`,
			entry, r.department, string(in.Kind), string(config), sealed, in.EveryMinutes, next, now); err != nil {
			return err
		}
		return tx.audit("source.set", "catalog_entry", entry, map[string]any{"kind": in.Kind, "url": redactURL(in.URL), "table": in.Table,
			"every_minutes": in.EveryMinutes, "secret_changed": secret != ""})
	})
	if err != nil {
		return nil, err
	}
	return s.FindSource(ctx, entry)
}

var msgOwnDatabase = govdata.Msg{ZH: "不能从本平台自己的数据库拉取数据", EN: "a source cannot be the platform's own database"}

// isOwnDatabase reports whether a postgres:// address names the database
// this store runs on.
func (db *DB) isOwnDatabase(raw string) bool {
	return db.dialect.ownDatabase != nil && db.dialect.ownDatabase(db.opts.DSN, raw)
}

// samePostgresDatabase reports whether the postgres:// address raw names
// the database of the store at dsn: the same host (any loopback address
// for another), port and database.
func samePostgresDatabase(dsn, raw string) bool {
	own, err1 := pgx.ParseConfig(dsn)
	u, err2 := url.Parse(raw)
	if err1 != nil || err2 != nil {
		return false
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	loopback := func(h string) bool { return h == "localhost" || net.ParseIP(h).IsLoopback() }
	sameHost := own.Host == u.Hostname() || (loopback(own.Host) && loopback(u.Hostname()))
	return sameHost && strconv.Itoa(int(own.Port)) == port && own.Database == strings.Trim(u.Path, "/")
}

var msgSecretAgain = govdata.Msg{ZH: "地址或用户已改变，请重新填写密码或令牌", EN: "the address or user changed: give the secret again"}

// sameSystem reports whether two configurations reach the same system as
// the same user.
func sameSystem(a, b govdata.SourceInput) bool {
	ua, errA := url.Parse(a.URL)
	ub, errB := url.Parse(b.URL)
	return errA == nil && errB == nil && a.Kind == b.Kind && a.Username == b.Username &&
		ua.Scheme == ub.Scheme && ua.Host == ub.Host && ua.Path == ub.Path
}

// redactURL drops any credentials from an address before it is recorded:
// the user part and the query (where a token may travel).
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

type sourceRow struct {
	govdata.Source
	dept   int64
	secret []byte
}

const sourceSelect = `SELECT entry_id, department_id, config, secret, next_run_at, last_run_at, last_batch_id, last_error_zh, last_error_en, updated_at FROM data_sources`

func scanSource(row interface{ Scan(...any) error }) (*sourceRow, error) {
	var r sourceRow
	var config, zh, en string
	var next, last, batch sql.NullInt64
	var updated int64
	if err := row.Scan(&r.EntryID, &r.dept, &config, &r.secret, &next, &last, &batch, &zh, &en, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(config), &r.SourceInput); err != nil {
		return nil, err
	}
	r.HasSecret = r.secret != nil
	r.NextRunAt, r.LastRunAt, r.LastBatchID, r.UpdatedAt = fromDBNull(next), fromDBNull(last), batch.Int64, fromDB(updated)
	if zh != "" || en != "" {
		r.LastError = &govdata.Text{ZH: zh, EN: en}
	}
	return &r, nil
}

// source reads an entry's source; ENOTFOUND without one.
func (s *SourceService) source(ctx context.Context, entry int64) (*sourceRow, error) {
	r, err := scanSource(s.db.queryRow(ctx, sourceSelect+" WHERE entry_id = ?", entry))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgSourceNone)
	}
	if err != nil {
		return nil, s.db.internal("find source", err)
	}
	return r, nil
}

// withSecret is the configuration with its secret opened, to connect.
func (s *SourceService) withSecret(r *sourceRow) (govdata.SourceInput, error) {
	in := r.SourceInput
	if r.secret == nil {
		return in, nil
	}
	keys := s.db.DataKeys()
	if keys == nil {
		return in, govdata.Errorf(govdata.ECONFLICT, msgSourceSecret)
	}
	plain, err := keys.Open(nil, r.secret, sourceContext(r.EntryID))
	if err != nil {
		return in, s.db.internal("open source secret", err)
	}
	in.Secret = string(plain)
	return in, nil
}

// servedLive reports whether an entry is served live from its provider
// (AGG-5), its data not stored.
func (db *DB) servedLive(ctx context.Context, entry int64) (bool, error) {
	var kind string
	err := db.queryRow(ctx, "SELECT kind FROM data_sources WHERE entry_id = ?", entry).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return kind == string(govdata.SourceLive), err
}

// FindSource implements govdata.SourceService.
func (s *SourceService) FindSource(ctx context.Context, entry int64) (*govdata.Source, error) {
	// Issue 11: whether there is a source is told only to those who may
	// see it; of an entry they may not see, not even that it exists.
	e, err := s.entryRow(ctx, entry)
	if err != nil {
		return nil, err
	}
	a := govdata.ActorFrom(ctx)
	if err := canSee(a, e.department); err != nil {
		return nil, err
	}
	r, err := s.source(ctx, entry)
	if err != nil {
		return nil, err
	}
	if officerOf(a, r.dept) != nil {
		r.URL = redactURL(r.URL) // others see where, not how to get in
	}
	return &r.Source, nil
}

// DeleteSource implements govdata.SourceService.
func (s *SourceService) DeleteSource(ctx context.Context, entry int64) error {
	if _, err := s.providerEntry(ctx, entry); err != nil {
		return err
	}
	if _, err := s.source(ctx, entry); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec("DELETE FROM data_sources WHERE entry_id = ?", entry); err != nil {
			return err
		}
		return tx.audit("source.delete", "catalog_entry", entry, nil)
	})
}

// CheckSource implements govdata.SourceService: the provider's officer
// tries the connection; nothing is stored but the audit record.
func (s *SourceService) CheckSource(ctx context.Context, entry int64) (*govdata.SourceCheck, error) {
	r, err := s.providerEntry(ctx, entry)
	if err != nil {
		return nil, err
	}
	src, err := s.source(ctx, entry)
	if err != nil {
		return nil, err
	}
	in, err := s.withSecret(src)
	if err != nil {
		return nil, err
	}
	t, err := s.loadTarget(ctx, r)
	if err != nil {
		return nil, err
	}
	check := s.connector.Check(ctx, in, t.items)
	err = s.db.write(ctx, func(tx *Tx) error {
		return tx.audit("source.check", "catalog_entry", entry, map[string]any{"ok": check.OK, "latency_ms": check.LatencyMS})
	})
	return &check, err
}

// RunSource implements govdata.SourceService.
func (s *SourceService) RunSource(ctx context.Context, entry int64) (*govdata.Batch, error) {
	if _, err := s.providerEntry(ctx, entry); err != nil {
		return nil, err
	}
	src, err := s.source(ctx, entry)
	if err != nil {
		return nil, err
	}
	return s.pull(ctx, src)
}

// pull loads a source's rows as one batch (AGG-1: source pull) and
// records how it went on the source.
func (s *SourceService) pull(ctx context.Context, src *sourceRow) (*govdata.Batch, error) {
	if !src.Kind.Pull() {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceNotPull)
	}
	in, err := s.withSecret(src)
	if err != nil {
		return nil, err
	}
	r, err := s.entryRow(ctx, src.EntryID)
	if err != nil {
		return nil, err
	}
	t, err := s.loadTarget(ctx, r)
	if err != nil {
		return nil, err
	}
	format := govdata.FormatTable
	name := redactURL(in.URL)
	if in.Kind == govdata.SourceHTTP {
		format = govdata.FormatJSON
	} else {
		name += "#" + in.Table
	}
	var b *govdata.Batch
	rd, err := s.connector.Open(ctx, in, t.items)
	if err == nil {
		b, err = s.batches.Ingest(ctx, govdata.IngestRequest{EntryID: src.EntryID, Mode: in.Mode, Source: govdata.SourcePull, Format: format, FileName: name, Rows: rd})
	}
	var msg govdata.Text
	var e *govdata.Error
	switch {
	case errors.As(err, &e):
		msg = govdata.Text{ZH: e.Message.Text("zh"), EN: e.Message.Text("en")}
	case err != nil:
		msg = govdata.Text{ZH: "拉取失败", EN: "the pull failed"}
	case b.Error != nil:
		msg = *b.Error
	}
	var batch any
	if b != nil {
		batch = b.ID
	}
	if werr := s.db.write(context.WithoutCancel(ctx), func(tx *Tx) error {
		_, err := tx.exec("UPDATE data_sources SET last_run_at = ?, last_batch_id = COALESCE(?, last_batch_id), last_error_zh = ?, last_error_en = ? WHERE entry_id = ?",
			toDB(tx.Now()), batch, msg.ZH, msg.EN, src.EntryID)
		return err
	}); werr != nil && err == nil {
		err = werr
	}
	return b, err
}

// RunDuePulls implements govdata.SourceService: each due pull is claimed
// by moving its next run on (so that a crash does not repeat it at once,
// and two instances do not both run it), then run as the platform.
func (s *SourceService) RunDuePulls(ctx context.Context) (int, error) {
	now := s.db.clock.Now()
	rows, err := s.db.query(ctx, sourceSelect+" WHERE every_minutes > 0 AND next_run_at <= ? ORDER BY next_run_at LIMIT 100", toDB(now))
	if err != nil {
		return 0, s.db.internal("due pulls", err)
	}
	var due []*sourceRow
	for rows.Next() {
		r, err := scanSource(rows)
		if err != nil {
			rows.Close()
			return 0, s.db.internal("due pulls", err)
		}
		due = append(due, r)
	}
	rows.Close()
	ran := 0
	for _, src := range due {
		claimed := false
		err := s.db.write(govdata.WithActor(ctx, govdata.SystemActor), func(tx *Tx) error {
			res, err := tx.exec("UPDATE data_sources SET next_run_at = ? WHERE entry_id = ? AND next_run_at = ?",
				toDB(tx.Now().Add(time.Duration(src.EveryMinutes)*time.Minute)), src.EntryID, toDB(*src.NextRunAt))
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			claimed = n == 1
			return nil
		})
		if err != nil {
			return ran, s.db.internal("due pulls", err)
		}
		if !claimed || ctx.Err() != nil {
			continue
		}
		ran++
		if _, err := s.pull(ctx, src); err != nil {
			s.db.log.Warn("scheduled pull", "entry", src.EntryID, "err", err)
		}
	}
	return ran, nil
}

// QueryLive implements govdata.SourceService: the provider's officer reads
// a live entry's rows through the typed adapter (the sharing feature's
// data service does so for grantees).
func (s *SourceService) QueryLive(ctx context.Context, entry int64, where map[string]string, page govdata.Page) (govdata.RowList, error) {
	r, err := s.providerEntry(ctx, entry)
	if err != nil {
		return govdata.RowList{}, err
	}
	list, err := s.liveQuery(ctx, r, where, page)
	if err != nil {
		return govdata.RowList{}, err
	}
	// SEC-1: the record names the rows asked for (list.Filter: sensitive
	// values as blind indexes) and how many came back.
	detail := map[string]any{"rows": len(list.Items), "where_items": len(where)}
	if list.Filter != nil {
		detail["where"] = list.Filter
	}
	return list, s.db.write(ctx, func(tx *Tx) error {
		return tx.audit("source.query", "catalog_entry", entry, detail)
	})
}

// liveQuery asks the provider's system for rows of its live entry r
// (AGG-5); the caller has checked who asks and records the call.
func (s *SourceService) liveQuery(ctx context.Context, r *entryRow, where map[string]string, page govdata.Page) (govdata.RowList, error) {
	src, err := s.source(ctx, r.id)
	if err != nil {
		return govdata.RowList{}, err
	}
	if src.Kind != govdata.SourceLive {
		return govdata.RowList{}, govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceNotLive)
	}
	in, err := s.withSecret(src)
	if err != nil {
		return govdata.RowList{}, err
	}
	in.Columns = src.Columns
	t, err := s.loadTarget(ctx, r)
	if err != nil {
		return govdata.RowList{}, err
	}
	for item := range where {
		if !slices.ContainsFunc(t.items, func(it govdata.Item) bool { return it.Name == item }) {
			return govdata.RowList{}, govdata.Errorf(govdata.EINVALID, govdata.MsgItemUnknown, item)
		}
	}
	list, err := s.connector.Query(ctx, in, t.items, where, page)
	if err != nil {
		return list, err
	}
	list.Filter = liveAuditWhere(s.db.DataKeys(), r.id, t.items, where)
	return list, nil
}

// liveAuditWhere is where as a read's audit record shows it: the value
// of an item at sensitivity 3–4 as a blind index (SEC-2: such values are
// never kept in clear, not in the audit log either), "(sensitive)" when
// the platform has no data keys.
func liveAuditWhere(keys *datakey.Keyring, entry int64, items []govdata.Item, where map[string]string) map[string]string {
	if len(where) == 0 {
		return nil
	}
	out := make(map[string]string, len(where))
	for item, v := range where {
		i := slices.IndexFunc(items, func(it govdata.Item) bool { return it.Name == item })
		if i >= 0 && encryptedItem(items[i]) {
			shown := "(sensitive)"
			if keys != nil {
				shown = "blind-index:" + hex.EncodeToString(keys.Index(nil, []byte("govdata/live/"+strconv.FormatInt(entry, 10)+"/"+item), v))
			}
			v = shown
		}
		out[item] = v
	}
	return out
}
