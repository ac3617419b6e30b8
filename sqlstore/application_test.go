package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

func goodApplication(entry int64) govdata.ApplicationInput {
	return govdata.ApplicationInput{CatalogID: entry, Items: []string{"公民身份号码", "姓名"}, Scenario: "社保待遇资格认证", Purpose: "核验参保人身份",
		LegalBasis: "《社会保险法》第七十四条", RegionScope: []string{"230102"}, Method: govdata.MethodAPI, ValidUntil: govdata.Date{Year: 2027, Month: 3, Day: 1}}
}

// SHR-1, SHR-2: a conditional entry's application goes through the
// profile's chain — the bureau forwards, the provider decides, its leader
// signs — each step by its actor only, with a due date; a refusal keeps
// its reason and category.
func TestApplicationChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "default")
		provider, consumer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleOfficer, f.cityHR)
		bureau, leader := f.as(govdata.RoleReviewer, f.cityBureau), f.as(govdata.RoleLeader, f.cityPolice)
		entry := f.publish(t, provider, f.cityBureau, entryInput("人口基础信息"))
		apps := sqlstore.NewApplicationService(f.base, f.flows)

		if _, err := apps.Apply(provider, goodApplication(entry.ID)); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("applying for one's own data: %v", err)
		}
		if _, err := apps.Apply(f.as(govdata.RoleLeader, f.cityHR), goodApplication(entry.ID)); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("a leader applying: %v", err)
		}
		draft := must(f.cat.CreateEntry(provider, entryInput("未发布资源")))(t)
		// Issue 11: another department's draft is not said to exist.
		if _, err := apps.Apply(consumer, goodApplication(draft.ID)); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND || !govdata.IsHidden(err) {
			t.Errorf("applying for a draft: %v", err)
		}

		app := must(apps.Apply(consumer, goodApplication(entry.ID)))(t)
		if app.State != govdata.ApplicationOpen || app.Workflow == nil || app.Workflow.Kind != govdata.WorkflowShareConditional ||
			app.Workflow.Step != "forward" || app.Workflow.Due == nil || app.EntryName != "人口基础信息" || app.ResourceCode != entry.ResourceCode {
			t.Fatalf("filed %+v", app)
		}
		// Each step by its actor only.
		if _, err := apps.Decide(provider, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionForward}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("the provider forwarding: %v", err)
		}
		app = must(apps.Decide(bureau, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionForward}))(t)
		if app.Workflow.Step != "decide" {
			t.Fatalf("after forwarding %+v", app.Workflow)
		}
		app = must(apps.Decide(provider, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
		if app.Workflow.Step != "sign" {
			t.Fatalf("after the provider %+v", app.Workflow)
		}
		// Two racing signatures: exactly one wins.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = apps.Decide(leader, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionSign})
			})
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("racing signatures: %v, %v", errs[0], errs[1])
		}
		app = must(apps.FindApplicationByID(consumer, app.ID))(t)
		if app.State != govdata.ApplicationApproved || len(app.Workflow.History) != 3 {
			t.Fatalf("signed %+v", app)
		}

		// A refusal needs a reason and a category, and keeps them.
		second := must(apps.Apply(consumer, goodApplication(entry.ID)))(t)
		if _, err := apps.Decide(bureau, second.ID, govdata.ApplicationDecision{Decision: govdata.ActionReject, Reason: "超出履职范围"}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("a refusal without a category: %v", err)
		}
		second = must(apps.Decide(bureau, second.ID, govdata.ApplicationDecision{Decision: govdata.ActionReject, Reason: "超出履职范围", ReasonCategory: govdata.RefusalPolicy}))(t)
		if second.State != govdata.ApplicationRejected || second.RefusalCategory != govdata.RefusalPolicy || second.RefusalReason != "超出履职范围" {
			t.Fatalf("refused %+v", second)
		}
		if _, err := apps.Decide(bureau, second.ID, govdata.ApplicationDecision{Decision: govdata.ActionForward}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("a decision after the refusal: %v", err)
		}

		// Lists by side; another department sees nothing.
		mine := must(apps.FindApplications(consumer, govdata.ApplicationFilter{Side: "applicant"}))(t)
		theirs := must(apps.FindApplications(provider, govdata.ApplicationFilter{Side: "provider", State: govdata.ApplicationApproved}))(t)
		if len(mine.Items) != 2 || len(theirs.Items) != 1 || theirs.Items[0].ID != app.ID {
			t.Errorf("lists: mine %d, theirs %d", len(mine.Items), len(theirs.Items))
		}
		outsider := f.as(govdata.RoleOfficer, f.countyPolice)
		if _, err := apps.FindApplicationByID(outsider, app.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("another department reading: %v", err)
		}
		if l := must(apps.FindApplications(outsider, govdata.ApplicationFilter{}))(t); len(l.Items) != 0 {
			t.Errorf("another department's list: %d", len(l.Items))
		}
		if _, err := apps.FindApplications(consumer, govdata.ApplicationFilter{Side: "everyone"}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("a bad side: %v", err)
		}
	})
}

