// Package dcat publishes the open catalog (OPN-1) as DCAT-AP (CAT-7), in
// Turtle and JSON-LD, for the European and national data portals and the
// harvesters (ckanext-dcat's RDF harvester among them) that read DCAT.
//
// Under the path it is mounted at (Config.Path, "/dcat" say) the handler
// serves
//
//	/catalog.ttl, /catalog.jsonld     the dcat:Catalog, a page of PageSize
//	                                  datasets at a time (?page=N, from 1),
//	                                  with hydra:PagedCollection paging;
//	                                  publisher by publisher, newest first
//	                                  within each
//	/dataset/{id}.ttl, .jsonld        one open entry, by its id
//	/catalog, /dataset/{id}           either, by the Accept header (Turtle
//	                                  unless JSON-LD is asked for): these
//	                                  are the IRIs of the nodes
//
// Mount it without stripping the path: mux.Handle(cfg.Path+"/", h).
package dcat

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// PageSize is how many datasets a catalog page holds.
const PageSize = 100

// maxPage bounds ?page= so that the offset cannot overflow.
const maxPage = 1_000_000

// Config says where the feed lives and how it describes the catalog.
type Config struct {
	// SiteURL is the public root of the site without a trailing slash.
	SiteURL string
	// Path is where the handler is mounted ("/dcat"; "" for the root). The
	// nodes' IRIs are SiteURL + Path + "/dataset/{id}" and so on.
	Path string
	// Title and Description describe the catalog (dct:title, dct:description).
	Title, Description govdata.Text
	// Publisher names the body that runs the catalog (the data bureau).
	Publisher govdata.Text
	// DatasetURL is an entry's landing page and access URL; by default
	// SiteURL + "/api/v1/open/datasets/{id}".
	DatasetURL func(e *govdata.Entry) string
	// Distributions, when set, are an entry's downloads and records API
	// (govdata.OpenDistributions), each a dcat:Distribution with its
	// dcat:downloadURL or dcat:accessService; when nil, one distribution
	// points at the landing page.
	Distributions func(e *govdata.Entry) []govdata.OpenDistribution
	// Logger receives internal errors; slog.Default() when nil.
	Logger *slog.Logger
}

// Handler serves the DCAT feed of an open catalog.
type Handler struct {
	cat  govdata.OpenCatalog
	cfg  Config
	iris iris
	log  *slog.Logger
}

// New returns the feed of cat.
func New(cat govdata.OpenCatalog, cfg Config) *Handler {
	cfg.SiteURL = strings.TrimRight(cfg.SiteURL, "/")
	cfg.Path = "/" + strings.Trim(cfg.Path, "/")
	if cfg.Path == "/" {
		cfg.Path = ""
	}
	if cfg.DatasetURL == nil {
		site := cfg.SiteURL
		cfg.DatasetURL = func(e *govdata.Entry) string {
			return site + "/api/v1/open/datasets/" + strconv.FormatInt(e.ID, 10)
		}
	}
	h := &Handler{cat: cat, cfg: cfg, iris: iris{base: cfg.SiteURL + cfg.Path}, log: cfg.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h
}

// Formats.
const (
	turtle = "ttl"
	jsonld = "jsonld"
)

var contentTypes = map[string]string{turtle: "text/turtle; charset=utf-8", jsonld: "application/ld+json"}

// Messages a person reads.
var (
	msgNotFound = govdata.Msg{ZH: "没有这个地址或数据集：%s", EN: "no such path or dataset: %s"}
	msgPage     = govdata.Msg{ZH: "页码应为 1 到 %d 之间的整数", EN: "page must be an integer from 1 to %d"}
	msgMethod   = govdata.Msg{ZH: "只支持 GET", EN: "only GET is allowed"}
	msgInternal = govdata.Msg{ZH: "服务器内部错误，请稍后重试", EN: "internal error; try again later"}
)

// ServeHTTP routes the feed's paths.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lang := govdata.Language(r.Header.Get("Accept-Language"))
	rest, ok := strings.CutPrefix(r.URL.Path, h.cfg.Path)
	if !ok || !strings.HasPrefix(rest, "/") {
		h.fail(w, http.StatusNotFound, msgNotFound.Text(lang, r.URL.Path))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.fail(w, http.StatusMethodNotAllowed, msgMethod.Text(lang))
		return
	}
	name, format := rest, ""
	switch {
	case strings.HasSuffix(rest, "."+turtle):
		name, format = strings.TrimSuffix(rest, "."+turtle), turtle
	case strings.HasSuffix(rest, "."+jsonld):
		name, format = strings.TrimSuffix(rest, "."+jsonld), jsonld
	default:
		w.Header().Add("Vary", "Accept")
		format = negotiate(r.Header.Get("Accept"))
	}
	var g *graph
	var err error
	switch {
	case name == "/catalog":
		g, err = h.catalogPage(r, rest, lang)
	case strings.HasPrefix(name, "/dataset/"):
		g, err = h.datasetGraph(r, strings.TrimPrefix(name, "/dataset/"), lang)
	default:
		err = &httpError{http.StatusNotFound, msgNotFound.Text(lang, r.URL.Path)}
	}
	if err != nil {
		var he *httpError
		if !errors.As(err, &he) {
			h.log.Error("dcat: feed failed", "path", r.URL.Path, "err", err)
			he = &httpError{http.StatusInternalServerError, msgInternal.Text(lang)}
		}
		h.fail(w, he.status, he.msg)
		return
	}
	var buf bytes.Buffer
	if format == jsonld {
		err = writeJSONLD(&buf, g)
	} else {
		err = writeTurtle(&buf, g)
	}
	if err != nil {
		h.log.Error("dcat: write failed", "path", r.URL.Path, "err", err)
		h.fail(w, http.StatusInternalServerError, msgInternal.Text(lang))
		return
	}
	w.Header().Set("Content-Type", contentTypes[format])
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// httpError is an answer other than the feed.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// fail answers a short plain-text error.
func (h *Handler) fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}

// negotiate picks Turtle or JSON-LD by the Accept header: the one with the
// higher quality, Turtle when neither is named.
func negotiate(accept string) string {
	best, bestQ := turtle, 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		var f string
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "text/turtle", "application/x-turtle":
			f = turtle
		case "application/ld+json", "application/json":
			f = jsonld
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = f, q
		}
	}
	return best
}

// publishers maps department ids to the open publishers.
func (h *Handler) publishers(r *http.Request) (map[int64]*govdata.Publisher, error) {
	list, err := h.cat.OpenPublishers(r.Context())
	if err != nil {
		return nil, err
	}
	m := make(map[int64]*govdata.Publisher, len(list))
	for i := range list {
		m[list[i].ID] = &list[i]
	}
	return m, nil
}

// datasetGraph is one open entry's description.
func (h *Handler) datasetGraph(r *http.Request, ref, lang string) (*graph, error) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != ref {
		return nil, &httpError{http.StatusNotFound, msgNotFound.Text(lang, r.URL.Path)}
	}
	e, err := h.cat.FindOpenEntry(r.Context(), id)
	if govdata.ErrorCodeOf(err) == govdata.ENOTFOUND {
		return nil, &httpError{http.StatusNotFound, msgNotFound.Text(lang, r.URL.Path)}
	}
	if err != nil {
		return nil, err
	}
	pubs, err := h.publishers(r)
	if err != nil {
		return nil, err
	}
	g := newGraph()
	h.addDataset(g, e, pubs[e.DepartmentID])
	return g, nil
}
