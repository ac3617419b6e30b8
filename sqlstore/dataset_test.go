package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
	"github.com/govdata/govdata/source"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// Citizen IDs with valid check digits (GB 11643).
const (
	idA = "11010519491231002X"
	idB = "110105194912310038"
	idC = "110105198001010016"
	idD = "110101200001011232"
)

// applyValidProfile is the default profile with partial_batch apply_valid.
func applyValidProfile(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile("../profiles/default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "partial_batch: {value: refuse", "partial_batch: {value: apply_valid", 1)
	path := filepath.Join(t.TempDir(), "default.yaml") // a profile is named after its file
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type datasetFixture struct {
	*catalogFixture
	ds      *sqlstore.DatasetService
	officer context.Context
	entry   *govdata.Entry
}

func newDatasetFixture(t testing.TB, e storetest.Engine, profile string, opts sqlstore.Options) *datasetFixture {
	t.Helper()
	f := &datasetFixture{catalogFixture: newCatalogFixtureWith(t, e, profile, opts)}
	f.ds = sqlstore.NewDatasetService(f.base)
	f.officer = f.as(govdata.RoleOfficer, f.cityPolice)
	f.entry = f.publish(t, f.officer, f.cityBureau, entryInput("人口基础信息"))
	return f
}

func (f *datasetFixture) ingest(t testing.TB, mode govdata.IngestMode, csv string) *govdata.Batch {
	t.Helper()
	b, err := f.ds.Ingest(f.officer, govdata.IngestRequest{EntryID: f.entry.ID, Mode: mode, Source: govdata.SourceUpload,
		Format: govdata.FormatCSV, FileName: "人口.csv", Body: strings.NewReader(csv)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rowsByID reads the dataset as id → name.
func (f *datasetFixture) rowsByID(t testing.TB) map[string]string {
	t.Helper()
	rows, err := f.ds.FindRows(f.officer, f.entry.ID, nil, govdata.Page{Limit: govdata.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows.Items {
		name := ""
		if v := r.Values["姓名"]; v != nil {
			name = *v
		}
		out[*r.Values["公民身份号码"]] = name
	}
	return out
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// AGG-1, AGG-2, AGG-3, SEC-2: a batch is checked, applied with its
// provenance, its rejected rows kept with their reasons; upsert merges by
// key and keeps the replaced version; replace swaps the whole dataset.
func TestDatasetIngest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, applyValidProfile(t), storetest.Options())
		csv := "公民身份号码,姓名,行政区划代码\n" + idA + ",张三,230102\n" + idB + ",李四,230102\n" +
			"110105194912310022,王五,230102\n" + // wrong check digit
			",赵六,230102\n" + // no key
			idC + ",钱七\n" // ragged
		b := f.ingest(t, govdata.IngestReplace, csv)
		if b.State != govdata.BatchApplied || b.Report.RowsRead != 5 || b.Report.RowsAccepted != 2 || b.Report.RowsRejected != 3 || b.Report.RowsApplied != 2 {
			t.Fatalf("batch %+v", b)
		}
		if b.SHA256 == "" || b.Bytes != int64(len(csv)) || b.FileName != "人口.csv" || b.Source != govdata.SourceUpload || b.Operator == "" {
			t.Errorf("provenance %+v", b)
		}
		want := map[string]int64{"/ragged": 1, "公民身份号码/format": 1, "公民身份号码/required": 1}
		for _, v := range b.Report.Violations {
			if want[v.Item+"/"+v.Rule] != v.Count {
				t.Errorf("violation %+v, want %v (all %+v)", v, want, b.Report.Violations)
			}
			delete(want, v.Item+"/"+v.Rule)
		}
		if len(want) > 0 {
			t.Errorf("missing violations %v", want)
		}
		var rejected []govdata.RejectedRow
		var told int64
		var opened []string
		header := func(_ []string, n int64, o []string) error { told, opened = n, o; return nil }
		if err := f.ds.RejectedRows(f.officer, b.ID, header, func(r govdata.RejectedRow) error { rejected = append(rejected, r); return nil }); err != nil {
			t.Fatal(err)
		}
		// The header is told, before any row, how many rows follow and
		// which sealed items they open (the read's audit record, SEC-1).
		if told != int64(len(rejected)) || !slices.Contains(opened, "公民身份号码") {
			t.Errorf("rejected header: %d rows, opened %v; %d rows sent", told, opened, len(rejected))
		}
		if len(rejected) != 3 || rejected[0].Row != 3 || rejected[0].Line != 4 || rejected[0].Values[1] != "王五" || rejected[0].Reasons[0].Rule != "format" {
			t.Fatalf("rejected %+v", rejected)
		}
		if got := f.rowsByID(t); !sameMap(got, map[string]string{idA: "张三", idB: "李四"}) {
			t.Fatalf("rows %v", got)
		}
		// SEC-2: an exact match on a sealed item through its blind index.
		found, err := f.ds.FindRows(f.officer, f.entry.ID, map[string]string{"公民身份号码": idB}, govdata.Page{})
		if err != nil || len(found.Items) != 1 || *found.Items[0].Values["姓名"] != "李四" || found.Items[0].BatchID != b.ID {
			t.Fatalf("lookup by id: %+v, %v", found, err)
		}
		if !slices.Contains(found.Opened, "公民身份号码") {
			t.Errorf("rows read name the sealed items opened as %v", found.Opened)
		}
		// The filter as the audit record shows it: the sealed value as its
		// blind index, not in clear (SEC-2).
		if w := found.Filter["公民身份号码"]; !strings.HasPrefix(w, "blind-index:") || strings.Contains(w, idB) {
			t.Errorf("the filter for the record: %v", found.Filter)
		}

		// Upsert: one row changed, one added; a repeated key in the batch
		// keeps its last row.
		b2 := f.ingest(t, govdata.IngestUpsert, "姓名,公民身份号码\n李四（旧）,"+idB+"\n李肆,"+idB+"\n孙八,"+idD+"\n")
		if b2.State != govdata.BatchApplied || b2.Report.RowsApplied != 2 || b2.Report.RowsRejected != 1 {
			t.Fatalf("upsert %+v", b2)
		}
		if got := f.rowsByID(t); !sameMap(got, map[string]string{idA: "张三", idB: "李肆", idD: "孙八"}) {
			t.Fatalf("rows after upsert %v", got)
		}
		hist, err := f.ds.RowHistory(f.officer, f.entry.ID, map[string]string{"公民身份号码": idB})
		if err != nil || len(hist.Items) != 1 || *hist.Items[0].Values["姓名"] != "李四" || hist.Items[0].BatchID != b.ID || hist.Items[0].SupersededBy != b2.ID || hist.Items[0].Op != "update" {
			t.Fatalf("history %+v, %v", hist, err)
		}
		found, _ = f.ds.FindRows(f.officer, f.entry.ID, map[string]string{"公民身份号码": idB}, govdata.Page{})
		if len(found.Items) != 1 || found.Items[0].BatchID != b2.ID {
			t.Errorf("the row's batch: %+v, want %d", found, b2.ID)
		}

		// Replace: the whole dataset is the new file's.
		b3 := f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idC+",周九\n")
		if b3.State != govdata.BatchApplied {
			t.Fatalf("replace %+v", b3)
		}
		if got := f.rowsByID(t); !sameMap(got, map[string]string{idC: "周九"}) {
			t.Fatalf("rows after replace %v", got)
		}
		hist, _ = f.ds.RowHistory(f.officer, f.entry.ID, map[string]string{"公民身份号码": idA})
		if len(hist.Items) != 1 || hist.Items[0].Op != "replace" || hist.Items[0].SupersededBy != b3.ID {
			t.Errorf("history after replace %+v", hist)
		}
		d, err := f.ds.FindDataset(f.officer, f.entry.ID)
		if err != nil || d.Rows != 1 || d.LastBatchID != b3.ID || d.RefreshedAt == nil {
			t.Errorf("dataset %+v, %v", d, err)
		}
		list, err := f.ds.FindBatches(f.officer, govdata.BatchFilter{EntryID: f.entry.ID, Page: govdata.Page{Limit: 2}})
		if err != nil || len(list.Items) != 2 || list.Items[0].ID != b3.ID || list.NextCursor == "" {
			t.Fatalf("batches %+v, %v", list, err)
		}
		more, _ := f.ds.FindBatches(f.officer, govdata.BatchFilter{EntryID: f.entry.ID, Page: govdata.Page{Cursor: list.NextCursor}})
		if len(more.Items) != 1 || more.Items[0].ID != b.ID {
			t.Errorf("second page %+v", more)
		}

		// SEC-2: nothing sensitive is stored in the clear.
		noPlaintext(t, f.db, e, f.entry.ID, "张三", "李四", "周九", idA, idC, "王五")
	})
}

// noPlaintext dumps the whole database — pg_dump on PostgreSQL, every
// table as text on SQLite — and fails on any of the secrets (SEC-2: a dump
// shows no plaintext of sensitive items).
func noPlaintext(t *testing.T, db *sqlstore.DB, e storetest.Engine, entry int64, secrets ...string) {
	t.Helper()
	dump := dumpDatabase(t, db, e)
	for _, s := range secrets {
		if i := strings.Index(dump, s); i >= 0 {
			t.Errorf("the dump holds %q in the clear: …%s…", s, dump[max(0, i-120):min(len(dump), i+len(s)+40)])
		}
	}
	if !strings.Contains(dump, fmt.Sprintf("ds_%d", entry)) && e == storetest.Postgres {
		t.Errorf("the dump has no table of the dataset")
	}
}

func dumpDatabase(t *testing.T, db *sqlstore.DB, e storetest.Engine) string {
	t.Helper()
	ctx := context.Background()
	if e == storetest.Postgres {
		if _, err := exec.LookPath("pg_dump"); err == nil {
			out, err := exec.Command("pg_dump", "--data-only", "--no-owner", db.DSNForTest()).Output()
			if err != nil {
				t.Fatalf("pg_dump: %v", err)
			}
			return string(out)
		}
	}
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if e == storetest.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
	}
	rows, err := storetest.SQL(t, db).Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rows, err := storetest.SQL(t, db).Query(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			b.WriteString(table)
			for _, v := range vals {
				if raw, ok := v.([]byte); ok {
					v = string(raw)
				}
				fmt.Fprintf(&b, "\t%v", v)
			}
			b.WriteByte('\n')
		}
		rows.Close()
	}
	return b.String()
}

// The profile refuses a batch with rejections: nothing is applied.
func TestDatasetRefusedBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idA+",张三\n")
		b := f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idB+",李四\n"+idA[:17]+"0,王五\n")
		if b.State != govdata.BatchRefused || b.Report.RowsRejected != 1 || b.Report.RowsApplied != 0 || b.Error == nil {
			t.Fatalf("batch %+v", b)
		}
		if got := f.rowsByID(t); !sameMap(got, map[string]string{idA: "张三"}) {
			t.Fatalf("rows after a refused batch %v", got)
		}
	})
}

