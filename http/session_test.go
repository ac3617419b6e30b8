package http_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestOwnSessions (ORG-4): a user lists its sessions — never a token — and
// ends another of its own, whose token then gets 401; ending another
// user's session is 404 and recorded as a refused security change.
func TestOwnSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		laptop := e.freshToken(t, "officer")
		phone := e.freshToken(t, "officer")
		theirs := e.freshToken(t, "officerb")

		r := e.do(t, req{method: "GET", path: "/api/v1/auth/sessions", token: laptop})
		list := mustOK[govdata.List[govdata.SessionInfo]](t, r, http.StatusOK)
		if len(list.Items) < 2 {
			t.Fatalf("sessions %+v, want the two new ones at least", list.Items)
		}
		if bytes.Contains(r.body, []byte(laptop)) || bytes.Contains(r.body, []byte(phone)) || bytes.Contains(r.body, []byte("token")) {
			t.Fatalf("the list shows a token: %s", r.body)
		}
		var current, other int64
		for _, si := range list.Items {
			if si.Current {
				current = si.ID
			}
		}
		// The phone's session: the newest that is not the laptop's.
		phoneList := mustOK[govdata.List[govdata.SessionInfo]](t, e.do(t, req{method: "GET", path: "/api/v1/auth/sessions", token: phone}), http.StatusOK)
		for _, si := range phoneList.Items {
			if si.Current {
				other = si.ID
			}
		}
		if current == 0 || other == 0 || current == other || list.Items[0].ID != other {
			t.Fatalf("current %d, other %d in %+v", current, other, list.Items)
		}
		theirsList := mustOK[govdata.List[govdata.SessionInfo]](t, e.do(t, req{method: "GET", path: "/api/v1/auth/sessions", token: theirs}), http.StatusOK)
		var theirID int64
		for _, si := range theirsList.Items {
			if si.Current {
				theirID = si.ID
			}
			if si.ID == current || si.ID == other {
				t.Fatalf("officerb sees officer's session %d", si.ID)
			}
		}

		// Another user's session: 404, audited, still in force.
		r = e.do(t, req{method: "DELETE", path: "/api/v1/auth/sessions/" + itoa(theirID), token: laptop})
		mustError(t, r, http.StatusNotFound, govdata.ENOTFOUND)
		if rec := e.mustAudited(t, r, govdata.AuditRefused); rec.Action != "auth.session_end" || rec.ActorName != "officer" {
			t.Errorf("refusal recorded as %+v", rec)
		}
		mustStatus(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: theirs}), http.StatusOK)

		// One's own other session: ended, audited, its token refused.
		r = e.do(t, req{method: "DELETE", path: "/api/v1/auth/sessions/" + itoa(other), token: laptop})
		mustStatus(t, r, http.StatusNoContent)
		if rec := e.mustAudited(t, r, govdata.AuditOK); rec.Action != "auth.session_end" || rec.ObjectID != itoa(other) {
			t.Errorf("end recorded as %+v", rec)
		}
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: phone}), http.StatusUnauthorized, govdata.EUNAUTHORIZED)
		mustStatus(t, e.do(t, req{method: "GET", path: "/api/v1/auth/me", token: laptop}), http.StatusOK)
		// Not twice.
		mustError(t, e.do(t, req{method: "DELETE", path: "/api/v1/auth/sessions/" + itoa(other), token: laptop}), http.StatusNotFound, govdata.ENOTFOUND)
		mustError(t, e.do(t, req{method: "DELETE", path: "/api/v1/auth/sessions/x", token: laptop}), http.StatusBadRequest, govdata.EINVALID)
	})
}

