package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

func (s *Server) handleUsage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	kind, err := queryEnum(r, "kind", func(v string) bool { return govdata.UsageKind(v).Valid() })
	if err != nil {
		return err
	}
	list, err := s.svc.Usage.FindUsageRecords(r.Context(), govdata.UsageFilter{GrantID: id, Kind: govdata.UsageKind(kind), Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
