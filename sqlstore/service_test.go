package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govdata/govdata"
	govhttp "github.com/govdata/govdata/http"
	"github.com/govdata/govdata/source"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// serviceEntry has a sealed key, a sealed name, the region, a date and a
// sum of money.
func serviceEntry() govdata.EntryInput {
	in := entryInput("城乡居民补贴发放信息")
	in.Items = append(in.Items,
		govdata.Item{Name: "出生日期", Type: govdata.ItemDate, Sensitivity: 2},
		govdata.Item{Name: "补贴金额", Type: govdata.ItemMoney, Length: 12, Sensitivity: 1},
		govdata.Item{Name: "备注", Type: govdata.ItemChar, Length: 50, Sensitivity: 1})
	return in
}

// sourceRow is a row as loaded.
type sourceRow struct{ id, name, region, born, sum, note string }

func (r sourceRow) value(item string) *string {
	v := map[string]string{"公民身份号码": r.id, "姓名": r.name, "行政区划代码": r.region, "出生日期": r.born, "补贴金额": r.sum, "备注": r.note}[item]
	if v == "" {
		return nil
	}
	return &v
}

var serviceRegions = []string{"230102", "230102", "230103", "230103", "230104", "230102", "230111", "230102"}

// serviceRows are the rows the fixture loads: n rows across regions.
func serviceRows(n int) []sourceRow {
	ids := citizenIDs(n)
	names := []string{"张三", "李四", "王五", "赵六", "欧阳娜娜", "钱七", "孙八", "周九"}
	sums := []string{"99.5", "100", "1000", "12", "", "250.25", "7", "100"}
	out := make([]sourceRow, n)
	for i := range out {
		out[i] = sourceRow{id: ids[i], name: names[i%len(names)], region: serviceRegions[i%len(serviceRegions)],
			born: ids[i][6:10] + "-" + ids[i][10:12] + "-" + ids[i][12:14], sum: sums[i%len(sums)], note: "第" + strconv.Itoa(i) + "条"}
	}
	return out
}

func rowsCSV(rows []sourceRow) string {
	var b strings.Builder
	b.WriteString("公民身份号码,姓名,行政区划代码,出生日期,补贴金额,备注\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s\n", r.id, r.name, r.region, r.born, r.sum, r.note)
	}
	return b.String()
}

// serviceFixture: the city police's entry with rows, the city HR bureau's
// system with a credential, and the data service.
type serviceFixture struct {
	*grantFixture
	data   *sqlstore.DataService
	masks  *sqlstore.MaskService
	audit  *sqlstore.AuditService
	cred   *govdata.IssuedCredential
	rows   []sourceRow
	nonces atomic.Int64
}

func newServiceFixture(t testing.TB, e storetest.Engine, n int) *serviceFixture {
	f := &serviceFixture{grantFixture: newGrantFixture(t, e), rows: serviceRows(n)}
	f.entry = f.publish(t, f.provider, f.cityBureau, serviceEntry())
	ds := sqlstore.NewDatasetService(f.base)
	if _, err := ds.Ingest(f.provider, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace, Source: govdata.SourceUpload,
		Format: govdata.FormatCSV, Body: strings.NewReader(rowsCSV(f.rows))}); err != nil {
		t.Fatal(err)
	}
	f.masks = sqlstore.NewMaskService(f.db)
	f.data = sqlstore.NewDataService(f.base, f.masks, sqlstore.NewSourceService(f.base, ds, nil))
	f.audit = sqlstore.NewAuditService(f.db)
	f.cred = must(sqlstore.NewCredentialService(f.db).CreateCredential(f.consumer, govdata.CredentialInput{Name: "社保待遇认证系统"}))(t)
	return f
}

// grantFor approves in and binds the fixture's credential to its grant.
func (f *serviceFixture) grantFor(t testing.TB, in govdata.ApplicationInput) *govdata.Grant {
	t.Helper()
	g := f.grant(t, in)
	must(f.grants.BindCredential(f.consumer, g.ID, govdata.GrantCredentialInput{CredentialID: f.cred.ID}))(t)
	return g
}

