package ckan

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
)

const site = "https://data.example.gov.cn"

func newHandler(f *fakeCatalog, log *bytes.Buffer) *Handler {
	if log == nil {
		log = &bytes.Buffer{}
	}
	return New(f, Config{
		SiteURL: site + "/", Title: govdata.Text{ZH: "杭州市公共数据开放平台", EN: "Hangzhou Open Data"},
		Now:    func() time.Time { return t0.AddDate(0, 2, 0) },
		Logger: slog.New(slog.NewTextHandler(log, nil)),
	})
}

// reply is a decoded answer.
type reply struct {
	status  int
	header  http.Header
	raw     string // the body, cut short for messages
	body    []byte
	Help    string          `json:"help"`
	Success bool            `json:"success"`
	Result  json.RawMessage `json:"result"`
	Error   map[string]any  `json:"error"`
}

// do calls the handler; body, when given, is POSTed.
func do(t *testing.T, h http.Handler, method, target, body string, header ...string) reply {
	t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, target, rd)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := reply{status: rec.Code, header: rec.Header(), raw: rec.Body.String(), body: rec.Body.Bytes()}
	if len(r.raw) > 600 {
		r.raw = r.raw[:600] + "…"
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("%s %s: body is not JSON (%v): %s", method, target, err, r.raw)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("%s %s: Content-Type %q", method, target, ct)
	}
	return r
}

// mustResult decodes a successful answer's result into v.
func mustResult(t *testing.T, r reply, v any) {
	t.Helper()
	if r.status != 200 || !r.Success {
		t.Fatalf("status %d success %v: %s", r.status, r.Success, r.raw)
	}
	if err := json.Unmarshal(r.Result, v); err != nil {
		t.Fatalf("result: %v: %s", err, r.Result)
	}
}

func TestEnvelopeAndStatusShow(t *testing.T) {
	h := newHandler(newFake(10), nil)
	for _, path := range []string{"/api/3/action/status_show", "/api/action/status_show"} {
		r := do(t, h, "GET", path, "")
		var got map[string]any
		mustResult(t, r, &got)
		if r.Help != site+"/api/3/action/help_show?name=status_show" {
			t.Errorf("help = %q", r.Help)
		}
		if r.Error != nil || strings.Contains(r.raw, `"error"`) {
			t.Errorf("a success carries no error: %s", r.raw)
		}
		if got["site_title"] != "杭州市公共数据开放平台" || got["site_url"] != site || got["ckan_version"] != ckanVersion {
			t.Errorf("status_show = %v", got)
		}
	}
	r := do(t, h, "GET", "/api/3/action/status_show", "", "Accept-Language", "en-GB,en;q=0.9")
	var got map[string]any
	mustResult(t, r, &got)
	if got["site_title"] != "Hangzhou Open Data" {
		t.Errorf("English title = %v", got["site_title"])
	}
}

