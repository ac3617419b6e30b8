package dcat

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govdata/govdata"
)

// An open entry is a dcat:Dataset (DCAT-AP 2/3) thus:
//
//	dct:identifier          the resource code (信息资源代码)
//	dct:title, description  name and summary, @zh
//	dct:publisher           the department: foaf:Organization, foaf:name @zh,
//	                        dct:identifier its unified social credit code
//	dcat:keyword            the category (基础/主题/部门信息资源) and the data
//	                        items' names, @zh
//	dcat:theme              the classification code as a skos:Concept
//	                        (skos:notation) in the national guide's scheme,
//	                        skos:broader its category (类)
//	dct:issued, modified    PublishedAt and UpdatedAt, xsd:dateTime in UTC
//	dct:accrualPeriodicity  the update cycle in the EU frequency vocabulary
//	dct:accessRights        PUBLIC (unconditional) or RESTRICTED (conditional)
//	dcat:landingPage        the dataset's page
//	dcat:distribution       with Config.Distributions: one per download
//	                        format (dcat:downloadURL, dct:format, dcat:mediaType)
//	                        and one for the records API (dcat:accessService);
//	                        without: one: dcat:accessURL the open dataset, dct:format
//	                        and dcat:mediaType where the format names a file
//	                        type, the catalog's format as its description,
//	                        and for a conditional entry dct:rights stating
//	                        the conditions
//	owl:versionInfo         the published version
//	dct:language            Chinese

// EU vocabularies (the Publications Office's authority tables).
const (
	euFrequency  = "http://publications.europa.eu/resource/authority/frequency/"
	euAccess     = "http://publications.europa.eu/resource/authority/access-right/"
	euFileType   = "http://publications.europa.eu/resource/authority/file-type/"
	euLanguageZH = "http://publications.europa.eu/resource/authority/language/ZHO"
	ianaMedia    = "http://www.iana.org/assignments/media-types/"
)

// frequencies maps update cycles to the EU frequency table. Real time is
// UPDATE_CONT ("continuously updated"); half-yearly ANNUAL_2 ("semiannual");
// "other" is the table's OTHER.
var frequencies = map[govdata.UpdateCycle]string{
	govdata.CycleRealtime: "UPDATE_CONT", govdata.CycleDaily: "DAILY", govdata.CycleWeekly: "WEEKLY",
	govdata.CycleMonthly: "MONTHLY", govdata.CycleQuarterly: "QUARTERLY", govdata.CycleHalfYearly: "ANNUAL_2",
	govdata.CycleYearly: "ANNUAL", govdata.CycleOther: "OTHER",
}

// accessRights: opened unconditionally is public; on conditions,
// restricted (the user applies, OPN-2).
var accessRights = map[govdata.OpenType]string{
	govdata.OpenUnconditional: "PUBLIC", govdata.OpenConditional: "RESTRICTED", govdata.OpenNone: "NON_PUBLIC",
}

// maxKeywords bounds the keywords of a dataset (a wide table has hundreds
// of items).
const maxKeywords = 50

// xsdTime is an xsd:dateTime in UTC.
func xsdTime(t time.Time) term {
	return typed(t.UTC().Format("2006-01-02T15:04:05Z"), nsXSD+"dateTime")
}

// iris mints the IRIs of the feed's nodes under SiteURL + Path.
type iris struct{ base string }

func (x iris) catalog() string              { return x.base + "/catalog" }
func (x iris) dataset(id int64) string      { return x.base + "/dataset/" + strconv.FormatInt(id, 10) }
func (x iris) publisher(id int64) string    { return x.base + "/publisher/" + strconv.FormatInt(id, 10) }
func (x iris) bureau() string               { return x.base + "/catalog#publisher" }
func (x iris) scheme() string               { return x.base + "/classification" }
func (x iris) concept(code string) string   { return x.base + "/classification/" + code }
func (x iris) distribution(id int64) string { return x.dataset(id) + "#distribution" }

