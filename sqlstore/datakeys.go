package sqlstore

import (
	"context"
	"slices"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
)

// DataKeyService implements govdata.DataKeyService.
type DataKeyService struct{ db *DB }

// NewDataKeyService returns the data-key status service of db.
func NewDataKeyService(db *DB) *DataKeyService { return &DataKeyService{db: db} }

var _ govdata.DataKeyService = (*DataKeyService)(nil)

// DataKeyStatus implements govdata.DataKeyService. The versions come from
// the keyring the store seals with now (a rotation replaces it, SetDataKeys);
// the counts read every sealed value's version prefix — the same places
// the resealer moves (Reseal): encrypted dataset columns and their
// history, sealed rejected rows and maintenance requests, sources'
// secrets. That is one pass over those columns, a cost the secadmin pays
// when opening the page, not every request; the numbers are exact, not
// estimated from the resealer's progress.
func (s *DataKeyService) DataKeyStatus(ctx context.Context) (*govdata.DataKeyStatus, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermKeyRead); err != nil {
		return nil, err
	}
	out := &govdata.DataKeyStatus{Versions: []govdata.DataKeyVersion{}, CountedAt: s.db.clock.Now().UTC()}
	keys := s.db.DataKeys()
	if keys == nil {
		return out, nil
	}
	f := keys.File()
	out.Configured, out.Current = true, keys.Current()
	known := map[uint32]int{}
	for _, k := range f.Keys {
		out.Versions = append(out.Versions, govdata.DataKeyVersion{Version: k.Version, Algorithm: k.Algorithm,
			CreatedAt: k.Created.UTC(), Current: k.Version == keys.Current()})
		if k.Version == keys.Current() {
			out.Algorithm = k.Algorithm
		}
	}
	slices.SortFunc(out.Versions, func(a, b govdata.DataKeyVersion) int { return int(a.Version) - int(b.Version) })
	for i, v := range out.Versions {
		known[v.Version] = i
	}
	counts, err := s.countByVersion(ctx)
	if err != nil {
		return nil, err
	}
	for version, n := range counts {
		out.SealedValues += n
		i, ok := known[version]
		if !ok {
			out.UnknownVersion += n
			continue
		}
		out.Versions[i].SealedValues = n
		if version != keys.Current() {
			out.Pending += n
		}
	}
	return out, nil
}

// countByVersion counts the sealed values of every place that holds them
// by the key version each names (its first 4 bytes, datakey.Version).
func (s *DataKeyService) countByVersion(ctx context.Context) (map[uint32]int64, error) {
	rows, err := s.db.query(ctx, "SELECT entry_id, col FROM dataset_columns WHERE encrypted = 1 ORDER BY entry_id, col")
	if err != nil {
		return nil, s.db.internal("data key status", err)
	}
	var queries []string
	for rows.Next() {
		var entry int64
		var col int
		if err := rows.Scan(&entry, &col); err != nil {
			rows.Close()
			return nil, s.db.internal("data key status", err)
		}
		v := dsColumn{col: col}.value()
		for _, table := range []string{dataTable(entry), historyTable(entry)} {
			queries = append(queries, "SELECT substr("+v+", 1, 4), COUNT(*) FROM "+table+" WHERE "+v+" IS NOT NULL GROUP BY substr("+v+", 1, 4)")
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.db.internal("data key status", err)
	}
	queries = append(queries,
		"SELECT substr(row_values, 1, 4), COUNT(*) FROM batch_rejects WHERE sealed = 1 GROUP BY substr(row_values, 1, 4)",
		"SELECT substr(changes, 1, 4), COUNT(*) FROM maintenance_requests WHERE sealed = 1 GROUP BY substr(changes, 1, 4)",
		"SELECT substr(secret, 1, 4), COUNT(*) FROM data_sources WHERE secret IS NOT NULL GROUP BY substr(secret, 1, 4)",
	)
	counts := map[uint32]int64{}
	for _, q := range queries {
		if err := s.countInto(ctx, q, counts); err != nil {
			return nil, err
		}
	}
	return counts, nil
}

func (s *DataKeyService) countInto(ctx context.Context, q string, counts map[uint32]int64) error {
	rows, err := s.db.query(ctx, q)
	if err != nil {
		return s.db.internal("data key status", err)
	}
	defer rows.Close()
	for rows.Next() {
		var prefix []byte
		var n int64
		if err := rows.Scan(&prefix, &n); err != nil {
			return s.db.internal("data key status", err)
		}
		counts[datakey.Version(prefix)] += n
	}
	if err := rows.Err(); err != nil {
		return s.db.internal("data key status", err)
	}
	return nil
}
