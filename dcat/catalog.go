package dcat

import (
	"net/http"
	"strconv"

	"github.com/govdata/govdata"
)

// catalogPage is one page of the catalog: the dcat:Catalog with the page's
// datasets, and the page as a hydra:PagedCollection (totalItems,
// itemsPerPage, first/last/next/previous page), which is how
// ckanext-dcat's harvester and others follow a paged catalog. page past
// the last is refused rather than answered empty, so a client's
// off-by-one shows.
func (h *Handler) catalogPage(r *http.Request, rest, lang string) (*graph, error) {
	page := 1
	if v, ok := r.URL.Query()["page"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > maxPage || len(v) > 1 {
			return nil, &httpError{http.StatusBadRequest, msgPage.Text(lang, maxPage)}
		}
		page = n
	}
	list, err := h.cat.OpenPublishers(r.Context())
	if err != nil {
		return nil, err
	}
	total := 0
	pubs := make(map[int64]*govdata.Publisher, len(list))
	for i := range list {
		total += list[i].OpenEntries
		pubs[list[i].ID] = &list[i]
	}
	last := max(1, (total+PageSize-1)/PageSize)
	if page > last {
		return nil, &httpError{http.StatusBadRequest, msgPage.Text(lang, last)}
	}
	entries, err := h.pageEntries(r, list, page)
	if err != nil {
		return nil, err
	}

	g := newGraph()
	x := h.iris
	cat := x.catalog()
	g.add(cat, rdfType, iri(nsDCAT+"Catalog"))
	addTexts(g, cat, nsDCT+"title", h.cfg.Title)
	addTexts(g, cat, nsDCT+"description", h.cfg.Description)
	g.add(cat, nsDCT+"publisher", iri(x.bureau()))
	g.add(cat, nsDCT+"language", iri(euLanguageZH))
	g.add(euLanguageZH, rdfType, iri(nsDCT+"LinguisticSystem"))
	g.add(cat, nsFOAF+"homepage", iri(h.cfg.SiteURL+"/"))
	g.add(h.cfg.SiteURL+"/", rdfType, iri(nsFOAF+"Document"))
	g.add(cat, nsDCAT+"themeTaxonomy", iri(x.scheme()))
	g.add(x.bureau(), rdfType, iri(nsFOAF+"Organization"))
	g.add(x.bureau(), rdfType, iri(nsFOAF+"Agent"))
	addTexts(g, x.bureau(), nsFOAF+"name", h.cfg.Publisher)
	for _, e := range entries {
		g.add(cat, nsDCAT+"dataset", iri(x.dataset(e.ID)))
	}
	for _, e := range entries {
		h.addDataset(g, e, pubs[e.DepartmentID])
	}

	// The page URLs keep the form asked for (.ttl, .jsonld or none).
	pageURL := func(n int) string { return h.cfg.SiteURL + h.cfg.Path + rest + "?page=" + strconv.Itoa(n) }
	pg := pageURL(page)
	g.add(pg, rdfType, iri(nsHydra+"PagedCollection"))
	g.add(pg, nsHydra+"totalItems", typed(strconv.Itoa(total), nsXSD+"integer"))
	g.add(pg, nsHydra+"itemsPerPage", typed(strconv.Itoa(PageSize), nsXSD+"integer"))
	g.add(pg, nsHydra+"firstPage", iri(pageURL(1)))
	g.add(pg, nsHydra+"lastPage", iri(pageURL(last)))
	if page < last {
		g.add(pg, nsHydra+"nextPage", iri(pageURL(page+1)))
	}
	if page > 1 {
		g.add(pg, nsHydra+"previousPage", iri(pageURL(page-1)))
	}
	return g, nil
}

// addTexts states a text in each language it is given in.
func addTexts(g *graph, s, p string, t govdata.Text) {
	if t.ZH != "" {
		g.add(s, p, text(t.ZH, "zh"))
	}
	if t.EN != "" {
		g.add(s, p, text(t.EN, "en"))
	}
}

// pageEntries reads a page of the catalog, which lists the publishers'
// entries publisher by publisher (in OpenPublishers' order), newest first
// within each. Each department is paged on its own, so no offset goes past
// the store's depth (10,000) however large the whole catalog grows; the
// publishers' open-entry counts place the page.
func (h *Handler) pageEntries(r *http.Request, pubs []govdata.Publisher, page int) ([]*govdata.Entry, error) {
	skip, need := (page-1)*PageSize, PageSize
	var out []*govdata.Entry
	for _, p := range pubs {
		if skip >= p.OpenEntries {
			skip -= p.OpenEntries
			continue
		}
		list, err := h.cat.FindOpenEntries(r.Context(), govdata.EntryFilter{
			DepartmentID: p.ID, Sort: govdata.SortUpdated, Page: govdata.Page{Limit: need}, Offset: skip,
		})
		if err != nil {
			return nil, err
		}
		out = append(out, list.Items[:min(need, len(list.Items))]...)
		if need -= len(list.Items); need <= 0 {
			break
		}
		skip = 0
	}
	return out, nil
}