// application asks for items of the fixture's entry by method.
func (f *serviceFixture) application(method govdata.ShareMethod, scope []string, items ...string) govdata.ApplicationInput {
	in := goodApplication(f.entry.ID)
	in.Items, in.RegionScope, in.Method = items, scope, method
	return in
}

// system is a signed call of the consumer's system, with a fresh nonce.
func (f *serviceFixture) system() context.Context {
	return storetest.As(govdata.Actor{Username: "app:" + f.cred.AppKey, CredentialID: f.cred.ID, DepartmentID: f.cityHR,
		Nonce: "n" + strconv.FormatInt(f.nonces.Add(1), 10)})
}

func (f *serviceFixture) records(t *testing.T, query string) (*govdata.ServiceRecords, error) {
	t.Helper()
	v, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	return f.data.Records(f.system(), f.entry.ResourceCode, serviceQuery(t, v))
}

// serviceQuery is the query a query string stands for, read as the HTTP
// layer reads a real call's (http.ParseServiceQuery), so that a test
// reads like the call it makes.
func serviceQuery(t testing.TB, v url.Values) govdata.ServiceQuery {
	t.Helper()
	return must(govhttp.ParseServiceQuery(v))(t)
}

// allRecords pages through a query.
func (f *serviceFixture) allRecords(t *testing.T, query string) []govdata.Record {
	t.Helper()
	var out []govdata.Record
	cursor := ""
	for range 100 {
		q := query
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		page := must(f.records(t, q))(t)
		out = append(out, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return out
		}
	}
	t.Fatal("more than 100 pages")
	return nil
}

func str(r govdata.Record, item string) string {
	if v := r[item]; v != nil {
		return *v
	}
	return "<nil>"
}

