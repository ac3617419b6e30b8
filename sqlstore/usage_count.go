package sqlstore

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/govdata/govdata"
)

// SHR-6: every data-service call is counted on its grant (calls, rows,
// refusals, last use) and on its grant's day per credential, in the
// transaction that records it, so that after any crash the counters equal
// the recorded calls. A call does not write them itself: it counts in
// memory (Tx.countUsage) and the committer writes its batch's counts once
// per grant and per day (usageCounts.write), so that no row is updated by
// every call (PRODUCT.md §5: one hot row per grant, rewritten by each call of
// each consumer, was what held PostgreSQL back).

// usageKey is a grant's day for one credential (grant_usage_daily).
type usageKey struct {
	grant, credential int64
	day               string
}

// usageDelta is what calls added to a key.
type usageDelta struct {
	calls, rows, refused int64
	lastUsed             int64 // the latest answered call (toDB); 0: none
}

// usageCounts are the calls counted and not yet written.
type usageCounts map[usageKey]*usageDelta

// countUsage counts a call of grant by credential on day in this write:
// answered (calls 1, its rows) or refused for asking outside the grant
// (refused 1). It is written with the batch once the write succeeds.
func (t *Tx) countUsage(grant, credential int64, day govdata.Date, calls, rows, refused int64) {
	if t.usage == nil {
		t.usage = usageCounts{}
	}
	var last int64
	if calls > 0 {
		last = toDB(t.Now())
	}
	t.usage.add(usageKey{grant, credential, day.String()}, usageDelta{calls, rows, refused, last})
}

func (u usageCounts) add(k usageKey, d usageDelta) {
	sum := u[k]
	if sum == nil {
		sum = &usageDelta{}
		u[k] = sum
	}
	sum.calls, sum.rows, sum.refused = sum.calls+d.calls, sum.rows+d.rows, sum.refused+d.refused
	sum.lastUsed = max(sum.lastUsed, d.lastUsed)
}

// merge adds the counts of a write that succeeded.
func (u usageCounts) merge(o usageCounts) {
	for k, d := range o {
		u.add(k, *d)
	}
}

// usageInsertRows bounds the rows of one daily statement (6 parameters
// each).
const usageInsertRows = 200

// write adds the counts to the grants and their days in tx, one statement
// per grant and one per usageInsertRows days, in key order (two instances
// on one database take the rows in the same order), and forgets them.
func (u usageCounts) write(tx *Tx) error {
	if len(u) == 0 {
		return nil
	}
	keys := slices.SortedFunc(func(yield func(usageKey) bool) {
		for k := range u {
			if !yield(k) {
				return
			}
		}
	}, func(a, b usageKey) int {
		return cmp.Or(cmp.Compare(a.grant, b.grant), cmp.Compare(a.credential, b.credential), cmp.Compare(a.day, b.day))
	})
	for i := 0; i < len(keys); {
		grant, sum := keys[i].grant, usageDelta{}
		for ; i < len(keys) && keys[i].grant == grant; i++ {
			d := u[keys[i]]
			sum.calls, sum.rows, sum.refused, sum.lastUsed = sum.calls+d.calls, sum.rows+d.rows, sum.refused+d.refused, max(sum.lastUsed, d.lastUsed)
		}
		var last any
		if sum.lastUsed > 0 {
			last = sum.lastUsed
		}
		if err := tx.execLater(`UPDATE grants SET calls = calls + ?, rows_served = rows_served + ?, refused_calls = refused_calls + ?,
			last_used_at = COALESCE(?, last_used_at) WHERE id = ?`, sum.calls, sum.rows, sum.refused, last, grant); err != nil {
			return fmt.Errorf("grant usage: %w", err)
		}
	}
	for chunk := range slices.Chunk(keys, usageInsertRows) {
		var q strings.Builder
		q.WriteString("INSERT INTO grant_usage_daily (grant_id, credential_id, day, calls, rows_served, refused) VALUES ")
		args := make([]any, 0, 6*len(chunk))
		for i, k := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?)")
			d := u[k]
			args = append(args, k.grant, k.credential, k.day, d.calls, d.rows, d.refused)
		}
		q.WriteString(` ON CONFLICT (grant_id, credential_id, day) DO UPDATE SET calls = grant_usage_daily.calls + excluded.calls,
			rows_served = grant_usage_daily.rows_served + excluded.rows_served, refused = grant_usage_daily.refused + excluded.refused`)
		if err := tx.execLater(q.String(), args...); err != nil {
			return fmt.Errorf("daily usage: %w", err)
		}
	}
	clear(u)
	return nil
}

// batchTallies are what the calls of a commit batch counted in memory —
// usage (SHR-6) and verification misses (SHR-4) — written once per key by
// the batch, with the records of the calls that counted them.
type batchTallies struct {
	usage    usageCounts
	verifies verifyTallies
}

// merge adds what a write that succeeded counted.
func (b batchTallies) merge(t *Tx) {
	b.usage.merge(t.usage)
	b.verifies.merge(t.verifies)
}

func (b batchTallies) empty() bool { return len(b.usage) == 0 && len(b.verifies) == 0 }

// write writes the tallies in tx and forgets them.
func (b batchTallies) write(tx *Tx) error {
	if err := b.usage.write(tx); err != nil {
		return err
	}
	return b.verifies.write(tx)
}
