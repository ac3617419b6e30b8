package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/govdata/govdata"
)

// An XLSX is a zip of parts, and a zip bomb costs its reader what the parts
// inflate to, not what was uploaded. excelize v2.11.1 (lib.go ReadZipReader)
// reads every part whole into memory except two kinds, which above
// UnzipXMLSizeLimit it inflates to a temporary file: the worksheets
// (xl/worksheets/sheet*) and the shared strings (xl/sharedStrings.xml).
// Even spilled, the shared strings cost memory: on the first lookup
// excelize indexes every string (rows.go getFromStringItem, about 60 bytes
// each), and a string table kept in memory costs 160–300 bytes a string.
// Its XML decoder also holds each text whole and one frame per open
// element. CheckXLSX therefore bounds, before excelize opens the file:
// the parts the directory lists, what each part and all of them declare
// they inflate to, and by reading the parts once as a stream, the shared
// strings, the XML elements of the parts kept in memory, the nesting and
// the longest text. Declared sizes are a bound, not a promise: archive/zip
// fails a part that inflates beyond its declaration, and that refuses the
// file as damaged.

// XLSXLimits bound what reading one workbook may cost.
type XLSXLimits struct {
	Parts    int   // entries in the zip's directory: archive/zip keeps a record of each
	Total    int64 // all parts unzipped: spilled worksheets land in temporary files
	Part     int64 // one part kept whole in memory (anything but a worksheet or the shared strings)
	InMemory int64 // all parts kept whole in memory together
	Strings  int   // shared strings: excelize keeps about 60 bytes of index for each
	Elements int   // XML elements of the parts kept in memory, together: decoded into structs of 100–300 bytes each
	Depth    int   // XML nesting of any part: the decoder keeps a frame per open element
	Token    int   // longest text, tag or comment of a worksheet or the shared strings, and text of one shared string: the decoder holds it whole
	// Row bounds one row as excelize reads it, whole: it copies a shared
	// string (or a style's format code) into each cell that refers to it,
	// so a row of 16,384 cells naming one string of 200 KB costs 3 GB from
	// a file of 44 KB. The bound is the row's cells times the longest
	// shared string or style tag, plus the row's own text (inline strings).
	Row int64
}

// SpillXMLBytes is excelize's UnzipXMLSizeLimit for every upload: a
// worksheet or shared-string table above it is read from a temporary file,
// and the string table is then indexed (60 bytes a string) instead of
// decoded in memory (160–300 bytes a string). Small, so that a table of
// short strings costs at most a few megabytes before the Strings bound.
const SpillXMLBytes = 256 << 10

// DatasetXLSXLimits bound a dataset upload (AGG-1). A sheet holds at most
// 1,048,576 rows, so a table of one unique text per row is admitted; the
// worksheet itself may unzip to a gigabyte, read as a stream from a
// temporary file. Everything else of a real workbook (styles, workbook,
// relationships, theme, a logo) is far below the per-part bound, and
// Excel's limit of 64,000 cell formats is 64,000 elements with a few
// children each.
var DatasetXLSXLimits = XLSXLimits{
	Parts:    10_000,
	Total:    1 << 30,
	Part:     16 << 20,
	InMemory: 64 << 20,
	Strings:  1 << 20,
	Elements: 500_000,
	Depth:    100,
	Token:    1 << 20, // a cell holds at most 32,767 characters, about 160 KB escaped
	// 200 full cells of 160 KB, or 16,384 cells of 2 KB.
	Row: 32 << 20,
}

// Errors of CheckXLSX that are not a limit: the caller says them in its own
// words.
var (
	ErrNotZip       = errors.New("ingest: not a zip")
	ErrXLSXDamaged  = errors.New("ingest: a part of the zip cannot be read")
	errXMLStop      = errors.New("ingest: the XML decoder stops here")
	zipDirSignature = []byte("PK\x01\x02")
)

