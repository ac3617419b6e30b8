package http_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// auditedReads are the GET routes whose answers are stored values or
// records of other people, written out here from the issue and not read
// from routes.go: "audited" ones are recorded by the router, "self" ones
// by their service. Every other GET route answers metadata, public data or
// the caller's own things, and leaves no record.
var auditedReads = map[string]string{
	"GET /api/v1/users":                     "audited", // other people
	"GET /api/v1/users/{id}":                "audited",
	"GET /api/v1/users/{id}/roles":          "audited",
	"GET /api/v1/audit":                     "audited", // who watches the watchers
	"GET /api/v1/catalog/export":            "audited", // the catalog in bulk
	"GET /api/v1/catalog/{id}/rows":         "audited", // stored values, sealed ones opened
	"GET /api/v1/catalog/{id}/rows/history": "audited",
	"GET /api/v1/catalog/{id}/maintenance":  "audited", // the row values a change selects
	"GET /api/v1/maintenance/{id}":          "audited",
	"GET /api/v1/batches/{id}/rejected.csv": "audited", // rejected rows, sealed ones opened
	"GET /api/v1/grants/{id}/usage":         "audited", // the consumer's usage records
	"GET /api/v1/grants/{id}/daily-usage":   "audited",
	"GET /api/v1/deliveries":                "audited", // recipients' addresses
	"GET /api/v1/deliveries/{id}":           "audited",
	"GET /api/v1/export-traces/{trace}":     "audited", // whom a file was made for
	"GET /api/v1/public-accounts":           "audited", // the public's accounts and addresses (OPN-2)
	"GET /api/v1/catalog/{id}/live":         "self",    // recorded by the source service (AGG-5)
	"GET /api/v1/services/{code}/records":   "self",    // recorded by the data service (SHR-4)
	"GET /api/v1/services/{code}/export":    "self",
	"GET /api/v1/services/{code}/changes":   "self",
}

