package main

import (
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// OPN-2: without SMTP, the operator confirms a public account by hand;
// recorded under the operator's name.
func TestPublicAccountsConfirm(t *testing.T) {
	c := newCLI(t, storetest.SQLite)
	c.mustRun("migrate")
	db := c.open()
	svc := sqlstore.NewPublicAccountService(db, "http://portal.test")
	if err := svc.Register(client, govdata.PublicRegistration{Kind: govdata.PublicPerson, Name: "王五", Email: "wang.wu@example.com",
		Password: "Portal-Pass-2026", AcceptTerms: true, TermsVersion: govdata.PublicTermsVersion}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := c.mustRun("public-accounts confirm", "Wang.Wu@example.com")
	if !strings.Contains(out, "confirmed public account") {
		t.Fatalf("stdout %q", out)
	}
	db = c.open()
	l, err := sqlstore.NewPublicAccountService(db, "").FindPublicAccounts(system, govdata.PublicAccountFilter{Q: "wang.wu"})
	if err != nil || len(l.Items) != 1 || !l.Items[0].Confirmed || !strings.HasPrefix(l.Items[0].ConfirmedBy, "cli") {
		t.Fatalf("accounts %+v, %v", l.Items, err)
	}
	if _, stderr, code := c.run("public-accounts confirm", "nobody@example.com"); code != 1 || !strings.Contains(stderr, "govdata: ") {
		t.Fatalf("unknown address: exit %d, %q", code, stderr)
	}
}
