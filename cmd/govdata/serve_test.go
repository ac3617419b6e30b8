package main

import (
	"bytes"
	"context"
	"regexp"
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
	db, err := openStore(context.Background(), conf, sqlstore.Hooks{})
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
				if err := ensureAdmin(context.Background(), db, &out); err != nil {
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
				if err := ensureAdmin(context.Background(), db, &out); err != nil || out.Len() != 0 {
					t.Errorf("second ensureAdmin: %v, stdout %q; want nothing", err, out.String())
				}
			})
		}
	})
}

var generatedRE = regexp.MustCompile(`password / 密码:\s+(\S+)`)

func ptr[T any](v T) *T { return &v }

// TestGeneratePassword: generated passwords pass the default policy for
// any username and are new each time.
func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		pw := generatePassword()
		var fe govdata.FieldErrors
		govdata.DefaultPasswordPolicy.Check(&fe, "password", pw, "admin")
		if err := fe.Err(); err != nil || seen[pw] {
			t.Fatalf("generatePassword() = %q: %v (seen before: %v)", pw, err, seen[pw])
		}
		seen[pw] = true
	}
}
