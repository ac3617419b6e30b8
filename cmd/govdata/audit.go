package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
)

const auditUsage = `Usage:
  govdata audit verify [--checkpoint FILE]… [flags]
      verify the whole hash chain, and that it still holds each signed checkpoint;
      exit 0 when intact, 1 naming the first bad record
  govdata audit checkpoint [--out FILE] [flags]
      sign the chain's current head; keep the file away from the platform
`

// cmdAudit runs the audit commands (SEC-1).
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "checkpoint") {
		fmt.Fprint(stderr, auditUsage)
		return exitError(2)
	}
	sub := args[0]
	c := newConfig("audit " + sub)
	c.setOutput(stderr)
	var checkpoints fileList
	var out string
	if sub == "verify" {
		c.fs.Var(&checkpoints, "checkpoint", "a checkpoint file the chain must still hold (repeatable)")
	} else {
		c.fs.StringVar(&out, "out", "", "write the checkpoint to this file instead of standard output")
	}
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	// Verifying needs no key; signing a checkpoint, or checking one, needs
	// the platform's existing key. Neither creates one, nor migrates.
	key := keyNone
	if sub == "checkpoint" || len(checkpoints) > 0 {
		key = keyRequired
	}
	db, err := openExistingStore(ctx, c, key)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = govdata.WithActor(ctx, cliActor())
	audit := sqlstore.NewAuditService(db)
	if sub == "checkpoint" {
		cp, err := audit.Checkpoint(ctx)
		if err != nil {
			return err
		}
		b, _ := json.MarshalIndent(cp, "", "  ")
		if out == "" {
			fmt.Fprintln(stdout, string(b))
			return nil
		}
		if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "checkpoint of record %d written to %s\n", cp.Seq, out)
		return nil
	}
	start := time.Now()
	res, err := audit.VerifyAudit(ctx, func(n int64) {
		fmt.Fprintf(stderr, "\r%d records checked", n)
	})
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if res.Records >= 100000 {
		fmt.Fprintln(stderr)
	}
	if !res.Intact {
		fmt.Fprintf(stdout, "audit chain BROKEN at record %d: %s (%d records before it verified, %s)\n",
			res.Break.Seq, res.Break.Reason, res.Records, res.Algorithm)
		return exitError(1)
	}
	for _, file := range checkpoints {
		var cp govdata.Checkpoint
		b, err := os.ReadFile(file)
		if err == nil {
			err = json.Unmarshal(b, &cp)
		}
		if err != nil {
			return fmt.Errorf("checkpoint %s: %w", file, err)
		}
		if err := audit.VerifyCheckpoint(ctx, cp); err != nil {
			fmt.Fprintf(stdout, "audit chain BROKEN: checkpoint %s: %s\n", file, message(err))
			return exitError(1)
		}
	}
	rate := float64(res.Records) / elapsed.Seconds()
	fmt.Fprintf(stdout, "audit chain intact: %d records, %s, verified in %s (%.0f records/s)",
		res.Records, res.Algorithm, elapsed.Round(time.Millisecond), rate)
	if len(checkpoints) > 0 {
		fmt.Fprintf(stdout, "; %d checkpoint(s) held", len(checkpoints))
	}
	fmt.Fprintln(stdout)
	return nil
}

// fileList is a repeatable flag.
type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

var _ flag.Value = (*fileList)(nil)
