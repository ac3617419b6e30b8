// Package web holds the web console: its sources (src/, built with Vite by
// `make web`) and the built files in dist/, which are committed and embedded
// in the binary so that `make run` on a fresh clone needs only Go.
//
// A stale build cannot land: `make web` writes into dist/ a stamp, the
// SourceHash of the inputs it was built from, and TestStamp fails when the
// inputs in the tree hash otherwise.
package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// StampFile is the stamp's name inside dist/.
const StampFile = "stamp.txt"

// rootInputs are the build inputs beside src/: what Vite and the type check
// read besides the sources, and the lock file that pins every package.
var rootInputs = []string{"index.html", "package-lock.json", "vite.config.ts"}

// SourceHash is the hash of the console's build inputs under dir (the web/
// folder): SHA-256 over every input, in the order of their slash-separated
// paths relative to dir, each written as the path, a NUL, the length in
// decimal, a NUL and the content. The inputs are every file under src/,
// index.html, package-lock.json, vite.config.ts and tsconfig*.json. It is
// defined in Go so that the check needs no Node.
func SourceHash(dir string) (string, error) {
	var files []string
	err := filepath.WalkDir(filepath.Join(dir, "src"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("web: list sources: %w", err)
	}
	files = append(files, rootInputs...)
	tsconfigs, err := filepath.Glob(filepath.Join(dir, "tsconfig*.json"))
	if err != nil {
		return "", err
	}
	for _, p := range tsconfigs {
		files = append(files, filepath.Base(p))
	}
	slices.Sort(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			return "", fmt.Errorf("web: read input: %w", err)
		}
		h.Write([]byte(f + "\x00" + strconv.Itoa(len(b)) + "\x00"))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ReadStamp returns the hash stamped into a dist folder.
func ReadStamp(dist fs.FS) (string, error) {
	b, err := fs.ReadFile(dist, StampFile)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}
