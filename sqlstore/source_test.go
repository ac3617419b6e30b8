package sqlstore_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/source"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// AGG-1: a scheduled pull from the provider's HTTP endpoint loads batches
// of source "pull" through the same checks as uploads; its token is sealed;
// a provider that fails leaves the dataset as it was and says why.
func TestSourcePull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, applyValidProfile(t), storetest.Options())
		var down atomic.Bool
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() || r.Header.Get("Authorization") != "Bearer pull-token-7" {
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintf(w, `{"rows": [{"sfz": "%s", "姓名": "张三"}, {"sfz": "%s", "姓名": "李四"}, {"sfz": "bad", "姓名": "王五"}]}`, idA, idB)
		}))
		defer srv.Close()
		sources := sqlstore.NewSourceService(f.base, f.ds, source.Connector{})
		in := govdata.SourceInput{Kind: govdata.SourceHTTP, URL: srv.URL + "/people", Secret: "pull-token-7", EveryMinutes: 60,
			Columns: map[string]string{"公民身份号码": "sfz"}}
		for name, c := range map[string]struct {
			ctx  func() govdata.SourceInput
			code govdata.ErrorCode
		}{
			"no url":   {func() govdata.SourceInput { b := in; b.URL = ""; return b }, govdata.EINVALID},
			"interval": {func() govdata.SourceInput { b := in; b.EveryMinutes = 2; return b }, govdata.EINVALID},
		} {
			if _, err := sources.SetSource(f.officer, f.entry.ID, c.ctx()); govdata.ErrorCodeOf(err) != c.code {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := sources.SetSource(f.as(govdata.RoleOfficer, f.cityHR), f.entry.ID, in); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("another department's officer: %v", err)
		}
		src := must(sources.SetSource(f.officer, f.entry.ID, in))(t)
		if !src.HasSecret || src.Secret != "" || src.Mode != govdata.IngestReplace || src.NextRunAt == nil {
			t.Fatalf("source %+v", src)
		}
		check := must(sources.CheckSource(f.officer, f.entry.ID))(t)
		if !check.OK || check.SampleRows != 3 {
			t.Errorf("check %+v", check)
		}
		b := must(sources.RunSource(f.officer, f.entry.ID))(t)
		if b.Source != govdata.SourcePull || b.State != govdata.BatchApplied || b.Report.RowsApplied != 2 || b.Report.RowsRejected != 1 || !strings.HasPrefix(b.FileName, srv.URL) {
			t.Fatalf("pulled %+v", b)
		}
		// The scheduler: nothing due within the hour, one pull after it.
		sys := storetest.System()
		if n := must(sources.RunDuePulls(sys))(t); n != 0 {
			t.Fatalf("ran %d pulls before they were due", n)
		}
		f.clock.Advance(61 * time.Minute)
		if n := must(sources.RunDuePulls(sys))(t); n != 1 {
			t.Fatalf("ran %d due pulls, want 1", n)
		}
		if n := must(sources.RunDuePulls(sys))(t); n != 0 {
			t.Fatalf("ran the pull twice: %d", n)
		}
		list := must(f.ds.FindBatches(f.officer, govdata.BatchFilter{EntryID: f.entry.ID}))(t)
		if len(list.Items) != 2 || list.Items[0].Source != govdata.SourcePull || list.Items[0].Operator == "" || list.Items[0].State != govdata.BatchApplied {
			t.Errorf("batches %+v", list.Items)
		}
		// The provider fails: nothing changes, the source says why.
		down.Store(true)
		if _, err := sources.RunSource(f.officer, f.entry.ID); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Fatalf("a pull from a provider that is down: %v", err)
		}
		got := must(sources.FindSource(f.officer, f.entry.ID))(t)
		if got.LastError == nil || !strings.Contains(got.LastError.EN, "503") || got.LastBatchID != list.Items[0].ID {
			t.Errorf("source after a failed pull %+v", got)
		}
		if rows := f.rowsByID(t); len(rows) != 2 {
			t.Errorf("rows after a failed pull %v", rows)
		}
		// Changing the source without a secret keeps the stored one; a new
		// address needs the secret again (it must not follow elsewhere).
		in.Secret, in.EveryMinutes = "", 0
		if src := must(sources.SetSource(f.officer, f.entry.ID, in))(t); !src.HasSecret || src.NextRunAt != nil {
			t.Errorf("source kept %+v", src)
		}
		moved := in
		moved.URL = "https://collector.example.com/people"
		if _, err := sources.SetSource(f.officer, f.entry.ID, moved); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("a new address without the secret: %v", err)
		}
		if got := must(sources.FindSource(f.as(govdata.RoleReviewer, f.cityBureau), f.entry.ID))(t); got.URL != srv.URL+"/people" || got.Secret != "" {
			t.Errorf("a reviewer's view %+v", got)
		}
		noPlaintext(t, f.db, e, f.entry.ID, "pull-token-7")
		rows, err := storetest.SQL(t, f.db).Query(storetest.System(), "SELECT config FROM data_sources")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c string
			rows.Scan(&c)
			if strings.Contains(c, "pull-token-7") {
				t.Error("the token is stored in the clear")
			}
		}
		rows.Close()
		must(0, sources.DeleteSource(f.officer, f.entry.ID))(t)
		if _, err := sources.FindSource(f.officer, f.entry.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("after delete: %v", err)
		}
	})
}

