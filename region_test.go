package govdata_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata"
)

func TestRegionLevelOf(t *testing.T) {
	tests := []struct {
		code    string
		want    govdata.RegionLevel
		wantMsg govdata.Msg // zero when valid
	}{
		// Provinces, municipalities, autonomous regions, SARs.
		{"350000", govdata.RegionProvince, govdata.Msg{}},
		{"110000", govdata.RegionProvince, govdata.Msg{}}, // 北京市
		{"650000", govdata.RegionProvince, govdata.Msg{}}, // 新疆维吾尔自治区
		{"710000", govdata.RegionProvince, govdata.Msg{}},
		{"810000", govdata.RegionProvince, govdata.Msg{}},
		{"820000", govdata.RegionProvince, govdata.Msg{}},
		// Prefecture-level cities, and a municipality's 市辖区.
		{"350100", govdata.RegionCity, govdata.Msg{}}, // 福州市
		{"110100", govdata.RegionCity, govdata.Msg{}},
		{"441900", govdata.RegionCity, govdata.Msg{}}, // 东莞市, a city without counties
		// Counties, districts, and 省直辖县级行政区划.
		{"350102", govdata.RegionCounty, govdata.Msg{}}, // 福州市鼓楼区
		{"110101", govdata.RegionCounty, govdata.Msg{}}, // 北京市东城区
		{"419001", govdata.RegionCounty, govdata.Msg{}}, // 济源市
		{"429004", govdata.RegionCounty, govdata.Msg{}}, // 仙桃市
		{"469001", govdata.RegionCounty, govdata.Msg{}}, // 五指山市
		// Townships (9 digits) and villages (12 digits).
		{"350102001", govdata.RegionTownship, govdata.Msg{}},
		{"419001100", govdata.RegionTownship, govdata.Msg{}},
		{"441900003", govdata.RegionTownship, govdata.Msg{}}, // 东莞市东城街道: under a city directly
		{"442000001", govdata.RegionTownship, govdata.Msg{}}, // 中山市石岐街道
		{"350102001001", govdata.RegionVillage, govdata.Msg{}},
		{"441900003001", govdata.RegionVillage, govdata.Msg{}},
		// 统计用区划代码's placeholders of a county without townships:
		// 金门县 350527 is also township 350527000 and village 350527000000.
		{"350527000", govdata.RegionTownship, govdata.Msg{}},
		{"350527000000", govdata.RegionVillage, govdata.Msg{}},
		// Malformed: each message names the problem.
		{"", "", govdata.MsgRegionCodeEmpty},
		{"35", "", govdata.MsgRegionCodeLength},
		{"35000", "", govdata.MsgRegionCodeLength},
		{"3500000", "", govdata.MsgRegionCodeLength},
		{"35010200", "", govdata.MsgRegionCodeLength},
		{"3501020010", "", govdata.MsgRegionCodeLength},
		{"35010200100", "", govdata.MsgRegionCodeLength},
		{"3501020010010", "", govdata.MsgRegionCodeLength},
		{"35010A", "", govdata.MsgRegionCodeDigits},
		{"35O100", "", govdata.MsgRegionCodeDigits},
		{" 35010", "", govdata.MsgRegionCodeDigits},
		{"-35010", "", govdata.MsgRegionCodeDigits},
		{"３５００００", "", govdata.MsgRegionCodeDigits},                    // full-width digits
		{"350000001", "", govdata.MsgRegionTownUnderProvince},          // township under a province
		{"350000000", "", govdata.MsgRegionTownUnderProvince},          // placeholder under a province
		{"350102001000", "", govdata.MsgRegionVillageZero},             // village 000 under a real township
		{"350102000001", "", govdata.MsgRegionVillageUnderPlaceholder}, // real village under a placeholder
		{"350000000001", "", govdata.MsgRegionTownUnderProvince},       // its township is wrong
		// Unknown province prefixes.
		{"990000", "", govdata.MsgRegionProvince},
		{"990101", "", govdata.MsgRegionProvince},
		{"100000", "", govdata.MsgRegionProvince},
		{"000000", "", govdata.MsgRegionProvince},
		{"990101001", "", govdata.MsgRegionProvince},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, err := govdata.RegionLevelOf(tt.code)
			if tt.wantMsg == (govdata.Msg{}) {
				if err != nil {
					t.Fatalf("RegionLevelOf(%q) error %v, want level %q", tt.code, err, tt.want)
				}
				if got != tt.want {
					t.Fatalf("RegionLevelOf(%q) = %q, want %q", tt.code, got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("RegionLevelOf(%q) = %q, want an error", tt.code, got)
			}
			if err.Code != govdata.EINVALID || err.Message.Msg != tt.wantMsg {
				t.Fatalf("RegionLevelOf(%q) error = %v, want EINVALID %q", tt.code, err, tt.wantMsg.EN)
			}
			if got != "" {
				t.Fatalf("RegionLevelOf(%q) level = %q with an error, want empty", tt.code, got)
			}
		})
	}
}

