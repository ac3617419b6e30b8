package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govdata/govdata"
	"golang.org/x/time/rate"
)

// DataService serves granted data to consumers' systems (SHR-4): only the
// granted items of the rows in the grant's region scope, masked as the
// policy and the grant say (SHR-5), each call recorded with its grant in
// the transaction that spends its nonce, before the answer leaves.
type DataService struct {
	Base
	masks  maskPolicies
	live   liveRows // nil: no entry is served live
	masker govdata.Masker

	// VerifyRate and VerifyBurst bound each credential's verifications
	// (SHR-4: verification is rate-limited, so that it cannot be used to
	// walk through the values of an item): verify calls, and calls with an
	// equality filter on an item masked for the grant (service_verify.go).
	// The allowance is each process's: n instances allow n times as much.
	// A department's credentials together have DepartmentShare times one
	// credential's (service_verify.go): it may issue as many as it likes.
	VerifyRate  rate.Limit
	VerifyBurst int
	// DepartmentShare: how many credentials' allowance a department's
	// credentials share (DefaultDepartmentShare); 0: no department bound.
	DepartmentShare int
	// MissRun misses of a credential's verifications in a row, or within
	// MissWindow, notify the secadmins (counted in the database).
	MissRun      int
	MissWindow   time.Duration
	limitersMu   sync.Mutex
	limiters     map[int64]*rate.Limiter // by credential
	deptLimiters map[int64]*rate.Limiter // by department

	// contents caches published versions of entries: they never change;
	// columns the datasets' columns by their version.
	contents sync.Map // contentKey → govdata.EntryInput
	columns  sync.Map // contentKey{entry, dataset version} → []dsColumn
	grants   sync.Map // grant id → *govdata.Grant as made (grantMade)
	// held remembers, by credential and resource code, the target the
	// credential's last answered call found (heldTarget).
	held sync.Map // targetKey → *heldTarget
}

type contentKey struct {
	entry   int64
	version int
}

// Default verify rate: 10 calls a second per credential, 50 at once.
const (
	DefaultVerifyRate  = 10
	DefaultVerifyBurst = 50
)

// NewDataService returns the data service over the datasets of b's
// database, masked by the policy masks keeps (SHR-5); live serves the
// entries aggregated live (AGG-5), nil when there are none.
func NewDataService(b Base, masks maskPolicies, live liveRows) *DataService {
	return &DataService{Base: b, masks: masks, live: live,
		// The hash mask's key lives outside the database with the master
		// key: a hashed ID number cannot be reversed by hashing every
		// date of birth.
		masker:     govdata.Masker{Key: []byte(b.db.deriveSecret("mask-hash", "", nil))},
		VerifyRate: DefaultVerifyRate, VerifyBurst: DefaultVerifyBurst, limiters: map[int64]*rate.Limiter{}, deptLimiters: map[int64]*rate.Limiter{},
		MissRun: DefaultMissRun, MissWindow: DefaultMissWindow, DepartmentShare: DefaultDepartmentShare}
}

var _ govdata.DataService = (*DataService)(nil)

// maskPolicies is what the data service needs of the masks (MaskService):
// the policy in force (SHR-5).
type maskPolicies interface {
	policy(ctx context.Context) (*govdata.MaskPolicy, error)
}

// liveRows is what the data service needs of the sources (SourceService):
// the rows of an entry served live, read from its provider's system at
// the call (AGG-5).
type liveRows interface {
	liveQuery(ctx context.Context, r *entryRow, where map[string]string, page govdata.Page) (govdata.RowList, error)
}

// serviceCall is one call being answered: what its audit record will say.
type serviceCall struct {
	op    govdata.ServiceOp
	code  string
	start time.Time
	grant *govdata.Grant
	items []string
	rows  int64
	// outside: refused for asking outside the grant, counted (SHR-6).
	outside bool
	detail  map[string]any
	// verifies: the call is a verification (service_verify.go), its
	// answer a hit (rows > 0) or a miss; allowed: its allowance is spent.
	verifies, allowed bool
	// also writes with the record of an answered call (an export's trace).
	also func(tx *Tx) error
}

func (s *DataService) begin(op govdata.ServiceOp, code string) *serviceCall {
	return &serviceCall{op: op, code: code, start: time.Now(), detail: map[string]any{}}
}

