package govdata_test

import (
	"errors"
	"testing"

	"github.com/govdata/govdata"
)

func goodScenario() govdata.ScenarioInput {
	return govdata.ScenarioInput{CatalogID: 7, Name: "社保待遇资格认证", ConsumerDepartment: 5, Items: []string{"公民身份号码", "姓名"},
		Purpose: "核验参保人身份", LegalBasis: "《社会保险法》第七十四条", Methods: []govdata.ShareMethod{govdata.MethodAPI, govdata.MethodFile},
		RegionScope: []string{"230100"}, MaxDays: 365}
}

func TestValidateScenario(t *testing.T) {
	if err := govdata.ValidateScenario(goodScenario(), shareEntry()); err != nil {
		t.Fatalf("a good scenario: %v", err)
	}
	for _, c := range []struct {
		name  string
		field string // "" for a whole-request error
		code  govdata.ErrorCode
		edit  func(*govdata.ScenarioInput, *govdata.Entry)
	}{
		{"no name", "name", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.Name = " " }},
		{"no consumer", "consumer_department_id", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.ConsumerDepartment = 0 }},
		{"provider as consumer", "consumer_department_id", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.ConsumerDepartment = 4 }},
		{"no items", "items", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.Items = nil }},
		{"unknown item", "items[1]", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.Items = []string{"姓名", "籍贯"} }},
		{"item not shared", "items[0]", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.Items = []string{"宗教信仰"} }},
		{"no purpose", "purpose", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.Purpose = "" }},
		{"no legal basis", "legal_basis", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.LegalBasis = "" }},
		{"no methods", "methods", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.Methods = nil }},
		{"bad method", "methods[1]", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) {
			s.Methods = []govdata.ShareMethod{govdata.MethodAPI, "fax"}
		}},
		{"method twice", "methods[1]", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) {
			s.Methods = []govdata.ShareMethod{govdata.MethodAPI, govdata.MethodAPI}
		}},
		{"bad region", "region_scope[0]", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.RegionScope = []string{"2301"} }},
		{"no period", "max_days", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.MaxDays = 0 }},
		{"period too long", "max_days", govdata.EINVALID, func(s *govdata.ScenarioInput, _ *govdata.Entry) { s.MaxDays = govdata.MaxGrantDays + 1 }},
		{"not shared entry", "", govdata.EINVALID, func(_ *govdata.ScenarioInput, e *govdata.Entry) {
			e.ShareType, e.ShareBasis = govdata.ShareNone, "《居民身份证法》第十九条"
		}},
		{"unpublished", "", govdata.ECONFLICT, func(_ *govdata.ScenarioInput, e *govdata.Entry) {
			e.PublishedVersion, e.Status = 0, govdata.EntryDraft
		}},
		{"being revoked", "", govdata.ECONFLICT, func(_ *govdata.ScenarioInput, e *govdata.Entry) { e.Status = govdata.EntryRevoking }},
	} {
		s, e := goodScenario(), shareEntry()
		c.edit(&s, e)
		err := govdata.ValidateScenario(s, e)
		var ge *govdata.Error
		if !errors.As(err, &ge) || ge.Code != c.code || (c.field != "" && ge.Fields[c.field].Msg.ZH == "") {
			t.Errorf("%s: %v, want %s on %q", c.name, err, c.code, c.field)
		}
	}
}

// LS-19(三): an application matches a scenario when it lies within it.
func TestMatchScenario(t *testing.T) {
	today := govdata.Date{Year: 2026, Month: 3, Day: 2}
	s := govdata.ApplicationScenario{ScenarioInput: goodScenario(), ID: 1, ProviderDepartment: 4, State: govdata.ScenarioActive}
	app := func() govdata.ApplicationInput {
		return govdata.ApplicationInput{CatalogID: 7, Items: []string{"姓名"}, Scenario: "资格认证", Purpose: "核验参保人身份",
			LegalBasis: "《社会保险法》第七十四条", RegionScope: []string{"230102"}, Method: govdata.MethodAPI, ValidUntil: today.AddDays(365)}
	}
	for _, c := range []struct {
		name     string
		consumer int64
		edit     func(*govdata.ApplicationInput, *govdata.ApplicationScenario)
		want     bool
	}{
		{"within", 5, nil, true},
		{"every item, the other method", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) {
			a.Items, a.Method = []string{"姓名", "公民身份号码"}, govdata.MethodFile
		}, true},
		{"the whole scope", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) { a.RegionScope = []string{"230100"} }, true},
		{"a village below it", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) {
			a.RegionScope = []string{"230102001001"}
		}, true},
		{"scenario for all rows", 5, func(a *govdata.ApplicationInput, s *govdata.ApplicationScenario) {
			a.RegionScope, s.RegionScope = nil, nil
		}, true},
		{"the last day of the period", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) { a.ValidUntil = today.AddDays(365) }, true},
		{"another department", 6, nil, false},
		{"another entry", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) { a.CatalogID = 8 }, false},
		{"an extra item", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) {
			a.Items = []string{"姓名", "行政区划代码"}
		}, false},
		{"no items", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) { a.Items = nil }, false},
		{"a method not allowed", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) {
			a.Method = govdata.MethodSubscription
		}, false},
		{"a wider region", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) { a.RegionScope = []string{"230000"} }, false},
		{"another city", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) {
			a.RegionScope = []string{"230102", "230202"}
		}, false},
		{"all rows asked, a scope allowed", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) { a.RegionScope = nil }, false},
		{"a longer period", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) { a.ValidUntil = today.AddDays(366) }, false},
		{"a period already over", 5, func(a *govdata.ApplicationInput, _ *govdata.ApplicationScenario) { a.ValidUntil = today }, false},
		{"retired", 5, func(_ *govdata.ApplicationInput, s *govdata.ApplicationScenario) { s.State = govdata.ScenarioRetired }, false},
	} {
		a, sc := app(), s
		sc.Items, sc.Methods, sc.RegionScope = append([]string(nil), s.Items...), append([]govdata.ShareMethod(nil), s.Methods...), append([]string(nil), s.RegionScope...)
		if c.edit != nil {
			c.edit(&a, &sc)
		}
		if got := govdata.MatchScenario(a, c.consumer, sc, today); got != c.want {
			t.Errorf("%s: MatchScenario = %v, want %v", c.name, got, c.want)
		}
	}
}