// SEC-1 (issue 11, item 3): every GET route says whether it returns stored
// values or records of other people; each such answer leaves exactly one
// audit record saying what was read, written before the answer; every
// other GET leaves none.
func TestReadsAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		base := newEnv(t, engine, envOptions{})
		envs := map[string]*env{"": base}

		actions := map[string][2]string{}
		for _, rt := range base.srv.RoutesForTest() {
			want := "unclassified"
			if rt.Method == "GET" {
				want = cmp.Or(auditedReads[rt.Pattern()], "plain")
			}
			if rt.Reads != want {
				t.Errorf("route %s says reads %s, want %s", rt.Pattern(), rt.Reads, want)
			}
			actions[rt.Pattern()] = [2]string{rt.Action, rt.ObjectType}
		}
		walked := map[string]bool{}
		for _, c := range matrix {
			if !strings.HasPrefix(c.route, "GET ") {
				continue
			}
			reads := cmp.Or(auditedReads[c.route], "plain")
			walked[c.route] = true
			if len(c.allow) == 0 {
				continue // no caller here may: a public account's own route, read as one in open_data_test.go
			}
			caller := "anonymous"
			switch i := slices.IndexFunc(c.allow, func(caller string) bool { return slices.Contains(roles, caller) }); {
			case i >= 0:
				caller = c.allow[i]
			case slices.Contains(c.allow, "credential"):
				caller = "credential"
			case slices.Contains(c.allow, "public"):
				caller = "public"
			}
			e := envs[c.profile]
			if e == nil {
				e = newEnv(t, engine, envOptions{profile: c.profile})
				envs[c.profile] = e
			}
			t.Run(c.route+" "+c.variant, func(t *testing.T) {
				r := c.build(t, e, caller)
				switch {
				case r.token != "":
				case caller == "credential":
					r.sign = signedBy(e.cred)
				case caller == "public":
					r.token = publicFixture(t, e).token
				case caller != "anonymous":
					r.as = caller
				}
				before := lastSeq(t, e)
				res := e.do(t, r)
				want := c.status
				if want == 0 {
					want = http.StatusOK
				}
				mustStatus(t, res, want)
				recs := auditSince(t, e, before)
				if reads == "plain" {
					// A signed call's nonce is spent on the record (ORG-5).
					if c.auth == "signed" && len(recs) == 1 && recs[0].Action == "credential.call" {
						recs = nil
					}
					if len(recs) != 0 {
						t.Errorf("%v is a plain read but left %d audit records: %s", res, len(recs), recs[0].Action)
					}
					return
				}
				if len(recs) != 1 {
					t.Fatalf("%v left %d audit records, want exactly 1", res, len(recs))
				}
				rec := recs[0]
				if rec.Action != actions[c.route][0] || rec.Result != govdata.AuditOK || rec.RequestID != res.reqID {
					t.Errorf("record %+v, want action %s, result ok, request %s", rec, actions[c.route][0], res.reqID)
				}
				detail := readDetail(t, rec)
				if reads == "self" {
					// Recorded by its service, in its own terms.
					if _, ok := detail["rows"]; !ok {
						t.Errorf("record %s does not say how many rows", rec.Detail)
					}
					return
				}
				if rec.ObjectType != actions[c.route][1] {
					t.Errorf("record %+v, want object type %s", rec, actions[c.route][1])
				}
				if rows, ok := detail["rows"].(float64); !ok || (sentRows(res) >= 0 && int(rows) != sentRows(res)) {
					t.Errorf("record says rows %v; the answer held %d", detail["rows"], sentRows(res))
				}
				if u, _ := url.Parse(r.path); u.RawQuery != "" || r.rawQuery != "" {
					_, where := detail["where"]
					if _, ok := detail["query"]; !ok && !where {
						t.Errorf("record %s does not name the query", rec.Detail)
					}
				}
				if strings.Contains(c.route, "{") && rec.ObjectID == "" {
					t.Errorf("record %+v does not name the object", rec)
				}
			})
		}
		for p := range actions {
			if strings.HasPrefix(p, "GET ") && !walked[p] {
				t.Errorf("GET route %s has no case in the matrix", p)
			}
		}
	})
}

// lastSeq is the newest audit record's seq.
func lastSeq(t testing.TB, e *env) int64 {
	t.Helper()
	l := mustGet(e.svc.Audit.FindAudit(storetest.System(), govdata.AuditFilter{Page: govdata.Page{Limit: 1}}))(t)
	if len(l.Items) == 0 {
		return 0
	}
	return l.Items[0].Seq
}

// auditSince lists the records after seq, oldest first.
func auditSince(t testing.TB, e *env, seq int64) []*govdata.AuditRecord {
	t.Helper()
	l := mustGet(e.svc.Audit.FindAudit(storetest.System(), govdata.AuditFilter{Page: govdata.Page{Limit: govdata.MaxLimit}}))(t)
	var out []*govdata.AuditRecord
	for _, r := range l.Items {
		if r.Seq > seq {
			out = append([]*govdata.AuditRecord{r}, out...)
		}
	}
	return out
}

func readDetail(t testing.TB, rec *govdata.AuditRecord) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal([]byte(rec.Detail), &d); err != nil {
		t.Fatalf("record detail %q: %v", rec.Detail, err)
	}
	return d
}

// sentRows counts what an answer holds: a JSON list's items or array's
// elements, one JSON object, a CSV's lines after its header; -1 when it
// cannot tell (a workbook).
func sentRows(r *resp) int {
	ct := r.header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		var list struct {
			Items []json.RawMessage `json:"items"`
		}
		var arr []json.RawMessage
		if json.Unmarshal(r.body, &arr) == nil {
			return len(arr)
		}
		if json.Unmarshal(r.body, &list) == nil && list.Items != nil {
			return len(list.Items)
		}
		return 1
	case strings.HasPrefix(ct, "text/csv"):
		recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			return -2
		}
		return len(recs) - 1
	}
	return -1
}

