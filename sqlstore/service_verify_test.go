package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
	"golang.org/x/time/rate"
)

// verifyFixture is the service fixture with two secadmins to be told, and
// the policy masking every item but the region: 公民身份号码 keeps its
// first and last character (sealed, found by its blind index), 姓名 is
// hashed (sealed), 出生日期 cut to its year, 补贴金额 null, 备注 redacted.
type verifyFixture struct {
	*serviceFixture
	secadmins []*govdata.User
}

func newVerifyFixture(t *testing.T, e storetest.Engine) *verifyFixture {
	t.Helper()
	f := &verifyFixture{serviceFixture: newServiceFixture(t, e, 8)}
	for _, name := range []string{"sec1", "sec2"} {
		f.secadmins = append(f.secadmins, must(sqlstore.NewUserService(f.db).CreateUserWithPassword(storetest.System(), govdata.UserInput{
			Username: name, Password: "Secadmin-pass-1234", Name: name, Roles: []govdata.Role{govdata.RoleSecadmin}}, false))(t))
	}
	key := func(item string) string { return govdata.ItemKey(f.entry.ID, item) }
	must(f.masks.SetMaskPolicy(f.as(govdata.RoleSecadmin, 0), govdata.MaskPolicy{
		Levels: map[int]govdata.Mask{4: {Kind: govdata.MaskKeep, First: 1, Last: 1}, 3: {Kind: govdata.MaskHash}},
		Items: map[string]govdata.Mask{key("出生日期"): {Kind: govdata.MaskYear}, key("补贴金额"): {Kind: govdata.MaskNull},
			key("备注"): {Kind: govdata.MaskRedact}},
	}))(t)
	return f
}

// bindNew binds a new credential of the consumer to the grants and makes
// it the fixture's caller.
func (f *verifyFixture) bindNew(t *testing.T, grants ...*govdata.Grant) {
	t.Helper()
	f.cred = must(sqlstore.NewCredentialService(f.db).CreateCredential(f.consumer, govdata.CredentialInput{Name: "系统" + strconv.Itoa(int(f.nonces.Add(1)))}))(t)
	for _, g := range grants {
		must(f.grants.BindCredential(f.consumer, g.ID, govdata.GrantCredentialInput{CredentialID: f.cred.ID}))(t)
	}
}

// securityNotices are a secadmin's security notices.
func (f *verifyFixture) securityNotices(t *testing.T, u *govdata.User) []*govdata.Notification {
	t.Helper()
	l := must(sqlstore.NewNotificationService(f.db).FindNotifications(storetest.As(govdata.Actor{UserID: u.ID, Username: u.Username, Roles: u.Roles}),
		govdata.NotificationFilter{Page: govdata.Page{Limit: 100}}))(t)
	var out []*govdata.Notification
	for _, n := range l.Items {
		if n.Kind == govdata.NoticeSecurity {
			out = append(out, n)
		}
	}
	return out
}

// missRecords are the audit records of notices of misses.
func (f *verifyFixture) missRecords(t *testing.T) []*govdata.AuditRecord {
	t.Helper()
	return must(f.audit.FindAudit(storetest.System(), govdata.AuditFilter{Action: "service.verify_misses", Page: govdata.Page{Limit: 100}}))(t).Items
}

func tooMany(err error) bool {
	var de *govdata.Error
	return errors.As(err, &de) && de.Code == govdata.ETOOMANY && de.Details["retry_after"].(int) >= 1
}

