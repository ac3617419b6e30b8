package ckan

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/govdata/govdata"
)

// A search (package_search) runs one of two ways:
//
//   - in the store, when the store can do all of it: a query, at most one
//     organization and one format in fq, the store's own sort, facets it
//     counts (organization, res_format), and a page within the store's
//     depth (storeDepth). start and rows become Offset and Limit. This is
//     the common call: a portal's list, a harvester's organization filter
//     with the default sort.
//   - in memory otherwise: the store reads every open entry the query (and
//     what of fq it can apply) finds, and this package filters by the whole
//     fq, sorts, counts facets and cuts the page. The open catalog of a
//     city is thousands of entries, which this reads in a few calls; past
//     the store's depth it reads department by department (store.go).
//
// Either way the order is fixed for given parameters (ties fall to the
// id), so a harvester paging with start and rows sees each package once.
// Relevance alone is the store's, so a search by relevance pages only as
// deep as the store does.

// searchRequest is a package_search call's parameters, checked.
type searchRequest struct {
	query       string
	fq          node
	sortText    string
	sort        []sortKey
	rows, start int
	facets      []string
	facetLimit  int
	minCount    int
}

type searchResult struct {
	Count int `json:"count"`
	// CountCapped is ours, not CKAN's: the count is a lower bound.
	CountCapped  bool                      `json:"count_capped,omitempty"`
	Sort         string                    `json:"sort"`
	Facets       map[string]map[string]int `json:"facets"`
	SearchFacets map[string]searchFacet    `json:"search_facets"`
	Results      []*pkg                    `json:"results"`
}

