package http

import (
	"net/http"

	"github.com/govdata/govdata"
)

func (s *Server) handleCredentials(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	dept, err := queryInt(r, "department_id")
	if err != nil {
		return err
	}
	revoked, err := queryBool(r, "include_revoked")
	if err != nil {
		return err
	}
	list, err := s.svc.Credentials.FindCredentials(r.Context(), govdata.CredentialFilter{
		DepartmentID: dept, IncludeRevoked: revoked, Page: p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) handleRevokeCredential(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := body[reasonRequest](s, r)
	if err != nil {
		return err
	}
	c, err := s.svc.Credentials.RevokeCredential(r.Context(), id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// whoami answers a signed call with the credential that signed it.
type whoami struct {
	CredentialID int64  `json:"credential_id"`
	AppKey       string `json:"app_key"`
	DepartmentID int64  `json:"department_id"`
}

func (s *Server) handleWhoami(w http.ResponseWriter, r *http.Request) error {
	// It writes nothing else: its nonce is spent with its record (ORG-5).
	if err := s.svc.Credentials.UseNonce(r.Context(), r.Method+" "+r.URL.Path); err != nil {
		return err
	}
	a := govdata.ActorFrom(r.Context())
	writeJSON(w, http.StatusOK, whoami{CredentialID: a.CredentialID, AppKey: r.Header.Get("X-App-Key"), DepartmentID: a.DepartmentID})
	return nil
}