// TestMaskPreview (SHR-5): the preview masks by the platform's rules,
// checks masks as the policy does, and stores nothing.
func TestMaskPreview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		before := mustOK[govdata.MaskPolicy](t, e.do(t, req{method: "GET", path: "/api/v1/masking", as: "secadmin"}), http.StatusOK)
		in := govdata.MaskPreviewInput{Samples: []govdata.MaskSample{
			{Mask: govdata.Mask{Kind: govdata.MaskKeep, First: 6, Last: 4}, Value: "11010519491231002X"},
			{Mask: govdata.Mask{Kind: govdata.MaskKeep, First: 1, Last: 1}, Value: "张三"},
			{Mask: govdata.Mask{Kind: govdata.MaskRedact}, Value: "福州市"},
			{Mask: govdata.Mask{Kind: govdata.MaskNull}, Value: "x"},
			{Mask: govdata.Mask{Kind: govdata.MaskYear}, Value: "1949-12-31"},
			{Mask: govdata.Mask{Kind: govdata.MaskHash}, Value: "张三"},
			{Mask: govdata.Mask{Kind: govdata.MaskNone}, Value: "公开"},
		}}
		out := mustOK[govdata.MaskPreview](t, e.do(t, req{method: "POST", path: "/api/v1/masking/preview", as: "secadmin", body: in}), http.StatusOK)
		want := []string{"110105********002X", "张*", "***", "<null>", "1949", "", "公开"}
		if len(out.Masked) != len(want) {
			t.Fatalf("masked %v", out.Masked)
		}
		for i, w := range want {
			got := "<null>"
			if out.Masked[i] != nil {
				got = *out.Masked[i]
			}
			if i == 5 {
				if len(got) != 32 || strings.Contains(got, "张") {
					t.Errorf("hash preview %q, want 32 hex digits", got)
				}
				continue
			}
			if got != w {
				t.Errorf("sample %d: %q, want %q", i, got, w)
			}
		}
		// The hash is not the platform's: two previews of one value differ,
		// so the preview cannot be used to match what consumers receive.
		again := mustOK[govdata.MaskPreview](t, e.do(t, req{method: "POST", path: "/api/v1/masking/preview", as: "secadmin", body: in}), http.StatusOK)
		if *again.Masked[5] == *out.Masked[5] {
			t.Error("two previews hash alike: the preview uses a lasting key")
		}
		bad := e.do(t, req{method: "POST", path: "/api/v1/masking/preview", as: "secadmin", body: govdata.MaskPreviewInput{Samples: []govdata.MaskSample{
			{Mask: govdata.Mask{Kind: govdata.MaskKeep}, Value: "张三"}, {Mask: govdata.Mask{Kind: "blur"}, Value: "x"}}}})
		env := mustError(t, bad, http.StatusBadRequest, govdata.EINVALID)
		if env.Error.Fields["samples.0.mask"] == "" || env.Error.Fields["samples.1.mask"] == "" {
			t.Errorf("fields %v, want samples.0.mask and samples.1.mask", env.Error.Fields)
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/masking/preview", as: "secadmin", body: govdata.MaskPreviewInput{}}), http.StatusBadRequest, govdata.EINVALID)
		after := mustOK[govdata.MaskPolicy](t, e.do(t, req{method: "GET", path: "/api/v1/masking", as: "secadmin"}), http.StatusOK)
		if len(after.Items) != len(before.Items) || after.Levels[3] != before.Levels[3] {
			t.Errorf("the preview changed the policy: %+v → %+v", before, after)
		}
	})
}

// TestDataKeyStatus (SEC-2): the secadmin sees the algorithm and versions,
// never a key.
func TestDataKeyStatus(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		r := e.do(t, req{method: "GET", path: "/api/v1/keys", as: "secadmin"})
		st := mustOK[govdata.DataKeyStatus](t, r, http.StatusOK)
		keys := e.db.DataKeys()
		if !st.Configured || st.Current != keys.Current() || len(st.Versions) != len(keys.File().Keys) || !st.Versions[0].Current || st.Algorithm == "" {
			t.Fatalf("status %+v", st)
		}
		for _, k := range keys.File().Keys {
			if bytes.Contains(r.body, []byte(k.Secret)) {
				t.Fatal("the status shows key material")
			}
		}
		if bytes.Contains(r.body, []byte(keys.File().IndexKey)) {
			t.Fatal("the status shows the index key")
		}
	})
}
