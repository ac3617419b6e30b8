package govdata

import "testing"

func TestCatalogLabels(t *testing.T) {
	for _, c := range []struct {
		name   string
		got    Text
		zh, en string
	}{
		{"category 1", CategoryLabel("1"), "基础信息资源", "base information resources"},
		{"category 3", CategoryLabel("3"), "部门信息资源", "department information resources"},
		{"category unknown", CategoryLabel("4"), "", ""},
		{"category empty", CategoryLabel(""), "", ""},
		{"cycle", CycleHalfYearly.Label(), "每半年", "half-yearly"},
		{"cycle unknown", UpdateCycle("hourly").Label(), "", ""},
		{"share", ShareNone.Label(), "不予共享", "not shared"},
		{"open", OpenConditional.Label(), "有条件开放", "open on conditions"},
		{"grade", GradeCore.Label(), "核心数据", "core data"},
	} {
		if c.got.ZH != c.zh || c.got.EN != c.en {
			t.Errorf("%s: got %+v, want %q %q", c.name, c.got, c.zh, c.en)
		}
	}
	// Every known code has both texts, so no list shows a blank.
	for _, cy := range UpdateCycles {
		if l := cy.Label(); l.ZH == "" || l.EN == "" {
			t.Errorf("update cycle %s: %+v", cy, l)
		}
	}
	for _, s := range []ShareType{ShareUnconditional, ShareConditional, ShareNone} {
		if l := s.Label(); l.ZH == "" || l.EN == "" {
			t.Errorf("share type %s: %+v", s, l)
		}
	}
	for _, o := range []OpenType{OpenUnconditional, OpenConditional, OpenNone} {
		if l := o.Label(); l.ZH == "" || l.EN == "" {
			t.Errorf("open type %s: %+v", o, l)
		}
	}
	for _, g := range []Grade{GradeCore, GradeImportant, GradeGeneral} {
		if l := g.Label(); l.ZH == "" || l.EN == "" {
			t.Errorf("grade %s: %+v", g, l)
		}
	}
}

func TestTextIn(t *testing.T) {
	for _, c := range []struct {
		text       Text
		lang, want string
	}{
		{Text{ZH: "每日", EN: "daily"}, "zh", "每日"},
		{Text{ZH: "每日", EN: "daily"}, "en", "daily"},
		{Text{ZH: "每日", EN: "daily"}, "fr", "每日"},
		{Text{ZH: "每日"}, "en", "每日"},
		{Text{EN: "daily"}, "zh", "daily"},
		{Text{}, "en", ""},
	} {
		if got := c.text.In(c.lang); got != c.want {
			t.Errorf("%+v.In(%q) = %q, want %q", c.text, c.lang, got, c.want)
		}
	}
}

func TestMediaType(t *testing.T) {
	for _, c := range []struct {
		format, want string
		ok           bool
	}{
		{"CSV", "text/csv", true},
		{" csv ", "text/csv", true},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", true},
		{"GeoJSON", "application/geo+json", true},
		{"数据库", "", false},
		{"电子表格", "", false},
		{"", "", false},
	} {
		got, ok := MediaType(c.format)
		if got != c.want || ok != c.ok {
			t.Errorf("MediaType(%q) = %q, %v; want %q, %v", c.format, got, ok, c.want, c.ok)
		}
	}
}
