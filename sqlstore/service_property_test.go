package sqlstore_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
	"golang.org/x/time/rate"
)

// The property of the data service (SHR-4, SHR-5, SHR-6): whatever the
// grant and whatever the query, the answer is exactly what the source rows
// give — the rows in the grant's region scope that match the filters, in
// the asked order, projected to the asked items, masked as the policy and
// the grant say — over all its pages; a query naming an item outside the
// grant is refused (403) and counted; a range or sort on a sealed or
// masked item is refused (400). Grants, policies, rows and queries are
// drawn from a seeded generator: GOVDATA_PROPERTY_SEED replays a failure.

// propSeed is the generator's seed: fixed, so that a run is repeatable,
// unless GOVDATA_PROPERTY_SEED gives another.
func propSeed(t *testing.T) uint64 {
	seed := uint64(20260302)
	if s := os.Getenv("GOVDATA_PROPERTY_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("GOVDATA_PROPERTY_SEED=%q: %v", s, err)
		}
		seed = n
	}
	return seed
}

// Sizes of a run: rows per entry, grants per entry, queries per grant, and
// the most pages a query is read in (a query's limit grows to keep it so).
const (
	propRows     = 360
	propGrants   = 12
	propQueries  = 10
	propMaxPages = 12
)

// The regions rows lie in: counties of two cities of province 23,
// townships, a county directly under the province; none of 230300; and,
// rarely, 230121 (a scope that sparse makes a sealed region's scan read
// on past its first chunk of rows).
var propRegions = []string{"230102", "230102", "230103", "230104", "230111", "230202", "230203", "230102001", "230103002", "239001"}

const propRareRegion = "230121"

// propScopes are what grants' region scopes are drawn from: the province,
// cities covering their counties and townships, counties, a township, a
// city with no rows, another province.
var propScopes = []string{"230000", "230100", "230200", "230300", "239000", "230102", "230103", "230111", "230202", "230102001", "239001", "110000",
	propRareRegion}

// The items of the entries (sensitivity as in entryInput): the key (4,
// sealed), the name (3, sealed), the region, the date of birth (2), the
// sum (money, 1) and a note (1). The second entry's region item is at
// level 3: sealed and masked, its scope applied after reading.
const (
	itID     = "公民身份号码"
	itName   = "姓名"
	itRegion = "行政区划代码"
	itBorn   = "出生日期"
	itSum    = "补贴金额"
	itNote   = "备注"
)

var propItems = []string{itID, itName, itRegion, itBorn, itSum, itNote}

func propEntry(name string, sealedRegion bool) govdata.EntryInput {
	in := entryInput(name)
	in.Items[2].Length = 12 // townships
	if sealedRegion {
		in.Items[2].Sensitivity = 3
	}
	in.Items = append(in.Items,
		govdata.Item{Name: itBorn, Type: govdata.ItemDate, Sensitivity: 2},
		govdata.Item{Name: itSum, Type: govdata.ItemMoney, Length: 12, Sensitivity: 1},
		govdata.Item{Name: itNote, Type: govdata.ItemChar, Length: 20, Sensitivity: 1})
	return in
}

// propRow is a source row: item → value, nil for none.
type propRow map[string]*string

// propSourceRows draws the rows: names repeat, one is a single character;
// sums repeat, tie as numbers ("100", "100.00"), and some are missing;
// some rows have no region or note.
func propSourceRows(r *rand.Rand, n int) []propRow {
	ids := citizenIDs(n)
	names := []string{"张三", "李四", "王五", "欧阳娜娜", "赵六", "钱七", "李", "司马相如", "周九", "吴十"}
	sums := []string{"", "0", "7", "12", "99.5", "100", "100.00", "250.25", "1000", "-3.5", "+8", ".5", "123456789.01"}
	out := make([]propRow, n)
	for i := range out {
		row := propRow{
			itID:     &ids[i],
			itName:   pick(r, names),
			itRegion: pick(r, propRegions),
			itBorn:   ptrTo(ids[i][6:10] + "-" + ids[i][10:12] + "-" + ids[i][12:14]),
			itSum:    pick(r, sums),
			itNote:   ptrTo(fmt.Sprintf("N%04d", r.IntN(n))),
		}
		switch r.IntN(60) {
		case 0, 1, 2:
			row[itRegion] = nil
		case 3:
			row[itRegion] = ptrTo(propRareRegion)
		}
		if r.IntN(10) == 0 {
			row[itNote] = nil
		}
		if r.IntN(25) == 0 {
			row[itName] = nil
		}
		if *row[itSum] == "" {
			row[itSum] = nil
		}
		out[i] = row
	}
	return out
}