// failingAudit fails every read record while fail is set.
type failingAudit struct {
	govdata.AuditService
	fail atomic.Bool
}

func (a *failingAudit) RecordRead(ctx context.Context, action, objectType, objectID string, detail map[string]any) error {
	if a.fail.Load() {
		return errors.New("disk full")
	}
	return a.AuditService.RecordRead(ctx, action, objectType, objectID, detail)
}

// SEC-1: a read whose record cannot be written answers 500 and nothing of
// what it read, not even the headers its handler prepared.
func TestReadNotRecordedAnswersNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		var audit *failingAudit
		e := newEnv(t, engine, envOptions{audit: func(s govdata.AuditService) govdata.AuditService {
			audit = &failingAudit{AuditService: s}
			return audit
		}})
		b := loadedBatch(t, e)
		audit.fail.Store(true)
		for _, r := range []req{
			{method: "GET", path: "/api/v1/catalog/" + itoa(b.EntryID) + "/rows", as: "officer", want5xx: true},
			{method: "GET", path: "/api/v1/catalog/" + itoa(b.EntryID) + "/rows/history", as: "officer", want5xx: true},
			{method: "GET", path: "/api/v1/batches/" + itoa(b.ID) + "/rejected.csv", as: "officer", want5xx: true},
			{method: "GET", path: "/api/v1/catalog/export?format=csv", as: "officer", want5xx: true},
			{method: "GET", path: "/api/v1/users", as: "sysadmin", want5xx: true},
			{method: "GET", path: "/api/v1/audit", as: "auditor", want5xx: true},
		} {
			before := lastSeq(t, e)
			res := e.do(t, r)
			var env envelope
			if res.status != http.StatusInternalServerError || json.Unmarshal(res.body, &env) != nil || env.Error.Code != string(govdata.EINTERNAL) {
				t.Errorf("%v: want the 500 envelope", res)
			}
			if strings.Contains(string(res.body), "2025") || strings.Contains(string(res.body), "测试") || res.header.Get("Content-Disposition") != "" {
				t.Errorf("%v: the answer leaked what was read: %s %v", res, res.body, res.header)
			}
			if recs := auditSince(t, e, before); len(recs) != 0 {
				t.Errorf("%v: records %+v", res, recs)
			}
		}
		audit.fail.Store(false)
		mustStatus(t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + itoa(b.EntryID) + "/rows", as: "officer"}), http.StatusOK)
	})
}