// SHR-4, SHR-5: only granted items of rows in the region scope, masked;
// filters, ranges as numbers, sort and pages; each call recorded.
func TestDataServiceRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 16)
		g := f.grantFor(t, f.application(govdata.MethodAPI, []string{"230102"}, "公民身份号码", "姓名", "行政区划代码", "补贴金额"))

		page := must(f.records(t, ""))(t)
		var inScope []sourceRow
		for _, r := range f.rows {
			if r.region == "230102" {
				inScope = append(inScope, r)
			}
		}
		if page.GrantID != g.ID || len(page.Items) != len(inScope) || page.NextCursor != "" {
			t.Fatalf("first page %+v, want %d rows", page, len(inScope))
		}
		for i, r := range page.Items {
			want := inScope[i]
			// Level 4 redacted, level 3 first and last kept, level 1 as is;
			// items not granted absent.
			if str(r, "公民身份号码") != strings.Repeat("*", 18) || str(r, "行政区划代码") != "230102" || str(r, "补贴金额") != str(govdata.Record{"v": want.value("补贴金额")}, "v") {
				t.Errorf("row %d: %v", i, r)
			}
			masked := (govdata.Masker{}).Apply(&want.name, govdata.DefaultMasks[3])
			if str(r, "姓名") != *masked {
				t.Errorf("row %d name %q from %q", i, str(r, "姓名"), want.name)
			}
			if _, ok := r["出生日期"]; ok {
				t.Errorf("row %d has an item not granted: %v", i, r)
			}
		}

		// An equality filter on the sealed key, through its blind index:
		// a row in scope is found, one outside it is not (nothing tells it exists).
		out := slices.IndexFunc(f.rows, func(r sourceRow) bool { return r.region != "230102" })
		byID := []struct {
			id   string
			want int
		}{{inScope[1].id, 1}, {f.rows[out].id, 0}, {"110101199001011234", 0}}
		for _, c := range byID {
			p := must(f.records(t, "公民身份号码="+c.id+"&fields=行政区划代码"))(t)
			if len(p.Items) != c.want || (c.want == 1 && len(p.Items[0]) != 1) {
				t.Errorf("by id %s: %+v", c.id, p.Items)
			}
		}

		// Ranges on money compare numbers (as text "99.5" > "100").
		var want []string
		for _, r := range inScope {
			if n, err := strconv.ParseFloat(r.sum, 64); err == nil && n >= 100 && n <= 1000 {
				want = append(want, r.sum)
			}
		}
		var got []string
		for _, r := range f.allRecords(t, "补贴金额__gte=100&补贴金额__lte=1000&limit=1") {
			got = append(got, str(r, "补贴金额"))
		}
		if !slices.Equal(got, want) {
			t.Errorf("ranges: %v, want %v", got, want)
		}

		// Sorted descending by money, one row a page: numbers first in
		// order, then the rows without a value.
		var sums []string
		for _, r := range f.allRecords(t, "sort=-补贴金额&limit=1&fields=补贴金额") {
			sums = append(sums, str(r, "补贴金额"))
		}
		if len(sums) != len(inScope) {
			t.Fatalf("sorted pages: %v", sums)
		}
		for i := 1; i < len(sums); i++ {
			a, aerr := strconv.ParseFloat(sums[i-1], 64)
			b, berr := strconv.ParseFloat(sums[i], 64)
			if berr == nil && (aerr != nil || a < b) {
				t.Errorf("not descending: %v", sums)
			}
		}

		// Bad queries: each a clear 4xx, recorded.
		for _, c := range []struct {
			query string
			code  govdata.ErrorCode
		}{
			{"cursor=bm90IGEgY3Vyc29y", govdata.EINVALID},
			{"sort=姓名", govdata.EINVALID},                                      // sealed
			{"sort=公民身份号码&limit=2", govdata.EINVALID},                          // sealed
			{"补贴金额__gte=很多", govdata.EINVALID},                                 // not a number
			{"fields=出生日期", govdata.EFORBIDDEN},                                // not granted
			{"出生日期=1950-01-01", govdata.EFORBIDDEN},                            // a filter on an item not granted
			{"sort=备注", govdata.EFORBIDDEN},                                    // sorted by an item not granted
			{"grant_id=999999", govdata.EFORBIDDEN},                            // another grant
			{"fields=姓名&sort=补贴金额&cursor=" + cursorOf(t, f), govdata.EINVALID}, // a cursor of another order
		} {
			if _, err := f.records(t, c.query); govdata.ErrorCodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.query, err, c.code)
			}
		}
		if _, err := f.data.Records(f.system(), "NO-SUCH-CODE", govdata.ServiceQuery{}); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("unknown resource: %v", err)
		}

		// Usage: answered calls and rows, and the refusals outside the grant.
		g = must(f.grants.FindGrantByID(f.consumer, g.ID))(t)
		if g.Usage.Refused != 3 || g.Usage.Calls == 0 || g.Usage.LastUsedAt == nil {
			t.Errorf("usage %+v", g.Usage)
		}
		// Every call is one record on the grant or the resource.
		recs := must(f.audit.FindAudit(storetest.System(), govdata.AuditFilter{Action: "service.records", Page: govdata.Page{Limit: govdata.MaxLimit}}))(t)
		refused := 0
		for _, r := range recs.Items {
			if r.CredentialID != f.cred.ID {
				t.Errorf("record without the credential %+v", r)
			}
			if r.Result != govdata.AuditOK {
				refused++
			}
		}
		if refused != 10 {
			t.Errorf("%d refusals recorded, want 10", refused)
		}
	})
}