func TestRegionParentCandidates(t *testing.T) {
	tests := []struct {
		code string
		want []string
	}{
		{"350000", nil},
		{"110000", nil},
		{"350100", []string{"350000"}},
		{"350102", []string{"350100", "350000"}},
		{"110101", []string{"110100", "110000"}}, // a district under 市辖区 or directly under the municipality
		{"419001", []string{"419000", "410000"}}, // 济源: in practice directly under 河南省
		{"350102001", []string{"350102"}},
		{"441900003", []string{"441900"}},
		{"350102001001", []string{"350102001"}},
		{"", nil},
		{"990100", nil},
		{"35010A", nil},
	}
	for _, tt := range tests {
		if got := govdata.RegionParentCandidates(tt.code); !slices.Equal(got, tt.want) {
			t.Errorf("RegionParentCandidates(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestRegionCovers(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"350000", "350000", true},
		{"350000", "350100", true},
		{"350000", "350102", true},
		{"350100", "350102", true},
		{"350100", "350121", true},
		{"350000", "350102001001", true},
		{"350102", "350102001001", true},
		{"350102001", "350102001001", true},
		{"410000", "419001", true},
		{"110000", "110101", true},
		{"440000", "441900003", true},
		{"441900", "441900003001", true},
		// Not ancestors.
		{"350102", "350100", false},
		{"350100", "350000", false},
		{"350100", "350200", false},
		{"350100", "350203", false},
		{"350000", "360102", false},
		{"350102", "350103001", false},
		{"350102001", "350102002001", false},
		{"350102001001", "350102001", false},
		// A malformed descendant is covered by nothing but itself.
		{"350000", "35010X", false},
		{"350000", "", false},
	}
	for _, tt := range tests {
		if got := govdata.RegionCovers(tt.a, tt.b); got != tt.want {
			t.Errorf("RegionCovers(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestValidateRegionInput(t *testing.T) {
	tests := []struct {
		name string
		in   govdata.RegionInput
		want map[string]govdata.Msg // field → message; nil when valid
	}{
		{"province", govdata.RegionInput{Code: "350000", Name: "福建省"}, nil},
		{"derived parent", govdata.RegionInput{Code: "350102", Name: "鼓楼区"}, nil},
		{"parent city", govdata.RegionInput{Code: "350102", Name: "鼓楼区", ParentCode: "350100"}, nil},
		{"parent province", govdata.RegionInput{Code: "350102", Name: "鼓楼区", ParentCode: "350000"}, nil},
		{"parent of another province", govdata.RegionInput{Code: "350102", Name: "鼓楼区", ParentCode: "360000"},
			map[string]govdata.Msg{"parent_code": govdata.MsgRegionParentBad}},
		{"parent is itself", govdata.RegionInput{Code: "350102", Name: "鼓楼区", ParentCode: "350102"},
			map[string]govdata.Msg{"parent_code": govdata.MsgRegionParentBad}},
		{"province with parent", govdata.RegionInput{Code: "350000", Name: "福建省", ParentCode: "350000"},
			map[string]govdata.Msg{"parent_code": govdata.MsgRegionParentBad}},
		{"bad code", govdata.RegionInput{Code: "3501", Name: "x", ParentCode: "360000"},
			map[string]govdata.Msg{"code": govdata.MsgRegionCodeLength}},
		{"unknown province", govdata.RegionInput{Code: "990000", Name: "x"},
			map[string]govdata.Msg{"code": govdata.MsgRegionProvince}},
		{"blank name", govdata.RegionInput{Code: "350000", Name: " \t　"},
			map[string]govdata.Msg{"name": govdata.MsgRequired}},
		{"long name", govdata.RegionInput{Code: "350000", Name: strings.Repeat("省", 101)},
			map[string]govdata.Msg{"name": govdata.MsgTooLong}},
		{"longest name", govdata.RegionInput{Code: "350000", Name: strings.Repeat("省", 100)}, nil},
		{"everything wrong", govdata.RegionInput{Code: "x"},
			map[string]govdata.Msg{"code": govdata.MsgRegionCodeDigits, "name": govdata.MsgRequired}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFields(t, govdata.ValidateRegionInput(tt.in), tt.want)
		})
	}
}

// checkFields compares the per-field messages of an EINVALID error with want
// (nil: err must be nil).
func checkFields(t *testing.T, err error, want map[string]govdata.Msg) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("error %v, want none", err)
		}
		return
	}
	e, ok := err.(*govdata.Error)
	if !ok || e.Code != govdata.EINVALID {
		t.Fatalf("error %v (%T), want an EINVALID *govdata.Error", err, err)
	}
	got := map[string]govdata.Msg{}
	for k, m := range e.Fields {
		got[k] = m.Msg
	}
	if len(got) != len(want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	for k, m := range want {
		if got[k] != m {
			t.Fatalf("field %s: %q, want %q (all: %v)", k, got[k].EN, m.EN, err)
		}
	}
}
