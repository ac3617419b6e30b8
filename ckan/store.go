package ckan

import (
	"errors"
	"fmt"

	"github.com/govdata/govdata"
)

const (
	// maxRows is CKAN's default ckan.search.rows_max: rows above it are
	// lowered to it, as CKAN does.
	maxRows = 1000
	// maxStart bounds start, offset and limit, so that sums cannot overflow.
	maxStart = 1 << 30
	// maxScan bounds the entries one anonymous call reads into memory (a
	// search with a filter or sort the store cannot do, package_list): a
	// city's open catalog is thousands of entries; a broader call is asked
	// to narrow its filter rather than hold the server's memory.
	maxScan = 20_000
)

var msgTooBroad = govdata.Msg{ZH: "一次调用最多读取 %d 条开放目录，请增加过滤条件（如 organization）", EN: "one call reads at most %d open entries; narrow it with a filter such as organization"}

// storeDepth is how deep the store pages a search: it refuses offsets past
// 10,000 ("narrow the query"). Reading deeper goes department by
// department. A variable so that tests can make it small.
var storeDepth = 10_000

// fetchPage reads rows entries from offset in the store's order, in pieces
// of at most govdata.MaxLimit (the store's cap). Total, TotalCapped and
// Facets are those of the first piece. rows 0 reads only the count (and
// facets).
func (h *Handler) fetchPage(c *call, f govdata.EntryFilter, offset, rows int) (govdata.EntryList, error) {
	var out govdata.EntryList
	for first := true; first || len(out.Items) < rows; first = false {
		f.Offset = offset + len(out.Items)
		f.Limit = max(1, min(rows-len(out.Items), govdata.MaxLimit))
		f.Facets = f.Facets && first
		page, err := h.cat.FindOpenEntries(c.ctx, f)
		if err != nil {
			return govdata.EntryList{}, err
		}
		if first {
			out.Total, out.TotalCapped, out.Facets = page.Total, page.TotalCapped, page.Facets
		}
		if rows == 0 {
			break
		}
		out.Items = append(out.Items, page.Items...)
		if len(page.Items) == 0 || !page.TotalCapped && f.Offset+len(page.Items) >= page.Total {
			break
		}
	}
	out.Items = out.Items[:min(len(out.Items), rows)]
	if out.Items == nil {
		out.Items = []*govdata.Entry{}
	}
	return out, nil
}

// scan calls fn with every open entry that f finds, each once, until fn
// returns false. It reads in the store's order (ordered) while the matches
// fit in the store's depth; past it, it reads again department by
// department, each in the store's order, which is no one order overall.
func (h *Handler) scan(c *call, f govdata.EntryFilter, fn func(*govdata.Entry) bool) (ordered bool, err error) {
	f.Facets = false
	if f.DepartmentID != 0 {
		_, err := h.scanOffsets(c, f, fn, map[int64]bool{}, 0)
		return true, err
	}
	// Held until the end is reached, so that nothing is passed twice if
	// the store's depth is not enough.
	var held []*govdata.Entry
	_, err = h.scanOffsets(c, f, func(e *govdata.Entry) bool { held = append(held, e); return true }, map[int64]bool{}, storeDepth)
	if errors.Is(err, errTooDeep) {
		return false, h.scanDepartments(c, f, fn)
	}
	if err != nil {
		return false, err
	}
	for _, e := range held {
		if !fn(e) {
			break
		}
	}
	return true, nil
}

// errTooDeep: the next piece lies past the store's depth.
var errTooDeep = errors.New("ckan: past the store's depth")

// scanDepartments reads each open publisher's entries in turn.
func (h *Handler) scanDepartments(c *call, f govdata.EntryFilter, fn func(*govdata.Entry) bool) error {
	pubs, err := h.publishers(c)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, p := range pubs.list {
		f.DepartmentID = p.ID
		more, err := h.scanOffsets(c, f, fn, seen, 0)
		if err != nil {
			return fmt.Errorf("ckan: read the open entries of department %d: %w", p.ID, err)
		}
		if !more {
			return nil
		}
	}
	return nil
}

// scanOffsets pages through f with offsets, up to depth (0: no bound). An
// entry moved by a change between two pieces is not passed twice (seen).
// more is false when fn asked to stop.
func (h *Handler) scanOffsets(c *call, f govdata.EntryFilter, fn func(*govdata.Entry) bool, seen map[int64]bool, depth int) (more bool, err error) {
	for offset := 0; ; {
		if depth > 0 && offset > depth {
			return false, errTooDeep
		}
		f.Offset, f.Limit = offset, govdata.MaxLimit
		page, err := h.cat.FindOpenEntries(c.ctx, f)
		if err != nil {
			return false, err
		}
		for _, e := range page.Items {
			if seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			if !fn(e) {
				return false, nil
			}
		}
		offset += len(page.Items)
		// A capped total (a query with many matches) is no end: read on
		// until a piece comes back empty.
		if len(page.Items) == 0 || !page.TotalCapped && offset >= page.Total {
			return true, nil
		}
		if len(seen) > maxScan {
			return false, govdata.Errorf(govdata.EINVALID, msgTooBroad, maxScan)
		}
	}
}
