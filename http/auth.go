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

// meView is what the console needs to know of the signed-in user to draw
// itself: who it is, its department and region for the header, and the
// permissions it holds, from the server's own table (policy.go), so that
// the menu shows only what the user may open.
type meView struct {
	User       *govdata.User       `json:"user"`
	Department *govdata.Department `json:"department,omitempty"`
	Region     *govdata.Region     `json:"region,omitempty"`
	// Permissions are those govdata.Authorize grants the user; none while
	// the password must be changed first.
	Permissions []govdata.Permission `json:"permissions"`
	// PasswordChangeRequired: the session is good for nothing but
	// POST /api/v1/auth/password until then (ORG-3).
	PasswordChangeRequired bool `json:"password_change_required"`
	// TimeZone is the deployment's, in which dates and times are shown
	// (PRODUCT.md §4).
	TimeZone string `json:"time_zone"`
	// CSRFToken is the session's, as the login answered it: a console
	// reloaded in the browser keeps its cookie but not the login's answer,
	// and it keeps no token in storage. Only a page of our origin can read
	// this answer (no CORS; the cookie is SameSite=Strict), so it tells a
	// cross-site page nothing (ORG-4).
	CSRFToken string `json:"csrf_token"`
}

func (s *Server) handleMeView(w http.ResponseWriter, r *http.Request) error {
	a := govdata.ActorFrom(r.Context())
	u, err := s.svc.Users.FindUserByID(r.Context(), a.UserID)
	if err != nil {
		return err
	}
	v := meView{User: u, Permissions: govdata.HeldPermissions(a), PasswordChangeRequired: a.PasswordChangeRequired,
		TimeZone: s.cfg.Location.String()}
	if token, _ := bearerToken(r); token != "" {
		v.CSRFToken = govdata.CSRFToken(token)
	}
	// A session that must change its password may read nothing else
	// (ORG-3); the console asks again after the change.
	if !a.PasswordChangeRequired && u.DepartmentID != 0 {
		if v.Department, err = s.svc.Departments.FindDepartmentByID(r.Context(), u.DepartmentID); err != nil {
			return err
		}
		if v.Region, err = s.svc.Regions.FindRegionByCode(r.Context(), v.Department.RegionCode); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// handleSessions answers the caller's own sessions in force (ORG-4).
func (s *Server) handleSessions(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Auth.FindSessions(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, govdata.List[govdata.SessionInfo]{Items: list})
	return nil
}

// handleEndSession ends one of the caller's own sessions; another's is 404.
func (s *Server) handleEndSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Auth.EndSession(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
