package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
)

// Reseal re-encrypts up to max sealed values whose key version is not the
// current one (SEC-2: after `govdata keys rotate`, old values move to the
// new key in the background, a chunk at a time, while the data stays in
// service: every value opens with its own version until it is moved). It
// returns how many it moved; 0 means none is left.
func (s *DatasetService) Reseal(ctx context.Context, max int) (int, error) {
	keys := s.db.DataKeys()
	if keys == nil {
		return 0, nil
	}
	current := binary.BigEndian.AppendUint32(nil, keys.Current())
	rows, err := s.db.query(ctx, "SELECT entry_id, col FROM dataset_columns WHERE encrypted = 1 ORDER BY entry_id, col")
	if err != nil {
		return 0, s.db.internal("reseal", err)
	}
	var cols [][2]int64
	for rows.Next() {
		var c [2]int64
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			rows.Close()
			return 0, s.db.internal("reseal", err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	done := 0
	for _, c := range cols {
		col := dsColumn{col: int(c[1])}
		for _, table := range []string{dataTable(c[0]), historyTable(c[0])} {
			n, err := s.resealColumn(ctx, keys, current, c[0], table, col, max-done)
			if err != nil {
				return done, err
			}
			if done += n; done >= max {
				return done, nil
			}
		}
	}
	n, err := s.resealRejects(ctx, keys, current, max-done)
	if done += n; err != nil || done >= max {
		return done, err
	}
	n, err = s.resealOthers(ctx, keys, current, max-done)
	return done + n, err
}

type sealedValue struct {
	id    int64
	extra int64
	value []byte
}

func (s *DatasetService) resealColumn(ctx context.Context, keys *datakey.Keyring, current []byte, entry int64, table string, col dsColumn, max int) (int, error) {
	v := col.value()
	old, err := s.readSealed(ctx, "SELECT _row, 0, "+v+" FROM "+table+" WHERE "+v+" IS NOT NULL AND substr("+v+", 1, 4) <> ? LIMIT ?", current, max)
	if err != nil || len(old) == 0 {
		return 0, err
	}
	context := col.context(entry)
	err = s.db.write(govdata.WithActor(ctx, govdata.SystemActor), func(tx *Tx) error {
		for _, o := range old {
			plain, err := keys.Open(nil, o.value, context)
			if err != nil {
				return fmt.Errorf("reseal %s row %d: %w", table, o.id, err)
			}
			// Only if unchanged since read: a batch may have replaced it.
			if _, err := tx.exec("UPDATE "+table+" SET "+v+" = ? WHERE _row = ? AND "+v+" = ?", keys.Seal(nil, plain, context), o.id, o.value); err != nil {
				return err
			}
		}
		return tx.audit("dataset.reseal", "catalog_entry", entry, map[string]any{"table": table, "column": v, "values": len(old), "key_version": keys.Current()})
	})
	if err != nil {
		return 0, s.db.internal("reseal", err)
	}
	return len(old), nil
}

func (s *DatasetService) resealRejects(ctx context.Context, keys *datakey.Keyring, current []byte, max int) (int, error) {
	if max <= 0 {
		return 0, nil
	}
	old, err := s.readSealed(ctx, "SELECT batch_id, row_no, row_values FROM batch_rejects WHERE sealed = 1 AND substr(row_values, 1, 4) <> ? LIMIT ?", current, max)
	if err != nil || len(old) == 0 {
		return 0, err
	}
	err = s.db.write(govdata.WithActor(ctx, govdata.SystemActor), func(tx *Tx) error {
		for _, o := range old {
			context := (&loadTarget{batch: o.id}).rejectContext()
			plain, err := keys.Open(nil, o.value, context)
			if err != nil {
				return fmt.Errorf("reseal rejects of batch %d: %w", o.id, err)
			}
			if _, err := tx.exec("UPDATE batch_rejects SET row_values = ? WHERE batch_id = ? AND row_no = ?", keys.Seal(nil, plain, context), o.id, o.extra); err != nil {
				return err
			}
		}
		return tx.audit("dataset.reseal", "batch", old[0].id, map[string]any{"table": "batch_rejects", "values": len(old), "key_version": keys.Current()})
	})
	if err != nil {
		return 0, s.db.internal("reseal", err)
	}
	return len(old), nil
}

func (s *DatasetService) readSealed(ctx context.Context, q string, current []byte, max int) ([]sealedValue, error) {
	rows, err := s.db.query(ctx, q, current, max)
	if err != nil {
		return nil, s.db.internal("reseal", err)
	}
	defer rows.Close()
	var out []sealedValue
	for rows.Next() {
		var o sealedValue
		var extra sql.NullInt64
		if err := rows.Scan(&o.id, &extra, &o.value); err != nil {
			return nil, s.db.internal("reseal", err)
		}
		o.extra = extra.Int64
		out = append(out, o)
	}
	return out, rows.Err()
}

// sealLeftovers seals what an entry stored in the clear while none of its
// items was sensitive — rejected rows, maintenance requests — once a new
// version makes one sensitive (SEC-2: no plaintext of those items stays).
func (db *DB) sealLeftovers(tx *Tx, entry int64) error {
	type plain struct {
		a, b  int64
		value []byte
	}
	read := func(q string) ([]plain, error) {
		rows, err := tx.query(q, entry)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []plain
		for rows.Next() {
			var p plain
			if err := rows.Scan(&p.a, &p.b, &p.value); err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, rows.Err()
	}
	rejects, err := read("SELECT batch_id, row_no, row_values FROM batch_rejects WHERE sealed = 0 AND batch_id IN (SELECT id FROM batches WHERE entry_id = ?)")
	if err != nil {
		return err
	}
	requests, err := read("SELECT id, 0, changes FROM maintenance_requests WHERE sealed = 0 AND entry_id = ?")
	if err != nil {
		return err
	}
	if len(rejects)+len(requests) == 0 {
		return nil
	}
	keys := db.DataKeys()
	if keys == nil {
		return govdata.Errorf(govdata.ECONFLICT, govdata.MsgDataKeysNeeded)
	}
	for _, p := range rejects {
		sealed := keys.Seal(nil, p.value, (&loadTarget{batch: p.a}).rejectContext())
		if _, err := tx.exec("UPDATE batch_rejects SET sealed = 1, row_values = ? WHERE batch_id = ? AND row_no = ?", sealed, p.a, p.b); err != nil {
			return err
		}
	}
	for _, p := range requests {
		if _, err := tx.exec("UPDATE maintenance_requests SET sealed = 1, changes = ? WHERE id = ?", keys.Seal(nil, p.value, maintenanceContext(p.a)), p.a); err != nil {
			return err
		}
	}
	return nil
}

// resealOthers moves the sealed secrets of sources and the sealed changes
// of maintenance requests to the current key.
func (s *DatasetService) resealOthers(ctx context.Context, keys *datakey.Keyring, current []byte, max int) (int, error) {
	done := 0
	for _, q := range []struct {
		read, write string
		context     func(id int64) []byte
	}{
		{"SELECT entry_id, 0, secret FROM data_sources WHERE secret IS NOT NULL AND substr(secret, 1, 4) <> ? LIMIT ?",
			"UPDATE data_sources SET secret = ? WHERE entry_id = ? AND secret = ?", sourceContext},
		{"SELECT id, 0, changes FROM maintenance_requests WHERE sealed = 1 AND substr(changes, 1, 4) <> ? LIMIT ?",
			"UPDATE maintenance_requests SET changes = ? WHERE id = ? AND changes = ?", maintenanceContext},
	} {
		if done >= max {
			break
		}
		old, err := s.readSealed(ctx, q.read, current, max-done)
		if err != nil || len(old) == 0 {
			if err != nil {
				return done, err
			}
			continue
		}
		err = s.db.write(govdata.WithActor(ctx, govdata.SystemActor), func(tx *Tx) error {
			for _, o := range old {
				plain, err := keys.Open(nil, o.value, q.context(o.id))
				if err != nil {
					return fmt.Errorf("reseal %d: %w", o.id, err)
				}
				if _, err := tx.exec(q.write, keys.Seal(nil, plain, q.context(o.id)), o.id, o.value); err != nil {
					return err
				}
			}
			return tx.audit("dataset.reseal", "key", keys.Current(), map[string]any{"values": len(old)})
		})
		if err != nil {
			return done, s.db.internal("reseal", err)
		}
		done += len(old)
	}
	return done, nil
}
