package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
)

// cmdRegions runs "govdata regions import FILE".
func cmdRegions(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, "Usage: govdata regions import [flags] FILE\n\nFILE is CSV (code,name[,parent_code]; a header row is optional) or JSON\n([{\"code\": \"230000\", \"name\": \"黑龙江省\"}, …]). Parents may come in any order.\n")
		return exitError(2)
	}
	c := newConfig("regions import")
	c.fs.SetOutput(stderr)
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	if c.fs.NArg() != 1 {
		return errors.New("regions import: name one file")
	}
	raw, err := os.ReadFile(c.fs.Arg(0))
	if err != nil {
		return err
	}
	rows, err := parseRegions(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", c.fs.Arg(0), err)
	}
	db, err := openStore(ctx, c, sqlstore.Hooks{})
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := sqlstore.NewRegionService(db).ImportRegions(govdata.WithActor(ctx, cliActor()), rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "regions imported: %d created, %d renamed, %d unchanged\n", res.Created, res.Renamed, res.Unchanged)
	return nil
}

// parseRegions reads a JSON array or CSV rows of code, name[, parent_code].
func parseRegions(raw []byte) ([]govdata.RegionInput, error) {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")) // a UTF-8 BOM from Excel
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		var rows []govdata.RegionInput
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rows); err != nil {
			return nil, fmt.Errorf("JSON: %w", err)
		}
		return rows, nil
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var rows []govdata.RegionInput
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("CSV: %w", err)
		}
		if len(rec) < 2 {
			return nil, fmt.Errorf("CSV line %d: want code,name[,parent_code]", line)
		}
		code := strings.TrimSpace(rec[0])
		if line == 1 && (strings.EqualFold(code, "code") || strings.Contains(code, "代码")) {
			continue // header
		}
		in := govdata.RegionInput{Code: code, Name: strings.TrimSpace(rec[1])}
		if len(rec) > 2 {
			in.ParentCode = strings.TrimSpace(rec[2])
		}
		rows = append(rows, in)
	}
	return rows, nil
}