// auditPage is a page of the audit log as the API answers it.
type auditPage struct {
	Items []struct {
		Seq       int64  `json:"seq"`
		Action    string `json:"action"`
		RequestID string `json:"request_id"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// SEC-1: the auditor's reads of the audit log are recorded with the
// records returned; the page does not hold its own record, and a cursor
// walks on below it, so reading does not shift the pages.
func TestAuditReadPaging(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		first := mustOK[auditPage](t, e.do(t, req{method: "GET", path: "/api/v1/audit?limit=3", as: "auditor"}), http.StatusOK)
		if len(first.Items) != 3 || first.NextCursor == "" {
			t.Fatalf("first page %+v", first)
		}
		recs := auditSince(t, e, first.Items[0].Seq)
		if len(recs) != 1 || recs[0].Action != "audit.list" {
			t.Fatalf("records after the first page: %+v", recs)
		}
		d := readDetail(t, recs[0])
		if d["seq_from"] != float64(first.Items[2].Seq) || d["seq_to"] != float64(first.Items[0].Seq) || d["rows"] != float64(3) {
			t.Errorf("the read's record %s; returned seq %d…%d", recs[0].Detail, first.Items[2].Seq, first.Items[0].Seq)
		}
		second := mustOK[auditPage](t, e.do(t, req{method: "GET", path: "/api/v1/audit?limit=3&cursor=" + first.NextCursor, as: "auditor"}), http.StatusOK)
		if len(second.Items) == 0 || second.Items[0].Seq != first.Items[2].Seq-1 {
			t.Errorf("second page starts at %+v, want seq %d", second.Items, first.Items[2].Seq-1)
		}
		// The next first page shows the earlier read at its head.
		again := mustOK[auditPage](t, e.do(t, req{method: "GET", path: "/api/v1/audit?limit=1", as: "auditor"}), http.StatusOK)
		if len(again.Items) != 1 || again.Items[0].Action != "audit.list" || again.Items[0].RequestID == "" {
			t.Errorf("head after two reads: %+v", again.Items)
		}
	})
}

// SEC-2: reading sealed values names the items opened, and the filter
// without a sealed value in clear.
func TestReadRecordNamesOpenedItems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})
		officer, reviewer := storetest.As(e.actor("officer")), storetest.As(e.actor("reviewer"))
		in := catalogInput(fmt.Sprintf("人口统计资源%d", e.next()))
		in.Items[1].Sensitivity, in.Items[1].Open = 3, govdata.ItemOpenDeidentified
		d := mustGet(e.svc.Catalog.CreateEntry(officer, in))(t)
		mustGet(e.svc.Catalog.Submit(officer, d.ID))(t)
		mustGet(e.svc.Catalog.Review(reviewer, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		ingest := func(csv string) *govdata.Batch {
			return mustGet(e.svc.Datasets.Ingest(officer, govdata.IngestRequest{EntryID: d.ID, Mode: govdata.IngestReplace,
				Source: govdata.SourceUpload, Format: govdata.FormatCSV, Body: strings.NewReader(csv)}))(t)
		}
		ingest("统计年度,人口数\n2025,1000\n")
		// Refused whole (the default profile), one row rejected.
		b := ingest("统计年度,人口数\n2026,1100\n二〇二五,多\n")
		for _, path := range []string{
			"/api/v1/catalog/" + itoa(d.ID) + "/rows?where=" + url.QueryEscape("统计年度:2025"),
			"/api/v1/batches/" + itoa(b.ID) + "/rejected.csv",
			"/api/v1/catalog/" + itoa(d.ID) + "/rows?where=" + url.QueryEscape("人口数:1000"),
			"/api/v1/catalog/" + itoa(d.ID) + "/rows/history?where=" + url.QueryEscape("人口数:900"),
		} {
			before := lastSeq(t, e)
			res := e.do(t, req{method: "GET", path: path, as: "officer"})
			mustStatus(t, res, http.StatusOK)
			recs := auditSince(t, e, before)
			if len(recs) != 1 {
				t.Fatalf("%v: %d records", res, len(recs))
			}
			detail := readDetail(t, recs[0])
			wantRows := float64(1)
			if strings.Contains(path, "/history") {
				wantRows = 0
				if _, ok := detail["opened"]; ok {
					t.Errorf("%v: no row read, yet the record says items were opened: %s", res, recs[0].Detail)
				}
			} else if opened, _ := detail["opened"].([]any); len(opened) != 1 || opened[0] != "人口数" {
				t.Errorf("%v: record %s, want opened [人口数]", res, recs[0].Detail)
			}
			if detail["rows"] != wantRows {
				t.Errorf("%v: record %s, want rows %v", res, recs[0].Detail, wantRows)
			}
			// A sealed item's value in the filter is kept as its blind
			// index: the audit log holds no sealed value in clear (SEC-2).
			if strings.Contains(path, "人口数") || strings.Contains(path, url.QueryEscape("人口数")) {
				w, _ := detail["where"].(map[string]any)
				if v, _ := w["人口数"].(string); !strings.HasPrefix(v, "blind-index:") || strings.Contains(recs[0].Detail, `"where":["`) {
					t.Errorf("%v: record %s shows the sealed filter value", res, recs[0].Detail)
				}
			}
		}
	})
}
