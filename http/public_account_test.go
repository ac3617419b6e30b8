package http_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

const publicTestPassword = "Portal-Pass-2026"

// publicCaller is the fixture's public account: confirmed, signed in.
type publicCaller struct {
	once    sync.Once
	id      int64
	email   string
	token   string
	message int64 // a message of its inbox
}

func (e *env) publicService() *sqlstore.PublicAccountService {
	return e.svc.PublicAccounts.(*sqlstore.PublicAccountService)
}

// publicAccount registers a fresh account over the store and returns its
// id and address; confirmed by the operator when confirm.
func publicAccount(t testing.TB, e *env, confirm bool) (int64, string) {
	t.Helper()
	email := fmt.Sprintf("user%d@example.com", e.next())
	svc := e.publicService()
	if err := svc.Register(storetest.As(govdata.Actor{ClientAddr: "198.51.100.1"}), govdata.PublicRegistration{Kind: govdata.PublicPerson,
		Name: "测试用户", Email: email, Password: publicTestPassword, AcceptTerms: true, TermsVersion: govdata.PublicTermsVersion}); err != nil {
		t.Fatal(err)
	}
	l := mustGet(svc.FindPublicAccounts(storetest.System(), govdata.PublicAccountFilter{Q: email}))(t)
	if len(l.Items) != 1 {
		t.Fatalf("registered %s: %+v", email, l)
	}
	if confirm {
		mustGet(svc.ConfirmByOperator(storetest.System(), l.Items[0].ID))(t)
	}
	return l.Items[0].ID, email
}

// publicLogin signs the address in over the store and returns the token.
func publicLogin(t testing.TB, e *env, email string) string {
	t.Helper()
	return mustGet(e.publicService().Login(storetest.As(govdata.Actor{ClientAddr: "198.51.100.2"}), email, publicTestPassword))(t).Token
}

// publicFixture is the fixture's public account, made on first use.
func publicFixture(t testing.TB, e *env) *publicCaller {
	t.Helper()
	e.publicOnce.Do(func() {
		p := &publicCaller{}
		p.id, p.email = publicAccount(t, e, true)
		p.token = publicLogin(t, e, p.email)
		a := govdata.Actor{PublicAccountID: p.id}
		msgs := mustGet(e.publicService().FindMessages(storetest.As(a), govdata.Page{}))(t)
		p.message = msgs.Items[0].ID
		e.public = p
	})
	if e.public == nil {
		t.Fatal("no public fixture account")
	}
	return e.public
}

// publicKey creates a key of the fixture account.
func publicKey(t testing.TB, e *env) *govdata.IssuedAPIKey {
	p := publicFixture(t, e)
	return mustGet(e.publicService().CreateAPIKey(storetest.As(govdata.Actor{PublicAccountID: p.id}), govdata.APIKeyInput{Name: "测试"}))(t)
}

var confirmLinkRE = regexp.MustCompile(`/portal/confirm\?token=([A-Z2-7]+)`)

// mailed runs the public outbox once and returns the mails it sent.
func mailed(t testing.TB, e *env) []sqlstore.PublicMail {
	t.Helper()
	var out []sqlstore.PublicMail
	mustGet(e.publicService().MailPublicOnce(context.Background(), 100, func(_ context.Context, m sqlstore.PublicMail) error {
		out = append(out, m)
		return nil
	}))(t)
	return out
}

func registration(email string) govdata.PublicRegistration {
	return govdata.PublicRegistration{Kind: govdata.PublicPerson, Name: "李四", Email: email, Password: publicTestPassword,
		AcceptTerms: true, TermsVersion: govdata.PublicTermsVersion}
}

