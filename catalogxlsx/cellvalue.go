package catalogxlsx

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// clean trims what a clerk cannot see: spaces of any width (the full-width
// 　 of Chinese input methods included), line breaks, zero-width spaces and
// byte-order marks pasted from other documents.
func clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
	})
}

// narrow turns full-width ASCII (ＡＢＣ１２３, typed with a Chinese input
// method in full-width mode) into ordinary ASCII. It is applied to codes,
// numbers and choices, never to names and descriptions, which keep what
// the clerk wrote.
func narrow(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case r == '　':
			return ' '
		}
		return r
	}, s)
}

// parseInteger reads a whole number; Excel shows 10 as "10", and a cell
// formatted with decimals as "10.00", which is still whole.
func parseInteger(s string) (int, bool) {
	f, ok := parseNumber(s)
	if !ok || f != float64(int(f)) || f > 1e15 || f < -1e15 {
		return 0, false
	}
	return int(f), true
}

// parseNumber reads a number as Excel shows it, thousands separators
// included ("1,000").
func parseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(narrow(s), ",", "")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// splitList splits a cell of several values at ";" or "；"; empty parts
// (a trailing separator) are dropped.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' }) {
		if v := clean(part); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// joinList is splitList's inverse for the export.
func joinList(vs []string) string { return strings.Join(vs, ";") }
