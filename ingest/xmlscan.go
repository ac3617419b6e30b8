package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// xmlScan reads a part's XML as a stream of bytes, as far as Go's XML
// decoder would read it, and measures what would cost the decoder memory:
// the nesting, the longest text or tag, and the elements. It keeps nothing
// of the part, so a part of any size is checked in a 64 KB buffer. It
// reads at least what a decoder would: it stops only where encoding/xml
// stops with a syntax error (a control character, at the end of the text
// or value holding it), and it follows quotes in tags, comments and CDATA,
// so that no "/>" or "</" hidden there hides an open element.
type xmlScan struct {
	depth    int    // most nested elements allowed
	token    int    // longest text, tag, comment or CDATA allowed; -1: any
	count    string // the local name of the elements counted; "": all
	limit    int    // most elements counted allowed; -1: any
	elements int    // elements counted so far

	open    int // elements open now
	deepest int // most elements open at once so far
	br      *bufio.Reader

	// What a cell of a worksheet may cost once resolved: excelize copies
	// a shared string, or a number format's literal text, into every cell
	// that refers to it.
	longestTag int // longest start tag so far (a style's format code is an attribute)
	cells      int // "c" elements in the current "row"
	widest     int // most "c" elements in one "row" so far
	rowText    int // text bytes since the current "row" began (inline strings, values)
	mostText   int // most text bytes of one "row" so far
	inSI       int // depth of the open "si" element; 0: none
	siText     int // text bytes of the open "si" so far, every run together
	longestSI  int // most text bytes of one "si" so far
}

var (
	errTooDeep  = errors.New("ingest: XML nests too deep")
	errTooLong  = errors.New("ingest: XML text or tag too long")
	errTooMany  = errors.New("ingest: too many XML elements")
	errEncoding = errors.New("ingest: XML not in UTF-8")
	errDTD      = errors.New("ingest: XML with a document type (OPC forbids it)")
)

// scanPart scans one part and reads it to its end, so that a part that
// inflates to more than its header declares, or fails its checksum, is
// found now rather than while excelize copies it.
func (s *xmlScan) scanPart(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	s.br = bufio.NewReaderSize(rc, 64<<10)
	if err := s.scan(); err != nil && err != errXMLStop {
		return err
	}
	_, err = io.Copy(io.Discard, s.br)
	return err
}

// scan reads text up to each "<" and the markup after it.
func (s *xmlScan) scan() error {
	// encoding/xml reads a text whole before it looks at its characters,
	// so a control character stops it only at the text's end.
	text, bad := 0, false
	for {
		chunk, err := s.br.ReadSlice('<')
		body := chunk
		if err == nil {
			body = chunk[:len(chunk)-1]
		}
		bad = bad || hasControl(body)
		text += len(body)
		if s.inSI > 0 {
			s.siText += len(body)
		}
		s.rowText += len(body)
		s.mostText = max(s.mostText, s.rowText)
		if s.token >= 0 && text > s.token {
			return errTooLong
		}
		switch err {
		case nil:
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			return nil
		default:
			return err
		}
		if bad {
			return errXMLStop
		}
		text = 0
		if err := s.markup(); err != nil {
			return err
		}
	}
}

// markup reads what follows a "<".
func (s *xmlScan) markup() error {
	b, err := s.br.ReadByte()
	if err != nil {
		return eofIsStop(err)
	}
	switch {
	case b == '/':
		// An end tag holds a name and spaces, no quotes.
		for n := 1; ; {
			chunk, err := s.br.ReadSlice('>')
			if n += len(chunk); s.token >= 0 && n > s.token {
				return errTooLong
			}
			if err == nil {
				if s.open > 0 {
					s.open--
				}
				if s.inSI > 0 && s.open < s.inSI {
					s.longestSI, s.inSI = max(s.longestSI, s.siText), 0
				}
				return nil
			}
			if err != bufio.ErrBufferFull {
				return eofIsStop(err)
			}
		}
	case b == '?':
		head, n, err := s.until("?>", true)
		if err == nil && bytes.HasPrefix(head, []byte("xml")) && (len(head) == 3 || isSpace(head[3])) &&
			(n > maxDeclaration || !isUTF8Declaration(head)) {
			return errEncoding
		}
		return err
	case b == '!':
		return s.declaration()
	case isNameStart(b):
		return s.startTag(b)
	}
	return errXMLStop
}

// startTag reads a start tag from its name's second byte on; quotes are
// followed, since '>' and '/' may stand inside an attribute's value.
func (s *xmlScan) startTag(first byte) error {
	// The name is kept as its length and last three bytes: enough to tell
	// "si" or "x:si" (encoding/xml's local name "si") at any length.
	tail := nameTail{b: [4]byte{first}, n: 1}
	inName, quote, last, n, bad := true, byte(0), first, 1, false
	// Read up to each '>' at once (it ends the tag unless quoted), then
	// look at its bytes.
	for {
		chunk, err := s.br.ReadSlice('>')
		n += len(chunk)
		if s.token >= 0 && n > s.token {
			return errTooLong
		}
		for _, b := range chunk {
			switch {
			case quote != 0:
				// As in a text, a control character stops the decoder at
				// the value's end, a "<" at once.
				switch {
				case b == '<':
					return errXMLStop
				case b == quote && bad:
					return errXMLStop
				case b == quote:
					quote = 0
				}
				bad = bad || isControl(b)
				continue
			case isControl(b) || b == '<':
				return errXMLStop
			case b == '"' || b == '\'':
				quote, inName = b, false
			case b == '>':
				s.longestTag = max(s.longestTag, n)
				return s.element(tail, last == '/')
			case isSpace(b) || b == '/':
				inName = false
			case inName:
				tail.add(b)
			}
			if !isSpace(b) {
				last = b
			}
		}
		if err != nil && err != bufio.ErrBufferFull {
			return eofIsStop(err)
		}
	}
}