// OPN-2: a person registers, confirms by the mailed link, signs in with
// the cookie, creates a key (shown once) and revokes it.
func TestPublicAccountFlow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		r := e.do(t, req{method: "POST", path: "/api/v1/public/auth/register", body: registration("li.si@example.com")})
		mustStatus(t, r, http.StatusAccepted)
		mails := mailed(t, e)
		if len(mails) != 1 || mails[0].To != "li.si@example.com" {
			t.Fatalf("mails %+v", mails)
		}
		m := confirmLinkRE.FindStringSubmatch(mails[0].Body)
		if m == nil || !strings.Contains(mails[0].Body, "http://portal.test/portal/confirm?token=") {
			t.Fatalf("no link in %q", mails[0].Body)
		}
		bad := e.do(t, req{method: "POST", path: "/api/v1/public/auth/confirm", body: map[string]string{"token": "WRONG"}})
		mustError(t, bad, http.StatusBadRequest, govdata.EINVALID)
		e.mustAudited(t, bad, govdata.AuditFailed)
		acc := mustOK[govdata.PublicAccount](t, e.do(t, req{method: "POST", path: "/api/v1/public/auth/confirm", body: map[string]string{"token": m[1]}}), 200)
		if !acc.Confirmed {
			t.Fatalf("confirmed %+v", acc)
		}

		r = e.do(t, req{method: "POST", path: "/api/v1/public/auth/login", body: map[string]string{"email": "Li.Si@example.com", "password": publicTestPassword}})
		sess := mustOK[govdata.PublicSession](t, r, 200)
		var cookie *http.Cookie
		for _, c := range r.cookies {
			if c.Name == "govdata_public" {
				cookie = c
			}
		}
		if cookie == nil || cookie.Value != sess.Token || !cookie.HttpOnly || !cookie.Secure {
			t.Fatalf("cookie %+v", r.cookies)
		}
		// The cookie needs the CSRF token for a change.
		create := req{method: "POST", path: "/api/v1/public/keys", cookies: []*http.Cookie{cookie}, body: govdata.APIKeyInput{Name: "爬虫"}}
		e.mustRefused(t, e.do(t, create), http.StatusForbidden)
		create.header = map[string]string{"X-CSRF-Token": sess.CSRFToken}
		key := mustOK[govdata.IssuedAPIKey](t, e.do(t, create), http.StatusCreated)
		if !strings.HasPrefix(key.Key, govdata.APIKeyPrefix) {
			t.Fatalf("key %+v", key)
		}
		list := mustOK[govdata.List[govdata.APIKey]](t, e.do(t, req{method: "GET", path: "/api/v1/public/keys", token: sess.Token}), 200)
		if len(list.Items) != 1 || bytes.Contains(e.do(t, req{method: "GET", path: "/api/v1/public/keys", token: sess.Token}).body, []byte(key.Key)) {
			t.Fatalf("keys %+v", list)
		}
		me := mustOK[struct {
			Account   govdata.PublicAccount `json:"account"`
			CSRFToken string                `json:"csrf_token"`
		}](t, e.do(t, req{method: "GET", path: "/api/v1/public/me", cookies: []*http.Cookie{cookie}}), 200)
		if me.Account.Email != "li.si@example.com" || me.CSRFToken != sess.CSRFToken {
			t.Fatalf("me %+v", me)
		}
		mustStatus(t, e.do(t, req{method: "DELETE", path: "/api/v1/public/keys/" + itoa(key.ID), token: sess.Token}), http.StatusNoContent)
		if _, err := e.svc.Public.AuthenticateAPIKey(context.Background(), key.Key); govdata.ErrorCodeOf(err) != govdata.EUNAUTHORIZED {
			t.Fatalf("a revoked key: %v", err)
		}
		mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/public/auth/logout", token: sess.Token}), http.StatusNoContent)
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/public/me", token: sess.Token}), http.StatusUnauthorized)
	})
}

// No enumeration: registration and resend answer the same for a new and a
// taken address, login the same for an unknown address and a wrong password.
func TestPublicEnumeration(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite, envOptions{})
	_, taken := publicAccount(t, e, false)
	newOne := e.do(t, req{method: "POST", path: "/api/v1/public/auth/register", body: registration("fresh@example.com")})
	again := e.do(t, req{method: "POST", path: "/api/v1/public/auth/register", body: registration(taken)})
	if newOne.status != http.StatusAccepted || again.status != newOne.status || !bytes.Equal(again.body, newOne.body) {
		t.Fatalf("new address %d %s, taken %d %s", newOne.status, newOne.body, again.status, again.body)
	}
	mails := mailed(t, e)
	var toTaken []sqlstore.PublicMail
	for _, m := range mails {
		if m.To == taken {
			toTaken = append(toTaken, m)
		}
	}
	if n := len(toTaken); n != 2 || strings.Contains(toTaken[1].Body, "token=") {
		t.Fatalf("mails to the taken address %+v", toTaken)
	}
	if l := mustGet(e.svc.PublicAccounts.FindPublicAccounts(storetest.System(), govdata.PublicAccountFilter{Q: taken}))(t); len(l.Items) != 1 {
		t.Fatalf("a second account for %s: %+v", taken, l.Items)
	}
	r1 := e.do(t, req{method: "POST", path: "/api/v1/public/auth/resend", body: map[string]string{"email": taken}})
	r2 := e.do(t, req{method: "POST", path: "/api/v1/public/auth/resend", body: map[string]string{"email": "nobody@example.com"}})
	if r1.status != http.StatusAccepted || r2.status != r1.status || !bytes.Equal(r1.body, r2.body) {
		t.Fatalf("resend %d %s / %d %s", r1.status, r1.body, r2.status, r2.body)
	}
	l1 := e.do(t, req{method: "POST", path: "/api/v1/public/auth/login", body: map[string]string{"email": taken, "password": "Wrong-Pass-2026"}})
	l2 := e.do(t, req{method: "POST", path: "/api/v1/public/auth/login", body: map[string]string{"email": "nobody@example.com", "password": "Wrong-Pass-2026"}})
	e1, e2 := mustError(t, l1, http.StatusUnauthorized, govdata.EUNAUTHORIZED), mustError(t, l2, http.StatusUnauthorized, govdata.EUNAUTHORIZED)
	if e1.Error.Message != e2.Error.Message {
		t.Fatalf("login answers differ: %q, %q", e1.Error.Message, e2.Error.Message)
	}
	rec := e.mustAudited(t, l2, govdata.AuditFailed)
	if strings.Contains(rec.ActorName+rec.ObjectID+rec.Detail, "nobody") {
		t.Fatalf("an unknown address in clear in the audit log: %+v", rec)
	}
}

