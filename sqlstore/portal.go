package sqlstore

import (
	"context"
	"database/sql"

	"github.com/govdata/govdata"
)

// The portal's server-side reads (OPN-1) over the open catalog's search
// table: the same "open" rows the open catalog answers.

var _ govdata.PortalPages = openCatalog{}

const portalOpenRows = "FROM catalog_search c JOIN catalog_entries e ON e.id = c.entry_id WHERE c.open AND c.status <> 'revoked'"

// OpenEntryByCode finds an open entry by its resource code.
func (o openCatalog) OpenEntryByCode(ctx context.Context, code string) (*govdata.Entry, error) {
	if !govdata.ValidResourceCode(code) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgEntryNotFound)
	}
	var id int64
	err := o.s.db.queryRow(ctx, "SELECT e.id "+portalOpenRows+" AND e.resource_code = ?", code).Scan(&id)
	if err == sql.ErrNoRows {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgEntryNotFound)
	}
	if err != nil {
		return nil, o.s.db.internal("open entry by code", err)
	}
	return o.s.findOpenEntry(ctx, id)
}

// OpenCodes lists the open entries' codes by id.
func (o openCatalog) OpenCodes(ctx context.Context, offset, limit int) ([]govdata.OpenCode, error) {
	rows, err := o.s.db.query(ctx, "SELECT e.id, e.resource_code, c.updated_at "+portalOpenRows+" ORDER BY e.id LIMIT ? OFFSET ?", limit, offset)
	if err != nil {
		return nil, o.s.db.internal("open codes", err)
	}
	defer rows.Close()
	var out []govdata.OpenCode
	for rows.Next() {
		var c govdata.OpenCode
		var updated int64
		if err := rows.Scan(&c.ID, &c.Code, &updated); err != nil {
			return nil, o.s.db.internal("open codes", err)
		}
		c.UpdatedAt = fromDB(updated)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, o.s.db.internal("open codes", err)
	}
	return out, nil
}

// CountOpenEntries counts the open entries.
func (o openCatalog) CountOpenEntries(ctx context.Context) (int, error) {
	var n int
	if err := o.s.db.queryRow(ctx, "SELECT COUNT(*) "+portalOpenRows).Scan(&n); err != nil {
		return 0, o.s.db.internal("count open entries", err)
	}
	return n, nil
}
