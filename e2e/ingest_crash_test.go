package e2e_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// crashRows is the size of the upload cut off by the kill.
const crashRows = 300_000

// ingestEntry takes a catalog entry with a key item through the API, from
// the sysadmin's set-up to the reviewer's approval, and returns the
// server's officer token and the entry's id.
func ingestEntry(t *testing.T, st *store, srv *server) (officer string, entry int64) {
	t.Helper()
	admin := srv.login("admin", adminPassword).Token
	srv.mustCall("POST", "/api/v1/regions", admin, govdata.RegionInput{Code: "230000", Name: "黑龙江省"}, http.StatusCreated, nil)
	srv.mustCall("POST", "/api/v1/regions", admin, govdata.RegionInput{Code: "230100", Name: "哈尔滨市"}, http.StatusCreated, nil)
	var bureau, provider govdata.Department
	srv.mustCall("POST", "/api/v1/departments", admin, govdata.DepartmentInput{Name: "哈尔滨市数据局", CreditCode: creditCode(t, "230100", 1),
		RegionCode: "230100", Level: govdata.LevelCity, Bureau: true}, http.StatusCreated, &bureau)
	srv.mustCall("POST", "/api/v1/departments", admin, govdata.DepartmentInput{Name: "哈尔滨市公安局", CreditCode: creditCode(t, "230100", 2),
		RegionCode: "230100", Level: govdata.LevelCity}, http.StatusCreated, &provider)
	const issued = "Issued-Pass-1"
	sec := srv.makeSecadmin(st, "secadmin")
	for _, u := range []govdata.UserInput{
		{Username: "reviewer", Password: issued, Name: "审核员", DepartmentID: bureau.ID, Roles: []govdata.Role{govdata.RoleReviewer}},
		{Username: "officer", Password: issued, Name: "数据专员", DepartmentID: provider.ID, Roles: []govdata.Role{govdata.RoleOfficer}},
	} {
		var created govdata.User
		srv.mustCall("POST", "/api/v1/users", admin, u, http.StatusCreated, &created)
		srv.confirmRoles(sec, created.ID)
		srv.changePassword(srv.login(u.Username, issued).Token, issued, chosenPassword)
	}
	officer = srv.login("officer", chosenPassword).Token
	reviewer := srv.login("reviewer", chosenPassword).Token
	var e govdata.Entry
	srv.mustCall("POST", "/api/v1/catalog", officer, govdata.EntryInput{
		Name: "机动车登记信息", Summary: "机动车登记信息的摘要", Format: "数据库", UpdateCycle: govdata.CycleMonthly,
		Classification: govdata.Classification{Category: "3", Subcategory: "01", Group: "002"},
		ShareType:      govdata.ShareUnconditional, OpenType: govdata.OpenUnconditional, Grade: govdata.GradeGeneral,
		Items: []govdata.Item{
			{Name: "编号", Type: govdata.ItemChar, Length: 20, Sensitivity: 1, Key: true},
			{Name: "名称", Type: govdata.ItemChar, Length: 50, Sensitivity: 1},
		},
	}, http.StatusCreated, &e)
	path := "/api/v1/catalog/" + strconv.FormatInt(e.ID, 10)
	srv.mustCall("POST", path+"/submit", officer, nil, http.StatusOK, nil)
	srv.mustCall("POST", path+"/review", reviewer, map[string]string{"decision": "approve"}, http.StatusOK, &e)
	if e.Status != govdata.EntryPublished {
		t.Fatalf("entry after approval: status %q, want published", e.Status)
	}
	return officer, e.ID
}

const chosenPassword = "Chosen-Pass-2"

// rowsOf reads the whole dataset as 编号 → 名称.
func rowsOf(t *testing.T, srv *server, token string, entry int64) map[string]string {
	t.Helper()
	var rows govdata.RowList
	srv.mustCall("GET", fmt.Sprintf("/api/v1/catalog/%d/rows?limit=500", entry), token, nil, http.StatusOK, &rows)
	if rows.NextCursor != "" {
		t.Fatalf("more than 500 rows")
	}
	out := map[string]string{}
	for _, r := range rows.Items {
		if r.Values["编号"] == nil || r.Values["名称"] == nil {
			t.Fatalf("row %+v", r)
		}
		out[*r.Values["编号"]] = *r.Values["名称"]
	}
	return out
}

