package ckan

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/govdata/govdata"
)

// facetFields are the fields a search counts by (facet.field).
var facetFields = []string{"organization", "tags", "res_format", "license_id", "groups", "open_type", "update_cycle", "grade"}

// nativeFacets are those the store counts itself (CAT-5 facets).
var nativeFacets = map[string]string{"organization": govdata.FacetDepartment, "res_format": govdata.FacetFormat}

var msgFacetField = govdata.Msg{ZH: "不支持按 %s 统计，可用：%s", EN: "cannot count by %s; fields: %s"}

type searchFacet struct {
	Title string      `json:"title"`
	Items []facetItem `json:"items"`
}

type facetItem struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Count       int    `json:"count"`
}

// facetCounter counts values per field, with their display names.
type facetCounter struct {
	counts map[string]map[string]int
	labels map[string]map[string]string
}

func newFacetCounter(fields []string) *facetCounter {
	fc := &facetCounter{counts: map[string]map[string]int{}, labels: map[string]map[string]string{}}
	for _, f := range fields {
		fc.counts[f], fc.labels[f] = map[string]int{}, map[string]string{}
	}
	return fc
}

func (fc *facetCounter) add(field, value, label string, n int) {
	if m, ok := fc.counts[field]; ok && value != "" {
		m[value] += n
		fc.labels[field][value] = label
	}
}

// addDoc counts one matching package.
func (fc *facetCounter) addDoc(d *doc, lang string) {
	for field := range fc.counts {
		for _, v := range d.values(field) {
			var t govdata.Text
			switch field {
			case "organization":
				t.ZH = d.p.Organization.Title
			case "open_type":
				t = govdata.OpenType(v).Label()
			case "update_cycle":
				t = govdata.UpdateCycle(v).Label()
			case "grade":
				t = govdata.Grade(v).Label()
			}
			label := t.In(lang)
			if label == "" {
				label = v
			}
			fc.add(field, v, label, 1)
		}
	}
}

// addStore takes the store's counts (the fast path's facets).
func (fc *facetCounter) addStore(facets map[string][]govdata.Facet, pubs *publishers) {
	for field, native := range nativeFacets {
		for _, f := range facets[native] {
			value, label := f.Value, f.Label
			if field == "organization" {
				id, _ := strconv.ParseInt(f.Value, 10, 64)
				p := pubs.byID[id]
				if p == nil {
					continue
				}
				value, label = orgName(p.Department), p.Name
			}
			if label == "" {
				label = value
			}
			fc.add(field, value, label, f.Count)
		}
	}
}

// result renders the counts as CKAN does: "facets" {field: {value: n}} and
// "search_facets" {field: {title, items}}, the most frequent first, at most
// limit per field (negative: all), none under mincount.
func (fc *facetCounter) result(limit, mincount int) (map[string]map[string]int, map[string]searchFacet) {
	facets := map[string]map[string]int{}
	search := map[string]searchFacet{}
	for field, counts := range fc.counts {
		items := []facetItem{}
		for v, n := range counts {
			if n >= mincount {
				items = append(items, facetItem{Name: v, DisplayName: fc.labels[field][v], Count: n})
			}
		}
		slices.SortFunc(items, func(a, b facetItem) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name))
		})
		if limit >= 0 && len(items) > limit {
			items = items[:limit]
		}
		facets[field] = map[string]int{}
		for _, it := range items {
			facets[field][it.Name] = it.Count
		}
		search[field] = searchFacet{Title: field, Items: items}
	}
	return facets, search
}
