package govdata_test

import (
	"strings"
	"testing"

	"github.com/govdata/govdata"
)

// Real unified social credit codes (GB 32100), as published by their holders
// or in the national credit system, plus codes built to hit edge cases of the
// check character (worked out by hand in the comments).
var validCreditCodes = []string{
	"91350100M000100Y43", // the code the standard's explanations commonly cite: Σ = 1640 ≡ 28, 31 − 28 = 3
	"914403001922038216", // 华为技术有限公司
	"91330100716105852F", // 阿里巴巴（中国）有限公司
	"9144030071526726XG", // 深圳市腾讯计算机系统有限公司
	"91110000802100433B", // 百度在线网络技术（北京）有限公司
	"91310000775785552L",
	"12100000400000624D", // a public institution (事业单位, category 1 2)
	"11350000003591037R", // an organ of the state (机关, category 1 1)
	"113500000000000230", // Σ = 1+3+27+135+60+84 = 310 ≡ 0: 31 is written 0
	"11350000000000007A",
	"11350000000000013Y", // Y, the largest value (30)
}

func TestValidateCreditCode(t *testing.T) {
	for _, code := range validCreditCodes {
		if err := govdata.ValidateCreditCode(code); err != nil {
			t.Errorf("ValidateCreditCode(%q) = %v, want nil", code, err)
		}
	}
	tests := []struct {
		code    string
		wantMsg govdata.Msg
		want    string // the check character the message names
	}{
		{"91350100M000100Y44", govdata.MsgCreditCodeCheck, "3"},
		{"91350100M000100Y4A", govdata.MsgCreditCodeCheck, "3"},
		{"914403001922038217", govdata.MsgCreditCodeCheck, "6"},
		{"91330100716105852E", govdata.MsgCreditCodeCheck, "F"},
		{"113500000000000231", govdata.MsgCreditCodeCheck, "0"},
		{"91350100M000100Y34", govdata.MsgCreditCodeCheck, "0"}, // two characters swapped
		// A changed body character changes the check character.
		{"91350100M000200Y43", govdata.MsgCreditCodeCheck, "T"}, // Σ + 8 = 1648 ≡ 5: 26 is T
		// Letters GB 32100 leaves out, anywhere, and lower case.
		{"91350100I000100Y43", govdata.MsgCreditCodeFormat, ""},
		{"91350100O000100Y43", govdata.MsgCreditCodeFormat, ""},
		{"91350100Z000100Y43", govdata.MsgCreditCodeFormat, ""},
		{"91350100S000100Y43", govdata.MsgCreditCodeFormat, ""},
		{"91350100V000100Y43", govdata.MsgCreditCodeFormat, ""},
		{"91350100M000100Y4I", govdata.MsgCreditCodeFormat, ""},
		{"91350100M000100Y4O", govdata.MsgCreditCodeFormat, ""},
		{"91350100M000100Y4Z", govdata.MsgCreditCodeFormat, ""},
		{"91350100M000100Y4S", govdata.MsgCreditCodeFormat, ""},
		{"91350100M000100Y4V", govdata.MsgCreditCodeFormat, ""},
		{"91350100m000100y43", govdata.MsgCreditCodeFormat, ""},
		{"91350100M000100Y4-", govdata.MsgCreditCodeFormat, ""},
		{"9135010０M000100Y43", govdata.MsgCreditCodeFormat, ""}, // a full-width digit: 18 characters, 20 bytes
		// Wrong length.
		{"", govdata.MsgCreditCodeFormat, ""},
		{"91350100M000100Y4", govdata.MsgCreditCodeFormat, ""},
		{"91350100M000100Y433", govdata.MsgCreditCodeFormat, ""},
		{" 91350100M000100Y43", govdata.MsgCreditCodeFormat, ""},
		{"91350100M000100Y43 ", govdata.MsgCreditCodeFormat, ""},
		{"350100M000100Y43", govdata.MsgCreditCodeFormat, ""},
	}
	for _, tt := range tests {
		err := govdata.ValidateCreditCode(tt.code)
		if err == nil {
			t.Errorf("ValidateCreditCode(%q) = nil, want %q", tt.code, tt.wantMsg.EN)
			continue
		}
		if err.Code != govdata.EINVALID || err.Message.Msg != tt.wantMsg {
			t.Errorf("ValidateCreditCode(%q) = %v, want EINVALID %q", tt.code, err, tt.wantMsg.EN)
			continue
		}
		if tt.want != "" {
			if got := err.Message.Text("en"); !strings.HasSuffix(got, "it should be "+tt.want) {
				t.Errorf("ValidateCreditCode(%q) message %q, want it to name %q", tt.code, got, tt.want)
			}
		}
	}
}

