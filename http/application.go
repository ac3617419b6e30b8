package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

func (s *Server) handleApplications(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	state, err := queryEnum(r, "state", func(v string) bool {
		switch govdata.ApplicationState(v) {
		case govdata.ApplicationOpen, govdata.ApplicationApproved, govdata.ApplicationRejected, govdata.ApplicationWithdrawn:
			return true
		}
		return false
	})
	if err != nil {
		return err
	}
	side, err := queryEnum(r, "side", func(v string) bool { return v == "applicant" || v == "provider" })
	if err != nil {
		return err
	}
	list, err := s.svc.Applications.FindApplications(r.Context(), govdata.ApplicationFilter{Side: side, State: govdata.ApplicationState(state), Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