// finish records the call — answered or refused — in one write with its
// nonce and the grant's usage, and returns the error to answer with: the
// call's own, or the recording's (then nothing of the answer may leave).
func (s *DataService) finish(ctx context.Context, c *serviceCall, callErr error) error {
	a := govdata.ActorFrom(ctx)
	detail := c.detail
	detail["resource_code"], detail["items"], detail["rows"] = c.code, c.items, c.rows
	detail["latency_ms"] = float64(time.Since(c.start).Microseconds()) / 1000
	result := govdata.AuditOK
	if callErr != nil {
		result = govdata.AuditRefused
		var e *govdata.Error
		if errors.As(callErr, &e) && e.Code != govdata.EINTERNAL {
			detail["code"], detail["reason"] = string(e.Code), e.Message.Text("en")
		} else {
			result, detail["code"] = govdata.AuditFailed, string(govdata.EINTERNAL)
		}
	}
	objectType, objectID := "resource", any(c.code)
	if c.grant != nil {
		objectType, objectID = "grant", c.grant.ID
		detail["grant_id"], detail["purpose"], detail["consumer_department_id"] = c.grant.ID, c.grant.Purpose, c.grant.ConsumerDepartment
	}
	action := "service." + string(c.op)
	err := s.db.writeSigned(ctx, func(tx *Tx) error {
		if c.grant != nil && (callErr == nil || c.outside) {
			// SHR-6: usage counted with the call, by grant and by day.
			if callErr == nil {
				tx.countUsage(c.grant.ID, a.CredentialID, s.dateOf(tx.Now()), 1, c.rows, 0)
			} else {
				tx.countUsage(c.grant.ID, a.CredentialID, s.dateOf(tx.Now()), 0, 0, 1)
			}
		}
		if callErr == nil && c.verifies && a.CredentialID != 0 {
			tx.countVerification(s, a.CredentialID, c.rows == 0)
		}
		if callErr == nil && c.also != nil {
			if err := c.also(tx); err != nil {
				return err
			}
		}
		return tx.auditAs(tx.actor, result, action, objectType, objectID, detail)
	}, func(tx *Tx, err error) error {
		// Refused by the rules of signed calls (a replay, a credential
		// revoked or rotated meanwhile), and recorded as such, without its
		// usage.
		refusal := maps.Clone(detail)
		refusal["code"] = string(govdata.ErrorCodeOf(err))
		if e := (*govdata.Error)(nil); errors.As(err, &e) {
			refusal["reason"] = e.Message.Text("en")
		}
		return tx.auditAs(tx.actor, govdata.AuditRefused, action, objectType, objectID, refusal)
	})
	if err != nil {
		return err
	}
	return callErr
}

// Refuse implements govdata.DataService.
func (s *DataService) Refuse(ctx context.Context, op govdata.ServiceOp, code string, err error) error {
	return s.finish(ctx, s.begin(op, code), err)
}

// serviceTarget is the entry a resource code names, as published.
type serviceTarget struct {
	id        int64
	published int // the entry's published version
	items     []govdata.Item
	dsVersion int       // the dataset's entry version; 0: no dataset yet
	live      *entryRow // set when the entry is served live (AGG-5)
	// gen is the entry's serve_gen: the database counts it up on every
	// change of its dataset's version, its source's kind, its grants'
	// states and holders (migration 0025).
	gen int64
}

// grantState is one of the caller's grants on the target and its state.
type grantState struct {
	id    int64
	state govdata.GrantState
}

