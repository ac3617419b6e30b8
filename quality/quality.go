// Package quality checks the values of a dataset's rows against its
// entry's items (AGG-2): each item's type and length, and the rules the
// catalog stores on it — required, pattern, enum, min, max and the
// national formats (citizen_id with its GB 11643 check digit and birth
// date, credit_code with its GB 32100 check character, phone, date, email,
// region_code). An ingest compiles a Checker once per batch and checks
// every row with it; a valid row costs no allocation.
package quality

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govdata/govdata"
)

// Rule names a check a value failed; reports count violations by item and
// rule.
type Rule string

// The rules.
const (
	RuleRequired Rule = "required"
	RuleType     Rule = "type"
	RuleLength   Rule = "length"
	RulePattern  Rule = "pattern"
	RuleEnum     Rule = "enum"
	RuleMin      Rule = "min"
	RuleMax      Rule = "max"
	RuleFormat   Rule = "format"
)

// Violation is one value that failed one rule.
type Violation struct {
	Item int // the item's index in the entry
	Rule Rule
}

// column is one item, compiled.
type column struct {
	item     govdata.Item
	required bool
	pattern  *regexp.Regexp
	enum     map[string]bool
	min, max *float64
	format   func(string) bool
}

// Checker checks the rows of one entry's dataset.
type Checker struct {
	cols []column
}

// Compile prepares the checks of items (an entry the catalog accepted, so
// its rules are well formed; a pattern that does not compile is an error).
// now is the platform's clock, by which rules that depend on the date
// judge (a citizen ID's birth date may not lie in the future).
func Compile(items []govdata.Item, now time.Time) (*Checker, error) {
	c := &Checker{cols: make([]column, len(items))}
	for i, it := range items {
		col := column{item: it}
		if r := it.Rules; r != nil {
			col.required, col.min, col.max = r.Required, r.Min, r.Max
			if r.Pattern != "" {
				// The whole value must match (as the catalog documents).
				re, err := regexp.Compile(`^(?:` + r.Pattern + `)$`)
				if err != nil {
					return nil, err
				}
				col.pattern = re
			}
			if len(r.Enum) > 0 {
				col.enum = make(map[string]bool, len(r.Enum))
				for _, v := range r.Enum {
					col.enum[v] = true
				}
			}
			col.format = formats[r.Format]
			if r.Format == govdata.FormatCitizenID {
				year := now.Year()
				col.format = func(v string) bool { return CitizenID(v, year) }
			}
		}
		c.cols[i] = col
	}
	return c, nil
}

// Columns is how many values a row holds.
func (c *Checker) Columns() int { return len(c.cols) }

// Check appends to out the violations of one row, whose values are in item
// order ("" is an absent value), and returns out. An empty value is checked
// only for required: the other rules apply to values given.
func (c *Checker) Check(row []string, out []Violation) []Violation {
	for i := range c.cols {
		col := &c.cols[i]
		v := ""
		if i < len(row) {
			v = row[i]
		}
		if v == "" {
			if col.required {
				out = append(out, Violation{i, RuleRequired})
			}
			continue
		}
		if !validType(col.item.Type, v) {
			out = append(out, Violation{i, RuleType})
			continue
		}
		if col.item.Length > 0 && tooLong(col.item.Type, v, col.item.Length) {
			out = append(out, Violation{i, RuleLength})
		}
		if col.pattern != nil && !col.pattern.MatchString(v) {
			out = append(out, Violation{i, RulePattern})
		}
		if col.enum != nil && !col.enum[v] {
			out = append(out, Violation{i, RuleEnum})
		}
		if col.min != nil || col.max != nil {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				if col.min != nil && f < *col.min {
					out = append(out, Violation{i, RuleMin})
				}
				if col.max != nil && f > *col.max {
					out = append(out, Violation{i, RuleMax})
				}
			}
		}
		if col.format != nil && !col.format(v) {
			out = append(out, Violation{i, RuleFormat})
		}
	}
	return out
}

// tooLong: characters for text, digits for numbers (sign and point apart).
func tooLong(t govdata.ItemType, v string, length int) bool {
	switch t {
	case govdata.ItemNumber, govdata.ItemMoney:
		n := 0
		for i := 0; i < len(v); i++ {
			if v[i] >= '0' && v[i] <= '9' {
				n++
			}
		}
		return n > length
	case govdata.ItemChar, govdata.ItemMemo:
		return len(v) > length && utf8.RuneCountInString(v) > length
	}
	return false
}

// validType reports whether v is a value of item type t.
func validType(t govdata.ItemType, v string) bool {
	switch t {
	case govdata.ItemNumber:
		return isNumber(v, -1)
	case govdata.ItemMoney:
		return isNumber(v, 2) // 货币型: at most two decimals (分)
	case govdata.ItemDate:
		return isDate(v)
	case govdata.ItemDateTime:
		return isDateTime(v)
	case govdata.ItemLogical:
		switch strings.ToLower(v) {
		case "true", "false", "1", "0", "是", "否", "y", "n":
			return true
		}
		return false
	}
	return utf8.ValidString(v) && strings.IndexByte(v, 0) < 0
}

// isNumber: an optional sign, digits, an optional point and at most
// decimals digits after it (-1: any).
func isNumber(v string, decimals int) bool {
	i := 0
	if v[0] == '-' || v[0] == '+' {
		i = 1
	}
	digits, point, after := 0, false, 0
	for ; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
			if point {
				after++
			}
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return digits > 0 && (decimals < 0 || after <= decimals)
}

// isDate: YYYY-MM-DD, a real day of the calendar (2025-02-30 is not).
func isDate(v string) bool {
	if len(v) != 10 || v[4] != '-' || v[7] != '-' {
		return false
	}
	y, ok1 := digitsOf(v[0:4])
	m, ok2 := digitsOf(v[5:7])
	d, ok3 := digitsOf(v[8:10])
	return ok1 && ok2 && ok3 && validDay(y, m, d)
}

// isDateTime: YYYY-MM-DD hh:mm:ss (or with T), optionally with seconds'
// fractions and a zone (Z or ±hh:mm).
func isDateTime(v string) bool {
	if len(v) < 19 || !isDate(v[:10]) || (v[10] != ' ' && v[10] != 'T') || v[13] != ':' || v[16] != ':' {
		return false
	}
	h, ok1 := digitsOf(v[11:13])
	mi, ok2 := digitsOf(v[14:16])
	s, ok3 := digitsOf(v[17:19])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || s > 59 {
		return false
	}
	rest := v[19:]
	if strings.HasPrefix(rest, ".") {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "" || rest == "Z":
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		zh, ok1 := digitsOf(rest[1:3])
		zm, ok2 := digitsOf(rest[4:6])
		return ok1 && ok2 && zh <= 14 && zm <= 59
	}
	return false
}

func digitsOf(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func validDay(y, m, d int) bool {
	if y < 1 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}
