package catalogxlsx

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"
)

// An XLSX file is a zip package of XML parts (ECMA-376 Part 2). This file
// finds each worksheet's part by name, so that sheetscan can stream it:
// excelize reads formulas and merged cells only by loading a whole sheet
// into memory, which the row limits are there to avoid.

// workbookPackage is the zip of an uploaded workbook.
type workbookPackage struct {
	parts  map[string]*zip.File // by lower-case name: part names are case-insensitive
	sheets map[string]string    // sheet name → part name
}

// errNotWorkbook: a zip, but not a spreadsheet (a .docx, an archive of CSVs).
var errNotWorkbook = errors.New("catalogxlsx: not a workbook package")

// maxMetadataBytes bounds the small XML parts read whole (relationships,
// the workbook's sheet list).
const maxMetadataBytes = 16 << 20

func readPackage(zr *zip.Reader) (*workbookPackage, error) {
	p := &workbookPackage{parts: map[string]*zip.File{}, sheets: map[string]string{}}
	for _, f := range zr.File {
		p.parts[strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))] = f
	}
	workbook := "xl/workbook.xml"
	if rels, err := p.relationships("_rels/.rels"); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				workbook = resolvePart("", r.Target)
			}
		}
	}
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := p.decode(workbook, &wb); err != nil {
		return nil, err
	}
	dir, file := path.Split(workbook)
	rels, err := p.relationships(dir + "_rels/" + file + ".rels")
	if err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels {
		targets[r.ID] = resolvePart(dir, r.Target)
	}
	for _, s := range wb.Sheets {
		for _, a := range s.Attrs {
			// r:id, in the transitional or the strict namespace.
			if a.Name.Local == "id" && targets[a.Value] != "" {
				p.sheets[s.Name] = targets[a.Value]
			}
		}
	}
	if len(p.sheets) == 0 {
		return nil, errNotWorkbook
	}
	return p, nil
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

func (p *workbookPackage) relationships(name string) ([]relationship, error) {
	var rels struct {
		List []relationship `xml:"Relationship"`
	}
	err := p.decode(name, &rels)
	return rels.List, err
}

// decode reads a small part whole; errNotWorkbook if there is none.
func (p *workbookPackage) decode(name string, v any) error {
	rc, err := p.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, maxMetadataBytes)).Decode(v)
}

// open streams a part.
func (p *workbookPackage) open(name string) (io.ReadCloser, error) {
	f, ok := p.parts[strings.ToLower(name)]
	if !ok {
		return nil, errNotWorkbook
	}
	return f.Open()
}

// resolvePart turns a relationship's target into a part name: absolute
// targets start at the package root, others at the source part's folder.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean("/"+dir+target), "/")
}