// target finds the published entry of a resource code and the states of
// the grants the calling credential holds on it, in one query. An entry
// being revoked still serves its grants for the grace period (HLJ-16).
func (s *DataService) target(ctx context.Context, code string) (*serviceTarget, []grantState, error) {
	a := govdata.ActorFrom(ctx)
	// Only a grant's state changes after it is made: it is read on every
	// call, the rest once (grantMade).
	rows, err := s.db.query(ctx, `SELECT e.id, e.published_version, e.status, e.serve_gen,
		COALESCE((SELECT kind FROM data_sources src WHERE src.entry_id = e.id), ''),
		COALESCE((SELECT entry_version FROM datasets d WHERE d.entry_id = e.id), 0), g.id, g.state
		FROM catalog_entries e
		LEFT JOIN grants g ON g.entry_id = e.id AND g.consumer_department_id = ?
			AND EXISTS (SELECT 1 FROM grant_credentials gc WHERE gc.grant_id = g.id AND gc.credential_id = ?)
		WHERE e.resource_code = ? ORDER BY g.id`, a.DepartmentID, a.CredentialID, code)
	if err != nil {
		return nil, nil, s.db.internal("service target", err)
	}
	var t *serviceTarget
	var status, source string
	var states []grantState
	for rows.Next() {
		t = &serviceTarget{}
		var id sql.NullInt64
		var state sql.NullString
		if err := rows.Scan(&t.id, &t.published, &status, &t.gen, &source, &t.dsVersion, &id, &state); err != nil {
			rows.Close()
			return nil, nil, s.db.internal("service target", err)
		}
		if id.Valid {
			states = append(states, grantState{id.Int64, govdata.GrantState(state.String)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, s.db.internal("service target", err)
	}
	if t == nil || t.published == 0 || status == string(govdata.EntryRevoked) {
		return nil, nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgServiceUnknown)
	}
	// A published version never changes: its items are read once.
	key := contentKey{t.id, t.published}
	in, ok := s.contents.Load(key)
	if !ok {
		c, err := content(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, t.id, t.published)
		if err != nil {
			return nil, nil, s.db.internal("service target", err)
		}
		in, _ = s.contents.LoadOrStore(key, c)
	}
	t.items = in.(govdata.EntryInput).Items
	if source == string(govdata.SourceLive) && s.live != nil {
		if t.live, err = s.entryRow(ctx, t.id); err != nil {
			return nil, nil, err
		}
	}
	return t, states, nil
}

// columnsOf are the dataset's columns at its version: they change only
// with the version (a publication), so they are read once per version.
func (s *DataService) columnsOf(ctx context.Context, t *serviceTarget) ([]dsColumn, error) {
	if t.dsVersion == 0 {
		return nil, nil
	}
	key := contentKey{t.id, t.dsVersion}
	if cols, ok := s.columns.Load(key); ok {
		return cols.([]dsColumn), nil
	}
	cols, err := s.datasetColumns(ctx, t.id)
	if err != nil {
		return nil, err
	}
	s.columns.Store(key, cols)
	return cols, nil
}

// grantFor picks, of the grants the call's credential holds on the
// target (states, from target), the one for the call's method; grantID
// picks one of several.
func (s *DataService) grantFor(ctx context.Context, c *serviceCall, states []grantState, grantID int64) (*govdata.Grant, error) {
	if grantID != 0 {
		states = slices.DeleteFunc(slices.Clone(states), func(st grantState) bool { return st.id != grantID })
	}
	today := s.today()
	var held, usable []*govdata.Grant
	for _, st := range states {
		made, err := s.grantMade(ctx, st.id)
		if err != nil {
			return nil, err
		}
		gr := *made
		gr.State = st.state
		gr.State = gr.EffectiveState(today) // SHR-3: expiry by itself
		held = append(held, &gr)
		if gr.State == govdata.GrantActive && gr.Method == c.op.Method() {
			usable = append(usable, &gr)
		}
	}
	switch {
	case len(held) == 0:
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgServiceNoGrant)
	case len(usable) == 1:
		c.grant = usable[0]
		return usable[0], nil
	case len(usable) > 1:
		ids := make([]string, len(usable))
		for i, gr := range usable {
			ids[i] = strconv.FormatInt(gr.ID, 10)
		}
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgServiceSeveral, strings.Join(ids, ", "))
	}
	// Held, none usable: say why, of the first.
	gr := held[0]
	if i := slices.IndexFunc(held, func(gr *govdata.Grant) bool { return gr.State == govdata.GrantActive }); i >= 0 {
		// SHR-6: a call by a method the grant lacks is out of its scope.
		c.grant, c.outside = held[i], true
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgServiceMethod, string(held[i].Method), string(c.op.Method()))
	}
	c.grant = gr
	return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgServiceGrantState, string(gr.State))
}

// grantMade is a grant as it was made — consumer, entry, items, scope,
// purpose, method, period, unmasked items, export permission — none of
// which changes afterwards; read once.
func (s *DataService) grantMade(ctx context.Context, id int64) (*govdata.Grant, error) {
	if g, ok := s.grants.Load(id); ok {
		return g.(*govdata.Grant), nil
	}
	g, err := s.scanGrant(s.db.queryRow(ctx, grantSelect+" WHERE g.id = ?", id))
	if err != nil {
		return nil, s.db.internal("service grant", err)
	}
	g.Usage = govdata.Usage{}
	s.grants.Store(id, g)
	return g, nil
}

