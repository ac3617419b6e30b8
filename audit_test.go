package govdata_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
)

// chain builds n correctly linked records, as the store appends them.
func chain(n int) []*govdata.AuditRecord {
	h := sha256.New()
	start := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	var prev []byte = []byte{}
	out := make([]*govdata.AuditRecord, n)
	for i := range out {
		r := &govdata.AuditRecord{
			Seq: int64(i + 1), Time: start.Add(time.Duration(i) * time.Second),
			ActorID: 7, ActorName: "admin", ActorRoles: "sysadmin", DepartmentID: 3,
			Action: "region.create", ObjectType: "region", ObjectID: "350100", Result: govdata.AuditOK,
			ClientAddr: "10.0.0.1", RequestID: "req-1", Detail: `{"code":"350100"}`, PrevHash: prev,
		}
		r.Hash = govdata.ChainHash(h, prev, r)
		prev = r.Hash
		out[i] = r
	}
	return out
}

// rehash recomputes the hash of r over prev, as a forger able to compute the
// (unkeyed) chain hash would.
func rehash(r *govdata.AuditRecord, prev []byte) {
	r.PrevHash = prev
	r.Hash = govdata.ChainHash(sha256.New(), prev, r)
}

func clone(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
	out := make([]*govdata.AuditRecord, len(rs))
	for i, r := range rs {
		c := *r
		out[i] = &c
	}
	return out
}

// verify runs the verifier over rs and then against the head; it returns the
// first break or nil.
func verify(rs []*govdata.AuditRecord, headSeq int64, headHash []byte) *govdata.ChainBreak {
	v := govdata.NewChainVerifier(sha256.New())
	for _, r := range rs {
		if b := v.Check(r); b != nil {
			return b
		}
	}
	return v.CheckEnd(headSeq, headHash)
}

func TestChainVerifier(t *testing.T) {
	const n = 6
	orig := chain(n)
	head := orig[n-1]
	tests := []struct {
		name       string
		tamper     func([]*govdata.AuditRecord) []*govdata.AuditRecord
		wantSeq    int64 // 0: intact
		wantReason string
	}{
		{"intact", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { return rs }, 0, ""},
		// Changed fields, one table row per hashed field.
		{"time", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			rs[2].Time = rs[2].Time.Add(time.Microsecond)
			return rs
		}, 3, "content"},
		{"actor id", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].ActorID = 8; return rs }, 3, "content"},
		{"actor name", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].ActorName = "root"; return rs }, 3, "content"},
		{"actor roles", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].ActorRoles = ""; return rs }, 3, "content"},
		{"department", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].DepartmentID = 0; return rs }, 3, "content"},
		{"credential", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].CredentialID = 1; return rs }, 3, "content"},
		{"action", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].Action = "region.delete"; return rs }, 3, "content"},
		{"object type", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].ObjectType = "user"; return rs }, 3, "content"},
		{"object id", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].ObjectID = "350200"; return rs }, 3, "content"},
		{"result", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].Result = govdata.AuditFailed; return rs }, 3, "content"},
		{"client address", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].ClientAddr = "10.0.0.2"; return rs }, 3, "content"},
		{"request id", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].RequestID = ""; return rs }, 3, "content"},
		{"detail", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[2].Detail = `{}`; return rs }, 3, "content"},
		{"hash", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			rs[2].Hash = bytes.Repeat([]byte{1}, 32)
			return rs
		}, 3, "content"},
		{"last record", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[n-1].Detail = ""; return rs }, n, "content"},
		{"first record", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { rs[0].ActorName = "x"; return rs }, 1, "content"},
		// A changed record whose hash the forger recomputed: the next link breaks.
		{"changed and rehashed", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			rs[2].Result = govdata.AuditFailed
			rehash(rs[2], rs[1].Hash)
			return rs
		}, 4, "link"},
		{"first record linked to something", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			rehash(rs[0], []byte{0})
			return rs
		}, 1, "link"},
		// Removed records.
		{"removed middle", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			return append(rs[:2:2], rs[3:]...)
		}, 3, "missing"},
		{"removed first", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { return rs[1:] }, 1, "missing"},
		{"removed and renumbered", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			rs = append(rs[:2:2], rs[3:]...)
			for i, r := range rs {
				r.Seq = int64(i + 1)
			}
			return rs
		}, 3, "link"},
		// Inserted records.
		{"inserted, renumbered", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			forged := *rs[2]
			forged.Action, forged.ActorName = "user.update", "intruder"
			rehash(&forged, rs[1].Hash)
			out := append(rs[:2:2], &forged)
			for _, r := range rs[2:] {
				r.Seq++
				out = append(out, r)
			}
			return out
		}, 4, "link"},
		{"inserted with a duplicate seq", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			forged := *rs[2]
			forged.ActorName = "intruder"
			rehash(&forged, rs[1].Hash)
			return append(append(rs[:2:2], &forged), rs[2:]...)
		}, 4, "missing"},
		{"appended beyond the head", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			forged := *rs[n-1]
			forged.Seq, forged.ActorName = n+1, "intruder"
			rehash(&forged, rs[n-1].Hash)
			return append(rs, &forged)
		}, n + 1, "beyond"},
		{"last record rewritten and rehashed", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			rs[n-1].ActorName = "intruder"
			rehash(rs[n-1], rs[n-2].Hash)
			return rs
		}, n, "head hash"},
		// Reordered records.
		{"swapped", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			rs[2], rs[3] = rs[3], rs[2]
			return rs
		}, 3, "missing"},
		{"swapped and renumbered", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord {
			rs[2], rs[3] = rs[3], rs[2]
			rs[2].Seq, rs[3].Seq = 3, 4
			return rs
		}, 3, "link"},
		// A truncated tail shows only against the head.
		{"truncated tail", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { return rs[:n-2] }, n - 1, "truncated"},
		{"everything deleted", func(rs []*govdata.AuditRecord) []*govdata.AuditRecord { return nil }, 1, "truncated"},
	}
	reasons := map[string]string{
		"content":   "record content does not match its hash",
		"link":      "link to the previous record does not match",
		"missing":   "is missing",
		"truncated": "but the head says",
		"beyond":    "beyond the head",
		"head hash": "does not match the head's hash",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := verify(tt.tamper(clone(orig)), head.Seq, head.Hash)
			if tt.wantSeq == 0 {
				if b != nil {
					t.Fatalf("break %v, want intact", b)
				}
				return
			}
			if b == nil {
				t.Fatalf("intact, want a break at %d", tt.wantSeq)
			}
			if b.Seq != tt.wantSeq || !strings.Contains(b.Reason, reasons[tt.wantReason]) {
				t.Fatalf("break at %d (%s), want at %d (%s)", b.Seq, b.Reason, tt.wantSeq, reasons[tt.wantReason])
			}
			if got := b.Error(); !strings.Contains(got, "record ") || !strings.Contains(got, b.Reason) {
				t.Fatalf("Error() = %q, want it to name the record and the reason", got)
			}
		})
	}
}

