package sqlstore_test

import (
	"context"
	"sync"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestPostgresRoundTrips counts what requests cost PostgreSQL, where each
// statement is a round trip to another process (PRODUCT.md §5). A data-service
// call reads once (its rows, under the guard that the target its
// credential's last call found still holds; the first call of a
// credential reads its target first) and writes nothing of its own: its nonce, usage and record go with its
// batch's, whose statements do not grow with the batch (BEGIN, the chain's
// lock and head, the credentials still active, the nonces, the
// credentials' last use, the grants' and days' usage, the records, the
// head, COMMIT). Its credential is not read for it: the HTTP layer may
// verify the signature with a remembered secret, and the batch checks it. The audited writes of people
// (a login, a review decision) are counted and bounded too.
func TestPostgresRoundTrips(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("no PostgreSQL")
	}
	f := newServiceFixture(t, storetest.Postgres, 100)
	f.grantFor(t, f.application(govdata.MethodAPI, nil, "公民身份号码", "姓名", "行政区划代码", "补贴金额"))
	q := govdata.ServiceQuery{Page: govdata.Page{Limit: 20}}
	call := func() {
		if r, err := f.data.Records(f.system(), f.entry.ResourceCode, q); err != nil || len(r.Items) != 20 {
			t.Errorf("records: %v", err)
		}
	}
	cost := func(do func()) sqlstore.Stats {
		before := f.db.Stats()
		do()
		after := f.db.Stats()
		return sqlstore.Stats{Statements: after.Statements - before.Statements, Commits: after.Commits - before.Commits}
	}
	for range 3 {
		call() // the published content and the columns are read once; statements are prepared once per connection
	}

	const reads, batchWrites = 1, 4 // BEGIN, the opening pipeline (chain head, credentials, nonces), the closing pipeline, COMMIT
	one := cost(call)
	t.Logf("a records call alone: %d statements, %d commit", one.Statements, one.Commits)
	if one.Commits != 1 || one.Statements > reads+batchWrites {
		t.Errorf("a records call alone: %+v, want 1 commit and at most %d statements", one, reads+batchWrites)
	}

	const calls = 64
	many := cost(func() {
		var wg sync.WaitGroup
		for range calls {
			wg.Go(call)
		}
		wg.Wait()
	})
	t.Logf("%d records calls at once: %d statements (%.2f a call), %d commits (%.2f a call)", calls, many.Statements,
		float64(many.Statements)/calls, many.Commits, float64(many.Commits)/calls)
	if many.Statements > reads*calls+batchWrites*many.Commits {
		t.Errorf("%d calls in %d commits sent %d statements, want at most %d a call and %d a commit",
			calls, many.Commits, many.Statements, reads, batchWrites)
	}
	if many.Commits >= calls {
		t.Errorf("%d calls at once took %d commits: the committer shares none", calls, many.Commits)
	}

	users, auth := sqlstore.NewUserService(f.db), sqlstore.NewAuthService(f.db)
	if _, err := users.CreateUser(storetest.System(), govdata.UserInput{Username: "zhang.san", Password: "Govdata-2026!", Name: "张三",
		DepartmentID: f.cityHR, Roles: []govdata.Role{govdata.RoleOfficer}}); err != nil {
		t.Fatal(err)
	}
	login := cost(func() {
		if _, err := auth.Login(context.Background(), "zhang.san", "Govdata-2026!"); err != nil {
			t.Error(err)
		}
	})
	t.Logf("a login: %d statements, %d commit", login.Statements, login.Commits)
	if login.Commits != 1 || login.Statements > 14 {
		t.Errorf("a login: %+v, want 1 commit and at most 14 statements", login)
	}

	officer, reviewer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleReviewer, f.cityBureau)
	d := must(f.cat.CreateEntry(officer, entryInput("机动车登记信息")))(t)
	must(f.cat.Submit(officer, d.ID))(t)
	decision := cost(func() {
		if _, err := f.cat.Review(reviewer, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}); err != nil {
			t.Error(err)
		}
	})
	t.Logf("a review decision: %d statements, %d commit", decision.Statements, decision.Commits)
	if decision.Commits != 1 || decision.Statements > 36 {
		t.Errorf("a review decision: %+v, want 1 commit and at most 36 statements", decision)
	}
}