// Messages of a workbook refused by its limits; each names the part and the
// limit, so a clerk can tell a damaged export from a really large one.
var (
	MsgXLSXParts    = govdata.Msg{ZH: "XLSX 文件包含超过 %d 个部件，不是正常的工作簿", EN: "the XLSX file has more than %d parts; it is not an ordinary workbook"}
	MsgXLSXUnzip    = govdata.Msg{ZH: "XLSX 文件解压后超过 %d MB，无法读取；请拆分后分批上传，或改用 CSV", EN: "the XLSX file unzips to more than %d MB and cannot be read; split it and upload the parts one by one, or use CSV"}
	MsgXLSXPart     = govdata.Msg{ZH: "XLSX 文件中的部件“%s”解压后超过 %d MB，无法读取", EN: "the part “%s” of the XLSX file unzips to more than %d MB and cannot be read"}
	MsgXLSXInMemory = govdata.Msg{ZH: "XLSX 文件中除工作表外的部件（至“%s”）解压后合计超过 %d MB，无法读取", EN: "the parts of the XLSX file other than its sheets (up to “%s”) unzip to more than %d MB together and cannot be read"}
	MsgXLSXStrings  = govdata.Msg{ZH: "XLSX 文件的共享字符串表“%s”超过 %d 项，无法读取；请改用 CSV 上传", EN: "the shared strings “%s” of the XLSX file hold more than %d texts and cannot be read; upload CSV instead"}
	MsgXLSXElements = govdata.Msg{ZH: "XLSX 文件中除工作表外的部件（至“%s”）合计超过 %d 个 XML 元素，无法读取", EN: "the parts of the XLSX file other than its sheets (up to “%s”) hold more than %d XML elements together and cannot be read"}
	MsgXLSXDepth    = govdata.Msg{ZH: "XLSX 文件中的部件“%s”的 XML 嵌套超过 %d 层，无法读取", EN: "the XML of the part “%s” of the XLSX file nests deeper than %d levels and cannot be read"}
	MsgXLSXToken    = govdata.Msg{ZH: "XLSX 文件中的部件“%s”含有超过 %d KB 的单个文本或标记（一个单元格最多 32,767 个字符），无法读取", EN: "the part “%s” of the XLSX file holds a single text or tag longer than %d KB (a cell holds at most 32,767 characters) and cannot be read"}
	MsgXLSXRow      = govdata.Msg{ZH: "XLSX 文件的工作表“%s”中一行读取时超过 %[4]d MB（%[2]d 个单元格，引用的共享字符串或格式最长 %[3]d KB），无法读取；请删去多余的列或改用 CSV", EN: "a row of the sheet “%s” of the XLSX file exceeds %[4]d MB when read (%[2]d cells; the shared strings or formats they refer to are up to %[3]d KB long); remove the extra columns or upload CSV"}
	MsgXLSXEncoding = govdata.Msg{ZH: "XLSX 文件中的部件“%s”不是 UTF-8 编码，请在 Excel 中重新保存为 .xlsx 后上传", EN: "the part “%s” of the XLSX file is not encoded in UTF-8; save the file again as .xlsx in Excel and upload it"}
)

// msgPartNameLimit cuts a part's name in a message (the name is the
// uploader's, up to 64 KB).
const msgPartNameLimit = 80

// Options are the excelize options that match the limits: what CheckXLSX
// admitted opens, and no more.
func (l XLSXLimits) Options() excelize.Options {
	return excelize.Options{UnzipSizeLimit: l.Total, UnzipXMLSizeLimit: SpillXMLBytes}
}

