package http

import (
	"bufio"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govdata/govdata"
)

// The public portal's server side (OPN-1): a sitemap of the portal's pages
// and of every open dataset's page, robots.txt pointing at it, and each
// portal page's own <title>, description and link-preview tags written into
// the console's page before it is sent, so that search engines and link
// previews see them without running the page's scripts.

// sitemapLimit is the most URLs one sitemap holds (sitemaps.org); beyond
// it /sitemap.xml is an index of pages ?page=1…n. (Server.sitemapMax sets
// a smaller one in tests.)
const sitemapLimit = 50000

// portalPages are the portal's own pages in the sitemap, before the
// datasets' (web/src/portalRoutes.tsx).
var portalPages = []string{"/portal", "/portal/catalog", "/portal/notices", "/portal/terms"}

// portalName is the portal's name in <title>s.
var portalName = govdata.Text{ZH: "开放数据门户", EN: "Open Data Portal"}

// portalTitles are the titles of the portal's pages that are not a dataset's.
var portalTitles = map[string]struct{ title, description govdata.Text }{
	"/portal": {govdata.Text{ZH: "开放数据门户", EN: "Open Data Portal"},
		govdata.Text{ZH: "查找、预览和下载政务部门开放的数据，或通过 API 调用。", EN: "Find, preview and download the data government departments open, or call it through the API."}},
	"/portal/catalog": {govdata.Text{ZH: "数据目录", EN: "Data catalog"},
		govdata.Text{ZH: "按主题、部门、地区、格式和更新周期检索开放数据集。", EN: "Search the open datasets by theme, department, region, format and update cycle."}},
	"/portal/notices": {govdata.Text{ZH: "撤回公告", EN: "Withdrawal notices"},
		govdata.Text{ZH: "已撤回的开放数据集及其撤回日期和理由。", EN: "Withdrawn open datasets, with the date and reason of each withdrawal."}},
	"/portal/terms": {govdata.Text{ZH: "使用条款与开放许可", EN: "Terms of use and open data licence"},
		govdata.Text{ZH: "开放数据的使用条款、开放许可和使用者的义务。", EN: "The terms of use of open data, its licence and the users' duties."}},
}

// siteURL is the deployment's public address, or this request's when none
// is configured.
func (s *Server) siteURL(r *http.Request) string {
	if u := s.publicURL(); u != "" {
		return u
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// handleRobots lets crawlers read the portal, the built files its pages
// run on (a crawler that renders pages needs them) and the open catalog's
// feeds, not the staff console or the API, and names the sitemap.
func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "User-agent: *\nAllow: /portal\nAllow: /assets/\nAllow: /favicon.svg\nAllow: /catalog\nAllow: /dataset/\nAllow: /sitemap.xml\nDisallow: /\n\nSitemap: %s/sitemap.xml\n", s.siteURL(r))
	return nil
}

// handleSitemap answers the sitemap: every URL in one when they fit,
// otherwise an index of pages (?page=n) of sitemapMax URLs each; the
// portal's own pages open page 1.
func (s *Server) handleSitemap(w http.ResponseWriter, r *http.Request) error {
	pages, ok := s.svc.Open.(govdata.PortalPages)
	if !ok {
		return govdata.Errorf(govdata.ENOTFOUND, msgNotFound, r.URL.Path)
	}
	n, err := pages.CountOpenEntries(r.Context())
	if err != nil {
		return err
	}
	sitemapMax := sitemapLimit
	if s.sitemapMax > 0 {
		sitemapMax = s.sitemapMax
	}
	total := len(portalPages) + n
	count := (total + sitemapMax - 1) / sitemapMax
	page := 0
	if v := r.URL.Query().Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 || page > count {
			return badParam("page")
		}
	}
	base := s.siteURL(r)
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	out := bufio.NewWriter(w)
	defer out.Flush()
	out.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if page == 0 && count > 1 {
		out.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
		for i := 1; i <= count; i++ {
			fmt.Fprintf(out, "<sitemap><loc>%s/sitemap.xml?page=%d</loc></sitemap>\n", xmlText(base), i)
		}
		out.WriteString("</sitemapindex>\n")
		return nil
	}
	if page == 0 {
		page = 1
	}
	out.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	// The page's window over the list: the portal's pages, then the
	// datasets by id.
	from, to := (page-1)*sitemapMax, min(page*sitemapMax, total)
	for i := from; i < min(to, len(portalPages)); i++ {
		fmt.Fprintf(out, "<url><loc>%s%s</loc></url>\n", xmlText(base), portalPages[i])
	}
	offset := max(from-len(portalPages), 0)
	for offset < to-len(portalPages) {
		batch, err := pages.OpenCodes(r.Context(), offset, min(1000, to-len(portalPages)-offset))
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, c := range batch {
			fmt.Fprintf(out, "<url><loc>%s</loc><lastmod>%s</lastmod></url>\n", xmlText(base+datasetPagePath(c.Code)), c.UpdatedAt.UTC().Format(time.DateOnly))
		}
		offset += len(batch)
	}
	out.WriteString("</urlset>\n")
	return nil
}

