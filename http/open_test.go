package http_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/catalogxlsx"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// The open catalog through the real store: govdata's JSON, a CKAN
// harvester's paging, DCAT feeds; what is not open is nowhere.
func TestOpenCatalogHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		var open []int64
		for range 3 {
			open = append(open, catalogEntry(t, e, "published"))
		}
		officer, reviewer := storetest.As(e.actor("officer")), storetest.As(e.actor("reviewer"))
		closedIn := catalogInput("不开放的人口资源")
		closedIn.OpenType, closedIn.OpenConditions = govdata.OpenNone, "仅供内部统计"
		closed := mustGet(e.svc.Catalog.CreateEntry(officer, closedIn))(t)
		mustGet(e.svc.Catalog.Submit(officer, closed.ID))(t)
		mustGet(e.svc.Catalog.Review(reviewer, closed.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		draft := catalogEntry(t, e, "draft")

		l := mustOK[govdata.EntryList](t, e.do(t, req{method: "GET", path: "/api/v1/open/catalog?q=人口"}), 200)
		if l.Total != 3 || len(l.Items) != 3 {
			t.Fatalf("open search: %+v", l)
		}
		for _, id := range []int64{closed.ID, draft} {
			mustError(t, e.do(t, req{method: "GET", path: "/api/v1/open/catalog/" + itoa(id)}), 404, govdata.ENOTFOUND)
			if r := e.do(t, req{method: "GET", path: "/dataset/" + itoa(id) + ".ttl"}); r.status != 404 {
				t.Errorf("DCAT of entry %d not open: %v", id, r)
			}
		}

		// A harvester pages with rows/start/sort and gets every package once.
		type pkg struct {
			ID, Name, Title string
		}
		var ckan struct {
			Success bool `json:"success"`
			Result  struct {
				Count   int   `json:"count"`
				Results []pkg `json:"results"`
			} `json:"result"`
		}
		seen := map[string]bool{}
		for start := 0; ; start += 2 {
			r := e.do(t, req{method: "GET", path: "/api/3/action/package_search?rows=2&start=" + itoa(int64(start)) + "&sort=metadata_modified+desc"})
			mustStatus(t, r, 200)
			if err := json.Unmarshal(r.body, &ckan); err != nil || !ckan.Success || ckan.Result.Count != 3 {
				t.Fatalf("package_search: %s (%v)", r.body, err)
			}
			if len(ckan.Result.Results) == 0 {
				break
			}
			for _, p := range ckan.Result.Results {
				if seen[p.Name] {
					t.Fatalf("package %s twice", p.Name)
				}
				seen[p.Name] = true
			}
		}
		if len(seen) != 3 {
			t.Fatalf("harvested %d packages, want 3", len(seen))
		}
		for name := range seen {
			r := e.do(t, req{method: "POST", path: "/api/3/action/package_show", body: map[string]string{"id": name}})
			if r.status != 200 || !strings.Contains(string(r.body), `"success":true`) {
				t.Errorf("package_show %s: %v", name, r)
			}
		}
		r := e.do(t, req{method: "GET", path: "/api/3/action/package_show?id=nothing-here"})
		if r.status != 404 || !strings.Contains(string(r.body), `"success":false`) {
			t.Errorf("package_show of nothing: %v", r)
		}
		r = e.do(t, req{method: "GET", path: "/api/3/action/organization_list?all_fields=true"})
		if r.status != 200 || !strings.Contains(string(r.body), "福州市大数据管理局") {
			t.Errorf("organization_list: %v", r)
		}

		// DCAT: the catalog counts the open entries; an entry's Turtle names it.
		r = e.do(t, req{method: "GET", path: "/catalog.jsonld"})
		mustStatus(t, r, 200)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "application/ld+json") || !bytes.Contains(r.body, []byte("totalItems")) {
			t.Errorf("catalog.jsonld: %s", r.header.Get("Content-Type"))
		}
		one := mustGet(e.svc.Catalog.FindEntryByID(officer, open[0]))(t)
		r = e.do(t, req{method: "GET", path: "/dataset/" + itoa(open[0]) + ".ttl"})
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/turtle") || !strings.Contains(string(r.body), one.Name) {
			t.Errorf("dataset ttl: %v", r)
		}
		if r := e.do(t, req{method: "GET", path: "/catalog.ttl?page=0"}); r.status != 400 {
			t.Errorf("page 0: %v", r)
		}
	})
}