// SHR-4, SHR-5: the attack of issue 11. 身份证号 is masked to its first
// and last character next to 出生日期 and the region; the number's other
// digits follow from them but for the sequence, so a loop of
// records?公民身份号码=<candidate> would find it. Each candidate is a
// verification: the loop stops at the credential's allowance, and the
// secadmins are told once.
func TestDataServiceMaskedEnumeration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newVerifyFixture(t, e)
		// 出生日期 and the region as the consumer sees them.
		must(f.masks.SetMaskPolicy(f.as(govdata.RoleSecadmin, 0), govdata.MaskPolicy{Levels: map[int]govdata.Mask{4: {Kind: govdata.MaskKeep, First: 1, Last: 1}}}))(t)
		g := f.grantFor(t, f.application(govdata.MethodAPI, nil, "公民身份号码", "出生日期", "行政区划代码"))
		f.data.VerifyRate, f.data.VerifyBurst = 0.001, sqlstore.DefaultVerifyBurst
		f.bindNew(t, g)
		shown := must(f.records(t, "limit=1"))(t).Items[0]
		target := f.rows[0].id
		if id := str(shown, "公民身份号码"); id != target[:1]+strings.Repeat("*", 16)+target[17:] || str(shown, "出生日期") != f.rows[0].born {
			t.Fatalf("shown %v", shown)
		}
		// The candidates: the region and birth date shown, every sequence
		// but the real one (which sorts last), its check digit.
		var candidates []string
		for seq := 2; len(candidates) < 90; seq++ {
			candidates = append(candidates, withCheck(target[:14]+fmt.Sprintf("%03d", seq)))
		}
		candidates = append(candidates, target)
		answered, refused, found := 0, 0, false
		for _, c := range candidates {
			r, err := f.records(t, "公民身份号码="+url.QueryEscape(c))
			switch {
			case err == nil:
				answered++
				found = found || len(r.Items) > 0
			case tooMany(err):
				refused++
			default:
				t.Fatalf("candidate %s: %v", c, err)
			}
		}
		// The first call (no filter) spent nothing; the burst, 50 candidates.
		if answered != sqlstore.DefaultVerifyBurst || refused != len(candidates)-answered || found {
			t.Errorf("answered %d, refused %d, found %v; want %d answered, the number not found", answered, refused, found, sqlstore.DefaultVerifyBurst)
		}
		for _, u := range f.secadmins {
			if n := f.securityNotices(t, u); len(n) != 1 || !strings.Contains(n[0].Title.EN, "credential "+strconv.FormatInt(f.cred.ID, 10)) {
				t.Errorf("%s's notices: %+v", u.Username, n)
			}
		}
		if recs := f.missRecords(t); len(recs) != 1 || recs[0].CredentialID != f.cred.ID || !strings.Contains(recs[0].Detail, `"run":20`) {
			t.Errorf("audit of the notice: %+v", recs)
		}
		// Each refusal is on the record, as a verification refused.
		recs := must(f.audit.FindAudit(storetest.System(), govdata.AuditFilter{Action: "service.records", Result: govdata.AuditRefused, Page: govdata.Page{Limit: 100}}))(t)
		if len(recs.Items) != refused || !strings.Contains(recs.Items[0].Detail, string(govdata.ETOOMANY)) {
			t.Errorf("%d refusals recorded, want %d: %+v", len(recs.Items), refused, recs.Items[0])
		}
	})
}

// exportAll writes an export's file away (which ends its read snapshot).
func exportAll(out *govdata.ServiceExport, err error) error {
	if err != nil {
		return err
	}
	return out.WriteTo(io.Discard)
}

// withCheck appends the check digit of a 17-digit ID number (GB 11643).
func withCheck(id string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for j, w := range weights {
		sum += int(id[j]-'0') * w
	}
	return id + string("10X98765432"[sum%11])
}

