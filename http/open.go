package http

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ckan"
	"github.com/govdata/govdata/dcat"
)

// The open catalog is public (OPN-1, CAT-7): govdata's own JSON, the CKAN
// Action API that CKAN harvesters page through, and DCAT-AP feeds for RDF
// tools. All read Services.Open, which holds only published entries whose
// open type is unconditional or conditional, without sharing attributes.

// openEntryURL is where an open entry is described in JSON.
func (s *Server) openEntryURL(e *govdata.Entry) string {
	return s.publicURL() + "/api/v1/open/catalog/" + strconv.FormatInt(e.ID, 10)
}

// publicURL is the deployment's public address without a trailing slash.
func (s *Server) publicURL() string { return strings.TrimRight(s.cfg.PublicURL, "/") }

func (s *Server) ckanHandler() http.Handler {
	return ckan.New(s.svc.Open, ckan.Config{
		SiteURL:     s.publicURL(),
		Title:       govdata.Text{ZH: "政务数据开放目录", EN: "Open government data catalog"},
		Description: govdata.Text{ZH: "本平台公开的数据资源目录（只读）", EN: "The data resources this platform opens (read-only)"},
		DatasetURL:  s.openEntryURL,
		// OPN-1: the downloads and the records API (opendata).
		Distributions: s.openDistributions,
		Logger:        s.log,
		Now:           s.cfg.Clock.Now,
	})
}

func (s *Server) dcatHandler() http.Handler {
	return dcat.New(s.svc.Open, dcat.Config{
		SiteURL:     s.publicURL(),
		Title:       govdata.Text{ZH: "政务数据开放目录", EN: "Open government data catalog"},
		Description: govdata.Text{ZH: "本平台公开的数据资源目录", EN: "The data resources this platform opens"},
		Publisher:   s.cfg.Publisher,
		DatasetURL:  s.openEntryURL,
		// OPN-1: the downloads and the records API (opendata).
		Distributions: s.openDistributions,
		Logger:        s.log,
	})
}

// ckanResponse documents the CKAN envelope in the OpenAPI document.
type ckanResponse struct {
	Help    string `json:"help"`
	Success bool   `json:"success"`
	Result  any    `json:"result,omitempty"`
	Error   any    `json:"error,omitempty"`
}

// delegate serves a route with another package's handler, which writes its
// own answers and errors in its own protocol's shape.
func delegate(h http.Handler) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		h.ServeHTTP(w, r)
		return nil
	}
}

// handleOpenCatalog searches the open catalog without signing in.
func (s *Server) handleOpenCatalog(w http.ResponseWriter, r *http.Request) error {
	f, err := catalogFilter(r, true)
	if err != nil {
		return err
	}
	list, err := s.svc.Open.FindOpenEntries(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleOpenEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.svc.Open.FindOpenEntry(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}
