package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

// handleTasks is the caller's inbox of pending steps with due dates (CAL-3).
func (s *Server) handleTasks(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	kind, err := queryEnum(r, "kind", func(v string) bool { return govdata.KnownWorkflowKind(govdata.WorkflowKind(v)) })
	if err != nil {
		return err
	}
	list, err := s.svc.Workflows.FindTasks(r.Context(), govdata.TaskFilter{Kind: govdata.WorkflowKind(kind), Page: p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