// TestDataServiceCredentialRevokedElsewhere: a credential revoked by
// another instance (whose secret this one may still remember, PRODUCT.md §5)
// is refused at the call's write: EUNAUTHORIZED, no rows, the call
// recorded refused on its grant and not counted as used (ORG-5).
func TestDataServiceCredentialRevokedElsewhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 30)
		g := f.grantFor(t, f.application(govdata.MethodAPI, nil, "姓名", "补贴金额"))
		if _, err := f.records(t, "limit=5"); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlstore.NewCredentialService(f.db).RevokeCredential(f.consumer, f.cred.ID, "系统下线"); err != nil {
			t.Fatal(err)
		}
		got, err := f.records(t, "limit=5")
		var ge *govdata.Error
		if !errors.As(err, &ge) || ge.Code != govdata.EUNAUTHORIZED || ge.Message.Msg != govdata.MsgSignatureUnknown {
			t.Errorf("records with a revoked credential: %v, want %s", err, govdata.MsgSignatureUnknown.EN)
		}
		if got != nil {
			t.Errorf("rows answered for a revoked credential: %+v", got)
		}
		if u := must(f.grants.FindGrantByID(f.consumer, g.ID))(t).Usage; u.Calls != 1 || u.Refused != 0 {
			t.Errorf("usage %+v, want the one call before the revocation", u)
		}
		recs := must(f.audit.FindAudit(storetest.System(), govdata.AuditFilter{Action: "service.records", Page: govdata.Page{Limit: 10}}))(t)
		if len(recs.Items) != 2 || recs.Items[0].Result != govdata.AuditRefused || !strings.Contains(recs.Items[0].Detail, `"code":"unauthorized"`) ||
			recs.Items[0].ObjectID != strconv.FormatInt(g.ID, 10) {
			t.Errorf("records %+v, want the refusal on the grant newest", recs.Items)
		}
	})
}

// cursorOf is a cursor of the stored order.
func cursorOf(t *testing.T, f *serviceFixture) string {
	t.Helper()
	return must(f.records(t, "limit=1"))(t).NextCursor
}

// SHR-4: verify answers yes or no within the grant, through the blind
// index; other items are refused and counted; the rate is bounded.
func TestDataServiceVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 8)
		g := f.grantFor(t, f.application(govdata.MethodAPI, []string{"230102"}, "公民身份号码", "姓名"))
		in, out := f.rows[0], f.rows[2] // 230102 and 230103
		for _, c := range []struct {
			match map[string]string
			want  bool
		}{
			{map[string]string{"公民身份号码": in.id, "姓名": in.name}, true},
			{map[string]string{"公民身份号码": in.id, "姓名": "王二"}, false},
			{map[string]string{"公民身份号码": out.id, "姓名": out.name}, false}, // outside the scope: no
		} {
			r := must(f.data.Verify(f.system(), f.entry.ResourceCode, govdata.VerifyInput{Match: c.match}))(t)
			if r.Matched != c.want {
				t.Errorf("%v: %v", c.match, r.Matched)
			}
		}
		for _, c := range []struct {
			in   govdata.VerifyInput
			code govdata.ErrorCode
		}{
			{govdata.VerifyInput{}, govdata.EINVALID},
			{govdata.VerifyInput{Match: map[string]string{"补贴金额": "100"}}, govdata.EFORBIDDEN},
			{govdata.VerifyInput{Match: map[string]string{"公民身份号码": strings.Repeat("1", 300)}}, govdata.EINVALID},
		} {
			if _, err := f.data.Verify(f.system(), f.entry.ResourceCode, c.in); govdata.ErrorCodeOf(err) != c.code {
				t.Errorf("%+v: %v, want %s", c.in, err, c.code)
			}
		}
		// A second system of the consumer, at one call now and then.
		f.data.VerifyRate, f.data.VerifyBurst = 0.001, 1
		f.cred = must(sqlstore.NewCredentialService(f.db).CreateCredential(f.consumer, govdata.CredentialInput{Name: "第二系统"}))(t)
		must(f.grants.BindCredential(f.consumer, g.ID, govdata.GrantCredentialInput{CredentialID: f.cred.ID}))(t)
		must(f.data.Verify(f.system(), f.entry.ResourceCode, govdata.VerifyInput{Match: map[string]string{"姓名": "张三"}}))(t)
		_, err := f.data.Verify(f.system(), f.entry.ResourceCode, govdata.VerifyInput{Match: map[string]string{"姓名": "张三"}})
		var de *govdata.Error
		if !errors.As(err, &de) || de.Code != govdata.ETOOMANY || de.Details["retry_after"].(int) < 1 {
			t.Errorf("past the rate: %v", err)
		}
	})
}

