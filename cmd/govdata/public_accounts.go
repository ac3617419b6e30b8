package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
)

const publicAccountsUsage = `Usage:
  govdata public-accounts confirm [flags] EMAIL

confirm confirms a public account's e-mail address by hand (OPN-2), for a
deployment whose mail cannot reach the person (no SMTP configured). It is
recorded in the audit log under the operator's name, and the account is
told by a message in its inbox.
`

func cmdPublicAccounts(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "confirm" {
		fmt.Fprint(stderr, publicAccountsUsage)
		return exitError(2)
	}
	c := newConfig("public-accounts confirm")
	c.setOutput(stderr)
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	if c.fs.NArg() != 1 {
		fmt.Fprint(stderr, publicAccountsUsage)
		return exitError(2)
	}
	email := govdata.NormalizeEmail(c.fs.Arg(0))
	db, err := openStore(ctx, c, sqlstore.Hooks{}, keyNone)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = govdata.WithActor(ctx, cliActor())
	svc := sqlstore.NewPublicAccountService(db, c.publicAddress())
	err = confirmPublicAccount(ctx, svc, email, stdout)
	if code := govdata.ErrorCodeOf(err); code != "" && code != govdata.EINTERNAL {
		if aerr := sqlstore.NewAuditService(db).RecordRefusal(ctx, "public.confirm_by_operator", "public_account", "", err); aerr != nil {
			return fmt.Errorf("%w (and recording the refusal failed: %v)", err, aerr)
		}
	}
	return err
}

func confirmPublicAccount(ctx context.Context, svc *sqlstore.PublicAccountService, email string, stdout io.Writer) error {
	l, err := svc.FindPublicAccounts(ctx, govdata.PublicAccountFilter{Q: email, Page: govdata.Page{Limit: govdata.MaxLimit}})
	if err != nil {
		return err
	}
	for _, a := range l.Items {
		if strings.EqualFold(a.Email, email) {
			if _, err := svc.ConfirmByOperator(ctx, a.ID); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "confirmed public account %d (%s)\n", a.ID, a.Email)
			return nil
		}
	}
	return govdata.Errorf(govdata.ENOTFOUND, govdata.MsgPublicNotFound)
}
