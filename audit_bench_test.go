package govdata_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/govdata/govdata"
)

// benchChain builds a valid chain of n records shaped like the store's
// refusal records.
func benchChain(newHash func() hash.Hash, n int) []*govdata.AuditRecord {
	h := newHash()
	at := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	recs := make([]*govdata.AuditRecord, n)
	prev := []byte{}
	for i := range recs {
		r := &govdata.AuditRecord{
			Seq:          int64(i + 1),
			Time:         at.Add(time.Duration(i) * time.Millisecond),
			ActorID:      42,
			ActorName:    "zhang.wei",
			ActorRoles:   "officer",
			DepartmentID: 7,
			Action:       "dataset.read",
			ObjectType:   "dataset",
			ObjectID:     strconv.Itoa(i + 1),
			Result:       govdata.AuditRefused,
			ClientAddr:   "10.12.3.45",
			RequestID:    "01JQ3ZC4T5M2X8K9N6P7R0S1VW",
			Detail:       `{"code":"forbidden","reason":"you may not do this (missing permission)"}`,
			PrevHash:     prev,
		}
		r.Hash = govdata.ChainHash(h, prev, r)
		recs[i], prev = r, r.Hash
	}
	return recs
}

// BenchmarkChainVerify measures ChainVerifier.Check alone, records in
// memory, to separate the hashing from the store's reading in
// BenchmarkAuditVerify (sqlstore). One op checks one record.
func BenchmarkChainVerify(b *testing.B) {
	for _, alg := range []struct {
		name string
		new  func() hash.Hash
	}{{govdata.HashSM3, sm3.New}, {govdata.HashSHA256, sha256.New}} {
		b.Run(alg.name, func(b *testing.B) {
			recs := benchChain(alg.new, 4096)
			v := govdata.NewChainVerifier(alg.new())
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i == len(recs) {
					v, i = govdata.NewChainVerifier(alg.new()), 0
				}
				if brk := v.Check(recs[i]); brk != nil {
					b.Fatal(brk)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// TestChainHashKnownAnswer pins ChainHash's output, computed with the first
// implementation (one Write per field), so that making it faster cannot
// change the hash of a record already stored: every existing chain would
// then read as broken.
func TestChainHashKnownAnswer(t *testing.T) {
	r := &govdata.AuditRecord{
		Seq: 7, Time: time.Date(2026, 3, 2, 1, 0, 0, 123456000, time.UTC), ActorID: 42, ActorName: "张伟",
		ActorRoles: "officer,leader", DepartmentID: 7, Action: "dataset.read", ObjectType: "dataset", ObjectID: "1024",
		Result: govdata.AuditRefused, ClientAddr: "10.12.3.45", RequestID: "req-1", Detail: `{"code":"forbidden"}`,
	}
	prev := bytes.Repeat([]byte{0xab}, 32)
	for _, tc := range []struct {
		new  func() hash.Hash
		want string
	}{
		{sm3.New, "89b2ba89b7461b38f19fa2a71362a1f3ed3bf7b040dae55474eafc8e7eab20c0"},
		{sha256.New, "2f90dcc1855f3e438ecda2436514ca0ea3b3c70821d40755380c38c795534d77"},
	} {
		if got := hex.EncodeToString(govdata.ChainHash(tc.new(), prev, r)); got != tc.want {
			t.Errorf("ChainHash = %s, want %s", got, tc.want)
		}
	}
}
