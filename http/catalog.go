package http

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/govdata/govdata"
)

// catalogQuery is the largest q a catalog search takes, in characters.
const catalogQuery = 100

var classificationPrefix = regexp.MustCompile(`^[123][0-9]{0,11}$`)

// handleCatalog searches the catalog (CAT-5).
func (s *Server) handleCatalog(w http.ResponseWriter, r *http.Request) error {
	f, err := catalogFilter(r, true)
	if err != nil {
		return err
	}
	list, err := s.svc.Catalog.FindEntries(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// catalogFilter reads a search's query parameters; every one is checked.
// format is false for the export, whose format parameter is the file's.
func catalogFilter(r *http.Request, format bool) (govdata.EntryFilter, error) {
	var f govdata.EntryFilter
	var err error
	if f.Page, err = pageOf(r); err != nil {
		return f, err
	}
	q := r.URL.Query()
	f.Query = q.Get("q")
	if len([]rune(f.Query)) > catalogQuery {
		return f, badParam("q")
	}
	if f.DepartmentID, err = queryInt(r, "department_id"); err != nil {
		return f, err
	}
	f.RegionCode = q.Get("region_code")
	if _, rerr := govdata.RegionLevelOf(f.RegionCode); f.RegionCode != "" && rerr != nil {
		return f, badParam("region_code")
	}
	f.Classification = q.Get("classification")
	if f.Classification != "" && !classificationPrefix.MatchString(f.Classification) {
		return f, badParam("classification")
	}
	if format {
		f.Format = q.Get("format")
		if len([]rune(f.Format)) > 100 {
			return f, badParam("format")
		}
	}
	enums := []struct {
		name  string
		valid func(string) bool
		into  *string
	}{
		{"share_type", func(v string) bool { return govdata.ShareType(v).Valid() }, (*string)(&f.ShareType)},
		{"open_type", func(v string) bool { return govdata.OpenType(v).Valid() }, (*string)(&f.OpenType)},
		{"grade", func(v string) bool { return govdata.Grade(v).Valid() }, (*string)(&f.Grade)},
		{"update_cycle", func(v string) bool { return slices.Contains(govdata.UpdateCycles, govdata.UpdateCycle(v)) }, (*string)(&f.UpdateCycle)},
		{"status", func(v string) bool {
			return slices.Contains([]govdata.EntryStatus{govdata.EntryDraft, govdata.EntryInReview, govdata.EntryReturned,
				govdata.EntryPublished, govdata.EntryRevoking, govdata.EntryRevoked}, govdata.EntryStatus(v))
		}, (*string)(&f.Status)},
		{"sort", func(v string) bool {
			return v == govdata.SortRelevance || v == govdata.SortUpdated || v == govdata.SortName
		}, &f.Sort},
	}
	for _, e := range enums {
		if *e.into, err = queryEnum(r, e.name, e.valid); err != nil {
			return f, err
		}
	}
	f.Facets, err = queryBool(r, "facets")
	return f, err
}

// reviewRequest is the bureau's decision on an entry (CAT-3).
type reviewRequest struct {
	Decision govdata.Action `json:"decision"` // approve | return | reject (a revocation)
	Comment  string         `json:"comment"`
}

func (s *Server) handleCatalogReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := body[reviewRequest](s, r)
	if err != nil {
		return err
	}
	e, err := s.svc.Catalog.Review(r.Context(), id, govdata.ReviewDecision{Decision: in.Decision, Comment: strings.TrimSpace(in.Comment)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// withReason adapts a catalog action that takes a reason.
func (s *Server) withReason(f func(r *http.Request, id int64, reason string) (*govdata.Entry, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		in, err := body[reasonRequest](s, r)
		if err != nil {
			return err
		}
		e, err := f(r, id, strings.TrimSpace(in.Reason))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, e)
		return nil
	}
}
