package sqlstore

import (
	"context"
	"fmt"
)

// RemigrateForTest takes the schema down to version and up again, with
// the rows it holds, so that a test can prove a migration keeps them.
// Test-only.
func (db *DB) RemigrateForTest(ctx context.Context, version int64) error {
	p, err := db.migrations()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("down to %d: %w", version, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("up: %w", err)
	}
	return nil
}
