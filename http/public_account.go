package http

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/govdata/govdata"
)

// Public accounts (OPN-2) and the staff's oversight of them (HLJ-43).

// Limits per client address of the portal's unauthenticated account
// actions, against mass registration, mail bombing and guessing. Kept in
// memory, per process: a restart forgets them, and behind several
// instances each counts its own share. Login is also under the staff's
// address throttle and lockout in the database (ORG-3), which outlive both.
var publicRates = map[string]struct {
	n      int
	window time.Duration
}{
	"register": {5, 10 * time.Minute},
	"resend":   {5, 10 * time.Minute},
	"login":    {20, 10 * time.Minute},
}

// publicLimiter counts requests per action and address in fixed windows.
type publicLimiter struct {
	mu   sync.Mutex
	seen map[string]*publicWindow
}

type publicWindow struct {
	start time.Time
	n     int
}

// allow counts one request of action from addr at now and returns how many
// seconds to wait when it is over the limit, else 0.
func (l *publicLimiter) allow(action, addr string, now time.Time, limit int) int {
	rate := publicRates[action]
	if limit > 0 {
		rate.n = limit
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]*publicWindow{}
	}
	if len(l.seen) > 100_000 {
		// Bounded memory: windows that ended are forgotten.
		for k, w := range l.seen {
			if now.Sub(w.start) >= publicRates[strings.SplitN(k, "\x00", 2)[0]].window {
				delete(l.seen, k)
			}
		}
	}
	k := action + "\x00" + addr
	w := l.seen[k]
	if w == nil || now.Sub(w.start) >= rate.window {
		w = &publicWindow{start: now}
		l.seen[k] = w
	}
	if w.n >= rate.n {
		return max(1, int((w.start.Add(rate.window).Sub(now)+time.Second-1)/time.Second))
	}
	w.n++
	return 0
}

// limitPublic refuses, 429 with Retry-After, a request over its address's
// limit, and records the refusal.
func (s *Server) limitPublic(r *http.Request, action string) error {
	a := govdata.ActorFrom(r.Context())
	after := s.publicLimits.allow(action, a.ClientAddr, s.cfg.Clock.Now(), s.cfg.PublicRateLimit)
	if after == 0 {
		return nil
	}
	e := govdata.Errorf(govdata.ETOOMANY, govdata.MsgPublicRateLimited, after)
	e.Details = map[string]any{"retry_after": after}
	if err := s.svc.Audit.RecordRefusal(context.WithoutCancel(r.Context()), "public."+action, "public_account", "", e); err != nil {
		s.log.Error("audit refusal", "request_id", requestID(r), "err", err)
	}
	return govdata.Audited(e)
}

// publicAccepted is the one answer to a registration or a resend, whatever
// the address (no enumeration).
type publicAccepted struct {
	Message govdata.Text `json:"message"`
}

func msgText(m govdata.Msg) govdata.Text { return govdata.Text{ZH: m.Text("zh"), EN: m.Text("en")} }

func (s *Server) handlePublicRegister(w http.ResponseWriter, r *http.Request) error {
	in, err := body[govdata.PublicRegistration](s, r)
	if err != nil {
		return err
	}
	if err := s.limitPublic(r, "register"); err != nil {
		return err
	}
	if err := s.svc.PublicAccounts.Register(r.Context(), in); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, publicAccepted{Message: msgText(govdata.MsgPublicRegistered)})
	return nil
}

func (s *Server) handlePublicResend(w http.ResponseWriter, r *http.Request) error {
	in, err := body[emailRequest](s, r)
	if err != nil {
		return err
	}
	if err := s.limitPublic(r, "resend"); err != nil {
		return err
	}
	if err := s.svc.PublicAccounts.ResendConfirmation(r.Context(), in.Email); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, publicAccepted{Message: msgText(govdata.MsgPublicResent)})
	return nil
}

type confirmRequest struct {
	Token string `json:"token"`
}

