package sqlstore_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

const publicPassword = "Portal-Pass-2026"

func publicReg(email string) govdata.PublicRegistration {
	return govdata.PublicRegistration{Kind: govdata.PublicPerson, Name: "张三", Email: email, Password: publicPassword,
		AcceptTerms: true, TermsVersion: govdata.PublicTermsVersion}
}

type publicFixture struct {
	db    *sqlstore.DB
	clock *storetest.Clock
	svc   *sqlstore.PublicAccountService
	mails []sqlstore.PublicMail
}

func newPublicFixture(t *testing.T, e storetest.Engine) *publicFixture {
	o := storetest.Options()
	f := &publicFixture{clock: o.Clock.(*storetest.Clock)}
	f.db = storetest.Open(t, e, &o)
	f.svc = sqlstore.NewPublicAccountService(f.db, "https://open.example.gov.cn/")
	return f
}

// mail runs the outbox once and returns what it sent.
func (f *publicFixture) mail(t *testing.T) []sqlstore.PublicMail {
	t.Helper()
	var sent []sqlstore.PublicMail
	if _, err := f.svc.MailPublicOnce(context.Background(), 100, func(_ context.Context, m sqlstore.PublicMail) error {
		sent = append(sent, m)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return sent
}

var tokenRE = regexp.MustCompile(`/portal/confirm\?token=([A-Z2-7]+)`)

func linkToken(t *testing.T, m sqlstore.PublicMail) string {
	t.Helper()
	sub := tokenRE.FindStringSubmatch(m.Body)
	if sub == nil || !strings.HasPrefix(m.Body[strings.Index(m.Body, "https://"):], "https://open.example.gov.cn/portal/confirm?token=") {
		t.Fatalf("mail without a confirmation link: %q", m.Body)
	}
	return sub[1]
}

func anon(addr string) context.Context { return storetest.As(govdata.Actor{ClientAddr: addr}) }

func code(err error) govdata.ErrorCode { return govdata.ErrorCodeOf(err) }

func (f *publicFixture) audit(t *testing.T, action string) []*govdata.AuditRecord {
	t.Helper()
	l, err := sqlstore.NewAuditService(f.db).FindAudit(storetest.System(), govdata.AuditFilter{Action: action, Page: govdata.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

// OPN-2: registration, the confirmation link, sign-in, keys, the inbox
// and suspension (HLJ-43).
func TestPublicAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newPublicFixture(t, e)
		ctx := anon("198.51.100.7")

		// Bad forms are refused with their fields.
		bad := publicReg("not-an-address")
		bad.AcceptTerms = false
		err := f.svc.Register(ctx, bad)
		var ge *govdata.Error
		if !errors.As(err, &ge) || ge.Fields["email"].Msg != govdata.MsgEmailFormat || ge.Fields["accept_terms"].Msg != govdata.MsgPublicTerms {
			t.Fatalf("bad registration: %v", err)
		}
		org := publicReg("org@example.com")
		org.Kind, org.CreditCode = govdata.PublicOrganization, "91350100M000100Y4A"
		if err := f.svc.Register(ctx, org); !errors.As(err, &ge) || ge.Fields["credit_code"].Msg == (govdata.Msg{}) {
			t.Fatalf("bad credit code: %v", err)
		}

		if err := f.svc.Register(ctx, publicReg(" Zhang.San@Example.COM ")); err != nil {
			t.Fatal(err)
		}
		// The same address again: answered alike, no second account, and
		// its holder is told.
		if err := f.svc.Register(ctx, publicReg("zhang.san@example.com")); err != nil {
			t.Fatalf("taken address: %v", err)
		}
		mails := f.mail(t)
		if len(mails) != 2 || mails[0].To != "zhang.san@example.com" || mails[1].To != "zhang.san@example.com" ||
			strings.Contains(mails[1].Body, "token=") {
			t.Fatalf("mails %+v", mails)
		}
		token := linkToken(t, mails[0])
		if again := f.mail(t); len(again) != 0 {
			t.Fatalf("mailed twice: %+v", again)
		}
		accounts, err := f.svc.FindPublicAccounts(storetest.System(), govdata.PublicAccountFilter{Q: "zhang"})
		if err != nil || len(accounts.Items) != 1 || accounts.Items[0].Confirmed || accounts.Items[0].State != govdata.PublicActive {
			t.Fatalf("accounts %+v, %v", accounts, err)
		}
		id := accounts.Items[0].ID
		for _, r := range f.audit(t, "public.register") {
			if strings.Contains(r.ActorName+r.Detail+r.ObjectID, "zhang") {
				t.Fatalf("the address in clear in the audit log: %+v", r)
			}
		}

		// Unconfirmed: may sign in, but gets no key.
		sess, err := f.svc.Login(ctx, "ZHANG.SAN@example.com", publicPassword)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sess.Token, govdata.PublicSessionPrefix) || sess.CSRFToken == "" || sess.Account.Confirmed {
			t.Fatalf("session %+v", sess)
		}
		me, err := f.svc.AuthenticatePublic(context.Background(), sess.Token)
		if err != nil || me.PublicAccountID != id || me.UserID != 0 || len(me.Roles) != 0 {
			t.Fatalf("actor %+v, %v", me, err)
		}
		as := storetest.As(me)
		if _, err := f.svc.CreateAPIKey(as, govdata.APIKeyInput{Name: "脚本"}); code(err) != govdata.EFORBIDDEN {
			t.Fatalf("key of an unconfirmed account: %v", err)
		}

		// An expired link is refused; a new one works.
		f.clock.Advance(govdata.PublicConfirmTTL + time.Minute)
		if _, err := f.svc.Confirm(ctx, token); code(err) != govdata.EINVALID {
			t.Fatalf("expired link: %v", err)
		}
		if err := f.svc.ResendConfirmation(ctx, "zhang.san@example.com"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ResendConfirmation(ctx, "nobody@example.com"); err != nil {
			t.Fatalf("resend to an unknown address: %v", err)
		}
		mails = f.mail(t)
		if len(mails) != 1 {
			t.Fatalf("resent %+v", mails)
		}
		acc, err := f.svc.Confirm(ctx, linkToken(t, mails[0]))
		if err != nil || !acc.Confirmed || acc.ConfirmedBy != "" {
			t.Fatalf("confirmed %+v, %v", acc, err)
		}
		if _, err := f.svc.Confirm(ctx, linkToken(t, mails[0])); code(err) != govdata.EINVALID {
			t.Fatalf("a used link: %v", err)
		}

		// Sessions expire with the staff's TTL.
		sess, err = f.svc.Login(ctx, "zhang.san@example.com", publicPassword)
		if err != nil {
			t.Fatal(err)
		}
		me, _ = f.svc.AuthenticatePublic(context.Background(), sess.Token)
		as = storetest.As(me)
		key, err := f.svc.CreateAPIKey(as, govdata.APIKeyInput{Name: "脚本"})
		if err != nil || !strings.HasPrefix(key.Key, govdata.APIKeyPrefix) || !strings.HasPrefix(key.Key, key.Prefix) {
			t.Fatalf("key %+v, %v", key, err)
		}
		ka, err := f.svc.AuthenticateAPIKey(context.Background(), key.Key)
		if err != nil || ka.PublicAccountID != id || ka.APIKeyID != key.ID {
			t.Fatalf("key actor %+v, %v", ka, err)
		}
		keys, _ := f.svc.FindAPIKeys(as)
		if len(keys) != 1 || keys[0].LastUsedAt == nil {
			t.Fatalf("keys %+v", keys)
		}
		// Not a write per call: last_used_at moves at most once a minute.
		first := *keys[0].LastUsedAt
		f.clock.Advance(10 * time.Second)
		f.svc.AuthenticateAPIKey(context.Background(), key.Key)
		if keys, _ := f.svc.FindAPIKeys(as); !keys[0].LastUsedAt.Equal(first) {
			t.Fatalf("last used %v after 10 s, want %v", keys[0].LastUsedAt, first)
		}
		f.clock.Advance(time.Minute)
		f.svc.AuthenticateAPIKey(context.Background(), key.Key)
		if keys, _ := f.svc.FindAPIKeys(as); !keys[0].LastUsedAt.After(first) {
			t.Fatalf("last used %v after a minute, want later than %v", keys[0].LastUsedAt, first)
		}

		// Suspension (HLJ-43): sessions and keys stop at once; told by a message.
		reviewer := storetest.As(govdata.Actor{UserID: 99, Username: "reviewer", Roles: []govdata.Role{govdata.RoleReviewer}, DepartmentID: 1})
		if _, err := f.svc.Suspend(storetest.As(govdata.Actor{UserID: 98, Username: "officer", Roles: []govdata.Role{govdata.RoleOfficer}}), id, "x"); code(err) != govdata.EFORBIDDEN {
			t.Fatalf("an officer suspending: %v", err)
		}
		if _, err := f.svc.Suspend(reviewer, id, " "); code(err) != govdata.EINVALID {
			t.Fatalf("no reason: %v", err)
		}
		acc, err = f.svc.Suspend(reviewer, id, "批量爬取")
		if err != nil || acc.State != govdata.PublicSuspended || acc.StateReason != "批量爬取" {
			t.Fatalf("suspended %+v, %v", acc, err)
		}
		if _, err := f.svc.AuthenticatePublic(context.Background(), sess.Token); code(err) != govdata.EUNAUTHORIZED {
			t.Fatalf("session of a suspended account: %v", err)
		}
		if _, err := f.svc.AuthenticateAPIKey(context.Background(), key.Key); code(err) != govdata.EFORBIDDEN {
			t.Fatalf("key of a suspended account: %v", err)
		}
		if _, err := f.svc.Login(ctx, "zhang.san@example.com", publicPassword); code(err) != govdata.EUNAUTHORIZED {
			t.Fatalf("login of a suspended account: %v", err)
		}
		msgs, err := f.svc.FindMessages(as, govdata.Page{})
		if err != nil || len(msgs.Items) != 1 || msgs.Unread != 1 || msgs.Items[0].Kind != govdata.PublicMsgSuspended ||
			!strings.Contains(msgs.Items[0].Body.ZH, "批量爬取") {
			t.Fatalf("messages %+v, %v", msgs, err)
		}
		if mails := f.mail(t); len(mails) != 1 || !strings.Contains(mails[0].Body, "/portal/account/messages") || mails[0].To != "zhang.san@example.com" {
			t.Fatalf("the suspension mailed %+v", mails)
		}
		if n := len(f.audit(t, "public.suspend")); n != 1 {
			t.Fatalf("%d suspensions recorded", n)
		}

		// Resumed: the key works again; sessions ended stay ended.
		if _, err := f.svc.Resume(reviewer, id, "已整改"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateAPIKey(context.Background(), key.Key); err != nil {
			t.Fatalf("key after resuming: %v", err)
		}
		if _, err := f.svc.AuthenticatePublic(context.Background(), sess.Token); code(err) != govdata.EUNAUTHORIZED {
			t.Fatalf("a session ended by the suspension: %v", err)
		}
		if err := f.svc.MarkMessageRead(as, 0); err != nil {
			t.Fatal(err)
		}
		if msgs, _ := f.svc.FindMessages(as, govdata.Page{}); msgs.Unread != 0 || len(msgs.Items) != 2 {
			t.Fatalf("after reading %+v", msgs)
		}

		// Revoked: the key stops; another's key is not found.
		other := storetest.As(govdata.Actor{PublicAccountID: id + 100})
		if err := f.svc.RevokeAPIKey(other, key.ID); code(err) != govdata.ENOTFOUND {
			t.Fatalf("revoking another's key: %v", err)
		}
		if err := f.svc.RevokeAPIKey(as, key.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateAPIKey(context.Background(), key.Key); code(err) != govdata.EUNAUTHORIZED {
			t.Fatalf("a revoked key: %v", err)
		}
	})
}

// ORG-3 for public accounts: the same answers for an unknown address and a
// wrong password, and the staff's lockout policy.
func TestPublicLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newPublicFixture(t, e)
		if err := f.svc.Register(anon("198.51.100.7"), publicReg("li@example.com")); err != nil {
			t.Fatal(err)
		}
		_, wrong := f.svc.Login(anon("198.51.100.8"), "li@example.com", "Wrong-Pass-2026")
		_, unknown := f.svc.Login(anon("198.51.100.9"), "nobody@example.com", publicPassword)
		if code(wrong) != govdata.EUNAUTHORIZED || wrong.Error() != unknown.Error() {
			t.Fatalf("wrong password %v, unknown address %v", wrong, unknown)
		}
		for _, r := range f.audit(t, "public.login") {
			if strings.Contains(r.ActorName+r.ObjectID+r.Detail, "nobody") {
				t.Fatalf("an unknown address in clear: %+v", r)
			}
		}
		max := govdata.DefaultLockoutPolicy.MaxFailures
		var err error
		for i := 1; i < max; i++ {
			_, err = f.svc.Login(anon("203.0.113."+string(rune('0'+i))), "li@example.com", "Wrong-Pass-2026")
		}
		var ge *govdata.Error
		if !errors.As(err, &ge) || ge.Message.Msg != govdata.MsgAccountLocked {
			t.Fatalf("after %d failures: %v", max, err)
		}
		if _, err := f.svc.Login(anon("192.0.2.1"), "li@example.com", publicPassword); !errors.As(err, &ge) || ge.Message.Msg != govdata.MsgAccountLocked {
			t.Fatalf("the right password while locked: %v", err)
		}
		f.clock.Advance(govdata.DefaultLockoutPolicy.Duration + time.Second)
		if _, err := f.svc.Login(anon("192.0.2.1"), "li@example.com", publicPassword); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
	})
}
