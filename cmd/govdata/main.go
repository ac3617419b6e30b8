// Command govdata is the government data resource platform: one binary that
// serves the API on an embedded SQLite database or on PostgreSQL, and the
// operator's commands around it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/user"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
)

const usage = `govdata — 政务数据资源管理平台 / government data platform

Usage:
  govdata serve [flags]                 serve the API (SQLite in ./data by default)
  govdata migrate [flags]               apply database migrations and exit
  govdata demo [flags]                  fill a fresh store with a demo world and print its accounts
  govdata user create [flags] USERNAME  create a user (--name, --roles, --department, --password)
  govdata user reset-password USERNAME  issue a new password, to be changed at next login
  govdata user disable USERNAME         disable a user and end its sessions
  govdata audit verify [flags]          verify the audit hash chain (exit 1 when broken)
  govdata audit checkpoint [flags]      sign the chain's head for safekeeping
  govdata regions import [flags] FILE   load a GB/T 2260 region list (CSV or JSON)
  govdata calendar load [flags] FILE    load or correct a year of holidays (JSON, as PUT /api/v1/calendar/{year})
  govdata calendar show [flags] YEAR    print a year's holidays and make-up working days
  govdata keys show|rotate [flags]      list or rotate the keys that seal sensitive values
  govdata public-accounts confirm EMAIL confirm a public account's address by hand (no SMTP)
  govdata version                       print the version

Run "govdata COMMAND --help" for the flags of a command.
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run executes a command and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, rest, stdout, stderr)
	case "demo":
		err = cmdDemo(ctx, rest, stdout, stderr)
	case "user":
		err = cmdUser(ctx, rest, stdout, stderr)
	case "audit":
		err = cmdAudit(ctx, rest, stdout, stderr)
	case "regions":
		err = cmdRegions(ctx, rest, stdout, stderr)
	case "calendar":
		err = cmdCalendar(ctx, rest, stdout, stderr)
	case "keys":
		err = cmdKeys(ctx, rest, stdout, stderr)
	case "public-accounts":
		err = cmdPublicAccounts(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "govdata %s\n", govdata.Version)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "govdata: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &exit):
		return int(exit)
	default:
		fmt.Fprintf(stderr, "govdata: %s\n", message(err))
		return 1
	}
}

// exitError ends a command with a code after it has printed its own message.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// message renders an error for the terminal: domain errors in both languages.
func message(err error) string {
	var e *govdata.Error
	if errors.As(err, &e) {
		s := e.Message.Text("zh") + " / " + e.Message.Text("en")
		for k, m := range e.Fields {
			s += fmt.Sprintf("\n  %s: %s / %s", k, m.Text("zh"), m.Text("en"))
		}
		return s
	}
	return err.Error()
}

// cliActor is the operator running a command on the server: the platform
// itself, recorded in the audit log as the actor "system" from the client
// address cli:<OS user>. (The domain recognises the platform by
// govdata.SystemActor's name, so the actor must keep that name to pass the
// permission checks.)
func cliActor() govdata.Actor {
	a := govdata.SystemActor
	a.Username, a.ClientAddr = "cli", "local"
	if u, err := user.Current(); err == nil {
		a.Username = "cli:" + u.Username
	}
	return a
}

// openStore opens and migrates the store of a configuration. Only serve
// passes keyCreate: no other command creates a master key.
func openStore(ctx context.Context, c *config, hooks sqlstore.Hooks, key keyUse) (*sqlstore.DB, error) {
	// A first start records the profile: refuse a bad one before anything is written.
	if _, err := profiles.Load(c.profile); err != nil {
		return nil, fmt.Errorf("regulation profile: %w", err)
	}
	log := c.logger()
	opts, err := c.storeOptions(log, hooks, key)
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	c.warnStoredSettings(log, db)
	return db, nil
}

// openExistingStore opens the store of a configuration without changing
// it: no migration, no SQLite file or data folder created, and a database
// that is not a govdata store refused (the audit commands must not change
// what they check).
func openExistingStore(ctx context.Context, c *config, key keyUse) (*sqlstore.DB, error) {
	log := c.logger()
	opts, err := c.storeOptions(log, sqlstore.Hooks{}, keyNone)
	if err != nil {
		return nil, err
	}
	// A missing key is reported after a missing store, the graver fault.
	var keyErr error
	opts.MasterKey, keyErr = c.masterKey(log, key)
	opts.MustExist = true
	notStore := func(err error) error {
		where := "--data " + c.data
		if c.db != "" {
			where = "--db " + redactURL(c.db)
		}
		return fmt.Errorf("%s holds no govdata store (%w); check --data/--db", where, err)
	}
	db, err := sqlstore.Open(ctx, opts)
	if errors.Is(err, sqlstore.ErrNotGovdata) {
		return nil, notStore(sqlstore.ErrNotGovdata)
	}
	if err != nil {
		return nil, err
	}
	if err := db.LoadSettings(ctx); err != nil {
		db.Close()
		if errors.Is(err, sqlstore.ErrNotGovdata) {
			return nil, notStore(sqlstore.ErrNotGovdata)
		}
		return nil, err
	}
	if keyErr != nil {
		db.Close()
		return nil, keyErr
	}
	c.warnStoredSettings(log, db)
	return db, nil
}

// redactURL hides the password of a database URL.
func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newConfig("migrate")
	c.setOutput(stderr)
	if err := c.parse(args); err != nil {
		return err
	}
	db, err := openStore(ctx, c, sqlstore.Hooks{}, keyNone)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := seedCalendar(ctx, db, c.logger()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrations applied (%s)\n", db.Engine())
	return nil
}
