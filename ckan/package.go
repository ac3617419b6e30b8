package ckan

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/govdata/govdata"
)

// An open entry becomes a CKAN package (dataset) thus:
//
//	id                 a UUID that carries the entry id (ids.go)
//	name               the resource code, lower case, "/" → "-"
//	title, notes       the entry's name and summary
//	author             the providing department
//	organization       the department (organization.go); owner_org its id
//	tags               the category (基础/主题/部门信息资源) and the names of
//	                   the data items, as CKAN tags allow (maxTags at most)
//	resources          one: the entry's format, pointing at the open dataset
//	metadata_created   the entry's CreatedAt; metadata_modified its UpdatedAt
//	                   (the order of the store's "updated" sort)
//	version            the published version
//	extras             resource_code, classification, format, update_cycle,
//	                   open_type, open_conditions, grade, region_code and
//	                   items (a JSON list of the data item names)
//
// License: the catalog records none, so license_id is "notspecified" and
// isopen false; the open type says on what terms the data is opened.

// maxTags bounds the tags of a package: a wide table has hundreds of
// items, and a tag list that long helps no one find it.
const maxTags = 50

type pkg struct {
	ID                     string        `json:"id"`
	Name                   string        `json:"name"`
	Title                  string        `json:"title"`
	Notes                  string        `json:"notes"`
	URL                    string        `json:"url"`
	Version                string        `json:"version"`
	Author                 string        `json:"author"`
	AuthorEmail            *string       `json:"author_email"`
	Maintainer             *string       `json:"maintainer"`
	MaintainerEmail        *string       `json:"maintainer_email"`
	LicenseID              string        `json:"license_id"`
	LicenseTitle           string        `json:"license_title"`
	IsOpen                 bool          `json:"isopen"`
	Type                   string        `json:"type"`
	State                  string        `json:"state"`
	Private                bool          `json:"private"`
	CreatorUserID          *string       `json:"creator_user_id"`
	OwnerOrg               string        `json:"owner_org"`
	Organization           *organization `json:"organization"`
	MetadataCreated        string        `json:"metadata_created"`
	MetadataModified       string        `json:"metadata_modified"`
	NumResources           int           `json:"num_resources"`
	NumTags                int           `json:"num_tags"`
	Resources              []resource    `json:"resources"`
	Tags                   []tag         `json:"tags"`
	Groups                 []any         `json:"groups"`
	Extras                 []extra       `json:"extras"`
	RelationshipsAsSubject []any         `json:"relationships_as_subject"`
	RelationshipsAsObject  []any         `json:"relationships_as_object"`
}

type resource struct {
	ID               string  `json:"id"`
	PackageID        string  `json:"package_id"`
	Name             string  `json:"name"`
	Description      string  `json:"description"`
	Format           string  `json:"format"`
	Mimetype         *string `json:"mimetype"`
	URL              string  `json:"url"`
	URLType          *string `json:"url_type"`
	State            string  `json:"state"`
	Position         int     `json:"position"`
	Created          string  `json:"created"`
	LastModified     string  `json:"last_modified"`
	MetadataModified string  `json:"metadata_modified"`
}

type tag struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	DisplayName  string  `json:"display_name"`
	State        string  `json:"state"`
	VocabularyID *string `json:"vocabulary_id"`
}

type extra struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ckanTime is CKAN's timestamp: UTC, no zone, microseconds.
func ckanTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000")
}

// entryTags are an entry's tags: its category, then its data items' names.
// CKAN takes tags of 2–100 letters, digits, spaces, "-", "_" and "."; other
// characters (（）/、…) become spaces, and names too short are left out.
func entryTags(e *govdata.Entry) []string {
	var tags []string
	seen := map[string]bool{}
	add := func(s string) {
		t := tagText(s)
		if n := utf8.RuneCountInString(t); n < 2 || n > 100 || seen[t] || len(tags) >= maxTags {
			return
		}
		seen[t] = true
		tags = append(tags, t)
	}
	add(govdata.CategoryLabel(e.Classification.Category).ZH)
	for _, it := range e.Items {
		add(it.Name)
	}
	return tags
}