// AGG-5: a live entry is served from the provider's API: nothing can be
// loaded into it, and its rows are read through the typed adapter.
func TestSourceLive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("where") != "公民身份号码:"+idA {
				io.WriteString(w, `{"items": []}`)
				return
			}
			fmt.Fprintf(w, `{"items": [{"公民身份号码": "%s", "姓名": "张三", "行政区划代码": "230102"}]}`, idA)
		}))
		defer srv.Close()
		sources := sqlstore.NewSourceService(f.base, f.ds, source.Connector{})
		must(sources.SetSource(f.officer, f.entry.ID, govdata.SourceInput{Kind: govdata.SourceLive, URL: srv.URL + "/api/people"}))(t)
		if _, err := f.ds.Ingest(f.officer, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace, Format: govdata.FormatCSV,
			Body: strings.NewReader("公民身份号码\n" + idA + "\n")}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Fatalf("an upload into a live entry: %v", err)
		}
		if _, err := sources.RunSource(f.officer, f.entry.ID); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("a pull of a live entry: %v", err)
		}
		l := must(sources.QueryLive(f.officer, f.entry.ID, map[string]string{"公民身份号码": idA}, govdata.Page{Limit: 10}))(t)
		if len(l.Items) != 1 || *l.Items[0].Values["姓名"] != "张三" {
			t.Fatalf("live rows %+v", l)
		}
		// SEC-1: the read's record names the rows asked for, the ID
		// number (sensitivity 3) as its blind index, never in clear.
		recs := must(sqlstore.NewAuditService(f.db).FindAudit(storetest.System(), govdata.AuditFilter{Action: "source.query", Page: govdata.Page{Limit: 1}}))(t)
		if len(recs.Items) != 1 || !strings.Contains(recs.Items[0].Detail, `"公民身份号码":"blind-index:`) || strings.Contains(recs.Items[0].Detail, idA) {
			t.Errorf("live read record %+v", recs.Items)
		}
		if _, err := sources.QueryLive(f.officer, f.entry.ID, map[string]string{"籍贯": "x"}, govdata.Page{}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("an unknown item: %v", err)
		}
		if _, err := sources.QueryLive(f.as(govdata.RoleReviewer, f.cityBureau), f.entry.ID, nil, govdata.Page{}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("a reviewer reading live rows: %v", err)
		}
		if c := must(sources.CheckSource(f.officer, f.entry.ID))(t); !c.OK {
			t.Errorf("check %+v", c)
		}
	})
}

// A pull may not read the platform's own database.
func TestSourceNotOwnDatabase(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("GOVDATA_TEST_POSTGRES is not set")
	}
	opts := storetest.Options()
	opts.DSN = storetest.CreateDatabase(t)
	f := newDatasetFixture(t, storetest.Postgres, "default", opts)
	u, err := url.Parse(opts.DSN)
	if err != nil {
		t.Fatal(err)
	}
	sources := sqlstore.NewSourceService(f.base, f.ds, source.Connector{})
	for _, host := range []string{u.Host, "localhost:" + u.Port()} {
		_, err := sources.SetSource(f.officer, f.entry.ID, govdata.SourceInput{Kind: govdata.SourcePostgres, URL: "postgres://" + host + u.Path, Username: "postgres", Table: "users"})
		var e *govdata.Error
		if !errors.As(err, &e) || e.Fields["url"].Msg.ZH == "" {
			t.Errorf("%s: %v", host, err)
		}
	}
}
