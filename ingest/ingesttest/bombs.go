// Package ingesttest builds hostile workbooks for the tests of every
// package that reads uploaded XLSX files (ingest, catalogxlsx, http): one
// table, so that each reader is tried with the same bombs.
package ingesttest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
)

// Bomb is a workbook that must be refused.
type Bomb struct {
	Name string
	File []byte
	// Saying is what the Chinese message says; "" for a file refused as
	// damaged, in each reader's own words.
	Saying string
}

// XLSXBombs returns the bombs made from base, a valid workbook: each adds
// or replaces one or a few parts. Every file is small (under 2 MB); what
// it unzips to is not.
func XLSXBombs(tb testing.TB, base []byte) []Bomb {
	tb.Helper()
	repeat := func(head, unit, tail string, n int) func(io.Writer) {
		return func(w io.Writer) {
			io.WriteString(w, head)
			per := max(1, (64<<10)/len(unit))
			chunk := strings.Repeat(unit, per)
			m := n
			for ; m >= per; m -= per {
				io.WriteString(w, chunk)
			}
			io.WriteString(w, strings.Repeat(unit, m))
			io.WriteString(w, tail)
		}
	}
	const sst = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	const sheet = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`
	mb := 1 << 20
	return append([]Bomb{
		// The incident: shared strings that unzip to hundreds of MB, of
		// strings excelize would index one by one.
		{"shared strings, a million empty texts", With(tb, base, "xl/sharedStrings.xml", repeat(sst, "<si/>", "</sst>", 1<<20+1)), "共享字符串"},
		{"shared strings, prefixed", With(tb, base, "xl/sharedStrings.xml", repeat(`<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, "<x:si><x:t>a</x:t></x:si>", "</x:sst>", 1<<20+1)), "共享字符串"},
		{"shared strings, one text of 20 MB", With(tb, base, "xl/sharedStrings.xml", repeat(sst+"<si><t>", "a", "</t></si></sst>", 20*mb)), "单个文本"},
		{"shared strings in other letters", With(tb, base, `XL\SHAREDSTRINGS.XML`, repeat(sst, "<si/>", "</sst>", 1<<20+1)), "共享字符串"},
		// Parts excelize holds whole in memory.
		{"styles, 17 MB", With(tb, base, "xl/styles.xml", repeat("<styleSheet>", " ", "</styleSheet>", 17*mb)), "xl/styles.xml"},
		{"styles, a million formats", With(tb, base, "xl/styles.xml", repeat("<styleSheet><cellXfs>", "<xf/>", "</cellXfs></styleSheet>", 1<<20)), "XML 元素"},
		{"formats after a worksheet of a million cells", With(tb, With(tb, base, "xl/worksheets/sheet1.xml", repeat("<worksheet><sheetData>", "<c/>", "</sheetData></worksheet>", 1<<20)),
			"xl/styles.xml", repeat("<styleSheet><cellXfs>", "<xf/>", "</cellXfs></styleSheet>", 500_001)), "XML 元素"},
		{"workbook, 17 MB", With(tb, base, "xl/workbook.xml", repeat("<workbook>", "<!---->", "</workbook>", 17*mb/7)), "xl/workbook.xml"},
		{"content types, 17 MB", With(tb, base, "[Content_Types].xml", repeat("<Types>", "\n", "</Types>", 17*mb)), "[Content_Types].xml"},
		{"relationships, 17 MB", With(tb, base, "xl/_rels/workbook.xml.rels", repeat("<Relationships>", " ", "</Relationships>", 17*mb)), "workbook.xml.rels"},
		{"a worksheet under another name, 17 MB", With(tb, base, "xl/worksheets/data.xml", repeat(sheet, "a", "</t></is></c></row></sheetData></worksheet>", 17*mb)), "xl/worksheets/data.xml"},
		{"five themes of 13 MB", Many(tb, base, 5, "xl/theme/theme%d0.xml", repeat("<theme>", " ", "</theme>", 13*mb)), "合计超过 64 MB"},
		{"10,001 parts", Many(tb, base, 10_001, "xl/media/p%d", func(io.Writer) {}), "超过 10000 个部件"},
	}, SmallXLSXBombs(tb, base)...)
}

