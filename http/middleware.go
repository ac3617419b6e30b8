package http

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/signing"
)

// sessionCookie is the name of the web session cookie (ORG-4).
const sessionCookie = "govdata_session"

type reqIDKey struct{}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(reqIDKey{}).(string)
	return id
}

// withRequestID gives every request an ID (the client's X-Request-ID when
// sensible), echoed in the response and carried into logs and audit records.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < '!' || c > '~' }) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), reqIDKey{}, id)))
	})
}

// clientAddr is the address the request came from (SEC-1 "from where"):
// the peer's IP address; or, when the peer is a trusted reverse proxy
// (Config.TrustedProxies), the right-most address of X-Forwarded-For that is
// not itself a trusted proxy. Each proxy appends the address it received
// from, so everything left of that entry was written by the client and may
// be forged; it is never read. From an untrusted peer the header is ignored
// entirely, and a header a trusted proxy passed on that does not parse
// leaves the peer's address.
func (s *Server) clientAddr(r *http.Request) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		peer = host
	}
	if len(s.cfg.TrustedProxies) == 0 {
		return peer
	}
	trusted := func(a netip.Addr) bool {
		a = a.Unmap().WithZone("")
		for _, p := range s.cfg.TrustedProxies {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if a, err := netip.ParseAddr(peer); err != nil || !trusted(a) {
		return peer
	}
	// Several header lines are one list, in order (RFC 9110, 5.3).
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := ""
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		a, err := netip.ParseAddr(hop)
		if err != nil {
			// Some proxies write the port too: 192.0.2.1:4711, [2001:db8::1]:4711.
			ap, perr := netip.ParseAddrPort(hop)
			if perr != nil {
				return peer
			}
			a = ap.Addr()
		}
		client = a.Unmap().String()
		if !trusted(a) {
			return client
		}
	}
	if client == "" {
		return peer // no header: the proxy itself made the request
	}
	return client // every hop is a trusted proxy: the left-most one made the request
}

// statusRecorder remembers the status for metrics and logs.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// serveRoute wraps a route's handler: request ID, body limit, panic
// recovery, metrics, authentication and authorization, then the handler;
// errors become the envelope and refusals are audited.
func (s *Server) serveRoute(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		r = r.WithContext(govdata.WithActor(r.Context(), govdata.Actor{ClientAddr: s.clientAddr(r), RequestID: requestID(r)}))
		limit := s.cfg.MaxBodyBytes
		if rt.maxBody > 0 {
			limit = rt.maxBody
		}
		r.Body = http.MaxBytesReader(rec, r.Body, limit)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.writeError(rec, r, fmt.Errorf("panic: %v", p))
			}
			s.cfg.Metrics.observe(r.Method, rt.pattern(), rec.status, time.Since(start))
		}()
		var err error
		if badURLText(r) {
			err = govdata.Errorf(govdata.EINVALID, msgURLText)
		} else {
			r, err = s.authenticate(rec, r, rt)
		}
		handled := false
		if err == nil {
			handled = true
			var out http.ResponseWriter = rec
			var aw *auditedWriter
			if rt.reads == readAudited {
				// SEC-1: the read is recorded before its answer leaves.
				aw, r = s.withReadAudit(rec, r, rt)
				out = aw
			}
			err = rt.handle(out, r)
			if aw != nil && aw.failed() {
				return // answered with the 500 already
			}
		}
		if err != nil {
			// A data-service call records its own refusals, with its grant
			// (SHR-4, SHR-6); its authentication's are recorded here.
			if !(rt.serviceCall && handled) {
				s.refused(r, rt, err)
			}
			s.writeError(rec, r, err)
		}
	})
}

// refused audits a refused request: every 401 and 403 leaves a record
// (SJZ-S-22, HLJ-38); every 404 of an object the caller may not see
// (govdata.Hidden); every refused workflow decision (issue 3: the wrong
// action, a closed step, a lost race); and every refused change to users,
// roles, credentials, keys or security policies, whatever its status — a
// malformed role name or a refused escalation (400, 404, 409, 413, 422 …)
// is as telling an attempt as a 403. Not where the service already
// recorded the attempt.
func (s *Server) refused(r *http.Request, rt route, err error) {
	code := govdata.ErrorCodeOf(err)
	decisionRefused := rt.decision && (code == govdata.EINVALID || code == govdata.ECONFLICT || code == govdata.ENOTFOUND)
	// Issue 11: a hidden refusal answers as a missing object, and is a
	// refusal all the same.
	if code != govdata.EUNAUTHORIZED && code != govdata.EFORBIDDEN && !decisionRefused && !rt.securityChange && !govdata.IsHidden(err) {
		return
	}
	if rt.selfAudited || govdata.IsAudited(err) {
		return
	}
	object := pathObject(r)
	if code == govdata.EINTERNAL {
		// The cause is in the log under the request ID; its text (a
		// driver's message) does not belong in the audit record.
		err = errors.New("internal error")
	}
	// Recorded even when the client has gone away meanwhile.
	if err := s.svc.Audit.RecordRefusal(context.WithoutCancel(r.Context()), rt.action, rt.objectType, object, err); err != nil {
		s.log.Error("audit refusal", "request_id", requestID(r), "err", err)
	}
}

