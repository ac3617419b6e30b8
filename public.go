package govdata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// Public accounts (OPN-2): natural persons and organisations who use the
// open-data portal. They are a kind apart from staff users — their own
// accounts, sessions and API keys — so that no staff role or endpoint can
// ever be reached through one.

// APIKeyPrefix starts every open-data API key, so that a key sent where a
// session token is expected (or the reverse) is recognised and refused
// with a clear message.
const APIKeyPrefix = "gdk_"

// HashAPIKey is how an open-data API key is stored: only its SHA-256,
// hex-encoded. A key is 32 random bytes, so a plain hash suffices (no
// password hashing: it cannot be guessed).
func HashAPIKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// PublicAuthService authenticates public accounts' sessions and API keys
// for the HTTP layer (OPN-2).
type PublicAuthService interface {
	// AuthenticatePublic returns the actor of a public session token:
	// PublicAccountID set, no roles. EUNAUTHORIZED for an unknown, expired
	// or revoked session, or a suspended account.
	AuthenticatePublic(ctx context.Context, token string) (Actor, error)
	// AuthenticateAPIKey returns the actor of an open-data API key:
	// PublicAccountID and APIKeyID set. EUNAUTHORIZED for an unknown or
	// revoked key; EFORBIDDEN for a suspended account (HLJ-43).
	AuthenticateAPIKey(ctx context.Context, key string) (Actor, error)
}
