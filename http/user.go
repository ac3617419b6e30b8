package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

func (s *Server) handleCreateUser(w http.ResponseWriter, r *http.Request) error {
	in, err := body[govdata.UserInput](s, r)
	if err != nil {
		return err
	}
	u, err := s.svc.Users.CreateUser(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	dept, err := queryInt(r, "department_id")
	if err != nil {
		return err
	}
	role, err := queryEnum(r, "role", func(v string) bool { return govdata.Role(v).Valid() })
	if err != nil {
		return err
	}
	list, err := s.svc.Users.FindUsers(r.Context(), govdata.UserFilter{
		DepartmentID: dept, Role: govdata.Role(role), Query: r.URL.Query().Get("q"), Page: p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.svc.Users.FindUserByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) handleUpdateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := body[govdata.UserPatch](s, r)
	if err != nil {
		return err
	}
	u, err := s.svc.Users.UpdateUser(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) handleRoleHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	h, err := s.svc.Users.FindRoleHistory(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}