// authenticate establishes the actor of the request as the route requires
// and checks the route's permission.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, rt route) (*http.Request, error) {
	switch rt.auth {
	case authNone:
		return r, nil
	case authSigned:
		return s.authenticateSigned(r)
	case authPublic, authOpen:
		return s.authenticatePublic(r, rt.auth == authPublic)
	}
	token, fromCookie := bearerToken(r)
	if token == "" {
		// OPN-2: a portal session is no staff session; told so, recorded.
		if c, err := r.Cookie(publicCookie); err == nil && c.Value != "" {
			if r, err, ok := s.refuseOtherKind(r, c.Value); ok {
				return r, err
			}
		}
		return r, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
	}
	if r, err, ok := s.refuseOtherKind(r, token); ok {
		return r, err
	}
	base := govdata.ActorFrom(r.Context())
	a, err := s.svc.Auth.Authenticate(r.Context(), token)
	if err != nil {
		return r, err
	}
	a.ClientAddr, a.RequestID = base.ClientAddr, base.RequestID
	r = r.WithContext(govdata.WithActor(r.Context(), a))
	// A cookie is sent by the browser on its own; an unsafe request that
	// relies on it must prove it comes from our page (ORG-4).
	if fromCookie && r.Method != http.MethodGet && r.Method != http.MethodHead {
		want := govdata.CSRFToken(token)
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(want)) != 1 {
			return r, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgCSRF)
		}
	}
	if a.PasswordChangeRequired && rt.passwordChange {
		return r, nil
	}
	return r, govdata.Authorize(a, rt.perm)
}

// publicCookie is the name of a public account's portal session cookie
// (OPN-2): apart from the staff one, so that neither is taken for the other.
const publicCookie = "govdata_public"

// authenticatePublic names the public caller of a portal or open-data
// route: an open-data API key (X-API-Key, or a bearer token with
// APIKeyPrefix), or a public session (bearer token or cookie). required:
// the route answers only a signed-in public account.
func (s *Server) authenticatePublic(r *http.Request, required bool) (*http.Request, error) {
	base := govdata.ActorFrom(r.Context())
	key := r.Header.Get("X-API-Key")
	token, fromCookie := "", false
	if h := r.Header.Get("Authorization"); h != "" {
		t, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return r, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
		}
		if t = strings.TrimSpace(t); strings.HasPrefix(t, govdata.APIKeyPrefix) {
			key = t
		} else {
			token = t
		}
	} else if c, err := r.Cookie(publicCookie); err == nil && c.Value != "" {
		token, fromCookie = c.Value, true
	}
	var a govdata.Actor
	var err error
	switch {
	case s.svc.Public == nil:
		if required {
			return r, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
		}
		return r, nil
	case key != "" && !required:
		a, err = s.svc.Public.AuthenticateAPIKey(r.Context(), key)
	case token != "":
		a, err = s.svc.Public.AuthenticatePublic(r.Context(), token)
	case required:
		return r, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
	default:
		return r, nil // anonymous
	}
	if err != nil && token != "" && !fromCookie && !strings.HasPrefix(token, govdata.PublicSessionPrefix) {
		// OPN-2: a staff session is no public account's; told so, recorded.
		if r, ok := s.refuseStaffToken(r, token); ok {
			return r, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgStaffNotPublic)
		}
	}
	if err != nil {
		if a.PublicAccountID != 0 {
			// A suspended account's key (HLJ-43): the refusal names it.
			a.ClientAddr, a.RequestID = base.ClientAddr, base.RequestID
			r = r.WithContext(govdata.WithActor(r.Context(), a))
		}
		return r, err
	}
	a.ClientAddr, a.RequestID = base.ClientAddr, base.RequestID
	r = r.WithContext(govdata.WithActor(r.Context(), a))
	if fromCookie && r.Method != http.MethodGet && r.Method != http.MethodHead {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(govdata.CSRFToken(token))) != 1 {
			return r, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgCSRF)
		}
	}
	return r, nil
}

