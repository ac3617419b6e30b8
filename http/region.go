package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

func (s *Server) handleRegions(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	level, err := queryEnum(r, "level", func(v string) bool { return govdata.RegionLevel(v).Valid() })
	if err != nil {
		return err
	}
	roots, err := queryBool(r, "roots")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := s.svc.Regions.FindRegions(r.Context(), govdata.RegionFilter{
		ParentCode: q.Get("parent_code"), Roots: roots, Level: govdata.RegionLevel(level), Query: q.Get("q"), Page: p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleRegion(w http.ResponseWriter, r *http.Request) error {
	reg, err := s.svc.Regions.FindRegionByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reg)
	return nil
}