// Registrations, resends and logins are limited per address: 429 with
// Retry-After, recorded.
func TestPublicRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite, envOptions{publicRate: 2})
	for i := range 2 {
		mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/public/auth/register", body: registration(fmt.Sprintf("r%d@example.com", i))}), http.StatusAccepted)
	}
	r := e.do(t, req{method: "POST", path: "/api/v1/public/auth/register", body: registration("r9@example.com")})
	mustTooMany(t, r)
	if r.header.Get("Retry-After") != "600" {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	e.mustAudited(t, r, govdata.AuditRefused)
	if l := mustGet(e.svc.PublicAccounts.FindPublicAccounts(storetest.System(), govdata.PublicAccountFilter{Q: "r9@"}))(t); len(l.Items) != 0 {
		t.Fatal("a refused registration made an account")
	}
	// The window passes with the clock.
	e.clock.Advance(601 * 1e9)
	mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/public/auth/register", body: registration("r9@example.com")}), http.StatusAccepted)
	for range 2 {
		e.do(t, req{method: "POST", path: "/api/v1/public/auth/login", body: map[string]string{"email": "x@example.com", "password": "Wrong-Pass-2026"}})
	}
	r = e.do(t, req{method: "POST", path: "/api/v1/public/auth/login", body: map[string]string{"email": "x@example.com", "password": "Wrong-Pass-2026"}})
	mustTooMany(t, r)
	if r.header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
}

// OPN-2: the kinds never mix. A public session or key on a staff route, a
// staff session on a public one: 403 with a clear message, recorded.
func TestPublicSeparation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite, envOptions{})
	p := publicFixture(t, e)
	key := publicKey(t, e)
	for _, token := range []string{p.token, key.Key} {
		r := e.do(t, req{method: "GET", path: "/api/v1/me", token: token})
		env := e.mustRefused(t, r, http.StatusForbidden)
		if !strings.Contains(env.Error.Message, govdata.MsgPublicNotStaff.Text("zh")) {
			t.Fatalf("message %q", env.Error.Message)
		}
		if rec := e.mustAudited(t, r, govdata.AuditRefused); rec.ActorName != govdata.PublicActorName(p.id) {
			t.Fatalf("refusal recorded as %q", rec.ActorName)
		}
	}
	// The cookie alone on a staff route.
	r := e.do(t, req{method: "GET", path: "/api/v1/users", cookies: []*http.Cookie{{Name: "govdata_public", Value: p.token}}})
	e.mustRefused(t, r, http.StatusForbidden)
	// A staff session on the portal's routes.
	r = e.do(t, req{method: "GET", path: "/api/v1/public/me", as: "sysadmin"})
	env := e.mustRefused(t, r, http.StatusForbidden)
	if !strings.Contains(env.Error.Message, govdata.MsgStaffNotPublic.Text("zh")) {
		t.Fatalf("message %q", env.Error.Message)
	}
	// An unconfirmed account signs in but gets no key.
	_, email := publicAccount(t, e, false)
	tok := publicLogin(t, e, email)
	r = e.do(t, req{method: "POST", path: "/api/v1/public/keys", token: tok, body: govdata.APIKeyInput{Name: "x"}})
	env = e.mustRefused(t, r, http.StatusForbidden)
	if !strings.Contains(env.Error.Message, govdata.MsgPublicUnconfirmed.Text("zh")) {
		t.Fatalf("message %q", env.Error.Message)
	}
}

