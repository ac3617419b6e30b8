package sqlstore

import (
	"hash/fnv"
	"strconv"
	"strings"
	"unicode"

	"github.com/govdata/govdata"
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

// searchRuns splits s into runs of index words, a run ending at a space
// or a punctuation mark: each CJK character is a word alone, runs of other
// letters and digits are lower-cased words, full-width forms folded.
func searchRuns(s string) [][]string {
	var runs [][]string
	var run []string
	var word strings.Builder
	flushWord := func() {
		if word.Len() > 0 {
			run = append(run, word.String())
			word.Reset()
		}
	}
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII (Ａ, １) → ASCII
			r -= 0xFEE0
		}
		switch {
		case isCJK(r):
			flushWord()
			run = append(run, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(unicode.ToLower(r))
		default:
			flushWord()
			if len(run) > 0 {
				runs = append(runs, run)
				run = nil
			}
		}
	}
	flushWord()
	if len(run) > 0 {
		runs = append(runs, run)
	}
	return runs
}

// searchTokens is every index word of s, in order.
func searchTokens(s string) []string {
	var out []string
	for _, run := range searchRuns(s) {
		out = append(out, run...)
	}
	return out
}

// cjkPairs are the pairs of neighbouring CJK characters of a run: the
// words of the pair columns (SQLite) and the pair lexemes (PostgreSQL).
// A run of n characters is found by its n-1 pairs side by side, whose
// lists in the index are far shorter than those of single characters.
func cjkPairs(run []string) []string {
	var out []string
	for i := 0; i+1 < len(run); i++ {
		if isCJK([]rune(run[i])[0]) && isCJK([]rune(run[i+1])[0]) {
			out = append(out, run[i]+run[i+1])
		}
	}
	return out
}

// searchPairsDoc is the pair column of s (SQLite).
func searchPairsDoc(s string) string {
	var out []string
	for _, run := range searchRuns(s) {
		out = append(out, cjkPairs(run)...)
	}
	return strings.Join(out, " ")
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
	for _, words := range searchRuns(q) {
		last := []rune(words[len(words)-1])
		phrases = append(phrases, searchPhrase{words: words, prefix: !isCJK(last[0])})
		if len(phrases) == maxQueryPhrases {
			break
		}
	}
	return phrases, len(phrases) > 0
}

// pairsOnly reports whether p is a run of two or more CJK characters,
// found by its pairs.
func (p searchPhrase) pairsOnly() bool {
	if len(p.words) < 2 {
		return false
	}
	for _, w := range p.words {
		if !isCJK([]rune(w)[0]) {
			return false
		}
	}
	return true
}

