package sqlstore_test

// Benchmarks of the workflow engine's deadline queries (CAL-3; issue 3:
// "the supervision query with 100,000 open steps"), run on every engine the
// harness offers (PostgreSQL when GOVDATA_TEST_POSTGRES is set):
//
//	GOVDATA_TEST_POSTGRES='postgres://…' go test ./sqlstore -run '^$' -bench 'Supervision|Sweep' -benchtime 3x
//
// Each engine's store holds -workflow-steps open instances (default
// 100,000) of the default profile's workflows, filled by
// FillWorkflowsForTest: ten departments, one of them the bureau of all;
// due dates over the 60 days around today (2026-02-12); a fifth already
// marked overdue, the rest of those past due left as a sweeper that was
// down would leave them.
//   - BenchmarkSupervisionOverdue/<engine>/FindOverdue: one op is the
//     first page (50) of the bureau reviewer's supervision list.
//   - BenchmarkSupervisionOverdue/<engine>/FindTasks: one op is the first
//     page of one provider officer's inbox.
//   - BenchmarkSweepDeadlines/<engine>: one op is one full deadline sweep
//     of the store, catching up on every step past due and reminding the
//     steps due by the next working day (the work is undone, untimed,
//     between ops); steps/s is the steps it handled per second, and
//     steps/sweep, notices/sweep what one sweep did.
//
// Nothing here runs without -bench: fixtures are built inside the benchmarks.

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

var benchWorkflowSteps = flag.Int("workflow-steps", 100000, "open workflow instances the workflow benchmarks fill")

// benchFlows is a store filled with open workflow instances.
type benchFlows struct {
	flows             *sqlstore.WorkflowService
	fill              sqlstore.WorkflowFill
	reviewer, officer govdata.Actor
}

// newBenchFlows opens a store of engine e with the shipped calendar, ten
// departments (the first the bureau) and their users, and fills it.
func newBenchFlows(b *testing.B, e storetest.Engine) *benchFlows {
	b.Helper()
	opts := storetest.Options()
	opts.Clock = storetest.NewClock(time.Date(2026, 2, 12, 2, 0, 0, 0, time.UTC)) // 10:00 Beijing
	db := storetest.Open(b, e, &opts)
	sys := storetest.System()
	years, err := holidays.China()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sqlstore.NewCalendarService(db).SeedCalendarYears(sys, years); err != nil {
		b.Fatal(err)
	}
	if _, err := sqlstore.NewRegionService(db).CreateRegion(sys, govdata.RegionInput{Code: "230000", Name: "黑龙江省"}); err != nil {
		b.Fatal(err)
	}
	if _, err := sqlstore.NewRegionService(db).CreateRegion(sys, govdata.RegionInput{Code: "230100", Name: "哈尔滨市"}); err != nil {
		b.Fatal(err)
	}
	depts := sqlstore.NewDepartmentService(db)
	users := sqlstore.NewUserService(db)
	user := func(name string, dept int64, role govdata.Role) govdata.Actor {
		b.Helper()
		u, err := users.CreateUserWithPassword(sys, govdata.UserInput{Username: name, Password: "Bench-pass-1234", Name: name,
			DepartmentID: dept, Roles: []govdata.Role{role}}, false)
		if err != nil {
			b.Fatal(err)
		}
		return govdata.Actor{UserID: u.ID, Username: u.Username, Roles: u.Roles, DepartmentID: u.DepartmentID}
	}
	var ids []int64
	f := &benchFlows{}
	for i := range 10 {
		code := fmt.Sprintf("1123010000000000%d", i)
		c, _ := govdata.CreditCodeCheckChar(code)
		d, err := depts.CreateDepartment(sys, govdata.DepartmentInput{Name: fmt.Sprintf("哈尔滨市第%d部门", i), CreditCode: code + string(c),
			RegionCode: "230100", Level: govdata.LevelCity})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, d.ID)
		if i == 0 {
			f.reviewer = user("reviewer.0a", d.ID, govdata.RoleReviewer)
			user("reviewer.0b", d.ID, govdata.RoleReviewer)
			continue
		}
		a := user(fmt.Sprintf("officer.%d", i), d.ID, govdata.RoleOfficer)
		if i == 1 {
			f.officer = a
		}
		user(fmt.Sprintf("leader.%d", i), d.ID, govdata.RoleLeader)
		user(fmt.Sprintf("supervisor.%d", i), d.ID, govdata.RoleSupervisor)
	}
	user("secadmin", 0, govdata.RoleSecadmin)
	p, err := profiles.Shipped(profiles.Default)
	if err != nil {
		b.Fatal(err)
	}
	f.flows = sqlstore.NewWorkflowService(sqlstore.NewBase(db, p, beijing))
	start := time.Now()
	f.fill, err = f.flows.FillWorkflowsForTest(context.Background(), *benchWorkflowSteps, ids[0], ids[1:])
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: filled %+v in %v", e, f.fill, time.Since(start).Round(time.Millisecond))
	return f
}

func BenchmarkSupervisionOverdue(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			f := newBenchFlows(b, e)
			b.Run("FindOverdue", func(b *testing.B) {
				ctx := storetest.As(f.reviewer)
				b.ReportAllocs()
				for b.Loop() {
					l, err := f.flows.FindOverdue(ctx, govdata.Page{Limit: 50})
					if err != nil {
						b.Fatal(err)
					}
					if len(l.Items) != 50 || l.NextCursor == "" {
						b.Fatalf("first page of the supervision list: %d items, next %q", len(l.Items), l.NextCursor)
					}
				}
			})
			b.Run("FindTasks", func(b *testing.B) {
				ctx := storetest.As(f.officer)
				b.ReportAllocs()
				for b.Loop() {
					l, err := f.flows.FindTasks(ctx, govdata.TaskFilter{})
					if err != nil {
						b.Fatal(err)
					}
					if len(l.Items) != govdata.DefaultLimit || l.NextCursor == "" {
						b.Fatalf("first page of the inbox: %d items, next %q", len(l.Items), l.NextCursor)
					}
				}
			})
		})
	}
}

func BenchmarkSweepDeadlines(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			f := newBenchFlows(b, e)
			ctx, sys := context.Background(), storetest.System()
			var first govdata.SweepResult
			steps := 0
			for b.Loop() {
				b.StopTimer()
				if err := f.flows.ResetSweepForTest(ctx); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				r, err := f.flows.SweepDeadlines(sys, 1)
				if err != nil {
					b.Fatal(err)
				}
				if first == (govdata.SweepResult{}) {
					first = r
					// Every step past due and not yet marked is marked and escalated.
					if want := f.fill.PastDue - f.fill.Overdue; r.Overdue != want || r.Escalated != want || r.Reminded == 0 {
						b.Fatalf("sweep: %+v, want %d steps overdue and escalated and some reminded (fill %+v)", r, want, f.fill)
					}
				} else if r != first {
					b.Fatalf("sweep %+v after a reset, the first did %+v", r, first)
				}
				steps += r.Overdue + r.Reminded
			}
			b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
			b.ReportMetric(float64(first.Overdue+first.Reminded), "steps/sweep")
			b.ReportMetric(float64(first.Notified), "notices/sweep")
		})
	}
}
