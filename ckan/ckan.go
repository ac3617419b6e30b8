// Package ckan serves the open catalog (OPN-1: published entries opened
// unconditionally or on conditions) as a read-only CKAN Action API
// (CAT-7), so that CKAN harvesters (ckanext-harvest's CKAN harvester) and
// CKAN clients read this platform as they read any CKAN site.
//
// The handler answers
//
//	/api/3/action/{action}   and the same under /api/action/{action}
//
// for the actions package_search, package_show, package_list,
// organization_list, organization_show and status_show, by GET with query
// parameters or by POST with a JSON object (or a form) as the body. Mount it
// at the site's root paths, without stripping them:
//
//	mux.Handle("/api/3/action/", h)
//	mux.Handle("/api/action/", h)
//
// How an entry becomes a CKAN package is told in package.go; how a search
// runs in search.go.
package ckan

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// The paths under which CKAN clients call actions: /api/3/action is what
// ckanext-harvest and ckanapi use, /api/action the unversioned form CKAN
// also serves.
const (
	PathV3      = "/api/3/action/"
	PathDefault = "/api/action/"
)

// ckanVersion is the CKAN version whose Action API this one follows, as
// status_show reports it: clients pick features by it.
const ckanVersion = "2.10.0"

// Config says how the API describes this site.
type Config struct {
	// SiteURL is the public root of the site without a trailing slash
	// ("https://data.example.gov.cn"); help links and resource URLs start
	// with it.
	SiteURL string
	// SiteID names this deployment inside package, resource and
	// organization ids, which harvesters key on; it defaults to SiteURL.
	// Set it to the old SiteURL when the site moves, so the ids stay.
	SiteID string
	// Title and Description describe the site in status_show.
	Title, Description govdata.Text
	// DatasetURL is where the one resource of an entry's package points;
	// by default SiteURL + "/api/v1/open/datasets/{id}".
	DatasetURL func(e *govdata.Entry) string
	// Distributions, when set, are an entry's downloads and records API
	// (govdata.OpenDistributions), listed as its resources; when nil, one
	// resource points at DatasetURL.
	Distributions func(e *govdata.Entry) []govdata.OpenDistribution
	// Logger receives internal errors; slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock that NOW in a filter reads; time.Now when nil.
	Now func() time.Time
}

// Handler is the CKAN Action API over an open catalog.
type Handler struct {
	cat     govdata.OpenCatalog
	cfg     Config
	ids     idSpace
	log     *slog.Logger
	actions map[string]func(*call) (any, error)
}

// New returns the API over cat.
func New(cat govdata.OpenCatalog, cfg Config) *Handler {
	cfg.SiteURL = strings.TrimRight(cfg.SiteURL, "/")
	if cfg.SiteID == "" {
		cfg.SiteID = cfg.SiteURL
	}
	if cfg.DatasetURL == nil {
		site := cfg.SiteURL
		cfg.DatasetURL = func(e *govdata.Entry) string {
			return site + "/api/v1/open/datasets/" + strconv.FormatInt(e.ID, 10)
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cat: cat, cfg: cfg, ids: newIDSpace(cfg.SiteID), log: cfg.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.actions = map[string]func(*call) (any, error){
		"package_search":    h.packageSearch,
		"package_show":      h.packageShow,
		"package_list":      h.packageList,
		"organization_list": h.organizationList,
		"organization_show": h.organizationShow,
		"status_show":       h.statusShow,
	}
	return h
}

// call is one action call: its parameters, language and what it loaded.
type call struct {
	ctx    context.Context
	action string
	lang   string
	params params
	// pubs caches the open publishers for the call: package dicts need
	// each department's organization name (its credit code).
	pubs *publishers
}

// ServeHTTP routes /api/3/action/{name} and /api/action/{name}.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lang := govdata.Language(r.Header.Get("Accept-Language"))
	name, ok := strings.CutPrefix(r.URL.Path, PathV3)
	if !ok {
		name, ok = strings.CutPrefix(r.URL.Path, PathDefault)
	}
	if !ok || name == "" || strings.Contains(name, "/") {
		h.writeError(w, r, "", &apiError{status: http.StatusNotFound, typ: typeNotFound, msg: msgNoPath.Text(lang, r.URL.Path)})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD, POST")
		h.writeError(w, r, name, &apiError{status: http.StatusMethodNotAllowed, typ: typeBadRequest, msg: msgMethod.Text(lang, r.Method)})
		return
	}
	action := h.actions[name]
	if action == nil {
		h.writeError(w, r, name, &apiError{status: http.StatusBadRequest, typ: typeBadRequest, msg: msgUnknownAction.Text(lang, name)})
		return
	}
	p, err := readParams(w, r, lang)
	if err != nil {
		h.writeError(w, r, name, err)
		return
	}
	c := &call{ctx: r.Context(), action: name, lang: lang, params: p}
	result, aerr := action(c)
	if aerr != nil {
		h.writeError(w, r, name, aerr)
		return
	}
	h.writeResult(w, name, result)
}

// statusShow describes the site (status_show).
func (h *Handler) statusShow(c *call) (any, error) {
	return map[string]any{
		"ckan_version":     ckanVersion,
		"site_url":         h.cfg.SiteURL,
		"site_title":       h.cfg.Title.In(c.lang),
		"site_description": h.cfg.Description.In(c.lang),
		"locale_default":   "zh_Hans_CN",
		"error_emails_to":  nil,
		"extensions":       []string{},
	}, nil
}

func (h *Handler) now() time.Time { return h.cfg.Now().UTC() }
