package http

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/export"
)

// Open data (OPN-1): the service records each download and call itself,
// answered or refused, before its answer is written here; a call refused
// here (a malformed query string) is recorded through Refuse.

// openDatasetURL is the address of an open dataset's API resource: the
// resource code's / escaped, so that it stays one path segment.
func (s *Server) openDatasetURL(code string) string {
	return s.publicURL() + "/api/v1/open/datasets/" + url.PathEscape(code)
}

// openDownloadURLs are a dataset's download addresses by format.
func (s *Server) openDownloadURLs(code string) map[string]string {
	out := map[string]string{}
	for _, f := range govdata.OpenFormats {
		out[f] = s.openDatasetURL(code) + "/download?format=" + f
	}
	return out
}

// openDistributions are an open entry's downloads and records API for the
// DCAT feed and the CKAN API.
func (s *Server) openDistributions(e *govdata.Entry) []govdata.OpenDistribution {
	return govdata.OpenDistributions(e, s.openDatasetURL(e.ResourceCode))
}

func (s *Server) handleOpenDataset(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	out, err := s.svc.OpenData.Dataset(r.Context(), code)
	if err != nil {
		return err
	}
	if out.Withdrawn == nil {
		out.RecordsURL = s.openDatasetURL(code) + "/records"
		if out.Downloadable || out.Entry.OpenType == govdata.OpenConditional {
			out.DownloadURLs = s.openDownloadURLs(code)
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleOpenStats(w http.ResponseWriter, r *http.Request) error {
	out, err := s.svc.OpenData.Stats(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleOpenRecords(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	q, err := ParseServiceQuery(r.URL.Query())
	if err != nil {
		return s.svc.OpenData.Refuse(r.Context(), govdata.OpenCall, code, "", err)
	}
	out, err := s.svc.OpenData.Records(r.Context(), code, q)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleOpenDownload(w http.ResponseWriter, r *http.Request) error {
	code, format := r.PathValue("code"), r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	out, err := s.svc.OpenData.Download(r.Context(), code, format)
	if err != nil {
		return err
	}
	// 301001/91110000MA01234567000001 → 301001_91110000MA01234567000001-2026-12-07.csv
	name := strings.NewReplacer("/", "_", "\\", "_", "\"", "_").Replace(code) + "-" + out.Date.String() + "." + out.Format
	w.Header().Set("Content-Type", export.ContentType(out.Format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := out.WriteTo(w); err != nil {
		// The status is sent: the client sees a cut file; the download's
		// record stands.
		s.log.Error("open download cut short", "request_id", requestID(r), "resource_code", code, "err", err)
	}
	return nil
}

func (s *Server) handleMyOpenUses(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	out, err := s.svc.OpenData.MyUses(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
