package govdata_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/govdata/govdata"
)

func shareEntry() *govdata.Entry {
	return &govdata.Entry{ID: 7, DepartmentID: 4, Status: govdata.EntryPublished, PublishedVersion: 1,
		EntryInput: govdata.EntryInput{ShareType: govdata.ShareConditional, ShareConditions: "履职需要", Items: []govdata.Item{
			{Name: "公民身份号码", Type: govdata.ItemChar, Sensitivity: 4},
			{Name: "姓名", Type: govdata.ItemChar, Sensitivity: 3},
			{Name: "宗教信仰", Type: govdata.ItemChar, Sensitivity: 4, ShareType: govdata.ShareNone},
			{Name: "户籍地", Type: govdata.ItemChar, Sensitivity: 1, Region: true},
		}}}
}

func TestValidateApplication(t *testing.T) {
	today := govdata.Date{Year: 2026, Month: 3, Day: 2}
	good := govdata.ApplicationInput{CatalogID: 7, Items: []string{"公民身份号码", "姓名"}, Scenario: "社保待遇资格认证", Purpose: "核验参保人身份",
		LegalBasis: "《社会保险法》第七十四条", RegionScope: []string{"230102"}, Method: govdata.MethodAPI, ValidUntil: govdata.Date{Year: 2027, Month: 3, Day: 1}}
	if err := govdata.ValidateApplication(good, shareEntry(), 5, today); err != nil {
		t.Fatalf("a good application: %v", err)
	}
	for _, c := range []struct {
		name  string
		field string // "" for a whole-request error
		code  govdata.ErrorCode
		edit  func(*govdata.ApplicationInput, *govdata.Entry)
	}{
		{"no items", "items", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.Items = nil }},
		{"a scope without a region item", "region_scope", govdata.EINVALID, func(_ *govdata.ApplicationInput, e *govdata.Entry) { e.Items = e.Items[:3] }},
		{"unmasked item not applied for", "unmasked_items[0]", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.UnmaskedItems = []string{"户籍地"} }},
		{"export permission for the API", "export_sensitive", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.ExportSensitive = true }},
		{"unknown item", "items[1]", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.Items = []string{"姓名", "籍贯"} }},
		{"item not shared", "items[0]", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.Items = []string{"宗教信仰"} }},
		{"item twice", "items[1]", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.Items = []string{"姓名", "姓名"} }},
		{"empty purpose", "purpose", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.Purpose = "  " }},
		{"no legal basis", "legal_basis", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.LegalBasis = "" }},
		{"no scenario", "scenario", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.Scenario = "" }},
		{"method", "method", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.Method = "fax" }},
		{"period over", "valid_until", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.ValidUntil = today }},
		{"period too long", "valid_until", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) {
			a.ValidUntil = govdata.Date{Year: 2032, Month: 1, Day: 1}
		}},
		{"bad region", "region_scope[0]", govdata.EINVALID, func(a *govdata.ApplicationInput, _ *govdata.Entry) { a.RegionScope = []string{"23010"} }},
		{"own data", "", govdata.EINVALID, func(_ *govdata.ApplicationInput, e *govdata.Entry) { e.DepartmentID = 5 }},
		{"not shared entry", "", govdata.EINVALID, func(_ *govdata.ApplicationInput, e *govdata.Entry) {
			e.ShareType, e.ShareBasis = govdata.ShareNone, "《居民身份证法》第十九条"
		}},
		{"unpublished", "", govdata.ECONFLICT, func(_ *govdata.ApplicationInput, e *govdata.Entry) {
			e.PublishedVersion, e.Status = 0, govdata.EntryDraft
		}},
		{"revoked", "", govdata.ECONFLICT, func(_ *govdata.ApplicationInput, e *govdata.Entry) { e.Status = govdata.EntryRevoked }},
		{"being revoked", "", govdata.ECONFLICT, func(_ *govdata.ApplicationInput, e *govdata.Entry) { e.Status = govdata.EntryRevoking }},
	} {
		a, e := good, shareEntry()
		a.Items = append([]string(nil), good.Items...)
		c.edit(&a, e)
		err := govdata.ValidateApplication(a, e, 5, today)
		var ge *govdata.Error
		if !errors.As(err, &ge) || ge.Code != c.code || (c.field != "" && ge.Fields[c.field].Msg.ZH == "") {
			t.Errorf("%s: %v, want %s on %q", c.name, err, c.code, c.field)
		}
	}
	// A not_shared entry's refusal names its legal basis.
	e := shareEntry()
	e.ShareType, e.ShareBasis = govdata.ShareNone, "《居民身份证法》第十九条"
	var ge *govdata.Error
	if err := govdata.ValidateApplication(good, e, 5, today); !errors.As(err, &ge) || ge.Message.Text("zh") != "该目录不予共享，依据：《居民身份证法》第十九条" {
		t.Errorf("not shared: %v", err)
	}
}