// stagingTables lists the tables of the store named like a staging table
// of the entry (ds_<entry>_b<batch>), reading the database directly.
func stagingTables(t *testing.T, st *store, entry int64) []string {
	t.Helper()
	var (
		db  *sql.DB
		err error
		q   string
	)
	if st.engine == storetest.Postgres {
		db, err = sql.Open("pgx", st.dsn)
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	} else {
		db, err = sql.Open("sqlite", "file:"+filepath.Join(st.dir, "govdata.db")+"?mode=ro&_pragma=busy_timeout(10000)")
		q = "SELECT name FROM sqlite_master WHERE type = 'table'"
	}
	if err != nil {
		t.Fatalf("open the database: %v", err)
	}
	defer db.Close()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	prefix := fmt.Sprintf("ds_%d_b", entry)
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestIngestSurvivesSIGKILL: SIGKILL while a large replace upload streams
// in. After the restart the batch is failed with a reason, the dataset
// is exactly the last applied batch's and no staging table is left
// (AGG-1, PRODUCT.md §6).
func TestIngestSurvivesSIGKILL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		st := newStore(t, e)
		srv := start(t, st, adminEnv)
		officer, entry := ingestEntry(t, st, srv)
		data := fmt.Sprintf("/api/v1/catalog/%d/data?mode=replace", entry)

		// The first batch, applied.
		first := "编号,名称\nK1,甲\nK2,乙\nK3,丙\n"
		want := map[string]string{"K1": "甲", "K2": "乙", "K3": "丙"}
		applied := postCSV(t, srv, officer, data, first)
		if applied.State != govdata.BatchApplied || applied.Report.RowsApplied != 3 {
			t.Fatalf("first batch %+v", applied)
		}
		if got := rowsOf(t, srv, officer, entry); !maps.Equal(got, want) {
			t.Fatalf("rows after the first batch %v, want %v", got, want)
		}

		// The second: a large CSV made on the fly, its body held open after
		// the last row so that the batch is still running when the kill comes.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		pr, pw := io.Pipe()
		go func() {
			w := bufio.NewWriterSize(pw, 64<<10)
			fmt.Fprint(w, "编号,名称\n")
			for i := range crashRows {
				if _, err := fmt.Fprintf(w, "N%d,新%d\n", i, i); err != nil {
					return // the request died with the server
				}
			}
			w.Flush()
			<-ctx.Done()
			pw.Close()
		}()
		upload := make(chan error, 1)
		go func() {
			req, err := http.NewRequestWithContext(ctx, "POST", srv.URL+data, pr)
			if err != nil {
				upload <- err
				return
			}
			req.Header.Set("Content-Type", "text/csv")
			req.Header.Set("Authorization", "Bearer "+officer)
			hc := &http.Client{Transport: &http.Transport{}}
			defer hc.CloseIdleConnections()
			resp, err := hc.Do(req)
			if err != nil {
				upload <- err
				return
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			upload <- fmt.Errorf("the upload was answered: %d %s", resp.StatusCode, raw)
		}()

		var running govdata.Batch
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no running batch with rows read within 20 s (last seen %+v)", running)
			}
			var list govdata.BatchList
			srv.mustCall("GET", fmt.Sprintf("/api/v1/catalog/%d/batches?state=running", entry), officer, nil, http.StatusOK, &list)
			if len(list.Items) == 0 {
				continue
			}
			if len(list.Items) != 1 || list.Items[0].ID == applied.ID {
				t.Fatalf("running batches %+v", list.Items)
			}
			// The list shows the stored report; the batch itself its live counts.
			srv.mustCall("GET", fmt.Sprintf("/api/v1/batches/%d", list.Items[0].ID), officer, nil, http.StatusOK, &running)
			if running.State == govdata.BatchRunning && running.Report.RowsRead > 0 {
				break
			}
		}
		staging := fmt.Sprintf("ds_%d_b%d", entry, running.ID)
		if got := stagingTables(t, st, entry); len(got) != 1 || got[0] != staging {
			t.Fatalf("staging tables while the batch runs: %v, want [%s]", got, staging)
		}
		srv.kill()
		t.Logf("killed with %d rows read", running.Report.RowsRead)
		// The transport returns only once it stops reading the body.
		pw.CloseWithError(errors.New("the server was killed"))
		select {
		case err := <-upload:
			if strings.HasPrefix(err.Error(), "the upload was answered") {
				t.Fatal(err)
			}
		case <-time.After(stopTimeout):
			t.Fatal("the upload did not end with the server")
		}

		// The restart on the same store.
		srv = start(t, st, adminEnv)
		officer = srv.login("officer", chosenPassword).Token
		var b govdata.Batch
		srv.mustCall("GET", fmt.Sprintf("/api/v1/batches/%d", running.ID), officer, nil, http.StatusOK, &b)
		if b.State != govdata.BatchFailed || b.Error == nil || b.Error.ZH == "" || b.Error.EN == "" || b.EndedAt == nil {
			t.Errorf("the killed batch after the restart: %+v", b)
		}
		var list govdata.BatchList
		srv.mustCall("GET", fmt.Sprintf("/api/v1/catalog/%d/batches?state=running", entry), officer, nil, http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Errorf("running batches after the restart: %+v", list.Items)
		}
		if got := rowsOf(t, srv, officer, entry); !maps.Equal(got, want) {
			t.Errorf("rows after the restart %v, want the first batch's %v", got, want)
		}
		var ds govdata.Dataset
		srv.mustCall("GET", fmt.Sprintf("/api/v1/catalog/%d/dataset", entry), officer, nil, http.StatusOK, &ds)
		if ds.Rows != 3 || ds.LastBatchID != applied.ID {
			t.Errorf("dataset after the restart: %d rows, last batch %d; want 3, %d", ds.Rows, ds.LastBatchID, applied.ID)
		}
		// The server goes on: a new batch applies.
		next := postCSV(t, srv, officer, data, "编号,名称\nK9,壬\n")
		if next.State != govdata.BatchApplied || next.Report.RowsApplied != 1 {
			t.Errorf("a batch after the restart: %+v", next)
		}
		srv.stop()
		if got := stagingTables(t, st, entry); len(got) != 0 {
			t.Errorf("staging tables left after the restart: %v", got)
		}
		mustVerifyIntact(t, st)
	})
}

// postCSV loads a CSV batch and requires the answer 201.
func postCSV(t *testing.T, srv *server, token, path, csv string) govdata.Batch {
	t.Helper()
	req, err := http.NewRequest("POST", srv.URL+path, strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := srv.hc.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s: status %d, want 201; body %s", path, resp.StatusCode, raw)
	}
	var b govdata.Batch
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("POST %s: decode %s: %v", path, raw, err)
	}
	return b
}
