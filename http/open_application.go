package http

import (
	"context"
	"net/http"

	"github.com/govdata/govdata"
)

// Conditional-open applications, open grants and withdrawals (OPN-2,
// OPN-3): the public account's routes under /api/v1/public, the staff's
// under /api/v1/open-applications, /open-grants and /open-withdrawals, and
// the withdrawal notices under /api/v1/open.

func (s *Server) handleOpenApplications(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	state, err := queryEnum(r, "state", func(v string) bool { return govdata.OpenApplicationState(v).Valid() })
	if err != nil {
		return err
	}
	list, err := s.svc.OpenApplications.FindOpenApplications(r.Context(), govdata.OpenApplicationFilter{State: govdata.OpenApplicationState(state), Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleOpenGrants(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	state, err := queryEnum(r, "state", func(v string) bool {
		switch govdata.OpenGrantState(v) {
		case govdata.OpenGrantActive, govdata.OpenGrantSuspended, govdata.OpenGrantWithdrawn, govdata.OpenGrantExpired:
			return true
		}
		return false
	})
	if err != nil {
		return err
	}
	entry, err := queryInt(r, "entry_id")
	if err != nil {
		return err
	}
	list, err := s.svc.OpenApplications.FindOpenGrants(r.Context(), govdata.OpenGrantFilter{State: govdata.OpenGrantState(state), EntryID: entry, Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) changeOpenGrant(resume bool) func(w http.ResponseWriter, r *http.Request) error {
	return updateByID(s, func(ctx context.Context, id int64, in reasonRequest) (*govdata.OpenGrant, error) {
		if resume {
			return s.svc.OpenApplications.ResumeOpenGrant(ctx, id, in.Reason)
		}
		return s.svc.OpenApplications.SuspendOpenGrant(ctx, id, in.Reason)
	})
}

func (s *Server) handleOpenWithdrawals(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	state, err := queryEnum(r, "state", func(v string) bool { return govdata.OpenWithdrawalState(v).Valid() })
	if err != nil {
		return err
	}
	list, err := s.svc.OpenWithdrawals.FindWithdrawals(r.Context(), govdata.OpenWithdrawalFilter{State: govdata.OpenWithdrawalState(state), Page: page})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleWithdrawalNotices(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	list, err := s.svc.OpenWithdrawals.WithdrawalNotices(r.Context(), page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// withdrawOpenApplication takes no body.
func (s *Server) withdrawOpenApplication(ctx context.Context, id int64) (*govdata.OpenApplication, error) {
	return s.svc.OpenApplications.WithdrawOpenApplication(ctx, id)
}

// The service methods are reached through the server when called, so that
// a server built without these services (a test's) still builds its routes.

func (s *Server) applyOpen(ctx context.Context, in govdata.OpenApplicationInput) (*govdata.OpenApplication, error) {
	return s.svc.OpenApplications.ApplyOpen(ctx, in)
}

func (s *Server) findOpenApplication(ctx context.Context, id int64) (*govdata.OpenApplication, error) {
	return s.svc.OpenApplications.FindOpenApplicationByID(ctx, id)
}

func (s *Server) decideOpenApplication(ctx context.Context, id int64, d govdata.OpenDecision) (*govdata.OpenApplication, error) {
	return s.svc.OpenApplications.DecideOpenApplication(ctx, id, d)
}

func (s *Server) requestWithdrawal(ctx context.Context, in govdata.OpenWithdrawalInput) (*govdata.OpenWithdrawal, error) {
	return s.svc.OpenWithdrawals.RequestWithdrawal(ctx, in)
}

func (s *Server) findWithdrawal(ctx context.Context, id int64) (*govdata.OpenWithdrawal, error) {
	return s.svc.OpenWithdrawals.FindWithdrawalByID(ctx, id)
}

func (s *Server) decideWithdrawal(ctx context.Context, id int64, d govdata.OpenDecision) (*govdata.OpenWithdrawal, error) {
	return s.svc.OpenWithdrawals.DecideWithdrawal(ctx, id, d)
}
