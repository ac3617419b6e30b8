package dcat

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/govdata/govdata"
)

// TestSHACL validates govdata's DCAT output — the catalog, its datasets,
// their distributions (downloads and the records API) and the concepts of
// their themes — against the DCAT-AP 2.1.1 SHACL shapes of SEMICeu
// (testdata/shacl, see its README), with rdf-validate-shacl (web/scripts/
// shacl.mjs, installed by npm ci in web/). Without node or the package it
// is skipped, except in CI, which installs both.
func TestSHACL(t *testing.T) {
	node, err := exec.LookPath("node")
	script, _ := filepath.Abs("../web/scripts/shacl.mjs")
	_, missing := os.Stat("../web/node_modules/rdf-validate-shacl/package.json")
	if err != nil || missing != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have node and web/node_modules (npm ci in web/): %v %v", err, missing)
		}
		t.Skip("node or web/node_modules/rdf-validate-shacl is missing (run npm ci in web/)")
	}
	shapes, _ := filepath.Glob("testdata/shacl/*.ttl")
	f := newFake(5)
	h := newHandler(f, nil)
	h.cfg.Distributions = func(e *govdata.Entry) []govdata.OpenDistribution {
		return govdata.OpenDistributions(e, site+"/api/v1/open/datasets/"+e.ResourceCode)
	}
	// The whole catalog page, and one dataset alone with its concepts.
	for _, target := range []string{"/dcat/catalog.ttl", "/dcat/dataset/1.ttl", "/dcat/dataset/2.ttl"} {
		body := get(t, h, target).Body.Bytes()
		data := filepath.Join(t.TempDir(), "data.ttl")
		if err := os.WriteFile(data, body, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(node, append([]string{script, data}, shapes...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s does not conform to DCAT-AP 2.1.1: %v\n%s", target, err, out)
		}
	}
}