func TestChainVerifierEmpty(t *testing.T) {
	// A new store's head is seq 0 with an empty hash.
	for _, h := range [][]byte{nil, {}} {
		if b := govdata.NewChainVerifier(sha256.New()).CheckEnd(0, h); b != nil {
			t.Errorf("CheckEnd(0, %v) on an empty chain = %v, want nil", h, b)
		}
	}
	if b := govdata.NewChainVerifier(sha256.New()).CheckEnd(0, []byte{1}); b == nil {
		t.Error("CheckEnd(0, other hash) = nil, want a break")
	}
}

func TestChainHash(t *testing.T) {
	r := chain(1)[0]
	sum := func(r *govdata.AuditRecord, prev []byte) []byte { return govdata.ChainHash(sha256.New(), prev, r) }
	if !bytes.Equal(sum(r, []byte{}), r.Hash) {
		t.Fatal("ChainHash is not deterministic")
	}
	// A reused hash.Hash is reset first.
	h := sha256.New()
	h.Write([]byte("garbage"))
	if !bytes.Equal(govdata.ChainHash(h, []byte{}, r), r.Hash) {
		t.Fatal("ChainHash does not reset the hash it is given")
	}
	if bytes.Equal(sum(r, []byte{1}), r.Hash) {
		t.Fatal("ChainHash ignores the previous hash")
	}
	// Fields are length-prefixed: moving bytes between neighbours changes the hash.
	a, b := *r, *r
	a.ActorName, a.ActorRoles = "ab", "c"
	b.ActorName, b.ActorRoles = "a", "bc"
	if bytes.Equal(sum(&a, nil), sum(&b, nil)) {
		t.Fatal("ChainHash does not separate fields")
	}
	// Time is hashed at the microsecond the store keeps.
	c := *r
	c.Time = c.Time.Add(500 * time.Nanosecond)
	if !bytes.Equal(sum(&c, []byte{}), r.Hash) {
		t.Fatal("ChainHash depends on time below the microsecond, which storage drops")
	}
	if len(r.Hash) != 32 {
		t.Fatalf("hash of %d bytes, want 32 (SM3 and SHA-256)", len(r.Hash))
	}
}