func TestErrors(t *testing.T) {
	h := newHandler(newFake(10), nil)
	for _, tc := range []struct {
		name, method, target, body string
		status                     int
		typ                        string
		field                      string // a Validation Error's field
	}{
		{"unknown action", "GET", "/api/3/action/package_create", "", 400, typeBadRequest, ""},
		{"unknown path", "GET", "/api/3/action/", "", 404, typeNotFound, ""},
		{"nested path", "GET", "/api/3/action/package_show/x", "", 404, typeNotFound, ""},
		{"other api version", "GET", "/api/2/action/status_show", "", 404, typeNotFound, ""},
		{"method", "PUT", "/api/3/action/package_search", "", 405, typeBadRequest, ""},
		{"body not JSON", "POST", "/api/3/action/package_search", `{"q": `, 400, typeBadRequest, ""},
		{"body a list", "POST", "/api/3/action/package_search", `["q"]`, 400, typeBadRequest, ""},
		{"body a string", "POST", "/api/3/action/package_search", `"q"`, 400, typeBadRequest, ""},
		{"body null", "POST", "/api/3/action/package_search", `null`, 400, typeBadRequest, ""},
		{"form holding a list", "POST", "/api/3/action/package_search", `%5B1%5D`, 400, typeBadRequest, ""},
		{"body trailing", "POST", "/api/3/action/package_search", `{"q":"a"} {}`, 400, typeBadRequest, ""},
		{"show without id", "GET", "/api/3/action/package_show", "", 409, typeValidation, "id"},
		{"show empty id", "POST", "/api/3/action/package_show", `{"id": "  "}`, 409, typeValidation, "id"},
		{"show id not text", "POST", "/api/3/action/package_show", `{"id": {"a": 1}}`, 409, typeValidation, "id"},
		{"show unknown name", "GET", "/api/3/action/package_show?id=no-such-package", "", 404, typeNotFound, ""},
		{"show unknown entry", "GET", "/api/3/action/package_show?id=999", "", 404, typeNotFound, ""},
		{"show other site's id", "GET", "/api/3/action/package_show?id=" + newIDSpace("elsewhere").uuid(kindPackage, 1), "", 404, typeNotFound, ""},
		{"show name of unknown department", "GET", "/api/3/action/package_show?id=101001-91330100mb1a23456x000001", "", 404, typeNotFound, ""},
		{"org unknown", "GET", "/api/3/action/organization_show?id=nobody", "", 404, typeNotFound, ""},
		{"org without open entries", "GET", "/api/3/action/organization_show?id=" + strings.ToLower(creditCode("12330100470100123")), "", 404, typeNotFound, ""},
		{"org list bad sort", "GET", "/api/3/action/organization_list?sort=created+asc", "", 409, typeValidation, "sort"},
		{"list bad limit", "GET", "/api/3/action/package_list?limit=-5", "", 409, typeValidation, "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, tc.method, tc.target, tc.body)
			if r.status != tc.status || r.Success || r.Error["__type"] != tc.typ {
				t.Fatalf("got %d %v %v, want %d %s: %s", r.status, r.Success, r.Error["__type"], tc.status, tc.typ, r.raw)
			}
			if r.Help == "" || strings.Contains(r.raw, `"result"`) {
				t.Errorf("envelope: %s", r.raw)
			}
			if tc.field != "" {
				msgs, ok := r.Error[tc.field].([]any)
				if !ok || len(msgs) == 0 {
					t.Errorf("no messages for %s: %s", tc.field, r.raw)
				}
			} else if m, _ := r.Error["message"].(string); m == "" {
				t.Errorf("no message: %s", r.raw)
			}
		})
	}
}

func TestInternalErrorHidesCause(t *testing.T) {
	f := newFake(5)
	f.err = errStoreDown
	var log bytes.Buffer
	h := newHandler(f, &log)
	for _, target := range []string{"/api/3/action/package_search", "/api/3/action/package_show?id=1", "/api/3/action/organization_list"} {
		r := do(t, h, "GET", target, "")
		if r.status != 500 || r.Error["__type"] != typeInternal {
			t.Fatalf("%s: %d %s", target, r.status, r.raw)
		}
		if strings.Contains(r.raw, "hunter2") || strings.Contains(r.raw, "10.0.0.5") {
			t.Errorf("%s leaks the cause: %s", target, r.raw)
		}
	}
	if !strings.Contains(log.String(), "hunter2") {
		t.Errorf("the cause is not logged: %s", log.String())
	}
}

func TestDomainErrorsKeepTheirMeaning(t *testing.T) {
	f := newFake(5)
	f.err = govdata.Errorf(govdata.EINVALID, govdata.MsgInvalidInput)
	r := do(t, newHandler(f, nil), "GET", "/api/3/action/package_search", "")
	if r.status != 409 || r.Error["__type"] != typeValidation {
		t.Errorf("EINVALID from the store: %d %s", r.status, r.raw)
	}
}

func TestMessagesInTheCallersLanguage(t *testing.T) {
	h := newHandler(newFake(5), nil)
	zh := do(t, h, "GET", "/api/3/action/package_search?rows=abc", "")
	en := do(t, h, "GET", "/api/3/action/package_search?rows=abc", "", "Accept-Language", "en")
	if got := zh.Error["rows"].([]any)[0]; got != msgInteger.ZH {
		t.Errorf("zh: %v", got)
	}
	if got := en.Error["rows"].([]any)[0]; got != msgInteger.EN {
		t.Errorf("en: %v", got)
	}
}