func ptrTo(s string) *string { return &s }

func pick(r *rand.Rand, from []string) *string { return ptrTo(from[r.IntN(len(from))]) }

func propCSV(rows []propRow) string {
	var b strings.Builder
	b.WriteString(strings.Join(propItems, ",") + "\n")
	for _, row := range rows {
		for i, it := range propItems {
			if i > 0 {
				b.WriteByte(',')
			}
			if v := row[it]; v != nil {
				b.WriteString(*v)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// propEntryUnderTest is one entry with its rows.
type propEntryUnderTest struct {
	entry *govdata.Entry
	items []govdata.Item // as published, in order
	rows  []propRow
}

func (pe *propEntryUnderTest) item(name string) (govdata.Item, bool) {
	i := slices.IndexFunc(pe.items, func(it govdata.Item) bool { return it.Name == name })
	if i < 0 {
		return govdata.Item{}, false
	}
	return pe.items[i], true
}

// propQuery is one records query as the test means it.
type propQuery struct {
	fields []string          // asked for; nil: every granted item
	eq     map[string]string // item → value
	gte    map[string]string
	lte    map[string]string
	sort   string
	desc   bool
}

func (q propQuery) values(grant int64, limit int) url.Values {
	v := url.Values{"grant_id": {strconv.FormatInt(grant, 10)}, "limit": {strconv.Itoa(limit)}}
	if len(q.fields) > 0 {
		v.Set("fields", strings.Join(q.fields, ","))
	}
	for it, val := range q.eq {
		v.Set(it, val)
	}
	for it, val := range q.gte {
		v.Set(it+"__gte", val)
	}
	for it, val := range q.lte {
		v.Set(it+"__lte", val)
	}
	if q.sort != "" {
		s := q.sort
		if q.desc {
			s = "-" + s
		}
		v.Set("sort", s)
	}
	return v
}

// named lists every item the query names.
func (q propQuery) named() []string {
	out := slices.Clone(q.fields)
	for _, m := range []map[string]string{q.eq, q.gte, q.lte} {
		for it := range m {
			out = append(out, it)
		}
	}
	if q.sort != "" {
		out = append(out, q.sort)
	}
	return out
}

// propModel answers queries from the source rows, by the rules of SHR-4
// and SHR-5 as the domain states them.
type propModel struct {
	pe     *propEntryUnderTest
	grant  *govdata.Grant
	policy govdata.MaskPolicy
}

// mask is the mask an item gets under the grant: none where the grant
// lifts it (SHR-5), else the policy's.
func (m *propModel) mask(name string) govdata.Mask {
	if slices.Contains(m.grant.UnmaskedItems, name) {
		return govdata.Mask{Kind: govdata.MaskNone}
	}
	it, _ := m.pe.item(name)
	return m.policy.MaskOf(m.pe.entry.ID, it)
}

// verifies reports whether a query tests an item masked for the grant
// for equality: a verification (SHR-4).
func (m *propModel) verifies(q propQuery) bool {
	for it := range q.eq {
		if m.mask(it).Kind != govdata.MaskNone {
			return true
		}
	}
	return false
}

// orderable reports whether ranges and sort may use an item: not sealed at
// rest (levels 3–4, SEC-2), not masked for the grant.
func (m *propModel) orderable(name string) bool {
	it, _ := m.pe.item(name)
	return it.Sensitivity < 3 && m.mask(name).Kind == govdata.MaskNone
}

func (m *propModel) numeric(name string) bool {
	it, _ := m.pe.item(name)
	return it.Type.Numeric()
}

// less compares two values of an item as the service orders them.
func (m *propModel) less(name, a, b string) int {
	if m.numeric(name) {
		x, _ := strconv.ParseFloat(a, 64)
		y, _ := strconv.ParseFloat(b, 64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return strings.Compare(a, b)
}

// covers reports whether a row lies in the grant's region scope (SHR-3:
// a code covers the regions below it); an empty scope covers every row.
func (m *propModel) covers(row propRow) bool {
	if len(m.grant.RegionScope) == 0 {
		return true
	}
	region := row[itRegion]
	return region != nil && slices.ContainsFunc(m.grant.RegionScope, func(s string) bool { return govdata.RegionCovers(s, *region) })
}

// answer is the refusal the query must get, or the rows (indexes into the
// source) it must return, in order, and the items of each.
func (m *propModel) answer(q propQuery) (code govdata.ErrorCode, rows []int, fields []string) {
	for _, it := range q.named() {
		if !slices.Contains(m.grant.Items, it) {
			return govdata.EFORBIDDEN, nil, nil // SHR-6: outside the grant
		}
	}
	for _, r := range []map[string]string{q.gte, q.lte} {
		for it := range r {
			if !m.orderable(it) {
				return govdata.EINVALID, nil, nil
			}
		}
	}
	if q.sort != "" && !m.orderable(q.sort) {
		return govdata.EINVALID, nil, nil
	}
	fields = q.fields
	if len(fields) == 0 {
		for _, it := range m.pe.items {
			if slices.Contains(m.grant.Items, it.Name) {
				fields = append(fields, it.Name)
			}
		}
	}
	rows = []int{}
	for i, row := range m.pe.rows {
		match := m.covers(row)
		for it, val := range q.eq {
			match = match && row[it] != nil && *row[it] == val
		}
		for it, val := range q.gte {
			match = match && row[it] != nil && m.less(it, *row[it], val) >= 0
		}
		for it, val := range q.lte {
			match = match && row[it] != nil && m.less(it, *row[it], val) <= 0
		}
		if match {
			rows = append(rows, i)
		}
	}
	if q.sort != "" {
		// Values first in their order, then the rows without one; ties and
		// nulls by the stored order, reversed with the order.
		slices.SortStableFunc(rows, func(a, b int) int {
			va, vb := m.pe.rows[a][q.sort], m.pe.rows[b][q.sort]
			c := 0
			switch {
			case va == nil && vb == nil:
			case va == nil:
				return 1
			case vb == nil:
				return -1
			default:
				c = m.less(q.sort, *va, *vb)
			}
			if c == 0 {
				c = a - b
			}
			if q.desc {
				c = -c
			}
			return c
		})
	}
	return "", rows, fields
}

// hexHash is what a hash mask gives: 16 bytes of HMAC-SM3 in hex.
var hexHash = regexp.MustCompile(`^[0-9a-f]{32}$`)

// propFixture is the default profile's store with the two entries, the
// consumer's system, and the data service.
type propFixture struct {
	*grantFixture
	data     *sqlstore.DataService
	masks    *sqlstore.MaskService
	audit    *sqlstore.AuditService
	cred     *govdata.IssuedCredential
	secadmin context.Context
	nonces   int
	// hashes keeps what each value hashed to: equal values hash equal,
	// different ones differently.
	hashes, unhashes map[string]string
}

func (f *propFixture) system() context.Context {
	f.nonces++
	return storetest.As(govdata.Actor{Username: "app:" + f.cred.AppKey, CredentialID: f.cred.ID, DepartmentID: f.cityHR,
		Nonce: "p" + strconv.Itoa(f.nonces)})
}

// randomMask draws a mask of any kind.
func randomMask(r *rand.Rand) govdata.Mask {
	m := govdata.Mask{Kind: govdata.MaskKinds[r.IntN(len(govdata.MaskKinds))]}
	if m.Kind == govdata.MaskKeep {
		for m.First+m.Last == 0 {
			m.First, m.Last = r.IntN(4), r.IntN(4)
		}
	}
	return m
}

// randomGrantInput draws an application: some items, a region scope of
// none to three codes (or the rare county alone), some of its items
// unmasked.
func randomGrantInput(r *rand.Rand, pe *propEntryUnderTest) govdata.ApplicationInput {
	in := goodApplication(pe.entry.ID)
	in.Items = nil
	for _, i := range r.Perm(len(propItems))[:1+r.IntN(len(propItems))] {
		in.Items = append(in.Items, propItems[i])
	}
	in.RegionScope = nil
	for _, i := range r.Perm(len(propScopes))[:r.IntN(4)] {
		in.RegionScope = append(in.RegionScope, propScopes[i])
	}
	if r.IntN(4) == 0 {
		in.RegionScope = []string{propRareRegion}
	}
	for _, it := range in.Items {
		if r.IntN(4) == 0 {
			in.UnmaskedItems = append(in.UnmaskedItems, it)
		}
	}
	return in
}

// randomQuery draws a query of granted items: fields, equality on any of
// them (sealed ones through the blind index) with values of the rows or
// none, ranges and a sort where the grant lets them be used. One query in
// three then goes wrong in one way: an item outside the grant asked for,
// filtered or sorted on, or a range or sort on a sealed or masked item.
func randomQuery(r *rand.Rand, m *propModel) propQuery {
	g, pe := m.grant, m.pe
	q := propQuery{eq: map[string]string{}, gte: map[string]string{}, lte: map[string]string{}}
	if r.IntN(3) > 0 {
		for range 1 + r.IntN(3) {
			if f := *pick(r, g.Items); !slices.Contains(q.fields, f) {
				q.fields = append(q.fields, f)
			}
		}
	}
	// Equality values come from one row, mostly one the grant covers, so
	// that several filters can match together.
	anchor := pe.rows[r.IntN(len(pe.rows))]
	if covered := slices.DeleteFunc(slices.Clone(pe.rows), func(row propRow) bool { return !m.covers(row) }); len(covered) > 0 && r.IntN(5) > 0 {
		anchor = covered[r.IntN(len(covered))]
	}
	eq := func(it string) {
		switch v := anchor[it]; {
		case v != nil && r.IntN(6) > 0:
			q.eq[it] = *v
		default:
			q.eq[it] = "不存在的值"
		}
	}
	for range r.IntN(3) {
		eq(*pick(r, g.Items))
	}
	rangeOn := func(it string) {
		var v string
		switch it {
		case itSum:
			v = *pick(r, []string{"-5", "0", "8", "50", "99.5", "100", "250.25", "1000", "1e3"})
		case itBorn:
			v = fmt.Sprintf("%04d-%02d-%02d", 1950+r.IntN(2), 1+r.IntN(12), 1+r.IntN(28))
		case itNote:
			v = fmt.Sprintf("N%04d", r.IntN(propRows))
		case itRegion:
			v = *pick(r, propRegions)
		default:
			v = "1"
		}
		if r.IntN(2) == 0 {
			q.gte[it] = v
		} else {
			q.lte[it] = v
		}
	}
	var orderable, unorderable []string
	for _, it := range propItems {
		if m.orderable(it) {
			orderable = append(orderable, it)
		} else {
			unorderable = append(unorderable, it)
		}
	}
	granted := func(items []string) []string {
		return slices.DeleteFunc(slices.Clone(items), func(it string) bool { return !slices.Contains(g.Items, it) })
	}
	if ok := granted(orderable); len(ok) > 0 {
		for range r.IntN(3) {
			rangeOn(*pick(r, ok))
		}
		if r.IntN(2) == 0 {
			q.sort, q.desc = *pick(r, ok), r.IntN(2) == 0
		}
	}
	if r.IntN(3) > 0 {
		return q
	}
	outside := []string{"籍贯"}
	for _, it := range propItems {
		if !slices.Contains(g.Items, it) {
			outside = append(outside, it)
		}
	}
	switch r.IntN(5) {
	case 0:
		q.fields = append(q.fields, *pick(r, outside))
	case 1:
		eq(*pick(r, outside))
	case 2:
		q.sort = *pick(r, outside)
	case 3:
		if len(unorderable) > 0 {
			rangeOn(*pick(r, unorderable))
		}
	case 4:
		if len(unorderable) > 0 {
			q.sort = *pick(r, unorderable)
		}
	}
	return q
}

// SHR-4, SHR-5, SHR-6: random grants and queries against the model.
func TestDataServiceProperty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		seed := propSeed(t)
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		f := &propFixture{grantFixture: newGrantFixture(t, e), hashes: map[string]string{}, unhashes: map[string]string{}}
		ds := sqlstore.NewDatasetService(f.base)
		f.masks = sqlstore.NewMaskService(f.db)
		f.data = sqlstore.NewDataService(f.base, f.masks, sqlstore.NewSourceService(f.base, ds, nil))
		// The model checks which calls are verifications, not the
		// allowance they spend (TestDataServiceVerifyAllowanceShared).
		f.data.VerifyRate = rate.Inf
		f.audit = sqlstore.NewAuditService(f.db)
		f.secadmin = f.as(govdata.RoleSecadmin, 0)
		f.cred = must(sqlstore.NewCredentialService(f.db).CreateCredential(f.consumer, govdata.CredentialInput{Name: "社保待遇认证系统"}))(t)
		var entries []*propEntryUnderTest
		for i, sealed := range []bool{false, true} {
			in := propEntry(fmt.Sprintf("城乡居民补贴发放信息%d", i+1), sealed)
			pe := &propEntryUnderTest{entry: f.publish(t, f.provider, f.cityBureau, in), items: in.Items, rows: propSourceRows(r, propRows)}
			b := must(ds.Ingest(f.provider, govdata.IngestRequest{EntryID: pe.entry.ID, Mode: govdata.IngestReplace, Source: govdata.SourceUpload,
				Format: govdata.FormatCSV, Body: strings.NewReader(propCSV(pe.rows))}))(t)
			if b.State != govdata.BatchApplied || b.Report.RowsApplied != propRows {
				t.Fatalf("seed %d: batch %+v", seed, b)
			}
			entries = append(entries, pe)
		}
		var queries, refusals, answered, nonEmpty, calls, verifying int
		for n := range 2 * propGrants {
			pe := entries[n%2]
			// The secadmin's policy: the defaults, or some levels and an
			// item of their own.
			policy := govdata.MaskPolicy{Levels: map[int]govdata.Mask{}, Items: map[string]govdata.Mask{}}
			if r.IntN(2) == 0 {
				for level := 1; level <= 4; level++ {
					if r.IntN(3) == 0 {
						policy.Levels[level] = randomMask(r)
					}
				}
				if r.IntN(3) == 0 {
					policy.Items[govdata.ItemKey(pe.entry.ID, *pick(r, propItems))] = randomMask(r)
				}
			}
			must(f.masks.SetMaskPolicy(f.secadmin, policy))(t)
			in := randomGrantInput(r, pe)
			if n == 1 {
				// At least once, a sealed region's scope so sparse that a
				// page reads on past the first chunk of rows.
				in.RegionScope = []string{propRareRegion}
			}
			g := f.grant(t, in)
			must(f.grants.BindCredential(f.consumer, g.ID, govdata.GrantCredentialInput{CredentialID: f.cred.ID}))(t)
			m := &propModel{pe: pe, grant: g, policy: policy}
			var want govdata.Usage
			grantCalls, grantVerifications := 0, 0
			for range propQueries {
				q := randomQuery(r, m)
				queries++
				o := f.check(t, seed, m, q, r)
				grantCalls += o.calls
				grantVerifications += o.verifications
				switch o.refused {
				case govdata.EFORBIDDEN: // outside the grant: counted
					want.Refused++
					refusals++
				case govdata.EINVALID:
					refusals++
				default:
					want.Calls += int64(o.calls)
					want.Rows += int64(o.rows)
					answered++
					if o.rows > 0 {
						nonEmpty++
					}
				}
			}
			// SHR-6: the provider's view of the use counts every answered
			// call and row and every call outside the grant.
			got := must(f.grants.FindGrantByID(f.provider, g.ID))(t).Usage
			if got.Calls != want.Calls || got.Rows != want.Rows || got.Refused != want.Refused {
				t.Errorf("seed %d: grant %d usage %+v, want calls %d rows %d refused %d", seed, g.ID, got, want.Calls, want.Rows, want.Refused)
			}
			// SHR-4: one audit record for each call, answered or refused.
			var recs, ok, verifications int
			for p := (govdata.AuditFilter{Action: "service.records", ObjectType: "grant", ObjectID: strconv.FormatInt(g.ID, 10), Page: govdata.Page{Limit: govdata.MaxLimit}}); ; {
				l := must(f.audit.FindAudit(storetest.System(), p))(t)
				for _, rec := range l.Items {
					recs++
					if rec.Result == govdata.AuditOK {
						ok++
					}
					if strings.Contains(rec.Detail, `"verification":`) {
						verifications++
					}
				}
				if p.Cursor = l.NextCursor; p.Cursor == "" {
					break
				}
			}
			if recs != grantCalls || int64(ok) != want.Calls {
				t.Errorf("seed %d: grant %d: %d audit records (%d ok), want %d (%d ok)", seed, g.ID, recs, ok, grantCalls, want.Calls)
			}
			// SHR-4, SHR-5: a call testing a masked item for equality is
			// a verification, and no other.
			if verifications != grantVerifications {
				t.Errorf("seed %d: grant %d: %d verifications recorded, want %d", seed, g.ID, verifications, grantVerifications)
			}
			calls += grantCalls
			verifying += grantVerifications
			if t.Failed() {
				t.FailNow()
			}
		}
		t.Logf("seed %d: %d grants, %d queries: %d answered (%d with rows), %d refused; %d calls, %d verifications", seed, 2*propGrants, queries, answered, nonEmpty, refusals, calls, verifying)
		if answered < queries/3 || nonEmpty < answered/3 || refusals < queries/10 {
			t.Errorf("seed %d: the generator drew %d answered (%d with rows) and %d refused queries of %d: too few of one kind to prove much",
				seed, answered, nonEmpty, refusals, queries)
		}
	})
}

// outcome is what one query got: its refusal, or its calls (pages) and rows.
type outcome struct {
	refused     govdata.ErrorCode
	calls, rows int
	// verifications: the calls that tested a masked item for equality.
	verifications int
}

// check runs one query over all its pages against the model.
func (f *propFixture) check(t *testing.T, seed uint64, m *propModel, q propQuery, r *rand.Rand) outcome {
	t.Helper()
	code, wantRows, fields := m.answer(q)
	limit := 1 + r.IntN(8)
	if n := len(wantRows); n > limit*propMaxPages {
		limit = (n+propMaxPages-1)/propMaxPages + r.IntN(3)
	}
	v := q.values(m.grant.ID, limit)
	asked := readable(v)
	where := func() string {
		return fmt.Sprintf("seed %d: grant %d (entry %d, items %v, scope %v, unmasked %v, policy %+v): query %s",
			seed, m.grant.ID, m.pe.entry.ID, m.grant.Items, m.grant.RegionScope, m.grant.UnmaskedItems, m.policy, asked)
	}
	if code != "" {
		_, err := f.data.Records(f.system(), m.pe.entry.ResourceCode, serviceQuery(t, v))
		if got := govdata.ErrorCodeOf(err); got != code {
			t.Fatalf("%s: %v (%s), want %s", where(), err, got, code)
		}
		return outcome{refused: code, calls: 1}
	}
	var got []govdata.Record
	calls := 0
	for {
		page, err := f.data.Records(f.system(), m.pe.entry.ResourceCode, serviceQuery(t, v))
		if err != nil {
			t.Fatalf("%s, page %d: %v", where(), calls+1, err)
		}
		calls++
		if len(page.Items) > limit || (page.NextCursor != "" && len(page.Items) != limit) || page.GrantID != m.grant.ID {
			t.Fatalf("%s, page %d: %d rows, next %q, grant %d", where(), calls, len(page.Items), page.NextCursor, page.GrantID)
		}
		got = append(got, page.Items...)
		if page.NextCursor == "" {
			break
		}
		if calls > len(wantRows)/limit+1 {
			t.Fatalf("%s: %d pages for %d rows", where(), calls, len(wantRows))
		}
		v.Set("cursor", page.NextCursor)
	}
	if want := max(1, (len(wantRows)+limit-1)/limit); calls != want {
		t.Errorf("%s: %d pages for %d rows of %d, want %d", where(), calls, len(wantRows), limit, want)
	}
	f.compare(t, where, m, fields, wantRows, got)
	o := outcome{calls: calls, rows: len(got)}
	if m.verifies(q) {
		o.verifications = calls
	}
	return o
}

// readable renders a query as it reads, unescaped.
func readable(v url.Values) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(v)) {
		parts = append(parts, k+"="+v.Get(k))
	}
	return strings.Join(parts, "&")
}

// compare checks every row and value received against the source: the
// same rows in the same order, exactly the asked items, each masked as it
// must be. It names the first difference.
func (f *propFixture) compare(t *testing.T, where func() string, m *propModel, fields []string, wantRows []int, got []govdata.Record) {
	t.Helper()
	show := func(v *string) string {
		if v == nil {
			return "null"
		}
		return strconv.Quote(*v)
	}
	for i, rec := range got {
		if i >= len(wantRows) {
			t.Fatalf("%s: %d rows, want %d; the first extra: %v", where(), len(got), len(wantRows), rec)
		}
		src := m.pe.rows[wantRows[i]]
		if len(rec) != len(fields) {
			t.Fatalf("%s: row %d (source %d) has items %v, want %v", where(), i, wantRows[i], slices.Sorted(maps.Keys(rec)), fields)
		}
		for _, it := range fields {
			g, ok := rec[it]
			if !ok {
				t.Fatalf("%s: row %d (source %d) lacks %s", where(), i, wantRows[i], it)
			}
			mask := m.mask(it)
			raw := src[it]
			if mask.Kind == govdata.MaskHash && raw != nil {
				// The key is the store's: equal values hash equal, others not.
				if g == nil || !hexHash.MatchString(*g) || *g == *raw {
					t.Fatalf("%s: row %d (source %d) %s = %s, want a hash of %s", where(), i, wantRows[i], it, show(g), show(raw))
				}
				if h, ok := f.hashes[*raw]; ok && h != *g {
					t.Fatalf("%s: %s hashes to %s and %s", where(), *raw, h, *g)
				}
				if v, ok := f.unhashes[*g]; ok && v != *raw {
					t.Fatalf("%s: %s and %s hash alike", where(), *raw, v)
				}
				f.hashes[*raw], f.unhashes[*g] = *g, *raw
				continue
			}
			if want := (govdata.Masker{}).Apply(raw, mask); show(g) != show(want) {
				what := "wrong value"
				if raw != nil && g != nil && *g == *raw && mask.Kind != govdata.MaskNone {
					what = "UNMASKED value"
				}
				t.Fatalf("%s: row %d (source %d) %s = %s, want %s (%s of %s masked %+v)", where(), i, wantRows[i], it, show(g), show(want), what, show(raw), mask)
			}
		}
	}
	if len(got) != len(wantRows) {
		t.Fatalf("%s: %d rows, want %d (source rows %v)", where(), len(got), len(wantRows), wantRows)
	}
}
