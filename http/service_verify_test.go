package http_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestMaskedEqualityHTTP: through the real router, an equality filter on
// an item masked for the grant spends the verify allowance with verify
// calls (429 with Retry-After beyond it); equality on an unmasked item
// does not; a run of misses reaches the secadmin's inbox (SHR-4, SHR-5).
func TestMaskedEqualityHTTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		entry := entryOfB(t, e)
		mustGet(e.svc.Datasets.Ingest(storetest.As(e.actor("officerb")), govdata.IngestRequest{EntryID: entry, Mode: govdata.IngestReplace,
			Source: govdata.SourceUpload, Format: govdata.FormatCSV, Body: strings.NewReader("统计年度,人口数\n2025,1000\n2024,990\n")}))(t)
		// The secadmin masks 统计年度 (level 1) by the item.
		mustGet(e.svc.Masks.SetMaskPolicy(storetest.As(e.actor("secadmin")), govdata.MaskPolicy{
			Items: map[string]govdata.Mask{govdata.ItemKey(entry, "统计年度"): {Kind: govdata.MaskRedact}}}))(t)
		app := mustGet(e.svc.Applications.Apply(storetest.As(e.actor("officer")), applicationInput(entry)))(t)
		app = mustGet(e.svc.Applications.Decide(storetest.As(e.provinceReviewer()), app.ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
		mustGet(e.svc.Grants.BindCredential(storetest.As(e.actor("officer")), app.GrantID, govdata.GrantCredentialInput{CredentialID: e.cred.ID}))(t)
		data := e.svc.Data.(*sqlstore.DataService)
		data.VerifyRate, data.VerifyBurst, data.MissRun = 0.001, 3, 2
		base := "/api/v1/services/" + url.PathEscape(app.ResourceCode)
		records := func(query string) *resp {
			return e.do(t, req{method: "GET", path: base + "/records?" + query, sign: signedBy(e.cred)})
		}
		year := url.QueryEscape("统计年度")
		page := mustOK[govdata.ServiceRecords](t, records(year+"=2025"), http.StatusOK) // a hit
		if len(page.Items) != 1 || *page.Items[0]["统计年度"] != "****" {
			t.Fatalf("masked equality: %+v", page.Items)
		}
		mustOK[govdata.ServiceRecords](t, records(year+"=1999"), http.StatusOK) // two misses: the run
		mustOK[govdata.VerifyResult](t, e.do(t, req{method: "POST", path: base + "/verify", sign: signedBy(e.cred),
			body: govdata.VerifyInput{Match: map[string]string{"统计年度": "1998"}}}), http.StatusOK)
		for _, r := range []*resp{
			records(year + "=2024"),
			records(url.QueryEscape("人口数") + "=990&" + year + "=2024"),
			e.do(t, req{method: "POST", path: base + "/verify", sign: signedBy(e.cred), body: govdata.VerifyInput{Match: map[string]string{"人口数": "990"}}}),
		} {
			// (mustError knows the codes of PRODUCT.md §4 only.)
			mustStatus(t, r, http.StatusTooManyRequests)
			if problem := checkEnvelopeShape(r); problem != "" {
				t.Fatalf("%v: %s", r, problem)
			}
			env := decode[envelope](t, r)
			if env.Error.Code != string(govdata.ETOOMANY) {
				t.Errorf("%v: code %q", r, env.Error.Code)
			}
			if after, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || after < 1 {
				t.Errorf("%s %s: Retry-After %q", r.method, r.path, r.header.Get("Retry-After"))
			}
			if r.method == "GET" && !strings.Contains(env.Error.Message, "统计年度") {
				t.Errorf("the refusal does not name the masked item: %q", env.Error.Message)
			}
		}
		// Unmasked equality, and reading, go on.
		page = mustOK[govdata.ServiceRecords](t, records(url.QueryEscape("人口数")+"=990"), http.StatusOK)
		if len(page.Items) != 1 {
			t.Errorf("unmasked equality: %+v", page.Items)
		}
		notes := mustOK[govdata.List[*govdata.Notification]](t, e.do(t, req{method: "GET", path: "/api/v1/notifications", as: "secadmin"}), http.StatusOK)
		if len(notes.Items) != 1 || notes.Items[0].Kind != govdata.NoticeSecurity {
			t.Errorf("the secadmin's inbox: %+v", notes.Items)
		}
	})
}
