package web_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/govdata/govdata/web"
)

// TestSourceHash: every input moves the hash — a source's content, a new
// source, a renamed one, the root inputs — and files that are not inputs
// (tests, docs, the build itself) do not.
func TestSourceHash(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"src/main.tsx", "src/locales/zh.json", "index.html", "package-lock.json", "vite.config.ts", "tsconfig.json"} {
		write(f, f)
	}
	hash := func() string {
		t.Helper()
		h, err := web.SourceHash(dir)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	last := hash()
	moves := []struct {
		what string
		do   func()
	}{
		{"a source's content", func() { write("src/main.tsx", "changed") }},
		{"a new source", func() { write("src/pages/x.tsx", "x") }},
		{"a renamed source", func() {
			os.Rename(filepath.Join(dir, "src/pages/x.tsx"), filepath.Join(dir, "src/pages/y.tsx"))
		}},
		{"index.html", func() { write("index.html", "<!doctype html>") }},
		{"the lock file", func() { write("package-lock.json", "{}") }},
		{"the Vite configuration", func() { write("vite.config.ts", "export default {}") }},
		{"a second tsconfig", func() { write("tsconfig.node.json", "{}") }},
	}
	for _, m := range moves {
		m.do()
		if h := hash(); h == last {
			t.Errorf("%s does not change the hash", m.what)
		} else {
			last = h
		}
	}
	for _, f := range []string{"README.md", "e2e/signin.test.mjs", "dist/index.html", "node_modules/x/index.js"} {
		write(f, "anything")
		if h := hash(); h != last {
			t.Errorf("%s changed the hash: it is not an input", f)
		}
	}
	// Content moved from one file's end to the next file's start is a
	// different input: lengths are part of what is hashed.
	write("src/a.ts", "ab")
	write("src/b.ts", "c")
	before := hash()
	write("src/a.ts", "a")
	write("src/b.ts", "bc")
	if hash() == before {
		t.Errorf("moving bytes between two files does not change the hash")
	}
}
