package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

// profileSummary names a shipped profile.
type profileSummary struct {
	Name       string       `json:"name"`
	Title      govdata.Text `json:"title"`
	Regulation string       `json:"regulation"`
	Active     bool         `json:"active"`
}

var msgNoProfile = govdata.Msg{ZH: "尚未配置法规规则集", EN: "no regulation profile is configured"}

func (s *Server) handleProfiles(w http.ResponseWriter, r *http.Request) error {
	out := govdata.List[profileSummary]{Items: []profileSummary{}}
	for _, p := range s.cfg.Profiles {
		out.Items = append(out.Items, profileSummary{Name: p.Name, Title: p.Title, Regulation: p.Regulation,
			Active: s.cfg.Profile != nil && s.cfg.Profile.Name == p.Name})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleProfile(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Profile == nil {
		return govdata.Errorf(govdata.ENOTFOUND, msgNoProfile)
	}
	writeJSON(w, http.StatusOK, s.cfg.Profile)
	return nil
}