// Bad requests change nothing and say why.
func TestDatasetBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		req := func(ctx context.Context, entry int64, mode govdata.IngestMode, format govdata.BatchFormat, body string) error {
			_, err := f.ds.Ingest(ctx, govdata.IngestRequest{EntryID: entry, Mode: mode, Source: govdata.SourceUpload, Format: format, Body: strings.NewReader(body)})
			return err
		}
		good := "公民身份号码,姓名\n" + idA + ",张三\n"
		draft := must(f.cat.CreateEntry(f.officer, entryInput("草稿")))(t)
		keyless := entryInput("无主键")
		keyless.Items[0].Key = false
		noKey := f.publish(t, f.officer, f.cityBureau, keyless)
		for _, c := range []struct {
			name string
			err  error
			code govdata.ErrorCode
		}{
			{"another department's officer", req(f.as(govdata.RoleOfficer, f.cityHR), f.entry.ID, govdata.IngestReplace, govdata.FormatCSV, good), govdata.EFORBIDDEN},
			{"a reviewer", req(f.as(govdata.RoleReviewer, f.cityBureau), f.entry.ID, govdata.IngestReplace, govdata.FormatCSV, good), govdata.EFORBIDDEN},
			{"an unpublished entry", req(f.officer, draft.ID, govdata.IngestReplace, govdata.FormatCSV, good), govdata.ECONFLICT},
			{"no such entry", req(f.officer, 99999, govdata.IngestReplace, govdata.FormatCSV, good), govdata.ENOTFOUND},
			{"upsert without a key", req(f.officer, noKey.ID, govdata.IngestUpsert, govdata.FormatCSV, good), govdata.EINVALID},
			{"a bad mode", req(f.officer, f.entry.ID, "append", govdata.FormatCSV, good), govdata.EINVALID},
			{"unknown column", req(f.officer, f.entry.ID, govdata.IngestReplace, govdata.FormatCSV, "公民身份号码,籍贯\n"+idA+",哈尔滨\n"), govdata.EINVALID},
			{"missing key column", req(f.officer, f.entry.ID, govdata.IngestReplace, govdata.FormatCSV, "姓名\n张三\n"), govdata.EINVALID},
			{"broken JSON", req(f.officer, f.entry.ID, govdata.IngestReplace, govdata.FormatJSON, `{"rows": [{"姓名": }]}`), govdata.EINVALID},
			{"a 2 MB field", req(f.officer, f.entry.ID, govdata.IngestReplace, govdata.FormatCSV, "公民身份号码,姓名\n"+idA+","+strings.Repeat("长", 700_000)+"\n"), govdata.EINVALID},
		} {
			var ge *govdata.Error
			if !errors.As(c.err, &ge) || ge.Code != c.code {
				t.Errorf("%s: got %v, want %s", c.name, c.err, c.code)
			}
		}
		if got := f.rowsByID(t); len(got) != 0 {
			t.Errorf("rows after bad requests: %v", got)
		}
		// A file refused for its header leaves a failed batch that says why.
		list, _ := f.ds.FindBatches(f.officer, govdata.BatchFilter{EntryID: f.entry.ID})
		if len(list.Items) == 0 || list.Items[0].State != govdata.BatchFailed || list.Items[0].Error == nil {
			t.Errorf("batches %+v", list.Items)
		}
		// JSON rows by API, numbers as written.
		b, err := f.ds.Ingest(f.officer, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestUpsert, Source: govdata.SourceAPI,
			Format: govdata.FormatJSON, Body: strings.NewReader(`{"rows": [{"公民身份号码": "` + idA + `", "姓名": "张三", "行政区划代码": 230102}]}`)})
		if err != nil || b.State != govdata.BatchApplied || b.Report.RowsApplied != 1 {
			t.Fatalf("json batch %+v, %v", b, err)
		}
	})
}

