package quality_test

import (
	"slices"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/quality"
)

// today is the clock the checks are compiled with.
var today = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

// TestCompileUsesTheClock: a citizen ID's birth year is judged by the
// platform's clock, not the machine's, so that tests and deployments whose
// clock is set agree (STYLE.md: time from an injected clock).
func TestCompileUsesTheClock(t *testing.T) {
	items := []govdata.Item{{Name: "公民身份号码", Type: govdata.ItemChar, Length: 18, Rules: &govdata.Rules{Format: govdata.FormatCitizenID}}}
	born2027 := citizenID("23010220270105123")
	for _, c := range []struct {
		now  time.Time
		want int
	}{{today, 1}, {time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC), 0}} {
		ch, err := quality.Compile(items, c.now)
		if err != nil {
			t.Fatal(err)
		}
		if v := ch.Check([]string{born2027}, nil); len(v) != c.want {
			t.Errorf("on %s, an ID born on 2027-01-05: %d violations %v, want %d", c.now.Format(time.DateOnly), len(v), v, c.want)
		}
	}
}

// citizenID completes 17 digits with their GB 11643 check character.
func citizenID(first17 string) string {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * w[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

func TestCitizenID(t *testing.T) {
	for v, ok := range map[string]bool{
		"11010519491231002X":           true, // the standard's own example
		citizenID("23010219850615123"): true,
		citizenID("23010220000229123"): true,  // a leap day
		citizenID("23010219000229123"): false, // 1900 was not a leap year
		citizenID("23010220250230123"): false, // 2025-02-30
		citizenID("23010218991231123"): false, // before 1900
		citizenID("23010221000101123"): false, // in the future
		"11010519491231002x":           false, // the X is a capital
		"110105194912310021":           false, // wrong check digit
		"11010519491231002":            false,
		"1101051949123100２X":           false,
		"":                             false,
	} {
		if got := quality.CitizenID(v, 2026); got != ok {
			t.Errorf("CitizenID(%q) = %v", v, got)
		}
	}
}

func TestPhone(t *testing.T) {
	for v, ok := range map[string]bool{
		"13812345678": true, "19912345678": true, "+8613812345678": true, "+86 13812345678": true, "008613812345678": true,
		"010-12345678": true, "01012345678": true, "0755-1234567": true, "021-12345678-123": true, "0451-86661234": true,
		"12812345678": false, "1381234567": false, "138123456789": false, "1234567": false, "010-123456": false,
		"010-12345678-1234567": false, "abc": false, "": false, "+86": false, "021-1234567a": false,
	} {
		if got := quality.Phone(v); got != ok {
			t.Errorf("Phone(%q) = %v", v, got)
		}
	}
}

func ptr(f float64) *float64 { return &f }

func TestCheck(t *testing.T) {
	items := []govdata.Item{
		{Name: "公民身份号码", Type: govdata.ItemChar, Length: 18, Rules: &govdata.Rules{Required: true, Format: govdata.FormatCitizenID}},
		{Name: "姓名", Type: govdata.ItemChar, Length: 4},
		{Name: "年龄", Type: govdata.ItemNumber, Length: 3, Rules: &govdata.Rules{Min: ptr(0), Max: ptr(150)}},
		{Name: "缴费金额", Type: govdata.ItemMoney},
		{Name: "登记日期", Type: govdata.ItemDate, Rules: &govdata.Rules{Format: govdata.FormatDate}},
		{Name: "登记时间", Type: govdata.ItemDateTime},
		{Name: "性别", Type: govdata.ItemChar, Rules: &govdata.Rules{Enum: []string{"男", "女"}}},
		{Name: "在职", Type: govdata.ItemLogical},
		{Name: "联系电话", Type: govdata.ItemChar, Rules: &govdata.Rules{Format: govdata.FormatPhone}},
		{Name: "邮编", Type: govdata.ItemChar, Rules: &govdata.Rules{Pattern: `[0-9]{6}`}},
		{Name: "统一社会信用代码", Type: govdata.ItemChar, Rules: &govdata.Rules{Format: govdata.FormatCreditCode}},
		{Name: "行政区划", Type: govdata.ItemChar, Rules: &govdata.Rules{Format: govdata.FormatRegionCode}},
	}
	c, err := quality.Compile(items, today)
	if err != nil {
		t.Fatal(err)
	}
	cc, _ := govdata.CreditCodeCheckChar("91230100MA1B2C3D4")
	credit := "91230100MA1B2C3D4" + string(cc)
	good := []string{"11010519491231002X", "欧阳小明", "36", "1234.56", "2024-02-29", "2025-01-02T03:04:05+08:00", "女", "是",
		"13812345678", "150001", credit, "230102"}
	if v := c.Check(good, nil); len(v) != 0 {
		t.Fatalf("a good row: %v", v)
	}
	if n := testing.AllocsPerRun(100, func() { c.Check(good, nil) }); n != 0 {
		t.Errorf("a good row allocates %v times", n)
	}
	for _, tc := range []struct {
		item  int
		value string
		want  []quality.Rule
	}{
		{0, "", []quality.Rule{quality.RuleRequired}},
		{0, "110105194912310021", []quality.Rule{quality.RuleFormat}},
		{1, "欧阳小明明", []quality.Rule{quality.RuleLength}},
		{2, "abc", []quality.Rule{quality.RuleType}},
		{2, "151", []quality.Rule{quality.RuleMax}},
		{2, "-1", []quality.Rule{quality.RuleMin}},
		{2, "1000", []quality.Rule{quality.RuleLength, quality.RuleMax}},
		{3, "12.345", []quality.Rule{quality.RuleType}},
		{4, "2025-02-30", []quality.Rule{quality.RuleType}},
		{4, "2025/01/01", []quality.Rule{quality.RuleType}},
		{5, "2025-01-02 24:00:00", []quality.Rule{quality.RuleType}},
		{6, "未知", []quality.Rule{quality.RuleEnum}},
		{7, "maybe", []quality.Rule{quality.RuleType}},
		{8, "12345", []quality.Rule{quality.RuleFormat}},
		{9, "15000", []quality.Rule{quality.RulePattern}},
		{9, "1500011", []quality.Rule{quality.RulePattern}},
		{10, "91230100MA1B2C3D4I", []quality.Rule{quality.RuleFormat}},
		{11, "2301", []quality.Rule{quality.RuleFormat}},
		{1, "a\x00b", []quality.Rule{quality.RuleType}},
		{1, "\xff\xfe", []quality.Rule{quality.RuleType}},
	} {
		row := slices.Clone(good)
		row[tc.item] = tc.value
		var got []quality.Rule
		for _, v := range c.Check(row, nil) {
			if v.Item != tc.item {
				t.Errorf("%s=%q: a violation on item %d", items[tc.item].Name, tc.value, v.Item)
			}
			got = append(got, v.Rule)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s=%q: %v, want %v", items[tc.item].Name, tc.value, got, tc.want)
		}
	}
	// A short row: the missing values are absent.
	if v := c.Check(good[:1], nil); len(v) != 0 {
		t.Errorf("a short row: %v", v)
	}
}

func FuzzCheck(f *testing.F) {
	items := []govdata.Item{
		{Name: "a", Type: govdata.ItemChar, Length: 18, Rules: &govdata.Rules{Required: true, Format: govdata.FormatCitizenID}},
		{Name: "b", Type: govdata.ItemNumber, Rules: &govdata.Rules{Min: ptr(0), Max: ptr(10)}},
		{Name: "c", Type: govdata.ItemDateTime},
		{Name: "d", Type: govdata.ItemChar, Rules: &govdata.Rules{Format: govdata.FormatPhone, Pattern: `1.*`}},
		{Name: "e", Type: govdata.ItemMoney, Rules: &govdata.Rules{Format: govdata.FormatDate}},
	}
	c, err := quality.Compile(items, today)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("11010519491231002X", "5", "2025-01-02 03:04:05.123Z", "+86 13812345678", "2024-02-29")
	f.Add("", "-", "2025-01-02T03:04:05+", "0086", ".")
	f.Fuzz(func(t *testing.T, a, b, cc, d, e string) {
		for _, v := range c.Check([]string{a, b, cc, d, e}, nil) {
			if v.Item < 0 || v.Item >= 5 {
				t.Fatalf("violation on item %d", v.Item)
			}
		}
	})
}

// Two format rules on ten columns, as the ingest benchmark of issue 5.
func BenchmarkCheck(b *testing.B) {
	items := make([]govdata.Item, 10)
	for i := range items {
		items[i] = govdata.Item{Name: string(rune('a' + i)), Type: govdata.ItemChar, Length: 50}
	}
	items[0].Rules = &govdata.Rules{Required: true, Format: govdata.FormatCitizenID}
	items[1].Rules = &govdata.Rules{Format: govdata.FormatPhone}
	items[2].Type = govdata.ItemNumber
	items[3].Type = govdata.ItemDate
	c, err := quality.Compile(items, today)
	if err != nil {
		b.Fatal(err)
	}
	row := []string{"11010519491231002X", "13812345678", "42", "2025-06-30", "张三", "哈尔滨市道里区", "备注信息", "x", "y", "z"}
	var out []quality.Violation
	b.ReportAllocs()
	for b.Loop() {
		out = c.Check(row, out[:0])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
