package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/export"
	"golang.org/x/time/rate"
)

// OpenDataService serves the datasets of open entries to the public
// (OPN-1): it reads rows through the data service's one path (planRows,
// scanRows, the read snapshot of an export), with each item's open mode
// in place of a grant's masks, and records every download and call in
// open_usage before its answer leaves.
type OpenDataService struct {
	Base
	data    openRows
	masks   maskPolicies
	entries govdata.OpenCatalog

	// Rate limits (OPN-1: the API is open to anyone, so it is bounded):
	// anonymous callers per client address, keyed callers per API key, a
	// signed-in account without a key per account. A download costs
	// DownloadCost tokens. Each process's own allowance.
	AnonRate     rate.Limit
	AnonBurst    int
	KeyRate      rate.Limit
	KeyBurst     int
	DownloadCost int
	limitersMu   sync.Mutex
	limiters     map[string]*rate.Limiter
}

// Default open-data rates.
const (
	DefaultOpenAnonRate     = 5
	DefaultOpenAnonBurst    = 20
	DefaultOpenKeyRate      = 50
	DefaultOpenKeyBurst     = 100
	DefaultOpenDownloadCost = 10
	// maxOpenLimiters bounds the limiters kept; past it they start afresh.
	maxOpenLimiters = 100_000
)

// NewOpenDataService returns the open-data service over data's datasets;
// entries gives the public view of an entry.
func NewOpenDataService(b Base, data openRows, masks maskPolicies, entries govdata.OpenCatalog) *OpenDataService {
	return &OpenDataService{Base: b, data: data, masks: masks, entries: entries,
		AnonRate: DefaultOpenAnonRate, AnonBurst: DefaultOpenAnonBurst, KeyRate: DefaultOpenKeyRate, KeyBurst: DefaultOpenKeyBurst,
		DownloadCost: DefaultOpenDownloadCost, limiters: map[string]*rate.Limiter{}}
}

var _ govdata.OpenDataService = (*OpenDataService)(nil)

// openRows is what open data needs of the data service (DataService): its
// one path of reading rows — planned with each item's mask, read in pages
// or streamed from a snapshot — and the published versions it caches.
type openRows interface {
	planRows(ctx context.Context, t *serviceTarget, scope []string, maskOf func(string) govdata.Mask, q govdata.ServiceQuery) (*rowPlan, error)
	readRows(ctx context.Context, qr querier, p *rowPlan, limit int, cursor string) ([]govdata.Record, string, error)
	scanRows(ctx context.Context, qr querier, p *rowPlan, pos *rowPos, want int, fn func(govdata.Record, rowPos) bool) error
	published(ctx context.Context, entry int64, version int) (govdata.EntryInput, error)
}

// published is an entry's published version, read once: it never changes.
func (s *DataService) published(ctx context.Context, entry int64, version int) (govdata.EntryInput, error) {
	key := contentKey{entry, version}
	if in, ok := s.contents.Load(key); ok {
		return in.(govdata.EntryInput), nil
	}
	c, err := content(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, entry, version)
	if err != nil {
		return govdata.EntryInput{}, s.db.internal("published entry", err)
	}
	in, _ := s.contents.LoadOrStore(key, c)
	return in.(govdata.EntryInput), nil
}

// openTarget is the open entry a resource code names, as published.
type openTarget struct {
	serviceTarget
	in          govdata.EntryInput
	live        bool
	rows        int64
	refreshedAt *time.Time
	withdrawnAt *time.Time
}

// openUse is one use being answered: what its open_usage row will say.
type openUse struct {
	kind    govdata.OpenUsageKind
	format  string
	entry   int64 // 0: the code names no entry, nothing is recorded
	grant   int64
	items   []string
	rows    int64
	started time.Time
}

