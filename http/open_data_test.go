package http_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// openItems are the items of the open-data fixtures: two opened as
// stored, a personal name (level 3) and phone (level 2) opened
// de-identified — the name masked 张*三, the phone, whose level has no
// mask, served null — and an ID number never opened (ZJ-21).
func openItems() []govdata.Item {
	return []govdata.Item{
		{Name: "统计年度", Type: govdata.ItemChar, Length: 4, Sensitivity: 1},
		{Name: "人口数", Type: govdata.ItemNumber, Length: 10, Sensitivity: 1},
		{Name: "联系人", Type: govdata.ItemChar, Length: 20, Sensitivity: 3, Personal: true, Open: govdata.ItemOpenDeidentified},
		{Name: "联系电话", Type: govdata.ItemChar, Length: 20, Sensitivity: 2, Personal: true, Open: govdata.ItemOpenDeidentified},
		{Name: "身份证号", Type: govdata.ItemChar, Length: 18, Sensitivity: 4, Personal: true, Open: govdata.ItemOpenExcluded},
	}
}

const openCSV = "统计年度,人口数,联系人,联系电话,身份证号\n" +
	"2023,900,张小三,13800000001,110101199001011234\n" +
	"2024,950,李四,13800000002,110101199001015678\n" +
	"2025,1000,王五六,13800000003,11010119900101901X\n"

// secretValues must never leave in any answer: the excluded ID numbers,
// the phones (null), the names in clear.
var secretValues = []string{"110101199001011234", "110101199001015678", "11010119900101901X", "13800000001", "张小三", "王五六"}

