package sqlstore_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// goodScenario covers goodApplication: two items, the city's rows, by API
// or file, for up to a year.
func goodScenario(entry, consumer int64) govdata.ScenarioInput {
	return govdata.ScenarioInput{CatalogID: entry, Name: "社保待遇资格认证", ConsumerDepartment: consumer, Items: []string{"公民身份号码", "姓名"},
		Purpose: "核验参保人身份", LegalBasis: "《社会保险法》第七十四条", Methods: []govdata.ShareMethod{govdata.MethodAPI, govdata.MethodFile},
		RegionScope: []string{"230100"}, MaxDays: 365}
}

// mustAudit fails unless the store holds exactly n records of action on object.
func mustAudit(t *testing.T, db *sqlstore.DB, action string, object int64, n int) {
	t.Helper()
	l := must(sqlstore.NewAuditService(db).FindAudit(storetest.System(), govdata.AuditFilter{Action: action, ObjectID: itoa(object)}))(t)
	if len(l.Items) != n {
		t.Errorf("%d audit records of %s on %d, want %d", len(l.Items), action, object, n)
	}
}

// LS-19(三): the provider's leader or the bureau's reviewer registers a
// scenario; an application within it is approved and granted at once, in
// one write, with no workflow; one outside it, or filed after the
// scenario is retired, goes through the chain.
func TestScenarioDirectGrant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "lishui-2020")
		provider, consumer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleOfficer, f.cityHR)
		leader, bureau := f.as(govdata.RoleLeader, f.cityPolice), f.as(govdata.RoleReviewer, f.cityBureau)
		entry := f.publish(t, provider, f.cityBureau, entryInput("人口基础信息"))
		apps, grants, scenarios := sqlstore.NewApplicationService(f.base, f.flows), sqlstore.NewGrantService(f.base, sqlstore.NewCredentialService(f.db)), sqlstore.NewScenarioService(f.base)

		// Who registers: not the provider's officer, not the consumer's
		// leader, not a bureau other than the one that checks the entry.
		for name, ctx := range map[string]context.Context{
			"provider's officer": provider, "consumer's leader": f.as(govdata.RoleLeader, f.cityHR),
			"county bureau": f.as(govdata.RoleReviewer, f.countyBureau), "province bureau": f.as(govdata.RoleReviewer, f.provinceBureau),
		} {
			if _, err := scenarios.Register(ctx, goodScenario(entry.ID, f.cityHR)); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
				t.Errorf("%s registering: %v", name, err)
			}
		}
		bad := goodScenario(entry.ID, 999999)
		if _, err := scenarios.Register(leader, bad); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("an unknown consumer: %v", err)
		}
		bad = goodScenario(entry.ID, f.cityHR)
		bad.Items = []string{"籍贯"}
		if _, err := scenarios.Register(leader, bad); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("an item not in the entry: %v", err)
		}
		if _, err := scenarios.Register(leader, goodScenario(entry.ID+1000, f.cityHR)); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("no such entry: %v", err)
		}
		if l := must(scenarios.FindScenarios(bureau, govdata.ScenarioFilter{}))(t); len(l.Items) != 0 {
			t.Fatalf("refused registrations left %d scenarios", len(l.Items))
		}

		sc := must(scenarios.Register(leader, goodScenario(entry.ID, f.cityHR)))(t)
		if sc.State != govdata.ScenarioActive || sc.ProviderDepartment != f.cityPolice || sc.ResourceCode != entry.ResourceCode ||
			sc.RegisteredBy != "leader@"+itoa(f.cityPolice) || len(sc.Methods) != 2 || sc.RegionScope[0] != "230100" {
			t.Fatalf("registered %+v", sc)
		}
		mustAudit(t, f.db, "scenario.register", sc.ID, 1)
		other := must(scenarios.Register(bureau, goodScenario(entry.ID, f.countyPolice)))(t)

		// Within the scenario: approved and granted at once, no workflow.
		app := must(apps.Apply(consumer, goodApplication(entry.ID)))(t)
		if app.State != govdata.ApplicationApproved || app.ScenarioID != sc.ID || app.GrantID == 0 || app.Workflow != nil {
			t.Fatalf("within the scenario %+v", app)
		}
		g := must(grants.FindGrantByID(consumer, app.GrantID))(t)
		if g.State != govdata.GrantActive || g.ApplicationID != app.ID || g.ConsumerDepartment != f.cityHR || len(g.Items) != 2 ||
			g.RegionScope[0] != "230102" || g.ValidFrom.String() != "2026-03-02" || g.ValidUntil.String() != "2027-03-01" {
			t.Fatalf("grant %+v", g)
		}
		mustAudit(t, f.db, "grant.create", g.ID, 1)
		if got := must(apps.FindApplicationByID(provider, app.ID))(t); got.ScenarioID != sc.ID || got.Workflow != nil {
			t.Errorf("read back %+v", got)
		}
		if _, err := apps.Decide(bureau, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionForward}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("deciding a scenario's grant: %v", err)
		}
		if tasks := must(f.flows.FindTasks(bureau, govdata.TaskFilter{}))(t); len(tasks.Items) != 0 {
			t.Errorf("a direct grant left %d tasks", len(tasks.Items))
		}

		// Outside it: the chain.
		chain := func(name string, ctx context.Context, edit func(*govdata.ApplicationInput)) {
			t.Helper()
			in := goodApplication(entry.ID)
			if edit != nil {
				edit(&in)
			}
			a := must(apps.Apply(ctx, in))(t)
			if a.State != govdata.ApplicationOpen || a.ScenarioID != 0 || a.GrantID != 0 || a.Workflow == nil || a.Workflow.Step != "forward" {
				t.Errorf("%s: %+v", name, a)
			}
		}
		chain("an extra item", consumer, func(a *govdata.ApplicationInput) { a.Items = append(a.Items, "行政区划代码") })
		chain("a wider region", consumer, func(a *govdata.ApplicationInput) { a.RegionScope = []string{"230000"} })
		chain("all rows", consumer, func(a *govdata.ApplicationInput) { a.RegionScope = nil })
		chain("a longer period", consumer, func(a *govdata.ApplicationInput) { a.ValidUntil = govdata.Date{Year: 2027, Month: 3, Day: 3} })
		chain("another method", consumer, func(a *govdata.ApplicationInput) { a.Method = govdata.MethodSubscription })
		chain("another department", f.as(govdata.RoleOfficer, f.provinceBureau), nil)

		// Who sees scenarios: the provider, the consumer, reviewers.
		if _, err := scenarios.FindScenarioByID(f.as(govdata.RoleOfficer, f.countyPolice), sc.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("another department reading: %v", err)
		}
		must(scenarios.FindScenarioByID(consumer, sc.ID))(t)
		if l := must(scenarios.FindScenarios(consumer, govdata.ScenarioFilter{}))(t); len(l.Items) != 1 || l.Items[0].ID != sc.ID {
			t.Errorf("the consumer's list %+v", l)
		}
		first := must(scenarios.FindScenarios(provider, govdata.ScenarioFilter{EntryID: entry.ID, Page: govdata.Page{Limit: 1}}))(t)
		rest := must(scenarios.FindScenarios(provider, govdata.ScenarioFilter{EntryID: entry.ID, Page: govdata.Page{Limit: 1, Cursor: first.NextCursor}}))(t)
		if len(first.Items) != 1 || first.Items[0].ID != other.ID || first.NextCursor == "" || len(rest.Items) != 1 || rest.Items[0].ID != sc.ID || rest.NextCursor != "" {
			t.Errorf("pages %+v %+v", first, rest)
		}
		if l := must(scenarios.FindScenarios(bureau, govdata.ScenarioFilter{DepartmentID: f.countyPolice}))(t); len(l.Items) != 1 || l.Items[0].ID != other.ID {
			t.Errorf("by department %+v", l)
		}
		if _, err := scenarios.FindScenarios(bureau, govdata.ScenarioFilter{Page: govdata.Page{Cursor: "x"}}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("a bad cursor: %v", err)
		}

		// Retiring: the same people, with a reason, once; then the chain.
		if _, err := scenarios.Retire(consumer, sc.ID, govdata.ScenarioRetirement{Reason: "x"}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("the consumer retiring: %v", err)
		}
		if _, err := scenarios.Retire(f.as(govdata.RoleReviewer, f.countyBureau), sc.ID, govdata.ScenarioRetirement{Reason: "x"}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("another bureau retiring: %v", err)
		}
		if _, err := scenarios.Retire(bureau, sc.ID, govdata.ScenarioRetirement{Reason: " "}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("no reason: %v", err)
		}
		sc = must(scenarios.Retire(bureau, sc.ID, govdata.ScenarioRetirement{Reason: "业务调整"}))(t)
		if sc.State != govdata.ScenarioRetired || sc.RetireReason != "业务调整" || sc.RetiredAt == nil || sc.RetiredBy == "" {
			t.Fatalf("retired %+v", sc)
		}
		mustAudit(t, f.db, "scenario.retire", sc.ID, 1)
		if _, err := scenarios.Retire(leader, sc.ID, govdata.ScenarioRetirement{Reason: "again"}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("retiring twice: %v", err)
		}
		chain("a retired scenario", consumer, nil)
		// The grant it made stays.
		if g := must(grants.FindGrantByID(consumer, app.GrantID))(t); g.State != govdata.GrantActive {
			t.Errorf("after retiring: grant %s", g.State)
		}
	})
}