// SHR-3, SHR-5: the grant's state, method and masks govern every call;
// the secadmin's policy applies at once; a replayed nonce is refused.
func TestDataServiceGrantRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 8)
		in := f.application(govdata.MethodAPI, nil, "公民身份号码", "姓名")
		in.UnmaskedItems = []string{"姓名"}
		g := f.grantFor(t, in)
		first := must(f.records(t, "limit=1"))(t).Items[0]
		if str(first, "姓名") != f.rows[0].name || str(first, "公民身份号码") != strings.Repeat("*", 18) {
			t.Errorf("unmasked name, masked id: %v", first)
		}
		// The secadmin's policy: level 4 keeps 6 and 4.
		secadmin := f.as(govdata.RoleSecadmin, 0)
		if _, err := f.masks.SetMaskPolicy(f.consumer, govdata.MaskPolicy{}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("a consumer setting masks: %v", err)
		}
		if _, err := f.masks.SetMaskPolicy(secadmin, govdata.MaskPolicy{Items: map[string]govdata.Mask{strconv.FormatInt(f.entry.ID, 10) + "/性别": {Kind: govdata.MaskNull}}}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("a mask for an item no entry has: %v", err)
		}
		must(f.masks.SetMaskPolicy(secadmin, govdata.MaskPolicy{Levels: map[int]govdata.Mask{4: {Kind: govdata.MaskKeep, First: 6, Last: 4}}}))(t)
		id := str(must(f.records(t, "limit=1"))(t).Items[0], "公民身份号码")
		if want := f.rows[0].id[:6] + "********" + f.rows[0].id[14:]; id != want {
			t.Errorf("policy mask %q, want %q", id, want)
		}
		// A replayed nonce: refused, and recorded.
		replay := storetest.As(govdata.Actor{Username: "app:x", CredentialID: f.cred.ID, DepartmentID: f.cityHR, Nonce: "same"})
		must(f.data.Records(replay, f.entry.ResourceCode, govdata.ServiceQuery{}))(t)
		if _, err := f.data.Records(replay, f.entry.ResourceCode, govdata.ServiceQuery{}); govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
			t.Errorf("replay: %v", err)
		}
		// Another method's call is outside the grant.
		if _, err := f.data.Export(f.system(), f.entry.ResourceCode, govdata.ServiceQuery{}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("export with an API grant: %v", err)
		}
		// Suspended, resumed, revoked; expired by itself.
		must(f.grants.ChangeGrant(f.provider, g.ID, govdata.GrantSuspend, "核查"))(t)
		if _, err := f.records(t, ""); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("suspended: %v", err)
		}
		must(f.grants.ChangeGrant(f.provider, g.ID, govdata.GrantResume, "核查完毕"))(t)
		must(f.records(t, ""))(t)
		g2 := f.grantFor(t, f.application(govdata.MethodAPI, nil, "补贴金额"))
		if _, err := f.records(t, ""); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("two grants, none named: %v", err)
		}
		if p := must(f.records(t, "grant_id="+strconv.FormatInt(g2.ID, 10)))(t); len(p.Items[0]) != 1 {
			t.Errorf("the second grant's items: %v", p.Items[0])
		}
		must(f.grants.ChangeGrant(f.provider, g2.ID, govdata.GrantRevoke, "业务结束"))(t)
		must(f.records(t, ""))(t)
		f.clock.Advance(400 * 24 * time.Hour)
		if _, err := f.records(t, ""); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("expired: %v", err)
		}
		// Another department's system holds no grant: nothing is told.
		other := must(sqlstore.NewCredentialService(f.db).CreateCredential(f.as(govdata.RoleOfficer, f.countyPolice), govdata.CredentialInput{Name: "x"}))(t)
		ctx := storetest.As(govdata.Actor{Username: "app:y", CredentialID: other.ID, DepartmentID: f.countyPolice, Nonce: "o1"})
		if _, err := f.data.Records(ctx, f.entry.ResourceCode, serviceQuery(t, url.Values{"公民身份号码": {f.rows[0].id}})); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("no grant: %v", err)
		}
	})
}

