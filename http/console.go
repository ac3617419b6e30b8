package http

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govdata/govdata"
)

// NoncePlaceholder is what the built index.html carries where each answer
// puts its own CSP nonce (web/vite.config.ts: html.cspNonce).
const NoncePlaceholder = "__GOVDATA_CSP_NONCE__"

// console serves the built web console (Config.UI): its files, and its
// page for every other path a person may have bookmarked (the console
// routes in the browser).
type console struct {
	files fs.FS
	index []byte
	gz    sync.Map // file name → *gzipped
}

type gzipped struct {
	once sync.Once
	body []byte
}

func newConsole(files fs.FS) (*console, error) {
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		return nil, err
	}
	return &console{files: files, index: index}, nil
}

// reservedPath reports whether a path belongs to the server rather than to
// the console: the API, the CKAN and DCAT feeds, health and metrics. An
// unknown path there stays a JSON 404, never the console's page.
func reservedPath(p string) bool {
	for _, exact := range []string{"/api", "/healthz", "/readyz", "/metrics", "/catalog", "/dataset"} {
		if p == exact || strings.HasPrefix(p, exact+"/") {
			return true
		}
	}
	return strings.HasPrefix(p, "/catalog.")
}

// consoleCSP is the Content-Security-Policy of the console's page: scripts
// and everything else from this server only; no frames of it anywhere
// (clickjacking); no plugins, no <base>, forms only to us.
//
// Styles: Ant Design writes its styles at run time into <style> elements
// (CSS-in-JS), which a policy without 'unsafe-inline' blocks — unless they
// carry the page's nonce, which the console passes to Ant Design
// (ConfigProvider csp.nonce, read from the page's csp-nonce meta). So each
// answer gets a fresh nonce and style-src needs no 'unsafe-inline'.
// Inline style attributes stay forbidden: React sets styles through the
// CSSOM, which CSP does not govern.
func consoleCSP(nonce string) string {
	return "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-" + nonce + "'; " +
		"img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; " +
		"base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
}

// serve answers a GET or HEAD outside the API.
func (c *console) serve(s *Server, w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" || name == "index.html" {
		c.serveIndex(w, r, "", "", http.StatusOK)
		return
	}
	if st, err := fs.Stat(c.files, name); err == nil && !st.IsDir() {
		c.serveFile(w, r, name)
		return
	}
	title, head, status := s.portalHead(r)
	if path.Ext(name) != "" {
		// A file that is not there (an asset of an older build): not the
		// page, which the browser would try to run as a script.
		s.writeError(w, r, govdata.Errorf(govdata.ENOTFOUND, msgNotFound, r.URL.Path))
		return
	}
	// A portal page carries its own title and description (portal.go).
	c.serveIndex(w, r, title, head, status)
}

// serveIndex answers the console's page with a nonce of its own; it is
// never cached, so that a new build is picked up at once. title and head,
// when given, are a portal page's own (portal.go); status is the answer's.
func (c *console) serveIndex(w http.ResponseWriter, r *http.Request, title, head string, status int) {
	b := make([]byte, 18)
	rand.Read(b)
	nonce := base64.StdEncoding.EncodeToString(b)
	page := bytes.ReplaceAll(withHead(c.index, title, head), []byte(NoncePlaceholder), []byte(nonce))
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", consoleCSP(nonce))
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if status != http.StatusOK {
		h.Set("Content-Length", strconv.Itoa(len(page)))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(page)
		}
		return
	}
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(page))
}

// serveFile answers one built file. Vite names the files under assets/
// by a hash of their content, so they never change: browsers keep them a
// year without asking again. Anything else is revalidated.
func (c *console) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	b, err := fs.ReadFile(c.files, name)
	if err != nil {
		http.Error(w, "cannot read "+name, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	if strings.HasPrefix(name, "assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	ext := path.Ext(name)
	ctype := mime.TypeByExtension(ext)
	if ext == ".js" || ext == ".mjs" {
		ctype = "text/javascript; charset=utf-8"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if compressible(ext) {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			// Compressed once per file, on first request, and kept.
			v, _ := c.gz.LoadOrStore(name, &gzipped{})
			g := v.(*gzipped)
			g.once.Do(func() {
				var buf bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
				zw.Write(b)
				zw.Close()
				g.body = buf.Bytes()
			})
			h.Set("Content-Encoding", "gzip")
			h.Set("Content-Length", strconv.Itoa(len(g.body)))
			w.WriteHeader(http.StatusOK)
			if r.Method != http.MethodHead {
				w.Write(g.body)
			}
			return
		}
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

func compressible(ext string) bool {
	switch ext {
	case ".js", ".mjs", ".css", ".svg", ".json", ".txt", ".html", ".map":
		return true
	}
	return false
}

// acceptsGzip reports whether the client takes gzip (and did not refuse
// it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