// SHR-4, SHR-5: which calls are verifications — an equality test on an
// item masked for the grant, whatever the mask, sealed or not, one or
// several, with unmasked ones or not; every verify call — and which are
// not. Each case gets a credential allowed one verification: a second
// call is refused if and only if the first was one.
func TestDataServiceVerificationClass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newVerifyFixture(t, e)
		items := []string{"公民身份号码", "姓名", "行政区划代码", "出生日期", "补贴金额", "备注"}
		masked := f.grantFor(t, f.application(govdata.MethodAPI, nil, items...))
		in := f.application(govdata.MethodAPI, nil, items...)
		in.UnmaskedItems = []string{"姓名", "出生日期"}
		lifted := f.grant(t, in)
		file := f.application(govdata.MethodFile, nil, items...)
		file.ExportSensitive = true
		export := f.grant(t, file)
		changes := f.grant(t, f.application(govdata.MethodSubscription, nil, items...))
		r := f.rows[0]
		in1 := func(g *govdata.Grant) string { return "grant_id=" + strconv.FormatInt(g.ID, 10) }
		type call func(ctx context.Context) error
		records := func(query string) call {
			return func(ctx context.Context) error {
				v := must(url.ParseQuery(query))(t)
				_, err := f.data.Records(ctx, f.entry.ResourceCode, serviceQuery(t, v))
				return err
			}
		}
		verify := func(match map[string]string) call {
			return func(ctx context.Context) error {
				_, err := f.data.Verify(ctx, f.entry.ResourceCode, govdata.VerifyInput{GrantID: masked.ID, Match: match})
				return err
			}
		}
		// One verification each; the department's bound, shared by the
		// cases' credentials, is TestDataServiceVerifyDepartment's.
		f.data.VerifyRate, f.data.VerifyBurst, f.data.DepartmentShare = 0.001, 1, 0
		for _, c := range []struct {
			name     string
			call     call
			verifies bool
		}{
			{"keep, sealed", records(in1(masked) + "&公民身份号码=" + r.id), true},
			{"keep, sealed, a miss", records(in1(masked) + "&公民身份号码=" + withCheck(r.id[:14]+"999")), true},
			{"hash, sealed", records(in1(masked) + "&姓名=" + url.QueryEscape(r.name)), true},
			{"year", records(in1(masked) + "&出生日期=" + r.born), true},
			{"null", records(in1(masked) + "&补贴金额=" + r.sum), true},
			{"redact", records(in1(masked) + "&备注=" + url.QueryEscape(r.note)), true},
			{"several masked", records(in1(masked) + "&公民身份号码=" + r.id + "&姓名=" + url.QueryEscape(r.name) + "&备注=x"), true},
			{"masked and unmasked", records(in1(masked) + "&行政区划代码=" + r.region + "&公民身份号码=" + r.id), true},
			{"masked, asked for no masked item", records(in1(masked) + "&fields=行政区划代码&出生日期=" + r.born), true},
			{"masked, another page", records(in1(masked) + "&limit=1&cursor=" + url.QueryEscape(must(f.records(t, in1(masked)+"&limit=1"))(t).NextCursor) + "&备注=x"), true},
			{"lifted by the grant, and masked", records(in1(lifted) + "&姓名=" + url.QueryEscape(r.name) + "&公民身份号码=" + r.id), true},
			{"export, masked", func(ctx context.Context) error {
				return exportAll(f.data.Export(ctx, f.entry.ResourceCode, serviceQuery(t, url.Values{"fields": {"行政区划代码"}, "公民身份号码": {r.id}})))
			}, true},
			{"verify, masked", verify(map[string]string{"公民身份号码": r.id}), true},
			{"verify, unmasked", verify(map[string]string{"行政区划代码": r.region}), true},
			{"unmasked", records(in1(masked) + "&行政区划代码=" + r.region), false},
			{"no filter", records(in1(masked)), false},
			{"lifted by the grant", records(in1(lifted) + "&姓名=" + url.QueryEscape(r.name) + "&出生日期=" + r.born), false},
			{"export, unmasked", func(ctx context.Context) error {
				return exportAll(f.data.Export(ctx, f.entry.ResourceCode, serviceQuery(t, url.Values{"行政区划代码": {r.region}})))
			}, false},
		} {
			f.bindNew(t, masked, lifted, export, changes)
			if err := c.call(f.system()); err != nil {
				t.Errorf("%s: first call: %v", c.name, err)
				continue
			}
			err := c.call(f.system())
			if got := tooMany(err); got != c.verifies || (!got && err != nil) {
				t.Errorf("%s: second call: %v; a verification: %v", c.name, err, c.verifies)
			}
		}
		// changes takes no filters at all: no answer to an equality test.
		f.bindNew(t, changes)
		if _, err := f.data.Changes(f.system(), f.entry.ResourceCode, serviceQuery(t, url.Values{"公民身份号码": {r.id}})); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("changes with a filter: %v", err)
		}
	})
}