// SHR-4: a credential's calls after its first read their rows under a
// guard that what the first found still holds; a page that finds nothing
// is told apart from a grant that changed, a binding made or undone since
// is seen by the very next call, and a verification answered after the
// guard failed spends its allowance once.
func TestDataServiceHeldTarget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 8)
		g := f.grantFor(t, f.application(govdata.MethodAPI, nil, "姓名", "补贴金额"))
		for range 2 {
			if p := must(f.records(t, "limit=3"))(t); len(p.Items) != 3 {
				t.Fatalf("records: %d rows", len(p.Items))
			}
		}
		if p := must(f.records(t, "补贴金额__gte=1000000"))(t); len(p.Items) != 0 || p.GrantID != g.ID {
			t.Errorf("a filter matching nothing: %+v", p)
		}
		// A verification whose remembered target no longer holds (another
		// grant bound since) is answered the usual way, its allowance
		// spent once.
		f.data.VerifyRate, f.data.VerifyBurst, f.data.DepartmentShare = 0.001, 1, 0
		f.grantFor(t, f.application(govdata.MethodFile, nil, "姓名"))
		byName := "姓名=" + url.QueryEscape(f.rows[0].name)
		if p, err := f.records(t, byName); err != nil || len(p.Items) == 0 {
			t.Fatalf("a verification after the grants changed: %v", err)
		}
		if _, err := f.records(t, byName); govdata.ErrorCodeOf(err) != govdata.ETOOMANY {
			t.Errorf("a second verification past an allowance of one: %v", err)
		}
		// A grant suspended and resumed between two calls: the call after
		// each change sees it (migration 0025 counts serve_gen up).
		must(f.records(t, "limit=1"))(t)
		for _, step := range []struct {
			action govdata.GrantAction
			want   govdata.ErrorCode
		}{{govdata.GrantSuspend, govdata.EFORBIDDEN}, {govdata.GrantResume, ""}} {
			must(f.grants.ChangeGrant(f.provider, g.ID, step.action, "核查使用情况"))(t)
			if _, err := f.records(t, "limit=1&grant_id="+strconv.FormatInt(g.ID, 10)); govdata.ErrorCodeOf(err) != step.want {
				t.Errorf("the call after %s: %v, want %q", step.action, err, step.want)
			}
		}
		if err := f.grants.UnbindCredential(f.consumer, g.ID, f.cred.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.records(t, "limit=1"); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("after the credential was unbound: %v", err)
		}
		if _, err := f.records(t, "补贴金额__gte=1000000"); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("after the credential was unbound, a filter matching nothing: %v", err)
		}
	})
}

// SEC-5: exports need the file method and, for items at levels 3–4, the
// grant's permission; each file carries its trace mark, on the record.
func TestDataServiceExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 8)
		f.grantFor(t, f.application(govdata.MethodFile, []string{"230102"}, "公民身份号码", "行政区划代码"))
		if _, err := f.data.Export(f.system(), f.entry.ResourceCode, govdata.ServiceQuery{}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("a level-4 item without permission: %v", err)
		}
		x := must(f.data.Export(f.system(), f.entry.ResourceCode, govdata.ServiceQuery{Fields: []string{"行政区划代码"}}))(t)
		var buf bytes.Buffer
		if err := x.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if x.Rows != 4 || len(lines) != 6 || !strings.Contains(lines[0], x.Trace) || lines[1] != "行政区划代码" || lines[2] != "230102" {
			t.Errorf("export %d rows:\n%s", x.Rows, buf.String())
		}
		tr := must(f.data.FindExportTrace(f.as(govdata.RoleSecadmin, 0), x.Trace))(t)
		if tr.CredentialID != f.cred.ID || tr.Rows != 4 || tr.ConsumerDepartment != f.cityHR {
			t.Errorf("trace %+v", tr)
		}
		if _, err := f.data.FindExportTrace(f.consumer, x.Trace); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("the consumer reading a trace: %v", err)
		}
		in := f.application(govdata.MethodFile, nil, "公民身份号码", "姓名")
		in.ExportSensitive = true
		g := f.grantFor(t, in)
		for _, format := range []string{"json", "xlsx"} {
			x := must(f.data.Export(f.system(), f.entry.ResourceCode, govdata.ServiceQuery{Format: format, GrantID: g.ID}))(t)
			var buf bytes.Buffer
			if err := x.WriteTo(&buf); err != nil || x.Rows != 8 || buf.Len() == 0 {
				t.Errorf("%s: %v, %d rows, %d bytes", format, err, x.Rows, buf.Len())
			}
			if format == "json" && (!strings.Contains(buf.String(), x.Trace) || strings.Contains(buf.String(), f.rows[0].id)) {
				t.Errorf("json export: %s", buf.String())
			}
		}
	})
}

