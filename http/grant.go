package http

import (
	"context"
	"net/http"
	"strconv"

	"github.com/govdata/govdata"
)

func (s *Server) handleGrants(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	side, err := queryEnum(r, "side", func(v string) bool { return v == "consumer" || v == "provider" })
	if err != nil {
		return err
	}
	entry, err := queryInt(r, "entry_id")
	if err != nil {
		return err
	}
	list, err := s.svc.Grants.FindGrants(r.Context(), govdata.GrantFilter{Side: side, EntryID: entry, Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// changeGrant handles suspend, resume and revoke, each with its reason.
func (s *Server) changeGrant(action govdata.GrantAction) func(w http.ResponseWriter, r *http.Request) error {
	return updateByID(s, func(ctx context.Context, id int64, in reasonRequest) (*govdata.Grant, error) {
		return withAllowed(ctx)(s.svc.Grants.ChangeGrant(ctx, id, action, in.Reason))
	})
}

// findGrant is one grant with what the caller may do with it, so that the
// console shows only the actions the server would take (issue 15).
func (s *Server) findGrant(ctx context.Context, id int64) (*govdata.Grant, error) {
	return withAllowed(ctx)(s.svc.Grants.FindGrantByID(ctx, id))
}

// withAllowed sets g.Allowed for the context's actor.
func withAllowed(ctx context.Context) func(*govdata.Grant, error) (*govdata.Grant, error) {
	return func(g *govdata.Grant, err error) (*govdata.Grant, error) {
		if err != nil {
			return nil, err
		}
		allowed := govdata.AllowedOnGrant(govdata.ActorFrom(ctx), g)
		g.Allowed = &allowed
		return g, nil
	}
}

func (s *Server) handleGrantCredentials(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Grants.FindGrantCredentials(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, govdata.List[*govdata.GrantCredential]{Items: list})
	return nil
}

func (s *Server) handleUnbindCredential(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cred, err := strconv.ParseInt(r.PathValue("credential_id"), 10, 64)
	if err != nil || cred <= 0 {
		return badParam("credential_id")
	}
	if err := s.svc.Grants.UnbindCredential(r.Context(), id, cred); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleGrantFlags(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	grant, err := queryInt(r, "grant_id")
	if err != nil {
		return err
	}
	list, err := s.svc.Monitor.FindGrantFlags(r.Context(), govdata.GrantFlagFilter{GrantID: grant, Kind: govdata.GrantFlagKind(r.URL.Query().Get("kind")),
		State: govdata.GrantFlagState(r.URL.Query().Get("state")), Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleDailyUsage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var from, to govdata.Date
	for _, p := range []struct {
		name string
		to   *govdata.Date
	}{{"from", &from}, {"to", &to}} {
		if v := r.URL.Query().Get(p.name); v != "" {
			if *p.to, err = govdata.ParseDate(v); err != nil {
				return badParam(p.name)
			}
		}
	}
	list, err := s.svc.Monitor.FindDailyUsage(r.Context(), id, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, govdata.List[govdata.DailyUsage]{Items: list})
	return nil
}