// checkItems refuses items outside the grant, counted (SHR-6).
func checkItems(c *serviceCall, g *govdata.Grant, items []string) error {
	if out := govdata.OutsideGrant(g, items); len(out) > 0 {
		c.outside = true
		return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgServiceItem, strings.Join(out, ", "))
	}
	return nil
}

// prepare finds a query's target and grant and checks its items against
// the grant; a query without fields asks for every granted item.
func (s *DataService) prepare(ctx context.Context, c *serviceCall, q govdata.ServiceQuery) (govdata.ServiceQuery, *serviceTarget, *govdata.Grant, error) {
	t, states, err := s.target(ctx, c.code)
	if err != nil {
		return q, nil, nil, err
	}
	return s.prepareFor(ctx, c, q, t, states)
}

// prepareFor is prepare on a target found already (by target, or
// remembered: heldTarget).
func (s *DataService) prepareFor(ctx context.Context, c *serviceCall, q govdata.ServiceQuery, t *serviceTarget, states []grantState) (govdata.ServiceQuery, *serviceTarget, *govdata.Grant, error) {
	q.Page = q.Page.Normalize()
	g, err := s.grantFor(ctx, c, states, q.GrantID)
	if err != nil {
		return q, nil, nil, err
	}
	c.items = q.Items()
	if err := checkItems(c, g, c.items); err != nil {
		return q, nil, nil, err
	}
	if len(q.Fields) == 0 {
		// Every granted item, in the entry's order.
		for _, it := range t.items {
			if slices.Contains(g.Items, it.Name) {
				q.Fields = append(q.Fields, it.Name)
			}
		}
		c.items = q.Items()
	}
	return q, t, g, nil
}

// Records implements govdata.DataService.
func (s *DataService) Records(ctx context.Context, code string, q govdata.ServiceQuery) (*govdata.ServiceRecords, error) {
	c := s.begin(govdata.OpRecords, code)
	out, err := s.records(ctx, c, q)
	if err := s.finish(ctx, c, err); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *DataService) records(ctx context.Context, c *serviceCall, q govdata.ServiceQuery) (*govdata.ServiceRecords, error) {
	key := targetKey{govdata.ActorFrom(ctx).CredentialID, c.code}
	if h, ok := s.held.Load(key); ok {
		if out, ok := s.recordsHeld(ctx, c, q, h.(*heldTarget)); ok {
			return out, nil
		}
		*c = serviceCall{op: c.op, code: c.code, start: c.start, detail: map[string]any{}, allowed: c.allowed}
	}
	t, states, err := s.target(ctx, c.code)
	if err != nil {
		return nil, err
	}
	out, err := s.recordsOf(ctx, c, q, t, states, nil)
	if err == nil && t.live == nil {
		s.held.Store(key, &heldTarget{t, states})
	}
	return out, err
}

// recordsHeld answers a call from the target its credential's last call
// found, in one read: the rows, under a guard that the database still
// says what target said. ok is false when the answer must come the usual
// way instead: the call fails before reading, or the read finds nothing
// and the target is not as remembered (a guard that fails reads no row).
func (s *DataService) recordsHeld(ctx context.Context, c *serviceCall, q govdata.ServiceQuery, h *heldTarget) (*govdata.ServiceRecords, bool) {
	out, err := s.recordsOf(ctx, c, q, h.t, h.states, func(p *rowPlan) {
		p.guard, p.guardArgs = h.guard()
	})
	if err != nil {
		return nil, false
	}
	if len(out.Items) == 0 {
		t, states, err := s.target(ctx, c.code)
		if err != nil || !h.same(t, states) {
			return nil, false
		}
	}
	return out, true
}

// recordsOf reads a call's rows from its target; guard, when not nil,
// sets the plan's guard.
func (s *DataService) recordsOf(ctx context.Context, c *serviceCall, q govdata.ServiceQuery, t *serviceTarget, states []grantState, guard func(*rowPlan)) (*govdata.ServiceRecords, error) {
	q, t, g, err := s.prepareFor(ctx, c, q, t, states)
	if err != nil {
		return nil, err
	}
	p, err := s.plan(ctx, t, g, q)
	if err != nil {
		return nil, err
	}
	if guard != nil {
		guard(p)
	}
	if err := s.maskedEquality(ctx, c, p); err != nil {
		return nil, err
	}
	var recs []govdata.Record
	var next string
	if t.live != nil {
		recs, next, err = s.liveRows(ctx, t, p, q.Page)
	} else {
		recs, next, err = s.readRows(ctx, s.db.read, p, q.Limit, q.Cursor)
	}
	if err != nil {
		return nil, err
	}
	c.rows = int64(len(recs))
	return &govdata.ServiceRecords{GrantID: g.ID, Items: recs, NextCursor: next}, nil
}

