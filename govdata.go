// Package govdata is the domain of the government data resource platform:
// the types every other package speaks, the service interfaces the adapters
// implement, and the rules of the regulations as pure functions.
//
// It depends on nothing outside the standard library. Storage lives in
// sqlstore, HTTP in http, the binary in cmd/govdata.
package govdata

import (
	"context"
	"time"
)

// Version is set at build time with -ldflags "-X github.com/govdata/govdata.Version=…".
var Version = "dev"

// Clock tells the time. Services take one so tests can move time (deadlines,
// lockouts, token expiry) instead of sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// Actor is whoever is acting on a request: a signed-in user, a system
// credential, or the platform itself (CLI commands, first start).
type Actor struct {
	UserID       int64
	Username     string
	Roles        []Role
	DepartmentID int64 // 0 when the actor belongs to no department
	// ActsFor are departments the actor may act for besides its own: a
	// feature sets it after checking the hierarchy (CAT-4: a reviewer of a
	// higher bureau reviews a county's entry as its bureau would).
	ActsFor      []int64
	CredentialID int64 // set for system-credential calls (ORG-5)
	// Nonce is a signed call's nonce, not yet spent: the call's one write
	// spends it with the call's audit record — a data-service call's own
	// record, any other signed call's through CredentialService.UseNonce
	// (ORG-5: a replay is refused; SHR-4: one record per call).
	Nonce string
	// CredentialStamp names the credential's secret that verified a
	// signed call (Credential.Stamp): the call's write refuses the call if
	// the credential has been rotated or revoked since (ORG-5).
	CredentialStamp string
	SessionID       int64 // the session the request authenticated with
	ClientAddr      string
	RequestID       string // the HTTP request, for the audit record and logs
	// PasswordChangeRequired limits the session to changing the password (ORG-3).
	PasswordChangeRequired bool
	// PublicAccountID is set for a public account (OPN-2): signed in to the
	// portal, or calling the open-data API with one of its keys (APIKeyID).
	// Such an actor holds no role, belongs to no department and reaches no
	// staff endpoint.
	PublicAccountID int64
	APIKeyID        int64
	// System marks the platform acting by itself (first start, CLI commands run
	// by the operator on the server); it passes every permission check.
	System bool
}

// SystemActor acts for the platform itself: the CLI and first-start setup.
// It is recorded in the audit log under the name "system".
var SystemActor = Actor{Username: "system", System: true}

// Has reports whether the actor holds the role.
func (a Actor) Has(r Role) bool {
	for _, have := range a.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// IsSystem reports whether the actor is the platform itself.
func (a Actor) IsSystem() bool { return a.System }

type actorKey struct{}

// WithActor returns a context that carries the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx; anonymous (zero) when none.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Page asks for one page of a list: at most Limit items after Cursor.
type Page struct {
	Limit  int
	Cursor string
}

// Default and maximum page sizes (PRODUCT.md §4).
const (
	DefaultLimit = 20
	MaxLimit     = 500
)

// Normalize applies the default and maximum limit.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit > MaxLimit {
		p.Limit = MaxLimit
	}
	return p
}
