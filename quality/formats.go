package quality

import "github.com/govdata/govdata"

// formats are the national formats (AGG-2) by their catalog names;
// citizen_id, which depends on the year, is made by Compile.
var formats = map[govdata.ValueFormat]func(string) bool{
	govdata.FormatCreditCode: func(v string) bool { return govdata.ValidateCreditCode(v) == nil },
	govdata.FormatPhone:      Phone,
	govdata.FormatDate:       isDate,
	govdata.FormatEmail:      Email,
	govdata.FormatRegionCode: func(v string) bool { _, err := govdata.RegionLevelOf(v); return err == nil },
}

// GB 11643: the check character of a citizen identity number.
var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idChecks  = "10X98765432"
)

// CitizenID reports whether v is an 18-character citizen identity number
// (GB 11643-1999): 17 digits, a check character that matches them (X in
// capitals), and a birth date (characters 7–14) that is a real day from
// 1900 to the year thisYear.
func CitizenID(v string, thisYear int) bool {
	if len(v) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * idWeights[i]
	}
	if v[17] != idChecks[sum%11] {
		return false
	}
	y, _ := digitsOf(v[6:10])
	m, _ := digitsOf(v[10:12])
	d, _ := digitsOf(v[12:14])
	return y >= 1900 && y <= thisYear && validDay(y, m, d)
}

// Phone reports whether v is a mainland telephone number: a mobile number
// (11 digits starting 1[3-9]) or a fixed line (an area code 0 + 2–3 digits,
// an optional hyphen, 7–8 digits, an optional extension after a hyphen),
// either optionally after +86 or 0086.
func Phone(v string) bool {
	for _, p := range []string{"+86", "0086"} {
		if len(v) > len(p) && v[:len(p)] == p {
			v = v[len(p):]
			if v[0] == '-' || v[0] == ' ' {
				v = v[1:]
			}
			break
		}
	}
	if len(v) == 11 && v[0] == '1' && v[1] >= '3' && v[1] <= '9' {
		_, ok := digitsOf(v)
		return ok
	}
	if len(v) < 10 || v[0] != '0' {
		return false
	}
	// 0AA(A)[-]NNNNNNN(N)[-EXT]
	for area := 3; area <= 4; area++ {
		rest := v[area:]
		if _, ok := digitsOf(v[:area]); !ok {
			continue
		}
		if rest != "" && rest[0] == '-' {
			rest = rest[1:]
		}
		number, ext := rest, ""
		for i := 0; i < len(rest); i++ {
			if rest[i] == '-' {
				number, ext = rest[:i], rest[i+1:]
				break
			}
		}
		if _, ok := digitsOf(number); !ok || len(number) < 7 || len(number) > 8 {
			continue
		}
		if ext != "" {
			if _, ok := digitsOf(ext); !ok || len(ext) > 6 {
				continue
			}
		}
		return true
	}
	return false
}

// Email reports whether v is a bare e-mail address.
func Email(v string) bool {
	var fe govdata.FieldErrors
	govdata.CheckEmail(&fe, "", v)
	return fe.Err() == nil
}
