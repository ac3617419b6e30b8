package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// grantedFixture is a catalog fixture with a grant of the city police's
// entry to the city's HR bureau, valid from 2026-03-02 to 2027-03-01.
type grantedFixture struct {
	*catalogFixture
	grants *sqlstore.GrantService
	usage  *sqlstore.UsageService
	grant  *govdata.Grant
	// consumer and provider are officers of the two sides.
	consumer, provider context.Context
}

func newGrantedFixture(t *testing.T, e storetest.Engine) *grantedFixture {
	t.Helper()
	f := &grantedFixture{catalogFixture: newCatalogFixture(t, e, "default")}
	f.consumer, f.provider = f.as(govdata.RoleOfficer, f.cityHR), f.as(govdata.RoleOfficer, f.cityPolice)
	f.grants, f.usage = sqlstore.NewGrantService(f.base, sqlstore.NewCredentialService(f.db)), sqlstore.NewUsageService(f.base)
	f.grant = f.newGrant(t)
	return f
}

// newGrant makes one more grant of a fresh entry through the default
// profile's conditional chain.
func (f *grantedFixture) newGrant(t *testing.T) *govdata.Grant {
	t.Helper()
	apps := sqlstore.NewApplicationService(f.base, f.flows)
	entry := f.publish(t, f.provider, f.cityBureau, entryInput("人口基础信息"))
	app := must(apps.Apply(f.consumer, goodApplication(entry.ID)))(t)
	must(apps.Decide(f.as(govdata.RoleReviewer, f.cityBureau), app.ID, govdata.ApplicationDecision{Decision: govdata.ActionForward}))(t)
	must(apps.Decide(f.provider, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
	app = must(apps.Decide(f.as(govdata.RoleLeader, f.cityPolice), app.ID, govdata.ApplicationDecision{Decision: govdata.ActionSign}))(t)
	return must(f.grants.FindGrantByID(f.consumer, app.GrantID))(t)
}

func usageDay(s string) *govdata.Date {
	d, err := govdata.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func usageRows(n int64) *int64 { return &n }

// usageOf is a valid record of each kind for a grant from 2026-03-02,
// dated on that day.
func usageOf(k govdata.UsageKind) govdata.UsageInput {
	switch k {
	case govdata.UsageStorage:
		return govdata.UsageInput{Kind: k, Location: "市政务云 社保核验库", Protection: "SM4 加密，按岗位授权访问", StoredFrom: usageDay("2026-03-02")}
	case govdata.UsageDestruction:
		return govdata.UsageInput{Kind: k, DestroyedData: "核验库中该授权的全部数据", Method: "删除并覆写", DestroyedBy: "张三", Witness: "李四",
			DestroyedOn: usageDay("2026-03-02"), Rows: usageRows(1200)}
	}
	return govdata.UsageInput{Kind: govdata.UsageUse, Scenario: "社保待遇资格认证", Outcome: "核验参保人 1,200 人", UsedOn: usageDay("2026-03-02"),
		Rows: usageRows(1200)}
}

func wantUsageCode(t *testing.T, what string, err error, code govdata.ErrorCode) {
	t.Helper()
	if got := govdata.ErrorCodeOf(err); got != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

// SHR-7, HLJ-28: the consumer's officer and leader record each kind; the
// provider, the bureau, the secadmin and the auditor read; another
// department learns nothing; each record is audited with it.
func TestUsageRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newGrantedFixture(t, e)
		g := f.grant
		audit := sqlstore.NewAuditService(f.db)
		var ids []int64
		for _, k := range govdata.UsageKinds {
			r := must(f.usage.RecordUsage(f.consumer, g.ID, usageOf(k)))(t)
			if r.ID == 0 || r.GrantID != g.ID || r.Kind != k || r.Day() == nil || r.Day().String() != "2026-03-02" ||
				r.RecordedBy != fmt.Sprintf("officer@%d", f.cityHR) || r.RecordedAt.IsZero() || r.CorrectedBy != 0 {
				t.Fatalf("recorded %+v", r)
			}
			ids = append(ids, r.ID)
		}
		d := must(f.usage.FindUsageRecords(f.provider, govdata.UsageFilter{GrantID: g.ID, Kind: govdata.UsageDestruction}))(t)
		if len(d.Items) != 1 || d.Items[0].ID != ids[2] || d.Items[0].DestroyedBy != "张三" || d.Items[0].Witness != "李四" ||
			*d.Items[0].Rows != 1200 || d.Items[0].UsedOn != nil {
			t.Fatalf("the provider reads the destruction %+v", d.Items)
		}
		leader := f.as(govdata.RoleLeader, f.cityHR)
		must(f.usage.RecordUsage(leader, g.ID, usageOf(govdata.UsageUse)))(t)

		// Each record has its audit record, about the grant.
		recs := must(audit.FindAudit(storetest.System(), govdata.AuditFilter{Action: "usage.record", ObjectType: "grant", ObjectID: fmt.Sprint(g.ID)}))(t)
		if len(recs.Items) != 4 || recs.Items[0].ActorName != fmt.Sprintf("leader@%d", f.cityHR) || !strings.Contains(recs.Items[3].Detail, `"kind":"use"`) {
			t.Errorf("audit %d records, first %+v", len(recs.Items), recs.Items[0])
		}

		// Readers: both sides, the bureau, the secadmin, the auditor.
		for name, ctx := range map[string]context.Context{
			"consumer": f.consumer, "consumer's leader": leader, "provider": f.provider, "provider's leader": f.as(govdata.RoleLeader, f.cityPolice),
			"reviewer": f.as(govdata.RoleReviewer, f.provinceBureau), "secadmin": f.as(govdata.RoleSecadmin, 0), "auditor": f.as(govdata.RoleAuditor, 0),
		} {
			l, err := f.usage.FindUsageRecords(ctx, govdata.UsageFilter{GrantID: g.ID})
			if err != nil || len(l.Items) != 4 {
				t.Errorf("%s reads: %d records, %v", name, len(l.Items), err)
			}
		}
		// Another department: the grant is not there.
		outsider := f.as(govdata.RoleOfficer, f.countyPolice)
		_, err := f.usage.FindUsageRecords(outsider, govdata.UsageFilter{GrantID: g.ID})
		wantUsageCode(t, "another department reading", err, govdata.ENOTFOUND)
		_, err = f.usage.RecordUsage(outsider, g.ID, usageOf(govdata.UsageUse))
		wantUsageCode(t, "another department recording", err, govdata.ENOTFOUND)
		_, err = f.usage.RecordUsage(f.consumer, g.ID+1000, usageOf(govdata.UsageUse))
		wantUsageCode(t, "no such grant", err, govdata.ENOTFOUND)
		if l := must(f.usage.FindUsageRecords(outsider, govdata.UsageFilter{}))(t); len(l.Items) != 0 {
			t.Errorf("another department's list across grants: %d", len(l.Items))
		}
		if l := must(f.usage.FindUsageRecords(f.provider, govdata.UsageFilter{}))(t); len(l.Items) != 4 {
			t.Errorf("the provider's list across grants: %d", len(l.Items))
		}
		// Only the consumer records: not the provider, the bureau, the
		// secadmin or the auditor; the supervisor and the sysadmin do not read.
		_, err = f.usage.RecordUsage(f.provider, g.ID, usageOf(govdata.UsageUse))
		wantUsageCode(t, "the provider recording", err, govdata.EFORBIDDEN)
		for _, r := range []govdata.Role{govdata.RoleReviewer, govdata.RoleSecadmin, govdata.RoleAuditor, govdata.RoleSupervisor} {
			_, err = f.usage.RecordUsage(f.as(r, f.cityHR), g.ID, usageOf(govdata.UsageUse))
			wantUsageCode(t, string(r)+" recording", err, govdata.EFORBIDDEN)
		}
		for _, r := range []govdata.Role{govdata.RoleSupervisor, govdata.RoleSysadmin} {
			_, err = f.usage.FindUsageRecords(f.as(r, f.cityHR), govdata.UsageFilter{GrantID: g.ID})
			wantUsageCode(t, string(r)+" reading", err, govdata.EFORBIDDEN)
		}
		_, err = f.usage.RecordUsage(context.Background(), g.ID, usageOf(govdata.UsageUse))
		wantUsageCode(t, "anonymous", err, govdata.EUNAUTHORIZED)
	})
}

// Bad input: field errors, nothing written, nothing audited.
func TestUsageInvalid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newGrantedFixture(t, e)
		g := f.grant
		first := must(f.usage.RecordUsage(f.consumer, g.ID, usageOf(govdata.UsageUse)))(t)
		other := f.newGrant(t)
		elsewhere := must(f.usage.RecordUsage(f.consumer, other.ID, usageOf(govdata.UsageUse)))(t)
		audit := sqlstore.NewAuditService(f.db)
		count := func() (int, int) {
			l := must(f.usage.FindUsageRecords(storetest.System(), govdata.UsageFilter{Page: govdata.Page{Limit: govdata.MaxLimit}}))(t)
			a := must(audit.FindAudit(storetest.System(), govdata.AuditFilter{Action: "usage.", Page: govdata.Page{Limit: govdata.MaxLimit}}))(t)
			return len(l.Items), len(a.Items)
		}
		records, audited := count()
		for _, c := range []struct {
			name, field string
			edit        func(*govdata.UsageInput)
		}{
			{"no kind", "kind", func(u *govdata.UsageInput) { u.Kind = "" }},
			{"no outcome", "outcome", func(u *govdata.UsageInput) { u.Outcome = "  " }},
			{"too long", "scenario", func(u *govdata.UsageInput) { u.Scenario = strings.Repeat("景", 2001) }},
			{"in the future", "used_on", func(u *govdata.UsageInput) { u.UsedOn = usageDay("2026-03-03") }},
			{"before the grant", "used_on", func(u *govdata.UsageInput) { u.UsedOn = usageDay("2026-03-01") }},
			{"a storage field", "location", func(u *govdata.UsageInput) { u.Location = "机房" }},
			{"negative rows", "rows", func(u *govdata.UsageInput) { u.Rows = usageRows(-5) }},
			{"correction without reason", "correction_reason", func(u *govdata.UsageInput) { u.Corrects = first.ID }},
			{"correcting another grant's record", "corrects", func(u *govdata.UsageInput) { u.Corrects, u.CorrectionReason = elsewhere.ID, "更正" }},
			{"correcting nothing", "corrects", func(u *govdata.UsageInput) { u.Corrects, u.CorrectionReason = elsewhere.ID+100, "更正" }},
		} {
			in := usageOf(govdata.UsageUse)
			c.edit(&in)
			_, err := f.usage.RecordUsage(f.consumer, g.ID, in)
			var ge *govdata.Error
			if !errors.As(err, &ge) || ge.Code != govdata.EINVALID || ge.Fields[c.field].Msg.ZH == "" {
				t.Errorf("%s: %v, want a field error on %s", c.name, err, c.field)
			}
		}
		for _, bad := range []govdata.UsageFilter{{GrantID: g.ID, Kind: "all"}, {GrantID: g.ID, Page: govdata.Page{Cursor: "nonsense"}}} {
			_, err := f.usage.FindUsageRecords(f.consumer, bad)
			wantUsageCode(t, "bad filter", err, govdata.EINVALID)
		}
		if r, a := count(); r != records || a != audited {
			t.Errorf("after bad input: %d records, %d audited; want %d, %d", r, a, records, audited)
		}
	})
}

