// Package datakey seals the values of sensitive data items (SEC-2; HLJ-38,
// ZJ-27: items at sensitivity 3–4 stored encrypted): SM4-GCM by default or
// AES-256-GCM, each sealed value naming the key version that sealed it so
// that keys can be rotated while old values stay readable, and a keyed
// blind index that lets exact-match lookups find an encrypted value without
// decrypting a column.
//
// The keys live in a key file (or the GOVDATA_DATA_KEYS environment
// variable) outside the database: a dump of the database holds ciphertext
// and blind indexes only.
package datakey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// Algorithms.
const (
	SM4GCM = "sm4-gcm"     // GB/T 32907 block cipher in GCM: the default
	AESGCM = "aes-256-gcm" // selectable where a deployment prefers it
)

// nonceSize is GCM's standard 96-bit nonce, drawn at random per value.
const nonceSize = 12

// IndexSize is the length of a blind index: 128 bits of HMAC-SM3 make
// collisions between different values negligible.
const IndexSize = 16

// Key is one version of the data key, as the key file holds it.
type Key struct {
	Version   uint32    `json:"version"`
	Algorithm string    `json:"algorithm"`
	Secret    string    `json:"key"` // hex
	Created   time.Time `json:"created"`
}

// File is the key file: every version ever used (old ones open old values)
// and the blind-index key, which does not rotate (an index must match the
// same value for ever; it reveals equality only, never the value).
type File struct {
	Current  uint32 `json:"current"`
	IndexKey string `json:"index_key"` // hex, 32 bytes
	Keys     []Key  `json:"keys"`
}

// Keyring seals with the current key and opens with any known one. It is
// safe for concurrent use.
type Keyring struct {
	file    File
	current uint32
	aeads   map[uint32]cipher.AEAD
	index   []byte
	macs    sync.Pool
}

// ErrUnknownVersion: a sealed value names a key the keyring lacks.
var ErrUnknownVersion = errors.New("datakey: sealed with a key version this key file does not hold")

// ErrOpen: a sealed value does not open (altered, moved to another
// column, or not sealed by govdata).
var ErrOpen = errors.New("datakey: value does not open")

// New makes a key file with one fresh key of algorithm.
func New(algorithm string, now time.Time) (File, error) {
	k, err := newKey(1, algorithm, now)
	if err != nil {
		return File{}, err
	}
	return File{Current: 1, IndexKey: randomHex(32), Keys: []Key{k}}, nil
}

// Rotate adds a fresh key of algorithm and makes it current.
func (f File) Rotate(algorithm string, now time.Time) (File, error) {
	next := f.Current + 1
	for _, old := range f.Keys {
		next = max(next, old.Version+1)
	}
	k, err := newKey(next, algorithm, now)
	if err != nil {
		return File{}, err
	}
	f.Keys = append(slices.Clone(f.Keys), k)
	f.Current = k.Version
	return f, nil
}

func newKey(version uint32, algorithm string, now time.Time) (Key, error) {
	if algorithm != SM4GCM && algorithm != AESGCM {
		return Key{}, fmt.Errorf("datakey: algorithm %q: use %s or %s", algorithm, SM4GCM, AESGCM)
	}
	n := 16 // SM4's key is 128 bits
	if algorithm == AESGCM {
		n = 32
	}
	return Key{Version: version, Algorithm: algorithm, Secret: randomHex(n), Created: now.UTC()}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Parse reads a key file's content.
func Parse(data []byte) (*Keyring, error) {
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("datakey: key file: %w", err)
	}
	return Open(f)
}

