package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/govdata/govdata"
)

// MaskService keeps the secadmin's masking policy (SHR-5, SJZ-S-23).
type MaskService struct {
	db *DB

	mu     sync.Mutex
	cached *govdata.MaskPolicy
	read   time.Time
}

// NewMaskService returns the masking policy of db.
func NewMaskService(db *DB) *MaskService { return &MaskService{db: db} }

var _ govdata.MaskService = (*MaskService)(nil)

// policyFresh is how long a read policy serves data-service calls before
// it is read again: a change made by another process of the same store
// applies within it; one made by this process applies at once.
const policyFresh = 5 * time.Second

var msgMaskItemUnknown = govdata.Msg{ZH: "没有这个目录信息项", EN: "no entry has this item"}

// FindMaskPolicy implements govdata.MaskService: the secadmin sets it;
// the provider's and the bureau's people read it to know what consumers see.
func (s *MaskService) FindMaskPolicy(ctx context.Context) (*govdata.MaskPolicy, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermSignedIn); err != nil {
		return nil, err
	}
	p, err := s.policy(ctx)
	if err != nil {
		return nil, err
	}
	out := &govdata.MaskPolicy{Levels: maps.Clone(p.Levels), Items: maps.Clone(p.Items)}
	for level, m := range govdata.DefaultMasks {
		if _, ok := out.Levels[level]; !ok {
			out.Levels[level] = m
		}
	}
	if out.Items == nil {
		out.Items = map[string]govdata.Mask{}
	}
	return out, nil
}

// policy is the stored policy, read at most every policyFresh.
func (s *MaskService) policy(ctx context.Context) (*govdata.MaskPolicy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cached != nil && time.Since(s.read) < policyFresh {
		return s.cached, nil
	}
	var raw string
	p := &govdata.MaskPolicy{Levels: map[int]govdata.Mask{}}
	err := s.db.queryRow(ctx, "SELECT policy FROM mask_policy WHERE id = 1").Scan(&raw)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, s.db.internal("mask policy", err)
	}
	if err == nil {
		if err := json.Unmarshal([]byte(raw), p); err != nil {
			return nil, s.db.internal("mask policy", err)
		}
		if p.Levels == nil {
			p.Levels = map[int]govdata.Mask{}
		}
	}
	s.cached, s.read = p, time.Now()
	return p, nil
}

// SetMaskPolicy implements govdata.MaskService.
func (s *MaskService) SetMaskPolicy(ctx context.Context, p govdata.MaskPolicy) (*govdata.MaskPolicy, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermMaskWrite); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var fe govdata.FieldErrors
	for _, key := range slices.Sorted(maps.Keys(p.Items)) {
		entry, item, _ := govdata.SplitItemKey(key)
		// The item as its entry is written now (published or not yet).
		var version int
		err := s.db.queryRow(ctx, "SELECT version FROM catalog_entries WHERE id = ?", entry).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			fe.Add("items."+key, msgMaskItemUnknown)
			continue
		}
		if err != nil {
			return nil, s.db.internal("mask policy", err)
		}
		in, err := content(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, entry, version)
		if err != nil {
			return nil, s.db.internal("mask policy", err)
		}
		if !slices.ContainsFunc(in.Items, func(it govdata.Item) bool { return it.Name == item }) {
			fe.Add("items."+key, msgMaskItemUnknown)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: mask policy: %w", err)
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec("DELETE FROM mask_policy WHERE id = 1"); err != nil {
			return err
		}
		if _, err := tx.exec("INSERT INTO mask_policy (id, policy, updated_at, updated_by) VALUES (1, ?, ?, ?)", string(raw), toDB(tx.Now()), actorName(tx.actor)); err != nil {
			return err
		}
		return tx.audit("mask.policy", "mask_policy", 1, p)
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cached = nil
	s.mu.Unlock()
	return s.FindMaskPolicy(ctx)
}
