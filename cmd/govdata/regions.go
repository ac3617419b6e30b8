package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ingest"
	"github.com/govdata/govdata/sqlstore"
)

// cmdRegions runs "govdata regions import FILE".
func cmdRegions(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, "Usage: govdata regions import [flags] FILE\n\nFILE is CSV (code,name[,parent_code]; a header row is optional) or JSON\n([{\"code\": \"230000\", \"name\": \"黑龙江省\"}, …]). Parents may come in any order.\nLarge lists are written in chunks of 1,000 rows after every row has been checked.\n")
		return exitError(2)
	}
	c := newConfig("regions import")
	c.setOutput(stderr)
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	if c.fs.NArg() != 1 {
		return errors.New("regions import: name one file")
	}
	f, err := os.Open(c.fs.Arg(0))
	if err != nil {
		return err
	}
	rows, lines, err := readRegions(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", c.fs.Arg(0), err)
	}
	db, err := openStore(ctx, c, sqlstore.Hooks{}, keyNone)
	if err != nil {
		return err
	}
	defer db.Close()
	// A large list (the national villages are some 600,000 rows) is written
	// in chunks; show how far it got.
	var opts sqlstore.RegionImportOptions
	if len(rows) >= progressRows {
		fmt.Fprintf(stderr, "importing %d regions in chunks of %d\n", len(rows), sqlstore.RegionImportChunk)
		shown := -1
		opts.Progress = func(done, total int) {
			if pct := done * 100 / total; pct != shown { // at most a hundred lines in a log
				shown = pct
				fmt.Fprintf(stderr, "\r%d of %d regions (%d%%)", done, total, pct)
			}
			if done == total {
				fmt.Fprintln(stderr)
			}
		}
	}
	res, err := sqlstore.NewRegionService(db).ImportRegionsWith(govdata.WithActor(ctx, cliActor()), rows, opts)
	if err != nil {
		if n := res.Created + res.Renamed + res.Unchanged; n > 0 {
			fmt.Fprintf(stderr, "\nstopped after %d regions (%d created, %d renamed, %d unchanged); they stay imported, and importing the file again completes it\n",
				n, res.Created, res.Renamed, res.Unchanged)
		}
		return fileRow(err, lines)
	}
	fmt.Fprintf(stdout, "regions imported: %d created, %d renamed, %d unchanged\n", res.Created, res.Renamed, res.Unchanged)
	return nil
}

// progressRows is the size of an import from which progress is shown.
const progressRows = 10000

// fileRow renumbers the row an import error names (the n-th region) to the
// line of the CSV file it came from, which is what the operator sees: a
// header line shifts them apart. lines is nil for JSON, whose n-th element
// is the n-th region.
func fileRow(err error, lines []int) error {
	var e *govdata.Error
	if lines == nil || !errors.As(err, &e) || e.Message.Msg != govdata.MsgRegionImportRow || len(e.Message.Args) != 2 {
		return err
	}
	row, ok := e.Details["row"].(int)
	if !ok || row < 1 || row > len(lines) {
		return err
	}
	renumbered := *e
	renumbered.Message.Args = []any{lines[row-1], e.Message.Args[1]}
	renumbered.Details = map[string]any{"row": lines[row-1]}
	return &renumbered
}

// readRegions reads a JSON array, or a CSV of code, name[, parent_code]
// the way the console's import reads it (ingest.RegionCSV: UTF-8 or GBK, an
// optional header, streamed); for CSV it also returns the file line of each
// region.
func readRegions(src io.Reader) ([]govdata.RegionInput, []int, error) {
	br := bufio.NewReader(src)
	if head, _ := br.Peek(3); bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3) // a UTF-8 BOM from Excel
	}
	if head, _ := br.Peek(512); bytes.HasPrefix(bytes.TrimSpace(head), []byte("[")) {
		var rows []govdata.RegionInput
		dec := json.NewDecoder(br)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rows); err != nil {
			return nil, nil, fmt.Errorf("JSON: %w", err)
		}
		return rows, nil, nil
	}
	rd := ingest.NewRegionCSV(br)
	var rows []govdata.RegionInput
	var lines []int
	for {
		l, err := rd.Next()
		if err == io.EOF {
			return rows, lines, nil
		}
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, l.Region)
		lines = append(lines, l.Line)
	}
}
