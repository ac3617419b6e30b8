package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/catalogxlsx"
)

// CAT-6: a department builds its catalog from one Excel upload in the
// template's layout, and exports what it may see.

// MaxUploadBytes bounds an uploaded file (the template holds at most 5,000
// entries and 50,000 items, a few megabytes).
const MaxUploadBytes = 32 << 20

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

var (
	msgUploadField = govdata.Msg{ZH: "请在表单字段 file 中上传 .xlsx 文件", EN: "upload the .xlsx file in the form field \"file\""}
	msgExportDeep  = govdata.Msg{ZH: "可导出的目录超过 %d 条，请按部门、区划或分类分批导出", EN: "more than %d entries to export; export by department, region or classification"}
)

func (s *Server) handleCatalogTemplate(w http.ResponseWriter, r *http.Request) error {
	b, err := catalogxlsx.Template()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", `attachment; filename="catalog-template.xlsx"; filename*=UTF-8''%E7%9B%AE%E5%BD%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx`)
	w.Write(b)
	return nil
}

// importResult answers an import: every entry it created, as drafts.
type importResult struct {
	Created int              `json:"created"`
	Items   []*govdata.Entry `json:"items"`
}

// handleCatalogImport imports an XLSX of the template: all rows or none;
// the error lists the cells to fix (sheet, row, column, message).
func (s *Server) handleCatalogImport(w http.ResponseWriter, r *http.Request) error {
	file, err := uploadedFile(r)
	if err != nil {
		return err
	}
	entries, err := catalogxlsx.Parse(bytes.NewReader(file), int64(len(file)), s.cfg.Profile)
	if err != nil {
		return err
	}
	created, err := s.svc.Catalog.CreateEntries(r.Context(), entries)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, importResult{Created: len(created), Items: created})
	return nil
}

// uploadedFile reads the upload: the body itself, or the "file" field of a
// multipart form.
func uploadedFile(r *http.Request) ([]byte, error) {
	media, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var src io.Reader = r.Body
	if media == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil || params["boundary"] == "" {
			return nil, govdata.Errorf(govdata.EINVALID, msgUploadField)
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				return nil, uploadError(err)
			}
			if part.FormName() == "file" {
				src = part
				break
			}
		}
	}
	b, err := io.ReadAll(src)
	if err != nil {
		return nil, uploadError(err)
	}
	return b, nil
}

// uploadError is 413 for an upload over the limit, else 400.
func uploadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &statusError{status: http.StatusRequestEntityTooLarge, err: govdata.Errorf(govdata.EINVALID, msgBodyTooLarge, tooLarge.Limit)}
	}
	return govdata.Errorf(govdata.EINVALID, msgUploadField)
}

// handleCatalogExport exports the entries the caller may see, filtered as a
// search is, as XLSX (the template's layout, so it can be edited and
// imported), CSV or JSON.
func (s *Server) handleCatalogExport(w http.ResponseWriter, r *http.Request) error {
	format, err := queryEnum(r, "format", func(v string) bool { return v == "xlsx" || v == "csv" || v == "json" })
	if err != nil {
		return err
	}
	f, err := catalogFilter(r, false)
	if err != nil {
		return err
	}
	if f.Sort == "" {
		f.Sort = govdata.SortName
	}
	const exportMax = 10000
	var entries []*govdata.Entry
	f.Page = govdata.Page{Limit: govdata.MaxLimit}
	for {
		list, err := s.svc.Catalog.FindEntries(r.Context(), f)
		if err != nil {
			return err
		}
		entries = append(entries, list.Items...)
		if list.NextCursor == "" {
			break
		}
		if len(entries) >= exportMax {
			return govdata.Errorf(govdata.EINVALID, msgExportDeep, exportMax)
		}
		f.Cursor = list.NextCursor
	}
	// SEC-1: the record names the entries before the file leaves.
	noteRows(r, int64(len(entries)))
	name := "catalog-" + s.cfg.Clock.Now().In(s.cfg.Location).Format("20060102")
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		return catalogxlsx.WriteCSV(w, entries)
	case "json":
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		if entries == nil {
			entries = []*govdata.Entry{}
		}
		return json.NewEncoder(w).Encode(entries)
	default:
		var buf bytes.Buffer
		if err := catalogxlsx.Write(&buf, entries); err != nil {
			return err
		}
		w.Header().Set("Content-Type", xlsxType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		w.Write(buf.Bytes())
		return nil
	}
}