// Records are append-only: a correction is a new record naming the one it
// corrects, which stays as it was; each is corrected once (a later mistake
// corrects the correction); the database refuses UPDATE and DELETE.
func TestUsageCorrection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newGrantedFixture(t, e)
		g := f.grant
		f.clock.Advance(10 * 24 * time.Hour)
		wrong := usageOf(govdata.UsageUse)
		wrong.Rows = usageRows(12000)
		first := must(f.usage.RecordUsage(f.consumer, g.ID, wrong))(t)
		fix := usageOf(govdata.UsageUse)
		fix.Corrects, fix.CorrectionReason = first.ID, "行数多写一个零"
		second := must(f.usage.RecordUsage(f.as(govdata.RoleLeader, f.cityHR), g.ID, fix))(t)
		if second.Corrects != first.ID || second.CorrectionReason != "行数多写一个零" || *second.Rows != 1200 {
			t.Fatalf("the correction %+v", second)
		}
		l := must(f.usage.FindUsageRecords(f.provider, govdata.UsageFilter{GrantID: g.ID}))(t)
		if len(l.Items) != 2 || l.Items[0].ID != second.ID || l.Items[1].CorrectedBy != second.ID || *l.Items[1].Rows != 12000 {
			t.Fatalf("after the correction %+v %+v", l.Items[0], l.Items[1])
		}
		_, err := f.usage.RecordUsage(f.consumer, g.ID, fix)
		wantUsageCode(t, "correcting a corrected record", err, govdata.ECONFLICT)
		fix.Corrects = second.ID
		third := must(f.usage.RecordUsage(f.consumer, g.ID, fix))(t)
		if third.Corrects != second.ID {
			t.Errorf("correcting the correction %+v", third)
		}

		// Not even the database's own users change or delete them within
		// the retention period (SX-22, HLJ-28), which stays at least three
		// years whatever the settings say.
		if err := storetest.SQL(t, f.db).Exec(context.Background(), "UPDATE meta SET value = '1' WHERE key = 'audit_retention_days'"); err != nil {
			t.Fatal(err)
		}
		stmts := []string{"UPDATE usage_records SET outcome = 'x' WHERE id = ?", "DELETE FROM usage_records WHERE id = ?"}
		for _, s := range stmts {
			if err := storetest.SQL(t, f.db).Exec(context.Background(), s, third.ID); err == nil {
				t.Errorf("%s: allowed", s)
			}
		}
		if e == storetest.Postgres {
			if err := storetest.SQL(t, f.db).Exec(context.Background(), "TRUNCATE usage_records"); err == nil {
				t.Error("TRUNCATE: allowed")
			}
		}
		if l := must(f.usage.FindUsageRecords(f.consumer, govdata.UsageFilter{GrantID: g.ID}))(t); len(l.Items) != 3 || l.Items[0].Outcome != fix.Outcome {
			t.Errorf("after the attempts %+v", l.Items)
		}
	})
}

