package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
)

// TestRegions covers govdata.RegionService (ORG-1).
func TestRegions(t *testing.T, e Engine) {
	t.Run("create and find", func(t *testing.T) {
		f := newFixture(t, e)
		before := f.auditHead()
		got, err := f.regions.CreateRegion(System(), govdata.RegionInput{Code: "350000", Name: "福建省"})
		if err != nil {
			t.Fatal(err)
		}
		want := govdata.Region{Code: "350000", Name: "福建省", Level: govdata.RegionProvince, CreatedAt: f.clock.Now()}
		if *got != want {
			t.Fatalf("created %+v, want %+v", *got, want)
		}
		found, err := f.regions.FindRegionByCode(System(), "350000")
		if err != nil {
			t.Fatal(err)
		}
		if !found.CreatedAt.Equal(want.CreatedAt) || found.CreatedAt.Location() != time.UTC {
			t.Fatalf("found created_at %v, want %v in UTC", found.CreatedAt, want.CreatedAt)
		}
		found.CreatedAt = want.CreatedAt
		if *found != want {
			t.Fatalf("found %+v, want %+v", *found, want)
		}
		r := f.oneAudit(before, "region.create", govdata.AuditOK, "system")
		if r.ObjectType != "region" || r.ObjectID != "350000" {
			t.Fatalf("audit object %s %s, want region 350000", r.ObjectType, r.ObjectID)
		}
	})

	t.Run("derived parents", func(t *testing.T) {
		f := newFixture(t, e)
		for _, r := range [][2]string{{"350000", "福建省"}, {"410000", "河南省"}, {"440000", "广东省"}, {"110000", "北京市"}} {
			mustRegion(t, f, r[0], r[1])
		}
		steps := []struct {
			in         govdata.RegionInput
			wantParent string
			wantLevel  govdata.RegionLevel
		}{
			{govdata.RegionInput{Code: "350100", Name: "福州市"}, "350000", govdata.RegionCity},
			{govdata.RegionInput{Code: "350102", Name: "鼓楼区"}, "350100", govdata.RegionCounty},
			// A county whose city does not exist hangs under its province.
			{govdata.RegionInput{Code: "350203", Name: "思明区"}, "350000", govdata.RegionCounty},
			// 省直辖县级行政区划: 济源 sits directly under 河南省.
			{govdata.RegionInput{Code: "419001", Name: "济源市"}, "410000", govdata.RegionCounty},
			// A municipality's district without 市辖区.
			{govdata.RegionInput{Code: "110101", Name: "东城区"}, "110000", govdata.RegionCounty},
			// An explicit parent wins over the nearest one.
			{govdata.RegionInput{Code: "350104", Name: "仓山区", ParentCode: "350000"}, "350000", govdata.RegionCounty},
			{govdata.RegionInput{Code: "350102001", Name: "鼓东街道"}, "350102", govdata.RegionTownship},
			{govdata.RegionInput{Code: "350102001001", Name: "庆城社区"}, "350102001", govdata.RegionVillage},
			// A city without counties has townships of its own.
			{govdata.RegionInput{Code: "441900", Name: "东莞市"}, "440000", govdata.RegionCity},
			{govdata.RegionInput{Code: "441900003", Name: "东城街道"}, "441900", govdata.RegionTownship},
		}
		for _, s := range steps {
			got, err := f.regions.CreateRegion(System(), s.in)
			if err != nil {
				t.Fatalf("create %s: %v", s.in.Code, err)
			}
			if got.ParentCode != s.wantParent || got.Level != s.wantLevel {
				t.Fatalf("%s: parent %q level %q, want %q %q", s.in.Code, got.ParentCode, got.Level, s.wantParent, s.wantLevel)
			}
			found, err := f.regions.FindRegionByCode(System(), s.in.Code)
			if err != nil || found.ParentCode != s.wantParent || found.Level != s.wantLevel {
				t.Fatalf("find %s: %+v, %v; want parent %q level %q", s.in.Code, found, err, s.wantParent, s.wantLevel)
			}
		}
	})

	t.Run("duplicate is a conflict", func(t *testing.T) {
		f := newFixture(t, e)
		mustRegion(t, f, "350000", "福建省")
		before := f.auditHead()
		_, err := f.regions.CreateRegion(System(), govdata.RegionInput{Code: "350000", Name: "闽"})
		wantMsg(t, err, govdata.ECONFLICT, govdata.MsgRegionExists)
		got, err := f.regions.FindRegionByCode(System(), "350000")
		if err != nil || got.Name != "福建省" {
			t.Fatalf("after the conflict: %+v, %v; want the first name kept", got, err)
		}
		f.noAudit(before)
	})

	t.Run("missing parent is invalid", func(t *testing.T) {
		f := newFixture(t, e)
		before := f.auditHead()
		for _, in := range []govdata.RegionInput{
			{Code: "350100", Name: "福州市"},
			{Code: "350102", Name: "鼓楼区"},
			{Code: "350102001", Name: "鼓东街道"},
		} {
			_, err := f.regions.CreateRegion(System(), in)
			wantField(t, err, govdata.EINVALID, "parent_code")
		}
		mustRegion(t, f, "350000", "福建省")
		before = f.auditHead()
		// An explicit parent must exist: no falling back to the province.
		_, err := f.regions.CreateRegion(System(), govdata.RegionInput{Code: "350102", Name: "鼓楼区", ParentCode: "350100"})
		wantField(t, err, govdata.EINVALID, "parent_code")
		_, err = f.regions.FindRegionByCode(System(), "350102")
		wantCode(t, err, govdata.ENOTFOUND)
		f.noAudit(before)
	})

	t.Run("malformed input is invalid", func(t *testing.T) {
		f := newFixture(t, e)
		mustRegion(t, f, "350000", "福建省")
		before := f.auditHead()
		tests := []struct {
			in    govdata.RegionInput
			field string
		}{
			{govdata.RegionInput{Code: "35010", Name: "x"}, "code"},
			{govdata.RegionInput{Code: "990100", Name: "x"}, "code"},
			{govdata.RegionInput{Code: "350100", Name: " "}, "name"},
			{govdata.RegionInput{Code: "350100", Name: "福州市", ParentCode: "360000"}, "parent_code"},
		}
		for _, tt := range tests {
			_, err := f.regions.CreateRegion(System(), tt.in)
			wantField(t, err, govdata.EINVALID, tt.field)
		}
		f.noAudit(before)
	})

	t.Run("permissions", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		in := govdata.RegionInput{Code: "360000", Name: "江西省"}
		for _, ctx := range []context.Context{o.asSec, o.asAuditor, o.asOff1} {
			_, err := f.regions.CreateRegion(ctx, in)
			wantCode(t, err, govdata.EFORBIDDEN)
			_, err = f.regions.ImportRegions(ctx, []govdata.RegionInput{in})
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err := f.regions.CreateRegion(context.Background(), in)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		changing := o.adminA
		changing.PasswordChangeRequired = true
		_, err = f.regions.CreateRegion(As(changing), in)
		wantCode(t, err, govdata.EFORBIDDEN)
		_, err = f.regions.FindRegionByCode(context.Background(), "350000")
		wantCode(t, err, govdata.EUNAUTHORIZED)
		_, err = f.regions.FindRegions(context.Background(), govdata.RegionFilter{})
		wantCode(t, err, govdata.EUNAUTHORIZED)

		before := f.auditHead()
		if _, err := f.regions.CreateRegion(o.asAdmin, in); err != nil {
			t.Fatalf("sysadmin creates a region: %v", err)
		}
		f.oneAudit(before, "region.create", govdata.AuditOK, "admin")
		// Every signed-in user reads regions.
		if _, err := f.regions.FindRegionByCode(o.asOff1, "360000"); err != nil {
			t.Fatalf("officer reads a region: %v", err)
		}
		if l, err := f.regions.FindRegions(o.asAuditor, govdata.RegionFilter{}); err != nil || len(l.Items) != 5 {
			t.Fatalf("auditor lists regions: %d, %v; want 5", len(l.Items), err)
		}
	})

	t.Run("find unknown", func(t *testing.T) {
		f := newFixture(t, e)
		_, err := f.regions.FindRegionByCode(System(), "350000")
		wantMsg(t, err, govdata.ENOTFOUND, govdata.MsgRegionNotFound)
	})

	t.Run("list filters", func(t *testing.T) {
		f := newFixture(t, e)
		for _, r := range [][2]string{
			{"350000", "福建省"}, {"350100", "福州市"}, {"350102", "鼓楼区"}, {"350103", "台江区"}, {"350104", "仓山区"},
			{"350200", "厦门市"}, {"350203", "思明区"}, {"350205", "Haicang 海沧区"}, {"350206", "湖里区 100%"},
			{"360000", "江西省"}, {"360100", "南昌市"}, {"360102", "东湖区"},
		} {
			mustRegion(t, f, r[0], r[1])
		}
		tests := []struct {
			name   string
			filter govdata.RegionFilter
			want   []string
		}{
			{"all", govdata.RegionFilter{}, []string{"350000", "350100", "350102", "350103", "350104", "350200",
				"350203", "350205", "350206", "360000", "360100", "360102"}},
			{"children", govdata.RegionFilter{ParentCode: "350100"}, []string{"350102", "350103", "350104"}},
			{"provinces", govdata.RegionFilter{Level: govdata.RegionProvince}, []string{"350000", "360000"}},
			{"roots", govdata.RegionFilter{Roots: true}, []string{"350000", "360000"}},
			{"cities", govdata.RegionFilter{Level: govdata.RegionCity}, []string{"350100", "350200", "360100"}},
			{"cities of 福建", govdata.RegionFilter{ParentCode: "350000", Level: govdata.RegionCity}, []string{"350100", "350200"}},
			{"name contains", govdata.RegionFilter{Query: "湖"}, []string{"350206", "360102"}},
			{"name and parent", govdata.RegionFilter{Query: "湖", ParentCode: "350200"}, []string{"350206"}},
			{"case-insensitive", govdata.RegionFilter{Query: "hAICANG"}, []string{"350205"}},
			{"percent is literal", govdata.RegionFilter{Query: "%"}, []string{"350206"}},
			{"underscore is literal", govdata.RegionFilter{Query: "_"}, nil},
			{"nothing", govdata.RegionFilter{ParentCode: "350102"}, nil},
		}
		for _, tt := range tests {
			l, err := f.regions.FindRegions(System(), tt.filter)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got := regionCodes(l.Items); !slices.Equal(got, tt.want) || l.NextCursor != "" {
				t.Errorf("%s: %v (next %q), want %v and no next page", tt.name, got, l.NextCursor, tt.want)
			}
			if l.Items == nil {
				t.Errorf("%s: Items is nil, want an empty list", tt.name)
			}
		}
	})

	t.Run("pagination", func(t *testing.T) {
		f := newFixture(t, e)
		rows := []govdata.RegionInput{{Code: "350000", Name: "福建省"}, {Code: "350100", Name: "福州市"}}
		var want []string
		for i := 1; i <= 30; i++ {
			rows = append(rows, govdata.RegionInput{Code: fmt.Sprintf("3501%02d", i), Name: fmt.Sprintf("县%02d", i)})
		}
		if _, err := f.regions.ImportRegions(System(), rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			want = append(want, r.Code)
		}
		slices.Sort(want)
		for _, limit := range []int{1, 7, 10, 31, 32, 33} {
			got, pages := collectRegions(t, f, govdata.RegionFilter{Page: govdata.Page{Limit: limit}})
			if !slices.Equal(got, want) {
				t.Fatalf("limit %d: %v, want %v", limit, got, want)
			}
			// No empty page at the end: a page with a cursor always leads somewhere.
			if wantPages := (len(want) + limit - 1) / limit; pages != wantPages {
				t.Fatalf("limit %d: %d pages, want %d", limit, pages, wantPages)
			}
		}
		// Filters hold across pages.
		got, pages := collectRegions(t, f, govdata.RegionFilter{ParentCode: "350100", Page: govdata.Page{Limit: 10}})
		if len(got) != 30 || pages != 3 || got[0] != "350101" || got[29] != "350130" {
			t.Fatalf("children in pages of 10: %d in %d pages (%v), want 30 in 3", len(got), pages, got)
		}
		// Default and maximum page sizes (PRODUCT.md §4).
		l, err := f.regions.FindRegions(System(), govdata.RegionFilter{})
		if err != nil || len(l.Items) != govdata.DefaultLimit || l.NextCursor == "" {
			t.Fatalf("default page: %d items, next %q, %v; want %d and a next page", len(l.Items), l.NextCursor, err, govdata.DefaultLimit)
		}
		l, err = f.regions.FindRegions(System(), govdata.RegionFilter{Page: govdata.Page{Limit: 100000}})
		if err != nil || len(l.Items) != 32 || l.NextCursor != "" {
			t.Fatalf("huge limit: %d items, next %q, %v; want all 32", len(l.Items), l.NextCursor, err)
		}
		for _, bad := range []string{"!!", "djE", "bm90LXYx"} { // not base64; "v1" without colon; "not-v1"
			_, err := f.regions.FindRegions(System(), govdata.RegionFilter{Page: govdata.Page{Cursor: bad}})
			wantMsg(t, err, govdata.EINVALID, govdata.MsgBadCursor)
		}
	})

	t.Run("import parents after children", func(t *testing.T) {
		f := newFixture(t, e)
		rows := []govdata.RegionInput{
			{Code: "350102001001", Name: "庆城社区"},
			{Code: "350102001", Name: "鼓东街道"},
			{Code: "350102", Name: "鼓楼区"},
			{Code: "419001", Name: "济源市"},
			{Code: "350100", Name: "福州市"},
			{Code: "410000", Name: "河南省"},
			{Code: "350000", Name: "福建省"},
		}
		before := f.auditHead()
		res, err := f.regions.ImportRegions(System(), rows)
		if err != nil {
			t.Fatal(err)
		}
		if want := (govdata.RegionImportResult{Created: 7}); res != want {
			t.Fatalf("import: %+v, want %+v", res, want)
		}
		r := f.oneAudit(before, "region.import", govdata.AuditOK, "system")
		var detail govdata.RegionImportResult
		if err := json.Unmarshal([]byte(r.Detail), &detail); err != nil || detail != res {
			t.Fatalf("audit detail %s, want the counts %+v", r.Detail, res)
		}
		parents := map[string]string{"350102001001": "350102001", "350102001": "350102", "350102": "350100",
			"419001": "410000", "350100": "350000", "410000": "", "350000": ""}
		for code, want := range parents {
			got, err := f.regions.FindRegionByCode(System(), code)
			if err != nil || got.ParentCode != want {
				t.Fatalf("%s: %+v, %v; want parent %q", code, got, err, want)
			}
		}

		// The same file again changes nothing; renamed rows are counted.
		before = f.auditHead()
		res, err = f.regions.ImportRegions(System(), rows)
		if err != nil || res != (govdata.RegionImportResult{Unchanged: 7}) {
			t.Fatalf("second import: %+v, %v; want 7 unchanged", res, err)
		}
		f.oneAudit(before, "region.import", govdata.AuditOK, "system")
		rows[2].Name, rows[3].Name = "福州市鼓楼区", "济源市（省直辖）"
		rows = append(rows, govdata.RegionInput{Code: "350103", Name: "台江区"})
		res, err = f.regions.ImportRegions(System(), rows)
		if err != nil || res != (govdata.RegionImportResult{Created: 1, Renamed: 2, Unchanged: 5}) {
			t.Fatalf("renaming import: %+v, %v; want 1 created, 2 renamed, 5 unchanged", res, err)
		}
		if got, _ := f.regions.FindRegionByCode(System(), "419001"); got == nil || got.Name != "济源市（省直辖）" || got.ParentCode != "410000" {
			t.Fatalf("renamed region: %+v", got)
		}
	})

	t.Run("import the published list's placeholders", func(t *testing.T) {
		// 统计用区划代码 lists a county without townships (金门县, 350527) at
		// the township and village levels too, with zeros: the list imports
		// as published, each placeholder under the one above it.
		f := newFixture(t, e)
		mustRegion(t, f, "350000", "福建省")
		rows := []govdata.RegionInput{
			{Code: "350527000000", Name: "金门县"},
			{Code: "350527000", Name: "金门县"},
			{Code: "350527", Name: "金门县"},
			{Code: "350500", Name: "泉州市"},
		}
		if res, err := f.regions.ImportRegions(System(), rows); err != nil || res != (govdata.RegionImportResult{Created: 4}) {
			t.Fatalf("import: %+v, %v; want 4 created", res, err)
		}
		for code, want := range map[string][2]string{"350527000": {"350527", "township"}, "350527000000": {"350527000", "village"}} {
			got, err := f.regions.FindRegionByCode(System(), code)
			if err != nil || got.ParentCode != want[0] || string(got.Level) != want[1] {
				t.Fatalf("%s: %+v, %v; want parent %s, level %s", code, got, err, want[0], want[1])
			}
		}
		// A real village under the placeholder is still refused, by name.
		_, err := f.regions.ImportRegions(System(), []govdata.RegionInput{{Code: "350527000001", Name: "某村"}})
		e := wantMsg(t, err, govdata.EINVALID, govdata.MsgRegionImportRow)
		if got := e.Message.Text("en"); !strings.Contains(got, "sits under the placeholder township 350527000") {
			t.Fatalf("message %q", got)
		}
	})

	t.Run("import is all or nothing", func(t *testing.T) {
		f := newFixture(t, e)
		mustRegion(t, f, "350000", "福建省")
		before := f.auditHead()
		good := []govdata.RegionInput{{Code: "350100", Name: "福州市"}, {Code: "350102", Name: "鼓楼区"}}

		// A malformed row: refused before anything is written.
		rows := append(slices.Clone(good), govdata.RegionInput{Code: "35010X", Name: "坏"})
		_, err := f.regions.ImportRegions(System(), rows)
		e := wantMsg(t, err, govdata.EINVALID, govdata.MsgRegionImportRow)
		if e.Details["row"] != 3 {
			t.Fatalf("details %v, want row 3", e.Details)
		}

		// A row whose parent is nowhere (neither in the file nor in the
		// store): also refused before anything is written, although the
		// rows before it would insert regions and rename one.
		rows = []govdata.RegionInput{good[0], {Code: "350000", Name: "闽"}, {Code: "360102", Name: "东湖区"}, good[1]}
		_, err = f.regions.ImportRegions(System(), rows)
		e = wantMsg(t, err, govdata.EINVALID, govdata.MsgRegionImportRow)
		if e.Details["row"] != 3 {
			t.Fatalf("details %v, want row 3", e.Details)
		}
		if got := e.Message.Text("en"); got != "row 3: parent region does not exist: 360100" {
			t.Fatalf("message %q", got)
		}
		l, err := f.regions.FindRegions(System(), govdata.RegionFilter{})
		if err != nil || !slices.Equal(regionCodes(l.Items), []string{"350000"}) || l.Items[0].Name != "福建省" {
			t.Fatalf("after failed imports: %v, %v; want only 350000 福建省", regionCodes(l.Items), err)
		}
		f.noAudit(before)
	})
}

func regionCodes(rs []*govdata.Region) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

// collectRegions follows the cursor to the end and returns the codes and the
// number of pages.
func collectRegions(t *testing.T, f *fixture, filter govdata.RegionFilter) ([]string, int) {
	t.Helper()
	var all []string
	pages := 0
	for {
		l, err := f.regions.FindRegions(System(), filter)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(l.Items) > filter.Limit {
			t.Fatalf("page of %d items, limit %d", len(l.Items), filter.Limit)
		}
		all = append(all, regionCodes(l.Items)...)
		if l.NextCursor == "" {
			return all, pages
		}
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		filter.Cursor = l.NextCursor
	}
}
