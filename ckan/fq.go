package ckan

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/govdata/govdata"
)

// fq is Solr's filter-query syntax as CKAN clients write it, read here
// without Solr: field:value terms (value bare, "quoted", or a [from TO to]
// range of dates, * for any), combined by juxtaposition or AND, OR,
// NOT/-/!, + and parentheses. OR binds tighter than AND, which is what
// ckanext-harvest means by
//
//	organization:a OR organization:b metadata_modified:[2024-01-02T03:04:05.678Z TO *]
//
// Anything else (fuzzy, boosts, a bare word without a field, an unknown
// field) is a Validation Error on fq, never passed on.

// fqFields are the fields a filter can name, with how a package's values
// are found (doc.values).
var fqFields = []string{
	"id", "name", "title", "organization", "owner_org", "tags", "res_format", "groups", "license_id",
	"dataset_type", "type", "state", "capacity", "resource_code", "classification", "update_cycle",
	"open_type", "grade", "region_code", "metadata_modified", "metadata_created",
}

// dateFields take ranges.
var dateFields = []string{"metadata_modified", "metadata_created"}

// Bounds of one filter: a filter is a short expression.
const (
	maxFQLength = 4000
	maxFQTerms  = 200
	maxFQDepth  = 16
)

var (
	msgFQSyntax  = govdata.Msg{ZH: "过滤条件在第 %d 个字符处有误：%s", EN: "the filter has an error at character %d: %s"}
	msgFQLong    = govdata.Msg{ZH: "过滤条件过长或过于复杂", EN: "the filter is too long or too complex"}
	msgFQField   = govdata.Msg{ZH: "不支持按 %s 过滤，可用：%s", EN: "cannot filter on %s; fields: %s"}
	msgFQDate    = govdata.Msg{ZH: "不是有效的时间：%s（如 2024-01-02T03:04:05Z、NOW、NOW-7DAYS 或 *）", EN: "not a date: %s (use 2024-01-02T03:04:05Z, NOW, NOW-7DAYS or *)"}
	msgFQRange   = govdata.Msg{ZH: "%s 不能取区间", EN: "%s takes no range"}
	msgFQNothing = govdata.Msg{ZH: "应为 字段:值", EN: "expected field:value"}
	msgFQClose   = govdata.Msg{ZH: "缺少 )", EN: "missing )"}
	msgFQQuote   = govdata.Msg{ZH: "引号没有闭合", EN: "unclosed quote"}
	msgFQGroup   = govdata.Msg{ZH: "不支持 字段:(…) 的写法，请写成 字段:a OR 字段:b", EN: "field:(…) is not supported; write field:a OR field:b"}
)

// fqError is a problem in a filter, at a character (1-based).
type fqError struct {
	pos  int
	msg  govdata.Msg
	args []any
}

func (e *fqError) Error() string { return e.text("en") }

func (e *fqError) text(lang string) string {
	if e.pos <= 0 {
		return e.msg.Text(lang, e.args...)
	}
	return msgFQSyntax.Text(lang, e.pos, govdata.Message{Msg: e.msg, Args: e.args})
}

// node is a parsed filter.
type node interface {
	match(d *doc) bool
}

type (
	andNode  []node
	orNode   []node
	notNode  struct{ n node }
	allNode  struct{}
	termNode struct {
		field, value string
		prefix       bool // value* : the values that start with value
		any          bool // field:* : any value
	}
	rangeNode struct {
		field      string
		from, to   *time.Time // nil: open
		fromX, toX bool       // exclusive bounds ({ })
	}
)

func (n andNode) match(d *doc) bool {
	for _, c := range n {
		if !c.match(d) {
			return false
		}
	}
	return true
}

func (n orNode) match(d *doc) bool {
	return slices.ContainsFunc(n, func(c node) bool { return c.match(d) })
}

func (n notNode) match(d *doc) bool { return !n.n.match(d) }
func (allNode) match(*doc) bool     { return true }

func (n termNode) match(d *doc) bool {
	for _, v := range d.values(n.field) {
		var hit bool
		switch {
		case n.any:
			hit = v != ""
		case n.prefix:
			hit = strings.HasPrefix(v, n.value)
		default:
			hit = v == n.value
		}
		if hit {
			return true
		}
	}
	return false
}

func (n rangeNode) match(d *doc) bool {
	t := d.time(n.field)
	if n.from != nil && (t.Before(*n.from) || n.fromX && t.Equal(*n.from)) {
		return false
	}
	if n.to != nil && (t.After(*n.to) || n.toX && t.Equal(*n.to)) {
		return false
	}
	return true
}

