package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

func (s *Server) handleCreateDepartment(w http.ResponseWriter, r *http.Request) error {
	in, err := body[govdata.DepartmentInput](s, r)
	if err != nil {
		return err
	}
	d, err := s.svc.Departments.CreateDepartment(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

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

func (s *Server) handleDepartment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := s.svc.Departments.FindDepartmentByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) handleUpdateDepartment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := body[govdata.DepartmentPatch](s, r)
	if err != nil {
		return err
	}
	d, err := s.svc.Departments.UpdateDepartment(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
