package govdata

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// Alphabets of generated passwords, without the characters people confuse
// when they read a password off a terminal (0/O/o, 1/l/I) and without
// quotes, backslashes, $ and spaces, which shells and forms mangle.
const (
	pwUpper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	pwLower  = "abcdefghijkmnpqrstuvwxyz"
	pwDigit  = "23456789"
	pwSymbol = "!#%+-=@_"
)

// Issue makes a password that the policy accepts for username, for an
// administrator to hand over (it must be changed at first use, ORG-3):
// max(20, p.MinLength) characters from crypto/rand with at least one
// upper-case letter, lower-case letter, digit and symbol (so any class
// requirement is met), never containing the username.
func (p PasswordPolicy) Issue(username string) string {
	n := max(20, p.MinLength)
	all := pwUpper + pwLower + pwDigit + pwSymbol
	for {
		pw := make([]byte, 0, n)
		for _, class := range []string{pwUpper, pwLower, pwDigit, pwSymbol} {
			pw = append(pw, class[randIntn(len(class))])
		}
		for len(pw) < n {
			pw = append(pw, all[randIntn(len(all))])
		}
		// Shuffle so that the four guaranteed characters sit anywhere.
		for i := len(pw) - 1; i > 0; i-- {
			j := randIntn(i + 1)
			pw[i], pw[j] = pw[j], pw[i]
		}
		if username == "" || !strings.Contains(strings.ToLower(string(pw)), strings.ToLower(username)) {
			return string(pw)
		}
	}
}

// randIntn is a uniform random integer in [0, n) from crypto/rand.
func randIntn(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return int(v.Int64())
}
