package ingest

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
)

// The scanner reads at least what encoding/xml reads: whatever would open
// an element for the decoder opens one here, and it stops only where the
// decoder stops.
func TestXMLScan(t *testing.T) {
	deep := func(unit string, n int) string { return strings.Repeat(unit, n) }
	tests := []struct {
		name     string
		xml      string
		elements int // counted "si", when err is nil
		err      error
	}{
		{"within the depth", deep("<a>", 5) + deep("</a>", 5), 0, nil},
		{"self-closing elements do not nest", deep("<a/>", 100) + deep(`<a b="1" />`, 100), 0, nil},
		{"ends close", deep("<a></a>", 100), 0, nil},
		{"too deep", deep("<a>", 6), 0, errTooDeep},
		{"a quoted /> does not close", deep(`<a b="/>">`, 6), 0, errTooDeep},
		{"a single-quoted /> does not close", deep(`<a b='/>'>`, 6), 0, errTooDeep},
		{"an end tag in a comment does not close", deep("<a><!--</a>-->", 6), 0, errTooDeep},
		{"an end tag in CDATA does not close", deep("<a><![CDATA[</a>]]>", 6), 0, errTooDeep},
		{"an end tag in a PI does not close", deep("<a><?x </a>?>", 6), 0, errTooDeep},
		{"shared strings", "<sst>" + deep("<si><t>x</t></si>", 3) + deep("<x:si/>", 2) + "<sit/><asi/></sst>", 5, nil},
		{"a long prefix", "<sst>" + deep("<"+strings.Repeat("p", 100)+":si/>", 4) + "</sst>", 4, nil},
		{"too many strings", "<sst>" + deep("<si/>", 11) + "</sst>", 0, errTooMany},
		{"a long text", "<t>" + strings.Repeat("x", 2001) + "</t>", 0, errTooLong},
		{"a long text with a control character", "<t>\x00" + strings.Repeat("x", 2001) + "</t>", 0, errTooLong},
		{"a long attribute", `<t a="` + strings.Repeat("x", 2001) + `"/>`, 0, errTooLong},
		{"a long comment", "<!--" + strings.Repeat("x", 2001) + "-->", 0, errTooLong},
		{"the decoder stops at a control character", "<a>\x01</a>" + deep("<a>", 10), 0, nil},
		{"and at a < in a value", `<a b="<">` + deep("<a>", 10), 0, nil},
		{"but not in a comment", "<!--\x01-->" + deep("<a>", 10), 0, errTooDeep},
		{"UTF-8 declared", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a/>`, 0, nil},
		{"no encoding declared", `<?xml version="1.0"?><a/>`, 0, nil},
		{"UTF-16 declared", `<?xml version="1.0" encoding="UTF-16"?><a/>`, 0, errEncoding},
		{"GBK declared later", `<a/><?xml version="1.0" encoding='GBK'?>`, 0, errEncoding},
		{"an encoding behind a decoy", `<?xml encodingX encoding="latin1"?>`, 0, errEncoding},
		{"a declaration too long to read", `<?xml version="1.0"` + strings.Repeat(" ", maxDeclaration) + `?>`, 0, errEncoding},
		{"another PI's encoding", `<?xml-stylesheet encoding="gbk"?><a/>`, 0, nil},
		{"a document type", `<!DOCTYPE a [<!ENTITY x "y">]><a/>`, 0, errDTD},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := xmlScan{depth: 5, token: 2000, count: "si", limit: 10, br: bufio.NewReader(strings.NewReader(tt.xml))}
			err := s.scan()
			if errors.Is(err, errXMLStop) {
				err = nil
			}
			if !errors.Is(err, tt.err) || (err == nil && s.elements != tt.elements) {
				t.Errorf("got %v and %d elements, want %v and %d", err, s.elements, tt.err, tt.elements)
			}
		})
	}
}

// Whatever the bytes, the scanner refuses them or sees at least the
// nesting and the "si" elements encoding/xml's Token sees before it stops.
func FuzzXMLScan(f *testing.F) {
	for _, seed := range []string{
		`<?xml version="1.0"?><sst><si><t>x</t></si><x:si/></sst>`,
		`<a b="/>"><a><!--</a>--><a><![CDATA[</a>]]><a><?p </a>?><a>`,
		"<a>\x01</a><a><a>", `<a b='<'><a>`, `<a:b:si/><si ><si/>`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d := xml.NewDecoder(bytes.NewReader(b))
		depth, deepest, si := 0, 0, 0
		for {
			tok, err := d.Token()
			if err != nil {
				break
			}
			switch e := tok.(type) {
			case xml.StartElement:
				depth++
				deepest = max(deepest, depth)
				if e.Name.Local == "si" {
					si++
				}
			case xml.EndElement:
				depth--
			}
		}
		s := xmlScan{depth: 1 << 30, token: -1, count: "si", limit: -1, br: bufio.NewReader(bytes.NewReader(b))}
		switch err := s.scan(); {
		case errors.Is(err, errDTD), errors.Is(err, errEncoding):
			return // the part is refused
		case err != nil && !errors.Is(err, errXMLStop):
			t.Fatalf("scan: %v", err)
		}
		if s.deepest < deepest || s.elements < si {
			t.Fatalf("scanner saw depth %d and %d si; the decoder %d and %d", s.deepest, s.elements, deepest, si)
		}
	})
}