// SHR-4: a subscription follows removals, additions and changes in the
// grant's scope; a cursor continues where it left off.
func TestDataServiceChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 8)
		f.grantFor(t, f.application(govdata.MethodSubscription, []string{"230102"}, "公民身份号码", "姓名", "行政区划代码", "补贴金额"))
		changes := func(cursor string) *govdata.ServiceChanges {
			t.Helper()
			return must(f.data.Changes(f.system(), f.entry.ResourceCode, govdata.ServiceQuery{Fields: []string{"补贴金额", "行政区划代码"}, Page: govdata.Page{Cursor: cursor}}))(t)
		}
		first := changes("")
		if len(first.Items) != 4 || first.Items[0].Op != govdata.ChangeUpsert {
			t.Fatalf("the first page: %+v", first)
		}
		if again := changes(first.NextCursor); len(again.Items) != 0 {
			t.Fatalf("nothing new: %+v", again)
		}
		// A new file: row 0 (230102) gone, row 1's sum changed, a row added
		// in 230102, and one outside the scope changed.
		next := slices.Clone(f.rows[1:])
		next[0].sum = "555"
		next[1].sum = "1" // 230103: outside
		added := serviceRows(9)[8]
		added.region = "230102"
		next = append(next, added)
		ds := sqlstore.NewDatasetService(f.base)
		must(ds.Ingest(f.provider, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace, Source: govdata.SourceUpload,
			Format: govdata.FormatCSV, Body: strings.NewReader(rowsCSV(next))}))(t)
		got := changes(first.NextCursor)
		var ops []string
		for _, c := range got.Items {
			ops = append(ops, string(c.Op)+":"+str(c.Row, "补贴金额"))
			if str(c.Row, "行政区划代码") != "230102" {
				t.Errorf("a change outside the scope: %+v", c)
			}
		}
		// The delete first (row 0, sum 99.5), then the rows the replace
		// rewrote in scope (row 1 changed, the others as they were, the new one).
		if len(ops) < 3 || ops[0] != "delete:99.5" || !slices.Contains(ops, "upsert:555") || !slices.Contains(ops, "upsert:"+added.sum) {
			t.Errorf("changes %v", ops)
		}
		if _, err := f.data.Changes(f.system(), f.entry.ResourceCode, govdata.ServiceQuery{Sort: "补贴金额"}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("sorted changes: %v", err)
		}
		if _, err := f.data.Changes(f.system(), f.entry.ResourceCode, govdata.ServiceQuery{Page: govdata.Page{Cursor: "x"}}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

// AGG-5: an entry served live from the provider's API goes through the
// same grant, scope, masks and record.
func TestDataServiceLive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 4)
		rows := f.rows
		provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var items []string
			for _, row := range rows {
				if where := r.URL.Query().Get("where"); where != "" && where != "公民身份号码:"+row.id {
					continue
				}
				items = append(items, fmt.Sprintf(`{"公民身份号码": %q, "姓名": %q, "行政区划代码": %q, "补贴金额": %q}`, row.id, row.name, row.region, row.sum))
			}
			fmt.Fprintf(w, `{"items": [%s]}`, strings.Join(items, ","))
		}))
		defer provider.Close()
		in := serviceEntry()
		in.Name = "城乡居民补贴发放信息（接口）"
		f.entry = f.publish(t, f.provider, f.cityBureau, in)
		ds := sqlstore.NewDatasetService(f.base)
		sources := sqlstore.NewSourceService(f.base, ds, source.Connector{})
		must(sources.SetSource(f.provider, f.entry.ID, govdata.SourceInput{Kind: govdata.SourceLive, URL: provider.URL + "/api/subsidies"}))(t)
		f.data = sqlstore.NewDataService(f.base, f.masks, sources)
		f.grantFor(t, f.application(govdata.MethodAPI, []string{"230102"}, "公民身份号码", "姓名", "行政区划代码"))

		page := must(f.records(t, ""))(t)
		if len(page.Items) != 2 { // rows 0 and 1 lie in 230102
			t.Fatalf("live rows %+v", page.Items)
		}
		for _, r := range page.Items {
			if str(r, "行政区划代码") != "230102" || str(r, "公民身份号码") != strings.Repeat("*", 18) || len(r) != 3 {
				t.Errorf("a live row %v", r)
			}
		}
		if p := must(f.records(t, "公民身份号码="+rows[2].id))(t); len(p.Items) != 0 {
			t.Errorf("a row outside the scope, asked by its key: %v", p.Items)
		}
		if _, err := f.records(t, "补贴金额__gte=1"); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("an item not granted: %v", err)
		}
		if _, err := f.records(t, "sort=行政区划代码"); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("sorting a live entry: %v", err)
		}
		v := must(f.data.Verify(f.system(), f.entry.ResourceCode, govdata.VerifyInput{Match: map[string]string{"公民身份号码": rows[0].id}}))(t)
		if !v.Matched {
			t.Errorf("verify live: %+v", v)
		}
		recs := must(f.audit.FindAudit(storetest.System(), govdata.AuditFilter{Action: "service.records", Page: govdata.Page{Limit: 50}}))(t)
		if len(recs.Items) != 4 {
			t.Errorf("%d records of live calls, want 4", len(recs.Items))
		}
		// SHR-4, SHR-5: equality on a masked item, passed on to the
		// provider, is a verification as on stored rows; on the region not.
		f.data.VerifyRate, f.data.VerifyBurst = 0.001, 1
		f.cred = must(sqlstore.NewCredentialService(f.db).CreateCredential(f.consumer, govdata.CredentialInput{Name: "第二系统"}))(t)
		must(f.grants.BindCredential(f.consumer, page.GrantID, govdata.GrantCredentialInput{CredentialID: f.cred.ID}))(t)
		if p := must(f.records(t, "公民身份号码="+rows[0].id))(t); len(p.Items) != 1 {
			t.Errorf("live masked equality: %v", p.Items)
		}
		if _, err := f.records(t, "公民身份号码="+rows[1].id); govdata.ErrorCodeOf(err) != govdata.ETOOMANY {
			t.Errorf("live masked equality past the allowance: %v", err)
		}
		must(f.records(t, "行政区划代码=230102"))(t)
	})
}