// SmallXLSXBombs returns the bombs that are small and quick to make
// (seeds for the fuzz tests).
func SmallXLSXBombs(tb testing.TB, base []byte) []Bomb {
	tb.Helper()
	repeat := func(head, unit, tail string, n int) func(io.Writer) {
		return func(w io.Writer) {
			io.WriteString(w, head+strings.Repeat(unit, n)+tail)
		}
	}
	const sst = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	const sheet = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`
	mb := 1 << 20
	return []Bomb{
		// Worksheets, streamed from a temporary file.
		{"a worksheet nesting 101 deep", With(tb, base, "xl/worksheets/sheet1.xml", repeat("", "<a>", "", 101)), "嵌套超过 100 层"},
		{"nesting behind quoted />", With(tb, base, "xl/worksheets/sheet1.xml", repeat("", `<a b="/>">`, "", 101)), "嵌套超过 100 层"},
		{"nesting behind a commented end tag", With(tb, base, "xl/worksheets/sheet1.xml", repeat("", `<a><!--</a>-->`, "", 101)), "嵌套超过 100 层"},
		{"nesting behind CDATA", With(tb, base, "xl/worksheets/sheet1.xml", repeat("", `<a><![CDATA[</a>]]>`, "", 101)), "嵌套超过 100 层"},
		{"nesting in the styles", With(tb, base, "xl/styles.xml", repeat("", `<a>`, "", 101)), "嵌套超过 100 层"},
		{"a worksheet cell of 2 MB", With(tb, base, "xl/worksheets/sheet1.xml", repeat(sheet, "a", "</t></is></c></row></sheetData></worksheet>", 2*mb)), "单个文本"},
		{"a worksheet tag of 2 MB", With(tb, base, "xl/worksheets/sheet1.xml", repeat(`<worksheet a="`, "a", `"/>`, 2*mb)), "单个文本"},
		{"a worksheet in UTF-16", With(tb, base, "xl/worksheets/sheet1.xml", repeat(`<?xml version="1.0" encoding="UTF-16"?>`, "<\x00a\x00>\x00", "", 1000)), "UTF-8"},
		{"a worksheet's encoding behind a decoy", With(tb, base, "xl/worksheets/sheet1.xml", repeat(`<?xml version="1.0" encodingX encoding='gbk'?>`, "<a/>", "", 1)), "UTF-8"},
		// The directory and the declared sizes.
		{"a worksheet declaring 2 GiB", Declared(tb, base, "xl/worksheets/sheet2.xml", bytes.Repeat([]byte(" "), 1000), 2<<30), "解压后超过"},
		{"a part whose header lies", Declared(tb, base, "xl/worksheets/sheet2.xml", bytes.Repeat([]byte(" "), 10*mb), 1000), ""},
		{"a part whose checksum is wrong", Corrupt(tb, base, "xl/worksheets/sheet2.xml", bytes.Repeat([]byte(" "), 1000)), ""},
		// A second part of a name would be spilled over the first, whose
		// temporary file excelize would then leave behind.
		{"the shared strings twice", Also(tb, With(tb, base, "xl/sharedStrings.xml", repeat(sst, "<si/>", "</sst>", 60_000)), "xl/sharedStrings.xml", repeat(sst, "<si/>", "</sst>", 60_000)), ""},
		{"a worksheet twice, in other letters", Also(tb, base, `XL\WORKSHEETS\SHEET1.XML`, repeat(sheet, "a", "</t></is></c></row></sheetData></worksheet>", 300<<10)), ""},
		// A row is read whole, each cell a copy of the shared string or
		// the format it names: 16,384 cells of a 4 KB string are 64 MB
		// from a file of a few KB (200 KB strings made 6.5 GB of RSS).
		{"a row of 16,384 cells naming one shared string", wideRow(tb, base, "", `<c t="s"><v>0</v></c>`, "<si><t>"+strings.Repeat("a", 4<<10)+"</t></si>"), "一行读取时超过"},
		{"a row of prefixed cells naming one shared string", wideRow(tb, base, "x:", `<x:c t="s"><x:v>0</x:v></x:c>`, "<x:si><x:t>"+strings.Repeat("a", 4<<10)+"</x:t></x:si>"), "一行读取时超过"},
		{"a row naming a shared string of many runs", wideRow(tb, base, "", `<c t="s"><v>0</v></c>`, "<si>"+strings.Repeat("<r><t>"+strings.Repeat("a", 512)+"</t></r>", 8)+"</si>"), "一行读取时超过"},
		{"a row of 16,384 cells in a long number format", With(tb, wideRow(tb, base, "", `<c s="1"><v>1</v></c>`, "<si><t>a</t></si>"), "xl/styles.xml",
			repeat(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="&quot;`, "a", `&quot;0"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>`, 4<<10)), "一行读取时超过"},
		{"a row of 16,384 inline texts of 4 KB", With(tb, base, "xl/worksheets/sheet1.xml", repeat(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">`,
			`<c t="inlineStr"><is><t>`+strings.Repeat("a", 4<<10)+`</t></is></c>`, "</row></sheetData></worksheet>", 16384)), "一行读取时超过"},
		{"one shared string of many runs, 2 MB", With(tb, base, "xl/sharedStrings.xml", repeat(sst+"<si>", "<r><t>"+strings.Repeat("a", 64<<10)+"</t></r>", "</si></sst>", 32)), "单个文本"},
	}
}

