package catalogxlsx

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// validate runs the catalog's rules (govdata.ValidateEntry) on every entry
// and puts each complaint on the cell it is about. The rules live in the
// domain; this only translates their field paths ("items[2].name") into
// sheets, rows and columns.
func (b *batch) validate(p *govdata.Profile) error {
	keyColumn := entriesLayout.index("key")
	for _, e := range b.entries {
		if len(e.input.Items) == 0 {
			b.errs.add(SheetEntries, e.row, keyColumn, "items", govdata.Message{Msg: MsgEntryNoItems})
		}
		err := govdata.ValidateEntry(e.input, p)
		if err == nil {
			continue
		}
		var ge *govdata.Error
		if !errors.As(err, &ge) {
			return fmt.Errorf("catalogxlsx: validate entry of row %d: %w", e.row, err)
		}
		// Sorted, so that when two paths land on one cell the same one wins
		// every time.
		paths := make([]string, 0, len(ge.Fields))
		for path := range ge.Fields {
			paths = append(paths, path)
		}
		slices.Sort(paths)
		for _, path := range paths {
			b.report(e, path, ge.Fields[path])
		}
	}
	return nil
}

// report puts the message of one field path on its cell; a path this
// package does not know lands on the entry's key cell, named.
func (b *batch) report(e pendingEntry, path string, m govdata.Message) {
	if i, field, ok := itemPath(path); ok && i < len(e.itemRows) {
		// The catalog counts items within the entry; a clerk sees rows.
		if n, ok := duplicateOf(m); ok && n >= 1 && n <= len(e.itemRows) {
			m = govdata.Message{Msg: MsgItemNameRepeats, Args: []any{e.itemRows[n-1]}}
		}
		col := itemsLayout.index(field)
		if col < 0 {
			col, m = itemsLayout.index("name"), govdata.Message{Msg: MsgOtherField, Args: []any{field, m}}
		}
		b.errs.add(SheetItems, e.itemRows[i], col, field, m)
		return
	}
	if rest, ok := strings.CutPrefix(path, "related_codes["); ok {
		n, _ := strconv.Atoi(strings.TrimSuffix(rest, "]"))
		m = govdata.Message{Msg: MsgNthValue, Args: []any{n + 1, m}}
		path = "related_codes"
	}
	col, field := entriesLayout.index(path), path
	switch {
	case path == "items": // too many items: said on the entry's key
		col, m = entriesLayout.index("key"), govdata.Message{Msg: MsgItemsField, Args: []any{m}}
	case col < 0:
		col, m = entriesLayout.index("key"), govdata.Message{Msg: MsgOtherField, Args: []any{path, m}}
	}
	b.errs.add(SheetEntries, e.row, col, field, m)
}

// duplicateOf returns the item number of the catalog's "the item name
// repeats item n".
func duplicateOf(m govdata.Message) (int, bool) {
	if m.Msg != govdata.MsgItemDuplicate || len(m.Args) != 1 {
		return 0, false
	}
	n, ok := m.Args[0].(int)
	return n, ok
}

// itemPath splits "items[2].rules.min" into 2 and "rules.min".
func itemPath(path string) (int, string, bool) {
	rest, ok := strings.CutPrefix(path, "items[")
	if !ok {
		return 0, "", false
	}
	index, field, ok := strings.Cut(rest, "].")
	if !ok {
		return 0, "", false
	}
	i, err := strconv.Atoi(index)
	return i, field, err == nil && i >= 0
}