// HLJ-43: the reviewer suspends an account; its session and keys stop at
// once, it is told, and the suspension is recorded.
func TestPublicSuspension(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite, envOptions{})
	p := publicFixture(t, e)
	key := publicKey(t, e)
	list := mustOK[govdata.List[govdata.PublicAccount]](t, e.do(t, req{method: "GET", path: "/api/v1/public-accounts?q=" + p.email, as: "reviewer"}), 200)
	if len(list.Items) != 1 || list.Items[0].ID != p.id {
		t.Fatalf("list %+v", list)
	}
	mustError(t, e.do(t, req{method: "POST", path: "/api/v1/public-accounts/" + itoa(p.id) + "/suspend", as: "reviewer", body: map[string]string{"reason": ""}}),
		http.StatusBadRequest, govdata.EINVALID)
	r := e.do(t, req{method: "POST", path: "/api/v1/public-accounts/" + itoa(p.id) + "/suspend", as: "reviewer", body: map[string]string{"reason": "违规批量下载"}})
	acc := mustOK[govdata.PublicAccount](t, r, 200)
	if acc.State != govdata.PublicSuspended {
		t.Fatalf("after suspending %+v", acc)
	}
	e.mustAudited(t, r, govdata.AuditOK)
	e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/public/me", token: p.token}), http.StatusUnauthorized)
	if _, err := e.svc.Public.AuthenticateAPIKey(context.Background(), key.Key); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
		t.Fatalf("key of a suspended account: %v", err)
	}
	msgs := mustGet(e.svc.PublicAccounts.FindMessages(storetest.As(govdata.Actor{PublicAccountID: p.id}), govdata.Page{}))(t)
	if msgs.Items[0].Kind != govdata.PublicMsgSuspended || !strings.Contains(msgs.Items[0].Body.ZH, "违规批量下载") {
		t.Fatalf("messages %+v", msgs.Items)
	}
	mustError(t, e.do(t, req{method: "POST", path: "/api/v1/public-accounts/" + itoa(p.id) + "/suspend", as: "secadmin", body: map[string]string{"reason": "again"}}),
		http.StatusConflict, govdata.ECONFLICT)
	mustOK[govdata.PublicAccount](t, e.do(t, req{method: "POST", path: "/api/v1/public-accounts/" + itoa(p.id) + "/resume", as: "secadmin", body: map[string]string{"reason": "已整改"}}), 200)
	if _, err := e.svc.Public.AuthenticateAPIKey(context.Background(), key.Key); err != nil {
		t.Fatalf("key after resuming: %v", err)
	}
}

// mustTooMany fails unless r is a 429 envelope (mustError knows the codes
// of PRODUCT.md §4 only).
func mustTooMany(t testing.TB, r *resp) {
	t.Helper()
	mustStatus(t, r, http.StatusTooManyRequests)
	if problem := checkEnvelopeShape(r); problem != "" {
		t.Fatalf("%v: %s", r, problem)
	}
	if env := decode[envelope](t, r); env.Error.Code != string(govdata.ETOOMANY) {
		t.Fatalf("%v: code %q", r, env.Error.Code)
	}
}

// confirmToken is the token of the last confirmation link mailed to email.
func confirmToken(t testing.TB, e *env, email string) string {
	t.Helper()
	token := ""
	for _, m := range mailed(t, e) {
		if sub := confirmLinkRE.FindStringSubmatch(m.Body); sub != nil && m.To == email {
			token = sub[1]
		}
	}
	if token == "" {
		t.Fatalf("no confirmation link mailed to %s", email)
	}
	return token
}

// Another public account's key and message answer as missing ones, and
// the refusal is recorded (issue 11).
func TestPublicHidden(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.SQLite, envOptions{})
	p := publicFixture(t, e)
	key := publicKey(t, e)
	_, email := publicAccount(t, e, true)
	other := publicLogin(t, e, email)
	for _, r := range []req{
		{method: "DELETE", path: "/api/v1/public/keys/" + itoa(key.ID), token: other},
		{method: "POST", path: "/api/v1/public/messages/" + itoa(p.message) + "/read", token: other},
	} {
		res := e.do(t, r)
		mustError(t, res, http.StatusNotFound, govdata.ENOTFOUND)
		e.mustAudited(t, res, govdata.AuditRefused)
	}
	if _, err := e.svc.Public.AuthenticateAPIKey(context.Background(), key.Key); err != nil {
		t.Fatalf("the key after another's attempt: %v", err)
	}
}
