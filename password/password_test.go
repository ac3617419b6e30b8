package password_test

import (
	"strings"
	"testing"

	"github.com/govdata/govdata/password"
)

func TestHashVerify(t *testing.T) {
	for _, p := range []password.Params{password.Fast, {Memory: 128, Time: 2, Threads: 2}} {
		h, err := p.Hash("Correct-horse-1")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$") {
			t.Fatalf("hash %q: not an argon2id PHC string", h)
		}
		for pw, want := range map[string]bool{"Correct-horse-1": true, "correct-horse-1": false, "": false, "Correct-horse-1 ": false} {
			got, err := password.Verify(h, pw)
			if err != nil || got != want {
				t.Errorf("Verify(%q) = %v, %v; want %v", pw, got, err, want)
			}
		}
		// Salted: the same password hashes differently each time.
		if h2, _ := p.Hash("Correct-horse-1"); h2 == h {
			t.Error("two hashes of one password are equal: no salt")
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, h := range []string{
		"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=x,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$",
	} {
		if ok, err := password.Verify(h, "x"); ok || err != password.ErrMalformed {
			t.Errorf("Verify(%q) = %v, %v; want false, ErrMalformed", h, ok, err)
		}
	}
}

// A hash keeps the cost it was made with, so raising the default cost does
// not lock out existing users.
func TestVerifyUsesStoredParams(t *testing.T) {
	h, err := password.Fast.Hash("Old-cost-pass-1")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := password.Verify(h, "Old-cost-pass-1"); !ok || err != nil {
		t.Fatalf("Verify = %v, %v", ok, err)
	}
	if !strings.Contains(h, "m=64,t=1,p=1") {
		t.Fatalf("hash %q does not record its cost", h)
	}
}
