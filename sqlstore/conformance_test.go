package sqlstore_test

import (
	"testing"

	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestConformance runs the storage conformance suite on SQLite, and on
// PostgreSQL when GOVDATA_TEST_POSTGRES gives a server (CI always does).
// Run one part with e.g. go test -run 'TestConformance/Auth/postgres'.
func TestConformance(t *testing.T) { storetest.Run(t) }
