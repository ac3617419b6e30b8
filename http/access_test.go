package http_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/signing"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestOffboarding: disabling a user or removing a role ends its sessions at
// once, and the role history shows who held what until when (ORG-6, SJZ-S-7).
func TestOffboarding(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		officer := e.accounts["officer"]
		second := e.freshToken(t, "officer")
		mustOK[govdata.User](t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", as: "officer"}), 200)

		u := mustOK[govdata.User](t, e.do(t, req{method: "PATCH", path: "/api/v1/users/" + itoa(officer.user.ID), as: "sysadmin", body: `{"disabled":true}`}), 200)
		if !u.Disabled {
			t.Fatalf("PATCH disabled:true answered %+v", u)
		}
		for _, tok := range []string{officer.token, second} {
			e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: tok}), 401)
			e.mustRefused(t, e.do(t, req{method: "POST", path: "/api/v1/credentials", token: tok, body: `{"name":"x"}`}), 401)
		}
		r := e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("officer", fixturePassword)})
		if env := mustError(t, r, 401, govdata.EUNAUTHORIZED); env.Error.Message != govdata.MsgAccountDisabled.ZH {
			t.Errorf("login of a disabled user: %q, want %q", env.Error.Message, govdata.MsgAccountDisabled.ZH)
		}
		e.mustAudited(t, r, govdata.AuditFailed)
		// Enabling again lets the user sign in; the old sessions stay ended.
		mustOK[govdata.User](t, e.do(t, req{method: "PATCH", path: "/api/v1/users/" + itoa(officer.user.ID), as: "sysadmin", body: `{"disabled":false}`}), 200)
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: second}), 401)
		e.login(t, "officer")
		mustOK[govdata.User](t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", as: "officer"}), 200)

		// Removing a role.
		granted := e.clock.Now()
		dual := mustOK[govdata.User](t, e.do(t, req{method: "POST", path: "/api/v1/users", as: "sysadmin", body: govdata.UserInput{
			Username: "wangwu", Password: "Issued#Pw-2026", Name: "王五", DepartmentID: e.deptA.ID,
			Roles: []govdata.Role{govdata.RoleOfficer, govdata.RoleLeader}}}), 201)
		e.confirmRoles(t, dual.ID)
		s := mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("wangwu", "Issued#Pw-2026")}), 200)
		mustStatus(t, e.do(t, req{method: "POST", path: "/api/v1/auth/password", token: s.Token,
			body: map[string]string{"old_password": "Issued#Pw-2026", "new_password": "Own-Pass#2026x"}}), 204)
		mustOK[govdata.List[govdata.Credential]](t, e.do(t, req{method: "GET", path: "/api/v1/credentials", token: s.Token}), 200)

		e.clock.Advance(time.Hour)
		removed := e.clock.Now()
		mustOK[govdata.User](t, e.do(t, req{method: "PATCH", path: "/api/v1/users/" + itoa(dual.ID), as: "sysadmin", body: `{"roles":["leader"]}`}), 200)
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: s.Token}), 401)
		s2 := mustOK[govdata.Session](t, e.do(t, req{method: "POST", path: "/api/v1/auth/login", body: loginBody("wangwu", "Own-Pass#2026x")}), 200)
		if !slices.Equal(s2.User.Roles, []govdata.Role{govdata.RoleLeader}) {
			t.Errorf("roles after the change: %v", s2.User.Roles)
		}
		// The new session has the new roles only: no more credentials.
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/credentials", token: s2.Token}), 403)

		// Adding a role does not end sessions.
		mustOK[govdata.User](t, e.do(t, req{method: "PATCH", path: "/api/v1/users/" + itoa(dual.ID), as: "sysadmin", body: `{"roles":["leader","supervisor"]}`}), 200)
		mustOK[govdata.User](t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: s2.Token}), 200)
		e.confirmRoles(t, dual.ID)

		for _, who := range []string{"auditor", "secadmin", "sysadmin"} {
			h := mustOK[[]govdata.RoleHolding](t, e.do(t, req{method: "GET", path: "/api/v1/users/" + itoa(dual.ID) + "/roles", as: who}), 200)
			if len(h) != 3 {
				t.Fatalf("%s reads %d role periods, want 3: %+v", who, len(h), h)
			}
			off, lead := h[0], h[1]
			// 等保 三员分立: the secadmin granted what the sysadmin asked for.
			if off.Role != govdata.RoleOfficer || !off.GrantedAt.Equal(granted) || off.GrantedBy != "secadmin" ||
				off.RevokedAt == nil || !off.RevokedAt.Equal(removed) || off.RevokedBy != "sysadmin" {
				t.Errorf("officer period %+v, want granted %v by secadmin and closed %v by sysadmin", off, granted, removed)
			}
			if lead.Role != govdata.RoleLeader || lead.RevokedAt != nil {
				t.Errorf("leader period %+v, want open", lead)
			}
		}
		// The audit says so too.
		l := mustOK[govdata.List[auditItem]](t, e.do(t, req{method: "GET", path: "/api/v1/audit?action=user.update&object_id=" + itoa(dual.ID), as: "auditor"}), 200)
		if len(l.Items) != 2 || !strings.Contains(string(l.Items[1].Detail), `"roles_removed":["officer"]`) ||
			!strings.Contains(string(l.Items[1].Detail), `"sessions_ended":true`) {
			t.Errorf("audit of the role change: %+v", l.Items)
		}

		// Moving a user to another department also ends its sessions.
		leader := e.accounts["leader"]
		mustOK[govdata.User](t, e.do(t, req{method: "PATCH", path: "/api/v1/users/" + itoa(leader.user.ID), as: "sysadmin",
			body: `{"department_id":` + itoa(e.deptB.ID) + `}`}), 200)
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", as: "leader"}), 401)
	})
}