// A new version that adds, drops and re-grades items migrates the dataset
// without losing rows; a value whose item became sensitive is sealed.
func TestDatasetFollowsVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名,行政区划代码\n"+idA+",张三,239904\n")
		in := entryInput("人口基础信息")
		in.Items[2].Sensitivity = 3 // 行政区划代码 becomes sealed
		in.Items[1].Sensitivity = 2 // 姓名 becomes plain
		in.Items = append(in.Items, govdata.Item{Name: "联系电话", Type: govdata.ItemChar, Length: 11, Sensitivity: 2,
			Rules: &govdata.Rules{Format: govdata.FormatPhone}})
		name := "人口基础信息（第二版）"
		must(f.cat.UpdateEntry(f.officer, f.entry.ID, govdata.EntryPatch{Name: &name, Items: &in.Items}))(t)
		must(f.cat.Submit(f.officer, f.entry.ID))(t)
		must(f.cat.Review(f.as(govdata.RoleReviewer, f.cityBureau), f.entry.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		rows, err := f.ds.FindRows(f.officer, f.entry.ID, map[string]string{"行政区划代码": "239904"}, govdata.Page{})
		if err != nil || len(rows.Items) != 1 || *rows.Items[0].Values["姓名"] != "张三" || *rows.Items[0].Values["公民身份号码"] != idA || rows.Items[0].Values["联系电话"] != nil {
			t.Fatalf("rows after the new version: %+v, %v", rows, err)
		}
		b := f.ingest(t, govdata.IngestUpsert, "公民身份号码,联系电话\n"+idA+",13800138000\n")
		if b.State != govdata.BatchApplied {
			t.Fatalf("batch %+v", b)
		}
		noPlaintext(t, f.db, e, f.entry.ID, "239904")
		d := must(f.ds.FindDataset(f.officer, f.entry.ID))(t)
		var desc []string
		for _, c := range d.Columns {
			desc = append(desc, fmt.Sprintf("%s:%v:%v", c.Item, c.Encrypted, c.Retired))
		}
		if got := strings.Join(desc, " "); got != "公民身份号码:true:false 姓名:true:true 行政区划代码:false:true 姓名:false:false 行政区划代码:true:false 联系电话:false:false" {
			t.Errorf("columns %s", got)
		}
	})
}

