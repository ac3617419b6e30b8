package sqlstore_test

import (
	"context"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// approveOpenAttribute takes the entry's pending open-attribute approval
// through ZJ-20's chain: the source, the 办公室 (bureau), the centre's leader.
func (f *catalogFixture) approveOpenAttribute(t testing.TB, entry int64) *govdata.OpenAttributeApproval {
	t.Helper()
	attrs := sqlstore.NewOpenAttributeService(f.base, f.flows, f.cat)
	o := f.pendingOpenAttribute(t, entry)
	for _, st := range []struct {
		ctx context.Context
		act govdata.Action
	}{
		{f.as(govdata.RoleOfficer, f.cityPolice), govdata.ActionApprove},
		{f.as(govdata.RoleReviewer, f.cityBureau), govdata.ActionApprove},
		{f.as(govdata.RoleLeader, f.cityBureau), govdata.ActionSign},
	} {
		o = must(attrs.DecideOpenAttribute(st.ctx, o.ID, govdata.OpenDecision{StepSeq: o.Workflow.StepSeq, Decision: st.act}))(t)
	}
	return o
}

func (f *catalogFixture) pendingOpenAttribute(t testing.TB, entry int64) *govdata.OpenAttributeApproval {
	t.Helper()
	attrs := sqlstore.NewOpenAttributeService(f.base, f.flows, f.cat)
	l := must(attrs.FindOpenAttributes(storetest.System(), govdata.OpenAttributeFilter{State: govdata.OpenAttributePending}))(t)
	for _, o := range l.Items {
		if o.EntryID == entry {
			return must(attrs.FindOpenAttributeByID(storetest.System(), o.ID))(t)
		}
	}
	t.Fatalf("no pending open attribute approval of entry %d", entry)
	return nil
}

// openCatalogHas reports whether entry is in the open catalog, and with
// which open type.
func openCatalogHas(t testing.TB, f *catalogFixture, entry int64) (bool, govdata.OpenType) {
	t.Helper()
	l := must(f.cat.OpenCatalog().FindOpenEntries(context.Background(), govdata.EntryFilter{}))(t)
	for _, x := range l.Items {
		if x.ID == entry {
			one := must(f.cat.OpenCatalog().FindOpenEntry(context.Background(), entry))(t)
			if one.OpenType != x.OpenType {
				t.Fatalf("the list shows %s, the entry %s", x.OpenType, one.OpenType)
			}
			return true, x.OpenType
		}
	}
	if _, err := f.cat.OpenCatalog().FindOpenEntry(context.Background(), entry); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
		t.Fatalf("not listed but found: %v", err)
	}
	return false, ""
}

