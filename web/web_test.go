//go:build !no_ui

package web_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/govdata/govdata/web"
)

// TestStamp: the embedded build was made from the sources in the tree. A
// change to web/src, index.html, the Vite or TypeScript configuration or
// the lock file without `make web` fails here.
func TestStamp(t *testing.T) {
	want, err := web.SourceHash(".")
	if err != nil {
		t.Fatal(err)
	}
	got, err := web.ReadStamp(web.Dist())
	if err != nil {
		t.Fatalf("web/dist has no stamp (%v): run make web", err)
	}
	if got != want {
		t.Fatalf("web/dist was built from other sources (stamp %s, sources %s): run make web and commit web/dist", got, want)
	}
}

// TestDist: the build has its page and hashed assets, and the page loads
// no script or style from elsewhere.
func TestDist(t *testing.T) {
	dist := web.Dist()
	index, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	assets, err := fs.Glob(dist, "assets/*.js")
	if err != nil || len(assets) == 0 {
		t.Fatalf("no scripts under assets/: %v %v", assets, err)
	}
	for _, bad := range []string{"http://", "https://", "//"} {
		for _, attr := range []string{`src="` + bad, `href="` + bad} {
			if strings.Contains(string(index), attr) {
				t.Errorf("index.html refers elsewhere: %s", attr)
			}
		}
	}
}
