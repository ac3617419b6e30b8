package ckan

import (
	"cmp"
	"slices"
	"strings"

	"github.com/govdata/govdata"
)

// defaultSort is CKAN's: relevance, then the newest first.
const defaultSort = "score desc, metadata_modified desc"

// sortFields are the fields a search sorts on. title is taken as
// title_string (a text field does not sort in Solr either).
var sortFields = []string{"score", "metadata_modified", "metadata_created", "name", "title_string", "title", "id"}

var (
	msgSort      = govdata.Msg{ZH: "排序应为逗号分隔的“字段 asc|desc”，字段可为：%s", EN: "sort must be comma-separated \"field asc|desc\"; fields: %s"}
	msgSortScore = govdata.Msg{ZH: "score 只能降序（score desc）", EN: "score sorts only descending (score desc)"}
)

type sortKey struct {
	field string
	desc  bool
}

// parseSort reads "field dir, field dir"; the direction may be left out
// (ascending).
func parseSort(s string, v *validation) []sortKey {
	if strings.TrimSpace(s) == "" {
		s = defaultSort
	}
	var keys []sortKey
	for _, part := range strings.Split(s, ",") {
		f := strings.Fields(strings.ToLower(part))
		if len(f) == 0 || len(f) > 2 || !slices.Contains(sortFields, f[0]) || len(f) == 2 && f[1] != "asc" && f[1] != "desc" {
			v.add("sort", msgSort, strings.Join(sortFields, ", "))
			return nil
		}
		k := sortKey{field: f[0], desc: len(f) == 2 && f[1] == "desc"}
		if k.field == "title" {
			k.field = "title_string"
		}
		if k.field == "score" && !k.desc {
			v.add("sort", msgSortScore)
			return nil
		}
		keys = append(keys, k)
	}
	return keys
}

// sortPlan says how a search is ordered: by the store alone (native), or
// in memory by keys over what the store read in fetch order.
type sortPlan struct {
	native string // a store sort that gives the order by itself, or ""
	fetch  string // the store sort to read in when sorting in memory
	keys   []sortKey
}

// planSort turns sort keys into a plan. Relevance exists only with a
// query; without one "score" falls away, as every entry scores the same.
// The store's own sorts are used where they are exactly the order asked:
// relevance, metadata_modified desc (its "updated") and title_string asc
// (its "name", in its collation).
func planSort(keys []sortKey, hasQuery bool) sortPlan {
	fetch := govdata.SortUpdated
	if hasQuery {
		fetch = govdata.SortRelevance
		if len(keys) > 0 && keys[0].field == "score" {
			return sortPlan{native: govdata.SortRelevance}
		}
	}
	keys = slices.DeleteFunc(slices.Clone(keys), func(k sortKey) bool { return k.field == "score" })
	if len(keys) == 0 {
		keys = []sortKey{{field: "metadata_modified", desc: true}}
	}
	if len(keys) == 1 && keys[0] == (sortKey{"metadata_modified", true}) {
		return sortPlan{native: govdata.SortUpdated}
	}
	if len(keys) == 1 && keys[0] == (sortKey{"title_string", false}) {
		return sortPlan{native: govdata.SortName}
	}
	if slices.ContainsFunc(keys, func(k sortKey) bool { return k.field == "title_string" }) {
		// Titles compare by their place in the store's name order, so
		// that both directions follow its collation (pinyin, say).
		fetch = govdata.SortName
	}
	if !hasQuery {
		// The id breaks the last ties, so paging sees a fixed order.
		keys = append(keys, sortKey{field: "id"})
	}
	return sortPlan{fetch: fetch, keys: keys}
}

// sortDocs orders docs by the plan's keys; a stable sort, so the store's
// order (relevance, with a query) breaks what ties remain.
func sortDocs(docs []*doc, keys []sortKey) {
	slices.SortStableFunc(docs, func(a, b *doc) int {
		for _, k := range keys {
			var c int
			switch k.field {
			case "metadata_modified":
				c = a.e.UpdatedAt.Compare(b.e.UpdatedAt)
			case "metadata_created":
				c = a.e.CreatedAt.Compare(b.e.CreatedAt)
			case "name":
				c = strings.Compare(a.p.Name, b.p.Name)
			case "title_string":
				c = cmp.Compare(a.titleRank, b.titleRank)
			case "id":
				c = cmp.Compare(a.e.ID, b.e.ID) // the order of the package ids too
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

// reorder puts docs read department by department (past the store's
// depth) into the store's order as far as it can be told: by title for
// its name order (ranked anew, in code point order), newest first for its
// "updated" order and for relevance, which only the store knows.
func reorder(docs []*doc, storeSort string) {
	byTitle := func(a, b *doc) int { return cmp.Or(strings.Compare(a.e.Name, b.e.Name), cmp.Compare(a.e.ID, b.e.ID)) }
	slices.SortFunc(docs, byTitle)
	for i, d := range docs {
		d.titleRank = i + 1
		if i > 0 && d.e.Name == docs[i-1].e.Name {
			d.titleRank = docs[i-1].titleRank
		}
	}
	if storeSort != govdata.SortName {
		slices.SortFunc(docs, func(a, b *doc) int {
			return cmp.Or(b.e.UpdatedAt.Compare(a.e.UpdatedAt), cmp.Compare(b.e.ID, a.e.ID))
		})
	}
}