// TestBadInputNeverFails: whatever a client sends, the answer is a CKAN
// answer — a result or a Validation Error — never a 500.
func TestBadInputNeverFails(t *testing.T) {
	h := newHandler(newFake(30), nil)
	for _, tc := range []struct {
		query  string
		status int
		field  string
	}{
		{"rows=abc", 409, "rows"},
		{"rows=-1", 409, "rows"},
		{"rows=1.5", 409, "rows"},
		{"rows=1e2", 200, ""},
		{"rows=5000", 200, ""}, // lowered to 1000, as CKAN does
		{"rows=99999999999999999999999", 409, "rows"},
		{"start=-1", 409, "start"},
		{"start=abc", 409, "start"},
		{"start=99999999999999999999", 409, "start"},
		{"start=1000000", 200, ""},
		{"sort=bogus+asc", 409, "sort"},
		{"sort=name+sideways", 409, "sort"},
		{"sort=score+asc", 409, "sort"},
		{"sort=name+asc+desc", 409, "sort"},
		{"sort=" + url.QueryEscape("name asc,"), 409, "sort"},
		{"sort=" + url.QueryEscape("sum(a,b) desc"), 409, "sort"},
		{"sort=" + url.QueryEscape("metadata_created asc"), 200, ""},
		{"sort=" + url.QueryEscape("title_string asc"), 200, ""},
		{"sort=" + url.QueryEscape("id asc"), 200, ""},
		{"fq=" + url.QueryEscape("organization:("), 409, "fq"},
		{"fq=" + url.QueryEscape("organization:"), 409, "fq"},
		{"fq=" + url.QueryEscape(`tags:"unclosed`), 409, "fq"},
		{"fq=" + url.QueryEscape("(tags:a"), 409, "fq"},
		{"fq=" + url.QueryEscape("tags:a)"), 409, "fq"},
		{"fq=" + url.QueryEscape("password:x"), 409, "fq"},
		{"fq=" + url.QueryEscape("justaword"), 409, "fq"},
		{"fq=" + url.QueryEscape("tags:a OR"), 409, "fq"},
		{"fq=" + url.QueryEscape("tags:[a TO b]"), 409, "fq"},
		{"fq=" + url.QueryEscape("metadata_modified:[yesterday TO *]"), 409, "fq"},
		{"fq=" + url.QueryEscape("metadata_modified:[NOW-1DAY TO *"), 409, "fq"},
		{"fq=" + url.QueryEscape(strings.Repeat("(", 40)+"tags:a"+strings.Repeat(")", 40)), 409, "fq"},
		{"fq=" + url.QueryEscape(strings.Repeat("tags:a ", 300)), 409, "fq"},
		{"fq=" + url.QueryEscape("tags:a'; DROP TABLE entries; --"), 409, "fq"}, // bare words: not a filter
		{"fq=" + url.QueryEscape(`tags:"a'; DROP TABLE entries; --"`), 200, ""},
		{"fq=" + url.QueryEscape("*:*"), 200, ""},
		{"q=" + url.QueryEscape(`"`), 200, ""},
		{"q=" + url.QueryEscape(`*`), 200, ""},
		{"q=" + url.QueryEscape(`'`), 200, ""},
		{"q=" + url.QueryEscape(`OR`), 200, ""},
		{"q=" + url.QueryEscape(`NEAR(`), 200, ""},
		{"q=" + url.QueryEscape(`人口 OR "户籍 AND (流动`), 200, ""},
		{"q=" + url.QueryEscape(`title:人口~2^3 -法人 +[a TO b]`), 200, ""},
		{"q=" + url.QueryEscape(`'); DELETE FROM entries; --`), 200, ""},
		{"q=" + url.QueryEscape(`\`), 200, ""},
		{"q=%00", 409, "q"},
		{"q=%ff%fe", 409, "q"},
		{"q=" + strings.Repeat("长", 1001), 409, "q"},
		{"facet.field=organization", 409, "facet.field"},
		{"facet.field=" + url.QueryEscape(`["password"]`), 409, "facet.field"},
		{"facet.field=" + url.QueryEscape(`[1, 2]`), 409, "facet.field"},
		{"facet.field=" + url.QueryEscape(`["tags"]`) + "&facet.limit=abc", 409, "facet.limit"},
		{"facet.field=" + url.QueryEscape(`["tags"]`) + "&facet.limit=-1", 200, ""},
		{"facet=maybe", 409, "facet"},
		{"include_private=true&include_drafts=yes&_=1700000000", 200, ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := do(t, h, "GET", "/api/3/action/package_search?"+tc.query, "")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.raw)
			}
			if tc.status == 409 {
				if r.Error["__type"] != typeValidation || r.Error[tc.field] == nil {
					t.Errorf("want a Validation Error on %s: %s", tc.field, r.raw)
				}
				return
			}
			var res searchResult
			mustResult(t, r, &res)
			if len(res.Results) > maxRows {
				t.Errorf("%d results", len(res.Results))
			}
		})
	}
}

// TestGetAndPostAgree: a search by GET, by POST with a JSON body, and by
// POST with the JSON as a form (Python's urllib) answers the same.
func TestGetAndPostAgree(t *testing.T) {
	h := newHandler(newFake(30), nil)
	get := do(t, h, "GET", "/api/3/action/package_search?q=%E6%95%B0%E6%8D%AE&rows=5&start=2&sort=name+asc&fq=res_format:%E6%8E%A5%E5%8F%A3&facet.field=%5B%22organization%22%2C%22tags%22%5D&facet.limit=3", "")
	body := `{"q": "数据", "rows": 5, "start": "2", "sort": "name asc", "fq": "res_format:接口", "facet.field": ["organization", "tags"], "facet.limit": 3}`
	post := do(t, h, "POST", "/api/3/action/package_search", body, "Content-Type", "application/json")
	form := do(t, h, "POST", "/api/3/action/package_search", url.QueryEscape(body), "Content-Type", "application/x-www-form-urlencoded")
	plainForm := do(t, h, "POST", "/api/3/action/package_search", "q=%E6%95%B0%E6%8D%AE&rows=5&start=2&sort=name+asc&fq=res_format:%E6%8E%A5%E5%8F%A3&facet.field=%5B%22organization%22%2C%22tags%22%5D&facet.limit=3", "Content-Type", "application/x-www-form-urlencoded")
	var g searchResult
	mustResult(t, get, &g)
	if g.Count == 0 || len(g.Results) == 0 || len(g.SearchFacets["tags"].Items) != 3 {
		t.Fatalf("the search finds nothing to compare: %s", get.raw)
	}
	for name, r := range map[string]reply{"json": post, "form": form, "plain form": plainForm} {
		if string(r.Result) != string(get.Result) {
			t.Errorf("%s differs from GET:\n%s\n%s", name, r.Result, get.Result)
		}
	}
}

// TestBlankFormKeys: a form body whose one key is blank is a form, not
// JSON posted as a form; reading the key's first character used to panic.
func TestBlankFormKeys(t *testing.T) {
	h := newHandler(newFake(5), nil)
	for _, body := range []string{"=", "+", "%20", "%20=1", "+=&"} {
		r := do(t, h, "POST", "/api/3/action/package_search", body, "Content-Type", "application/x-www-form-urlencoded")
		if r.status != 200 || !r.Success {
			t.Errorf("body %q: %d %s", body, r.status, r.raw)
		}
	}
}

var (
	uuidRE     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	ckanTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$`)
)

func TestPackageShow(t *testing.T) {
	f := newFake(10)
	h := newHandler(f, nil)
	e := f.entries[0] // 人口基础信息, conditional
	id := h.ids.uuid(kindPackage, e.ID)
	name := packageName(e.ResourceCode, e.ID)
	var first pkg
	for i, ref := range []string{id, name, strings.ToUpper(name), "1", "entry-1"} {
		var p pkg
		mustResult(t, do(t, h, "GET", "/api/3/action/package_show?id="+url.QueryEscape(ref), ""), &p)
		if i == 0 {
			first = p
		} else if p.ID != first.ID {
			t.Errorf("%s shows %s, not %s", ref, p.ID, first.ID)
		}
	}
	p := first
	if !uuidRE.MatchString(p.ID) || p.ID != id {
		t.Errorf("id %q", p.ID)
	}
	if !ckanName.MatchString(p.Name) || p.Name != strings.ToLower(strings.ReplaceAll(e.ResourceCode, "/", "-")) {
		t.Errorf("name %q from %q", p.Name, e.ResourceCode)
	}
	if p.Title != "人口基础信息" || p.Notes != e.Summary || p.Type != "dataset" || p.State != "active" || p.Private {
		t.Errorf("package %+v", p)
	}
	if p.Organization == nil || p.Organization.Title != "杭州市公安局" || p.OwnerOrg != p.Organization.ID ||
		p.Organization.Name != strings.ToLower(f.depts[0].CreditCode) || !uuidRE.MatchString(p.OwnerOrg) {
		t.Errorf("organization %+v owner_org %q", p.Organization, p.OwnerOrg)
	}
	if !ckanTimeRE.MatchString(p.MetadataCreated) || !ckanTimeRE.MatchString(p.MetadataModified) ||
		p.MetadataModified != e.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000") {
		t.Errorf("times %q %q", p.MetadataCreated, p.MetadataModified)
	}
	wantTags := []string{"基础信息资源", "姓名", "性别", "出生日期", "户籍地址 省 市"}
	var tags []string
	for _, tg := range p.Tags {
		tags = append(tags, tg.Name)
		if !uuidRE.MatchString(tg.ID) || tg.DisplayName != tg.Name || tg.State != "active" {
			t.Errorf("tag %+v", tg)
		}
	}
	if strings.Join(tags, "|") != strings.Join(wantTags, "|") || p.NumTags != len(wantTags) {
		t.Errorf("tags %q (%d), want %q", tags, p.NumTags, wantTags)
	}
	if p.NumResources != 1 || len(p.Resources) != 1 {
		t.Fatalf("resources %+v", p.Resources)
	}
	res := p.Resources[0]
	if res.URL != site+"/api/v1/open/datasets/1" || res.Format != "数据库" || res.PackageID != p.ID ||
		res.Description != "仅限科研用途" || !uuidRE.MatchString(res.ID) || res.ID == p.ID {
		t.Errorf("resource %+v", res)
	}
	extras := map[string]string{}
	for _, x := range p.Extras {
		extras[x.Key] = x.Value
	}
	for k, v := range map[string]string{
		"resource_code": e.ResourceCode, "update_cycle": "daily", "open_type": "conditional", "open_conditions": "仅限科研用途",
		"grade": "general", "classification": "101001", "items": `["姓名","性别","出生日期","户籍地址（省/市）"]`, "format": "数据库",
	} {
		if extras[k] != v {
			t.Errorf("extra %s = %q, want %q", k, extras[k], v)
		}
	}
}

func TestPackageShowTrickyTitle(t *testing.T) {
	f := newFake(10)
	h := newHandler(f, nil)
	var p pkg
	mustResult(t, do(t, h, "POST", "/api/3/action/package_show", `{"id": 4}`), &p)
	if p.Title != "引号\"与反斜杠\\的\n多行标题" || p.Notes != "摘要含 <尖括号> 与 & 符号" {
		t.Errorf("title %q notes %q", p.Title, p.Notes)
	}
}

func TestPackageList(t *testing.T) {
	f := newFake(25)
	h := newHandler(f, nil)
	var all []string
	mustResult(t, do(t, h, "GET", "/api/3/action/package_list", ""), &all)
	if len(all) != 25 {
		t.Fatalf("%d names", len(all))
	}
	for i, n := range all {
		if !ckanName.MatchString(n) || i > 0 && all[i-1] >= n {
			t.Errorf("names not valid and ordered at %d: %q", i, n)
		}
	}
	var page []string
	mustResult(t, do(t, h, "GET", "/api/3/action/package_list?limit=10&offset=20", ""), &page)
	if strings.Join(page, ",") != strings.Join(all[20:], ",") {
		t.Errorf("page %v", page)
	}
}

func TestOrganizations(t *testing.T) {
	f := newFake(30)
	h := newHandler(f, nil)
	var names []string
	mustResult(t, do(t, h, "GET", "/api/3/action/organization_list", ""), &names)
	// By title (the department's name, in the store's order); the archive
	// publishes nothing open and is not listed.
	want := []string{orgName(f.depts[2]), orgName(f.depts[0]), orgName(f.depts[1])} // 交 < 公 < 市
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("names %v, want %v", names, want)
	}
	var orgs []organization
	mustResult(t, do(t, h, "POST", "/api/3/action/organization_list", `{"all_fields": true, "sort": "package_count desc", "limit": 2}`), &orgs)
	if len(orgs) != 2 || *orgs[0].PackageCount < *orgs[1].PackageCount || orgs[0].Title == "" || !orgs[0].IsOrganization {
		t.Errorf("orgs %+v", orgs)
	}
	total := 0
	mustResult(t, do(t, h, "GET", "/api/3/action/organization_list?all_fields=true", ""), &orgs)
	for _, o := range orgs {
		total += *o.PackageCount
	}
	if total != 30 {
		t.Errorf("package counts add up to %d", total)
	}
	mustResult(t, do(t, h, "GET", "/api/3/action/organization_list?q=%E4%BA%A4%E9%80%9A", ""), &names) // 交通
	if len(names) != 1 || names[0] != orgName(f.depts[2]) {
		t.Errorf("q: %v", names)
	}

	var o organization
	mustResult(t, do(t, h, "GET", "/api/3/action/organization_show?id="+orgName(f.depts[1]), ""), &o)
	if o.Title != "杭州市市场监督管理局" || o.ID != h.ids.uuid(kindOrganization, 2) || len(o.Packages) != 0 {
		t.Errorf("org %+v", o)
	}
	var byID organization
	mustResult(t, do(t, h, "GET", "/api/3/action/organization_show?include_datasets=true&id="+o.ID, ""), &byID)
	if byID.Name != o.Name || len(byID.Packages) != *byID.PackageCount || *byID.PackageCount != count(f, func(e *govdata.Entry) bool { return e.DepartmentID == 2 }) {
		t.Errorf("org by id %+v (%d packages)", byID, len(byID.Packages))
	}
	for _, p := range byID.Packages {
		if p.OwnerOrg != o.ID {
			t.Errorf("package %s of %s", p.Name, p.OwnerOrg)
		}
	}
}