// element counts a start tag and opens it unless it closes itself; tail is
// the end of its name.
func (s *xmlScan) element(tail nameTail, empty bool) error {
	if s.count == "" || tail.is(s.count) {
		s.elements++
		if s.limit >= 0 && s.elements > s.limit {
			return errTooMany
		}
	}
	s.deepest = max(s.deepest, s.open+1) // "<a/>" is open for a moment
	switch {
	case tail.is("row"):
		s.cells, s.rowText = 0, 0 // excelize starts a row at each "row", wherever it stands
	case tail.is("c"):
		s.cells++
		s.widest = max(s.widest, s.cells)
	case tail.is("si") && !empty && s.inSI == 0:
		s.inSI, s.siText = s.open+1, 0
	}
	if !empty {
		s.open++
		if s.open > s.depth {
			return errTooDeep
		}
	}
	return nil
}

// nameTail is the last four bytes of an element's name, kept without
// allocating (a table of a million strings has a million names).
type nameTail struct {
	b [4]byte
	n int
}

func (t *nameTail) add(b byte) {
	if t.n < len(t.b) {
		t.b[t.n] = b
		t.n++
		return
	}
	copy(t.b[:], t.b[1:])
	t.b[3] = b
}

// is reports whether the name is local or ends in ":"+local (a local name
// of up to three bytes: "c", "si", "row").
func (t nameTail) is(local string) bool {
	s := string(t.b[:t.n])
	return s == local || strings.HasSuffix(s, ":"+local)
}

// declaration reads "<!": a comment or CDATA section; anything else is a
// document type, which OPC forbids in a package (ECMA-376-2 M1.17) and
// which encoding/xml would read with entities of its own.
func (s *xmlScan) declaration() error {
	peek, _ := s.br.Peek(7)
	switch {
	case bytes.HasPrefix(peek, []byte("--")):
		s.br.Discard(2)
		_, _, err := s.until("-->", false)
		return err
	case bytes.HasPrefix(peek, []byte("[CDATA[")):
		s.br.Discard(7)
		_, _, err := s.until("]]>", false)
		return err
	case len(peek) < 2:
		return errXMLStop
	}
	return errDTD
}

// maxDeclaration bounds an XML declaration ("<?xml version=… encoding=…?>"
// is some 60 bytes): a longer one could hide its encoding past what is kept.
const maxDeclaration = 1 << 10

// until reads up to and past end, within the token bound; the first
// maxDeclaration bytes are returned when keep is set.
func (s *xmlScan) until(end string, keep bool) (head []byte, n int, err error) {
	matched := 0
	for {
		b, err := s.br.ReadByte()
		if err != nil {
			return head, n, eofIsStop(err)
		}
		n++
		if s.token >= 0 && n > s.token {
			return head, n, errTooLong
		}
		if keep && len(head) < maxDeclaration+len(end) {
			head = append(head, b)
		}
		switch {
		case b == end[matched]:
			matched++
		case b == end[0]:
			matched = 1
		default:
			matched = 0
		}
		if matched == len(end) {
			if keep {
				head = head[:max(0, len(head)-len(end))]
			}
			return head, n, nil
		}
	}
}

// isUTF8Declaration reports whether an XML declaration leaves the encoding
// to UTF-8: encoding/xml would otherwise switch to a CharsetReader, and
// the bytes scanned here would no longer be what it reads.
func isUTF8Declaration(decl []byte) bool {
	// As encoding/xml's procInst reads it: the first `encoding=` followed
	// by a quote, up to the same quote.
	rest := decl
	for {
		i := bytes.Index(rest, []byte("encoding="))
		if i < 0 || i+len("encoding=") >= len(rest) {
			return true
		}
		rest = rest[i+len("encoding="):]
		if q := rest[0]; q == '"' || q == '\'' {
			value, _, ok := bytes.Cut(rest[1:], []byte{q})
			return !ok || len(value) == 0 || bytes.EqualFold(value, []byte("utf-8")) || bytes.EqualFold(value, []byte("utf8"))
		}
	}
}

func eofIsStop(err error) error {
	if err == io.EOF {
		return errXMLStop
	}
	return err
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// isControl: encoding/xml refuses these in text, names and attributes.
func isControl(b byte) bool { return b < 0x20 && !isSpace(b) }

func hasControl(p []byte) bool {
	for _, b := range p {
		if isControl(b) {
			return true
		}
	}
	return false
}

// isNameStart: encoding/xml reads a name from these (any byte of a
// multibyte rune counts: such names are read, not refused).
func isNameStart(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b == ':' || b >= 0x80
}
