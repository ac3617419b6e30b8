package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
)

const userUsage = `Usage:
  govdata user create [flags] --name NAME --roles ROLE[,ROLE] [--department ID] [--password P] USERNAME
  govdata user reset-password [flags] USERNAME
  govdata user disable [flags] USERNAME
  govdata user unlock [flags] USERNAME

unlock lifts the login lock of an account (ORG-3) — the way back in for the
last sysadmin, secadmin or auditor when no other administrator can.
A refused command is recorded in the audit log like a refused request.

A password that is generated or given here is issued: the user must change
it at first login. Roles: sysadmin, secadmin, auditor, reviewer, officer,
leader, supervisor (sysadmin, secadmin and auditor each stand alone).
Run on the server, these commands act as the platform: a business role
given here counts at once, without the secadmin's confirmation that the
API asks for (whoever has the server's shell holds its database and key).
A reset password is a security event: the holder and every secadmin are
notified.
`

func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return exitError(2)
	}
	sub, args := args[0], args[1:]
	c := newConfig("user " + sub)
	c.setOutput(stderr)
	var name, roles, pw string
	var dept int64
	if sub == "create" {
		c.fs.StringVar(&name, "name", "", "the person's name")
		c.fs.StringVar(&roles, "roles", "", "comma-separated roles")
		c.fs.Int64Var(&dept, "department", 0, "department ID")
		c.fs.StringVar(&pw, "password", "", "issued password (generated when empty)")
	}
	switch sub {
	case "create", "reset-password", "disable", "unlock":
	default:
		fmt.Fprintf(stderr, "govdata user: unknown subcommand %q\n\n%s", sub, userUsage)
		return exitError(2)
	}
	if err := c.parse(args); err != nil {
		return err
	}
	if c.fs.NArg() != 1 {
		fmt.Fprint(stderr, userUsage)
		return exitError(2)
	}
	username := c.fs.Arg(0)
	db, err := openStore(ctx, c, sqlstore.Hooks{}, keyNone)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = govdata.WithActor(ctx, cliActor())
	users := sqlstore.NewUserService(db)
	err = userCommand(ctx, c, db, users, sub, username, name, roles, pw, dept, stdout)
	if code := govdata.ErrorCodeOf(err); code != "" && code != govdata.EINTERNAL {
		// SJZ-S-22: a refused change to a user leaves a record, here too.
		if aerr := sqlstore.NewAuditService(db).RecordRefusal(ctx, "user."+sub, "user", username, err); aerr != nil {
			return fmt.Errorf("%w (and recording the refusal failed: %v)", err, aerr)
		}
	}
	return err
}

// userCommand runs one user subcommand as the platform.
func userCommand(ctx context.Context, c *config, db *sqlstore.DB, users *sqlstore.UserService, sub, username, name, roles, pw string, dept int64, stdout io.Writer) error {
	switch sub {
	case "create":
		var rs []govdata.Role
		for _, r := range strings.Split(roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				rs = append(rs, govdata.Role(r))
			}
		}
		u, err := users.CreateUser(ctx, govdata.UserInput{Username: username, Password: pw, Name: name, DepartmentID: dept, Roles: rs})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created user %s (id %d, roles %s)\n", u.Username, u.ID, govdata.JoinRoles(u.Roles))
		if u.IssuedPassword != "" {
			fmt.Fprintf(stdout, "issued password: %s (to be changed at first login)\n", u.IssuedPassword)
		}
	case "reset-password":
		u, err := users.FindUserByUsername(ctx, username)
		if err != nil {
			return err
		}
		u, err = users.UpdateUser(ctx, u.ID, govdata.UserPatch{IssuePassword: true})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "issued password for %s: %s (to be changed at next login; the user's sessions have ended)\n", u.Username, u.IssuedPassword)
	case "disable":
		u, err := users.FindUserByUsername(ctx, username)
		if err != nil {
			return err
		}
		yes := true
		if _, err := users.UpdateUser(ctx, u.ID, govdata.UserPatch{Disabled: &yes}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "disabled %s; its sessions have ended\n", u.Username)
	case "unlock":
		u, err := users.FindUserByUsername(ctx, username)
		if err != nil {
			return err
		}
		if _, err := sqlstore.NewAuthService(db).UnlockUser(ctx, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "unlocked %s\n", u.Username)
	}
	return nil
}
