package dcat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/piprate/json-gold/ld"
)

const (
	site = "https://data.example.gov.cn"
	base = site + "/dcat"
)

func newHandler(f *fakeCatalog, log *bytes.Buffer) *Handler {
	if log == nil {
		log = &bytes.Buffer{}
	}
	return New(f, Config{
		SiteURL: site + "/", Path: "/dcat/",
		Title:       govdata.Text{ZH: "杭州市公共数据开放目录", EN: "Hangzhou open data catalog"},
		Description: govdata.Text{ZH: "杭州市无条件与有条件开放的政务数据资源"},
		Publisher:   govdata.Text{ZH: "杭州市数据资源管理局", EN: "Hangzhou Data Resources Administration"},
		Logger:      slog.New(slog.NewTextHandler(log, nil)),
	})
}

func get(t *testing.T, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// rdfSet is a parsed document's triples.
type rdfSet []triple

func (s rdfSet) objects(subj, pred string) []obj {
	var out []obj
	for _, t := range s {
		if t.s == subj && t.p == pred {
			out = append(out, t.o)
		}
	}
	return out
}

func (s rdfSet) has(subj, pred string, o obj) bool {
	return slices.Contains(s.objects(subj, pred), o)
}

// sorted are the triples in N-Triples, sorted, each once; rewrite, when
// given, changes each first.
func (s rdfSet) sorted(rewrite ...*strings.Replacer) []string {
	out := make([]string, len(s))
	for i, t := range s {
		out[i] = t.String()
		for _, r := range rewrite {
			out[i] = r.Replace(out[i])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// noLoader refuses to fetch remote contexts: the documents carry theirs.
type noLoader struct{}

func (noLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	return nil, fmt.Errorf("no remote context may be loaded: %s", u)
}

// parseJSONLD reads a JSON-LD document with json-gold (JSON-LD 1.1 to RDF).
func parseJSONLD(doc []byte) (rdfSet, error) {
	var input any
	if err := json.Unmarshal(doc, &input); err != nil {
		return nil, err
	}
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = noLoader{}
	out, err := ld.NewJsonLdProcessor().ToRDF(input, opts)
	if err != nil {
		return nil, err
	}
	ds, ok := out.(*ld.RDFDataset)
	if !ok {
		return nil, fmt.Errorf("ToRDF gave %T", out)
	}
	var set rdfSet
	for name, quads := range ds.Graphs {
		if name != "@default" && len(quads) > 0 {
			return nil, fmt.Errorf("a named graph %s", name)
		}
		for _, q := range quads {
			s, ok1 := q.Subject.(ld.IRI)
			p, ok2 := q.Predicate.(ld.IRI)
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("a blank node in %v", q)
			}
			tr := triple{s: s.Value, p: p.Value}
			switch o := q.Object.(type) {
			case ld.IRI:
				tr.o = obj{iri: o.Value}
			case ld.Literal:
				tr.o = obj{value: o.Value, lang: o.Language, datatype: o.Datatype}
				if o.Language != "" || o.Datatype == nsXSD+"string" {
					tr.o.datatype = ""
				}
			default:
				return nil, fmt.Errorf("object %T", q.Object)
			}
			set = append(set, tr)
		}
	}
	return set, nil
}

// feed fetches a document in both formats, parses each, checks that they
// hold the same triples, and returns them.
func feed(t *testing.T, h http.Handler, path, query string) rdfSet {
	t.Helper()
	ttl := get(t, h, path+".ttl"+query)
	js := get(t, h, path+".jsonld"+query)
	if ttl.Code != 200 || js.Code != 200 {
		t.Fatalf("%s: %d %d: %s %s", path, ttl.Code, js.Code, ttl.Body, js.Body)
	}
	if ct := ttl.Header().Get("Content-Type"); ct != "text/turtle; charset=utf-8" {
		t.Errorf("Turtle Content-Type %q", ct)
	}
	if ct := js.Header().Get("Content-Type"); ct != "application/ld+json" {
		t.Errorf("JSON-LD Content-Type %q", ct)
	}
	fromTTL, err := parseTurtle(ttl.Body.Bytes())
	if err != nil {
		t.Fatalf("%s.ttl is not Turtle: %v\n%s", path, err, ttl.Body)
	}
	fromJS, err := parseJSONLD(js.Body.Bytes())
	if err != nil {
		t.Fatalf("%s.jsonld is not JSON-LD: %v\n%s", path, err, js.Body)
	}
	// The same triples, but that a page's links keep the page's format.
	same := strings.NewReplacer("/catalog.ttl?page=", "/catalog?page=", "/catalog.jsonld?page=", "/catalog?page=")
	a, b := rdfSet(fromTTL).sorted(same), fromJS.sorted(same)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("%s: Turtle and JSON-LD differ\nTurtle:\n%s\nJSON-LD:\n%s", path, strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	if len(a) < 10 {
		t.Fatalf("%s: only %d triples", path, len(a))
	}
	return fromJS
}

func lit(v, lang string) obj   { return obj{value: v, lang: lang} }
func typ(v, dt string) obj     { return obj{value: v, datatype: dt} }
func ref(iri string) obj       { return obj{iri: iri} }
func str(v string) obj         { return obj{value: v} }
func dsIRI(id int64) string    { return fmt.Sprintf("%s/dataset/%d", base, id) }
func xsdDateTime(s string) obj { return typ(s, nsXSD+"dateTime") }
func eu(table, code string) obj {
	return ref("http://publications.europa.eu/resource/authority/" + table + "/" + code)
}
func classIRI(code string) string { return base + "/classification/" + code }

func TestDatasetMapping(t *testing.T) {
	f := newFake(5)
	h := newHandler(f, nil)
	e := f.entries[0]
	g := feed(t, h, "/dcat/dataset/1", "")
	ds, pub, dist := dsIRI(1), base+"/publisher/1", dsIRI(1)+"#distribution"
	for _, c := range []struct {
		s, p string
		o    obj
	}{
		{ds, rdfType, ref(nsDCAT + "Dataset")},
		{ds, nsDCT + "title", lit("人口基础信息", "zh")},
		{ds, nsDCT + "description", lit("全市户籍人口与流动人口的基本信息", "zh")},
		{ds, nsDCT + "identifier", str(e.ResourceCode)},
		{ds, nsDCT + "language", ref(euLanguageZH)},
		{ds, nsDCT + "publisher", ref(pub)},
		{pub, rdfType, ref(nsFOAF + "Organization")},
		{pub, rdfType, ref(nsFOAF + "Agent")},
		{pub, nsFOAF + "name", lit("杭州市公安局", "zh")},
		{pub, nsDCT + "identifier", str(f.depts[0].CreditCode)},
		{ds, nsDCAT + "keyword", lit("基础信息资源", "zh")},
		{ds, nsDCAT + "keyword", lit("出生日期", "zh")},
		{ds, nsDCT + "issued", xsdDateTime(e.PublishedAt.UTC().Format("2006-01-02T15:04:05Z"))},
		{ds, nsDCT + "modified", xsdDateTime(e.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"))},
		{ds, nsDCT + "accrualPeriodicity", eu("frequency", "DAILY")},
		{ds, nsDCT + "accessRights", eu("access-right", "RESTRICTED")},
		{ds, nsOWL + "versionInfo", str("3")},
		{ds, nsDCAT + "theme", ref(classIRI("101001"))},
		{classIRI("101001"), rdfType, ref(nsSKOS + "Concept")},
		{classIRI("101001"), nsSKOS + "notation", str("101001")},
		{classIRI("101001"), nsSKOS + "broader", ref(classIRI("1"))},
		{classIRI("101001"), nsSKOS + "inScheme", ref(base + "/classification")},
		{classIRI("1"), nsSKOS + "prefLabel", lit("基础信息资源", "zh")},
		{classIRI("1"), nsSKOS + "prefLabel", lit("base information resources", "en")},
		{ds, nsDCAT + "landingPage", ref(site + "/api/v1/open/datasets/1")},
		{ds, nsDCAT + "distribution", ref(dist)},
		{dist, rdfType, ref(nsDCAT + "Distribution")},
		{dist, nsDCAT + "accessURL", ref(site + "/api/v1/open/datasets/1")},
		{dist, nsDCT + "description", lit("信息资源格式：数据库", "zh")},
		{dist, nsDCT + "rights", ref(dist + "-conditions")},
		{dist + "-conditions", nsRDFS + "label", lit("仅限科研用途，不得再分发", "zh")},
	} {
		if !g.has(c.s, c.p, c.o) {
			t.Errorf("missing <%s> <%s> %s", c.s, c.p, c.o)
		}
	}
	if got := g.objects(dist, nsDCT+"format"); len(got) != 0 {
		t.Errorf("数据库 names no file type, got %v", got)
	}

	g = feed(t, h, "/dcat/dataset/2", "")
	for _, c := range []struct {
		s, p string
		o    obj
	}{
		{dsIRI(2), nsDCT + "accrualPeriodicity", eu("frequency", "ANNUAL_2")},
		{dsIRI(2), nsDCT + "accessRights", eu("access-right", "PUBLIC")},
		{dsIRI(2) + "#distribution", nsDCT + "format", eu("file-type", "CSV")},
		{dsIRI(2) + "#distribution", nsDCAT + "mediaType", ref("http://www.iana.org/assignments/media-types/text/csv")},
		{dsIRI(2), nsDCAT + "theme", ref(classIRI("33001101"))},
		{base + "/publisher/2", nsFOAF + "name", lit("杭州市交通运输局", "zh")},
	} {
		if !g.has(c.s, c.p, c.o) {
			t.Errorf("missing <%s> <%s> %s", c.s, c.p, c.o)
		}
	}
	if got := g.objects(dsIRI(2)+"#distribution", nsDCT+"rights"); len(got) != 0 {
		t.Errorf("an unconditional entry states no conditions: %v", got)
	}
	g = feed(t, h, "/dcat/dataset/3", "")
	if !g.has(dsIRI(3), nsDCT+"accrualPeriodicity", eu("frequency", "UPDATE_CONT")) {
		t.Errorf("realtime: %v", g.objects(dsIRI(3), nsDCT+"accrualPeriodicity"))
	}
}

func TestFrequencies(t *testing.T) {
	want := map[govdata.UpdateCycle]string{
		govdata.CycleRealtime: "UPDATE_CONT", govdata.CycleDaily: "DAILY", govdata.CycleWeekly: "WEEKLY",
		govdata.CycleMonthly: "MONTHLY", govdata.CycleQuarterly: "QUARTERLY", govdata.CycleHalfYearly: "ANNUAL_2",
		govdata.CycleYearly: "ANNUAL", govdata.CycleOther: "OTHER",
	}
	for _, c := range govdata.UpdateCycles {
		if frequencies[c] != want[c] {
			t.Errorf("%s → %q, want %q", c, frequencies[c], want[c])
		}
	}
}

// TestEscaping: a title with a quote, a backslash, a line end and a tab,
// and a summary with <, >, &, ' and ", come back exactly from both.
func TestEscaping(t *testing.T) {
	f := newFake(5)
	h := newHandler(f, nil)
	g := feed(t, h, "/dcat/dataset/2", "")
	if !g.has(dsIRI(2), nsDCT+"title", lit(trickyTitle, "zh")) {
		t.Errorf("title: %v", g.objects(dsIRI(2), nsDCT+"title"))
	}
	if !g.has(dsIRI(2), nsDCT+"description", lit(f.entries[1].Summary, "zh")) {
		t.Errorf("description: %v", g.objects(dsIRI(2), nsDCT+"description"))
	}
	ttl := get(t, h, "/dcat/dataset/2.ttl").Body.String()
	if !strings.Contains(ttl, `"引号\"与反斜杠\\的\n多行标题\t制表"@zh`) {
		t.Errorf("Turtle escapes:\n%s", ttl)
	}

	// Control characters, invalid UTF-8 and an IRI with characters an IRI
	// may not hold.
	f.entries[0].Name = "控制\x01字符\x7f与坏字节\xff"
	h.cfg.DatasetURL = func(e *govdata.Entry) string { return site + `/open/数据 集/"1"<x>{y}|^` + "`" + `\` }
	g = feed(t, h, "/dcat/dataset/1", "")
	if !g.has(dsIRI(1), nsDCT+"title", lit("控制\x01字符\x7f与坏字节\uFFFD", "zh")) {
		t.Errorf("title: %v", g.objects(dsIRI(1), nsDCT+"title"))
	}
	want := site + "/open/数据%20集/%221%22%3Cx%3E%7By%7D%7C%5E%60%5C"
	if !g.has(dsIRI(1), nsDCAT+"landingPage", ref(want)) {
		t.Errorf("landing page: %v", g.objects(dsIRI(1), nsDCAT+"landingPage"))
	}
}

func TestCatalogPaging(t *testing.T) {
	f := newFake(2*PageSize + 50)
	h := newHandler(f, nil)
	seen := map[string]int{}
	for page := 1; page <= 3; page++ {
		q := fmt.Sprintf("?page=%d", page)
		g := feed(t, h, "/dcat/catalog", q)
		cat := base + "/catalog"
		pageURL := func(n int) obj { return ref(fmt.Sprintf("%s/catalog.jsonld?page=%d", base, n)) }
		this := fmt.Sprintf("%s/catalog.jsonld?page=%d", base, page)
		for _, c := range []struct {
			s, p string
			o    obj
		}{
			{cat, rdfType, ref(nsDCAT + "Catalog")},
			{cat, nsDCT + "title", lit("杭州市公共数据开放目录", "zh")},
			{cat, nsDCT + "title", lit("Hangzhou open data catalog", "en")},
			{cat, nsDCT + "publisher", ref(base + "/catalog#publisher")},
			{base + "/catalog#publisher", nsFOAF + "name", lit("杭州市数据资源管理局", "zh")},
			{cat, nsFOAF + "homepage", ref(site + "/")},
			{this, rdfType, ref(nsHydra + "PagedCollection")},
			{this, nsHydra + "totalItems", typ("250", nsXSD+"integer")},
			{this, nsHydra + "itemsPerPage", typ("100", nsXSD+"integer")},
			{this, nsHydra + "firstPage", pageURL(1)},
			{this, nsHydra + "lastPage", pageURL(3)},
		} {
			if !g.has(c.s, c.p, c.o) {
				t.Errorf("page %d: missing <%s> <%s> %s", page, c.s, c.p, c.o)
			}
		}
		next, prev := g.objects(this, nsHydra+"nextPage"), g.objects(this, nsHydra+"previousPage")
		if page < 3 && (len(next) != 1 || next[0] != pageURL(page+1)) || page == 3 && len(next) != 0 {
			t.Errorf("page %d: nextPage %v", page, next)
		}
		if page > 1 && (len(prev) != 1 || prev[0] != pageURL(page-1)) || page == 1 && len(prev) != 0 {
			t.Errorf("page %d: previousPage %v", page, prev)
		}
		datasets := g.objects(cat, nsDCAT+"dataset")
		if want := min(PageSize, 250-(page-1)*PageSize); len(datasets) != want {
			t.Errorf("page %d: %d datasets, want %d", page, len(datasets), want)
		}
		for _, d := range datasets {
			seen[d.iri]++
			if !g.has(d.iri, rdfType, ref(nsDCAT+"Dataset")) {
				t.Errorf("page %d: %s is listed but not described", page, d.iri)
			}
		}
	}
	if len(seen) != 250 {
		t.Errorf("%d datasets over the pages", len(seen))
	}
	for d, n := range seen {
		if n != 1 {
			t.Errorf("%s on %d pages", d, n)
		}
	}
	// The Turtle's page links keep its own extension.
	ttl, _ := parseTurtle(get(t, h, "/dcat/catalog.ttl").Body.Bytes())
	if !rdfSet(ttl).has(base+"/catalog.ttl?page=1", nsHydra+"nextPage", ref(base+"/catalog.ttl?page=2")) {
		t.Error("Turtle page links")
	}
}

func TestEmptyCatalog(t *testing.T) {
	f := newFake(4)
	f.entries = nil
	h := newHandler(f, nil)
	rec := get(t, h, "/dcat/catalog.ttl")
	g, err := parseTurtle(rec.Body.Bytes())
	if rec.Code != 200 || err != nil {
		t.Fatalf("%d %v", rec.Code, err)
	}
	page := base + "/catalog.ttl?page=1"
	if !rdfSet(g).has(page, nsHydra+"totalItems", typ("0", nsXSD+"integer")) || !rdfSet(g).has(page, nsHydra+"lastPage", ref(page)) {
		t.Errorf("empty catalog:\n%s", rec.Body)
	}
	if rec := get(t, h, "/dcat/catalog.ttl?page=2"); rec.Code != 400 {
		t.Errorf("page 2 of nothing: %d", rec.Code)
	}
}

func TestBadRequests(t *testing.T) {
	h := newHandler(newFake(150), nil)
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/dcat/catalog.ttl?page=0", 400},
		{"/dcat/catalog.ttl?page=-1", 400},
		{"/dcat/catalog.ttl?page=abc", 400},
		{"/dcat/catalog.jsonld?page=1.5", 400},
		{"/dcat/catalog.ttl?page=", 400},
		{"/dcat/catalog.ttl?page=3", 400}, // two pages of 150
		{"/dcat/catalog.ttl?page=1000001", 400},
		{"/dcat/catalog.ttl?page=99999999999999999999999", 400},
		{"/dcat/catalog.ttl?page=1&page=2", 400},
		{"/dcat/catalog.ttl?page=%00", 400},
		{"/dcat/catalog.ttl?page=2", 200},
		{"/dcat/catalog.ttl?other=x", 200},
		{"/dcat/dataset/999.ttl", 404},
		{"/dcat/dataset/0.ttl", 404},
		{"/dcat/dataset/-1.ttl", 404},
		{"/dcat/dataset/01.ttl", 404},
		{"/dcat/dataset/abc.jsonld", 404},
		{"/dcat/dataset/1/x.ttl", 404},
		{"/dcat/dataset/99999999999999999999.ttl", 404},
		{"/dcat/dataset/.ttl", 404},
		{"/dcat/catalog.xml", 404},
		{"/dcat/nothing", 404},
		{"/dcat", 404},
		{"/dcatalog.ttl", 404},
		{"/other/catalog.ttl", 404},
	} {
		rec := get(t, h, tc.target)
		if rec.Code != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.target, rec.Code, tc.status, rec.Body)
			continue
		}
		if tc.status != 200 {
			if ct := rec.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" || rec.Body.Len() == 0 || rec.Body.Len() > 300 {
				t.Errorf("%s: %q %q", tc.target, ct, rec.Body)
			}
		}
	}
	rec := get(t, h, "/dcat/catalog.ttl?page=0", "Accept-Language", "en")
	if !strings.Contains(rec.Body.String(), "page must be an integer from 1 to") {
		t.Errorf("English: %s", rec.Body)
	}
	if rec := get(t, h, "/dcat/catalog.ttl?page=0"); !strings.Contains(rec.Body.String(), "页码") {
		t.Errorf("Chinese: %s", rec.Body)
	}
	req := httptest.NewRequest("POST", "/dcat/catalog.ttl", nil)
	rw := httptest.NewRecorder()
	h.ServeHTTP(rw, req)
	if rw.Code != 405 || rw.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d %q", rw.Code, rw.Header().Get("Allow"))
	}
}

func TestNegotiation(t *testing.T) {
	h := newHandler(newFake(5), nil)
	for accept, want := range map[string]string{
		"":                                       "text/turtle; charset=utf-8",
		"*/*":                                    "text/turtle; charset=utf-8",
		"text/turtle":                            "text/turtle; charset=utf-8",
		"application/ld+json":                    "application/ld+json",
		"application/json":                       "application/ld+json",
		"text/turtle;q=0.5, application/ld+json": "application/ld+json",
		"application/ld+json;q=0.2, text/turtle": "text/turtle; charset=utf-8",
		"text/html,application/xhtml+xml,*/*;q=0.8": "text/turtle; charset=utf-8",
	} {
		for _, path := range []string{"/dcat/catalog", "/dcat/dataset/1"} {
			rec := get(t, h, path, "Accept", accept)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != want || rec.Header().Get("Vary") != "Accept" {
				t.Errorf("%s Accept %q: %d %q", path, accept, rec.Code, rec.Header().Get("Content-Type"))
			}
		}
	}
}

func TestStoreFailure(t *testing.T) {
	f := newFake(5)
	f.err = errors.New("sqlstore: connection to 10.0.0.5 refused")
	var log bytes.Buffer
	h := newHandler(f, &log)
	for _, target := range []string{"/dcat/catalog.ttl", "/dcat/dataset/1.jsonld"} {
		rec := get(t, h, target)
		if rec.Code != 500 || strings.Contains(rec.Body.String(), "10.0.0.5") {
			t.Errorf("%s: %d %s", target, rec.Code, rec.Body)
		}
	}
	if !strings.Contains(log.String(), "10.0.0.5") {
		t.Errorf("not logged: %s", log.String())
	}
}

// TestRapper: where Raptor's rapper is installed (apt-get install
// raptor2-utils), it must read the Turtle to the same triples.
func TestRapper(t *testing.T) {
	path, err := exec.LookPath("rapper")
	if err != nil {
		t.Skip("rapper (raptor2-utils) is not installed")
	}
	f := newFake(120)
	h := newHandler(f, nil)
	for _, target := range []string{"/dcat/catalog.ttl?page=2", "/dcat/dataset/2.ttl", "/dcat/dataset/1.ttl"} {
		body := get(t, h, target).Body.Bytes()
		cmd := exec.Command(path, "-q", "-i", "turtle", "-o", "ntriples", "-", base+"/")
		cmd.Stdin = bytes.NewReader(body)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		nt, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: rapper: %v %s", target, err, stderr.String())
		}
		theirs, err := parseTurtle(nt) // N-Triples is Turtle
		if err != nil {
			t.Fatalf("%s: rapper's N-Triples: %v", target, err)
		}
		ours, _ := parseTurtle(body)
		if a, b := rdfSet(theirs).sorted(), rdfSet(ours).sorted(); strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Errorf("%s: rapper reads\n%s\nwe read\n%s", target, strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
	}
}

// TestLargeCatalog: a catalog larger than the store pages through (10,000)
// is still paged to its end.
func TestLargeCatalog(t *testing.T) {
	f := newFake(10_250)
	h := newHandler(f, nil)
	seen := map[string]bool{}
	for _, page := range []int{1, 51, 52, 100, 101, 102, 103} { // 52 spans two departments
		rec := get(t, h, fmt.Sprintf("/dcat/catalog.ttl?page=%d", page))
		g, err := parseTurtle(rec.Body.Bytes())
		if rec.Code != 200 || err != nil {
			t.Fatalf("page %d: %d %v %s", page, rec.Code, err, rec.Body.String()[:min(200, rec.Body.Len())])
		}
		datasets := rdfSet(g).objects(base+"/catalog", nsDCAT+"dataset")
		if want := min(PageSize, 10_250-(page-1)*PageSize); len(datasets) != want {
			t.Errorf("page %d: %d datasets, want %d", page, len(datasets), want)
		}
		for _, d := range datasets {
			if seen[d.iri] {
				t.Errorf("page %d: %s again", page, d.iri)
			}
			seen[d.iri] = true
		}
	}
	if rec := get(t, h, "/dcat/catalog.ttl?page=104"); rec.Code != 400 {
		t.Errorf("page 104: %d", rec.Code)
	}
}
