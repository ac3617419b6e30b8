package http_test

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// openCode publishes an open entry of department A named name and returns
// its resource code.
func openCode(t *testing.T, e *env, name, summary string) string {
	t.Helper()
	officer, reviewer := storetest.As(e.actor("officer")), storetest.As(e.actor("reviewer"))
	in := catalogInput(name)
	in.Summary = summary
	d := mustGet(e.svc.Catalog.CreateEntry(officer, in))(t)
	mustGet(e.svc.Catalog.Submit(officer, d.ID))(t)
	mustGet(e.svc.Catalog.Review(reviewer, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
	return d.ResourceCode
}

type sitemapURLs struct {
	XMLName xml.Name `xml:"urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name `xml:"sitemapindex"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

// TestPortalSitemap: /sitemap.xml lists the portal's pages and the page of
// every open dataset, and no draft; beyond the limit of one sitemap it is
// an index of pages that together hold every URL once; robots.txt names it.
func TestPortalSitemap(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		var codes []string
		for i := range 3 {
			codes = append(codes, openCode(t, e, fmt.Sprintf("人口统计资源%d", i), "各区县常住人口"))
		}
		draft := catalogEntry(t, e, "draft")
		draftCode := mustGet(e.svc.Catalog.FindEntryByID(storetest.As(e.actor("officer")), draft))(t).ResourceCode

		r := e.do(t, req{method: "GET", path: "/robots.txt"})
		mustStatus(t, r, 200)
		if !strings.Contains(string(r.body), "Sitemap: http") || !strings.Contains(string(r.body), "/sitemap.xml\n") || !strings.Contains(string(r.body), "Allow: /portal\n") ||
			!strings.Contains(string(r.body), "Allow: /assets/\n") || !strings.Contains(string(r.body), "Disallow: /\n") {
			t.Errorf("robots.txt: %s", r.body)
		}

		r = e.do(t, req{method: "GET", path: "/sitemap.xml"})
		mustStatus(t, r, 200)
		var one sitemapURLs
		if err := xml.Unmarshal(r.body, &one); err != nil {
			t.Fatalf("sitemap: %v\n%s", err, r.body)
		}
		got := map[string]bool{}
		for _, u := range one.URLs {
			got[u.Loc[strings.Index(u.Loc, "/portal"):]] = true
		}
		for _, p := range []string{"/portal", "/portal/catalog", "/portal/notices", "/portal/terms"} {
			if !got[p] {
				t.Errorf("sitemap lacks %s: %s", p, r.body)
			}
		}
		for _, c := range codes {
			if !got["/portal/datasets/"+c] {
				t.Errorf("sitemap lacks the dataset %s: %s", c, r.body)
			}
		}
		if got["/portal/datasets/"+draftCode] || len(one.URLs) != 4+len(codes) {
			t.Errorf("sitemap lists %d URLs (a draft?): %s", len(one.URLs), r.body)
		}

		// Three URLs a sitemap: 7 URLs make an index of three pages.
		e.srv.SetSitemapMax(3)
		r = e.do(t, req{method: "GET", path: "/sitemap.xml"})
		mustStatus(t, r, 200)
		var index sitemapIndex
		if err := xml.Unmarshal(r.body, &index); err != nil {
			t.Fatalf("sitemap index: %v\n%s", err, r.body)
		}
		if len(index.Sitemaps) != 3 {
			t.Fatalf("sitemap index: %s", r.body)
		}
		seen := map[string]int{}
		for i, s := range index.Sitemaps {
			if !strings.HasSuffix(s.Loc, fmt.Sprintf("/sitemap.xml?page=%d", i+1)) {
				t.Errorf("sitemap %d at %s", i+1, s.Loc)
			}
			r := e.do(t, req{method: "GET", path: fmt.Sprintf("/sitemap.xml?page=%d", i+1)})
			mustStatus(t, r, 200)
			var page sitemapURLs
			if err := xml.Unmarshal(r.body, &page); err != nil || len(page.URLs) > 3 {
				t.Fatalf("sitemap page %d: %v\n%s", i+1, err, r.body)
			}
			for _, u := range page.URLs {
				seen[u.Loc]++
			}
		}
		if len(seen) != 4+len(codes) {
			t.Errorf("the pages hold %d URLs, want %d: %v", len(seen), 4+len(codes), seen)
		}
		for u, n := range seen {
			if n != 1 {
				t.Errorf("%s is on %d pages", u, n)
			}
		}
		for _, bad := range []string{"0", "4", "x"} {
			mustError(t, e.do(t, req{method: "GET", path: "/sitemap.xml?page=" + bad}), 400, govdata.EINVALID)
		}
	})
}

// TestPortalPageHead: the console's page for a portal path carries the
// page's own title, description and Open Graph tags, HTML-escaped, in the
// reader's language, with the CSP nonce scheme unchanged; a dataset page
// whose code names no open dataset is a 404.
func TestPortalPageHead(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{ui: consoleFiles})
		code := openCode(t, e, `人口"统计"<b>&资源`, `各区县常住人口 <script>alert(1)</script>`)
		draft := catalogEntry(t, e, "draft")
		draftCode := mustGet(e.svc.Catalog.FindEntryByID(storetest.As(e.actor("officer")), draft))(t).ResourceCode

		page := func(path, lang string, status int) string {
			t.Helper()
			h := map[string]string{}
			if lang != "" {
				h["Accept-Language"] = lang
			}
			r := e.do(t, req{method: "GET", path: path, header: h})
			mustStatus(t, r, status)
			body := string(r.body)
			if !strings.Contains(body, `<div id="root">`) {
				t.Errorf("%s: not the console's page: %s", path, body)
			}
			m := noncePattern.FindStringSubmatch(r.header.Get("Content-Security-Policy"))
			if m == nil || !strings.Contains(body, `nonce="`+m[1]+`"`) || strings.Contains(body, "__GOVDATA_CSP_NONCE__") {
				t.Errorf("%s: the page's nonce does not match its CSP", path)
			}
			return body
		}

		body := page("/portal/datasets/"+code, "", 200)
		for _, want := range []string{
			`<title>人口&#34;统计&#34;&lt;b&gt;&amp;资源 - 开放数据门户</title>`,
			`<meta name="description" content="`,
			`各区县常住人口 &lt;script&gt;alert(1)&lt;/script&gt;`,
			`<meta property="og:title" content="人口&#34;统计&#34;&lt;b&gt;&amp;资源" />`,
			`<meta property="og:url" content="`,
			`/portal/datasets/` + code + `" />`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("dataset page lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<b>&") {
			t.Errorf("dataset page: unescaped text:\n%s", body)
		}
		if body := page("/portal/datasets/"+code, "en", 200); !strings.Contains(body, "- Open Data Portal</title>") {
			t.Errorf("dataset page in English: %s", body)
		}
		for _, c := range []struct{ path, want string }{
			{"/portal", "<title>开放数据门户</title>"},
			{"/portal/", "<title>开放数据门户</title>"},
			{"/portal/catalog", "<title>数据目录 - 开放数据门户</title>"},
			{"/portal/notices", "<title>撤回公告 - 开放数据门户</title>"},
		} {
			if body := page(c.path, "", 200); !strings.Contains(body, c.want) || !strings.Contains(body, `<meta name="description"`) {
				t.Errorf("%s lacks %q: %s", c.path, c.want, body)
			}
		}
		if body := page("/portal/catalog", "en", 200); !strings.Contains(body, "<title>Data catalog - Open Data Portal</title>") {
			t.Errorf("catalog in English: %s", body)
		}
		// No open dataset: a draft, an unknown code, no code at all.
		for _, p := range []string{"/portal/datasets/" + draftCode, "/portal/datasets/301001/11350100325032385D999999", "/portal/datasets/x"} {
			if body := page(p, "", 404); strings.Contains(body, "og:title") {
				t.Errorf("%s: tags of a dataset: %s", p, body)
			}
		}
		// The staff console's pages keep the built page as it is.
		if body := page("/tasks", "", 200); strings.Contains(body, "og:title") || strings.Contains(body, "description") {
			t.Errorf("/tasks: %s", body)
		}
	})
}
