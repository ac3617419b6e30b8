package govdata

import (
	"context"
	"time"
)

// Data keys (SEC-2; HLJ-38, ZJ-27: items at sensitivity 3–4 stored
// encrypted). The keys live in a key file outside the database; the
// secadmin sees their status — the algorithm, each version, which one is
// current, how far a rotation has gone — and never the key material.

// DataKeyVersion is one version of the data key as its status shows it.
type DataKeyVersion struct {
	Version   uint32    `json:"version"`
	Algorithm string    `json:"algorithm"`
	CreatedAt time.Time `json:"created_at"`
	// Current: new values are sealed with this version.
	Current bool `json:"current"`
	// SealedValues is how many stored values this version sealed, as
	// counted when the status was read.
	SealedValues int64 `json:"sealed_values"`
}

// DataKeyStatus is the state of the data keys and of their rotation.
type DataKeyStatus struct {
	// Configured: the deployment has a key file; without one no item may
	// be sensitive enough to need sealing, and the rest is empty.
	Configured bool `json:"configured"`
	// Algorithm is the current version's algorithm (sm4-gcm or aes-256-gcm).
	Algorithm string `json:"algorithm,omitempty"`
	// Current is the version new values are sealed with.
	Current uint32 `json:"current,omitempty"`
	// Versions lists every version the key file holds, oldest first.
	Versions []DataKeyVersion `json:"versions"`
	// SealedValues counts every sealed value stored, all versions; Pending
	// those still under an older version, which the background resealer
	// moves to the current one (`govdata keys rotate`, SEC-2). A rotation
	// is complete when Pending is 0.
	SealedValues int64 `json:"sealed_values"`
	Pending      int64 `json:"pending"`
	// UnknownVersion counts sealed values naming a version the key file
	// does not hold: they cannot be opened (a key file restored from an
	// older backup). It should be 0.
	UnknownVersion int64 `json:"unknown_version"`
	// CountedAt is when the values were counted.
	CountedAt time.Time `json:"counted_at"`
}

// DataKeyService tells the state of the data keys.
type DataKeyService interface {
	// DataKeyStatus counts the stored sealed values per key version (one
	// pass over the sealed columns). The secadmin only: EFORBIDDEN.
	DataKeyStatus(ctx context.Context) (*DataKeyStatus, error)
}
