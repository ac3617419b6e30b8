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

var msgEntryIDRequired = govdata.Msg{ZH: "请指定目录项（entry_id）", EN: "entry_id is required"}

func (s *Server) handleApplicationTerms(w http.ResponseWriter, r *http.Request) error {
	id, err := queryInt(r, "entry_id")
	if err != nil {
		return err
	}
	if id == 0 {
		e := govdata.Errorf(govdata.EINVALID, msgEntryIDRequired)
		e.Fields = map[string]govdata.Message{"entry_id": {Msg: govdata.MsgRequired}}
		return e
	}
	terms, err := s.svc.Applications.ApplicationTerms(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, terms)
	return nil
}