// CheckXLSX opens the zip in r and refuses it, as an EINVALID
// *govdata.Error naming the part and the limit, when reading it as a
// workbook would cost more than l allows; ErrNotZip or ErrXLSXDamaged when
// it is no zip or a part cannot be inflated (a header that lies about the
// size ends here). Memory stays within a few buffers whatever r holds.
func CheckXLSX(r io.ReaderAt, size int64, l XLSXLimits) (*zip.Reader, error) {
	// archive/zip reads directory records until the first that is not
	// one, whatever the end record declares, and keeps a File for each:
	// count the signatures first (an upper bound of the records).
	n, err := countSignatures(io.NewSectionReader(r, 0, size), zipDirSignature, l.Parts)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrXLSXDamaged, err)
	}
	if n > l.Parts {
		return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXParts, l.Parts)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotZip, err)
	}
	if len(zr.File) > l.Parts { // cannot happen; the count above is a bound
		return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXParts, l.Parts)
	}
	// Part names are unique, compared without case (ECMA-376-2 M1.12):
	// excelize would spill a second part of a name over the first and
	// leave the first's temporary file behind.
	names := make(map[string]bool, len(zr.File))
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		if names[name] {
			return nil, fmt.Errorf("%w: %s twice", ErrXLSXDamaged, partName(f.Name))
		}
		names[name] = true
	}
	// On declared sizes first: nothing is inflated for a bomb that says
	// what it is.
	var total, inMemory uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uint64(l.Total) || total > uint64(l.Total) {
			return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXUnzip, l.Total>>20)
		}
	}
	for _, f := range zr.File {
		switch kind := partKind(f.Name); {
		case kind != partInMemory && f.UncompressedSize64 > SpillXMLBytes:
			// Spilled to a temporary file: bounded by Total.
		case kind == partInMemory && f.UncompressedSize64 > uint64(l.Part):
			return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXPart, partName(f.Name), l.Part>>20)
		default:
			inMemory += f.UncompressedSize64
			if inMemory > uint64(l.InMemory) {
				return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXInMemory, partName(f.Name), l.InMemory>>20)
			}
		}
	}
	// Then as streams, each part once, stopping at the first limit.
	elements := 0
	// A row's cost: its cells times their longest source elsewhere (a
	// shared string, a format) and its own text; the most of each over the
	// rows, since the shared strings may come after the sheets.
	var perCell, widest, rowText int
	var widestSheet string
	for _, f := range zr.File {
		kind := partKind(f.Name)
		s := xmlScan{depth: l.Depth, token: -1, count: "", limit: -1}
		switch kind {
		case partStrings:
			s.token, s.count, s.limit = l.Token, "si", l.Strings
		case partSheet:
			s.token = l.Token
		case partInMemory:
			s.limit = l.Elements - elements
		}
		err := s.scanPart(f)
		if kind == partInMemory {
			elements += s.elements
		}
		switch {
		case kind == partStrings:
			perCell = max(perCell, s.longestSI)
			if err == nil && s.longestSI > l.Token {
				err = errTooLong // one string of many runs, each short
			}
		case kind == partInMemory && strings.EqualFold(f.Name, "xl/styles.xml"):
			perCell = max(perCell, s.longestTag) // a number format's literal text
		}
		// Any part may be a sheet: the workbook's relationships name them.
		if kind != partStrings && (s.widest > widest || s.mostText > rowText) {
			widest, rowText, widestSheet = max(widest, s.widest), max(rowText, s.mostText), f.Name
		}
		switch {
		case err == nil:
		case errors.Is(err, errTooDeep):
			return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXDepth, partName(f.Name), l.Depth)
		case errors.Is(err, errTooLong):
			return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXToken, partName(f.Name), l.Token>>10)
		case errors.Is(err, errTooMany) && kind == partStrings:
			return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXStrings, partName(f.Name), l.Strings)
		case errors.Is(err, errTooMany):
			return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXElements, partName(f.Name), l.Elements)
		case errors.Is(err, errEncoding):
			return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXEncoding, partName(f.Name))
		default:
			return nil, fmt.Errorf("%w: %s: %v", ErrXLSXDamaged, partName(f.Name), err)
		}
	}
	if l.Row > 0 && int64(widest)*int64(perCell)+int64(rowText) > l.Row {
		return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXRow, partName(widestSheet), widest, (perCell+1023)>>10, l.Row>>20)
	}
	return zr, nil
}

type kindOfPart int

const (
	partInMemory kindOfPart = iota
	partSheet
	partStrings
)

// partKind sorts a part as excelize's ReadZipReader does.
func partKind(name string) kindOfPart {
	lower := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	switch {
	case lower == "xl/sharedstrings.xml":
		return partStrings
	case strings.HasPrefix(lower, "xl/worksheets/sheet"):
		return partSheet
	}
	return partInMemory
}

// partName is a part's name fit for a message: the name comes from the
// upload, so it is cut short and stripped of control characters.
func partName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, "?"))
	if r := []rune(name); len(r) > msgPartNameLimit {
		name = string(r[:msgPartNameLimit]) + "…"
	}
	return name
}

// countSignatures counts sig in r, stopping once past limit.
func countSignatures(r io.Reader, sig []byte, limit int) (int, error) {
	buf := make([]byte, 64<<10)
	keep, n := 0, 0
	for {
		m, err := io.ReadFull(r, buf[keep:])
		chunk := buf[:keep+m]
		n += bytes.Count(chunk, sig)
		if n > limit {
			return n, nil
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		// Keep the tail that may start a signature cut by the chunk's end
		// (never a whole signature, so nothing is counted twice).
		keep = copy(buf, chunk[len(chunk)-(len(sig)-1):])
	}
}