// Destruction follows the end: records are made for suspended, revoked
// and expired grants too.
func TestUsageAfterTheGrant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newGrantedFixture(t, e)
		g := f.grant
		must(f.grants.ChangeGrant(f.provider, g.ID, govdata.GrantSuspend, "核查"))(t)
		must(f.usage.RecordUsage(f.consumer, g.ID, usageOf(govdata.UsageStorage)))(t)
		must(f.grants.ChangeGrant(f.provider, g.ID, govdata.GrantRevoke, "停止使用"))(t)
		must(f.usage.RecordUsage(f.consumer, g.ID, usageOf(govdata.UsageDestruction)))(t)

		h := f.newGrant(t)
		f.clock.Advance(400 * 24 * time.Hour)
		if s := must(f.grants.FindGrantByID(f.consumer, h.ID))(t).State; s != govdata.GrantExpired {
			t.Fatalf("state %s", s)
		}
		d := usageOf(govdata.UsageDestruction)
		d.DestroyedOn = usageDay("2027-04-01")
		r := must(f.usage.RecordUsage(f.consumer, h.ID, d))(t)
		if r.DestroyedOn.String() != "2027-04-01" {
			t.Errorf("after expiry %+v", r)
		}
	})
}

// Lists page by cursor, newest first, and filter by kind.
func TestUsagePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newGrantedFixture(t, e)
		g := f.grant
		var want []int64
		for i := range 7 {
			k := govdata.UsageKinds[i%3]
			want = append([]int64{must(f.usage.RecordUsage(f.consumer, g.ID, usageOf(k)))(t).ID}, want...)
		}
		var got []int64
		p := govdata.Page{Limit: 3}
		for pages := 0; ; pages++ {
			if pages > 3 {
				t.Fatal("too many pages")
			}
			l := must(f.usage.FindUsageRecords(f.provider, govdata.UsageFilter{GrantID: g.ID, Page: p}))(t)
			for _, r := range l.Items {
				got = append(got, r.ID)
			}
			if l.NextCursor == "" {
				break
			}
			p.Cursor = l.NextCursor
		}
		if len(got) != len(want) {
			t.Fatalf("pages %v, want %v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("pages %v, want %v", got, want)
			}
		}
		uses := must(f.usage.FindUsageRecords(f.consumer, govdata.UsageFilter{GrantID: g.ID, Kind: govdata.UsageUse}))(t)
		if len(uses.Items) != 3 {
			t.Errorf("use records: %d, want 3", len(uses.Items))
		}
		for _, r := range uses.Items {
			if r.Kind != govdata.UsageUse {
				t.Errorf("kind %s in a list of use", r.Kind)
			}
		}
	})
}