// SHR-4: verify calls and masked equality filters spend one allowance;
// equality on unmasked items spends none of it.
func TestDataServiceVerifyAllowanceShared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newVerifyFixture(t, e)
		g := f.grantFor(t, f.application(govdata.MethodAPI, nil, "公民身份号码", "姓名", "行政区划代码"))
		f.data.VerifyRate, f.data.VerifyBurst = 0.001, 3
		f.bindNew(t, g)
		r := f.rows[0]
		masked := "公民身份号码=" + r.id
		must(f.data.Verify(f.system(), f.entry.ResourceCode, govdata.VerifyInput{Match: map[string]string{"姓名": r.name}}))(t)
		must(f.records(t, masked))(t)
		must(f.data.Verify(f.system(), f.entry.ResourceCode, govdata.VerifyInput{Match: map[string]string{"姓名": r.name}}))(t)
		if _, err := f.records(t, masked); !tooMany(err) {
			t.Errorf("masked equality past the allowance: %v", err)
		}
		if _, err := f.data.Verify(f.system(), f.entry.ResourceCode, govdata.VerifyInput{Match: map[string]string{"姓名": r.name}}); !tooMany(err) {
			t.Errorf("verify past the allowance: %v", err)
		}
		// Unmasked equality and plain reading go on.
		for range 5 {
			if p := must(f.records(t, "行政区划代码="+r.region))(t); len(p.Items) == 0 {
				t.Fatal("unmasked equality: no rows")
			}
		}
		if len(f.securityNotices(t, f.secadmins[0])) != 0 {
			t.Error("hits notified the secadmins")
		}
	})
}

// SHR-4: a run of misses — verify calls and masked equality alike — tells
// the secadmins: DefaultMissRun in a row however slow, or within the
// window whatever hits lie between; at most once an hour.
func TestDataServiceVerifyMisses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newVerifyFixture(t, e)
		g := f.grantFor(t, f.application(govdata.MethodAPI, nil, "公民身份号码", "姓名", "行政区划代码"))
		f.data.VerifyRate = rate.Inf
		f.bindNew(t, g)
		r := f.rows[0]
		n := 0
		miss := func() {
			t.Helper()
			n++
			if n%2 == 0 {
				if res := must(f.data.Verify(f.system(), f.entry.ResourceCode, govdata.VerifyInput{Match: map[string]string{"姓名": "无此人"}}))(t); res.Matched {
					t.Fatal("a miss matched")
				}
				return
			}
			if p := must(f.records(t, "公民身份号码="+withCheck(r.id[:14]+"999")))(t); len(p.Items) != 0 {
				t.Fatal("a miss matched")
			}
		}
		hit := func() {
			t.Helper()
			if p := must(f.records(t, "公民身份号码="+r.id))(t); len(p.Items) != 1 {
				t.Fatal("a hit missed")
			}
		}
		notices := func() int { return len(f.securityNotices(t, f.secadmins[1])) }
		// In a row, slowly: one a minute, the window never holds them all.
		for range sqlstore.DefaultMissRun - 1 {
			miss()
			f.clock.Advance(time.Minute)
		}
		hit() // a hit ends the run
		for range sqlstore.DefaultMissRun - 1 {
			miss()
			f.clock.Advance(time.Minute)
		}
		if notices() != 0 {
			t.Fatalf("%d misses, a hit between: notified", 2*(sqlstore.DefaultMissRun-1))
		}
		miss()
		if notices() != 1 || len(f.missRecords(t)) != 1 {
			t.Fatalf("%d misses in a row: %d notices, %d records", sqlstore.DefaultMissRun, notices(), len(f.missRecords(t)))
		}
		// More within the hour: no more notices.
		for range 30 {
			miss()
			f.clock.Advance(time.Minute)
		}
		if notices() != 1 {
			t.Fatalf("within the hour: %d notices", notices())
		}
		// An hour on, within the window, hits between: told again.
		f.clock.Advance(time.Hour)
		for i := range sqlstore.DefaultMissRun {
			if i%5 == 0 {
				hit()
			}
			miss()
		}
		if notices() != 2 || len(f.missRecords(t)) != 2 {
			t.Fatalf("%d misses within the window: %d notices", sqlstore.DefaultMissRun, notices())
		}
		// Unmasked equality that matches nothing is no miss.
		f.bindNew(t, g)
		for range 2 * sqlstore.DefaultMissRun {
			if p := must(f.records(t, "行政区划代码=999999"))(t); len(p.Items) != 0 {
				t.Fatal("matched")
			}
		}
		if notices() != 2 {
			t.Fatalf("unmasked misses notified: %d", notices())
		}
	})
}