// ftsMatch is the phrases as an SQLite FTS5 expression over the text
// columns, or over the name's alone: each phrase in double quotes (its
// words hold only letters and digits), a run of CJK characters as its
// pairs in the pair columns: `{name_bi summary_bi items_bi} : "人口"`.
func ftsMatch(phrases []searchPhrase, nameOnly bool) string {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		cols, words := "{name_doc summary_doc items_doc}", p.words
		if p.pairsOnly() {
			cols, words = "{name_bi summary_bi items_bi}", cjkPairs(p.words)
		}
		if nameOnly {
			cols = "{" + strings.Fields(strings.Trim(cols, "{}"))[0] + "}"
		}
		parts[i] = cols + ` : "` + strings.Join(words, " ") + `"`
		if p.prefix {
			parts[i] += "*"
		}
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

// tsQuery is the phrases as a PostgreSQL tsquery literal. Written as a
// literal, not through to_tsquery, so the database's parser and locale play
// no part. A run of Chinese characters is looked up by its character pairs,
// which the tsvector also holds (tsVector): "人口" is the one lexeme
// '人口'; "人口基" is '人口' <-> '口基'.
func tsQuery(phrases []searchPhrase) string {
	lexeme := func(w string, prefix bool) string {
		if prefix {
			return "'" + w + "':*"
		}
		return "'" + w + "'"
	}
	var parts []string
	for _, p := range phrases {
		if p.pairsOnly() {
			// Every other pair covers the run (the last one overlapping
			// when its length is odd): half the lexemes for the index to
			// intersect, the distances keeping the match exact.
			pairs := cjkPairs(p.words)
			var b strings.Builder
			for j := 0; j < len(pairs); j += 2 {
				if j > 0 {
					b.WriteString(" <2> ")
				}
				b.WriteString(lexeme(pairs[j], false))
			}
			if len(pairs)%2 == 0 {
				b.WriteString(" <1> " + lexeme(pairs[len(pairs)-1], false))
			}
			parts = append(parts, "("+b.String()+")")
			continue
		}
		// One word, or letters mixed with characters: every word, in any
		// order (single words carry no positions).
		for j, w := range p.words {
			parts = append(parts, lexeme(w, p.prefix && j == len(p.words)-1))
		}
	}
	return strings.Join(parts, " & ")
}

// A tsvector keeps word positions up to 16383, and 256 of them per word.
const (
	maxTSPosition  = 16383
	maxTSPositions = 256
)

// tsVector is a PostgreSQL tsvector literal of texts: each word once,
// without positions (a one-word query needs none), and each pair of
// neighbouring Chinese characters with its positions (a longer query is
// the phrase of its pairs), the positions running on from one text to the
// next and skipping at punctuation, so that no phrase spans a break:
// `'人' '口' '人口':2`. Leaving the positions out of single words keeps the
// row small, and a search reads many rows.
func tsVector(texts ...string) string {
	words := map[string]bool{}
	pairs := map[string][]string{}
	var order []string
	pos := 0
	for _, t := range texts {
		pos++ // a gap between texts
		for _, run := range searchRuns(t) {
			for i, w := range run {
				pos = min(pos+1, maxTSPosition)
				if !words[w] {
					words[w] = true
					order = append(order, w)
				}
				if i+1 < len(run) && isCJK([]rune(w)[0]) && isCJK([]rune(run[i+1])[0]) {
					p := w + run[i+1]
					if _, seen := pairs[p]; !seen && !words[p] {
						order = append(order, p)
					}
					if len(pairs[p]) < maxTSPositions {
						pairs[p] = append(pairs[p], strconv.Itoa(pos))
					}
				}
			}
			pos++ // a gap at the punctuation: no pair spans it
		}
	}
	var b strings.Builder
	for i, w := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("'" + w + "'")
		if ps := pairs[w]; len(ps) > 0 {
			b.WriteString(":" + strings.Join(ps, ","))
		}
	}
	return b.String()
}

// searchRow is what a search filters an entry on.
type searchRow struct {
	department      int64
	region, class   string
	published, open bool
	status          govdata.EntryStatus
	share           govdata.ShareType
	openType        govdata.OpenType
	grade           govdata.Grade
	format          string
	cycle           govdata.UpdateCycle
}

// tagWord makes a filter value a word of the full-text index: a prefix
// saying what it is, then the value's letters and digits (a format, free
// text, by its hash).
func tagWord(prefix, value string) string {
	return prefix + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, value)
}

func formatTag(format string) string {
	h := fnv.New32a()
	h.Write([]byte(format))
	return "zf" + strconv.FormatUint(uint64(h.Sum32()), 36)
}

// searchTags are an entry's filter values as words (SQLite): the search
// and its filters and visibility are then one full-text query, answered
// from the index alone.
func searchTags(r searchRow) string {
	tags := []string{tagWord("zd", strconv.FormatInt(r.department, 10)), tagWord("zst", string(r.status)), tagWord("zs", string(r.share)),
		tagWord("zo", string(r.openType)), tagWord("zg", string(r.grade)), tagWord("zu", string(r.cycle)), formatTag(r.format)}
	if r.published {
		tags = append(tags, "zpub")
	}
	if r.open {
		tags = append(tags, "zopen")
	}
	// Every prefix a region filter can ask for (govdata.RegionPrefix).
	for _, n := range []int{2, 4, 6, 9, 12} {
		if len(r.region) >= n {
			tags = append(tags, "zr"+r.region[:n])
		}
	}
	for n := 1; n <= len(r.class); n++ {
		tags = append(tags, "zc"+r.class[:n])
	}
	return strings.Join(tags, " ")
}
