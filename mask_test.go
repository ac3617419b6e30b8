package govdata_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/govdata/govdata"
)

func TestMaskApply(t *testing.T) {
	k := govdata.Masker{Key: []byte("test-mask-key-0123456789abcdef")}
	keep := func(first, last int) govdata.Mask {
		return govdata.Mask{Kind: govdata.MaskKeep, First: first, Last: last}
	}
	for _, c := range []struct {
		in   string
		mask govdata.Mask
		want string
	}{
		{"11010519491231002X", keep(6, 4), "110105********002X"},
		{"11010519491231002X", keep(1, 1), "1****************X"},
		{"张三丰", keep(1, 1), "张*丰"},
		{"张三", keep(1, 1), "张*"},
		{"张", keep(1, 1), "*"},
		{"13800138000", keep(3, 4), "138****8000"},
		{"13800138000", keep(0, 4), "*******8000"},
		{"黑龙江省哈尔滨市", govdata.Mask{Kind: govdata.MaskRedact}, "********"},
		{"1949-12-31", govdata.Mask{Kind: govdata.MaskYear}, "1949"},
		{"不是日期", govdata.Mask{Kind: govdata.MaskYear}, "****"},
		{"原样", govdata.Mask{Kind: govdata.MaskNone}, "原样"},
		{"", keep(1, 1), ""},
		{"\xff\xfe张三", keep(1, 1), "\uFFFD**三"}, // bytes that are no UTF-8 count as one character each
	} {
		v := c.in
		got := k.Apply(&v, c.mask)
		if got == nil || *got != c.want {
			t.Errorf("%q %+v: got %v, want %q", c.in, c.mask, got, c.want)
		}
	}
	v := "11010519491231002X"
	a, b := k.Apply(&v, govdata.Mask{Kind: govdata.MaskHash}), k.Apply(&v, govdata.Mask{Kind: govdata.MaskHash})
	if a == nil || len(*a) != 32 || *a != *b || strings.Contains(*a, "1949") {
		t.Errorf("hash %v %v", a, b)
	}
	other := govdata.Masker{Key: []byte("another-key")}.Apply(&v, govdata.Mask{Kind: govdata.MaskHash})
	if *other == *a {
		t.Error("the hash does not depend on the key")
	}
	if got := k.Apply(&v, govdata.Mask{Kind: govdata.MaskNull}); got != nil {
		t.Errorf("null mask: %q", *got)
	}
	if got := k.Apply(nil, govdata.Mask{Kind: govdata.MaskNone}); got != nil {
		t.Error("a null value became a value")
	}
}

func TestMaskValidate(t *testing.T) {
	for _, c := range []struct {
		mask govdata.Mask
		ok   bool
	}{
		{govdata.Mask{Kind: govdata.MaskKeep, First: 6, Last: 4}, true},
		{govdata.Mask{Kind: govdata.MaskKeep}, false},
		{govdata.Mask{Kind: govdata.MaskKeep, First: -1, Last: 2}, false},
		{govdata.Mask{Kind: govdata.MaskKeep, First: 21}, false},
		{govdata.Mask{Kind: govdata.MaskRedact, First: 2}, false},
		{govdata.Mask{Kind: "scramble"}, false},
		{govdata.Mask{Kind: govdata.MaskYear}, true},
	} {
		if err := c.mask.Validate("mask"); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.mask, err)
		}
	}
}

func TestMaskPolicy(t *testing.T) {
	p := govdata.MaskPolicy{
		Levels: map[int]govdata.Mask{3: {Kind: govdata.MaskHash}},
		Items:  map[string]govdata.Mask{govdata.ItemKey(7, "公民身份号码"): {Kind: govdata.MaskKeep, First: 6, Last: 4}},
	}
	for _, c := range []struct {
		entry int64
		item  govdata.Item
		want  govdata.MaskKind
	}{
		{7, govdata.Item{Name: "公民身份号码", Sensitivity: 4}, govdata.MaskKeep},   // the item's own
		{8, govdata.Item{Name: "公民身份号码", Sensitivity: 4}, govdata.MaskRedact}, // another entry: level 4's default
		{7, govdata.Item{Name: "姓名", Sensitivity: 3}, govdata.MaskHash},       // the level's, set
		{7, govdata.Item{Name: "性别", Sensitivity: 2}, govdata.MaskNone},
		{7, govdata.Item{Name: "?", Sensitivity: 9}, govdata.MaskRedact}, // unknown level: safe side
	} {
		if got := p.MaskOf(c.entry, c.item); got.Kind != c.want {
			t.Errorf("%d %s: %s, want %s", c.entry, c.item.Name, got.Kind, c.want)
		}
	}
}

// Whatever the value, a keep mask hides at least one character and keeps
// the length in characters.
func FuzzMask(f *testing.F) {
	f.Add("11010519491231002X", 6, 4)
	f.Add("张三", 1, 1)
	f.Add("", 0, 1)
	k := govdata.Masker{Key: []byte("fuzz-key")}
	f.Fuzz(func(t *testing.T, v string, first, last int) {
		first, last = abs(first)%21, abs(last)%21
		if first+last == 0 || !utf8.ValidString(v) {
			return
		}
		got := *k.Apply(&v, govdata.Mask{Kind: govdata.MaskKeep, First: first, Last: last})
		n := utf8.RuneCountInString(v)
		if utf8.RuneCountInString(got) != n {
			t.Fatalf("%q → %q: length changed", v, got)
		}
		if n > 0 && !strings.Contains(got, "*") {
			t.Fatalf("%q → %q: nothing hidden", v, got)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