// publishOpen publishes an entry of department A open as openType, loads
// openCSV and returns its resource code and id.
func publishOpen(t testing.TB, e *env, openType govdata.OpenType) (string, int64) {
	t.Helper()
	officer, reviewer := storetest.As(e.actor("officer")), storetest.As(e.actor("reviewer"))
	in := catalogInput(fmt.Sprintf("开放人口统计%d", e.next()))
	in.OpenType, in.Items = openType, openItems()
	if openType == govdata.OpenConditional {
		in.OpenConditions = "注册用户申请，用于科研"
	}
	d := mustGet(e.svc.Catalog.CreateEntry(officer, in))(t)
	mustGet(e.svc.Catalog.Submit(officer, d.ID))(t)
	d = mustGet(e.svc.Catalog.Review(reviewer, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
	mustGet(e.svc.Datasets.Ingest(officer, govdata.IngestRequest{EntryID: d.ID, Mode: govdata.IngestReplace,
		Source: govdata.SourceUpload, Format: govdata.FormatCSV, Body: strings.NewReader(openCSV)}))(t)
	return d.ResourceCode, d.ID
}

// openDataset is an unconditional open dataset with rows, for the matrix.
func openDataset(t testing.TB, e *env) string {
	code, _ := publishOpen(t, e, govdata.OpenUnconditional)
	return code
}

func openPath(code, rest string) string {
	return "/api/v1/open/datasets/" + url.PathEscape(code) + rest
}

// count runs a COUNT query on the environment's database.
func count(t testing.TB, e *env, query string, args ...any) int64 {
	t.Helper()
	rows, err := storetest.SQL(t, e.db).Query(context.Background(), query, args...)
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

// fakePublic authenticates the public accounts and keys the test inserts
// (until the public branch's service lands): a session token "session-N"
// is account N; an API key is looked up by its hash.
type fakePublic struct {
	t testing.TB
	e *env
}

func (f *fakePublic) AuthenticatePublic(ctx context.Context, token string) (govdata.Actor, error) {
	var id int64
	if _, err := fmt.Sscanf(token, "session-%d", &id); err != nil || id == 0 {
		return govdata.Actor{}, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
	}
	return govdata.Actor{PublicAccountID: id, Username: fmt.Sprintf("public-%d", id)}, nil
}

func (f *fakePublic) AuthenticateAPIKey(ctx context.Context, key string) (govdata.Actor, error) {
	rows, err := storetest.SQL(f.t, f.e.db).Query(ctx, "SELECT id, account_id FROM public_api_keys WHERE key_hash = ? AND revoked_at IS NULL", govdata.HashAPIKey(key))
	if err != nil {
		return govdata.Actor{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		return govdata.Actor{}, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
	}
	var a govdata.Actor
	if err := rows.Scan(&a.APIKeyID, &a.PublicAccountID); err != nil {
		return govdata.Actor{}, err
	}
	a.Username = fmt.Sprintf("public-%d", a.PublicAccountID)
	return a, nil
}

// openAccount inserts a confirmed public account with one API key.
func openAccount(t testing.TB, e *env, n int) (account int64, key string) {
	t.Helper()
	db := storetest.SQL(t, e.db)
	ctx, now := context.Background(), e.clock.Now().UnixMicro()
	account = int64(900 + n)
	key = fmt.Sprintf("%stestkey%032d", govdata.APIKeyPrefix, n)
	if err := db.Exec(ctx, `INSERT INTO public_accounts (id, kind, name, email, password_hash, password_changed_at, terms_version, terms_accepted_at, confirmed_at, created_at, updated_at)
		VALUES (?, 'person', ?, ?, 'x', ?, 'v1', ?, ?, ?, ?)`, account, fmt.Sprintf("公众%d", n), fmt.Sprintf("p%d@example.cn", n), now, now, now, now, now); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, `INSERT INTO public_api_keys (id, account_id, name, prefix, key_hash, created_at) VALUES (?, ?, 'test', ?, ?, ?)`,
		account, account, key[:8], govdata.HashAPIKey(key), now); err != nil {
		t.Fatal(err)
	}
	return account, key
}

func TestOpenDataHTTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		fp := &fakePublic{t: t}
		e := newEnv(t, engine, envOptions{public: fp, openData: func(s *sqlstore.OpenDataService) { s.AnonBurst = 1000 }})
		fp.e = e
		code, id := publishOpen(t, e, govdata.OpenUnconditional)
		fileCode := strings.ReplaceAll(code, "/", "_")

		// The dataset as the portal shows it: the excluded item is not
		// listed; the preview is masked.
		ds := mustOK[govdata.OpenDataset](t, e.do(t, req{method: "GET", path: openPath(code, "")}), 200)
		if ds.Rows != 3 || !ds.Downloadable || ds.Withdrawn != nil || len(ds.Items) != 4 || ds.Entry == nil || ds.Entry.ResourceCode != code {
			t.Fatalf("dataset: %+v", ds)
		}
		if ds.Items[2].Name != "联系人" || ds.Items[2].Open != govdata.ItemOpenDeidentified || ds.Items[0].Open != "" {
			t.Errorf("items: %+v", ds.Items)
		}
		if !strings.Contains(ds.DownloadURLs["csv"], url.PathEscape(code)+"/download?format=csv") ||
			!strings.HasSuffix(ds.RecordsURL, "/records") {
			t.Errorf("urls: %v %s", ds.DownloadURLs, ds.RecordsURL)
		}
		if len(ds.Preview) != 3 || *ds.Preview[0]["联系人"] != "张*三" || ds.Preview[0]["联系电话"] != nil || ds.Preview[0]["身份证号"] != nil {
			t.Errorf("preview: %v", ds.Preview)
		}
		if _, ok := ds.Preview[0]["身份证号"]; ok {
			t.Errorf("the excluded item is in the preview: %v", ds.Preview[0])
		}

		// CSV: UTF-8 with BOM, the header naming the items, masked values.
		r := e.do(t, req{method: "GET", path: openPath(code, "/download?format=csv")})
		mustStatus(t, r, 200)
		if !bytes.HasPrefix(r.body, []byte("\ufeff统计年度,人口数,联系人,联系电话\n")) {
			t.Errorf("csv starts %q", r.body[:min(len(r.body), 60)])
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("content type %q", ct)
		}
		today := govdata.DateOf(e.clock.Now().In(govdata.ChinaTime)).String()
		if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="`+fileCode+"-"+today+`.csv"` {
			t.Errorf("content disposition %q", cd)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\ufeff")))).ReadAll()
		if err != nil || len(recs) != 4 || recs[1][2] != "张*三" || recs[1][3] != "" {
			t.Errorf("csv %v %v", recs, err)
		}
		// JSON and XLSX hold the same.
		r = e.do(t, req{method: "GET", path: openPath(code, "/download?format=json")})
		mustStatus(t, r, 200)
		if !bytes.Contains(r.body, []byte(`"联系人":"张*三"`)) || bytes.Contains(r.body, []byte("身份证号")) {
			t.Errorf("json %s", r.body)
		}
		r = e.do(t, req{method: "GET", path: openPath(code, "/download?format=xlsx")})
		mustStatus(t, r, 200)
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("data")
		if len(rows) != 4 || strings.Join(rows[0], ",") != "统计年度,人口数,联系人,联系电话" || rows[1][2] != "张*三" {
			t.Errorf("xlsx %v", rows)
		}
		if f.GetSheetIndex("trace"); len(f.GetSheetList()) != 1 {
			t.Errorf("xlsx sheets %v", f.GetSheetList())
		}
		f.Close()

		// The records API: equality filters, fields, paging.
		page := mustOK[govdata.OpenRecords](t, e.do(t, req{method: "GET", path: openPath(code, "/records?limit=2")}), 200)
		if len(page.Items) != 2 || page.NextCursor == "" {
			t.Fatalf("page: %+v", page)
		}
		page = mustOK[govdata.OpenRecords](t, e.do(t, req{method: "GET", path: openPath(code, "/records?limit=2&cursor="+page.NextCursor)}), 200)
		if len(page.Items) != 1 || page.NextCursor != "" {
			t.Fatalf("second page: %+v", page)
		}
		page = mustOK[govdata.OpenRecords](t, e.do(t, req{method: "GET", path: openPath(code, "/records?fields="+url.QueryEscape("人口数")+"&"+url.QueryEscape("统计年度")+"=2024")}), 200)
		if len(page.Items) != 1 || len(page.Items[0]) != 1 || *page.Items[0]["人口数"] != "950" {
			t.Errorf("filtered: %+v", page.Items)
		}
		for query, code400 := range map[string]string{
			"fields=" + url.QueryEscape("身份证号"):                   "身份证号",
			url.QueryEscape("联系人") + "=" + url.QueryEscape("张小三"): "联系人",
			url.QueryEscape("人口数") + "__gte=900":                  "",
			"sort=" + url.QueryEscape("人口数"):                      "",
			"limit=0":                                             "",
		} {
			env := mustError(t, e.do(t, req{method: "GET", path: openPath(code, "/records?"+query)}), 400, govdata.EINVALID)
			if !strings.Contains(env.Error.Message+fmt.Sprint(env.Error.Fields), code400) {
				t.Errorf("%s: %+v", query, env.Error)
			}
		}
		mustError(t, e.do(t, req{method: "GET", path: openPath(code, "/download?format=pdf")}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "GET", path: openPath("301001/91350100MA00000000999999", "/records")}), 404, govdata.ENOTFOUND)

		// Nothing secret left in any answer.
		for _, path := range []string{openPath(code, ""), openPath(code, "/download?format=csv"), openPath(code, "/download?format=json"), openPath(code, "/records?limit=10")} {
			body := e.do(t, req{method: "GET", path: path}).body
			for _, v := range secretValues {
				if bytes.Contains(body, []byte(v)) {
					t.Errorf("%s answers %s", path, v)
				}
			}
		}

		// Every use is one row; answered ones are counted per day.
		if n := count(t, e, "SELECT COUNT(*) FROM open_usage WHERE entry_id = ? AND refused = 'invalid'", id); n != 6 {
			t.Errorf("%d refused rows recorded, want 6", n)
		}
		if n := count(t, e, "SELECT downloads FROM open_usage_daily WHERE entry_id = ?", id); n != 5 {
			t.Errorf("%d downloads counted, want 5", n)
		}
		if n := count(t, e, "SELECT calls FROM open_usage_daily WHERE entry_id = ?", id); n != 4 {
			t.Errorf("%d calls counted, want 4", n)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM open_usage WHERE entry_id = ? AND kind = 'preview'", id); n != 2 {
			t.Errorf("%d previews recorded, want 2", n)
		}
		st := mustOK[govdata.OpenStats](t, e.do(t, req{method: "GET", path: "/api/v1/open/stats"}), 200)
		if st.Datasets < 1 || st.Departments < 1 || st.Downloads != 5 || st.Calls != 4 || len(st.Newest) == 0 || st.MostDownloaded[0].ResourceCode != code {
			t.Errorf("stats: %+v", st)
		}
		ds = mustOK[govdata.OpenDataset](t, e.do(t, req{method: "GET", path: openPath(code, "")}), 200)
		if ds.Downloads != 5 || ds.Calls != 4 || ds.Downloads30Days != 5 {
			t.Errorf("dataset counts: %+v", ds.OpenCounts)
		}

		// DCAT and CKAN describe the downloads and the records API.
		ttl := e.do(t, req{method: "GET", path: "/dataset/" + itoa(id) + ".ttl"})
		mustStatus(t, ttl, 200)
		for _, want := range []string{"dcat:downloadURL", "download?format=csv", "download?format=xlsx", "file-type/JSON",
			"dcat:accessService", "dcat:DataService", "dcat:endpointURL", "/records>", "media-types/text/csv"} {
			if !bytes.Contains(ttl.body, []byte(want)) {
				t.Errorf("the DCAT dataset lacks %s:\n%s", want, ttl.body)
			}
		}
		r = e.do(t, req{method: "GET", path: "/api/3/action/package_show?id=" + url.QueryEscape(strings.ToLower(strings.ReplaceAll(code, "/", "-")))})
		show := decode[struct {
			Result struct {
				Resources []struct{ ID, URL, Format, Name string } `json:"resources"`
			} `json:"result"`
		}](t, r)
		if len(show.Result.Resources) != 4 || show.Result.Resources[0].Format != "CSV" || !strings.HasSuffix(show.Result.Resources[3].URL, "/records") ||
			show.Result.Resources[0].ID == show.Result.Resources[1].ID {
			t.Errorf("CKAN resources: %v %+v", r, show.Result.Resources)
		}

		// Withdrawn (HLJ-35): nothing served; the refusal names the withdrawal.
		db := storetest.SQL(t, e.db)
		ctx := context.Background()
		now := e.clock.Now().UnixMicro()
		if err := db.Exec(ctx, `INSERT INTO open_withdrawals (entry_id, provider_department_id, reason, state, requested_by, requested_at, decided_at)
			SELECT id, department_id, '数据来源变更', 'approved', 'officer', ?, ? FROM catalog_entries WHERE id = ?`, now, now, id); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(ctx, "UPDATE catalog_entries SET open_withdrawn_at = ? WHERE id = ?", now, id); err != nil {
			t.Fatal(err)
		}
		env := mustError(t, e.do(t, req{method: "GET", path: openPath(code, "/download?format=csv")}), 404, govdata.ENOTFOUND)
		if !strings.Contains(env.Error.Message, "数据来源变更") {
			t.Errorf("withdrawn: %+v", env.Error)
		}
		mustError(t, e.do(t, req{method: "GET", path: openPath(code, "/records")}), 404, govdata.ENOTFOUND)
		ds = mustOK[govdata.OpenDataset](t, e.do(t, req{method: "GET", path: openPath(code, "")}), 200)
		if ds.Withdrawn == nil || ds.Withdrawn.Reason != "数据来源变更" || ds.Downloadable || ds.Preview != nil || ds.DownloadURLs != nil {
			t.Errorf("withdrawn dataset: %+v", ds)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM open_usage WHERE entry_id = ? AND refused = 'not_found'", id); n != 2 {
			t.Errorf("%d withdrawn refusals recorded, want 2", n)
		}
	})
}

// HLJ-34: conditionally open data only to an account with an active open
// grant, only its items, through its key or its session; each use by the
// grant audited; the account sees its own uses.
func TestOpenDataConditionalHTTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		fp := &fakePublic{t: t}
		e := newEnv(t, engine, envOptions{public: fp})
		fp.e = e
		code, id := publishOpen(t, e, govdata.OpenConditional)
		account, key := openAccount(t, e, 1)
		other, otherKey := openAccount(t, e, 2)
		keyed := map[string]string{"X-API-Key": key}

		ds := mustOK[govdata.OpenDataset](t, e.do(t, req{method: "GET", path: openPath(code, "")}), 200)
		if ds.Downloadable || ds.Preview != nil || len(ds.DownloadURLs) != 3 {
			t.Errorf("conditional dataset: %+v", ds)
		}
		mustError(t, e.do(t, req{method: "GET", path: openPath(code, "/records")}), 401, govdata.EUNAUTHORIZED)
		mustError(t, e.do(t, req{method: "GET", path: openPath(code, "/records"), header: keyed}), 403, govdata.EFORBIDDEN)
		mustError(t, e.do(t, req{method: "GET", path: openPath(code, "/records"), header: map[string]string{"X-API-Key": "gdk_nosuchkey"}}), 401, govdata.EUNAUTHORIZED)

		// A grant of two items, valid today.
		db := storetest.SQL(t, e.db)
		ctx := context.Background()
		now := e.clock.Now().UnixMicro()
		today := govdata.DateOf(e.clock.Now().In(govdata.ChinaTime))
		for i, acc := range []int64{account, other} {
			state := "active"
			if acc == other {
				state = "suspended"
			}
			if err := db.Exec(ctx, `INSERT INTO open_applications (id, account_id, entry_id, entry_version, provider_department_id, items, purpose, scenario, measures,
				valid_from, valid_until, agreement_version, state, created_at, updated_at)
				SELECT ?, ?, id, published_version, department_id, '["统计年度","联系人"]', '研究', '人口研究', '专人保管', ?, ?, 'v1', 'approved', ?, ? FROM catalog_entries WHERE id = ?`,
				i+1, acc, today.String(), today.AddDays(30).String(), now, now, id); err != nil {
				t.Fatal(err)
			}
			if err := db.Exec(ctx, `INSERT INTO open_grants (id, application_id, account_id, entry_id, items, valid_from, valid_until, state, created_at, updated_at)
				VALUES (?, ?, ?, ?, '["统计年度","联系人"]', ?, ?, ?, ?, ?)`, i+1, i+1, acc, id, today.String(), today.AddDays(30).String(), state, now, now); err != nil {
				t.Fatal(err)
			}
		}
		page := mustOK[govdata.OpenRecords](t, e.do(t, req{method: "GET", path: openPath(code, "/records"), header: keyed}), 200)
		if len(page.Items) != 3 || len(page.Items[0]) != 2 || *page.Items[0]["联系人"] != "张*三" {
			t.Fatalf("granted records: %+v", page.Items)
		}
		mustError(t, e.do(t, req{method: "GET", path: openPath(code, "/records?fields="+url.QueryEscape("人口数")), header: keyed}), 403, govdata.EFORBIDDEN)
		mustError(t, e.do(t, req{method: "GET", path: openPath(code, "/records"), header: map[string]string{"X-API-Key": otherKey}}), 403, govdata.EFORBIDDEN)
		// A download through the session.
		r := e.do(t, req{method: "GET", path: openPath(code, "/download?format=csv"), token: fmt.Sprintf("session-%d", account)})
		mustStatus(t, r, 200)
		if !bytes.HasPrefix(r.body, []byte("\ufeff统计年度,联系人\n")) {
			t.Errorf("granted csv %q", r.body)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM open_usage WHERE grant_id = 1 AND account_id = ? AND refused = ''", account); n != 2 {
			t.Errorf("%d answered uses by the grant, want 2", n)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM open_usage WHERE api_key_id = ? AND refused = 'forbidden'", account); n != 2 {
			t.Errorf("%d refused keyed uses, want 2", n)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'open.%' AND object_type = 'open_grant' AND object_id = '1'"); n != 3 {
			t.Errorf("%d audit records of the grant's uses, want 3", n)
		}
		// Past its period the grant serves nothing.
		e.clock.Advance(40 * 24 * time.Hour)
		mustError(t, e.do(t, req{method: "GET", path: openPath(code, "/records"), header: keyed}), 403, govdata.EFORBIDDEN)

		// The account's own uses, newest first, paged; another's not shown.
		mine := mustOK[govdata.OpenUseList](t, e.do(t, req{method: "GET", path: "/api/v1/public/downloads?limit=2", token: fmt.Sprintf("session-%d", account)}), 200)
		if len(mine.Items) != 2 || mine.NextCursor == "" || mine.Items[0].Refused != govdata.EFORBIDDEN || mine.Items[1].Kind != govdata.OpenDownload ||
			mine.Items[1].Format != "csv" || mine.Items[1].Rows != 3 || mine.Items[1].ResourceCode != code {
			t.Errorf("my uses: %+v", mine)
		}
		all := mustOK[govdata.OpenUseList](t, e.do(t, req{method: "GET", path: "/api/v1/public/downloads?limit=100", token: fmt.Sprintf("session-%d", account)}), 200)
		for _, u := range all.Items {
			if u.APIKeyID == other {
				t.Errorf("another account's use listed: %+v", u)
			}
		}
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/public/downloads"}), 401, govdata.EUNAUTHORIZED)
	})
}

// OPN-1: anonymous callers are limited per address, keys per key; a
// download costs more; refusals are 429 with Retry-After, and recorded.
func TestOpenDataRateLimitHTTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		fp := &fakePublic{t: t}
		e := newEnv(t, engine, envOptions{public: fp, openData: func(s *sqlstore.OpenDataService) {
			s.AnonRate, s.AnonBurst, s.KeyRate, s.KeyBurst, s.DownloadCost = 1, 3, 1, 12, 10
		}})
		fp.e = e
		code, id := publishOpen(t, e, govdata.OpenUnconditional)
		_, key := openAccount(t, e, 1)
		for range 3 {
			mustStatus(t, e.do(t, req{method: "GET", path: openPath(code, "/records")}), 200)
		}
		r := e.do(t, req{method: "GET", path: openPath(code, "/records")})
		mustStatus(t, r, http.StatusTooManyRequests)
		env := decode[envelope](t, r)
		if r.header.Get("Retry-After") != "1" || env.Error.Code != string(govdata.ETOOMANY) || !strings.Contains(env.Error.Message, "1 秒") {
			t.Errorf("429: %v", r)
		}
		// A key has its own allowance: a download (10) fits its burst of 12, a second does not.
		keyed := map[string]string{"X-API-Key": key}
		mustStatus(t, e.do(t, req{method: "GET", path: openPath(code, "/download"), header: keyed}), 200)
		r = e.do(t, req{method: "GET", path: openPath(code, "/download"), header: keyed})
		mustStatus(t, r, http.StatusTooManyRequests)
		if r.header.Get("Retry-After") != "8" {
			t.Errorf("download Retry-After %q", r.header.Get("Retry-After"))
		}
		if n := count(t, e, "SELECT COUNT(*) FROM open_usage WHERE entry_id = ? AND refused = 'too_many_requests'", id); n != 2 {
			t.Errorf("%d rate refusals recorded, want 2", n)
		}
		// Time refills the allowance (no sleeping: the clock moves).
		e.clock.Advance(time.Second)
		mustStatus(t, e.do(t, req{method: "GET", path: openPath(code, "/records")}), 200)
	})
}
