package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

func (s *Server) handleOverdue(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Workflows.FindOverdue(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// handleTimeliness answers per-department on-time figures for steps begun
// since ?since= (default: the last 90 days) (CAL-3, HLJ-42).
func (s *Server) handleTimeliness(w http.ResponseWriter, r *http.Request) error {
	since, err := queryTime(r, "since")
	if err != nil {
		return err
	}
	if since.IsZero() {
		since = s.cfg.Clock.Now().AddDate(0, 0, -90)
	}
	figures, err := s.svc.Workflows.Timeliness(r.Context(), since)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, govdata.List[govdata.Timeliness]{Items: figures})
	return nil
}

func (s *Server) handleNotifications(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	unread, err := queryBool(r, "unread")
	if err != nil {
		return err
	}
	list, err := s.svc.Notifications.FindNotifications(r.Context(), govdata.NotificationFilter{Unread: unread, Page: p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleNotificationRead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Notifications.MarkNotificationRead(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