// A batch cut off by a crash leaves the dataset as it was; after the
// restart it is marked failed and its staging table is gone.
func TestDatasetCrashMidIngest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		opts := storetest.Options()
		if e == storetest.SQLite {
			opts.DataDir = t.TempDir()
		} else {
			opts.DSN = storetest.CreateDatabase(t)
		}
		f := newDatasetFixture(t, e, "default", opts)
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idA+",张三\n")
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			_, err := f.ds.Ingest(f.officer, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace, Source: govdata.SourceUpload, Format: govdata.FormatCSV, Body: pr})
			done <- err
		}()
		var buf bytes.Buffer
		buf.WriteString("公民身份号码,姓名\n")
		for i := 0; i < 3*4096; i++ {
			buf.WriteString(idB + ",李四\n")
		}
		pw.Write(buf.Bytes())
		// Wait until rows are staged, then stop the store under the batch.
		var running *govdata.Batch
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			list, err := f.ds.FindBatches(f.officer, govdata.BatchFilter{EntryID: f.entry.ID, State: govdata.BatchRunning})
			if err == nil && len(list.Items) == 1 {
				if b, _ := f.ds.FindBatchByID(f.officer, list.Items[0].ID); b != nil && b.Report.RowsRead >= 2*4096 {
					running = b
					break
				}
			}
		}
		if running == nil {
			t.Fatal("the batch never showed progress")
		}
		f.db.Close()
		pw.CloseWithError(errors.New("connection lost"))
		<-done

		// The restart: the same database, opened afresh.
		db := storetest.Open(t, e, &opts)
		ds := sqlstore.NewDatasetService(sqlstore.NewBase(db, f.profile, beijing))
		if n, err := ds.RecoverBatches(context.Background()); err != nil || n != 1 {
			t.Fatalf("recover: %d, %v", n, err)
		}
		b, err := ds.FindBatchByID(f.officer, running.ID)
		if err != nil || b.State != govdata.BatchFailed || b.Error == nil {
			t.Fatalf("batch after restart %+v, %v", b, err)
		}
		rows, err := ds.FindRows(f.officer, f.entry.ID, nil, govdata.Page{})
		if err != nil || len(rows.Items) != 1 || *rows.Items[0].Values["姓名"] != "张三" {
			t.Fatalf("rows after restart %+v, %v", rows, err)
		}
		if err := storetest.SQL(t, db).Exec(context.Background(), fmt.Sprintf("SELECT 1 FROM ds_%d_b%d", f.entry.ID, running.ID)); err == nil {
			t.Error("the staging table is still there")
		}
	})
}

// SEC-2: after a key rotation every value stays readable, and Reseal moves
// them all to the new key, a chunk at a time.
func TestDatasetKeyRotation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		file, err := datakey.New(datakey.SM4GCM, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		opts := storetest.Options()
		opts.DataKeys = must(datakey.Open(file))(t)
		f := newDatasetFixture(t, e, applyValidProfile(t), opts)
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idA+",张三\n"+idB+",李四\n"+idB[:17]+"0,王五\n")
		f.ingest(t, govdata.IngestUpsert, "公民身份号码,姓名\n"+idA+",张叁\n")
		// A maintenance request and a source's secret are sealed too.
		must(sqlstore.NewMaintenanceService(f.base, f.flows).FileMaintenance(f.officer, f.entry.ID, govdata.MaintenanceInput{Reason: "更正",
			Changes: []govdata.RowChange{{Op: "delete", Where: map[string]string{"公民身份号码": idB}}}}))(t)
		sources := sqlstore.NewSourceService(f.base, f.ds, source.Connector{})
		must(sources.SetSource(f.officer, f.entry.ID, govdata.SourceInput{Kind: govdata.SourceHTTP, URL: "https://provider.example.gov.cn/rows", Secret: "token-1"}))(t)
		rotated, err := file.Rotate(datakey.AESGCM, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.db.SetDataKeys(must(datakey.Open(rotated))(t))
		// The secadmin sees the rotation's progress: every value under
		// version 1, none yet under 2 (SEC-2).
		keys := sqlstore.NewDataKeyService(f.db)
		secadmin := f.as(govdata.RoleSecadmin, 0)
		status := must(keys.DataKeyStatus(secadmin))(t)
		if !status.Configured || status.Current != 2 || status.Algorithm != datakey.AESGCM || len(status.Versions) != 2 ||
			status.SealedValues != 9 || status.Pending != 9 || status.UnknownVersion != 0 ||
			status.Versions[0].SealedValues != 9 || status.Versions[0].Current || !status.Versions[1].Current || status.Versions[1].SealedValues != 0 {
			t.Errorf("status after rotation %+v", status)
		}
		if _, err := keys.DataKeyStatus(f.officer); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("an officer reads the key status: %v", err)
		}
		before := f.rowsByID(t)
		if !sameMap(before, map[string]string{idA: "张叁", idB: "李四"}) {
			t.Fatalf("rows after rotation %v", before)
		}
		// ds: 2 rows × 2 sealed items; history: 1 row × 2; rejects: 1;
		// the request's changes and the source's secret: 2.
		total := 0
		for {
			n, err := f.ds.Reseal(context.Background(), 3)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			total += n
		}
		if total != 9 {
			t.Errorf("resealed %d values, want 9", total)
		}
		status = must(keys.DataKeyStatus(secadmin))(t)
		if status.SealedValues != 9 || status.Pending != 0 || status.Versions[0].SealedValues != 0 || status.Versions[1].SealedValues != 9 {
			t.Errorf("status after resealing %+v", status)
		}
		for _, q := range []string{
			fmt.Sprintf("SELECT c1 FROM ds_%d UNION ALL SELECT c2 FROM ds_%d UNION ALL SELECT c1 FROM ds_%d_history UNION ALL SELECT c2 FROM ds_%d_history", f.entry.ID, f.entry.ID, f.entry.ID, f.entry.ID),
			"SELECT row_values FROM batch_rejects",
			"SELECT changes FROM maintenance_requests",
			"SELECT secret FROM data_sources",
		} {
			rows, err := storetest.SQL(t, f.db).Query(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v []byte
				rows.Scan(&v)
				if datakey.Version(v) != 2 {
					t.Errorf("%s: a value of key version %d", q, datakey.Version(v))
				}
			}
			rows.Close()
		}
		if got := f.rowsByID(t); !sameMap(got, before) {
			t.Errorf("rows after resealing %v", got)
		}
		hist, err := f.ds.RowHistory(f.officer, f.entry.ID, map[string]string{"公民身份号码": idA})
		if err != nil || len(hist.Items) != 1 || *hist.Items[0].Values["姓名"] != "张三" {
			t.Errorf("history after resealing %+v, %v", hist, err)
		}
	})
}