// wideRow is base with a first row of 16,384 cells (cell, in elements of
// prefix) and the shared strings sis.
func wideRow(tb testing.TB, base []byte, prefix, cell, sis string) []byte {
	tb.Helper()
	ns := `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	if prefix != "" {
		ns = `xmlns:` + strings.TrimSuffix(prefix, ":") + `="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	}
	book := With(tb, base, "xl/sharedStrings.xml", func(w io.Writer) {
		io.WriteString(w, "<"+prefix+"sst "+ns+">"+sis+"</"+prefix+"sst>")
	})
	return With(tb, book, "xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, "<"+prefix+"worksheet "+ns+"><"+prefix+"sheetData><"+prefix+"row r=\"1\">"+strings.Repeat(cell, 16384)+
			"</"+prefix+"row></"+prefix+"sheetData></"+prefix+"worksheet>")
	})
}

// With copies base, writing the part name (any case, either slash) from
// write instead of a part of the same name.
func With(tb testing.TB, base []byte, name string, write func(io.Writer)) []byte {
	tb.Helper()
	return rezip(tb, base, name, func(zw *zip.Writer) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			tb.Fatal(err)
		}
		write(w)
	})
}

// Also adds the part name, written by write, keeping any of that name.
func Also(tb testing.TB, base []byte, name string, write func(io.Writer)) []byte {
	tb.Helper()
	return rezip(tb, base, "", func(zw *zip.Writer) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			tb.Fatal(err)
		}
		write(w)
	})
}

// Many adds n parts named by format, each written by write.
func Many(tb testing.TB, base []byte, n int, format string, write func(io.Writer)) []byte {
	tb.Helper()
	return rezip(tb, base, "", func(zw *zip.Writer) {
		for i := range n {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf(format, i+1), Method: zip.Deflate})
			if err != nil {
				tb.Fatal(err)
			}
			write(w)
		}
	})
}

// Declared adds the part name holding content deflated, but declaring
// size as its unzipped size (with the right checksum).
func Declared(tb testing.TB, base []byte, name string, content []byte, size uint64) []byte {
	tb.Helper()
	return raw(tb, base, name, content, size, crc32.ChecksumIEEE(content))
}

// Corrupt adds the part name with a wrong checksum.
func Corrupt(tb testing.TB, base []byte, name string, content []byte) []byte {
	tb.Helper()
	return raw(tb, base, name, content, uint64(len(content)), crc32.ChecksumIEEE(content)+1)
}

func raw(tb testing.TB, base []byte, name string, content []byte, size uint64, crc uint32) []byte {
	var small bytes.Buffer
	fw, _ := flate.NewWriter(&small, flate.BestCompression)
	fw.Write(content)
	fw.Close()
	return rezip(tb, base, name, func(zw *zip.Writer) {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(small.Len()), UncompressedSize64: size})
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(small.Bytes())
	})
}

// rezip copies base but the part named drop (compared as excelize does),
// then adds through extra.
func rezip(tb testing.TB, base []byte, drop string, extra func(zw *zip.Writer)) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		tb.Fatal(err)
	}
	same := func(a, b string) bool {
		return strings.EqualFold(strings.ReplaceAll(a, `\`, "/"), strings.ReplaceAll(b, `\`, "/"))
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if drop != "" && same(f.Name, drop) {
			continue
		}
		if err := zw.Copy(f); err != nil {
			tb.Fatal(err)
		}
	}
	extra(zw)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
