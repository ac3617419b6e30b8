package sqlstore

import (
	"time"

	"github.com/govdata/govdata"
)

// Base is what the store's services share, made once by NewBase and
// read-only after: the database (with its engine's dialect, the clock and
// the keys), the active regulation profile, and the deployment's time
// zone. A service that needs more than the database is built from a Base
// and the collaborators its constructor names, each as a narrow interface
// declared beside the service that uses it; a service that needs only the
// database takes the *DB. No service reads another's fields.
type Base struct {
	db      *DB
	profile *govdata.Profile
	loc     *time.Location
}

// NewBase returns the shared context of db's services under profile, with
// dates being days in loc (govdata.ChinaTime in a deployment).
func NewBase(db *DB, profile *govdata.Profile, loc *time.Location) Base {
	return Base{db: db, profile: profile, loc: loc}
}

// dateOf is the day t falls on in the deployment's time zone.
func (b Base) dateOf(t time.Time) govdata.Date { return govdata.DateOf(t.In(b.loc)) }

// today is the day it is now by the store's clock.
func (b Base) today() govdata.Date { return b.dateOf(b.db.clock.Now()) }