// AGG-4: a daily dataset not refreshed for a day is flagged once to its
// department and listed for reviewers; a batch clears the flag.
func TestDatasetTimeliness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		ctx := storetest.System()
		reviewer := f.as(govdata.RoleReviewer, f.cityBureau)
		stale := func(as context.Context) []govdata.StaleDataset {
			t.Helper()
			l, err := f.ds.FindStaleDatasets(as, govdata.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return l.Items
		}
		f.clock.Advance(23 * time.Hour)
		if n := must(f.ds.FlagStaleDatasets(ctx))(t); n != 0 || len(stale(reviewer)) != 0 {
			t.Fatalf("flagged %d within the day", n)
		}
		f.clock.Advance(2 * time.Hour)
		if n := must(f.ds.FlagStaleDatasets(ctx))(t); n != 1 {
			t.Fatalf("flagged %d after a day, want 1", n)
		}
		if n := must(f.ds.FlagStaleDatasets(ctx))(t); n != 0 {
			t.Fatalf("flagged again: %d", n)
		}
		l := stale(reviewer)
		if len(l) != 1 || l[0].EntryID != f.entry.ID || l[0].EntryName != "人口基础信息" || l[0].UpdateCycle != govdata.CycleDaily || l[0].RefreshedAt != nil {
			t.Fatalf("stale list %+v", l)
		}
		if got := stale(f.officer); len(got) != 1 {
			t.Errorf("the provider's officer sees %d", len(got))
		}
		if got := stale(f.as(govdata.RoleOfficer, f.cityHR)); len(got) != 0 {
			t.Errorf("another department's officer sees %d", len(got))
		}
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idA+",张三\n")
		if got := stale(reviewer); len(got) != 0 {
			t.Fatalf("still stale after a batch: %+v", got)
		}
		f.clock.Advance(25 * time.Hour)
		if n := must(f.ds.FlagStaleDatasets(ctx))(t); n != 1 {
			t.Fatalf("flagged %d a day after the batch, want 1", n)
		}
		if l := stale(reviewer); len(l) != 1 || l[0].RefreshedAt == nil {
			t.Errorf("stale list after the second day %+v", l)
		}
	})
}

// AGG-2, SJZ-S-15: a batch far smaller than the dataset's usual ones is
// reported abnormal and the department and the bureau are told.
func TestDatasetAnomalyAlert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		users := sqlstore.NewUserService(f.db)
		var watchers []*govdata.User
		for i, d := range []int64{f.cityPolice, f.cityBureau} {
			u, err := users.CreateUserWithPassword(storetest.System(), govdata.UserInput{Username: fmt.Sprintf("watch%d", i), Password: "Anomaly-pass-1234",
				Name: "值守", DepartmentID: d, Roles: []govdata.Role{govdata.RoleOfficer, govdata.RoleReviewer}[i : i+1]}, false)
			if err != nil {
				t.Fatal(err)
			}
			watchers = append(watchers, u)
		}
		rows := func(n int) string {
			var b strings.Builder
			b.WriteString("公民身份号码,姓名\n")
			for i := 0; i < n; i++ {
				id := fmt.Sprintf("1101051980%02d%02d%03d", i/28%12+1, i%28+1, i%1000)
				b.WriteString(id + checkDigit(id) + ",某\n")
			}
			return b.String()
		}
		for i := 0; i < 3; i++ {
			if b := f.ingest(t, govdata.IngestReplace, rows(300)); b.State != govdata.BatchApplied || len(b.Report.Anomalies) != 0 {
				t.Fatalf("usual batch %d: %+v", i, b)
			}
		}
		b := f.ingest(t, govdata.IngestReplace, rows(20))
		if b.State != govdata.BatchApplied || len(b.Report.Anomalies) != 1 || b.Report.Anomalies[0].Kind != govdata.AnomalyRowCount || b.Report.Anomalies[0].Usual != 300 {
			t.Fatalf("small batch %+v", b.Report)
		}
		for _, u := range watchers {
			notes, err := sqlstore.NewNotificationService(f.db).FindNotifications(storetest.As(govdata.Actor{UserID: u.ID, Username: u.Username,
				Roles: u.Roles, DepartmentID: u.DepartmentID}), govdata.NotificationFilter{})
			if err != nil || len(notes.Items) != 1 || notes.Items[0].Kind != "batch_anomaly" || !strings.Contains(notes.Items[0].Title.ZH, "20 行，近期通常约 300 行") {
				t.Errorf("%s's notices: %+v, %v", u.Username, notes.Items, err)
			}
		}
	})
}

// checkDigit is the GB 11643 check character of 17 digits.
func checkDigit(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return string("10X98765432"[sum%11])
}