// targetKey is a calling credential and the resource code it calls.
type targetKey struct {
	credential int64
	code       string
}

// heldTarget is what a credential's last answered call found of its
// target (SHR-4: the entry as published, the grants the credential holds
// on it and their states). The next call reads its rows under guard,
// one condition true only while the database still says the same, so
// that a grant suspended or revoked, an entry republished or revoked, or
// a dataset replaced since is seen by the very call that follows it.
type heldTarget struct {
	t      *serviceTarget
	states []grantState
}

// guard is the condition, for the first read of the rows: the entry at
// the same published version, not revoked, its serve_gen unchanged — so
// the same dataset version, not served live, and its grants with the
// same holders in the same states. One lookup by primary key.
func (h *heldTarget) guard() (string, []any) {
	return `EXISTS (SELECT 1 FROM catalog_entries e WHERE e.id = ? AND e.published_version = ? AND e.status <> ? AND e.serve_gen = ?)`,
		[]any{h.t.id, h.t.published, string(govdata.EntryRevoked), h.t.gen}
}

// same tells whether target found what h remembers.
func (h *heldTarget) same(t *serviceTarget, states []grantState) bool {
	return t.id == h.t.id && t.published == h.t.published && t.gen == h.t.gen && t.dsVersion == h.t.dsVersion &&
		t.live == nil && slices.Equal(states, h.states)
}

// Verify implements govdata.DataService: yes or no, within the grant's
// rows, through the blind index for encrypted items (SEC-2).
func (s *DataService) Verify(ctx context.Context, code string, in govdata.VerifyInput) (*govdata.VerifyResult, error) {
	c := s.begin(govdata.OpVerify, code)
	out, err := s.verify(ctx, c, in)
	if err := s.finish(ctx, c, err); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *DataService) verify(ctx context.Context, c *serviceCall, in govdata.VerifyInput) (*govdata.VerifyResult, error) {
	// Every verify call is a verification, whatever the items' masks.
	if err := s.verification(ctx, c, verifyItems(in), govdata.MsgServiceRate); err != nil {
		return nil, err
	}
	q, err := govdata.VerifyQuery(in)
	if err != nil {
		return nil, err
	}
	t, states, err := s.target(ctx, c.code)
	if err != nil {
		return nil, err
	}
	g, err := s.grantFor(ctx, c, states, in.GrantID)
	if err != nil {
		return nil, err
	}
	c.items = q.Items()
	if err := checkItems(c, g, c.items); err != nil {
		return nil, err
	}
	p, err := s.plan(ctx, t, g, q)
	if err != nil {
		return nil, err
	}
	var recs []govdata.Record
	if t.live != nil {
		recs, _, err = s.liveRows(ctx, t, p, govdata.Page{Limit: 1})
	} else {
		recs, _, err = s.readRows(ctx, s.db.read, p, 1, "")
	}
	if err != nil {
		return nil, err
	}
	c.rows = int64(len(recs))
	return &govdata.VerifyResult{GrantID: g.ID, Matched: len(recs) > 0}, nil
}

// allowVerify takes a verification from the credential's allowance and
// from its department's (DepartmentShare times as large); a positive wait
// says when the next is allowed.
func (s *DataService) allowVerify(credential, department int64) time.Duration {
	limiter := func(m map[int64]*rate.Limiter, id int64, r rate.Limit, burst int) *rate.Limiter {
		l, ok := m[id]
		if !ok {
			l = rate.NewLimiter(r, burst)
			m[id] = l
		}
		return l
	}
	s.limitersMu.Lock()
	rs := []*rate.Reservation{limiter(s.limiters, credential, s.VerifyRate, s.VerifyBurst).Reserve()}
	if n := s.DepartmentShare; n > 0 {
		rs = append(rs, limiter(s.deptLimiters, department, s.VerifyRate*rate.Limit(n), s.VerifyBurst*n).Reserve())
	}
	s.limitersMu.Unlock()
	var wait time.Duration
	for _, r := range rs {
		wait = max(wait, r.Delay())
	}
	if wait > 0 {
		for _, r := range rs {
			r.Cancel()
		}
	}
	return wait
}