// ZJ-20: under the Zhejiang profile an entry's open attribute takes effect
// only after the source, the 办公室 and the 数字中心's leader approve; until
// then the open catalog keeps the attribute in force. A refusal keeps it
// and tells the provider.
func TestOpenAttributeZJ(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "zhejiang-finance-2024")
		officer, reviewer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleReviewer, f.cityBureau)
		leader, stranger := f.as(govdata.RoleLeader, f.cityBureau), f.as(govdata.RoleOfficer, f.cityHR)
		attrs := sqlstore.NewOpenAttributeService(f.base, f.flows, f.cat)
		person := publicAccount(t, f.db, "p@example.cn", true, "active")
		if _, err := sqlstore.NewUserService(f.db).CreateUserWithPassword(storetest.System(), govdata.UserInput{Username: "zj-officer",
			Password: "Attribute-pass-1234", Name: "数源处室专员", DepartmentID: f.cityPolice, Roles: []govdata.Role{govdata.RoleOfficer}}, false); err != nil {
			t.Fatal(err)
		}

		// A new open entry: published, but not open until the three approvals.
		in := openEntryInput("财政专项资金", govdata.OpenUnconditional) // no personal items: may open unconditionally
		in.OpenType, in.OpenConditions = govdata.OpenConditional, "仅限科研用途"
		entry := f.publish(t, officer, f.cityBureau, in)
		if in, _ := openCatalogHas(t, f, entry.ID); in {
			t.Fatal("a new entry is open before its attribute is approved")
		}
		o := f.pendingOpenAttribute(t, entry.ID)
		if o.Version != 1 || o.EffectiveVersion != 0 || o.Proposed.OpenType != govdata.OpenConditional || o.Effective.OpenType != govdata.OpenNone ||
			o.Step != "source" || o.Due == nil || o.Due.String() != "2026-03-09" || o.EntryName != "财政专项资金" {
			t.Fatalf("started %+v", o)
		}
		// Who sees it, who acts.
		if _, err := attrs.FindOpenAttributeByID(stranger, o.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("another department sees it: %v", err)
		}
		if _, err := attrs.FindOpenAttributes(person, govdata.OpenAttributeFilter{}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("a public account lists them: %v", err)
		}
		if l := must(attrs.FindOpenAttributes(stranger, govdata.OpenAttributeFilter{}))(t); len(l.Items) != 0 {
			t.Errorf("another department lists %d", len(l.Items))
		}
		if got := must(attrs.FindOpenAttributeByID(officer, o.ID))(t); len(got.Actions) != 2 {
			t.Errorf("the source's actions %v", got.Actions)
		}
		if _, err := attrs.DecideOpenAttribute(reviewer, o.ID, govdata.OpenDecision{StepSeq: o.Workflow.StepSeq, Decision: govdata.ActionApprove}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("the 办公室 takes the source's step: %v", err)
		}
		if _, err := attrs.DecideOpenAttribute(officer, o.ID, govdata.OpenDecision{StepSeq: o.Workflow.StepSeq, Decision: govdata.ActionReject}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("a refusal without a reason: %v", err)
		}
		if _, err := attrs.DecideOpenAttribute(officer, o.ID, govdata.OpenDecision{StepSeq: o.Workflow.StepSeq, Decision: "maybe"}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("an unknown decision: %v", err)
		}
		o = must(attrs.DecideOpenAttribute(officer, o.ID, govdata.OpenDecision{StepSeq: o.Workflow.StepSeq, Decision: govdata.ActionApprove}))(t)
		o = must(attrs.DecideOpenAttribute(reviewer, o.ID, govdata.OpenDecision{StepSeq: o.Workflow.StepSeq, Decision: govdata.ActionApprove}))(t)
		if in, _ := openCatalogHas(t, f, entry.ID); in || o.Step != "sign" {
			t.Fatalf("open before the centre's leader signs (step %s)", o.Step)
		}
		if _, err := attrs.DecideOpenAttribute(f.as(govdata.RoleLeader, f.cityPolice), o.ID, govdata.OpenDecision{StepSeq: o.Workflow.StepSeq, Decision: govdata.ActionSign}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("the source's leader signs for the centre: %v", err)
		}
		o = must(attrs.DecideOpenAttribute(leader, o.ID, govdata.OpenDecision{StepSeq: o.Workflow.StepSeq, Decision: govdata.ActionSign}))(t)
		if o.State != govdata.OpenAttributeApproved || o.DecidedAt == nil || len(o.Workflow.History) != 3 {
			t.Fatalf("approved %+v", o)
		}
		if in, typ := openCatalogHas(t, f, entry.ID); !in || typ != govdata.OpenConditional {
			t.Fatalf("after the approvals: open %v as %s", in, typ)
		}
		if _, err := attrs.DecideOpenAttribute(leader, o.ID, govdata.OpenDecision{StepSeq: o.Workflow.StepSeq, Decision: govdata.ActionSign}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("deciding a closed approval: %v", err)
		}

		// A change of open type keeps the old attribute until approved.
		change := func(typ govdata.OpenType) {
			t.Helper()
			conditions := "仅限科研用途"
			must(f.cat.UpdateEntry(officer, entry.ID, govdata.EntryPatch{OpenType: &typ, OpenConditions: &conditions}))(t)
			must(f.cat.Submit(officer, entry.ID))(t)
			if p := must(f.cat.Review(reviewer, entry.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t); p.OpenType != typ {
				t.Fatalf("published %s", p.OpenType)
			}
		}
		change(govdata.OpenUnconditional)
		if in, typ := openCatalogHas(t, f, entry.ID); !in || typ != govdata.OpenConditional {
			t.Fatalf("during the change: open %v as %s", in, typ)
		}
		o2 := f.pendingOpenAttribute(t, entry.ID)
		if o2.Version != 2 || o2.EffectiveVersion != 1 || o2.Proposed.OpenType != govdata.OpenUnconditional || o2.Effective.OpenType != govdata.OpenConditional {
			t.Fatalf("the change's approval %+v", o2)
		}
		// Refused at the 办公室: the old attribute stays, the provider is told.
		o2 = must(attrs.DecideOpenAttribute(officer, o2.ID, govdata.OpenDecision{StepSeq: o2.Workflow.StepSeq, Decision: govdata.ActionApprove}))(t)
		o2 = must(attrs.DecideOpenAttribute(reviewer, o2.ID, govdata.OpenDecision{StepSeq: o2.Workflow.StepSeq, Decision: govdata.ActionReject, Reason: "含个人信息，不宜无条件开放"}))(t)
		if o2.State != govdata.OpenAttributeRejected {
			t.Fatalf("refused %+v", o2)
		}
		if in, typ := openCatalogHas(t, f, entry.ID); !in || typ != govdata.OpenConditional {
			t.Fatalf("after the refusal: open %v as %s", in, typ)
		}
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM notifications WHERE kind = 'open_attribute' AND title_zh LIKE '%未获批准%'"); n == 0 {
			t.Error("the provider is not told of the refusal")
		}
		// A change to 禁止开放 approved: the entry leaves the open catalog.
		change(govdata.OpenNone)
		if in, _ := openCatalogHas(t, f, entry.ID); !in {
			t.Fatal("closed before the approvals")
		}
		f.approveOpenAttribute(t, entry.ID)
		if in, _ := openCatalogHas(t, f, entry.ID); in {
			t.Fatal("still open after 禁止开放 was approved")
		}
		// A later version supersedes a pending approval.
		change(govdata.OpenConditional)
		first := f.pendingOpenAttribute(t, entry.ID)
		change(govdata.OpenUnconditional)
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM open_attribute_approvals WHERE id = ? AND state = 'superseded'", first.ID); n != 1 {
			t.Error("the earlier pending approval is not superseded")
		}
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM open_attribute_approvals WHERE entry_id = ? AND state = 'pending'", entry.ID); n != 1 {
			t.Errorf("%d pending approvals", n)
		}
		// A change that leaves the attribute alone needs no approval.
		name := "财政专项资金（2026）"
		before := countRows(t, f.db, "SELECT COUNT(*) FROM open_attribute_approvals")
		f.approveOpenAttribute(t, entry.ID)
		must(f.cat.UpdateEntry(officer, entry.ID, govdata.EntryPatch{Name: &name}))(t)
		must(f.cat.Submit(officer, entry.ID))(t)
		must(f.cat.Review(reviewer, entry.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM open_attribute_approvals"); n != before {
			t.Errorf("a rename started an approval")
		}
		if x := must(f.cat.OpenCatalog().FindOpenEntry(context.Background(), entry.ID))(t); x.Name != name || x.OpenType != govdata.OpenUnconditional {
			t.Errorf("after the rename %s %s", x.Name, x.OpenType)
		}
	})
}

// HLJ: no open_attribute workflow; the catalog review alone makes the
// attribute effective.
func TestOpenAttributeHLJ(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "heilongjiang-2025")
		officer, reviewer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleReviewer, f.cityBureau)
		entry := f.publish(t, officer, f.cityBureau, openEntryInput("流动人口统计", govdata.OpenConditional))
		if in, typ := openCatalogHas(t, f, entry.ID); !in || typ != govdata.OpenConditional {
			t.Fatalf("published: open %v as %s", in, typ)
		}
		typ := govdata.OpenNone
		must(f.cat.UpdateEntry(officer, entry.ID, govdata.EntryPatch{OpenType: &typ}))(t)
		must(f.cat.Submit(officer, entry.ID))(t)
		must(f.cat.Review(reviewer, entry.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		if in, _ := openCatalogHas(t, f, entry.ID); in {
			t.Fatal("still open after the change was approved")
		}
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM open_attribute_approvals"); n != 0 {
			t.Errorf("%d approvals under HLJ", n)
		}
	})
}
