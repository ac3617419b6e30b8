package govdata

import (
	"context"
	"time"
)

// PortalPages is what the public portal's server-side parts read (OPN-1):
// an open entry by the resource code its page is named by, for the page's
// own <title> and description, and the open entries' codes for the
// sitemap. The open catalog's store provides it beside OpenCatalog.
type PortalPages interface {
	// OpenEntryByCode returns the open entry with this resource code;
	// ENOTFOUND for any other code.
	OpenEntryByCode(ctx context.Context, code string) (*Entry, error)
	// OpenCodes lists the open entries by id, skipping offset and at most
	// limit of them.
	OpenCodes(ctx context.Context, offset, limit int) ([]OpenCode, error)
	// CountOpenEntries counts the open entries.
	CountOpenEntries(ctx context.Context) (int, error)
}

// OpenCode is an open entry in the sitemap: its page and when it changed.
type OpenCode struct {
	ID        int64
	Code      string
	UpdatedAt time.Time
}
