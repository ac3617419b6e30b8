package http_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/govdata/govdata/sqlstore/storetest"
)

// consoleSpec is the copy of the OpenAPI document the console's API types
// are generated from (openapi-typescript, `make web`).
var consoleSpec = filepath.Join("..", "web", "src", "api", "openapi.json")

// TestOpenAPISnapshot: the console was type-checked against the API as it
// is. A changed endpoint changes the document; until `make web` writes the
// new copy (this test with GOVDATA_WRITE_OPENAPI=1), generates the types
// from it and type-checks the console against them, this test fails.
func TestOpenAPISnapshot(t *testing.T) {
	e := newEnv(t, storetest.SQLite, envOptions{})
	r := e.do(t, req{method: "GET", path: "/api/v1/openapi.json"})
	mustStatus(t, r, 200)
	var doc any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if os.Getenv("GOVDATA_WRITE_OPENAPI") == "1" {
		if err := os.WriteFile(consoleSpec, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(consoleSpec)
	if err != nil {
		t.Fatalf("the console's copy of the API: %v (run make web)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the API differs from %s, which the console's types were generated from: run make web and commit web/", consoleSpec)
	}
}