// A profile without LS-19(三) registers no scenario, and one already in
// the store never short-cuts the chain.
func TestScenarioDefaultProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "lishui-2020")
		provider, consumer, leader := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleOfficer, f.cityHR), f.as(govdata.RoleLeader, f.cityPolice)
		entry := f.publish(t, provider, f.cityBureau, entryInput("人口基础信息"))
		sc := must(sqlstore.NewScenarioService(f.base).Register(leader, goodScenario(entry.ID, f.cityHR)))(t)

		p, err := profiles.Load("default")
		if err != nil {
			t.Fatal(err)
		}
		base := sqlstore.NewBase(f.db, p, beijing)
		if _, err := sqlstore.NewScenarioService(base).Register(leader, goodScenario(entry.ID, f.cityHR)); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("registering under the default profile: %v", err)
		}
		app := must(sqlstore.NewApplicationService(base, sqlstore.NewWorkflowService(base)).Apply(consumer, goodApplication(entry.ID)))(t)
		if app.State != govdata.ApplicationOpen || app.ScenarioID != 0 || app.GrantID != 0 || app.Workflow == nil {
			t.Errorf("scenario %d under the default profile: %+v", sc.ID, app)
		}
	})
}

// 0016 rebuilds the applications table on SQLite (workflow_id becomes
// optional) while grants reference it: the rows and the references survive
// going down and up again.
func TestScenarioMigrationKeepsApplications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "default")
		provider, consumer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleOfficer, f.cityHR)
		bureau, leader := f.as(govdata.RoleReviewer, f.cityBureau), f.as(govdata.RoleLeader, f.cityPolice)
		apps := sqlstore.NewApplicationService(f.base, f.flows)
		entry := f.publish(t, provider, f.cityBureau, entryInput("人口基础信息"))
		app := must(apps.Apply(consumer, goodApplication(entry.ID)))(t)
		must(apps.Decide(bureau, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionForward}))(t)
		must(apps.Decide(provider, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
		app = must(apps.Decide(leader, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionSign}))(t)
		open := must(apps.Apply(consumer, goodApplication(entry.ID)))(t)

		if err := f.db.RemigrateForTest(context.Background(), 15); err != nil {
			t.Fatal(err)
		}
		if e == storetest.SQLite {
			rows, err := storetest.SQL(t, f.db).Query(context.Background(), "PRAGMA foreign_key_check")
			if err != nil {
				t.Fatal(err)
			}
			if rows.Next() {
				t.Errorf("foreign keys broken after the rebuild")
			}
			rows.Close()
		}
		got := must(apps.FindApplicationByID(consumer, app.ID))(t)
		if got.State != govdata.ApplicationApproved || got.GrantID != app.GrantID || got.Workflow == nil || len(got.Workflow.History) != 3 {
			t.Errorf("approved application after the migration %+v", got)
		}
		must(sqlstore.NewGrantService(f.base, sqlstore.NewCredentialService(f.db)).FindGrantByID(consumer, app.GrantID))(t)
		// New rows take new ids.
		next := must(apps.Apply(consumer, goodApplication(entry.ID)))(t)
		if next.ID <= open.ID {
			t.Errorf("id %d after %d", next.ID, open.ID)
		}
		must(apps.Decide(bureau, open.ID, govdata.ApplicationDecision{Decision: govdata.ActionForward}))(t)
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
