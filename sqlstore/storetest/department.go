package storetest

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/govdata/govdata"
)

// TestDepartments covers govdata.DepartmentService (ORG-1).
func TestDepartments(t *testing.T, e Engine) {
	regions := func(t *testing.T, f *fixture) {
		t.Helper()
		for _, r := range [][2]string{{"350000", "福建省"}, {"350100", "福州市"}, {"350102", "鼓楼区"}, {"350200", "厦门市"}} {
			mustRegion(t, f, r[0], r[1])
		}
	}

	t.Run("create and find", func(t *testing.T) {
		f := newFixture(t, e)
		regions(t, f)
		parent := mustDepartment(t, f, deptInput("福建省大数据局", "350000", 0))
		before := f.auditHead()
		in := govdata.DepartmentInput{Name: "福州市大数据委", CreditCode: "11350100003591037X", RegionCode: "350100",
			Level: govdata.LevelCity, ParentID: parent.ID}
		in.CreditCode = in.CreditCode[:17] + checkChar(in.CreditCode[:17])
		got, err := f.depts.CreateDepartment(System(), in)
		if err != nil {
			t.Fatal(err)
		}
		now := f.clock.Now()
		want := govdata.Department{ID: got.ID, Name: in.Name, CreditCode: in.CreditCode, RegionCode: "350100",
			Level: govdata.LevelCity, ParentID: parent.ID, CreatedAt: now, UpdatedAt: now}
		if got.ID == 0 || got.ID == parent.ID || *got != want {
			t.Fatalf("created %+v, want %+v", *got, want)
		}
		found, err := f.depts.FindDepartmentByID(System(), got.ID)
		if err != nil || !sameDepartment(found, &want) {
			t.Fatalf("found %+v, %v; want %+v", found, err, want)
		}
		r := f.oneAudit(before, "department.create", govdata.AuditOK, "system")
		if r.ObjectType != "department" || r.ObjectID != itoa(got.ID) {
			t.Fatalf("audit object %s %s, want department %d", r.ObjectType, r.ObjectID, got.ID)
		}
	})

	t.Run("invalid input", func(t *testing.T) {
		f := newFixture(t, e)
		regions(t, f)
		before := f.auditHead()
		tests := []struct {
			name   string
			change func(*govdata.DepartmentInput)
			field  string
		}{
			{"check character", func(in *govdata.DepartmentInput) { in.CreditCode = in.CreditCode[:17] + "I" }, "credit_code"},
			{"wrong check character", func(in *govdata.DepartmentInput) {
				in.CreditCode = in.CreditCode[:17] + otherCheckChar(in.CreditCode)
			}, "credit_code"},
			{"short credit code", func(in *govdata.DepartmentInput) { in.CreditCode = "1135" }, "credit_code"},
			{"unknown region", func(in *govdata.DepartmentInput) { in.RegionCode = "360100" }, "region_code"},
			{"malformed region", func(in *govdata.DepartmentInput) { in.RegionCode = "3601" }, "region_code"},
			{"unknown parent", func(in *govdata.DepartmentInput) { in.ParentID = 9999 }, "parent_id"},
			{"level", func(in *govdata.DepartmentInput) { in.Level = "bureau" }, "level"},
			{"name", func(in *govdata.DepartmentInput) { in.Name = "" }, "name"},
		}
		for _, tt := range tests {
			in := deptInput("福州市大数据委", "350100", 0)
			tt.change(&in)
			_, err := f.depts.CreateDepartment(System(), in)
			wantField(t, err, govdata.EINVALID, tt.field)
		}
		if l, err := f.depts.FindDepartments(System(), govdata.DepartmentFilter{}); err != nil || len(l.Items) != 0 {
			t.Fatalf("after invalid creates: %d departments, %v; want none", len(l.Items), err)
		}
		f.noAudit(before)
	})

	t.Run("duplicate credit code is a conflict", func(t *testing.T) {
		f := newFixture(t, e)
		regions(t, f)
		a := mustDepartment(t, f, deptInput("甲", "350100", 0))
		b := mustDepartment(t, f, deptInput("乙", "350100", 0))
		before := f.auditHead()
		in := deptInput("丙", "350200", 0)
		in.CreditCode = a.CreditCode
		_, err := f.depts.CreateDepartment(System(), in)
		wantField(t, err, govdata.ECONFLICT, "credit_code")
		_, err = f.depts.UpdateDepartment(System(), b.ID, govdata.DepartmentPatch{CreditCode: &a.CreditCode})
		wantField(t, err, govdata.ECONFLICT, "credit_code")
		if got, _ := f.depts.FindDepartmentByID(System(), b.ID); got == nil || got.CreditCode == a.CreditCode {
			t.Fatalf("department after the refused update: %+v", got)
		}
		f.noAudit(before)
		// Keeping one's own code is no conflict.
		if _, err := f.depts.UpdateDepartment(System(), a.ID, govdata.DepartmentPatch{CreditCode: &a.CreditCode}); err != nil {
			t.Fatalf("update with its own credit code: %v", err)
		}
	})

	t.Run("update", func(t *testing.T) {
		f := newFixture(t, e)
		regions(t, f)
		p1 := mustDepartment(t, f, deptInput("福建省大数据局", "350000", 0))
		d := mustDepartment(t, f, deptInput("福州市大数据委", "350100", 0))
		created := f.clock.Now()
		f.clock.Advance(time.Hour)
		before := f.auditHead()
		name, code, region, level := "福州市数据局", creditCode(), "350102", govdata.LevelCounty
		got, err := f.depts.UpdateDepartment(System(), d.ID, govdata.DepartmentPatch{Name: &name, CreditCode: &code,
			RegionCode: &region, Level: &level, ParentID: &p1.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := govdata.Department{ID: d.ID, Name: name, CreditCode: code, RegionCode: region, Level: level,
			ParentID: p1.ID, CreatedAt: created, UpdatedAt: f.clock.Now()}
		if !sameDepartment(got, &want) {
			t.Fatalf("updated %+v, want %+v", got, want)
		}
		if found, err := f.depts.FindDepartmentByID(System(), d.ID); err != nil || !sameDepartment(found, &want) {
			t.Fatalf("found %+v, %v; want %+v", found, err, want)
		}
		f.oneAudit(before, "department.update", govdata.AuditOK, "system")

		// A patch changes only what it sets; ParentID 0 detaches.
		zero, other := int64(0), "福州市数据管理局"
		got, err = f.depts.UpdateDepartment(System(), d.ID, govdata.DepartmentPatch{Name: &other})
		if err != nil || got.ParentID != p1.ID || got.RegionCode != region || got.Name != other {
			t.Fatalf("name-only patch: %+v, %v", got, err)
		}
		got, err = f.depts.UpdateDepartment(System(), d.ID, govdata.DepartmentPatch{ParentID: &zero})
		if err != nil || got.ParentID != 0 || got.Name != other {
			t.Fatalf("detach: %+v, %v", got, err)
		}
		if found, _ := f.depts.FindDepartmentByID(System(), d.ID); found == nil || found.ParentID != 0 {
			t.Fatalf("after detaching: %+v", found)
		}

		// Refused patches change nothing.
		before = f.auditHead()
		badCode, badRegion, badParent, blank := "11350000000000000X", "360100", int64(9999), ""
		for field, p := range map[string]govdata.DepartmentPatch{
			"credit_code": {CreditCode: &badCode},
			"region_code": {RegionCode: &badRegion},
			"parent_id":   {ParentID: &badParent},
			"name":        {Name: &blank},
		} {
			_, err := f.depts.UpdateDepartment(System(), d.ID, p)
			wantField(t, err, govdata.EINVALID, field)
		}
		_, err = f.depts.UpdateDepartment(System(), 9999, govdata.DepartmentPatch{Name: &name})
		wantMsg(t, err, govdata.ENOTFOUND, govdata.MsgDepartmentNotFound)
		f.noAudit(before)
	})

	t.Run("parent cycle", func(t *testing.T) {
		f := newFixture(t, e)
		regions(t, f)
		a := mustDepartment(t, f, deptInput("甲", "350000", 0))
		b := mustDepartment(t, f, deptInput("乙", "350100", a.ID))
		c := mustDepartment(t, f, deptInput("丙", "350102", b.ID))
		before := f.auditHead()
		for _, tt := range []struct{ id, parent int64 }{{a.ID, c.ID}, {a.ID, b.ID}, {a.ID, a.ID}, {b.ID, c.ID}} {
			_, err := f.depts.UpdateDepartment(System(), tt.id, govdata.DepartmentPatch{ParentID: &tt.parent})
			e := wantField(t, err, govdata.EINVALID, "parent_id")
			if e.Fields["parent_id"].Msg != govdata.MsgDepartmentCycle {
				t.Fatalf("%d under %d: %v, want a cycle", tt.id, tt.parent, err)
			}
		}
		f.noAudit(before)
		// Moving a grandchild up is no cycle.
		if got, err := f.depts.UpdateDepartment(System(), c.ID, govdata.DepartmentPatch{ParentID: &a.ID}); err != nil || got.ParentID != a.ID {
			t.Fatalf("move grandchild up: %+v, %v", got, err)
		}
	})

	t.Run("list", func(t *testing.T) {
		f := newFixture(t, e)
		regions(t, f)
		root := mustDepartment(t, f, deptInput("福建省大数据局", "350000", 0))
		var fz []int64
		for _, name := range []string{"福州市大数据委", "福州市公安局", "福州市人社局"} {
			fz = append(fz, mustDepartment(t, f, deptInput(name, "350100", root.ID)).ID)
		}
		xm := mustDepartment(t, f, deptInput("厦门市公安局", "350200", root.ID)).ID
		gl := mustDepartment(t, f, deptInput("鼓楼区公安分局", "350102", fz[1])).ID
		tests := []struct {
			name   string
			filter govdata.DepartmentFilter
			want   []int64
		}{
			{"all", govdata.DepartmentFilter{}, []int64{root.ID, fz[0], fz[1], fz[2], xm, gl}},
			{"region", govdata.DepartmentFilter{RegionCode: "350100"}, fz},
			{"parent", govdata.DepartmentFilter{ParentID: root.ID}, []int64{fz[0], fz[1], fz[2], xm}},
			{"name", govdata.DepartmentFilter{Query: "公安"}, []int64{fz[1], xm, gl}},
			{"name in region", govdata.DepartmentFilter{Query: "公安", RegionCode: "350200"}, []int64{xm}},
			{"nothing", govdata.DepartmentFilter{RegionCode: "350000", ParentID: root.ID}, nil},
		}
		for _, tt := range tests {
			for _, limit := range []int{0, 1, 2, 5} {
				filter := tt.filter
				filter.Limit = limit
				var got []int64
				for pages := 0; ; pages++ {
					if pages > 20 {
						t.Fatalf("%s: pagination does not end", tt.name)
					}
					l, err := f.depts.FindDepartments(System(), filter)
					if err != nil {
						t.Fatalf("%s: %v", tt.name, err)
					}
					for _, d := range l.Items {
						got = append(got, d.ID)
					}
					if l.NextCursor == "" {
						break
					}
					filter.Cursor = l.NextCursor
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("%s, limit %d: %v, want %v", tt.name, limit, got, tt.want)
				}
			}
		}
		_, err := f.depts.FindDepartments(System(), govdata.DepartmentFilter{Page: govdata.Page{Cursor: "x"}})
		wantCode(t, err, govdata.EINVALID)
	})

	t.Run("permissions", func(t *testing.T) {
		f := newFixture(t, e)
		o := f.seed()
		name := "改名"
		for _, ctx := range []context.Context{o.asSec, o.asAuditor, o.asOff1} {
			_, err := f.depts.CreateDepartment(ctx, deptInput("甲", "350100", 0))
			wantCode(t, err, govdata.EFORBIDDEN)
			_, err = f.depts.UpdateDepartment(ctx, o.dept1.ID, govdata.DepartmentPatch{Name: &name})
			wantCode(t, err, govdata.EFORBIDDEN)
		}
		_, err := f.depts.CreateDepartment(context.Background(), deptInput("甲", "350100", 0))
		wantCode(t, err, govdata.EUNAUTHORIZED)
		_, err = f.depts.FindDepartmentByID(context.Background(), o.dept1.ID)
		wantCode(t, err, govdata.EUNAUTHORIZED)
		_, err = f.depts.FindDepartments(context.Background(), govdata.DepartmentFilter{})
		wantCode(t, err, govdata.EUNAUTHORIZED)
		// Every signed-in user reads departments, any department.
		if d, err := f.depts.FindDepartmentByID(o.asOff1, o.dept2.ID); err != nil || d.ID != o.dept2.ID {
			t.Fatalf("officer reads another department: %+v, %v", d, err)
		}
		if l, err := f.depts.FindDepartments(o.asOff1, govdata.DepartmentFilter{}); err != nil || len(l.Items) != 2 {
			t.Fatalf("officer lists departments: %d, %v; want 2", len(l.Items), err)
		}
		_, err = f.depts.FindDepartmentByID(o.asOff1, 9999)
		wantCode(t, err, govdata.ENOTFOUND)
		before := f.auditHead()
		if _, err := f.depts.UpdateDepartment(o.asAdmin, o.dept1.ID, govdata.DepartmentPatch{Name: &name}); err != nil {
			t.Fatalf("sysadmin updates a department: %v", err)
		}
		f.oneAudit(before, "department.update", govdata.AuditOK, "admin")
	})
}

func sameDepartment(a, b *govdata.Department) bool {
	x, y := *a, *b
	if !x.CreatedAt.Equal(y.CreatedAt) || !x.UpdatedAt.Equal(y.UpdatedAt) {
		return false
	}
	x.CreatedAt, x.UpdatedAt, y.CreatedAt, y.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return x == y
}

func checkChar(first17 string) string {
	c, _ := govdata.CreditCodeCheckChar(first17)
	return string(c)
}

// otherCheckChar is a valid character that is not code's check character.
func otherCheckChar(code string) string {
	if checkChar(code[:17]) == "0" {
		return "1"
	}
	return "0"
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
