package sqlstore

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// deriveSecret returns HMAC-SHA256(master key, "govdata/PURPOSE/v1" ‖ key ‖
// salt). Secrets of credentials and webhooks are derived, never stored: the
// master key lives outside the database, so a dump of the database reveals
// no usable secret (ORG-5); rotating draws a new salt.
func (db *DB) deriveSecret(purpose, key string, salt []byte) string {
	m := hmac.New(sha256.New, db.opts.MasterKey)
	m.Write([]byte("govdata/" + purpose + "/v1\x00" + key + "\x00"))
	m.Write(salt)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (db *DB) needMasterKey() error {
	if len(db.opts.MasterKey) < 32 {
		return fmt.Errorf("sqlstore: no master key configured (at least 32 bytes)")
	}
	return nil
}

func newSalt() []byte {
	b := make([]byte, 16)
	rand.Read(b)
	return b
}