// datasetPagePath is a dataset's portal page; the code keeps its slash.
func datasetPagePath(code string) string {
	parts := strings.Split(code, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/portal/datasets/" + strings.Join(parts, "/")
}

// xmlText escapes a value for XML text.
func xmlText(s string) string { return html.EscapeString(s) }

// portalHead is what the console's page of a portal path gets in its
// <head>: the page's title, description, canonical link and Open Graph
// tags; "" for any other path. status is 404 for a dataset page whose code
// names no open dataset, so that search engines drop it.
func (s *Server) portalHead(r *http.Request) (title, head string, status int) {
	p := strings.TrimRight(r.URL.Path, "/")
	if p != "/portal" && !strings.HasPrefix(p, "/portal/") {
		return "", "", http.StatusOK
	}
	lang := govdata.Language(r.Header.Get("Accept-Language"))
	site := portalName.In(lang)
	var name, description string
	if code, ok := strings.CutPrefix(p, "/portal/datasets/"); ok {
		pages, ok := s.svc.Open.(govdata.PortalPages)
		if !ok {
			return "", "", http.StatusOK
		}
		e, err := pages.OpenEntryByCode(r.Context(), code)
		if govdata.ErrorCodeOf(err) == govdata.ENOTFOUND {
			return "", "", http.StatusNotFound
		}
		if err != nil {
			// The page works without its tags: its scripts fetch the
			// dataset themselves.
			s.log.Warn("portal page: dataset lookup", "code", code, "err", err)
			return "", "", http.StatusOK
		}
		name, description = e.Name, e.Summary
		if description == "" {
			description = e.Name
		}
		if e.DepartmentName != "" {
			description = e.DepartmentName + govdata.Text{ZH: "：", EN: ": "}.In(lang) + description
		}
		p = datasetPagePath(e.ResourceCode)
	} else if t, ok := portalTitles[p]; ok {
		name, description = t.title.In(lang), t.description.In(lang)
	} else {
		return site, "", http.StatusOK
	}
	title = name + " - " + site
	if name == site {
		title = site
	}
	description = clip(description, 160)
	canonical := s.siteURL(r) + p
	var b strings.Builder
	meta := func(attr, key, value string) {
		fmt.Fprintf(&b, "\n    <meta %s=\"%s\" content=\"%s\" />", attr, key, html.EscapeString(value))
	}
	meta("name", "description", description)
	meta("property", "og:type", "website")
	meta("property", "og:site_name", site)
	meta("property", "og:title", name)
	meta("property", "og:description", description)
	meta("property", "og:url", canonical)
	fmt.Fprintf(&b, "\n    <link rel=\"canonical\" href=\"%s\" />", html.EscapeString(canonical))
	return title, b.String(), http.StatusOK
}

// clip shortens s to n characters, ending it with "…" when cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// withHead writes a page's own title and head tags into the console's
// page: the title replaces the built one, the tags go before </head>.
func withHead(page []byte, title, head string) []byte {
	if title == "" && head == "" {
		return page
	}
	s := string(page)
	if title != "" {
		t := "<title>" + html.EscapeString(title) + "</title>"
		i := strings.Index(s, "<title>")
		j := strings.Index(s, "</title>")
		if i >= 0 && j > i {
			s = s[:i] + t + s[j+len("</title>"):]
		} else {
			head = "\n    " + t + head
		}
	}
	if head != "" {
		s = strings.Replace(s, "</head>", head+"\n  </head>", 1)
	}
	return []byte(s)
}