// An unconditional entry goes the light path: the bureau's check only.
func TestApplicationLightPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "heilongjiang-2025")
		provider, consumer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleOfficer, f.cityHR)
		in := entryInput("企业登记信息")
		in.ShareType, in.ShareConditions = govdata.ShareUnconditional, ""
		entry := f.publish(t, provider, f.cityBureau, in)
		apps := sqlstore.NewApplicationService(f.base, f.flows)
		app := must(apps.Apply(consumer, goodApplication(entry.ID)))(t)
		if app.Workflow.Kind != govdata.WorkflowShareUnconditional || app.ShareType != govdata.ShareUnconditional {
			t.Fatalf("light path %+v", app.Workflow)
		}
		flow, _ := f.profile.Workflow(govdata.WorkflowShareUnconditional)
		for _, st := range flow.Steps {
			app = must(apps.Decide(f.as(st.Actor.Role, map[govdata.Party]int64{govdata.PartyBureau: f.cityBureau, govdata.PartyProvider: f.cityPolice,
				govdata.PartyApplicant: f.cityHR}[st.Actor.Party]), app.ID, govdata.ApplicationDecision{Decision: st.Actions[0]}))(t)
		}
		if app.State != govdata.ApplicationApproved {
			t.Fatalf("after the light path %+v", app)
		}
	})
}

// SHR-3: an approval makes the grant; the provider, the bureau or the
// secadmin suspends, resumes and revokes it with a reason; it expires by
// itself; a revocation of the entry notifies the departments holding one.
func TestGrants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "default")
		provider, consumer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleOfficer, f.cityHR)
		bureau, leader := f.as(govdata.RoleReviewer, f.cityBureau), f.as(govdata.RoleLeader, f.cityPolice)
		apps, grants := sqlstore.NewApplicationService(f.base, f.flows), sqlstore.NewGrantService(f.base, sqlstore.NewCredentialService(f.db))
		entry := f.publish(t, provider, f.cityBureau, entryInput("人口基础信息"))
		app := must(apps.Apply(consumer, goodApplication(entry.ID)))(t)
		must(apps.Decide(bureau, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionForward}))(t)
		must(apps.Decide(provider, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
		app = must(apps.Decide(leader, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionSign}))(t)
		if app.GrantID == 0 {
			t.Fatalf("approved without a grant %+v", app)
		}
		g := must(grants.FindGrantByID(consumer, app.GrantID))(t)
		if g.State != govdata.GrantActive || g.EntryID != entry.ID || g.ConsumerDepartment != f.cityHR || len(g.Items) != 2 ||
			g.RegionScope[0] != "230102" || g.ValidFrom.String() != "2026-03-02" || g.ValidUntil.String() != "2027-03-01" || g.ResourceCode != entry.ResourceCode {
			t.Fatalf("grant %+v", g)
		}
		if _, err := grants.FindGrantByID(f.as(govdata.RoleOfficer, f.countyPolice), g.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("another department reading: %v", err)
		}
		// The consumer cannot stop its own grant; the provider can, with a reason.
		if _, err := grants.ChangeGrant(consumer, g.ID, govdata.GrantSuspend, "x"); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("the consumer suspending: %v", err)
		}
		if _, err := grants.ChangeGrant(provider, g.ID, govdata.GrantSuspend, " "); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("no reason: %v", err)
		}
		g = must(grants.ChangeGrant(provider, g.ID, govdata.GrantSuspend, "核查使用情况"))(t)
		if g.State != govdata.GrantSuspended || g.StateReason != "核查使用情况" {
			t.Fatalf("suspended %+v", g)
		}
		if _, err := grants.ChangeGrant(provider, g.ID, govdata.GrantSuspend, "again"); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("suspending twice: %v", err)
		}
		g = must(grants.ChangeGrant(f.as(govdata.RoleSecadmin, 0), g.ID, govdata.GrantResume, "核查完毕"))(t)
		if g.State != govdata.GrantActive {
			t.Fatalf("resumed %+v", g)
		}
		l := must(grants.FindGrants(provider, govdata.GrantFilter{Side: "provider"}))(t)
		if len(l.Items) != 1 || l.Items[0].ID != g.ID {
			t.Errorf("provider's grants %+v", l)
		}
		if l := must(grants.FindGrants(consumer, govdata.GrantFilter{Side: "provider"}))(t); len(l.Items) != 0 {
			t.Errorf("consumer as provider %+v", l)
		}
		// In use: a revocation of the entry keeps supplying for the grace period.
		must(f.cat.Revoke(provider, entry.ID, "业务调整"))(t)
		r := must(f.cat.Review(bureau, entry.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		if r.Status != govdata.EntryRevoking || r.GraceUntil == nil {
			t.Errorf("revocation of an entry in use %+v", r)
		}
		// Expiry by itself, the day after its last day.
		f.clock.Advance(366 * 24 * time.Hour)
		if g := must(grants.FindGrantByID(consumer, g.ID))(t); g.State != govdata.GrantExpired {
			t.Errorf("after its period: %s", g.State)
		}
		if _, err := grants.ChangeGrant(provider, g.ID, govdata.GrantRevoke, "x"); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("revoking an expired grant: %v", err)
		}
	})
}

