package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/govdata/govdata/datakey"
)

const keysUsage = `Usage:
  govdata keys show [flags]     list the data key versions (never the keys)
  govdata keys rotate [flags]   add a new data key and make it current (--data-key-algorithm);
                                a running server picks it up within --sweep-interval and
                                re-encrypts the stored values in the background (SEC-2)
`

func cmdKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "rotate") {
		fmt.Fprint(stderr, keysUsage)
		return exitError(2)
	}
	sub := args[0]
	c := newConfig("keys " + sub)
	c.setOutput(stderr)
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	k, err := c.dataKeys(c.logger(), keyRequired)
	if err != nil {
		return err
	}
	f := k.File()
	if sub == "rotate" {
		if os.Getenv(datakey.EnvName) != "" {
			return fmt.Errorf("the data keys come from %s: rotate them there (a new version, made current, every old one kept)", datakey.EnvName)
		}
		if f, err = f.Rotate(c.dataKeyAlg, time.Now()); err != nil {
			return err
		}
		if err := datakey.Write(c.dataKeysPath(), f); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "data key version %d (%s) is now current in %s; back the file up\n", f.Current, c.dataKeyAlg, c.dataKeysPath())
	}
	for _, key := range f.Keys {
		mark := " "
		if key.Version == f.Current {
			mark = "*"
		}
		fmt.Fprintf(stdout, "%s %d  %-12s %s\n", mark, key.Version, key.Algorithm, key.Created.Format(time.RFC3339))
	}
	return nil
}