func TestValidateDecision(t *testing.T) {
	for _, c := range []struct {
		d  govdata.ApplicationDecision
		ok bool
	}{
		{govdata.ApplicationDecision{Decision: govdata.ActionApprove}, true},
		{govdata.ApplicationDecision{Decision: govdata.ActionReject, Reason: "涉及敏感信息", ReasonCategory: govdata.RefusalSensitive}, true},
		{govdata.ApplicationDecision{Decision: govdata.ActionReject, Reason: "涉及敏感信息"}, false},
		{govdata.ApplicationDecision{Decision: govdata.ActionReject, ReasonCategory: govdata.RefusalLaw}, false},
		{govdata.ApplicationDecision{Decision: govdata.ActionReject, Reason: "x", ReasonCategory: "mood"}, false},
		{govdata.ApplicationDecision{Decision: govdata.ActionReturn}, false},
		{govdata.ApplicationDecision{Decision: govdata.ActionReturn, Reason: "补充履职依据"}, true},
	} {
		if err := govdata.ValidateDecision(c.d); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.d, err)
		}
	}
	if govdata.ShareWorkflow(govdata.ShareUnconditional) != govdata.WorkflowShareUnconditional || govdata.ShareWorkflow(govdata.ShareConditional) != govdata.WorkflowShareConditional {
		t.Error("share workflows")
	}
}

func TestGrantStates(t *testing.T) {
	for _, c := range []struct {
		from   govdata.GrantState
		action govdata.GrantAction
		to     govdata.GrantState // "" refused
	}{
		{govdata.GrantActive, govdata.GrantSuspend, govdata.GrantSuspended},
		{govdata.GrantSuspended, govdata.GrantResume, govdata.GrantActive},
		{govdata.GrantActive, govdata.GrantRevoke, govdata.GrantRevoked},
		{govdata.GrantSuspended, govdata.GrantRevoke, govdata.GrantRevoked},
		{govdata.GrantActive, govdata.GrantResume, ""},
		{govdata.GrantSuspended, govdata.GrantSuspend, ""},
		{govdata.GrantRevoked, govdata.GrantResume, ""},
		{govdata.GrantRevoked, govdata.GrantRevoke, ""},
		{govdata.GrantExpired, govdata.GrantResume, ""},
	} {
		got, err := govdata.NextGrantState(c.from, c.action)
		if got != c.to || (c.to == "") != (govdata.ErrorCodeOf(err) == govdata.ECONFLICT) {
			t.Errorf("%s %s: %s, %v; want %q", c.from, c.action, got, err, c.to)
		}
	}
	g := govdata.Grant{State: govdata.GrantActive, ValidUntil: govdata.Date{Year: 2026, Month: 3, Day: 2}}
	if g.EffectiveState(govdata.Date{Year: 2026, Month: 3, Day: 2}) != govdata.GrantActive || g.EffectiveState(govdata.Date{Year: 2026, Month: 3, Day: 3}) != govdata.GrantExpired {
		t.Error("expiry: valid through its last day, expired the day after")
	}
	g.State = govdata.GrantRevoked
	if g.EffectiveState(govdata.Date{Year: 2027, Month: 1, Day: 1}) != govdata.GrantRevoked {
		t.Error("a revoked grant stays revoked")
	}
}

// A record encodes exactly as encoding/json would encode its map.
func TestRecordJSON(t *testing.T) {
	values := []string{"", "张三", "a\"b\\c", "line\nbreak\r\ttab", "\x00\x1f<>&", "bad \xff utf8 \xe4\xb8", "\u2028\u2029", "😀", "ok"}
	for i, v := range values {
		v := v
		r := govdata.Record{"值": &v, "null": nil, fmt.Sprintf("k%d\"", i): &v}
		got, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(map[string]*string(r))
		if !bytes.Equal(got, want) {
			t.Errorf("%q: %s, want %s", v, got, want)
		}
	}
}

// A page of records encodes as encoding/json would encode its fields.
func TestServiceRecordsJSON(t *testing.T) {
	v := "张三"
	for _, p := range []govdata.ServiceRecords{
		{GrantID: 7, Items: []govdata.Record{}},
		{GrantID: 7, Items: []govdata.Record{{"姓名": &v, "x": nil}, {}}, NextCursor: "djE6MTIz"},
	} {
		got, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		type plain struct {
			GrantID    int64                `json:"grant_id"`
			Items      []map[string]*string `json:"items"`
			NextCursor string               `json:"next_cursor,omitempty"`
		}
		q := plain{GrantID: p.GrantID, NextCursor: p.NextCursor, Items: []map[string]*string{}}
		for _, r := range p.Items {
			q.Items = append(q.Items, r)
		}
		want, _ := json.Marshal(q)
		if !bytes.Equal(got, want) {
			t.Errorf("%s, want %s", got, want)
		}
	}
}

func FuzzRecordJSON(f *testing.F) {
	f.Add("张三", "a\"\\\n\x00\xff")
	f.Fuzz(func(t *testing.T, k, v string) {
		r := govdata.Record{k: &v, "n": nil}
		got, _ := json.Marshal(r)
		want, _ := json.Marshal(map[string]*string(r))
		if !bytes.Equal(got, want) {
			t.Errorf("%q→%q: %s, want %s", k, v, got, want)
		}
	})
}