func (h *Handler) parseSearch(c *call) (*searchRequest, error) {
	v := &validation{lang: c.lang}
	p := c.params
	r := &searchRequest{}
	q, _ := p.str(v, "q", 1000)
	// A q of syntax alone (a lone quote) leaves no words: it searches
	// everything, as q=*:* does.
	r.query = plainQuery(q)
	var filters []string
	for _, name := range []string{"fq", "fq_list"} {
		switch x := p[name].(type) {
		case []string: // fq repeated in a query string: each must hold
			filters = append(filters, x...)
		case []any:
			filters = append(filters, p.stringList(v, name)...)
		default:
			if s, ok := p.str(v, name, maxFQLength); ok {
				filters = append(filters, s)
			}
		}
	}
	filters = slices.DeleteFunc(filters, func(f string) bool { return strings.TrimSpace(f) == "" })
	text := strings.Join(filters, "")
	if len(filters) > 1 {
		text = "(" + strings.Join(filters, ") (") + ")"
	}
	n, err := parseFQ(text, h.now())
	if fe, ok := err.(*fqError); ok {
		v.addText("fq", fe.text(c.lang))
	}
	r.fq = n
	r.rows = p.integer(v, "rows", 10, 0, maxRows, true)
	r.start = p.integer(v, "start", 0, 0, maxStart, false)
	r.sortText, _ = p.str(v, "sort", 200)
	if strings.TrimSpace(r.sortText) == "" {
		r.sortText = defaultSort
	}
	r.sort = parseSort(r.sortText, v)
	if p.boolean(v, "facet", true) {
		for _, f := range p.stringList(v, "facet.field") {
			if !slices.Contains(facetFields, f) {
				v.add("facet.field", msgFacetField, f, strings.Join(facetFields, ", "))
			} else if !slices.Contains(r.facets, f) {
				r.facets = append(r.facets, f)
			}
		}
	}
	r.facetLimit = p.integer(v, "facet.limit", 50, -1, maxStart, false)
	r.minCount = p.integer(v, "facet.mincount", 1, 0, maxStart, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	return r, nil
}

var msgTooDeep = govdata.Msg{
	ZH: "按相关度排序只能翻到第 %d 条；要读取全部，请按 id asc 或 metadata_modified desc 排序",
	EN: "a search by relevance pages only to result %d; to read all, sort by id asc or metadata_modified desc",
}

// packageSearch searches the open catalog (package_search).
func (h *Handler) packageSearch(c *call) (any, error) {
	r, err := h.parseSearch(c)
	if err != nil {
		return nil, err
	}
	pubs, err := h.publishers(c)
	if err != nil {
		return nil, err
	}
	plan := planSort(r.sort, r.query != "")
	f, rest, none := pushdown(r.fq, pubs, h.ids)
	f.Query = r.query
	fc := newFacetCounter(r.facets)
	out := &searchResult{Sort: r.sortText, Results: []*pkg{}}
	switch {
	case none:
		// An organization that publishes nothing open: nothing matches.
	case plan.native == govdata.SortRelevance && r.start+r.rows > storeDepth:
		// Only the store knows relevance, and it pages only so deep.
		v := &validation{lang: c.lang}
		v.add("start", msgTooDeep, storeDepth)
		return nil, v.err()
	case plan.native != "" && rest == nil && r.start+r.rows <= storeDepth &&
		!slices.ContainsFunc(r.facets, func(name string) bool { return nativeFacets[name] == "" }):
		if err := h.searchStore(c, r, plan, f, pubs, fc, out); err != nil {
			return nil, err
		}
	default:
		if err := h.searchMemory(c, r, plan, f, pubs, fc, out); err != nil {
			return nil, err
		}
	}
	out.Facets, out.SearchFacets = fc.result(r.facetLimit, r.minCount)
	return out, nil
}

// searchStore has the store do the whole search. A query with very many
// matches has its count capped by the store (counting them all would cost
// more than the search); count_capped says so, and paging on until a page
// comes back empty still reads every match.
func (h *Handler) searchStore(c *call, r *searchRequest, plan sortPlan, f govdata.EntryFilter, pubs *publishers, fc *facetCounter, out *searchResult) error {
	f.Sort, f.Facets = plan.native, len(r.facets) > 0
	list, err := h.fetchPage(c, f, r.start, r.rows)
	if err != nil {
		return err
	}
	out.Count, out.CountCapped = list.Total, list.TotalCapped
	fc.addStore(list.Facets, pubs)
	for _, e := range list.Items {
		out.Results = append(out.Results, h.pkg(e, pubs))
	}
	return nil
}

// searchMemory reads every entry the store finds for f, filters them by
// the whole fq, counts facets, sorts unless the store's order is the one
// asked, and cuts the page.
func (h *Handler) searchMemory(c *call, r *searchRequest, plan sortPlan, f govdata.EntryFilter, pubs *publishers, fc *facetCounter, out *searchResult) error {
	f.Sort = plan.native
	if f.Sort == "" {
		f.Sort = plan.fetch
	}
	var docs []*doc
	rank, title := 0, ""
	ordered, err := h.scan(c, f, func(e *govdata.Entry) bool {
		if rank == 0 || e.Name != title {
			rank, title = rank+1, e.Name
		}
		d := &doc{e: e, p: h.pkg(e, pubs), titleRank: rank}
		if r.fq == nil || r.fq.match(d) {
			docs = append(docs, d)
			fc.addDoc(d, c.lang)
		}
		return true
	})
	if err != nil {
		return err
	}
	if !ordered {
		reorder(docs, f.Sort)
	}
	if plan.native == "" {
		sortDocs(docs, plan.keys)
	}
	out.Count = len(docs)
	for _, d := range docs[min(r.start, len(docs)):min(r.start+r.rows, len(docs))] {
		out.Results = append(out.Results, d.p)
	}
	return nil
}

// pushdown takes from a filter what the store can apply — one organization
// and one format that must hold — and returns the rest. none reports a
// filter on an organization with no open entries, which nothing matches.
func pushdown(n node, pubs *publishers, ids idSpace) (f govdata.EntryFilter, rest node, none bool) {
	var parts []node
	switch x := n.(type) {
	case nil:
		return f, nil, false
	case andNode:
		parts = x
	default:
		parts = []node{n}
	}
	var left andNode
	for _, part := range parts {
		t, ok := part.(termNode)
		if _, all := part.(allNode); all {
			continue
		}
		switch {
		case !ok || t.prefix || t.any:
		case (t.field == "organization" || t.field == "owner_org") && f.DepartmentID == 0:
			p := pubs.find(ids, t.value)
			if p == nil {
				return f, nil, true
			}
			f.DepartmentID = p.ID
			continue
		case t.field == "res_format" && f.Format == "":
			f.Format = t.value
			continue
		case t.field == "dataset_type" || t.field == "type":
			if t.value == "dataset" {
				continue
			}
		}
		left = append(left, part)
	}
	if len(left) == 0 {
		return f, nil, false
	}
	return f, left, false
}

// doc is a package under a filter: the entry and its package dict.
type doc struct {
	e *govdata.Entry
	p *pkg
	// titleRank is the title's place when read in the store's name order.
	titleRank int
}

// values returns what the package holds in a filter or facet field.
func (d *doc) values(field string) []string {
	e, p := d.e, d.p
	switch field {
	case "id":
		return []string{p.ID}
	case "name":
		return []string{p.Name}
	case "title":
		return []string{p.Title}
	case "organization":
		return []string{p.Organization.Name}
	case "owner_org":
		return []string{p.OwnerOrg}
	case "tags":
		names := make([]string, len(p.Tags))
		for i, t := range p.Tags {
			names[i] = t.Name
		}
		return names
	case "res_format":
		return []string{e.Format}
	case "license_id":
		return []string{p.LicenseID}
	case "dataset_type", "type":
		return []string{p.Type}
	case "state":
		return []string{p.State}
	case "capacity":
		return []string{"public"}
	case "resource_code":
		return []string{e.ResourceCode}
	case "classification":
		return []string{e.Classification.Code()}
	case "update_cycle":
		return []string{string(e.UpdateCycle)}
	case "open_type":
		return []string{string(e.OpenType)}
	case "grade":
		return []string{string(e.Grade)}
	case "region_code":
		return []string{e.RegionCode}
	}
	return nil // groups: none
}

// time returns a date field's value.
func (d *doc) time(field string) time.Time {
	if field == "metadata_created" {
		return d.e.CreatedAt
	}
	return d.e.UpdatedAt
}

// isMatchAll reports Solr's "everything" queries.
func isMatchAll(q string) bool {
	q = strings.TrimSpace(q)
	return q == "*:*" || q == "*"
}

// queryOperators are Solr's (and SQLite FTS5's) operator words: a query
// is plain words, so they are dropped rather than passed on.
var queryOperators = []string{"AND", "OR", "NOT", "NEAR", "TO"}

// plainQuery turns q, which CKAN clients write in Solr's syntax, into the
// plain words the open catalog searches (EntryFilter.Query): field
// prefixes (title:), quotes, wildcards, brackets, operators and any other
// punctuation go; letters, digits and "-", "_", "." inside words stay.
// q=*:* is no query.
func plainQuery(q string) string {
	if isMatchAll(q) {
		return ""
	}
	var words []string
	for _, w := range strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || r == '-' || r == '_' || r == '.' || r == ':' {
			return r
		}
		return ' '
	}, q)) {
		if i := strings.LastIndexByte(w, ':'); i >= 0 {
			w = w[i+1:] // title:人口 → 人口
		}
		w = strings.Trim(w, "-_.")
		if w == "" || slices.Contains(queryOperators, w) {
			continue
		}
		words = append(words, w)
		if len(words) == 50 {
			break
		}
	}
	return strings.Join(words, " ")
}
