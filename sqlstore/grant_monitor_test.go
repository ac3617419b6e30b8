package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// SHR-6, HLJ-27: a grant unused for three months is flagged with a date
// to rectify by; use clears the flag, the consumer's explanation closes
// it, and a flag left past its date suspends the grant. Calls are counted
// by day and credential.
func TestGrantMonitoringIdle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 4)
		g := f.grantFor(t, f.application(govdata.MethodAPI, nil, "行政区划代码"))
		sys := storetest.System()
		sweep := func(want govdata.GrantSweep) {
			t.Helper()
			if got := must(f.grants.SweepGrants(sys))(t); got != want {
				t.Errorf("sweep %+v, want %+v", got, want)
			}
		}
		openFlag := func() *govdata.GrantFlag {
			t.Helper()
			l := must(f.grants.FindGrantFlags(f.consumer, govdata.GrantFlagFilter{GrantID: g.ID, State: govdata.FlagOpen}))(t)
			if len(l.Items) != 1 {
				t.Fatalf("open flags %+v", l.Items)
			}
			return l.Items[0]
		}
		if _, err := f.grants.SweepGrants(f.consumer); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("a user sweeping: %v", err)
		}
		must(f.records(t, ""))(t)
		must(f.records(t, ""))(t)
		u := must(f.grants.FindDailyUsage(f.provider, g.ID, govdata.Date{}, govdata.Date{}))(t)
		if len(u) != 1 || u[0].Calls != 2 || u[0].Rows != 8 || u[0].CredentialID != f.cred.ID {
			t.Errorf("daily usage %+v", u)
		}
		if _, err := f.grants.FindDailyUsage(f.as(govdata.RoleOfficer, f.countyPolice), g.ID, govdata.Date{}, govdata.Date{}); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("another department's view: %v", err)
		}
		sweep(govdata.GrantSweep{})

		// Three months and a day unused: flagged once, to both sides.
		f.clock.Advance(93 * 24 * time.Hour)
		sweep(govdata.GrantSweep{Flagged: 1})
		sweep(govdata.GrantSweep{})
		fl := openFlag()
		if fl.Kind != govdata.FlagIdle || fl.RectifyBy == nil || !govdata.DateOf(f.clock.Now()).Before(*fl.RectifyBy) {
			t.Errorf("idle flag %+v", fl)
		}
		// Used again: the flag clears itself.
		must(f.records(t, ""))(t)
		sweep(govdata.GrantSweep{Used: 1})

		// Unused again: flagged; the consumer explains.
		f.clock.Advance(93 * 24 * time.Hour)
		sweep(govdata.GrantSweep{Flagged: 1})
		fl = openFlag()
		for _, c := range []struct {
			as     context.Context
			reason string
			code   govdata.ErrorCode
		}{
			{f.provider, "x", govdata.EFORBIDDEN},
			{f.consumer, " ", govdata.EINVALID},
			{f.as(govdata.RoleOfficer, f.countyPolice), "x", govdata.ENOTFOUND},
		} {
			if _, err := f.grants.ResolveGrantFlag(c.as, fl.ID, c.reason); govdata.ErrorCodeOf(err) != c.code {
				t.Errorf("resolve: %v, want %s", err, c.code)
			}
		}
		r := must(f.grants.ResolveGrantFlag(f.consumer, fl.ID, "系统迁移中，月底恢复调用"))(t)
		if r.State != govdata.FlagRectified || r.Resolution == "" || r.ResolvedAt == nil {
			t.Errorf("rectified %+v", r)
		}
		if _, err := f.grants.ResolveGrantFlag(f.consumer, fl.ID, "again"); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("resolving twice: %v", err)
		}
		sweep(govdata.GrantSweep{}) // explained: the count starts again

		// Unused for another period and not rectified by the date: suspended.
		f.clock.Advance(93 * 24 * time.Hour)
		sweep(govdata.GrantSweep{Flagged: 1})
		fl = openFlag()
		f.clock.Advance(20 * 24 * time.Hour)
		sweep(govdata.GrantSweep{Suspended: 1})
		if g := must(f.grants.FindGrantByID(f.consumer, g.ID))(t); g.State != govdata.GrantSuspended || g.StateReason == "" {
			t.Errorf("after the date %+v", g)
		}
		if _, err := f.records(t, ""); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("a call with the suspended grant: %v", err)
		}
		l := must(f.grants.FindGrantFlags(f.provider, govdata.GrantFlagFilter{GrantID: g.ID, Kind: govdata.FlagIdle}))(t)
		if len(l.Items) != 3 || l.Items[0].State != govdata.FlagSuspended {
			t.Errorf("the flags %+v", l.Items)
		}
		if l := must(f.grants.FindGrantFlags(f.as(govdata.RoleOfficer, f.countyPolice), govdata.GrantFlagFilter{}))(t); len(l.Items) != 0 {
			t.Errorf("another department sees %+v", l.Items)
		}
		if _, err := f.grants.FindGrantFlags(f.consumer, govdata.GrantFlagFilter{Kind: "other"}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("a bad kind: %v", err)
		}
	})
}

// SHR-6: a credential calling far above its usual volume is flagged once a
// day; the provider reviews it.
func TestGrantMonitoringVolume(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newServiceFixture(t, e, 4)
		g := f.grantFor(t, f.application(govdata.MethodAPI, nil, "行政区划代码"))
		today := govdata.DateOf(f.clock.Now().In(time.FixedZone("CST", 8*3600)))
		for d := 1; d <= govdata.VolumeDays; d++ {
			if err := storetest.SQL(t, f.db).Exec(context.Background(), "INSERT INTO grant_usage_daily (grant_id, credential_id, day, calls) VALUES (?, ?, ?, 1000)",
				g.ID, f.cred.ID, today.AddDays(-d).String()); err != nil {
				t.Fatal(err)
			}
		}
		set := func(calls int) {
			if err := storetest.SQL(t, f.db).Exec(context.Background(), "INSERT INTO grant_usage_daily (grant_id, credential_id, day, calls) VALUES (?, ?, ?, ?) ON CONFLICT (grant_id, credential_id, day) DO UPDATE SET calls = excluded.calls",
				g.ID, f.cred.ID, today.String(), calls); err != nil {
				t.Fatal(err)
			}
		}
		set(4999) // five times the mean is 5,000: usual
		if r := must(f.grants.SweepGrants(storetest.System()))(t); r.Volume != 0 {
			t.Errorf("usual volume flagged: %+v", r)
		}
		set(12000)
		if r := must(f.grants.SweepGrants(storetest.System()))(t); r.Volume != 1 {
			t.Errorf("unusual volume: %+v", r)
		}
		if r := must(f.grants.SweepGrants(storetest.System()))(t); r.Volume != 0 {
			t.Errorf("flagged twice in a day: %+v", r)
		}
		l := must(f.grants.FindGrantFlags(f.provider, govdata.GrantFlagFilter{Kind: govdata.FlagVolume}))(t)
		if len(l.Items) != 1 || l.Items[0].CredentialID != f.cred.ID || l.Items[0].Detail.ZH == "" {
			t.Fatalf("volume flags %+v", l.Items)
		}
		if _, err := f.grants.ResolveGrantFlag(f.consumer, l.Items[0].ID, "批量核验"); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("the consumer closing a volume flag: %v", err)
		}
		if r := must(f.grants.ResolveGrantFlag(f.provider, l.Items[0].ID, "年度集中核验，属正常"))(t); r.State != govdata.FlagReviewed {
			t.Errorf("reviewed %+v", r)
		}
	})
}