// bearerToken finds the session token: the Authorization header first, then
// the session cookie.
func bearerToken(r *http.Request) (token string, fromCookie bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
		return "", false
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		return c.Value, true
	}
	return "", false
}

// authenticateSigned verifies a system-credential signature (ORG-5): known,
// unrevoked key; timestamp within the window; a well-formed nonce; correct
// signature. Whether the nonce is unused is decided when the call's write
// spends it.
func (s *Server) authenticateSigned(r *http.Request) (*http.Request, error) {
	unauthorized := func(m govdata.Msg, args ...any) error { return govdata.Errorf(govdata.EUNAUTHORIZED, m, args...) }
	h := r.Header
	for _, name := range []string{signing.HeaderAppKey, signing.HeaderTimestamp, signing.HeaderNonce, signing.HeaderSignature} {
		if h.Get(name) == "" {
			return r, unauthorized(govdata.MsgSignatureMissing, name)
		}
	}
	method := h.Get(signing.HeaderMethod)
	if method == "" {
		method = signing.MethodSHA256
	}
	if method != signing.MethodSHA256 && method != signing.MethodSM3 {
		return r, unauthorized(govdata.MsgSignatureMethod, method)
	}
	// An app key is printable ASCII; anything else names no credential and
	// must reach neither the database nor the audit record, where
	// PostgreSQL refuses text that is not UTF-8.
	if !printableASCII(h.Get(signing.HeaderAppKey), 76) {
		return r, unauthorized(govdata.MsgSignatureUnknown)
	}
	base := govdata.ActorFrom(r.Context())
	base.Username = "app:" + h.Get(signing.HeaderAppKey)
	r = r.WithContext(govdata.WithActor(r.Context(), base))
	if err := signing.CheckTimestamp(h.Get(signing.HeaderTimestamp), s.cfg.Clock.Now()); err != nil {
		return r, unauthorized(govdata.MsgSignatureTime, int64(signing.Window/time.Second))
	}
	nonce := h.Get(signing.HeaderNonce)
	if !signing.ValidNonce(nonce) {
		return r, unauthorized(govdata.MsgSignatureNonce, signing.MaxNonceLength)
	}
	cred, secret, err := s.svc.Credentials.CredentialSecret(r.Context(), h.Get(signing.HeaderAppKey), false)
	if err != nil {
		return r, err
	}
	base.CredentialID, base.DepartmentID = cred.ID, cred.DepartmentID
	r = r.WithContext(govdata.WithActor(r.Context(), base))
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return r, s.decodeError(err)
		}
		return r, govdata.Errorf(govdata.EINVALID, msgBodyMalformed, 0)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	query, err := signing.CanonicalQuery(r.URL.RawQuery)
	if err != nil {
		return r, govdata.Errorf(govdata.EINVALID, msgBadParam, "query")
	}
	sts := signing.StringToSign(r.Method, sentPath(r), query, signing.BodyHash(body), h.Get(signing.HeaderTimestamp), nonce)
	if !signing.Verify(method, secret, sts, h.Get(signing.HeaderSignature)) {
		// The secret may have been remembered from before a rotation
		// elsewhere: the credential as it is now decides.
		if cred, secret, err = s.svc.Credentials.CredentialSecret(r.Context(), h.Get(signing.HeaderAppKey), true); err != nil {
			return r, err
		}
		if !signing.Verify(method, secret, sts, h.Get(signing.HeaderSignature)) {
			return r, unauthorized(govdata.MsgSignatureBad)
		}
	}
	// Neither the nonce is spent nor the credential read again here: both
	// travel on the actor to the route's one write, which refuses the call
	// if the nonce was spent or the credential revoked or rotated since this
	// secret verified it, and records it (the rules of signed calls and
	// where they are applied: sqlstore's checkSigned, ORG-5).
	base.CredentialStamp, base.Nonce = cred.Stamp, nonce
	return r.WithContext(govdata.WithActor(r.Context(), base)), nil
}

// printableASCII reports whether s is 1 to max characters from '!' to '~'.
func printableASCII(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '!' || s[i] > '~' {
			return false
		}
	}
	return true
}

// sentPath is the request path exactly as the client sent it, still
// percent-encoded: the signature covers those bytes (ORG-5), and Go's
// EscapedPath would re-encode a path it finds non-canonical.
func sentPath(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		p, _, _ := strings.Cut(r.RequestURI, "?")
		return p
	}
	return r.URL.EscapedPath()
}