// parseFQ parses a filter; nil when it is empty. now is what NOW means.
func parseFQ(s string, now time.Time) (node, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if len(s) > maxFQLength {
		return nil, &fqError{msg: msgFQLong}
	}
	p := &fqParser{s: []rune(s), now: now}
	n, err := p.conj()
	if err != nil {
		return nil, err
	}
	if p.space(); !p.eof() {
		return nil, p.fail(msgFQNothing)
	}
	return n, nil
}

type fqParser struct {
	s            []rune
	i            int
	depth, terms int
	now          time.Time
}

func (p *fqParser) eof() bool  { return p.i >= len(p.s) }
func (p *fqParser) peek() rune { return p.s[p.i] }

func (p *fqParser) fail(m govdata.Msg, args ...any) *fqError {
	return &fqError{pos: p.i + 1, msg: m, args: args}
}

func (p *fqParser) space() {
	for !p.eof() && unicode.IsSpace(p.peek()) {
		p.i++
	}
}

// lit consumes s if it comes next.
func (p *fqParser) lit(s string) bool {
	r := []rune(s)
	if p.i+len(r) <= len(p.s) && string(p.s[p.i:p.i+len(r)]) == s {
		p.i += len(r)
		return true
	}
	return false
}

// keyword consumes an operator word (AND, OR, NOT) standing alone.
func (p *fqParser) keyword(w string) bool {
	save := p.i
	if !p.lit(w) {
		return false
	}
	if p.eof() || unicode.IsSpace(p.peek()) || p.peek() == '(' {
		return true
	}
	p.i = save
	return false
}

// conj is disjunctions joined by AND or by juxtaposition.
func (p *fqParser) conj() (node, error) {
	var parts andNode
	for {
		p.space()
		if p.eof() || p.peek() == ')' {
			break
		}
		if len(parts) > 0 && (p.keyword("AND") || p.lit("&&")) {
			p.space()
		}
		n, err := p.disj()
		if err != nil {
			return nil, err
		}
		parts = append(parts, n)
	}
	switch len(parts) {
	case 0:
		return nil, p.fail(msgFQNothing)
	case 1:
		return parts[0], nil
	}
	return parts, nil
}

// disj is unary terms joined by OR.
func (p *fqParser) disj() (node, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	parts := orNode{first}
	for {
		save := p.i
		p.space()
		if !p.keyword("OR") && !p.lit("||") {
			p.i = save
			break
		}
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		parts = append(parts, n)
	}
	if len(parts) == 1 {
		return first, nil
	}
	return parts, nil
}

func (p *fqParser) unary() (node, error) {
	p.space()
	if p.eof() {
		return nil, p.fail(msgFQNothing)
	}
	switch {
	case p.lit("-"), p.lit("!"), p.keyword("NOT"):
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notNode{n}, nil
	case p.lit("+"):
		return p.unary()
	case p.lit("("):
		if p.depth++; p.depth > maxFQDepth {
			return nil, &fqError{msg: msgFQLong}
		}
		n, err := p.conj()
		if err != nil {
			return nil, err
		}
		if p.space(); !p.lit(")") {
			return nil, p.fail(msgFQClose)
		}
		p.depth--
		return n, nil
	}
	return p.term()
}