// TestCredentials: issue, sign, replay, clock skew, wrong secret, rotate,
// revoke (ORG-5); every refusal audited.
func TestCredentials(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		r := e.do(t, req{method: "POST", path: "/api/v1/credentials", as: "officer", body: `{"name":"不动产登记系统"}`})
		issued := mustOK[govdata.IssuedCredential](t, r, 201)
		if issued.Secret == "" || issued.AppKey == "" || issued.DepartmentID != e.deptA.ID {
			t.Fatalf("issued %+v: want a secret, an app key and department A", issued)
		}
		id := itoa(issued.ID)

		// The secret is shown once.
		for _, c := range []req{
			{method: "GET", path: "/api/v1/credentials/" + id, as: "officer"},
			{method: "GET", path: "/api/v1/credentials/" + id, as: "secadmin"},
			{method: "GET", path: "/api/v1/credentials", as: "officer"},
			{method: "GET", path: "/api/v1/credentials?department_id=" + itoa(e.deptA.ID), as: "secadmin"},
		} {
			r := e.do(t, c)
			mustStatus(t, r, 200)
			if strings.Contains(string(r.body), issued.Secret) || strings.Contains(string(r.body), `"secret"`) {
				t.Errorf("%v shows the secret", r)
			}
		}
		// An officer lists its own department's credentials only.
		l := mustOK[govdata.List[govdata.Credential]](t, e.do(t, req{method: "GET", path: "/api/v1/credentials", as: "officerb"}), 200)
		if len(l.Items) != 1 || l.Items[0].ID != e.credB.ID {
			t.Errorf("officer B lists %+v, want department B's credential alone", l.Items)
		}

		whoami := func(s *signSpec) *resp {
			return e.do(t, req{method: "GET", path: "/api/v1/services/whoami", sign: s})
		}
		ok := func(s *signSpec) {
			t.Helper()
			r := whoami(s)
			w := mustOK[map[string]any](t, r, 200)
			if w["credential_id"] != float64(issued.ID) || w["department_id"] != float64(e.deptA.ID) || w["app_key"] != issued.AppKey {
				t.Errorf("whoami = %v, want credential %d of department %d", w, issued.ID, e.deptA.ID)
			}
			// Every signed call leaves one record, committed with its nonce.
			rec := e.mustAudited(t, r, govdata.AuditOK)
			if rec.Action != "credential.call" || rec.CredentialID != issued.ID || !strings.Contains(rec.Detail, "/api/v1/services/whoami") {
				t.Errorf("signed call recorded as %+v", rec)
			}
		}
		refused := func(s *signSpec, msg govdata.Msg) {
			t.Helper()
			r := whoami(s)
			env := e.mustRefused(t, r, 401)
			if msg.ZH != "" && !strings.HasPrefix(env.Error.Message, strings.SplitN(msg.ZH, "%", 2)[0]) {
				t.Errorf("%v: message %q, want %q", r, env.Error.Message, msg.ZH)
			}
		}
		sig := func(secret, method string, at time.Time, nonce string) *signSpec {
			return &signSpec{appKey: issued.AppKey, secret: secret, method: method, at: at, nonce: nonce}
		}
		now := e.clock.Now()
		ok(sig(issued.Secret, signing.MethodSHA256, now, ""))
		ok(sig(issued.Secret, signing.MethodSM3, now, ""))
		ok(sig(issued.Secret, "", now, "")) // the default method
		w := mustOK[map[string]any](t, e.do(t, req{method: "GET", path: "/api/v1/services/whoami?b=2&a=%E4%B8%AD&a=1", sign: sig(issued.Secret, signing.MethodSM3, now, "")}), 200)
		if w["credential_id"] != float64(issued.ID) {
			t.Errorf("whoami with a query = %v", w)
		}

		// Replay: the same nonce again, with either method, is refused.
		ok(sig(issued.Secret, signing.MethodSHA256, now, "nonce-1"))
		refused(sig(issued.Secret, signing.MethodSHA256, now, "nonce-1"), govdata.MsgSignatureReplay)
		refused(sig(issued.Secret, signing.MethodSM3, now.Add(time.Second), "nonce-1"), govdata.MsgSignatureReplay)

		// The window is 300 s either way.
		window := signing.Window
		ok(sig(issued.Secret, signing.MethodSHA256, now.Add(-window), ""))
		ok(sig(issued.Secret, signing.MethodSHA256, now.Add(window), ""))
		refused(sig(issued.Secret, signing.MethodSHA256, now.Add(-window-time.Second), ""), govdata.MsgSignatureTime)
		refused(sig(issued.Secret, signing.MethodSHA256, now.Add(window+time.Second), ""), govdata.MsgSignatureTime)
		// Moving the server's clock moves the window.
		e.clock.Advance(window + time.Second)
		refused(sig(issued.Secret, signing.MethodSHA256, now, ""), govdata.MsgSignatureTime)
		now = e.clock.Now()

		// Wrong secret, unknown key, a method that is not offered, tampering.
		refused(sig(issued.Secret+"x", signing.MethodSHA256, now, ""), govdata.MsgSignatureBad)
		refused(sig(e.cred.Secret, signing.MethodSHA256, now, ""), govdata.MsgSignatureBad)
		refused(&signSpec{appKey: "gdunknownkey", secret: issued.Secret}, govdata.MsgSignatureUnknown)
		// An app key that is not printable ASCII is unknown, and its refusal is
		// audited too (PostgreSQL stores no text that is not UTF-8).
		refused(&signSpec{appKey: "gd\xff\xfekey", secret: issued.Secret}, govdata.MsgSignatureUnknown)
		refused(&signSpec{appKey: "gd密钥", secret: issued.Secret}, govdata.MsgSignatureUnknown)
		refused(&signSpec{appKey: strings.Repeat("k", 200), secret: issued.Secret}, govdata.MsgSignatureUnknown)
		for _, c := range []struct {
			name   string
			header map[string]string
			msg    govdata.Msg
		}{
			{"no signature", map[string]string{"X-Signature": ""}, govdata.MsgSignatureMissing},
			{"no nonce", map[string]string{"X-Nonce": ""}, govdata.MsgSignatureMissing},
			{"MD5", map[string]string{"X-Sign-Method": "HMAC-MD5"}, govdata.MsgSignatureMethod},
			{"method in lower case", map[string]string{"X-Sign-Method": "hmac-sha256"}, govdata.MsgSignatureMethod},
			{"signature cut short", nil, govdata.MsgSignatureBad},
			{"signature not hex", map[string]string{"X-Signature": "zz"}, govdata.MsgSignatureBad},
			{"timestamp not a number", map[string]string{"X-Timestamp": "soon"}, govdata.MsgSignatureTime},
			{"timestamp with a sign", map[string]string{"X-Timestamp": "+" + itoa(now.Unix())}, govdata.Msg{}},
			{"nonce changed after signing", map[string]string{"X-Nonce": "other"}, govdata.MsgSignatureBad},
		} {
			t.Run(c.name, func(t *testing.T) {
				h := signedHeaders(t, &issued, now, "GET", "/api/v1/services/whoami")
				if c.header == nil {
					h["X-Signature"] = h["X-Signature"][:len(h["X-Signature"])-2]
				}
				for k, v := range c.header {
					h[k] = v
				}
				r := e.do(t, req{method: "GET", path: "/api/v1/services/whoami", header: h})
				env := e.mustRefused(t, r, 401)
				if c.msg.ZH != "" && !strings.HasPrefix(env.Error.Message, strings.SplitN(c.msg.ZH, "%", 2)[0]) {
					t.Errorf("message %q, want %q", env.Error.Message, c.msg.ZH)
				}
			})
		}
		// A session token is no signature.
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/services/whoami", as: "officer"}), 401)
		// A signature is no session.
		e.mustRefused(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", sign: sig(issued.Secret, "", now, "")}), 401)

		// Rotation: the old secret stops at once, the new one works.
		rot := mustOK[govdata.IssuedCredential](t, e.do(t, req{method: "POST", path: "/api/v1/credentials/" + id + "/rotate", as: "officer"}), 200)
		if rot.Secret == "" || rot.Secret == issued.Secret || rot.AppKey != issued.AppKey || rot.RotatedAt == nil {
			t.Fatalf("rotated %+v: want a new secret for the same key", rot)
		}
		refused(sig(issued.Secret, signing.MethodSHA256, now, ""), govdata.MsgSignatureBad)
		ok(sig(rot.Secret, signing.MethodSHA256, now, ""))
		ok(sig(rot.Secret, signing.MethodSM3, now, ""))
		got := mustOK[govdata.Credential](t, e.do(t, req{method: "GET", path: "/api/v1/credentials/" + id, as: "officer"}), 200)
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
			t.Errorf("last_used_at = %v, want %v", got.LastUsedAt, now)
		}

		// Rotated by another instance, which this one does not hear of: the
		// secret it remembers still verifies, and the call's write refuses
		// it; the new secret works at once (a signature that does not verify
		// against the remembered secret is checked against the stored one).
		rot2, err := sqlstore.NewCredentialService(e.db).RotateCredential(storetest.System(), issued.ID)
		if err != nil {
			t.Fatal(err)
		}
		refused(sig(rot.Secret, signing.MethodSHA256, now, ""), govdata.MsgSignatureUnknown)
		ok(sig(rot2.Secret, signing.MethodSHA256, now, ""))
		rot = *rot2

		// Revocation, here by the secadmin: nothing works any more.
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/credentials/" + id + "/revoke", as: "secadmin", body: `{"reason":""}`}), 400, govdata.EINVALID)
		rev := mustOK[govdata.Credential](t, e.do(t, req{method: "POST", path: "/api/v1/credentials/" + id + "/revoke", as: "secadmin",
			body: `{"reason":"系统下线"}`}), 200)
		if rev.RevokedAt == nil || rev.RevokeReason != "系统下线" {
			t.Errorf("revoked %+v", rev)
		}
		refused(sig(rot.Secret, signing.MethodSHA256, now, ""), govdata.MsgSignatureUnknown)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/credentials/" + id + "/rotate", as: "officer"}), 409, govdata.ECONFLICT)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/credentials/" + id + "/revoke", as: "officer", body: `{"reason":"again"}`}), 409, govdata.ECONFLICT)
		// Revoked credentials are listed on request only.
		l = mustOK[govdata.List[govdata.Credential]](t, e.do(t, req{method: "GET", path: "/api/v1/credentials", as: "officer"}), 200)
		for _, c := range l.Items {
			if c.ID == issued.ID {
				t.Errorf("the revoked credential is listed without include_revoked")
			}
		}
		l = mustOK[govdata.List[govdata.Credential]](t, e.do(t, req{method: "GET", path: "/api/v1/credentials?include_revoked=true", as: "officer"}), 200)
		if !slices.ContainsFunc(l.Items, func(c govdata.Credential) bool { return c.ID == issued.ID }) {
			t.Errorf("include_revoked=true does not list the revoked credential")
		}
		// The other credential of the department still works.
		ok2 := mustOK[map[string]any](t, whoami(signedBy(e.cred)), 200)
		if ok2["credential_id"] != float64(e.cred.ID) {
			t.Errorf("whoami = %v", ok2)
		}

		// The auditor sees the refusals of signed calls, by app key.
		list := mustOK[govdata.List[auditItem]](t, e.do(t, req{method: "GET", path: "/api/v1/audit?result=refused&action=service.whoami&limit=100", as: "auditor"}), 200)
		if len(list.Items) < 10 {
			t.Errorf("%d refused whoami calls audited, want at least 10", len(list.Items))
		}
		for _, it := range list.Items {
			var d map[string]string
			if err := json.Unmarshal(it.Detail, &d); err != nil || d["code"] != "unauthorized" || d["reason"] == "" {
				t.Errorf("refusal record %+v: want the code and reason", it)
			}
		}
	})
}

// signedHeaders signs GET path as the credential and returns the headers.
func signedHeaders(t testing.TB, c *govdata.IssuedCredential, now time.Time, method, path string) map[string]string {
	t.Helper()
	r, err := http.NewRequest(method, "http://govdata.test"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := signing.SignRequest(r, c.AppKey, []byte(c.Secret), signing.MethodSHA256, now, ""); err != nil {
		t.Fatal(err)
	}
	h := map[string]string{}
	for _, k := range []string{signing.HeaderAppKey, signing.HeaderTimestamp, signing.HeaderNonce, signing.HeaderSignature, signing.HeaderMethod} {
		h[k] = r.Header.Get(k)
	}
	return h
}
