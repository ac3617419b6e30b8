package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// openInput is an unconditionally open entry of items at sensitivity 1.
func openInput(name string) govdata.EntryInput {
	in := entryInput(name)
	in.ShareType, in.ShareConditions = govdata.ShareUnconditional, ""
	in.OpenType = govdata.OpenUnconditional
	in.Grade = govdata.GradeGeneral
	in.Items = []govdata.Item{{Name: "统计年度", Type: govdata.ItemChar, Length: 4, Sensitivity: 1}, {Name: "人口数", Type: govdata.ItemNumber, Length: 10, Sensitivity: 1}}
	return in
}

// TestPortalPages: the portal finds an open entry by its resource code and
// lists the open entries' codes for the sitemap, a window at a time; an
// entry that is not open, or no longer, is in neither (OPN-1).
func TestPortalPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "heilongjiang-2025")
		officer, reviewer := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleReviewer, f.cityBureau)
		var open []*govdata.Entry
		for i := range 3 {
			open = append(open, f.publish(t, officer, f.cityBureau, openInput(fmt.Sprintf("人口统计%d", i))))
		}
		closed := f.publish(t, officer, f.cityBureau, entryInput("户籍迁移记录"))
		gone := f.publish(t, officer, f.cityBureau, openInput("已撤销的开放数据"))
		must(f.cat.Revoke(officer, gone.ID, "业务已停止"))(t)
		must(f.cat.Review(reviewer, gone.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)

		pages, ok := f.cat.OpenCatalog().(govdata.PortalPages)
		if !ok {
			t.Fatal("the open catalog does not serve the portal's pages")
		}
		ctx := context.Background()
		got, err := pages.OpenEntryByCode(ctx, open[1].ResourceCode)
		if err != nil || got.ID != open[1].ID || got.Name != "人口统计1" || got.ShareConditions != "" {
			t.Fatalf("by code: %+v, %v", got, err)
		}
		for _, code := range []string{closed.ResourceCode, gone.ResourceCode, "301001/11230100MB0000000X999999", "x", ""} {
			if _, err := pages.OpenEntryByCode(ctx, code); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
				t.Errorf("by code %q: %v", code, err)
			}
		}
		if n, err := pages.CountOpenEntries(ctx); err != nil || n != 3 {
			t.Errorf("count: %d, %v", n, err)
		}
		var seen []string
		for offset := 0; ; offset += 2 {
			batch, err := pages.OpenCodes(ctx, offset, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(batch) == 0 {
				break
			}
			for _, c := range batch {
				if c.UpdatedAt.IsZero() {
					t.Errorf("%s: no update time", c.Code)
				}
				seen = append(seen, c.Code)
			}
		}
		if len(seen) != 3 || seen[0] != open[0].ResourceCode || seen[1] != open[1].ResourceCode || seen[2] != open[2].ResourceCode {
			t.Errorf("codes: %v", seen)
		}
	})
}
