package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

func (s *Server) handleDepartments(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	parent, err := queryInt(r, "parent_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := s.svc.Departments.FindDepartments(r.Context(), govdata.DepartmentFilter{
		RegionCode: q.Get("region_code"), ParentID: parent, Query: q.Get("q"), Page: p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
