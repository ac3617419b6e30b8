package http

import (
	"context"
	"net/http"

	"github.com/govdata/govdata"
)

// Approvals of open attributes (ZJ-20).

func (s *Server) handleOpenAttributes(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	state, err := queryEnum(r, "state", func(v string) bool { return govdata.OpenAttributeState(v).Valid() })
	if err != nil {
		return err
	}
	list, err := s.svc.OpenAttributes.FindOpenAttributes(r.Context(), govdata.OpenAttributeFilter{State: govdata.OpenAttributeState(state), Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) findOpenAttribute(ctx context.Context, id int64) (*govdata.OpenAttributeApproval, error) {
	return s.svc.OpenAttributes.FindOpenAttributeByID(ctx, id)
}

func (s *Server) decideOpenAttribute(ctx context.Context, id int64, d govdata.OpenDecision) (*govdata.OpenAttributeApproval, error) {
	return s.svc.OpenAttributes.DecideOpenAttribute(ctx, id, d)
}
