package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

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
	pending, err := queryBool(r, "pending")
	if err != nil {
		return err
	}
	list, err := s.svc.Users.FindUsers(r.Context(), govdata.UserFilter{
		DepartmentID: dept, Role: govdata.Role(role), Query: r.URL.Query().Get("q"), Pending: pending, Page: p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