func tagText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || r == '-' || r == '_' || r == '.' {
			return r
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// pkg builds the package dict of an entry.
func (h *Handler) pkg(e *govdata.Entry, pubs *publishers) *pkg {
	id := h.ids.uuid(kindPackage, e.ID)
	org := h.entryOrg(e, pubs)
	url := h.cfg.DatasetURL(e)
	p := &pkg{
		ID: id, Name: packageName(e.ResourceCode, e.ID), Title: e.Name, Notes: e.Summary, URL: url,
		Version: strconv.Itoa(e.PublishedVersion), Author: e.DepartmentName,
		LicenseID: "notspecified", LicenseTitle: "License not specified",
		Type: "dataset", State: "active", OwnerOrg: org.ID, Organization: org,
		MetadataCreated: ckanTime(e.CreatedAt), MetadataModified: ckanTime(e.UpdatedAt),
		Groups: []any{}, RelationshipsAsSubject: []any{}, RelationshipsAsObject: []any{},
	}
	res := resource{
		ID: h.ids.uuid(kindResource, e.ID), PackageID: id, Name: e.Name, Format: e.Format,
		Mimetype: mediaType(e.Format), URL: url, State: "active",
		Created: ckanTime(e.CreatedAt), LastModified: ckanTime(e.UpdatedAt), MetadataModified: ckanTime(e.UpdatedAt),
	}
	if e.OpenType == govdata.OpenConditional {
		res.Description = e.OpenConditions
	}
	p.Resources = []resource{res}
	if h.cfg.Distributions != nil {
		// OPN-1: the downloads and the records API; the API keeps the id
		// of the one resource listed before, for harvesters that key on it.
		p.Resources = nil
		for _, d := range h.cfg.Distributions(e) {
			r := res
			r.ID = h.ids.nameUUID(kindResource, strconv.FormatInt(e.ID, 10)+"#"+d.Format)
			if d.API {
				r.ID = res.ID
			}
			mt := d.MediaType
			r.Name, r.URL, r.Format, r.Mimetype, r.Position = d.Title.ZH, d.URL, strings.ToUpper(d.Format), &mt, len(p.Resources)
			p.Resources = append(p.Resources, r)
		}
	}
	p.Tags = []tag{}
	for _, t := range entryTags(e) {
		p.Tags = append(p.Tags, tag{ID: h.ids.nameUUID(kindTag, t), Name: t, DisplayName: t, State: "active"})
	}
	p.NumResources, p.NumTags = len(p.Resources), len(p.Tags)
	p.Extras = entryExtras(e)
	return p
}

// entryExtras are the catalog's own fields, as CKAN extras (strings).
func entryExtras(e *govdata.Entry) []extra {
	names := make([]string, len(e.Items))
	for i, it := range e.Items {
		names[i] = it.Name
	}
	items, _ := json.Marshal(names)
	x := []extra{
		{"resource_code", e.ResourceCode},
		{"classification", e.Classification.Code()},
		{"format", e.Format},
		{"update_cycle", string(e.UpdateCycle)},
		{"open_type", string(e.OpenType)},
		{"grade", string(e.Grade)},
		{"region_code", e.RegionCode},
		{"items", string(items)},
	}
	if e.OpenConditions != "" {
		x = append(x, extra{"open_conditions", e.OpenConditions})
	}
	return sortExtras(x)
}

// sortExtras orders extras by key, as CKAN returns them.
func sortExtras(x []extra) []extra {
	slices.SortFunc(x, func(a, b extra) int { return strings.Compare(a.Key, b.Key) })
	return x
}

// mediaType is the resource's mimetype: null when the format names no file
// type.
func mediaType(format string) *string {
	if m, ok := govdata.MediaType(format); ok {
		return &m
	}
	return nil
}
