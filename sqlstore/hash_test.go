package sqlstore_test

import (
	"hash"

	"github.com/emmansun/gmsm/sm3"
)

func newSM3() hash.Hash { return sm3.New() }
