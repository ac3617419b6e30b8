package ckan

import (
	"slices"
	"strings"

	"github.com/govdata/govdata"
)

// packageShow shows one open entry (package_show) by its package id, its
// name, or its entry id in decimal.
func (h *Handler) packageShow(c *call) (any, error) {
	v := &validation{lang: c.lang}
	ref, _ := c.params.str(v, "id", 200)
	if strings.TrimSpace(ref) == "" && v.fields == nil {
		v.add("id", msgMissing)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	e, err := h.findEntry(c, strings.TrimSpace(ref))
	if err != nil {
		return nil, err
	}
	pubs, err := h.publishers(c)
	if err != nil {
		return nil, err
	}
	return h.pkg(e, pubs), nil
}

// findEntry resolves a package reference to an open entry.
func (h *Handler) findEntry(c *call, ref string) (*govdata.Entry, error) {
	id, ok := h.ids.parse(kindPackage, ref)
	if !ok {
		id, ok = positiveID(ref)
	}
	if !ok {
		id, ok = entryIDOfName(ref)
	}
	if ok {
		e, err := h.cat.FindOpenEntry(c.ctx, id)
		if govdata.ErrorCodeOf(err) == govdata.ENOTFOUND {
			return nil, notFound(c.lang)
		}
		return e, err
	}
	return h.findByName(c, strings.ToLower(ref))
}

// findByName finds an entry by the name packageName gave it. The name
// carries the provider's credit code, so only that department's open
// entries are read.
func (h *Handler) findByName(c *call, name string) (*govdata.Entry, error) {
	code, ok := creditCodeOfName(name)
	if !ok || !ckanName.MatchString(name) {
		return nil, notFound(c.lang)
	}
	pubs, err := h.publishers(c)
	if err != nil {
		return nil, err
	}
	var dept int64
	for _, p := range pubs.list {
		if strings.EqualFold(p.CreditCode, code) {
			dept = p.ID
			break
		}
	}
	if dept == 0 {
		return nil, notFound(c.lang)
	}
	var found *govdata.Entry
	_, err = h.scan(c, govdata.EntryFilter{DepartmentID: dept, Sort: govdata.SortUpdated}, func(e *govdata.Entry) bool {
		if packageName(e.ResourceCode, e.ID) == name {
			found = e
			return false
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, notFound(c.lang)
	}
	return found, nil
}

// packageList lists the names of all open packages in name order
// (package_list); limit and offset page it.
func (h *Handler) packageList(c *call) (any, error) {
	v := &validation{lang: c.lang}
	limit := c.params.integer(v, "limit", -1, 0, maxStart, false)
	offset := c.params.integer(v, "offset", 0, 0, maxStart, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	names := []string{}
	_, err := h.scan(c, govdata.EntryFilter{Sort: govdata.SortUpdated}, func(e *govdata.Entry) bool {
		names = append(names, packageName(e.ResourceCode, e.ID))
		return true
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	names = slices.Compact(names)
	names = names[min(offset, len(names)):]
	if limit >= 0 {
		names = names[:min(limit, len(names))]
	}
	return names, nil
}
