package http

import (
	"crypto/rand"
	"net/http"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/export"
)

// The data service (SHR-4): signed calls of consumers' systems. The
// service records each call itself, answered or refused, before its
// answer is written here; a call refused here (a malformed query string
// or body) is recorded through Refuse.

func (s *Server) handleServiceRecords(w http.ResponseWriter, r *http.Request) error {
	q, err := s.serviceQuery(r, govdata.OpRecords)
	if err != nil {
		return err
	}
	out, err := s.svc.Data.Records(r.Context(), r.PathValue("code"), q)
	if err != nil {
		return err
	}
	// The page straight to bytes (the hot path of the data service).
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(append(out.AppendJSON(make([]byte, 0, 4096)), '\n'))
	if err != nil {
		s.log.Debug("records answer cut short", "request_id", requestID(r), "err", err)
	}
	return nil
}

func (s *Server) handleServiceVerify(w http.ResponseWriter, r *http.Request) error {
	in, err := body[govdata.VerifyInput](s, r)
	if err != nil {
		// Refused before the service saw it: recorded like its other refusals.
		return s.svc.Data.Refuse(r.Context(), govdata.OpVerify, r.PathValue("code"), err)
	}
	out, err := s.svc.Data.Verify(r.Context(), r.PathValue("code"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleServiceExport(w http.ResponseWriter, r *http.Request) error {
	q, err := s.serviceQuery(r, govdata.OpExport)
	if err != nil {
		return err
	}
	out, err := s.svc.Data.Export(r.Context(), r.PathValue("code"), q)
	if err != nil {
		return err
	}
	name := strings.NewReplacer("/", "_", "\\", "_", "\"", "_").Replace(r.PathValue("code")) + "-" + out.Trace + "." + out.Format
	w.Header().Set("Content-Type", export.ContentType(out.Format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Govdata-Trace", out.Trace)
	if err := out.WriteTo(w); err != nil {
		// The status is sent: the client sees a cut file; the call's
		// record stands, with the rows it was to receive.
		s.log.Error("export cut short", "request_id", requestID(r), "trace", out.Trace, "err", err)
	}
	return nil
}

func (s *Server) handleServiceChanges(w http.ResponseWriter, r *http.Request) error {
	q, err := s.serviceQuery(r, govdata.OpChanges)
	if err != nil {
		return err
	}
	out, err := s.svc.Data.Changes(r.Context(), r.PathValue("code"), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleExportTrace(w http.ResponseWriter, r *http.Request) error {
	out, err := s.svc.Data.FindExportTrace(r.Context(), r.PathValue("trace"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleMaskPolicy(w http.ResponseWriter, r *http.Request) error {
	out, err := s.svc.Masks.FindMaskPolicy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleMaskPreview masks sample values with masks not yet saved (SHR-5),
// so that the console shows each mask at work and never re-implements
// one. Nothing is stored. The hash key is drawn afresh for each preview
// (see govdata.PreviewMasks): the platform's own key is never used here.
func (s *Server) handleMaskPreview(w http.ResponseWriter, r *http.Request) error {
	in, err := body[govdata.MaskPreviewInput](s, r)
	if err != nil {
		return err
	}
	out, err := govdata.PreviewMasks(in, []byte(rand.Text()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleDataKeys answers the data keys' status: versions and the rotation's
// progress, never key material (SEC-2).
func (s *Server) handleDataKeys(w http.ResponseWriter, r *http.Request) error {
	out, err := s.svc.Keys.DataKeyStatus(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
