//go:build !no_ui

package web

import (
	"embed"
	"io/fs"
)

// all: keeps the files Vite names with a leading underscore.
//
//go:embed all:dist
var dist embed.FS

// Dist returns the built console (the contents of dist/), or nil in a build
// with the no_ui tag.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is a fixed, embedded folder
	}
	return sub
}