func TestCreditCodeCheckChar(t *testing.T) {
	for _, code := range validCreditCodes {
		got, ok := govdata.CreditCodeCheckChar(code[:17])
		if !ok || got != code[17] {
			t.Errorf("CreditCodeCheckChar(%q) = %q, %v; want %q, true", code[:17], got, ok, code[17])
		}
	}
	for _, bad := range []string{"", "91350100M000100Y", "91350100M000100Y43", "91350100I000100Y4", "9135010 M000100Y4"} {
		if got, ok := govdata.CreditCodeCheckChar(bad); ok {
			t.Errorf("CreditCodeCheckChar(%q) = %q, true; want false", bad, got)
		}
	}
}

func TestValidateDepartmentInput(t *testing.T) {
	ok := govdata.DepartmentInput{Name: "福州市大数据委", CreditCode: "11350000003591037R", RegionCode: "350100", Level: govdata.LevelCity}
	tests := []struct {
		name   string
		change func(*govdata.DepartmentInput)
		want   map[string]govdata.Msg
	}{
		{"valid", func(*govdata.DepartmentInput) {}, nil},
		{"township level", func(in *govdata.DepartmentInput) { in.Level = govdata.LevelTownship }, nil},
		{"blank name", func(in *govdata.DepartmentInput) { in.Name = "  " },
			map[string]govdata.Msg{"name": govdata.MsgRequired}},
		{"long name", func(in *govdata.DepartmentInput) { in.Name = strings.Repeat("局", 201) },
			map[string]govdata.Msg{"name": govdata.MsgTooLong}},
		{"check character", func(in *govdata.DepartmentInput) { in.CreditCode = "11350000003591037Q" },
			map[string]govdata.Msg{"credit_code": govdata.MsgCreditCodeCheck}},
		{"credit code format", func(in *govdata.DepartmentInput) { in.CreditCode = "1135" },
			map[string]govdata.Msg{"credit_code": govdata.MsgCreditCodeFormat}},
		{"region", func(in *govdata.DepartmentInput) { in.RegionCode = "990100" },
			map[string]govdata.Msg{"region_code": govdata.MsgRegionProvince}},
		{"level", func(in *govdata.DepartmentInput) { in.Level = "village" },
			map[string]govdata.Msg{"level": govdata.MsgDepartmentLevel}},
		{"no level", func(in *govdata.DepartmentInput) { in.Level = "" },
			map[string]govdata.Msg{"level": govdata.MsgDepartmentLevel}},
		{"all", func(in *govdata.DepartmentInput) { *in = govdata.DepartmentInput{} }, map[string]govdata.Msg{
			"name": govdata.MsgRequired, "credit_code": govdata.MsgCreditCodeFormat,
			"region_code": govdata.MsgRegionCodeEmpty, "level": govdata.MsgDepartmentLevel}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.change(&in)
			checkFields(t, govdata.ValidateDepartmentInput(in), tt.want)
		})
	}
}

func TestDepartmentPatchApply(t *testing.T) {
	d := govdata.Department{ID: 7, Name: "甲", CreditCode: "11350000003591037R", RegionCode: "350100", Level: govdata.LevelCity, ParentID: 3}
	name, code, region, level, parent := "乙", "12100000400000624D", "350102", govdata.LevelCounty, int64(0)
	tests := []struct {
		name  string
		patch govdata.DepartmentPatch
		want  govdata.DepartmentInput
	}{
		{"empty", govdata.DepartmentPatch{},
			govdata.DepartmentInput{Name: "甲", CreditCode: "11350000003591037R", RegionCode: "350100", Level: govdata.LevelCity, ParentID: 3}},
		{"all", govdata.DepartmentPatch{Name: &name, CreditCode: &code, RegionCode: &region, Level: &level, ParentID: &parent},
			govdata.DepartmentInput{Name: "乙", CreditCode: "12100000400000624D", RegionCode: "350102", Level: govdata.LevelCounty}},
		{"detach", govdata.DepartmentPatch{ParentID: &parent},
			govdata.DepartmentInput{Name: "甲", CreditCode: "11350000003591037R", RegionCode: "350100", Level: govdata.LevelCity}},
	}
	for _, tt := range tests {
		if got := tt.patch.Apply(d); got != tt.want {
			t.Errorf("%s: Apply = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
