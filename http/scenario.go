package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

func (s *Server) handleScenarios(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	entry, err := queryInt(r, "entry_id")
	if err != nil {
		return err
	}
	dept, err := queryInt(r, "department_id")
	if err != nil {
		return err
	}
	list, err := s.svc.Scenarios.FindScenarios(r.Context(), govdata.ScenarioFilter{EntryID: entry, DepartmentID: dept, Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
