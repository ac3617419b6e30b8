package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// openEntry opens the fixture's kind of entry: a key and a count as
// stored, a personal name (level 3, de-identified: 张*三), a phone (level
// 2, de-identified, no mask: null) and an ID number never opened.
func openEntry(openType govdata.OpenType) govdata.EntryInput {
	in := entryInput("开放的人口统计")
	in.OpenType, in.OpenConditions = openType, ""
	if openType == govdata.OpenConditional {
		in.OpenConditions = "注册用户申请"
	}
	in.Items = []govdata.Item{
		{Name: "年度", Type: govdata.ItemChar, Length: 4, Sensitivity: 1, Key: true},
		{Name: "人数", Type: govdata.ItemNumber, Length: 8, Sensitivity: 1},
		{Name: "联系人", Type: govdata.ItemChar, Length: 20, Sensitivity: 3, Personal: true, Open: govdata.ItemOpenDeidentified},
		{Name: "电话", Type: govdata.ItemChar, Length: 20, Sensitivity: 2, Personal: true, Open: govdata.ItemOpenDeidentified},
		{Name: "身份证号", Type: govdata.ItemChar, Length: 18, Sensitivity: 4, Personal: true, Open: govdata.ItemOpenExcluded},
	}
	return in
}

func openRowsCSV(first, n int) string {
	var b strings.Builder
	b.WriteString("年度,人数,联系人,电话,身份证号\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,%d,张小三,1380000%04d,11010119900101%04d\n", first+i, 100+i, i, i)
	}
	return b.String()
}

type openFixture struct {
	*catalogFixture
	ds    *sqlstore.DatasetService
	open  *sqlstore.OpenDataService
	entry *govdata.Entry
}

func newOpenFixture(t testing.TB, e storetest.Engine, openType govdata.OpenType, rows int) *openFixture {
	f := &openFixture{catalogFixture: newCatalogFixture(t, e, "default")}
	officer := f.as(govdata.RoleOfficer, f.cityPolice)
	f.entry = f.publish(t, officer, f.cityBureau, openEntry(openType))
	f.ds = sqlstore.NewDatasetService(f.base)
	f.ingest(t, 2000, rows)
	masks := sqlstore.NewMaskService(f.db)
	data := sqlstore.NewDataService(f.base, masks, sqlstore.NewSourceService(f.base, f.ds, nil))
	f.open = sqlstore.NewOpenDataService(f.base, data, masks, f.cat.OpenCatalog())
	f.open.AnonBurst = 1000 // the rate tests are http's
	return f
}

func (f *openFixture) ingest(t testing.TB, first, n int) {
	t.Helper()
	must(f.ds.Ingest(f.as(govdata.RoleOfficer, f.cityPolice), govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace,
		Source: govdata.SourceUpload, Format: govdata.FormatCSV, Body: strings.NewReader(openRowsCSV(first, n))}))(t)
}

// anonymous is a caller without an account, from an address.
func anonymous() context.Context {
	return storetest.As(govdata.Actor{ClientAddr: "198.51.100.7"})
}

