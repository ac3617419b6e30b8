package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache keeps prepared statements of SQLite's connections by their
// text. The pure-Go driver parses every query it is given anew, and for
// the short queries of a request parsing costs more than running them (a
// data-service call spent a third of its time there). PostgreSQL's driver
// caches prepared statements itself, so the cache serves SQLite only.
type stmtCache struct {
	pool *sql.DB
	mu   sync.Mutex
	m    map[string]*sql.Stmt
	// deferred: the pool's one connection is held by the transaction that
	// asks, so statements are prepared later, between transactions
	// (preparePending), and run unprepared until then.
	deferred bool
	pending  map[string]bool
}

// maxCachedStmts bounds the cache: queries built from a request's filters
// vary, and those past the bound are simply prepared each time.
const maxCachedStmts = 2000

func newStmtCache(pool *sql.DB, deferred bool) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}, deferred: deferred, pending: map[string]bool{}}
}

// get returns the prepared statement of query, or nil when the cache is
// full or the statement cannot be prepared (the caller then runs the
// query unprepared and meets the error there).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m)+len(c.pending) >= maxCachedStmts {
		return nil
	}
	if c.deferred {
		c.pending[query] = true
		return nil
	}
	st, err := c.pool.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	c.m[query] = st
	return st
}

// preparePending prepares the statements asked for since the last call;
// one that fails is not asked for again.
func (c *stmtCache) preparePending(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for query := range c.pending {
		delete(c.pending, query)
		if st, err := c.pool.PrepareContext(ctx, query); err == nil {
			c.m[query] = st
		}
	}
}

func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for _, st := range c.m {
		err = errors.Join(err, st.Close())
	}
	c.m = nil
	return err
}