// addDataset states an entry; pub is its department when known (for the
// credit code).
func (h *Handler) addDataset(g *graph, e *govdata.Entry, pub *govdata.Publisher) string {
	x := h.iris
	ds := x.dataset(e.ID)
	g.add(ds, rdfType, iri(nsDCAT+"Dataset"))
	g.add(ds, nsDCT+"identifier", plain(e.ResourceCode))
	g.addText(ds, nsDCT+"title", e.Name)
	g.addText(ds, nsDCT+"description", e.Summary)
	g.add(ds, nsDCT+"language", iri(euLanguageZH))
	// DCAT-AP's ranges: each IRI of a controlled vocabulary or a page
	// states its class (the SHACL range shapes check it).
	g.add(euLanguageZH, rdfType, iri(nsDCT+"LinguisticSystem"))

	org := x.publisher(e.DepartmentID)
	g.add(ds, nsDCT+"publisher", iri(org))
	g.add(org, rdfType, iri(nsFOAF+"Organization"))
	g.add(org, rdfType, iri(nsFOAF+"Agent"))
	g.addText(org, nsFOAF+"name", e.DepartmentName)
	if pub != nil && pub.CreditCode != "" {
		g.add(org, nsDCT+"identifier", plain(pub.CreditCode))
	}

	for _, k := range keywords(e) {
		g.add(ds, nsDCAT+"keyword", text(k, "zh"))
	}
	if c := e.Classification; c.Category != "" {
		code, top := x.concept(c.Code()), x.concept(c.Category)
		g.add(ds, nsDCAT+"theme", iri(code))
		g.add(code, rdfType, iri(nsSKOS+"Concept"))
		g.add(code, nsSKOS+"notation", plain(c.Code()))
		g.add(code, nsSKOS+"inScheme", iri(x.scheme()))
		if code != top {
			g.add(code, nsSKOS+"broader", iri(top))
			// DCAT-AP: a concept has a preferred label; the national guide
			// names only the categories, so a code is labelled by itself.
			g.addText(code, nsSKOS+"prefLabel", govdata.CategoryLabel(c.Category).ZH+" "+c.Code())
		}
		g.add(top, rdfType, iri(nsSKOS+"Concept"))
		g.add(top, nsSKOS+"notation", plain(c.Category))
		g.add(top, nsSKOS+"inScheme", iri(x.scheme()))
		g.add(top, nsSKOS+"topConceptOf", iri(x.scheme()))
		addTexts(g, top, nsSKOS+"prefLabel", govdata.CategoryLabel(c.Category))
		g.add(x.scheme(), rdfType, iri(nsSKOS+"ConceptScheme"))
		g.addText(x.scheme(), nsDCT+"title", "政务信息资源目录分类")
	}
	if e.PublishedAt != nil {
		g.add(ds, nsDCT+"issued", xsdTime(*e.PublishedAt))
	}
	g.add(ds, nsDCT+"modified", xsdTime(e.UpdatedAt))
	if f, ok := frequencies[e.UpdateCycle]; ok {
		g.add(ds, nsDCT+"accrualPeriodicity", iri(euFrequency+f))
		g.add(euFrequency+f, rdfType, iri(nsDCT+"Frequency"))
	}
	if a, ok := accessRights[e.OpenType]; ok {
		g.add(ds, nsDCT+"accessRights", iri(euAccess+a))
		g.add(euAccess+a, rdfType, iri(nsDCT+"RightsStatement"))
	}
	if e.PublishedVersion > 0 {
		g.add(ds, nsOWL+"versionInfo", plain(strconv.Itoa(e.PublishedVersion)))
	}
	page := h.cfg.DatasetURL(e)
	g.add(ds, nsDCAT+"landingPage", iri(page))
	g.add(page, rdfType, iri(nsFOAF+"Document"))

	if h.cfg.Distributions != nil {
		for _, d := range h.cfg.Distributions(e) {
			h.addDistribution(g, e, ds, d)
		}
		return ds
	}
	dist := x.distribution(e.ID)
	g.add(ds, nsDCAT+"distribution", iri(dist))
	g.add(dist, rdfType, iri(nsDCAT+"Distribution"))
	g.addText(dist, nsDCT+"title", e.Name)
	g.add(dist, nsDCAT+"accessURL", iri(page))
	if mt, ok := govdata.MediaType(e.Format); ok {
		// The EU file-type table's codes are the formats' names in capitals.
		ft := euFileType + strings.ToUpper(strings.TrimSpace(e.Format))
		g.add(dist, nsDCT+"format", iri(ft))
		g.add(ft, rdfType, iri(nsDCT+"MediaTypeOrExtent"))
		g.add(dist, nsDCAT+"mediaType", iri(ianaMedia+mt))
		g.add(ianaMedia+mt, rdfType, iri(nsDCT+"MediaType"))
	}
	g.addText(dist, nsDCT+"description", formatNote(e.Format))
	g.add(dist, nsDCT+"modified", xsdTime(e.UpdatedAt))
	if e.OpenType == govdata.OpenConditional && strings.TrimSpace(e.OpenConditions) != "" {
		rights := dist + "-conditions"
		g.add(dist, nsDCT+"rights", iri(rights))
		g.add(rights, rdfType, iri(nsDCT+"RightsStatement"))
		g.addText(rights, nsRDFS+"label", e.OpenConditions)
	}
	return ds
}

