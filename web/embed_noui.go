//go:build no_ui

package web

import "io/fs"

// Dist returns nil: this build carries no console, and "/" keeps the plain
// landing page.
func Dist() fs.FS { return nil }