func (f *openFixture) count(t testing.TB, query string, args ...any) int64 {
	t.Helper()
	rows, err := storetest.SQL(t, f.db).Query(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

func download(t testing.TB, ctx context.Context, s *sqlstore.OpenDataService, code, format string) (*govdata.OpenFile, []byte) {
	t.Helper()
	file := must(s.Download(ctx, code, format))(t)
	var buf bytes.Buffer
	if err := file.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return file, buf.Bytes()
}

// ZJ-21, HLJ-33(一): excluded items never appear in any format; de-
// identified ones only masked; every use recorded and counted.
func TestOpenDataServes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newOpenFixture(t, e, govdata.OpenUnconditional, 3)
		code := f.entry.ResourceCode
		secrets := []string{"身份证号", "110101199001010000", "13800000000", "张小三"}
		for _, format := range govdata.OpenFormats {
			file, body := download(t, anonymous(), f.open, code, format)
			if file.Rows != 3 || strings.Join(file.Items, ",") != "年度,人数,联系人,电话" {
				t.Errorf("%s: %+v", format, file)
			}
			if format == "xlsx" {
				x, err := excelize.OpenReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				rows, _ := x.GetRows("data")
				var flat []string
				for _, r := range rows {
					flat = append(flat, strings.Join(r, ","))
				}
				body = []byte(strings.Join(flat, "\n"))
				x.Close()
			}
			for _, s := range secrets {
				if bytes.Contains(body, []byte(s)) {
					t.Errorf("%s holds %s:\n%s", format, s, body)
				}
			}
			if !bytes.Contains(body, []byte("张*三")) {
				t.Errorf("%s lacks the masked name:\n%s", format, body)
			}
		}
		page := must(f.open.Records(anonymous(), code, govdata.ServiceQuery{Page: govdata.Page{Limit: 10}}))(t)
		if len(page.Items) != 3 || page.Items[0]["电话"] != nil || *page.Items[0]["联系人"] != "张*三" {
			t.Errorf("records: %v", page.Items)
		}
		if _, ok := page.Items[0]["身份证号"]; ok {
			t.Errorf("the excluded item is served: %v", page.Items[0])
		}
		for _, q := range []govdata.ServiceQuery{
			{Fields: []string{"身份证号"}},
			{Filters: []govdata.ServiceFilter{{Item: "联系人", Op: govdata.FilterEq, Value: "张小三"}}},
			{Filters: []govdata.ServiceFilter{{Item: "人数", Op: govdata.FilterGTE, Value: "1"}}},
			{Sort: "人数"},
		} {
			q.Limit = 10
			if _, err := f.open.Records(anonymous(), code, q); govdata.ErrorCodeOf(err) != govdata.EINVALID {
				t.Errorf("%+v: %v, want invalid", q, err)
			}
		}
		ds := must(f.open.Dataset(anonymous(), code))(t)
		if ds.Rows != 3 || ds.Downloads != 3 || ds.Calls != 1 || len(ds.Preview) != 3 || !ds.Downloadable || ds.RefreshedAt == nil {
			t.Errorf("dataset: %+v", ds)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM open_usage WHERE entry_id = ?", f.entry.ID); n != 9 {
			t.Errorf("%d uses recorded, want 9 (3 downloads, 1 call, 4 refusals, 1 preview)", n)
		}
		if n := f.count(t, "SELECT row_count FROM open_usage_daily WHERE entry_id = ?", f.entry.ID); n != 12 {
			t.Errorf("%d rows counted, want 12", n)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM open_usage WHERE client_addr = '198.51.100.7' AND account_id IS NULL"); n != 9 {
			t.Errorf("%d uses by the address, want 9", n)
		}
		st := must(f.open.Stats(anonymous()))(t)
		if st.Datasets != 1 || st.Departments != 1 || st.Downloads != 3 || st.Calls != 1 || len(st.Newest) != 1 || st.MostDownloaded[0].Downloads != 3 {
			t.Errorf("stats: %+v", st)
		}
	})
}

// A download is counted and written from one read snapshot: a replace
// committed meanwhile is not seen, and the file holds the rows counted.
func TestOpenDownloadSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newOpenFixture(t, e, govdata.OpenUnconditional, 3)
		file := must(f.open.Download(anonymous(), f.entry.ResourceCode, "csv"))(t)
		// The replace runs meanwhile: on SQLite beside the snapshot; on
		// PostgreSQL its swap waits for the download's snapshot to end.
		replaced := make(chan error, 1)
		go func() {
			_, err := f.ds.Ingest(f.as(govdata.RoleOfficer, f.cityPolice), govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace,
				Source: govdata.SourceUpload, Format: govdata.FormatCSV, Body: strings.NewReader(openRowsCSV(3000, 5))})
			replaced <- err
		}()
		if e == storetest.SQLite {
			if err := <-replaced; err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := file.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		if e != storetest.SQLite {
			if err := <-replaced; err != nil {
				t.Fatal(err)
			}
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if file.Rows != 3 || len(lines) != 4 || !strings.HasPrefix(lines[1], "2000,") {
			t.Errorf("the download saw %d rows counted, %d written: %q", file.Rows, len(lines)-1, lines)
		}
		after, body := download(t, anonymous(), f.open, f.entry.ResourceCode, "csv")
		if after.Rows != 5 || !bytes.Contains(body, []byte("\n3000,")) {
			t.Errorf("after the replace: %d rows\n%s", after.Rows, body)
		}
	})
}