// SHR-4: a region scope serves only rows whose code lies in it by the
// rule of region.go; a malformed code that shares a prefix is not served.
func TestDataServiceScopeStrict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 6)
		rows := slices.Clone(f.rows)
		for i, code := range []string{"230102", "2301O2", "23010", "230102001000", "230102001", "230199"} {
			rows[i].region = code
		}
		// A region item of free text up to 12 characters; 2301O2, 23010 and
		// a village ending 000 under a real town are no region codes.
		in := serviceEntry()
		in.Name = "补贴发放信息（自由文本区划）"
		in.Items[2].Length = 12
		f.entry = f.publish(t, f.provider, f.cityBureau, in)
		ds := sqlstore.NewDatasetService(f.base)
		b := must(ds.Ingest(f.provider, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace, Source: govdata.SourceUpload,
			Format: govdata.FormatCSV, Body: strings.NewReader(rowsCSV(rows))}))(t)
		if b.State != govdata.BatchApplied {
			t.Fatalf("batch %+v", b)
		}
		f.grantFor(t, f.application(govdata.MethodAPI, []string{"230100"}, "行政区划代码"))
		var got []string
		for _, r := range f.allRecords(t, "limit=1") {
			got = append(got, str(r, "行政区划代码"))
		}
		if want := []string{"230102", "230102001", "230199"}; !slices.Equal(got, want) {
			t.Errorf("served %v, want %v", got, want)
		}
	})
}
