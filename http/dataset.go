package http

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/export"
)

// MaxDataUploadBytes bounds one upload into a dataset: files stream, so
// this is a sanity limit, not a memory one (AGG-1: a 1 GB CSV works).
const MaxDataUploadBytes = 8 << 30

var (
	msgWhere = govdata.Msg{ZH: "where 参数应为“信息项:值”", EN: `where must be "item:value"`}
)

// ingestSource reads what an upload is: its format, file name and body.
// JSON rows come by API; CSV and XLSX as the body or the form field file.
func ingestSource(r *http.Request) (govdata.BatchFormat, govdata.BatchSource, string, io.Reader, error) {
	media, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	name := r.URL.Query().Get("file_name")
	if _, p, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil && name == "" {
		name = p["filename"]
	}
	var src io.Reader = r.Body
	if media == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil || params["boundary"] == "" {
			return "", "", "", nil, govdata.Errorf(govdata.EINVALID, msgUploadField)
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				return "", "", "", nil, uploadError(err)
			}
			if part.FormName() == "file" {
				src, media = part, part.Header.Get("Content-Type")
				if name == "" {
					name = part.FileName()
				}
				media, _, _ = mime.ParseMediaType(media)
				break
			}
		}
	}
	switch {
	case media == "application/json":
		return govdata.FormatJSON, govdata.SourceAPI, name, src, nil
	case media == "text/csv" || (media != xlsxType && strings.EqualFold(path.Ext(name), ".csv")):
		return govdata.FormatCSV, govdata.SourceUpload, name, src, nil
	case media == xlsxType || strings.EqualFold(path.Ext(name), ".xlsx"):
		return govdata.FormatXLSX, govdata.SourceUpload, name, src, nil
	}
	return "", "", "", nil, &statusError{status: http.StatusUnsupportedMediaType, err: govdata.Errorf(govdata.EINVALID, govdata.MsgIngestType, media)}
}

// handleIngest loads one batch (AGG-1). It answers when the batch has
// ended: 201 with the batch, whose state says whether it was applied; a
// file that cannot be read at all is 400 naming where, with its batch_id.
func (s *Server) handleIngest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	mode := r.URL.Query().Get("mode")
	if mode == "" {
		mode = string(govdata.IngestUpsert)
	}
	format, source, name, src, err := ingestSource(r)
	if err != nil {
		return err
	}
	b, err := s.svc.Datasets.Ingest(r.Context(), govdata.IngestRequest{EntryID: id, Mode: govdata.IngestMode(mode), Source: source,
		Format: format, FileName: name, Body: src})
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return uploadError(err)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/batches/%d", b.ID))
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) handleBatches(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	state, err := queryEnum(r, "state", func(v string) bool {
		switch govdata.BatchState(v) {
		case govdata.BatchRunning, govdata.BatchApplied, govdata.BatchRefused, govdata.BatchFailed, govdata.BatchCancelled:
			return true
		}
		return false
	})
	if err != nil {
		return err
	}
	list, err := s.svc.Datasets.FindBatches(r.Context(), govdata.BatchFilter{EntryID: id, State: govdata.BatchState(state), Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// whereOf reads ?where=item:value (repeatable): exact matches.
func whereOf(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for _, w := range r.URL.Query()["where"] {
		item, value, ok := strings.Cut(w, ":")
		if !ok || item == "" {
			e := govdata.Errorf(govdata.EINVALID, msgWhere)
			e.Fields = map[string]govdata.Message{"where": {Msg: msgWhere}}
			return nil, e
		}
		out[item] = value
	}
	return out, nil
}

func (s *Server) handleRows(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	where, err := whereOf(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Datasets.FindRows(r.Context(), id, where, page)
	if err != nil {
		return err
	}
	noteRowList(r, list)
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleDeleteSource(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Sources.DeleteSource(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleRunSource(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := s.svc.Sources.RunSource(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/batches/%d", b.ID))
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) handleLive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	where, err := whereOf(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Sources.QueryLive(r.Context(), id, where, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleMaintenanceList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Maintenance.FindMaintenance(r.Context(), id, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleStaleDatasets(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Datasets.FindStaleDatasets(r.Context(), page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleRowHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	where, err := whereOf(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Datasets.RowHistory(r.Context(), id, where)
	if err != nil {
		return err
	}
	noteRowList(r, list)
	writeJSON(w, http.StatusOK, list)
	return nil
}

// handleRejected streams a batch's rejected rows as CSV (UTF-8 with a
// byte-order mark, so that Excel opens it in Chinese): the row's position,
// its line in the file, the reasons, then its values under the items.
func (s *Server) handleRejected(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var out *export.CSV
	err = s.svc.Datasets.RejectedRows(r.Context(), id, func(items []string, rows int64, opened []string) error {
		// SEC-1: the record says what will be sent, before it is.
		noteRows(r, rows)
		noteOpened(r, opened)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="batch-%d-rejected.csv"`, id))
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "\ufeff")
		// The rows were refused, but their values are still the
		// uploader's: made safe to open in a spreadsheet (export.Cell).
		out = export.NewCSV(w)
		return out.Write(append([]string{"序号 row", "行号 line", "原因 reasons"}, items...))
	}, func(row govdata.RejectedRow) error {
		var reasons []string
		for _, v := range row.Reasons {
			label := govdata.RuleLabels[v.Rule]
			text := fmt.Sprintf("%s（%s）", label.ZH, v.Rule)
			if v.Item != "" {
				text = v.Item + "：" + text
			}
			reasons = append(reasons, text)
		}
		return out.Write(append([]string{strconv.FormatInt(row.Row, 10), strconv.FormatInt(row.Line, 10), strings.Join(reasons, "；")}, row.Values...))
	})
	if out != nil {
		out.Flush()
		if err != nil {
			// The header is sent: the cut-off file is all the client gets.
			s.log.Error("rejected rows", "batch", id, "err", err)
			return nil
		}
	}
	return err
}