// CAT-6: a department builds its catalog from one upload, all or none, and
// exports what it sees.
func TestCatalogFilesHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		r := e.do(t, req{method: "GET", path: "/api/v1/catalog/template.xlsx", as: "leader"})
		mustStatus(t, r, 200)
		if r.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || len(r.body) < 1000 {
			t.Fatalf("template: %s, %d bytes", r.header.Get("Content-Type"), len(r.body))
		}
		xlsx := map[string]string{"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
		var book bytes.Buffer
		entries := []*govdata.Entry{{EntryInput: catalogInput("道路运输许可信息")}, {EntryInput: catalogInput("出租车运营信息")}}
		if err := catalogxlsx.Write(&book, entries); err != nil {
			t.Fatal(err)
		}
		created := mustOK[struct {
			Created int              `json:"created"`
			Items   []*govdata.Entry `json:"items"`
		}](t, e.do(t, req{method: "POST", path: "/api/v1/catalog/import", as: "officer", body: book.Bytes(), header: xlsx}), 201)
		if created.Created != 2 || created.Items[0].Status != govdata.EntryDraft || created.Items[0].ResourceCode == "" {
			t.Fatalf("imported: %+v", created)
		}
		// Bad files: a clear 4xx listing the cells, nothing created.
		bad := catalogInput("坏行")
		bad.Items = append(bad.Items, bad.Items[0]) // a repeated item name
		var badBook bytes.Buffer
		if err := catalogxlsx.Write(&badBook, []*govdata.Entry{{EntryInput: catalogInput("好行")}, {EntryInput: bad}}); err != nil {
			t.Fatal(err)
		}
		env := mustError(t, e.do(t, req{method: "POST", path: "/api/v1/catalog/import", as: "officer", body: badBook.Bytes(), header: xlsx}), 400, govdata.EINVALID)
		if !strings.Contains(string(mustJSON(t, env.Error.Details)), `"sheet":"信息项"`) {
			t.Errorf("cell errors: %+v", env.Error.Details)
		}
		for _, body := range [][]byte{[]byte("姓名,身份证\n张三,1"), {}, []byte("PK\x03\x04 not really a zip")} {
			mustError(t, e.do(t, req{method: "POST", path: "/api/v1/catalog/import", as: "officer", body: body, header: xlsx}), 400, govdata.EINVALID)
		}
		l := mustOK[govdata.EntryList](t, e.do(t, req{method: "GET", path: "/api/v1/catalog?limit=100", as: "officer"}), 200)
		if l.Total != 2 {
			t.Fatalf("after refused imports: %d entries", l.Total)
		}
		mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/catalog/import", as: "officer", body: bytes.Repeat([]byte("x"), 33<<20), header: xlsx}), http.StatusRequestEntityTooLarge)

		// Exports: what the officer sees, in each format; the XLSX imports again.
		r = e.do(t, req{method: "GET", path: "/api/v1/catalog/export?format=xlsx", as: "officer"})
		mustStatus(t, r, 200)
		back, err := catalogxlsx.Parse(bytes.NewReader(r.body), int64(len(r.body)), mustProfile(t))
		if err != nil || len(back) != 2 {
			t.Fatalf("export re-read: %d entries, %v", len(back), err)
		}
		r = e.do(t, req{method: "GET", path: "/api/v1/catalog/export?format=csv", as: "officer"})
		if r.status != 200 || !bytes.HasPrefix(r.body, []byte("\xef\xbb\xbf")) || !strings.Contains(string(r.body), "出租车运营信息") {
			t.Errorf("csv export: %v", r)
		}
		if got := mustOK[[]govdata.Entry](t, e.do(t, req{method: "GET", path: "/api/v1/catalog/export?format=json", as: "auditor"}), 200); len(got) != 0 {
			t.Errorf("another department's drafts exported to the auditor: %d", len(got))
		}
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/catalog/export?format=pdf", as: "officer"}), 400, govdata.EINVALID)
	})
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