// HLJ-34: a conditional dataset only for an account with an active open
// grant, and only its items; audited.
func TestOpenDataConditional(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newOpenFixture(t, e, govdata.OpenConditional, 3)
		code := f.entry.ResourceCode
		if _, err := f.open.Records(anonymous(), code, govdata.ServiceQuery{}); govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
			t.Fatalf("anonymous: %v", err)
		}
		db, ctx, now := storetest.SQL(t, f.db), context.Background(), f.clock.Now().UnixMicro()
		if err := db.Exec(ctx, `INSERT INTO public_accounts (id, kind, name, email, password_hash, password_changed_at, terms_version, terms_accepted_at, created_at, updated_at)
			VALUES (7, 'person', '公众', 'p@example.cn', 'x', ?, 'v1', ?, ?, ?)`, now, now, now, now); err != nil {
			t.Fatal(err)
		}
		account := storetest.As(govdata.Actor{PublicAccountID: 7, Username: "public-7", ClientAddr: "203.0.113.5"})
		if _, err := f.open.Records(account, code, govdata.ServiceQuery{}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("no grant: %v", err)
		}
		today := f.clock.Now().In(govdata.ChinaTime).Format("2006-01-02")
		if err := db.Exec(ctx, `INSERT INTO open_applications (id, account_id, entry_id, entry_version, provider_department_id, items, purpose, scenario, measures,
			valid_from, valid_until, agreement_version, state, created_at, updated_at)
			VALUES (1, 7, ?, 1, ?, '["年度","联系人","身份证号"]', '研究', '研究', '专人保管', ?, '2099-12-31', 'v1', 'approved', ?, ?)`, f.entry.ID, f.cityPolice, today, now, now); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(ctx, `INSERT INTO open_grants (id, application_id, account_id, entry_id, items, valid_from, valid_until, state, created_at, updated_at)
			VALUES (3, 1, 7, ?, '["年度","联系人","身份证号"]', ?, '2099-12-31', 'active', ?, ?)`, f.entry.ID, today, now, now); err != nil {
			t.Fatal(err)
		}
		page := must(f.open.Records(account, code, govdata.ServiceQuery{Page: govdata.Page{Limit: 5}}))(t)
		if len(page.Items) != 3 || len(page.Items[0]) != 2 || *page.Items[0]["联系人"] != "张*三" {
			t.Fatalf("granted: %v", page.Items)
		}
		if _, err := f.open.Records(account, code, govdata.ServiceQuery{Fields: []string{"人数"}}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("an item outside the grant: %v", err)
		}
		file, body := download(t, account, f.open, code, "json")
		var parsed struct {
			Fields []string         `json:"fields"`
			Items  []map[string]any `json:"items"`
		}
		if err := json.Unmarshal(body, &parsed); err != nil || file.Rows != 3 || strings.Join(parsed.Fields, ",") != "年度,联系人" || len(parsed.Items) != 3 {
			t.Errorf("granted download %s: %v", body, err)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action IN ('open.call', 'open.download') AND object_type = 'open_grant' AND object_id = '3'"); n != 3 {
			t.Errorf("%d audit records of the grant's uses, want 3", n)
		}
		uses := must(f.open.MyUses(account, govdata.Page{Limit: 10}))(t)
		if len(uses.Items) != 4 || uses.Items[0].Kind != govdata.OpenDownload || uses.Items[0].GrantID != 3 || uses.Items[3].Refused != govdata.EFORBIDDEN {
			t.Errorf("my uses: %+v", uses.Items)
		}
		// A suspended grant serves nothing.
		if err := db.Exec(ctx, "UPDATE open_grants SET state = 'suspended' WHERE id = 3"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.open.Download(account, code, "csv"); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("suspended: %v", err)
		}
	})
}

// ZJ-21: the rule of open items at input, at submission and again at
// review, for an entry written before the rule.
func TestOpenItemsRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "default")
		officer, reviewer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleReviewer, f.cityBureau)
		in := entryInput("开放前登记的资源")
		open := in
		open.OpenType, open.OpenConditions = govdata.OpenUnconditional, ""
		_, err := f.cat.CreateEntry(officer, open)
		if fe := fieldsOf(err); fe["items[0].open"] == "" || fe["items[1].open"] == "" || fe["items[2].open"] != "" {
			t.Fatalf("at input: %v", err)
		}
		// Filed as not opened, then changed behind the rule (as an entry
		// written before it).
		tamper := func(id int64) {
			b, _ := json.Marshal(open)
			if err := storetest.SQL(t, f.db).Exec(context.Background(), "UPDATE catalog_versions SET content = ? WHERE entry_id = ?", string(b), id); err != nil {
				t.Fatal(err)
			}
		}
		d := must(f.cat.CreateEntry(officer, in))(t)
		tamper(d.ID)
		if _, err := f.cat.Submit(officer, d.ID); fieldsOf(err)["items[0].open"] == "" {
			t.Errorf("at submission: %v", err)
		}
		d = must(f.cat.CreateEntry(officer, in))(t)
		must(f.cat.Submit(officer, d.ID))(t)
		tamper(d.ID)
		_, err = f.cat.Review(reviewer, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove})
		if fieldsOf(err)["items[1].open"] == "" {
			t.Errorf("at review: %v", err)
		}
		if got := must(f.cat.FindEntryByID(officer, d.ID))(t); got.Status != govdata.EntryInReview || got.PublishedVersion != 0 {
			t.Errorf("published after all: %+v", got)
		}
		// Not opened: the reason is required (HLJ-33).
		noReason := in
		noReason.OpenConditions = ""
		if _, err := f.cat.CreateEntry(officer, noReason); fieldsOf(err)["open_conditions"] == "" {
			t.Errorf("not_open without a reason: %v", err)
		}
	})
}

// fieldsOf is the English field messages of an EINVALID error.
func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	if e, ok := err.(*govdata.Error); ok {
		for k, m := range e.Fields {
			out[k] = m.Text("en")
		}
	}
	return out
}