// euFileTypes are the EU file-type table's codes of the open formats.
var euFileTypes = map[string]string{"csv": "CSV", "xlsx": "XLSX", "json": "JSON", "api": "JSON"}

// addDistribution states one download or the records API of an open
// dataset (OPN-1): a file has its dcat:downloadURL; the API is reached
// through a dcat:DataService (dcat:accessService, dcat:endpointURL).
func (h *Handler) addDistribution(g *graph, e *govdata.Entry, ds string, d govdata.OpenDistribution) {
	dist := h.iris.dataset(e.ID) + "#distribution-" + d.Format
	g.add(ds, nsDCAT+"distribution", iri(dist))
	g.add(dist, rdfType, iri(nsDCAT+"Distribution"))
	addTexts(g, dist, nsDCT+"title", d.Title)
	g.add(dist, nsDCAT+"accessURL", iri(d.URL))
	if !d.API {
		g.add(dist, nsDCAT+"downloadURL", iri(d.URL))
	}
	if ft, ok := euFileTypes[d.Format]; ok {
		g.add(dist, nsDCT+"format", iri(euFileType+ft))
		g.add(euFileType+ft, rdfType, iri(nsDCT+"MediaTypeOrExtent"))
	}
	if d.MediaType != "" {
		g.add(dist, nsDCAT+"mediaType", iri(ianaMedia+d.MediaType))
		g.add(ianaMedia+d.MediaType, rdfType, iri(nsDCT+"MediaType"))
	}
	g.add(dist, nsDCT+"modified", xsdTime(e.UpdatedAt))
	if d.API {
		svc := dist + "-service"
		g.add(dist, nsDCAT+"accessService", iri(svc))
		g.add(svc, rdfType, iri(nsDCAT+"DataService"))
		addTexts(g, svc, nsDCT+"title", d.Title)
		g.add(svc, nsDCAT+"endpointURL", iri(d.URL))
		g.add(svc, nsDCAT+"servesDataset", iri(ds))
	}
	if e.OpenType == govdata.OpenConditional && strings.TrimSpace(e.OpenConditions) != "" {
		rights := dist + "-conditions"
		g.add(dist, nsDCT+"rights", iri(rights))
		g.add(rights, rdfType, iri(nsDCT+"RightsStatement"))
		g.addText(rights, nsRDFS+"label", e.OpenConditions)
	}
}

func formatNote(format string) string {
	if strings.TrimSpace(format) == "" {
		return ""
	}
	return "信息资源格式：" + format
}

// keywords are the category and the items' names, once each.
func keywords(e *govdata.Entry) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] || len(out) >= maxKeywords || utf8.RuneCountInString(s) > 100 {
			return
		}
		seen[s] = true
		out = append(out, s)
	}
	add(govdata.CategoryLabel(e.Classification.Category).ZH)
	for _, it := range e.Items {
		add(it.Name)
	}
	return out
}
