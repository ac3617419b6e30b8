package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// openCLIStore opens the store of c the way the commands do.
func openCLIStore(t *testing.T, c *cli) *sqlstore.DB {
	t.Helper()
	conf := newConfig("test")
	if err := conf.parse(c.storeFlags()); err != nil {
		t.Fatal(err)
	}
	db, err := openStore(context.Background(), conf, sqlstore.Hooks{}, keyCreate)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestEnsureAdmin: the first start creates "admin" once, with a printed
// password to change, or with GOVDATA_ADMIN_PASSWORD kept as chosen.
func TestEnsureAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		for _, tt := range []struct {
			name       string
			env        *string
			printed    bool
			mustChange bool
		}{
			{"generated", nil, true, true},
			{"chosen", ptr("Chosen-Pass-2026"), false, false},
			// An empty variable (an unset shell variable in a compose file)
			// chooses nothing: the password is generated and shown.
			{"empty variable", ptr(""), true, true},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c := newCLI(t, e)
				if tt.env != nil {
					t.Setenv("GOVDATA_ADMIN_PASSWORD", *tt.env)
				}
				db := openCLIStore(t, c)
				var out bytes.Buffer
				if err := ensureAdmin(context.Background(), db, govdata.DefaultPasswordPolicy, &out); err != nil {
					t.Fatal(err)
				}
				m := generatedRE.FindStringSubmatch(out.String())
				if (m != nil) != tt.printed {
					t.Fatalf("password printed: %v, want %v; stdout:\n%s", m != nil, tt.printed, out.String())
				}
				pw := "Chosen-Pass-2026"
				if m != nil {
					pw = m[1]
				}
				sess, err := sqlstore.NewAuthService(db).Login(client, "admin", pw)
				if err != nil {
					t.Fatalf("login as admin with %q: %v", pw, err)
				}
				if sess.PasswordChangeRequired != tt.mustChange {
					t.Errorf("password_change_required %v, want %v", sess.PasswordChangeRequired, tt.mustChange)
				}

				// Once there is an account, nothing happens.
				out.Reset()
				if err := ensureAdmin(context.Background(), db, govdata.DefaultPasswordPolicy, &out); err != nil || out.Len() != 0 {
					t.Errorf("second ensureAdmin: %v, stdout %q; want nothing", err, out.String())
				}
			})
		}
	})
}

var generatedRE = regexp.MustCompile(`password / 密码:\s+(\S+)`)

func ptr[T any](v T) *T { return &v }

// TestGeneratePassword: a generated password passes the configured policy
// (length and character classes) for its username, whatever the policy,
// never contains the username, avoids characters people misread, and is
// new each time.
func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for _, minLength := range []int{8, 24, 64} {
		for classes := 1; classes <= 4; classes++ {
			policy := govdata.PasswordPolicy{MinLength: minLength, MinClasses: classes}
			for i := range 500 {
				// Short usernames of common letters, so that some passwords
				// would contain them by chance.
				username := []string{"admin", "abc", "xyz", "wangwu", "a2b"}[i%5]
				pw := policy.Issue(username)
				var fe govdata.FieldErrors
				policy.Check(&fe, "password", pw, username)
				if err := fe.Err(); err != nil {
					t.Fatalf("policy %+v, user %s: generatePassword() = %q: %s", policy, username, pw, message(err))
				}
				if want := max(20, minLength); len(pw) != want {
					t.Fatalf("policy %+v: %q has %d characters, want %d", policy, pw, len(pw), want)
				}
				if strings.ContainsAny(pw, "0Oo1lI") {
					t.Fatalf("%q has an ambiguous character", pw)
				}
				if seen[pw] {
					t.Fatalf("%q generated twice", pw)
				}
				seen[pw] = true
			}
		}
	}
	// The strictest policy a deployment can set still gets a valid password.
	strict := govdata.PasswordPolicy{MinLength: 128, MinClasses: 4}
	var fe govdata.FieldErrors
	strict.Check(&fe, "password", strict.Issue("admin"), "admin")
	if err := fe.Err(); err != nil {
		t.Fatalf("policy %+v: %s", strict, message(err))
	}
}

// TestFirstStartStrictPolicy: serve's first start makes the admin account
// under a policy stricter than the default, and "user create" and "user
// reset-password" issue passwords it accepts.
func TestFirstStartStrictPolicy(t *testing.T) {
	c := newCLI(t, storetest.SQLite)
	strict := []string{"--password-min-length", "24", "--password-min-classes", "4"}
	conf := newConfig("serve")
	if err := conf.parse(append(c.storeFlags(), strict...)); err != nil {
		t.Fatal(err)
	}
	db, err := openStore(context.Background(), conf, sqlstore.Hooks{}, keyCreate)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = ensureAdmin(context.Background(), db, conf.passwordPolicy(), &out)
	db.Close()
	if err != nil {
		t.Fatalf("first start with --password-min-length 24 --password-min-classes 4: %v", err)
	}
	if m := generatedRE.FindStringSubmatch(out.String()); m == nil || len(m[1]) < 24 {
		t.Fatalf("printed admin password: %q", out.String())
	}
	for i := range 20 {
		user := fmt.Sprintf("user%02d", i)
		c.mustRun("user create", append(strict, "--name", "用户", "--roles", "auditor", user)...)
		c.mustRun("user reset-password", append(strict, user)...)
	}
}
