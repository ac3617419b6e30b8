package http_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

func TestCatalogHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		in := catalogInput("人口普查汇总数据")
		d := mustOK[govdata.Entry](t, e.do(t, req{method: "POST", path: "/api/v1/catalog", as: "officer", body: in}), 201)
		if d.Status != govdata.EntryDraft || d.ResourceCode == "" || d.DepartmentName != "福州市大数据管理局" {
			t.Fatalf("created: %+v", d)
		}
		id := itoa(d.ID)
		s := mustOK[govdata.Entry](t, e.do(t, req{method: "POST", path: "/api/v1/catalog/" + id + "/submit", as: "officer"}), 200)
		if s.Status != govdata.EntryInReview || s.Workflow == nil || s.Workflow.Due == nil {
			t.Fatalf("submitted: %+v", s)
		}
		env := mustError(t, e.do(t, req{method: "POST", path: "/api/v1/catalog/" + id + "/review", as: "reviewer", header: map[string]string{"Accept-Language": "zh"},
			body: map[string]string{"decision": "return"}}), 400, govdata.EINVALID)
		if env.Error.Fields["comment"] == "" {
			t.Fatalf("return without comment: %+v", env)
		}
		p := mustOK[govdata.Entry](t, e.do(t, req{method: "POST", path: "/api/v1/catalog/" + id + "/review", as: "reviewer",
			body: map[string]string{"decision": "approve", "comment": "同意发布"}}), 200)
		if p.Status != govdata.EntryPublished {
			t.Fatalf("reviewed: %+v", p)
		}
		// Everyone finds it by one character, two, or an item name.
		for _, q := range []string{"人", "普查", "人口数", "统计年度"} {
			l := mustOK[govdata.EntryList](t, e.do(t, req{method: "GET", path: "/api/v1/catalog?q=" + q + "&facets=true", as: "auditor"}), 200)
			if l.Total != 1 || len(l.Items) != 1 || l.Items[0].ID != d.ID || len(l.Facets[govdata.FacetDepartment]) != 1 {
				t.Errorf("q=%s: %+v", q, l)
			}
		}
		vs := mustOK[[]govdata.EntryVersion](t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/versions", as: "leader"}), 200)
		if len(vs) != 1 || vs[0].ApprovedBy != "reviewer" {
			t.Fatalf("versions: %+v", vs)
		}

		// Bad input: a clear 4xx naming the field; nothing is stored.
		bad := func(change func(*govdata.EntryInput)) govdata.EntryInput {
			b := catalogInput("坏数据")
			b.Items = append([]govdata.Item(nil), b.Items...)
			change(&b)
			return b
		}
		for field, body := range map[string]any{
			"share_conditions":       bad(func(b *govdata.EntryInput) { b.ShareType = govdata.ShareConditional }),
			"share_basis":            bad(func(b *govdata.EntryInput) { b.ShareType = govdata.ShareNone }),
			"items[1].name":          bad(func(b *govdata.EntryInput) { b.Items[1].Name = b.Items[0].Name }),
			"items[0].open":          bad(func(b *govdata.EntryInput) { b.Items[0].Personal, b.Items[0].Sensitivity = true, 3 }),
			"items[0].rules.pattern": bad(func(b *govdata.EntryInput) { b.Items[0].Rules = &govdata.Rules{Pattern: "(?<x>"} }),
		} {
			env := mustError(t, e.do(t, req{method: "POST", path: "/api/v1/catalog", as: "officer", body: body}), 400, govdata.EINVALID)
			if env.Error.Fields[field] == "" {
				t.Errorf("%s: fields %v", field, env.Error.Fields)
			}
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/catalog", as: "officer", body: `{"name": 5}`}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/catalog", as: "officer", body: `{"name": "x", "secret": 1}`}), 400, govdata.EINVALID)
		for _, q := range []string{"region_code=12", "classification=9", "classification=3x", "share_type=x", "open_type=x", "grade=x",
			"update_cycle=hourly", "status=lost", "sort=random", "facets=yes", "department_id=-1", "limit=0", "cursor=abc",
			"q=" + strings.Repeat("人", 101)} {
			mustError(t, e.do(t, req{method: "GET", path: "/api/v1/catalog?" + q, as: "officer"}), 400, govdata.EINVALID)
		}
		for _, q := range []string{`"`, `*`, `'`, `OR`, `NEAR(`, `人口" OR 1=1 --`} {
			mustStatus(t, e.do(t, req{method: "GET", path: "/api/v1/catalog", rawQuery: "q=" + url.QueryEscape(q), as: "officer"}), 200)
		}
		l := mustOK[govdata.EntryList](t, e.do(t, req{method: "GET", path: "/api/v1/catalog?limit=100", as: "officer"}), 200)
		if l.Total != 1 {
			t.Fatalf("refused entries were stored: %+v", l)
		}
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/catalog/999999", as: "officer"}), 404, govdata.ENOTFOUND)
		// A refused decision is audited (issue 3: refusals audited).
		r := e.do(t, req{method: "POST", path: "/api/v1/catalog/" + id + "/submit", as: "officer"})
		mustError(t, r, 409, govdata.ECONFLICT)
		e.mustAudited(t, r, govdata.AuditRefused)
		r = e.do(t, req{method: "POST", path: "/api/v1/catalog/" + id + "/review", as: "reviewer", body: map[string]string{"decision": "publish"}})
		mustError(t, r, 400, govdata.EINVALID)
		e.mustAudited(t, r, govdata.AuditRefused)
	})
}