// SHR-4, PRODUCT.md §5: misses answered together share a commit batch, which
// writes each credential's count once: the run is the sum of the misses
// however they were grouped, and the secadmins are told once.
func TestDataServiceVerifyMissesTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newVerifyFixture(t, e)
		f.grantFor(t, f.application(govdata.MethodAPI, nil, "公民身份号码", "姓名", "行政区划代码"))
		f.data.VerifyRate = rate.Inf
		misses := 2 * sqlstore.DefaultMissRun
		var wg sync.WaitGroup
		for range misses {
			wg.Go(func() {
				if p, err := f.records(t, "公民身份号码="+withCheck(f.rows[0].id[:14]+"999")); err != nil || len(p.Items) != 0 {
					t.Errorf("a miss: %v", err)
				}
			})
		}
		wg.Wait()
		rows := must(storetest.SQL(t, f.db).Query(context.Background(), "SELECT run, window_misses FROM verify_misses WHERE credential_id = ?", f.cred.ID))(t)
		defer rows.Close()
		var run, inWindow int
		if !rows.Next() {
			t.Fatal("no count of misses")
		}
		if err := rows.Scan(&run, &inWindow); err != nil {
			t.Fatal(err)
		}
		if run != misses || inWindow != misses {
			t.Errorf("%d misses at once counted run %d, window %d", misses, run, inWindow)
		}
		if n := len(f.securityNotices(t, f.secadmins[1])); n != 1 || len(f.missRecords(t)) != 1 {
			t.Errorf("%d misses at once: %d notices, %d records; want one of each", misses, n, len(f.missRecords(t)))
		}
	})
}

// SHR-4: a department issues as many credentials as it likes, so an
// allowance and a miss count of each credential alone would be undone by
// sharing the walk: five credentials of one department made five times the
// verifications, and 5 × 19 misses notified nobody. The department's
// credentials together get DefaultDepartmentShare (4) allowances, and their
// misses are counted together against the threshold.
func TestDataServiceVerifyDepartment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newVerifyFixture(t, e)
		g := f.grantFor(t, f.application(govdata.MethodAPI, nil, "公民身份号码", "姓名", "行政区划代码"))
		r := f.rows[0]
		var creds []*govdata.IssuedCredential
		for range 5 {
			f.bindNew(t, g)
			creds = append(creds, f.cred)
		}
		// The allowance: 3 each, 12 for the department.
		f.data.VerifyRate, f.data.VerifyBurst = 0.001, 3
		refused := 0
		for _, c := range creds {
			f.cred = c
			for range 3 {
				if _, err := f.records(t, "公民身份号码="+r.id); tooMany(err) {
					refused++
				} else if err != nil {
					t.Fatal(err)
				}
			}
		}
		if refused != 3 {
			t.Errorf("5 credentials × 3 masked lookups: %d refused, want the 3 past the department's 12", refused)
		}
		// Unmasked equality is no verification: it goes on.
		f.cred = creds[0]
		if _, err := f.records(t, "行政区划代码="+r.region); err != nil {
			t.Errorf("unmasked equality past the department's allowance: %v", err)
		}

		// The misses: each credential stays below the threshold (a fixture
		// of its own: limiters keep the rate they were made with).
		f = newVerifyFixture(t, e)
		g = f.grantFor(t, f.application(govdata.MethodAPI, nil, "公民身份号码", "姓名", "行政区划代码"))
		f.data.VerifyRate = rate.Inf
		r, creds = f.rows[0], nil
		for range 5 {
			f.bindNew(t, g)
			creds = append(creds, f.cred)
		}
		for _, c := range creds {
			f.cred = c
			for range sqlstore.DefaultMissRun - 1 {
				if p := must(f.records(t, "公民身份号码="+withCheck(r.id[:14]+"999")))(t); len(p.Items) != 0 {
					t.Fatal("a miss matched")
				}
			}
		}
		if n := len(f.securityNotices(t, f.secadmins[0])); n != 1 {
			t.Fatalf("5 credentials × %d misses: %d notices, want 1", sqlstore.DefaultMissRun-1, n)
		}
		recs := f.missRecords(t)
		if len(recs) != 1 || !strings.Contains(recs[0].Detail, `"credentials":2`) {
			t.Fatalf("records of the misses: %+v, want one naming the department's 2 credentials that missed by then", recs)
		}
	})
}
