package sqlstore

import (
	"strconv"
	"strings"
	"unicode"
)

// Chinese has no spaces between words, and a catalog search must find "人"
// and "人口" anywhere in a name (CAT-5). Both engines' full-text indexes
// split text into words at spaces and punctuation, so the text is stored
// with every CJK character a word of its own; a query's run of characters
// becomes a phrase of adjacent one-character words. Letters and digits of
// other scripts stay whole words, matched by prefix. A query is only ever
// turned into words of letters and digits, so no character of it can act
// as index syntax ('"', '*', OR, NEAR(…)).

// isCJK reports whether r is written without spaces between words.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// searchTokens splits s into index words: each CJK character alone, runs
// of other letters and digits lower-cased, full-width forms folded.
func searchTokens(s string) []string {
	var out []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII (Ａ, １) → ASCII
			r -= 0xFEE0
		}
		switch {
		case isCJK(r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// searchDoc is s as the index stores it: its words separated by spaces.
func searchDoc(s string) string { return strings.Join(searchTokens(s), " ") }

// searchPhrase is one part of a query: words that must appear in order,
// side by side; the last may be the start of a longer word.
type searchPhrase struct {
	words  []string
	prefix bool
}

// maxQueryPhrases bounds the work a query asks of the index.
const maxQueryPhrases = 8

// parseQuery turns a user's query into phrases that must all match: one
// per space-separated part. ok is false when the query holds no letter or
// digit at all (nothing can match).
func parseQuery(q string) (phrases []searchPhrase, ok bool) {
	for _, part := range strings.Fields(q) {
		words := searchTokens(part)
		if len(words) == 0 {
			continue
		}
		last := []rune(words[len(words)-1])
		phrases = append(phrases, searchPhrase{words: words, prefix: !isCJK(last[0])})
		if len(phrases) == maxQueryPhrases {
			break
		}
	}
	return phrases, len(phrases) > 0
}

// ftsMatch is the phrases as an SQLite FTS5 query: `"人 口" AND "gb"*`.
func ftsMatch(phrases []searchPhrase) string {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = `"` + strings.Join(p.words, " ") + `"`
		if p.prefix {
			parts[i] += "*"
		}
	}
	return strings.Join(parts, " AND ")
}

// tsQuery is the phrases as a PostgreSQL tsquery literal:
// `('人' <-> '口') & 'gb':*`. Written as a literal, not through
// to_tsquery, so the database's parser and locale play no part.
func tsQuery(phrases []searchPhrase) string {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		words := make([]string, len(p.words))
		for j, w := range p.words {
			words[j] = "'" + w + "'"
		}
		if p.prefix {
			words[len(words)-1] += ":*"
		}
		parts[i] = strings.Join(words, " <-> ")
		if len(words) > 1 {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " & ")
}

// A tsvector keeps word positions up to 16383, and 256 of them per word.
const (
	maxTSPosition  = 16383
	maxTSPositions = 256
)

// tsVector is a PostgreSQL tsvector literal of weighted texts, positions
// running on from one text to the next so that a phrase does not match
// across them: `'人':1A '口':2A 'gb':3B`.
func tsVector(texts ...weightedText) string {
	positions := map[string][]string{}
	var order []string
	pos := 0
	for _, t := range texts {
		pos++ // a gap between texts
		for _, w := range searchTokens(t.text) {
			pos = min(pos+1, maxTSPosition)
			if _, seen := positions[w]; !seen {
				order = append(order, w)
			}
			if len(positions[w]) < maxTSPositions {
				positions[w] = append(positions[w], strconv.Itoa(pos)+t.weight)
			}
		}
	}
	var b strings.Builder
	for i, w := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("'" + w + "':" + strings.Join(positions[w], ","))
	}
	return b.String()
}

// weightedText is a text and its tsvector weight (A most, D least).
type weightedText struct{ text, weight string }
