package storetest

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
)

// TestConcurrency covers the store under concurrent writes: group commit
// keeps every write and its audit record together, in one chain (SEC-1, §6).
func TestConcurrency(t *testing.T, e Engine) {
	t.Run("parallel writes", func(t *testing.T) {
		var maxBatch atomic.Int64
		f := newFixture(t, e, func(o *sqlstore.Options) {
			o.Hooks.CommitDone = func(_ time.Duration, jobs int) {
				for {
					m := maxBatch.Load()
					if int64(jobs) <= m || maxBatch.CompareAndSwap(m, int64(jobs)) {
						return
					}
				}
			}
		})
		o := f.seed()
		mustRegion(t, f, "350300", "莆田市")
		before := f.auditHead()
		const n = 64
		start := make(chan struct{})
		errs := make(chan error, 2*n)
		var wg sync.WaitGroup
		for i := 1; i <= n; i++ {
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				_, err := f.regions.CreateRegion(o.asAdmin, govdata.RegionInput{Code: fmt.Sprintf("3503%02d", i), Name: fmt.Sprintf("县%02d", i)})
				errs <- err
			}()
			go func() {
				defer wg.Done()
				<-start
				_, err := f.users.CreateUser(o.asAdmin, govdata.UserInput{Username: fmt.Sprintf("user%02d", i), Password: testPassword,
					Name: fmt.Sprintf("用户%02d", i), DepartmentID: o.dept1.ID, Roles: []govdata.Role{govdata.RoleOfficer}})
				errs <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent write: %v", err)
			}
		}
		l, err := f.regions.FindRegions(System(), govdata.RegionFilter{ParentCode: "350300", Page: govdata.Page{Limit: 100}})
		if err != nil || len(l.Items) != n {
			t.Fatalf("%d regions under 350300, %v; want %d", len(l.Items), err, n)
		}
		users, err := f.users.FindUsers(o.asAdmin, govdata.UserFilter{DepartmentID: o.dept1.ID, Page: govdata.Page{Limit: 100}})
		if err != nil || len(users.Items) != n+1 {
			t.Fatalf("%d users in the department, %v; want %d", len(users.Items), err, n+1)
		}
		if got := f.auditHead(); got != before+2*n {
			t.Fatalf("%d audit records, want %d", got, before+2*n)
		}
		rs := f.auditAfter(before)
		count := map[string]int{}
		for i, r := range rs {
			if r.Seq != before+int64(i)+1 || r.Result != govdata.AuditOK || r.ActorName != "admin" {
				t.Fatalf("record %d: %+v", i, *r)
			}
			count[r.Action]++
		}
		if count["region.create"] != n || count["user.create"] != n {
			t.Fatalf("records by action %v, want %d of each", count, n)
		}
		t.Logf("largest commit batch: %d writes", maxBatch.Load())
	})

	t.Run("a failing write in a batch", func(t *testing.T) {
		// Hold the committer inside one commit, queue a known set of writes,
		// then let it go: they all share the next transaction, so the failing
		// ones must roll back alone (savepoints) while the others land.
		var (
			mu      sync.Mutex
			batches []int
			holding atomic.Bool
			held    = make(chan struct{})
			release = make(chan struct{})
		)
		f := newFixture(t, e, func(o *sqlstore.Options) {
			o.Hooks.CommitDone = func(_ time.Duration, jobs int) {
				mu.Lock()
				batches = append(batches, jobs)
				mu.Unlock()
				if holding.CompareAndSwap(true, false) {
					close(held)
					<-release
				}
			}
		})
		o := f.seed()
		before := f.auditHead()
		holding.Store(true)
		holder := make(chan error, 1)
		go func() {
			_, err := f.regions.CreateRegion(o.asAdmin, govdata.RegionInput{Code: "350400", Name: "三明市"})
			holder <- err
		}()
		<-held

		type result struct {
			kind string
			err  error
		}
		var writes []func() result
		add := func(times int, kind string, fn func(i int) error) {
			for i := range times {
				writes = append(writes, func() result { return result{kind, fn(i)} })
			}
		}
		region := func(code, name string) func(int) error {
			return func(int) error {
				_, err := f.regions.CreateRegion(o.asAdmin, govdata.RegionInput{Code: code, Name: name})
				return err
			}
		}
		add(10, "region", func(i int) error {
			_, err := f.regions.CreateRegion(o.asAdmin, govdata.RegionInput{Code: fmt.Sprintf("3504%02d", i+1), Name: fmt.Sprintf("区%d", i)})
			return err
		})
		add(5, "same new region", region("350411", "新区"))
		add(5, "existing region", region("350100", "福州市"))
		add(3, "import failing at its last row", func(int) error {
			_, err := f.regions.ImportRegions(o.asAdmin, []govdata.RegionInput{
				{Code: "360000", Name: "江西省"}, {Code: "360100", Name: "南昌市"}, {Code: "360102", Name: "东湖区"},
				{Code: "370102", Name: "历下区"}}) // 山东省 exists nowhere
			return err
		})
		add(1, "import", func(int) error {
			_, err := f.regions.ImportRegions(o.asAdmin, []govdata.RegionInput{{Code: "350502", Name: "鲤城区"}, {Code: "350500", Name: "泉州市"}})
			return err
		})
		add(5, "user", func(i int) error {
			_, err := f.users.CreateUser(o.asAdmin, govdata.UserInput{Username: fmt.Sprintf("user%d", i), Password: testPassword,
				Name: "用户", DepartmentID: o.dept1.ID, Roles: []govdata.Role{govdata.RoleOfficer}})
			return err
		})
		add(5, "same new user", func(int) error {
			_, err := f.users.CreateUser(o.asAdmin, govdata.UserInput{Username: "dup.user", Password: testPassword,
				Name: "重复", DepartmentID: o.dept1.ID, Roles: []govdata.Role{govdata.RoleOfficer, govdata.RoleLeader}})
			return err
		})
		shared := deptInput("三明市数据局", "350400", 0)
		add(3, "same new department", func(int) error {
			_, err := f.depts.CreateDepartment(o.asAdmin, shared)
			return err
		})
		add(1, "department with unknown parent", func(int) error {
			_, err := f.depts.CreateDepartment(o.asAdmin, deptInput("孤儿", "350400", 9999))
			return err
		})

		results := make(chan result, len(writes))
		for _, w := range writes {
			go func() { results <- w() }()
		}
		deadline := time.Now().Add(30 * time.Second)
		for f.db.QueuedWrites() < len(writes) {
			if time.Now().After(deadline) {
				close(release)
				t.Fatalf("only %d of %d writes queued", f.db.QueuedWrites(), len(writes))
			}
			runtime.Gosched()
		}
		mu.Lock()
		mark := len(batches)
		mu.Unlock()
		close(release)
		if err := <-holder; err != nil {
			t.Fatal(err)
		}
		got := map[string]map[govdata.ErrorCode]int{}
		for range writes {
			r := <-results
			if got[r.kind] == nil {
				got[r.kind] = map[govdata.ErrorCode]int{}
			}
			got[r.kind][govdata.ErrorCodeOf(r.err)]++
		}
		mu.Lock()
		after := append([]int(nil), batches[mark:]...)
		mu.Unlock()
		if len(after) == 0 || after[0] != len(writes) {
			t.Fatalf("commits after the release %v, want the first to carry all %d writes", after, len(writes))
		}

		want := map[string]map[govdata.ErrorCode]int{
			"region":                         {"": 10},
			"same new region":                {"": 1, govdata.ECONFLICT: 4},
			"existing region":                {govdata.ECONFLICT: 5},
			"import failing at its last row": {govdata.EINVALID: 3},
			"import":                         {"": 1},
			"user":                           {"": 5},
			"same new user":                  {"": 1, govdata.ECONFLICT: 4},
			"same new department":            {"": 1, govdata.ECONFLICT: 2},
			"department with unknown parent": {govdata.EINVALID: 1},
		}
		if js(got) != js(want) {
			t.Fatalf("outcomes %s, want %s", js(got), js(want))
		}
		// Nothing of the failed writes remains…
		for _, code := range []string{"360000", "360100", "360102", "370102"} {
			_, err := f.regions.FindRegionByCode(System(), code)
			wantCode(t, err, govdata.ENOTFOUND)
		}
		if l, _ := f.depts.FindDepartments(System(), govdata.DepartmentFilter{RegionCode: "350400"}); len(l.Items) != 1 {
			t.Fatalf("%d departments in 350400, want 1", len(l.Items))
		}
		u, err := f.users.FindUserByUsername(o.asAdmin, "dup.user")
		if err != nil {
			t.Fatal(err)
		}
		// The sysadmin's business roles wait for the secadmin (等保 三员分立).
		if h, _ := f.users.FindRoleHistory(o.asAdmin, u.ID); len(h) != 0 || len(u.PendingRoles) != 2 {
			t.Fatalf("dup.user has %d role periods and %d requests, want 0 and 2 (none left by the failed copies)", len(h), len(u.PendingRoles))
		}
		// …everything of the others does, each with exactly one record, in one intact chain.
		for _, code := range []string{"350401", "350410", "350411", "350500", "350502"} {
			if _, err := f.regions.FindRegionByCode(System(), code); err != nil {
				t.Fatalf("%s: %v", code, err)
			}
		}
		if n, _ := f.users.CountUsers(context.Background()); n != 5+5+1 {
			t.Fatalf("%d users, want 11", n)
		}
		succeeded := 1 + 10 + 1 + 1 + 5 + 1 + 1 // with the holder
		rs := f.auditAfter(before)
		if len(rs) != succeeded {
			t.Fatalf("%d audit records, want %d: %s", len(rs), succeeded, describe(rs))
		}
		for _, r := range rs {
			if r.Result != govdata.AuditOK {
				t.Fatalf("record of a failed write: %s", describe(rs))
			}
		}
		if got := f.auditHead(); got != before+int64(succeeded) {
			t.Fatalf("chain of %d records, want %d", got, before+int64(succeeded))
		}
		// The store goes on writing normally.
		mustRegion(t, f, "350600", "漳州市")
	})

	t.Run("write after close", func(t *testing.T) {
		f := newFixture(t, e)
		if err := f.db.Close(); err != nil {
			t.Fatal(err)
		}
		_, err := f.regions.CreateRegion(System(), govdata.RegionInput{Code: "350000", Name: "福建省"})
		wantCode(t, err, govdata.EINTERNAL)
	})
}
