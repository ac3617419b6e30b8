package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
)

// cmdAudit runs "govdata audit verify": exit 0 when the chain is intact,
// 1 naming the first bad record otherwise (SEC-1).
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(stderr, "Usage: govdata audit verify [flags]\n")
		return exitError(2)
	}
	c := newConfig("audit verify")
	c.fs.SetOutput(stderr)
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	db, err := openStore(ctx, c, sqlstore.Hooks{})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	res, err := sqlstore.NewAuditService(db).VerifyAudit(govdata.WithActor(ctx, cliActor()), func(n int64) {
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
	rate := float64(res.Records) / elapsed.Seconds()
	fmt.Fprintf(stdout, "audit chain intact: %d records, %s, verified in %s (%.0f records/s)\n",
		res.Records, res.Algorithm, elapsed.Round(time.Millisecond), rate)
	return nil
}