// target finds the published open entry of a code; ENOTFOUND for one
// that is not open. A withdrawn one is returned: the caller decides.
func (s *OpenDataService) target(ctx context.Context, code string) (*openTarget, error) {
	t := &openTarget{}
	var status, source string
	var refreshed, withdrawn sql.NullInt64
	err := s.db.queryRow(ctx, `SELECT e.id, e.published_version, e.status, e.serve_gen,
		COALESCE((SELECT kind FROM data_sources src WHERE src.entry_id = e.id), ''),
		COALESCE(d.entry_version, 0), COALESCE(d.row_count, 0), d.refreshed_at, e.open_withdrawn_at
		FROM catalog_entries e LEFT JOIN datasets d ON d.entry_id = e.id WHERE e.resource_code = ?`, code).
		Scan(&t.id, &t.published, &status, &t.gen, &source, &t.dsVersion, &t.rows, &refreshed, &withdrawn)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgOpenUnknown)
	}
	if err != nil {
		return nil, s.db.internal("open target", err)
	}
	if t.published == 0 || status == string(govdata.EntryRevoked) || status == string(govdata.EntryRevoking) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgOpenUnknown)
	}
	if t.in, err = s.data.published(ctx, t.id, t.published); err != nil {
		return nil, err
	}
	// ZJ-20: the open attribute in force, which under a profile with the
	// open_attribute workflow may still be an earlier version's.
	queryRow := func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }
	if t.in, err = withEffectiveAttribute(queryRow, t.id, t.in); err != nil {
		return nil, err
	}
	if t.in.OpenType != govdata.OpenUnconditional && t.in.OpenType != govdata.OpenConditional {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgOpenUnknown)
	}
	t.items = t.in.Items
	t.live = source == string(govdata.SourceLive)
	t.refreshedAt, t.withdrawnAt = fromDBNull(refreshed), fromDBNull(withdrawn)
	return t, nil
}

// served lists the items the entry opens, in its order.
func (t *openTarget) served() []string { return govdata.EntryInput{Items: t.items}.OpenedItems() }

// maskOf is the mask of each served item: none as stored; a de-identified
// item's mask of the policy, null where that mask is none.
func (s *OpenDataService) maskOf(ctx context.Context, t *openTarget) (func(string) govdata.Mask, error) {
	policy, err := s.masks.policy(ctx)
	if err != nil {
		return nil, err
	}
	return func(name string) govdata.Mask {
		it, ok := t.item(name)
		if !ok || it.OpenMode() == govdata.ItemOpenExcluded {
			return govdata.Mask{Kind: govdata.MaskNull}
		}
		if it.OpenMode() == govdata.ItemOpenAsStored {
			return govdata.Mask{Kind: govdata.MaskNone}
		}
		m := policy.MaskOf(t.id, it)
		if m.Kind == govdata.MaskNone {
			return govdata.Mask{Kind: govdata.MaskNull}
		}
		return m
	}, nil
}

// withdrawal refuses a withdrawn dataset, naming the withdrawal (HLJ-35).
// It is answered 404: the dataset is no longer open, and the message says
// when and why.
func (s *OpenDataService) withdrawal(ctx context.Context, t *openTarget) error {
	if t.withdrawnAt == nil {
		return nil
	}
	w, err := s.withdrawnInfo(ctx, t)
	if err != nil {
		return err
	}
	return govdata.Errorf(govdata.ENOTFOUND, govdata.MsgOpenWithdrawn, s.dateOf(w.At).String(), w.Reason)
}

func (s *OpenDataService) withdrawnInfo(ctx context.Context, t *openTarget) (*govdata.OpenWithdrawn, error) {
	w := &govdata.OpenWithdrawn{At: *t.withdrawnAt}
	err := s.db.queryRow(ctx, `SELECT reason FROM open_withdrawals WHERE entry_id = ? AND state = 'approved'
		ORDER BY decided_at DESC, id DESC LIMIT 1`, t.id).Scan(&w.Reason)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, s.db.internal("open withdrawal", err)
	}
	return w, nil
}

