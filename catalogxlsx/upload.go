package catalogxlsx

import (
	"bytes"
	"errors"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ingest"
)

// oleSignature starts a Compound File: an Excel 97-2003 .xls, or an .xlsx
// encrypted with a password. Neither can be read, and both are common
// enough to deserve their own message.
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// upload is an uploaded workbook, opened twice: by excelize for the cell
// values and as a zip for sheetscan.
type upload struct {
	file *excelize.File
	pkg  *workbookPackage
}

// openUpload checks what the file is before anything is inflated.
func openUpload(r io.ReaderAt, size int64) (*upload, error) {
	if size <= 0 {
		return nil, refuse(MsgEmptyFile)
	}
	head := make([]byte, len(oleSignature))
	if n, _ := r.ReadAt(head, 0); n == len(head) && bytes.Equal(head, oleSignature) {
		return nil, refuse(MsgLegacyOrLocked)
	}
	// A zip bomb is refused on what its parts declare and, read once as a
	// stream, on what they hold (ingest.CheckXLSX); a part that inflates
	// beyond its declaration is damaged.
	zr, err := ingest.CheckXLSX(r, size, importLimits)
	var limit *govdata.Error
	switch {
	case errors.As(err, &limit):
		return nil, refusal(limit.Message, nil)
	case errors.Is(err, ingest.ErrNotZip):
		return nil, refuse(MsgNotXLSX)
	case err != nil:
		return nil, refuse(MsgUnreadable)
	}
	pkg, err := readPackage(zr)
	if errors.Is(err, errNotWorkbook) {
		return nil, refuse(MsgNotXLSX)
	}
	if err != nil {
		return nil, refuse(MsgUnreadable)
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), importLimits.Options())
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, refuse(MsgUnreadable)
	}
	return &upload{file: f, pkg: pkg}, nil
}

// close removes the temporary files excelize made for large sheets.
func (u *upload) close() { _ = u.file.Close() }