// grantFixture is an approved conditional application of the city's HR
// bureau for the city police's entry, with what made it.
type grantFixture struct {
	*catalogFixture
	provider, consumer, bureau, leader context.Context
	apps                               *sqlstore.ApplicationService
	grants                             *sqlstore.GrantService
	entry                              *govdata.Entry
}

func newGrantFixture(t testing.TB, e storetest.Engine) *grantFixture {
	f := &grantFixture{catalogFixture: newCatalogFixture(t, e, "default")}
	f.provider, f.consumer = f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleOfficer, f.cityHR)
	f.bureau, f.leader = f.as(govdata.RoleReviewer, f.cityBureau), f.as(govdata.RoleLeader, f.cityPolice)
	f.apps, f.grants = sqlstore.NewApplicationService(f.base, f.flows), sqlstore.NewGrantService(f.base, sqlstore.NewCredentialService(f.db))
	f.entry = f.publish(t, f.provider, f.cityBureau, entryInput("人口基础信息"))
	return f
}

// grant runs in through the default profile's approval chain.
func (f *grantFixture) grant(t testing.TB, in govdata.ApplicationInput) *govdata.Grant {
	t.Helper()
	app := must(f.apps.Apply(f.consumer, in))(t)
	must(f.apps.Decide(f.bureau, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionForward}))(t)
	must(f.apps.Decide(f.provider, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
	app = must(f.apps.Decide(f.leader, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionSign}))(t)
	return must(f.grants.FindGrantByID(f.consumer, app.GrantID))(t)
}

func TestGrantCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newGrantFixture(t, e)
		in := goodApplication(f.entry.ID)
		in.UnmaskedItems = []string{"姓名"}
		g := f.grant(t, in)
		if len(g.UnmaskedItems) != 1 || g.UnmaskedItems[0] != "姓名" || g.ExportSensitive {
			t.Fatalf("grant %+v", g)
		}
		// A new credential, its secret shown once.
		gc := must(f.grants.BindCredential(f.consumer, g.ID, govdata.GrantCredentialInput{Name: "社保待遇认证系统"}))(t)
		if gc.Secret == "" || gc.Credential.DepartmentID != f.cityHR || gc.BoundBy == "" {
			t.Fatalf("issued %+v", gc)
		}
		// The same credential for a second grant of the consumer.
		g2 := f.grant(t, goodApplication(f.entry.ID))
		again := must(f.grants.BindCredential(f.consumer, g2.ID, govdata.GrantCredentialInput{CredentialID: gc.Credential.ID}))(t)
		if again.Secret != "" || again.Credential.AppKey != gc.Credential.AppKey {
			t.Errorf("bound again %+v", again)
		}
		creds := sqlstore.NewCredentialService(f.db)
		other := must(creds.CreateCredential(f.provider, govdata.CredentialInput{Name: "公安系统"}))(t)
		for _, c := range []struct {
			name string
			as   context.Context
			in   govdata.GrantCredentialInput
			code govdata.ErrorCode
		}{
			{"twice", f.consumer, govdata.GrantCredentialInput{CredentialID: gc.Credential.ID}, govdata.ECONFLICT},
			{"neither", f.consumer, govdata.GrantCredentialInput{}, govdata.EINVALID},
			{"both", f.consumer, govdata.GrantCredentialInput{CredentialID: gc.Credential.ID, Name: "x"}, govdata.EINVALID},
			// Issue 11: another department's credential is not said to exist.
			{"another department's credential", f.consumer, govdata.GrantCredentialInput{CredentialID: other.ID}, govdata.ENOTFOUND},
			{"unknown credential", f.consumer, govdata.GrantCredentialInput{CredentialID: 999999}, govdata.ENOTFOUND},
			{"the provider", f.provider, govdata.GrantCredentialInput{Name: "x"}, govdata.EFORBIDDEN},
			{"the consumer's leader", f.as(govdata.RoleLeader, f.cityHR), govdata.GrantCredentialInput{Name: "x"}, govdata.EFORBIDDEN},
			{"an unrelated department", f.as(govdata.RoleOfficer, f.countyPolice), govdata.GrantCredentialInput{Name: "x"}, govdata.ENOTFOUND},
		} {
			if _, err := f.grants.BindCredential(c.as, g.ID, c.in); govdata.ErrorCodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		list := must(f.grants.FindGrantCredentials(f.provider, g.ID))(t)
		if len(list) != 1 || list[0].Credential.ID != gc.Credential.ID || list[0].Secret != "" {
			t.Errorf("the provider's view %+v", list)
		}
		// A suspended grant takes no new credentials.
		must(f.grants.ChangeGrant(f.leader, g.ID, govdata.GrantSuspend, "核查"))(t)
		if _, err := f.grants.BindCredential(f.consumer, g.ID, govdata.GrantCredentialInput{Name: "y"}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("binding to a suspended grant: %v", err)
		}
		if err := f.grants.UnbindCredential(f.consumer, g.ID, gc.Credential.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.grants.UnbindCredential(f.consumer, g.ID, gc.Credential.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("unbinding twice: %v", err)
		}
		if list := must(f.grants.FindGrantCredentials(f.consumer, g2.ID))(t); len(list) != 1 {
			t.Errorf("the other grant keeps its credential: %+v", list)
		}
	})
}

// TestApplicationLiftsMasks: masks are lifted only on a path that includes
// the provider's leader (SHR-5); sensitive exports only by file (SEC-5).
func TestApplicationLiftsMasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newGrantFixture(t, e)
		open := entryInput("人口基础信息（无条件）")
		open.ShareType = govdata.ShareUnconditional
		light := f.publish(t, f.provider, f.cityBureau, open)
		in := goodApplication(light.ID)
		in.UnmaskedItems = []string{"姓名"}
		if _, err := f.apps.Apply(f.consumer, in); !hasField(err, "unmasked_items") {
			t.Errorf("lifting masks on the light path: %v", err)
		}
		in = goodApplication(f.entry.ID)
		in.UnmaskedItems = []string{"性别"}
		if _, err := f.apps.Apply(f.consumer, in); !hasField(err, "unmasked_items[0]") {
			t.Errorf("unmasking an item not applied for: %v", err)
		}
		in = goodApplication(f.entry.ID)
		in.ExportSensitive = true
		if _, err := f.apps.Apply(f.consumer, in); !hasField(err, "export_sensitive") {
			t.Errorf("export permission for the API method: %v", err)
		}
		in.Method = govdata.MethodFile
		if g := f.grant(t, in); !g.ExportSensitive || g.Method != govdata.MethodFile {
			t.Errorf("file grant %+v", g)
		}
	})
}

// hasField reports whether err is a domain error naming field.
func hasField(err error, field string) bool {
	var e *govdata.Error
	if !errors.As(err, &e) {
		return false
	}
	_, ok := e.Fields[field]
	return ok
}

