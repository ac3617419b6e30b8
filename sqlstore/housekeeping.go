package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// housekeeper does the store's upkeep away from requests: SQLite's WAL
// checkpoints and the expiry of spent nonces.
//
// SQLite checkpoints the WAL into the database itself by default, in the
// commit that finds the WAL past 1,000 pages; with readers at work the
// checkpoint cannot finish, so every later commit tried again — and every
// write queued behind it waited (a data-service call took three times as
// long). The writer's connection therefore never checkpoints; this
// connection does, concurrently with reads and writes (PASSIVE).
type housekeeper struct {
	db         *DB
	checkpoint *sql.DB // SQLite: its own connection; nil on PostgreSQL
	quit, done chan struct{}
}

// Housekeeping intervals.
const (
	checkpointEvery  = 500 * time.Millisecond
	nonceExpiryEvery = time.Minute
)

func startHousekeeping(db *DB, checkpoint *sql.DB) *housekeeper {
	h := &housekeeper{db: db, checkpoint: checkpoint, quit: make(chan struct{}), done: make(chan struct{})}
	go h.run()
	return h
}

func (h *housekeeper) run() {
	defer close(h.done)
	ckpt := time.NewTicker(checkpointEvery)
	defer ckpt.Stop()
	nonces := time.NewTicker(nonceExpiryEvery)
	defer nonces.Stop()
	for {
		select {
		case <-h.quit:
			return
		case <-ckpt.C:
			if err := h.checkpointWAL("PASSIVE"); err != nil {
				h.db.log.Warn("wal checkpoint", "err", err)
			}
		case <-nonces.C:
			err := h.db.write(context.Background(), func(tx *Tx) error {
				_, err := tx.exec("DELETE FROM credential_nonces WHERE expires_at < ?", toDB(tx.Now()))
				return err
			})
			if err != nil && !errors.Is(err, errClosed) {
				h.db.log.Warn("nonce expiry", "err", err)
			}
		}
	}
}

// checkpointWAL copies the WAL into the database (SQLite only).
func (h *housekeeper) checkpointWAL(mode string) error {
	if h.checkpoint == nil {
		return nil
	}
	var busy, frames, done int
	if err := h.checkpoint.QueryRow("PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("sqlstore: %s checkpoint: %w", mode, err)
	}
	return nil
}

// stop ends the loop; the final checkpoint runs after the last commit
// (close).
func (h *housekeeper) stop() {
	if h == nil {
		return
	}
	select {
	case <-h.quit:
	default:
		close(h.quit)
	}
	<-h.done
}

// close checkpoints everything and empties the WAL, then closes the
// checkpoint connection.
func (h *housekeeper) close() error {
	if h == nil || h.checkpoint == nil {
		return nil
	}
	return errors.Join(h.checkpointWAL("TRUNCATE"), h.checkpoint.Close())
}