// Open checks a key file and makes its keyring.
func Open(f File) (*Keyring, error) {
	idx, err := hex.DecodeString(f.IndexKey)
	if err != nil || len(idx) != 32 {
		return nil, errors.New("datakey: index_key must be 64 hex digits")
	}
	k := &Keyring{file: f, current: f.Current, aeads: map[uint32]cipher.AEAD{}, index: idx}
	for _, key := range f.Keys {
		secret, err := hex.DecodeString(key.Secret)
		if err != nil {
			return nil, fmt.Errorf("datakey: key %d: not hex", key.Version)
		}
		if _, dup := k.aeads[key.Version]; dup || key.Version == 0 {
			return nil, fmt.Errorf("datakey: key version %d is zero or repeated", key.Version)
		}
		var block cipher.Block
		switch {
		case key.Algorithm == SM4GCM && len(secret) == 16:
			block, err = sm4.NewCipher(secret)
		case key.Algorithm == AESGCM && len(secret) == 32:
			block, err = aes.NewCipher(secret)
		default:
			return nil, fmt.Errorf("datakey: key %d: algorithm %q with a %d-byte key", key.Version, key.Algorithm, len(secret))
		}
		if err != nil {
			return nil, fmt.Errorf("datakey: key %d: %w", key.Version, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("datakey: key %d: %w", key.Version, err)
		}
		k.aeads[key.Version] = aead
	}
	if k.aeads[f.Current] == nil {
		return nil, fmt.Errorf("datakey: current version %d is not among the keys", f.Current)
	}
	k.macs.New = func() any { return hmac.New(sm3.New, k.index) }
	return k, nil
}

// Current is the version new values are sealed with.
func (k *Keyring) Current() uint32 { return k.current }

// File is the key file this keyring was made from.
func (k *Keyring) File() File { return k.file }

// Seal encrypts plaintext bound to context (the column it belongs to, so a
// value copied into another column does not open there), appending to dst:
// version (4 bytes) ‖ nonce (12) ‖ ciphertext and tag.
func (k *Keyring) Seal(dst, plaintext, context []byte) []byte {
	aead := k.aeads[k.current]
	dst = binary.BigEndian.AppendUint32(dst, k.current)
	start := len(dst)
	dst = append(dst, make([]byte, nonceSize)...)
	rand.Read(dst[start:])
	return aead.Seal(dst, dst[start:start+nonceSize], plaintext, context)
}

// Version is the key version of a sealed value (0 if it is too short).
func Version(sealed []byte) uint32 {
	if len(sealed) < 4 {
		return 0
	}
	return binary.BigEndian.Uint32(sealed)
}

// Open decrypts a sealed value of context, appending to dst.
func (k *Keyring) Open(dst, sealed, context []byte) ([]byte, error) {
	if len(sealed) < 4+nonceSize {
		return nil, ErrOpen
	}
	aead := k.aeads[Version(sealed)]
	if aead == nil {
		return nil, ErrUnknownVersion
	}
	out, err := aead.Open(dst, sealed[4:4+nonceSize], sealed[4+nonceSize:], context)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// Index is the blind index of value in context: HMAC-SM3 under the index
// key, truncated to IndexSize, appended to dst. Equal values of one column
// have equal indexes; nothing else can be learnt from it without the key.
func (k *Keyring) Index(dst []byte, context []byte, value string) []byte {
	m := k.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(context)
	m.Write([]byte{0})
	m.Write([]byte(value))
	var sum [32]byte
	dst = append(dst, m.Sum(sum[:0])[:IndexSize]...)
	k.macs.Put(m)
	return dst
}

// Load reads the keyring from the environment variable GOVDATA_DATA_KEYS
// when it is set, else from path.
func Load(path string) (*Keyring, error) {
	if v := os.Getenv(EnvName); v != "" {
		return Parse([]byte(v))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datakey: %w", err)
	}
	return Parse(data)
}

// EnvName is the environment variable that may hold the key file's content.
const EnvName = "GOVDATA_DATA_KEYS"

// Write stores f at path (mode 0600), replacing any file there in one
// rename so that a reader never sees half a key file.
func Write(path string, f File) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("datakey: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".data-keys-*")
	if err != nil {
		return fmt.Errorf("datakey: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("datakey: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("datakey: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("datakey: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return fmt.Errorf("datakey: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}