var fieldName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*`)

func (p *fqParser) term() (node, error) {
	if p.terms++; p.terms > maxFQTerms {
		return nil, &fqError{msg: msgFQLong}
	}
	if p.lit("*:*") {
		return allNode{}, nil
	}
	start := p.i
	field := fieldName.FindString(string(p.s[p.i:min(len(p.s), p.i+64)]))
	p.i += len([]rune(field))
	if field == "" || !p.lit(":") {
		p.i = start
		return nil, p.fail(msgFQNothing)
	}
	field = strings.TrimPrefix(field, "extras_")
	if !slices.Contains(fqFields, field) {
		p.i = start
		return nil, p.fail(msgFQField, field, strings.Join(fqFields, ", "))
	}
	if p.eof() {
		return nil, p.fail(msgFQNothing)
	}
	switch p.peek() {
	case '[', '{':
		if !slices.Contains(dateFields, field) {
			return nil, p.fail(msgFQRange, field)
		}
		return p.rangeValue(field)
	case '(':
		return nil, p.fail(msgFQGroup)
	case '"':
		v, err := p.quoted()
		if err != nil {
			return nil, err
		}
		return p.valueTerm(field, v, false)
	}
	v := p.bare()
	if v == "" {
		return nil, p.fail(msgFQNothing)
	}
	if v == "*" {
		return termNode{field: field, any: true}, nil
	}
	if strings.HasSuffix(v, "*") && !strings.HasSuffix(v, `\*`) {
		return p.valueTerm(field, strings.TrimSuffix(v, "*"), true)
	}
	return p.valueTerm(field, unescape(v), false)
}

// valueTerm makes a term; a date field compares its value as a date.
func (p *fqParser) valueTerm(field, v string, prefix bool) (node, error) {
	if slices.Contains(dateFields, field) {
		t, err := p.date(v)
		if err != nil || t == nil {
			return nil, p.fail(msgFQDate, v)
		}
		return rangeNode{field: field, from: t, to: t}, nil
	}
	switch field {
	case "organization", "owner_org", "id":
		v = strings.ToLower(v) // names and UUIDs are lower case
	}
	return termNode{field: field, value: v, prefix: prefix}, nil
}

// bare reads a value up to white space or a closing parenthesis; a
// backslash keeps the next character.
func (p *fqParser) bare() string {
	start := p.i
	for !p.eof() && !unicode.IsSpace(p.peek()) && p.peek() != ')' {
		if p.peek() == '\\' && p.i+1 < len(p.s) {
			p.i++
		}
		p.i++
	}
	return string(p.s[start:p.i])
}

func unescape(v string) string {
	var b strings.Builder
	rs := []rune(v)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' && i+1 < len(rs) {
			i++
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

func (p *fqParser) quoted() (string, error) {
	start := p.i
	p.i++ // "
	var b strings.Builder
	for !p.eof() {
		r := p.peek()
		p.i++
		switch {
		case r == '"':
			return b.String(), nil
		case r == '\\' && !p.eof():
			b.WriteRune(p.peek())
			p.i++
		default:
			b.WriteRune(r)
		}
	}
	p.i = start
	return "", p.fail(msgFQQuote)
}

// rangeValue reads [from TO to] (inclusive) or {from TO to} (exclusive),
// either bracket on either side.
func (p *fqParser) rangeValue(field string) (node, error) {
	n := rangeNode{field: field, fromX: p.peek() == '{'}
	p.i++
	bound := func() (*time.Time, error) {
		p.space()
		at := p.i
		var v string
		if !p.eof() && p.peek() == '"' {
			q, err := p.quoted()
			if err != nil {
				return nil, err
			}
			v = q
		} else {
			for !p.eof() && !unicode.IsSpace(p.peek()) && p.peek() != ']' && p.peek() != '}' {
				p.i++
			}
			v = string(p.s[at:p.i])
		}
		t, err := p.date(v)
		if err != nil {
			p.i = at
			return nil, p.fail(msgFQDate, v)
		}
		return t, nil
	}
	var err error
	if n.from, err = bound(); err != nil {
		return nil, err
	}
	if p.space(); !p.keyword("TO") {
		return nil, p.fail(msgFQNothing)
	}
	if n.to, err = bound(); err != nil {
		return nil, err
	}
	p.space()
	switch {
	case p.lit("]"):
	case p.lit("}"):
		n.toX = true
	default:
		return nil, p.fail(msgFQClose)
	}
	return n, nil
}

var dateMath = regexp.MustCompile(`^NOW(?:([+-])(\d{1,6})(SECOND|MINUTE|HOUR|DAY|WEEK|MONTH|YEAR)S?)?$`)

// date reads a bound: * (nil), NOW with an offset, or a UTC time in the
// forms Solr and harvesters write (2024-01-02T03:04:05.678901Z, with or
// without the Z and the fraction, or a date alone).
func (p *fqParser) date(v string) (*time.Time, error) {
	if v == "*" {
		return nil, nil
	}
	if m := dateMath.FindStringSubmatch(v); m != nil {
		t := p.now
		if m[1] != "" {
			n, _ := strconv.Atoi(m[2])
			if m[1] == "-" {
				n = -n
			}
			switch m[3] {
			case "SECOND":
				t = t.Add(time.Duration(n) * time.Second)
			case "MINUTE":
				t = t.Add(time.Duration(n) * time.Minute)
			case "HOUR":
				t = t.Add(time.Duration(n) * time.Hour)
			case "DAY":
				t = t.AddDate(0, 0, n)
			case "WEEK":
				t = t.AddDate(0, 0, 7*n)
			case "MONTH":
				t = t.AddDate(0, n, 0)
			case "YEAR":
				t = t.AddDate(n, 0, 0)
			}
		}
		return &t, nil
	}
	s := strings.TrimSuffix(v, "Z")
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return &t, nil
		}
	}
	return nil, &fqError{msg: msgFQDate, args: []any{v}}
}
