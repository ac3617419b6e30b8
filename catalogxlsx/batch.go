package catalogxlsx

import (
	"github.com/govdata/govdata"
)

// batch is the entries of one upload while they are read: each with the
// rows it came from, so the catalog's complaints can be put back on cells.
type batch struct {
	errs       *cellErrors
	shareTypes vocabulary // with the profile's own labels
	openTypes  vocabulary
	entries    []pendingEntry
	byKey      map[string]int // comparable key → index in entries
}

type pendingEntry struct {
	row      int // on the entries sheet
	input    govdata.EntryInput
	itemRows []int // on the items sheet, one per input.Items
}

func newBatch(p *govdata.Profile, errs *cellErrors) *batch {
	b := &batch{errs: errs, shareTypes: shareTypes, openTypes: openTypes, byKey: map[string]int{}}
	if p != nil {
		b.shareTypes = shareTypes.withLabels(p.Labels.Share)
		b.openTypes = openTypes.withLabels(p.Labels.Open)
	}
	return b
}

// addEntries reads the entries sheet. A repeated key is reported on the
// later row; items link to the first.
func (b *batch) addEntries(rows []sheetRow) {
	for _, row := range rows {
		r := rowReader{layout: entriesLayout, row: row, errs: b.errs}
		key := r.required("key")
		in := govdata.EntryInput{
			Name:    r.text("name"),
			Summary: r.text("summary"),
			Classification: govdata.Classification{
				Category:    r.code("classification.category"),
				Subcategory: r.code("classification.subcategory"),
				Group:       r.code("classification.group"),
				Subgroup:    r.code("classification.subgroup"),
			},
			Format:          r.text("format"),
			UpdateCycle:     govdata.UpdateCycle(r.choice("update_cycle", updateCycles, true)),
			ShareType:       govdata.ShareType(r.choice("share_type", b.shareTypes, true)),
			ShareConditions: r.text("share_conditions"),
			ShareBasis:      r.text("share_basis"),
			ShareMethod:     r.text("share_method"),
			OpenType:        govdata.OpenType(r.choice("open_type", b.openTypes, true)),
			OpenConditions:  r.text("open_conditions"),
			Grade:           govdata.Grade(r.choice("grade", grades, true)),
			SourceSystem:    r.text("source_system"),
		}
		for _, c := range r.list("related_codes") {
			in.RelatedCodes = append(in.RelatedCodes, narrow(c))
		}
		if key != "" {
			if first, repeated := b.byKey[comparable(key)]; repeated {
				r.fail(entriesLayout.index("key"), MsgKeyRepeats, key, b.entries[first].row)
			} else {
				b.byKey[comparable(key)] = len(b.entries)
			}
		}
		b.entries = append(b.entries, pendingEntry{row: row.number, input: in})
	}
}

// addItems reads the items sheet and gives each item to its entry, in
// the order of the rows.
func (b *batch) addItems(rows []sheetRow) {
	for _, row := range rows {
		r := rowReader{layout: itemsLayout, row: row, errs: b.errs}
		key := r.required("entry_key")
		it := govdata.Item{
			Name:        r.text("name"),
			Type:        govdata.ItemType(r.choice("type", itemTypes, true)),
			Length:      r.integer("length", false),
			Description: r.text("description"),
			Sensitivity: r.integer("sensitivity", true),
			Personal:    r.flag("personal"),
			Open:        govdata.ItemOpen(r.choice("open", itemOpens, false)),
			ShareType:   govdata.ShareType(r.choice("share_type", b.shareTypes, false)),
			Key:         r.flag("key"),
			Region:      r.flag("region"),
		}
		rules := govdata.Rules{
			Required: r.flag("rules.required"),
			Pattern:  r.text("rules.pattern"),
			Enum:     r.list("rules.enum"),
			Min:      r.number("rules.min"),
			Max:      r.number("rules.max"),
			Format:   govdata.ValueFormat(r.choice("rules.format", valueFormats, false)),
		}
		if rules.Required || rules.Pattern != "" || rules.Enum != nil || rules.Min != nil || rules.Max != nil || rules.Format != "" {
			it.Rules = &rules
		}
		if key == "" {
			continue
		}
		i, ok := b.byKey[comparable(key)]
		if !ok {
			r.fail(itemsLayout.index("entry_key"), MsgUnknownKey, key)
			continue
		}
		e := &b.entries[i]
		e.input.Items = append(e.input.Items, it)
		e.itemRows = append(e.itemRows, row.number)
	}
}

// inputs are the entries read, in the order of their rows.
func (b *batch) inputs() []govdata.EntryInput {
	out := make([]govdata.EntryInput, len(b.entries))
	for i, e := range b.entries {
		out[i] = e.input
	}
	return out
}