func (s *Server) handlePublicConfirm(w http.ResponseWriter, r *http.Request) error {
	in, err := body[confirmRequest](s, r)
	if err != nil {
		return err
	}
	if in.Token == "" || len(in.Token) > 200 {
		return govdata.Errorf(govdata.EINVALID, govdata.MsgPublicConfirmBad)
	}
	a, err := s.svc.PublicAccounts.Confirm(r.Context(), in.Token)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

type publicLoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) handlePublicLogin(w http.ResponseWriter, r *http.Request) error {
	in, err := body[publicLoginRequest](s, r)
	if err != nil {
		return err
	}
	var fe govdata.FieldErrors
	if in.Email == "" {
		fe.Add("email", govdata.MsgRequired)
	}
	if in.Password == "" {
		fe.Add("password", govdata.MsgRequired)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if err := s.limitPublic(r, "login"); err != nil {
		return err
	}
	sess, err := s.svc.PublicAccounts.Login(r.Context(), in.Email, in.Password)
	if err != nil {
		return err
	}
	// Its own cookie, apart from the staff's (OPN-2); Lax so that the
	// confirmation link opened from a mail finds the portal signed in.
	http.SetCookie(w, &http.Cookie{
		Name: publicCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteLaxMode,
	})
	writeJSON(w, http.StatusOK, sess)
	return nil
}

func (s *Server) handlePublicLogout(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.PublicAccounts.Logout(r.Context()); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: publicCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HttpOnly: true, Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// publicMe is what the portal draws the signed-in account from.
type publicMe struct {
	Account *govdata.PublicAccount `json:"account"`
	// CSRFToken is the session's, for a portal reloaded in the browser
	// (kept in memory only, as the staff console does, ORG-4).
	CSRFToken string `json:"csrf_token"`
}

func (s *Server) handlePublicMe(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.PublicAccounts.Me(r.Context())
	if err != nil {
		return err
	}
	v := publicMe{Account: a}
	if t := publicToken(r); t != "" {
		v.CSRFToken = govdata.CSRFToken(t)
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// publicToken is the public session token of the request, if any.
func publicToken(r *http.Request) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		if t = strings.TrimSpace(t); strings.HasPrefix(t, govdata.PublicSessionPrefix) {
			return t
		}
		return ""
	}
	if c, err := r.Cookie(publicCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *Server) handlePublicKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := s.svc.PublicAccounts.FindAPIKeys(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, govdata.List[govdata.APIKey]{Items: keys})
	return nil
}

func (s *Server) handlePublicRevokeKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.PublicAccounts.RevokeAPIKey(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handlePublicMessages(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	l, err := s.svc.PublicAccounts.FindMessages(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) handlePublicMessageRead(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
	}
	if err := s.svc.PublicAccounts.MarkMessageRead(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handlePublicAccounts(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.svc.PublicAccounts.FindPublicAccounts(r.Context(), govdata.PublicAccountFilter{Q: q.Get("q"), State: q.Get("state"), Page: p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) handlePublicAccountState(resume bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		in, err := body[reasonRequest](s, r)
		if err != nil {
			return err
		}
		f := s.svc.PublicAccounts.Suspend
		if resume {
			f = s.svc.PublicAccounts.Resume
		}
		a, err := f(r.Context(), id, in.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, a)
		return nil
	}
}

// refuseOtherKind answers a staff route called with a public session or
// API key (OPN-2: the kinds never mix): 403, named, so that the refusal's
// record says who tried. ok false: the request holds no such credential.
func (s *Server) refuseOtherKind(r *http.Request, token string) (*http.Request, error, bool) {
	if s.svc.Public == nil {
		return r, nil, false
	}
	var a govdata.Actor
	var err error
	switch {
	case strings.HasPrefix(token, govdata.APIKeyPrefix):
		a, err = s.svc.Public.AuthenticateAPIKey(r.Context(), token)
	case strings.HasPrefix(token, govdata.PublicSessionPrefix):
		a, err = s.svc.Public.AuthenticatePublic(r.Context(), token)
	default:
		return r, nil, false
	}
	if err != nil && a.PublicAccountID == 0 {
		return r, err, true
	}
	base := govdata.ActorFrom(r.Context())
	a.ClientAddr, a.RequestID = base.ClientAddr, base.RequestID
	r = r.WithContext(govdata.WithActor(r.Context(), a))
	return r, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgPublicNotStaff), true
}

// refuseStaffToken answers a public route called with a staff session: 403,
// named (OPN-2). ok false: the token is no staff session.
func (s *Server) refuseStaffToken(r *http.Request, token string) (*http.Request, bool) {
	a, err := s.svc.Auth.Authenticate(r.Context(), token)
	if err != nil {
		return r, false
	}
	base := govdata.ActorFrom(r.Context())
	a.ClientAddr, a.RequestID = base.ClientAddr, base.RequestID
	return r.WithContext(govdata.WithActor(r.Context(), a)), true
}

// createAPIKey and confirmPublicAccount call the service when the request
// comes, not when the route table is built.
func (s *Server) createAPIKey(ctx context.Context, in govdata.APIKeyInput) (*govdata.IssuedAPIKey, error) {
	return s.svc.PublicAccounts.CreateAPIKey(ctx, in)
}

func (s *Server) confirmPublicAccount(ctx context.Context, id int64) (*govdata.PublicAccount, error) {
	return s.svc.PublicAccounts.ConfirmByOperator(ctx, id)
}