// TestApplicationTerms: the form's options are the rules Apply enforces —
// a not_shared item is not offered, masks lift only on a chain with the
// provider's leader (SHR-5), a scope needs a region item (SHR-4) — and
// an entry the caller may not apply for says why (SHR-2).
func TestApplicationTerms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "default")
		provider, consumer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleOfficer, f.cityHR)
		in := entryInput("人口基础信息")
		in.Items = append(in.Items, govdata.Item{Name: "宗教信仰", Type: govdata.ItemChar, Length: 20, Sensitivity: 4, ShareType: govdata.ShareNone})
		entry := f.publish(t, provider, f.cityBureau, in)
		apps := sqlstore.NewApplicationService(f.base, f.flows)

		terms := must(apps.ApplicationTerms(consumer, entry.ID))(t)
		if terms.Refusal != nil || terms.ShareType != govdata.ShareConditional || terms.Workflow == nil ||
			terms.Workflow.Kind != govdata.WorkflowShareConditional || !terms.LiftsMasks || terms.UnmaskRefusal != nil || !terms.RegionScope {
			t.Fatalf("terms %+v", terms)
		}
		offered := map[string]bool{}
		for _, it := range terms.Items {
			offered[it.Name] = it.Offered
		}
		if !offered["姓名"] || offered["宗教信仰"] || len(terms.Items) != 4 {
			t.Errorf("offered %v", offered)
		}
		if want := (govdata.Date{Year: 2026, Month: 3, Day: 3}); terms.ValidFrom != want { // the fixture's today is 2026-03-02
			t.Errorf("valid from %v", terms.ValidFrom)
		}
		// The applicant's own data, and a non-officer, are refused with a reason.
		if r := must(apps.ApplicationTerms(provider, entry.ID))(t).Refusal; r == nil || r.ZH != govdata.MsgOwnData.ZH {
			t.Errorf("own data: %+v", r)
		}
		if r := must(apps.ApplicationTerms(f.as(govdata.RoleLeader, f.cityHR), entry.ID))(t).Refusal; r == nil {
			t.Errorf("a leader's terms carry no refusal")
		}
		// The light path has no leader: masks stay.
		light := entryInput("企业登记信息")
		light.ShareType, light.ShareConditions = govdata.ShareUnconditional, ""
		light.Items = light.Items[:2]
		le := f.publish(t, provider, f.cityBureau, light)
		lt := must(apps.ApplicationTerms(consumer, le.ID))(t)
		if lt.LiftsMasks || lt.UnmaskRefusal == nil || lt.UnmaskRefusal.ZH != govdata.MsgUnmaskNoLeader.ZH || lt.RegionScope || lt.RegionRefusal == nil {
			t.Errorf("light terms %+v", lt)
		}
		draft := must(f.cat.CreateEntry(provider, entryInput("未发布资源")))(t)
		if _, err := apps.ApplicationTerms(consumer, draft.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("another department's draft: %v", err)
		}
	})
}

// TestApplicationStanding: an open application carries its current step,
// due date and working days left for the applicant too (CAL-3), the
// departments' and the entry's names in lists, and the actions only the
// step's actor may take.
func TestApplicationStanding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "default")
		provider, consumer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleOfficer, f.cityHR)
		bureau := f.as(govdata.RoleReviewer, f.cityBureau)
		entry := f.publish(t, provider, f.cityBureau, entryInput("人口基础信息"))
		apps := sqlstore.NewApplicationService(f.base, f.flows)
		app := must(apps.Apply(consumer, goodApplication(entry.ID)))(t)
		if app.Step != "forward" || app.Due == nil || app.WorkingDaysLeft == nil || app.WorkingDaysLate != nil || len(app.Actions) != 0 {
			t.Fatalf("the applicant's view %+v", app)
		}
		seen := must(apps.FindApplicationByID(bureau, app.ID))(t)
		if len(seen.Actions) != 3 || seen.Actions[0] != govdata.ActionForward {
			t.Errorf("the bureau's actions %v", seen.Actions)
		}
		list := must(apps.FindApplications(provider, govdata.ApplicationFilter{Side: "provider"}))(t)
		if len(list.Items) != 1 || list.Items[0].EntryName != "人口基础信息" || list.Items[0].Step != "forward" || list.Items[0].WorkingDaysLeft == nil ||
			list.Items[0].ApplicantDepartmentName == "" || list.Items[0].ProviderDepartmentName == "" {
			t.Fatalf("list %+v", list.Items)
		}
		// Overdue once the due day has ended.
		f.clock.Advance(30 * 24 * time.Hour)
		late := must(apps.FindApplicationByID(consumer, app.ID))(t)
		if late.WorkingDaysLate == nil || *late.WorkingDaysLate < 1 || late.WorkingDaysLeft != nil {
			t.Errorf("overdue %+v", late)
		}
		// Closed: no step, no standing.
		must(apps.Decide(bureau, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionReject, Reason: "超出履职范围", ReasonCategory: govdata.RefusalLaw}))(t)
		closed := must(apps.FindApplications(consumer, govdata.ApplicationFilter{Side: "applicant"}))(t).Items[0]
		if closed.Step != "" || closed.Due != nil || closed.WorkingDaysLeft != nil {
			t.Errorf("closed %+v", closed)
		}
	})
}
