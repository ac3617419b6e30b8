package http

import (
	"net/http"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type passwordRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

type emailRequest struct {
	Email string `json:"email"`
}

func (s *Server) handleSetEmail(w http.ResponseWriter, r *http.Request) error {
	in, err := body[emailRequest](s, r)
	if err != nil {
		return err
	}
	u, err := s.svc.Users.SetOwnEmail(r.Context(), strings.TrimSpace(in.Email))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	in, err := body[loginRequest](s, r)
	if err != nil {
		return err
	}
	var fe govdata.FieldErrors
	if in.Username == "" {
		fe.Add("username", govdata.MsgRequired)
	}
	if in.Password == "" {
		fe.Add("password", govdata.MsgRequired)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	sess, err := s.svc.Auth.Login(r.Context(), in.Username, in.Password)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteStrictMode,
	})
	writeJSON(w, http.StatusOK, sess)
	return nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	token, _ := bearerToken(r)
	if err := s.svc.Auth.Logout(r.Context(), token); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HttpOnly: true, Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request) error {
	in, err := body[passwordRequest](s, r)
	if err != nil {
		return err
	}
	if err := s.svc.Auth.ChangePassword(r.Context(), in.OldPassword, in.NewPassword); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	u, err := s.svc.Users.FindUserByID(r.Context(), govdata.ActorFrom(r.Context()).UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