// AGG-6: a change to stored rows goes apply → approve → change → verify;
// the old rows stay in the history; the wrong actor changes nothing.
func TestDatasetMaintenance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		ms := sqlstore.NewMaintenanceService(f.base, f.flows)
		reviewer, leader := f.as(govdata.RoleReviewer, f.cityBureau), f.as(govdata.RoleLeader, f.cityPolice)
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名,行政区划代码\n"+idA+",张三,230102\n"+idB+",李四,230102\n")

		for name, in := range map[string]govdata.MaintenanceInput{
			"no reason":    {Changes: []govdata.RowChange{{Op: "delete", Where: map[string]string{"公民身份号码": idA}}}},
			"no changes":   {Reason: "更正"},
			"bad op":       {Reason: "更正", Changes: []govdata.RowChange{{Op: "merge", Where: map[string]string{"公民身份号码": idA}}}},
			"no where":     {Reason: "更正", Changes: []govdata.RowChange{{Op: "delete"}}},
			"unknown item": {Reason: "更正", Changes: []govdata.RowChange{{Op: "update", Where: map[string]string{"公民身份号码": idA}, Values: map[string]string{"籍贯": "x"}}}},
		} {
			if _, err := ms.FileMaintenance(f.officer, f.entry.ID, in); govdata.ErrorCodeOf(err) != govdata.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := ms.FileMaintenance(f.as(govdata.RoleOfficer, f.cityHR), f.entry.ID, govdata.MaintenanceInput{Reason: "x",
			Changes: []govdata.RowChange{{Op: "delete", Where: map[string]string{"公民身份号码": idA}}}}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("another department's officer: %v", err)
		}

		m := must(ms.FileMaintenance(f.officer, f.entry.ID, govdata.MaintenanceInput{Reason: "户籍迁移，更正姓名并删除注销人员", Changes: []govdata.RowChange{
			{Op: "update", Where: map[string]string{"公民身份号码": idA}, Values: map[string]string{"姓名": "张叁"}},
			{Op: "delete", Where: map[string]string{"公民身份号码": idB}},
		}}))(t)
		if m.State != govdata.MaintenanceOpen || m.Workflow == nil || m.Workflow.Step != "approve" {
			t.Fatalf("filed %+v", m)
		}
		// The officer cannot approve its own request; nothing changes.
		if _, err := ms.DecideMaintenance(f.officer, m.ID, govdata.MaintenanceDecision{Action: govdata.ActionApprove}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("the officer approving: %v", err)
		}
		m = must(ms.DecideMaintenance(reviewer, m.ID, govdata.MaintenanceDecision{Action: govdata.ActionApprove, Comment: "同意"}))(t)
		if m.Workflow.Step != "change" {
			t.Fatalf("after approval %+v", m.Workflow)
		}
		if got := f.rowsByID(t); !sameMap(got, map[string]string{idA: "张三", idB: "李四"}) {
			t.Fatalf("rows changed before the change step: %v", got)
		}
		// The reviewer cannot make the change.
		if _, err := ms.DecideMaintenance(reviewer, m.ID, govdata.MaintenanceDecision{Action: govdata.ActionApprove}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("the reviewer making the change: %v", err)
		}
		m = must(ms.DecideMaintenance(f.officer, m.ID, govdata.MaintenanceDecision{Action: govdata.ActionApprove}))(t)
		if m.BatchID == 0 || m.Workflow.Step != "verify" {
			t.Fatalf("after the change %+v", m)
		}
		if got := f.rowsByID(t); !sameMap(got, map[string]string{idA: "张叁"}) {
			t.Fatalf("rows after the change: %v", got)
		}
		hist := must(f.ds.RowHistory(f.officer, f.entry.ID, map[string]string{"公民身份号码": idB}))(t)
		if len(hist.Items) != 1 || hist.Items[0].Op != "maintenance" || hist.Items[0].SupersededBy != m.BatchID || *hist.Items[0].Values["姓名"] != "李四" {
			t.Fatalf("history of the deleted row %+v", hist)
		}
		b := must(f.ds.FindBatchByID(f.officer, m.BatchID))(t)
		if b.Source != govdata.SourceMaintenance || b.Report.RowsApplied != 2 || b.State != govdata.BatchApplied {
			t.Errorf("the maintenance batch %+v", b)
		}
		// The leader returns it; the rework corrects the name again.
		m = must(ms.DecideMaintenance(leader, m.ID, govdata.MaintenanceDecision{Action: govdata.ActionReturn, Comment: "姓名仍有误"}))(t)
		if m.Workflow.Step != "rework" {
			t.Fatalf("after the return %+v", m.Workflow)
		}
		bad := []govdata.RowChange{{Op: "update", Where: map[string]string{"公民身份号码": idA}, Values: map[string]string{"公民身份号码": ""}}}
		if _, err := ms.DecideMaintenance(f.officer, m.ID, govdata.MaintenanceDecision{Action: govdata.ActionApprove, Changes: bad}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("a change that empties the key: %v", err)
		}
		gone := []govdata.RowChange{{Op: "delete", Where: map[string]string{"公民身份号码": idB}}}
		if _, err := ms.DecideMaintenance(f.officer, m.ID, govdata.MaintenanceDecision{Action: govdata.ActionApprove, Changes: gone}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Fatalf("a change of a row that is gone: %v", err)
		}
		m = must(ms.DecideMaintenance(f.officer, m.ID, govdata.MaintenanceDecision{Action: govdata.ActionApprove,
			Changes: []govdata.RowChange{{Op: "update", Where: map[string]string{"公民身份号码": idA}, Values: map[string]string{"姓名": "张叁丰"}}}}))(t)
		m = must(ms.DecideMaintenance(leader, m.ID, govdata.MaintenanceDecision{Action: govdata.ActionApprove}))(t)
		if m.State != govdata.MaintenanceDone || len(m.Changes) != 1 {
			t.Fatalf("verified %+v", m)
		}
		if got := f.rowsByID(t); !sameMap(got, map[string]string{idA: "张叁丰"}) {
			t.Fatalf("rows after the rework: %v", got)
		}
		list := must(ms.FindMaintenance(reviewer, f.entry.ID, govdata.Page{}))(t)
		if len(list.Items) != 1 || list.Items[0].ID != m.ID {
			t.Errorf("list %+v", list)
		}
		// A rejected request changes nothing.
		r := must(ms.FileMaintenance(f.officer, f.entry.ID, govdata.MaintenanceInput{Reason: "删除",
			Changes: []govdata.RowChange{{Op: "delete", Where: map[string]string{"公民身份号码": idA}}}}))(t)
		r = must(ms.DecideMaintenance(reviewer, r.ID, govdata.MaintenanceDecision{Action: govdata.ActionReject, Comment: "依据不足"}))(t)
		if r.State != govdata.MaintenanceRejected {
			t.Errorf("rejected %+v", r)
		}
		if got := f.rowsByID(t); !sameMap(got, map[string]string{idA: "张叁丰"}) {
			t.Fatalf("rows after a rejection: %v", got)
		}
		noPlaintext(t, f.db, e, f.entry.ID, "张叁丰", idA)
	})
}

