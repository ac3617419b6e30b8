package ckan

import (
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// An organization is a department that publishes open entries (a
// govdata.Publisher). Its name is its unified social credit code in lower
// case: a valid CKAN name that names the same body on every platform, so a
// harvester that creates remote organizations (remote_orgs: create) does
// not make two of one department.

// organization is CKAN's organization dict.
type organization struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	Title           string  `json:"title"`
	DisplayName     string  `json:"display_name,omitempty"`
	Type            string  `json:"type"`
	Description     string  `json:"description"`
	ImageURL        string  `json:"image_url"`
	ImageDisplayURL string  `json:"image_display_url,omitempty"`
	Created         string  `json:"created"`
	IsOrganization  bool    `json:"is_organization"`
	ApprovalStatus  string  `json:"approval_status"`
	State           string  `json:"state"`
	PackageCount    *int    `json:"package_count,omitempty"`
	NumFollowers    *int    `json:"num_followers,omitempty"`
	Extras          []extra `json:"extras,omitempty"`
	Packages        []*pkg  `json:"packages,omitempty"`
}

// publishers are the open publishers, loaded once per call.
type publishers struct {
	list []govdata.Publisher
	byID map[int64]*govdata.Publisher
}

func (h *Handler) publishers(c *call) (*publishers, error) {
	if c.pubs != nil {
		return c.pubs, nil
	}
	list, err := h.cat.OpenPublishers(c.ctx)
	if err != nil {
		return nil, err
	}
	p := &publishers{list: list, byID: make(map[int64]*govdata.Publisher, len(list))}
	for i := range list {
		p.byID[list[i].ID] = &list[i]
	}
	c.pubs = p
	return p, nil
}

// orgName is a department's CKAN name: its credit code in lower case, or
// dept-{id} should the code not make a valid name.
func orgName(d govdata.Department) string {
	n := strings.ToLower(d.CreditCode)
	if len(n) == 18 && ckanName.MatchString(n) {
		return n
	}
	return "dept-" + strconv.FormatInt(d.ID, 10)
}

// find returns the publisher a CKAN id or name stands for.
func (p *publishers) find(ids idSpace, ref string) *govdata.Publisher {
	if id, ok := ids.parse(kindOrganization, ref); ok {
		return p.byID[id]
	}
	ref = strings.ToLower(strings.TrimSpace(ref))
	for i := range p.list {
		if orgName(p.list[i].Department) == ref {
			return &p.list[i]
		}
	}
	return nil
}

// org builds the organization dict of a department; the short form that a
// package carries leaves out counts and extras.
func (h *Handler) org(d govdata.Department, full bool, count int) *organization {
	o := &organization{
		ID: h.ids.uuid(kindOrganization, d.ID), Name: orgName(d), Title: d.Name,
		Type: "organization", Created: ckanTime(d.CreatedAt),
		IsOrganization: true, ApprovalStatus: "approved", State: "active",
	}
	if full {
		zero := 0
		o.DisplayName, o.PackageCount, o.NumFollowers = d.Name, &count, &zero
		o.Extras = sortExtras([]extra{
			{"credit_code", d.CreditCode}, {"region_code", d.RegionCode}, {"level", string(d.Level)},
		})
	}
	return o
}

// entryOrg is the organization of an entry's package: from the publisher
// list, or from the entry alone if its department is not (yet) listed.
func (h *Handler) entryOrg(e *govdata.Entry, pubs *publishers) *organization {
	if p := pubs.byID[e.DepartmentID]; p != nil {
		return h.org(p.Department, false, 0)
	}
	return h.org(govdata.Department{ID: e.DepartmentID, Name: e.DepartmentName, CreatedAt: e.CreatedAt}, false, 0)
}

// organizationList lists the publishers (organization_list): names, or
// dicts with all_fields; sorted by title (the default), name or
// package_count; q filters names and titles.
func (h *Handler) organizationList(c *call) (any, error) {
	v := &validation{lang: c.lang}
	all := c.params.boolean(v, "all_fields", false)
	limit := c.params.integer(v, "limit", 1000, 0, 1000, true)
	offset := c.params.integer(v, "offset", 0, 0, maxStart, false)
	q, _ := c.params.str(v, "q", 200)
	sortText, _ := c.params.str(v, "sort", 100)
	field, desc, ok := parseOrgSort(sortText)
	if !ok {
		v.add("sort", msgOrgSort)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	pubs, err := h.publishers(c)
	if err != nil {
		return nil, err
	}
	// The store lists publishers by name (title), in its collation.
	list := slices.Clone(pubs.list)
	if q = strings.ToLower(strings.TrimSpace(q)); q != "" {
		list = slices.DeleteFunc(list, func(p govdata.Publisher) bool {
			return !strings.Contains(strings.ToLower(p.Name), q) && !strings.Contains(orgName(p.Department), q)
		})
	}
	switch field {
	case "name":
		slices.SortStableFunc(list, func(a, b govdata.Publisher) int { return strings.Compare(orgName(a.Department), orgName(b.Department)) })
	case "package_count":
		slices.SortStableFunc(list, func(a, b govdata.Publisher) int { return a.OpenEntries - b.OpenEntries })
	}
	if desc {
		slices.Reverse(list)
	}
	list = list[min(offset, len(list)):]
	list = list[:min(limit, len(list))]
	if !all {
		names := make([]string, len(list))
		for i, p := range list {
			names[i] = orgName(p.Department)
		}
		return names, nil
	}
	orgs := make([]*organization, len(list))
	for i, p := range list {
		orgs[i] = h.org(p.Department, true, p.OpenEntries)
	}
	return orgs, nil
}

var msgOrgSort = govdata.Msg{ZH: "排序应为 name、title 或 package_count，加 asc 或 desc", EN: "sort must be name, title or package_count, with asc or desc"}

// parseOrgSort reads "title asc", "package_count desc", "name".
func parseOrgSort(s string) (field string, desc bool, ok bool) {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 {
		return "title", false, true
	}
	if len(f) > 2 || !slices.Contains([]string{"name", "title", "package_count"}, f[0]) {
		return "", false, false
	}
	if len(f) == 2 {
		if f[1] != "asc" && f[1] != "desc" {
			return "", false, false
		}
		desc = f[1] == "desc"
	}
	return f[0], desc, true
}

// organizationShow shows one publisher by id or name (organization_show);
// include_datasets adds its packages, newest first, up to 1000.
func (h *Handler) organizationShow(c *call) (any, error) {
	v := &validation{lang: c.lang}
	ref, _ := c.params.str(v, "id", 200)
	if strings.TrimSpace(ref) == "" && v.fields == nil {
		v.add("id", msgMissing)
	}
	withDatasets := c.params.boolean(v, "include_datasets", false)
	if err := v.err(); err != nil {
		return nil, err
	}
	pubs, err := h.publishers(c)
	if err != nil {
		return nil, err
	}
	p := pubs.find(h.ids, ref)
	if p == nil {
		return nil, notFound(c.lang)
	}
	o := h.org(p.Department, true, p.OpenEntries)
	if withDatasets {
		list, err := h.fetchPage(c, govdata.EntryFilter{DepartmentID: p.ID, Sort: govdata.SortUpdated}, 0, maxRows)
		if err != nil {
			return nil, err
		}
		o.Packages = make([]*pkg, 0, len(list.Items))
		for _, e := range list.Items {
			o.Packages = append(o.Packages, h.pkg(e, pubs))
		}
	}
	return o, nil
}
