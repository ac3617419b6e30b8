// Command stamp writes the hash of the console's build inputs into
// web/dist/stamp.txt; `make web` runs it after Vite has built dist/.
//
//	go run ./web/stamp [WEBDIR]
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/govdata/govdata/web"
)

func main() {
	dir := "web"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	sum, err := web.SourceHash(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stamp:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(dir, "dist", web.StampFile), []byte(sum+"\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "stamp:", err)
		os.Exit(1)
	}
	fmt.Println("stamped web/dist:", sum)
}