// access decides what the caller may read of the target: every served
// item of an unconditional entry; of a conditional one, the items of the
// caller's active open grant (HLJ-34).
func (s *OpenDataService) access(ctx context.Context, t *openTarget, u *openUse) ([]string, error) {
	served := t.served()
	if t.in.OpenType == govdata.OpenUnconditional {
		return served, nil
	}
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID == 0 {
		return nil, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgOpenSignIn)
	}
	today := s.today().String()
	var id int64
	var raw string
	err := s.db.queryRow(ctx, `SELECT id, items FROM open_grants WHERE account_id = ? AND entry_id = ? AND state = 'active'
		AND valid_from <= ? AND valid_until >= ? ORDER BY id DESC LIMIT 1`, a.PublicAccountID, t.id, today, today).Scan(&id, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOpenNoGrant)
	}
	if err != nil {
		return nil, s.db.internal("open grant", err)
	}
	u.grant = id
	var granted []string
	if err := json.Unmarshal([]byte(raw), &granted); err != nil {
		return nil, s.db.internal("open grant items", err)
	}
	// An item excluded since the grant was made is not served by it.
	return slices.DeleteFunc(slices.Clone(served), func(n string) bool { return !slices.Contains(granted, n) }), nil
}

// allow takes cost tokens from the caller's allowance: ETOOMANY with the
// seconds to wait when it is spent.
func (s *OpenDataService) allow(ctx context.Context, cost int) error {
	a := govdata.ActorFrom(ctx)
	key, r, burst := "addr:"+a.ClientAddr, s.AnonRate, s.AnonBurst
	switch {
	case a.APIKeyID != 0:
		key, r, burst = "key:"+strconv.FormatInt(a.APIKeyID, 10), s.KeyRate, s.KeyBurst
	case a.PublicAccountID != 0:
		key, r, burst = "account:"+strconv.FormatInt(a.PublicAccountID, 10), s.KeyRate, s.KeyBurst
	}
	now := s.db.clock.Now()
	s.limitersMu.Lock()
	l, ok := s.limiters[key]
	if !ok {
		if len(s.limiters) >= maxOpenLimiters {
			clear(s.limiters)
		}
		l = rate.NewLimiter(r, burst)
		s.limiters[key] = l
	}
	res := l.ReserveN(now, min(cost, burst))
	wait := res.DelayFrom(now)
	if wait > 0 {
		res.CancelAt(now)
	}
	s.limitersMu.Unlock()
	if wait <= 0 {
		return nil
	}
	secs := int((wait + time.Second - 1) / time.Second)
	e := govdata.Errorf(govdata.ETOOMANY, govdata.MsgOpenRate, secs)
	e.Details = map[string]any{"retry_after": secs}
	return e
}