// Values travel intact whatever they hold: tabs, backslashes, line breaks
// (PostgreSQL's COPY text format escapes them), sealed or not.
func TestDatasetSpecialCharacters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		odd := "a\tb\\c\nd\re\\N\\x41"
		b, err := f.ds.Ingest(f.officer, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace, Source: govdata.SourceAPI, Format: govdata.FormatJSON,
			Body: strings.NewReader(`{"rows": [{"公民身份号码": "` + idA + `", "姓名": "a\tb\\c\nd\re\\N\\x41", "行政区划代码": "\\N"}]}`)})
		if err != nil || b.State != govdata.BatchApplied {
			t.Fatalf("batch %+v, %v", b, err)
		}
		rows := must(f.ds.FindRows(f.officer, f.entry.ID, nil, govdata.Page{}))(t)
		if len(rows.Items) != 1 || *rows.Items[0].Values["姓名"] != odd || *rows.Items[0].Values["行政区划代码"] != `\N` {
			t.Fatalf("rows %q", *rows.Items[0].Values["姓名"])
		}
	})
}

// A version published while a batch loads changes the columns: the batch
// is refused at the end, naming both versions, and nothing is applied.
func TestDatasetVersionDuringIngest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idA+",张三\n")
		pr, pw := io.Pipe()
		type result struct {
			b   *govdata.Batch
			err error
		}
		done := make(chan result, 1)
		go func() {
			b, err := f.ds.Ingest(f.officer, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace, Format: govdata.FormatCSV, Body: pr})
			done <- result{b, err}
		}()
		pw.Write([]byte("公民身份号码,姓名\n" + idB + ",李四\n"))
		// The entry's next version seals 行政区划代码 and is published now.
		in := entryInput("人口基础信息")
		in.Items[2].Sensitivity = 3
		must(f.cat.UpdateEntry(f.officer, f.entry.ID, govdata.EntryPatch{Items: &in.Items}))(t)
		must(f.cat.Submit(f.officer, f.entry.ID))(t)
		must(f.cat.Review(f.as(govdata.RoleReviewer, f.cityBureau), f.entry.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		pw.Close()
		r := <-done
		if govdata.ErrorCodeOf(r.err) != govdata.ECONFLICT || r.b == nil || r.b.State != govdata.BatchFailed || r.b.Error == nil || !strings.Contains(r.b.Error.EN, "version 1 → 2") {
			t.Fatalf("batch across a new version: %+v, %v", r.b, r.err)
		}
		if got := f.rowsByID(t); !sameMap(got, map[string]string{idA: "张三"}) {
			t.Fatalf("rows %v", got)
		}
		// Loaded again under the new version, it goes in.
		if b := f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idB+",李四\n"); b.State != govdata.BatchApplied {
			t.Fatalf("again %+v", b)
		}
	})
}

// AGG-3: the history holds what a batch changed or removed, not the rows
// it brought again unchanged (sealed values compare by their blind index).
func TestDatasetHistoryOnlyChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		history := func(id string) int {
			t.Helper()
			return len(must(f.ds.RowHistory(f.officer, f.entry.ID, map[string]string{"公民身份号码": id}))(t).Items)
		}
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名,行政区划代码\n"+idA+",张三,230102\n"+idB+",李四,230102\n"+idC+",王五,\n")
		// Again the same rows, one name changed, one row gone.
		second := f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名,行政区划代码\n"+idA+",张三,230102\n"+idB+",李肆,230102\n")
		if a, b, c := history(idA), history(idB), history(idC); a != 0 || b != 1 || c != 1 {
			t.Fatalf("history after replace: unchanged %d, changed %d, removed %d; want 0, 1, 1", a, b, c)
		}
		// An upsert of an unchanged row and of an empty value: only the
		// changed row is written (and records the upsert as its batch).
		up := f.ingest(t, govdata.IngestUpsert, "公民身份号码,姓名,行政区划代码\n"+idA+",张三,230102\n"+idB+",李肆,\n")
		if a, b := history(idA), history(idB); a != 0 || b != 2 {
			t.Fatalf("history after upsert: unchanged %d, changed %d; want 0, 2", a, b)
		}
		batchOf := func(id string) int64 {
			t.Helper()
			r := must(f.ds.FindRows(f.officer, f.entry.ID, map[string]string{"公民身份号码": id}, govdata.Page{}))(t)
			return r.Items[0].BatchID
		}
		if a, b := batchOf(idA), batchOf(idB); a != second.ID || b != up.ID {
			t.Errorf("rows' batches: unchanged %d (want %d), changed %d (want %d)", a, second.ID, b, up.ID)
		}
	})
}

// An upsert from a file with some of the items changes those items only.
func TestDatasetUpsertSomeColumns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名,行政区划代码\n"+idA+",张三,230102\n")
		f.ingest(t, govdata.IngestUpsert, "公民身份号码,姓名\n"+idA+",张叁\n"+idB+",李四\n")
		rows := must(f.ds.FindRows(f.officer, f.entry.ID, map[string]string{"公民身份号码": idA}, govdata.Page{}))(t)
		if len(rows.Items) != 1 || *rows.Items[0].Values["姓名"] != "张叁" || rows.Items[0].Values["行政区划代码"] == nil || *rows.Items[0].Values["行政区划代码"] != "230102" {
			t.Fatalf("row after a partial upsert %+v", rows.Items)
		}
		rows = must(f.ds.FindRows(f.officer, f.entry.ID, map[string]string{"公民身份号码": idB}, govdata.Page{}))(t)
		if len(rows.Items) != 1 || rows.Items[0].Values["行政区划代码"] != nil {
			t.Fatalf("new row %+v", rows.Items)
		}
	})
}

// SEC-2: when a version makes an item sensitive, what was stored in the
// clear before — rejected rows, maintenance requests — is sealed too.
func TestDatasetSealsLeftovers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := &datasetFixture{catalogFixture: newCatalogFixture(t, e, "default")}
		f.ds = sqlstore.NewDatasetService(f.base)
		f.officer = f.as(govdata.RoleOfficer, f.cityPolice)
		plainInput := entryInput("户籍变动记录")
		for i := range plainInput.Items {
			plainInput.Items[i].Sensitivity, plainInput.Items[i].Personal = 2, false
		}
		f.entry = f.publish(t, f.officer, f.cityBureau, plainInput)
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idA+",张三\n"+idA[:17]+"0,赵六六\n")
		ms := sqlstore.NewMaintenanceService(f.base, f.flows)
		must(ms.FileMaintenance(f.officer, f.entry.ID, govdata.MaintenanceInput{Reason: "更正",
			Changes: []govdata.RowChange{{Op: "update", Where: map[string]string{"公民身份号码": idA}, Values: map[string]string{"姓名": "钱八八"}}}}))(t)
		next := plainInput.Items
		next[1].Sensitivity, next[1].Personal = 3, true
		must(f.cat.UpdateEntry(f.officer, f.entry.ID, govdata.EntryPatch{Items: &next}))(t)
		must(f.cat.Submit(f.officer, f.entry.ID))(t)
		must(f.cat.Review(f.as(govdata.RoleReviewer, f.cityBureau), f.entry.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		noPlaintext(t, f.db, e, f.entry.ID, "张三", "赵六六", "钱八八")
		var rejected []govdata.RejectedRow
		if err := f.ds.RejectedRows(f.officer, must(f.ds.FindBatches(f.officer, govdata.BatchFilter{EntryID: f.entry.ID}))(t).Items[0].ID,
			func([]string, int64, []string) error { return nil }, func(r govdata.RejectedRow) error { rejected = append(rejected, r); return nil }); err != nil || len(rejected) != 1 || rejected[0].Values[1] != "赵六六" {
			t.Errorf("rejected rows after sealing %+v, %v", rejected, err)
		}
	})
}

// A running batch can be cancelled by the provider's officer: it ends
// cancelled and nothing of it is applied.
func TestDatasetCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idA+",张三\n")
		pr, pw := io.Pipe()
		type result struct {
			b   *govdata.Batch
			err error
		}
		done := make(chan result, 1)
		go func() {
			b, err := f.ds.Ingest(f.officer, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace, Format: govdata.FormatCSV, Body: pr})
			done <- result{b, err}
		}()
		pw.Write([]byte("公民身份号码,姓名\n"))
		var id int64
		for deadline := time.Now().Add(10 * time.Second); id == 0 && time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
			l := must(f.ds.FindBatches(f.officer, govdata.BatchFilter{EntryID: f.entry.ID, State: govdata.BatchRunning}))(t)
			if len(l.Items) == 1 && l.Items[0].Bytes > 0 {
				id = l.Items[0].ID
			}
		}
		if id == 0 {
			t.Fatal("the batch did not start")
		}
		// Issue 11: to another department, its batch does not exist.
		if _, err := f.ds.Cancel(f.as(govdata.RoleOfficer, f.cityHR), id); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND || !govdata.IsHidden(err) {
			t.Fatalf("another department's officer cancelling: %v", err)
		}
		must(f.ds.Cancel(f.officer, id))(t)
		// The upload goes on sending; the batch stops at its next rows.
		go func() {
			for i := 0; i < 20; i++ {
				if _, err := pw.Write([]byte(strings.Repeat(idB+",李四\n", 4096))); err != nil {
					return
				}
			}
			pw.Close()
		}()
		r := <-done
		pr.CloseWithError(errors.New("done"))
		if r.err != nil || r.b.State != govdata.BatchCancelled || r.b.Error == nil {
			t.Fatalf("cancelled batch %+v, %v", r.b, r.err)
		}
		if got := f.rowsByID(t); !sameMap(got, map[string]string{idA: "张三"}) {
			t.Fatalf("rows after a cancel %v", got)
		}
		if _, err := f.ds.Cancel(f.officer, id); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("cancelling an ended batch: %v", err)
		}
	})
}

// A revoked entry takes no more data; during a revocation's grace period
// it still does.
func TestDatasetRevokedEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		reviewer := f.as(govdata.RoleReviewer, f.cityBureau)
		must(f.cat.Revoke(f.officer, f.entry.ID, "业务已停止"))(t)
		// Asked, not yet decided: still published.
		f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名\n"+idA+",张三\n")
		must(f.cat.Review(reviewer, f.entry.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		_, err := f.ds.Ingest(f.officer, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace, Format: govdata.FormatCSV,
			Body: strings.NewReader("公民身份号码,姓名\n" + idB + ",李四\n")})
		var ge *govdata.Error
		if !errors.As(err, &ge) || ge.Code != govdata.ECONFLICT || !strings.Contains(ge.Message.Text("en"), "revoked") {
			t.Fatalf("a batch into a revoked entry: %v", err)
		}
	})
}