// record writes the use — answered or refused — as one open_usage row,
// with the day's count of an answered download or call in the same
// write, and an audit record when a grant was used (HLJ-34). It returns
// the use's own error, or the recording's: then nothing may be answered.
func (s *OpenDataService) record(ctx context.Context, u *openUse, useErr error) error {
	if u.entry == 0 {
		return useErr // the code names no entry: nothing to count it on
	}
	a := govdata.ActorFrom(ctx)
	refused := ""
	if useErr != nil {
		refused = string(govdata.ErrorCodeOf(useErr))
	}
	items := jsonList(u.items)
	// Recorded even when the client has gone away meanwhile.
	err := s.db.write(context.WithoutCancel(ctx), func(tx *Tx) error {
		now := tx.Now()
		day := s.dateOf(now).String()
		// Statements no one reads the result of: sent with the commit
		// batch's closing ones (pipelined on PostgreSQL), still in its
		// transaction, so committed before the answer leaves.
		if err := tx.execLater(`INSERT INTO open_usage (at, day, entry_id, account_id, api_key_id, grant_id, client_addr, kind, format, items, row_count, refused)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, toDB(now), day, u.entry, nullID(a.PublicAccountID), nullID(a.APIKeyID), nullID(u.grant),
			a.ClientAddr, string(u.kind), u.format, items, u.rows, refused); err != nil {
			return err
		}
		if useErr == nil && u.kind != govdata.OpenPreview {
			var downloads, calls int64
			if u.kind == govdata.OpenDownload {
				downloads = 1
			} else {
				calls = 1
			}
			// One row per dataset and day: concurrent uses share a commit
			// batch (commit.go), so the row is written by one transaction
			// at a time and never contended across them.
			if err := tx.execLater(`INSERT INTO open_usage_daily (entry_id, day, downloads, calls, row_count) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (entry_id, day) DO UPDATE SET downloads = open_usage_daily.downloads + excluded.downloads,
				calls = open_usage_daily.calls + excluded.calls, row_count = open_usage_daily.row_count + excluded.row_count`,
				u.entry, day, downloads, calls, u.rows); err != nil {
				return err
			}
		}
		if u.grant == 0 {
			return nil
		}
		// HLJ-34: use of conditionally opened data is on the record like a
		// data-service call.
		detail := map[string]any{"entry_id": u.entry, "kind": u.kind, "format": u.format, "items": u.items, "rows": u.rows,
			"public_account_id": a.PublicAccountID, "api_key_id": a.APIKeyID,
			"latency_ms": float64(time.Since(u.started).Microseconds()) / 1000}
		result := govdata.AuditOK
		if useErr != nil {
			result, detail["code"] = govdata.AuditRefused, refused
		}
		return tx.auditAs(tx.actor, result, "open."+string(u.kind), "open_grant", u.grant, detail)
	})
	if err != nil {
		return err
	}
	return useErr
}

// Refuse implements govdata.OpenDataService.
func (s *OpenDataService) Refuse(ctx context.Context, kind govdata.OpenUsageKind, code, format string, err error) error {
	u := &openUse{kind: kind, format: format, started: time.Now()}
	if t, terr := s.target(ctx, code); terr == nil {
		u.entry = t.id
	}
	return s.record(ctx, u, err)
}

// Records implements govdata.OpenDataService.
func (s *OpenDataService) Records(ctx context.Context, code string, q govdata.ServiceQuery) (*govdata.OpenRecords, error) {
	u := &openUse{kind: govdata.OpenCall, started: time.Now()}
	out, err := s.records(ctx, code, u, q)
	if err := s.record(ctx, u, err); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *OpenDataService) records(ctx context.Context, code string, u *openUse, q govdata.ServiceQuery) (*govdata.OpenRecords, error) {
	t, err := s.target(ctx, code)
	if err != nil {
		return nil, err
	}
	u.entry = t.id
	if err := s.allow(ctx, 1); err != nil {
		return nil, err
	}
	if err := s.withdrawal(ctx, t); err != nil {
		return nil, err
	}
	allowed, err := s.access(ctx, t, u)
	if err != nil {
		return nil, err
	}
	if q.GrantID != 0 {
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgOpenParam, "grant_id")
	}
	if q.Format != "" {
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgOpenParam, "format")
	}
	if q.Sort != "" {
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgOpenEqualOnly)
	}
	if len(q.Fields) == 0 {
		q.Fields = allowed
	}
	u.items = q.Fields
	if err := checkOpenItems(t, allowed, q.Fields); err != nil {
		return nil, err
	}
	var filtered []string
	for _, f := range q.Filters {
		if f.Op != govdata.FilterEq {
			return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgOpenEqualOnly)
		}
		filtered = append(filtered, f.Item)
	}
	if err := checkOpenItems(t, allowed, filtered); err != nil {
		return nil, err
	}
	for _, name := range filtered {
		// An equality test would tell what the mask hides (ZJ-21).
		if it, _ := t.item(name); it.OpenMode() == govdata.ItemOpenDeidentified {
			return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgOpenMaskedEq, name)
		}
	}
	if t.live {
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgOpenLive)
	}
	maskOf, err := s.maskOf(ctx, t)
	if err != nil {
		return nil, err
	}
	p, err := s.data.planRows(ctx, &t.serviceTarget, nil, maskOf, q)
	if err != nil {
		return nil, err
	}
	recs, next, err := s.data.readRows(ctx, s.db.read, p, q.Limit, q.Cursor)
	if err != nil {
		return nil, err
	}
	u.rows = int64(len(recs))
	return &govdata.OpenRecords{Items: recs, NextCursor: next}, nil
}

// checkOpenItems refuses items the entry does not open (EINVALID) and
// items outside the caller's grant (EFORBIDDEN).
func checkOpenItems(t *openTarget, allowed, items []string) error {
	served := t.served()
	for _, name := range items {
		if !slices.Contains(served, name) {
			return govdata.Errorf(govdata.EINVALID, govdata.MsgOpenItem, name)
		}
		if !slices.Contains(allowed, name) {
			return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOpenItemGrant, name)
		}
	}
	return nil
}

// Download implements govdata.OpenDataService.
func (s *OpenDataService) Download(ctx context.Context, code, format string) (*govdata.OpenFile, error) {
	u := &openUse{kind: govdata.OpenDownload, format: format, started: time.Now()}
	out, tx, err := s.download(ctx, code, u)
	if err := s.record(ctx, u, err); err != nil {
		if tx != nil {
			tx.Rollback()
		}
		return nil, err
	}
	return out, nil
}

func (s *OpenDataService) download(ctx context.Context, code string, u *openUse) (*govdata.OpenFile, *sql.Tx, error) {
	t, err := s.target(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	u.entry = t.id
	if err := s.allow(ctx, s.DownloadCost); err != nil {
		return nil, nil, err
	}
	if !slices.Contains(govdata.OpenFormats, u.format) {
		return nil, nil, govdata.Errorf(govdata.EINVALID, govdata.MsgOpenFormat)
	}
	if err := s.withdrawal(ctx, t); err != nil {
		return nil, nil, err
	}
	fields, err := s.access(ctx, t, u)
	if err != nil {
		return nil, nil, err
	}
	u.items = fields
	if t.live {
		return nil, nil, govdata.Errorf(govdata.EINVALID, govdata.MsgOpenLive)
	}
	maskOf, err := s.maskOf(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.data.planRows(ctx, &t.serviceTarget, nil, maskOf, govdata.ServiceQuery{Fields: fields})
	if err != nil {
		return nil, nil, err
	}
	// One read snapshot: the rows counted are the rows written, whatever
	// a batch replaces meanwhile.
	tx, err := s.db.readSnapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !p.none {
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+p.table).Scan(&u.rows); err != nil {
			tx.Rollback()
			return nil, nil, s.db.internal("open download count", err)
		}
	}
	out := &govdata.OpenFile{ResourceCode: code, Format: u.format, Items: fields, Rows: u.rows, Date: s.today(),
		Close: func() { tx.Rollback() }}
	out.WriteTo = func(w io.Writer) error {
		defer tx.Rollback()
		f, err := export.New(w, u.format, fields, "")
		if err != nil {
			return err
		}
		var werr error
		if !p.none {
			err = s.data.scanRows(ctx, tx, p, nil, 1000, func(r govdata.Record, _ rowPos) bool {
				werr = f.Row(r)
				return werr == nil
			})
		}
		return errors.Join(err, werr, f.End())
	}
	return out, tx, nil
}

// Dataset implements govdata.OpenDataService.
func (s *OpenDataService) Dataset(ctx context.Context, code string) (*govdata.OpenDataset, error) {
	t, err := s.target(ctx, code)
	if err != nil {
		return nil, err
	}
	e, err := s.entries.FindOpenEntry(ctx, t.id)
	if govdata.ErrorCodeOf(err) == govdata.ENOTFOUND && t.withdrawnAt != nil {
		// A withdrawn entry may have left the open catalog: its page still
		// tells what it was and why it went.
		e, err = s.withdrawnEntry(ctx, t, code)
	}
	if err != nil {
		return nil, err
	}
	out := &govdata.OpenDataset{Entry: e, Items: []govdata.OpenItem{}, Rows: t.rows, RefreshedAt: t.refreshedAt, Formats: govdata.OpenFormats}
	for _, it := range t.items {
		if mode := it.OpenMode(); mode != govdata.ItemOpenExcluded {
			out.Items = append(out.Items, govdata.OpenItem{Name: it.Name, Type: it.Type, Description: it.Description, Open: mode})
		}
	}
	since := s.today().AddDays(-29).String()
	err = s.db.queryRow(ctx, `SELECT COALESCE(SUM(downloads), 0), COALESCE(SUM(calls), 0),
		COALESCE(SUM(CASE WHEN day >= ? THEN downloads ELSE 0 END), 0), COALESCE(SUM(CASE WHEN day >= ? THEN calls ELSE 0 END), 0)
		FROM open_usage_daily WHERE entry_id = ?`, since, since, t.id).
		Scan(&out.Downloads, &out.Calls, &out.Downloads30Days, &out.Calls30Days)
	if err != nil {
		return nil, s.db.internal("open counts", err)
	}
	if t.withdrawnAt != nil {
		if out.Withdrawn, err = s.withdrawnInfo(ctx, t); err != nil {
			return nil, err
		}
		return out, nil
	}
	unconditional := t.in.OpenType == govdata.OpenUnconditional
	out.Downloadable = unconditional && t.dsVersion != 0 && t.rows > 0 && !t.live
	if !unconditional || t.live {
		return out, nil
	}
	// The preview is a read of values: recorded as one (kind preview), not
	// counted among the calls.
	out.Preview = []govdata.Record{}
	u := &openUse{kind: govdata.OpenPreview, entry: t.id, items: t.served(), started: time.Now()}
	preview, err := s.preview(ctx, t, u)
	if err := s.record(ctx, u, err); err != nil {
		return nil, err
	}
	out.Preview = preview
	return out, nil
}

func (s *OpenDataService) preview(ctx context.Context, t *openTarget, u *openUse) ([]govdata.Record, error) {
	maskOf, err := s.maskOf(ctx, t)
	if err != nil {
		return nil, err
	}
	p, err := s.data.planRows(ctx, &t.serviceTarget, nil, maskOf, govdata.ServiceQuery{Fields: u.items})
	if err != nil {
		return nil, err
	}
	recs, _, err := s.data.readRows(ctx, s.db.read, p, govdata.OpenPreviewRows, "")
	u.rows = int64(len(recs))
	return recs, err
}

// withdrawnEntry is a withdrawn entry's public view from its published
// version, when the open catalog no longer lists it.
func (s *OpenDataService) withdrawnEntry(ctx context.Context, t *openTarget, code string) (*govdata.Entry, error) {
	e := &govdata.Entry{EntryInput: t.in, ID: t.id, ResourceCode: code, Status: govdata.EntryPublished,
		Version: t.published, PublishedVersion: t.published}
	var published sql.NullInt64
	var created, updated int64
	err := s.db.queryRow(ctx, `SELECT e.department_id, d.name, e.region_code, e.level, e.published_at, e.created_at, e.updated_at
		FROM catalog_entries e JOIN departments d ON d.id = e.department_id WHERE e.id = ?`, t.id).
		Scan(&e.DepartmentID, &e.DepartmentName, &e.RegionCode, &e.Level, &published, &created, &updated)
	if err != nil {
		return nil, s.db.internal("withdrawn entry", err)
	}
	e.PublishedAt, e.CreatedAt, e.UpdatedAt = fromDBNull(published), fromDB(created), fromDB(updated)
	return publicView(e), nil
}

// openListed is the condition of the datasets the portal lists: open,
// published, not revoked, not withdrawn.
const openListed = `c.open AND c.status <> 'revoked' AND e.open_withdrawn_at IS NULL`

// Stats implements govdata.OpenDataService.
func (s *OpenDataService) Stats(ctx context.Context) (*govdata.OpenStats, error) {
	out := &govdata.OpenStats{}
	err := s.db.queryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT c.department_id) FROM catalog_search c
		JOIN catalog_entries e ON e.id = c.entry_id WHERE `+openListed).Scan(&out.Datasets, &out.Departments)
	if err != nil {
		return nil, s.db.internal("open stats", err)
	}
	err = s.db.queryRow(ctx, `SELECT COALESCE(SUM(downloads), 0), COALESCE(SUM(calls), 0) FROM open_usage_daily`).Scan(&out.Downloads, &out.Calls)
	if err != nil {
		return nil, s.db.internal("open stats", err)
	}
	list := func(order string) ([]govdata.OpenDatasetSummary, error) {
		rows, err := s.db.query(ctx, `SELECT e.resource_code, c.name, d.name, e.published_at, COALESCE(u.downloads, 0), COALESCE(u.calls, 0)
			FROM catalog_search c JOIN catalog_entries e ON e.id = c.entry_id JOIN departments d ON d.id = c.department_id
			LEFT JOIN (SELECT entry_id, SUM(downloads) AS downloads, SUM(calls) AS calls FROM open_usage_daily GROUP BY entry_id) u ON u.entry_id = e.id
			WHERE `+openListed+` ORDER BY `+order+` LIMIT 6`)
		if err != nil {
			return nil, s.db.internal("open stats", err)
		}
		defer rows.Close()
		out := []govdata.OpenDatasetSummary{}
		for rows.Next() {
			var d govdata.OpenDatasetSummary
			var published sql.NullInt64
			if err := rows.Scan(&d.ResourceCode, &d.Name, &d.DepartmentName, &published, &d.Downloads, &d.Calls); err != nil {
				return nil, s.db.internal("open stats", err)
			}
			d.PublishedAt = fromDBNull(published)
			out = append(out, d)
		}
		return out, rows.Err()
	}
	if out.Newest, err = list("e.published_at DESC, e.id DESC"); err != nil {
		return nil, err
	}
	if out.MostDownloaded, err = list("COALESCE(u.downloads, 0) DESC, e.id DESC"); err != nil {
		return nil, err
	}
	return out, nil
}

// MyUses implements govdata.OpenDataService.
func (s *OpenDataService) MyUses(ctx context.Context, page govdata.Page) (*govdata.OpenUseList, error) {
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID == 0 {
		return nil, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgOpenNotAccount)
	}
	page = page.Normalize()
	after, err := decodeIDCursor(page.Cursor)
	if err != nil {
		return nil, err
	}
	w := where{}
	w.add("u.account_id = ?", a.PublicAccountID)
	w.add("u.kind <> ?", string(govdata.OpenPreview))
	if after > 0 {
		w.add("u.id < ?", after)
	}
	rows, err := s.db.query(ctx, `SELECT u.id, u.at, e.resource_code, COALESCE(c.name, ''), u.kind, u.format, u.items, u.row_count,
		COALESCE(u.api_key_id, 0), COALESCE(u.grant_id, 0), u.refused
		FROM open_usage u JOIN catalog_entries e ON e.id = u.entry_id LEFT JOIN catalog_search c ON c.entry_id = u.entry_id
		`+w.String()+` ORDER BY u.id DESC LIMIT `+strconv.Itoa(page.Limit+1), w.args...)
	if err != nil {
		return nil, s.db.internal("open uses", err)
	}
	defer rows.Close()
	out := &govdata.OpenUseList{Items: []govdata.OpenUse{}}
	for rows.Next() {
		var u govdata.OpenUse
		var at int64
		var items, refused string
		if err := rows.Scan(&u.ID, &at, &u.ResourceCode, &u.Name, &u.Kind, &u.Format, &items, &u.Rows, &u.APIKeyID, &u.GrantID, &refused); err != nil {
			return nil, s.db.internal("open uses", err)
		}
		u.At, u.Refused = fromDB(at), govdata.ErrorCode(refused)
		if err := json.Unmarshal([]byte(items), &u.Items); err != nil || u.Items == nil {
			u.Items = []string{}
		}
		out.Items = append(out.Items, u)
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.internal("open uses", err)
	}
	if len(out.Items) > page.Limit {
		out.Items = out.Items[:page.Limit]
		out.NextCursor = encodeCursor(strconv.FormatInt(out.Items[page.Limit-1].ID, 10))
	}
	return out, nil
}
