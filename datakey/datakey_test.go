package datakey_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/govdata/govdata/datakey"
)

var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func mustKeyring(t testing.TB, f datakey.File) *datakey.Keyring {
	t.Helper()
	k, err := datakey.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustNew(t testing.TB, alg string) datakey.File {
	t.Helper()
	f, err := datakey.New(alg, now)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSealOpen(t *testing.T) {
	for _, alg := range []string{datakey.SM4GCM, datakey.AESGCM} {
		t.Run(alg, func(t *testing.T) {
			k := mustKeyring(t, mustNew(t, alg))
			ctx := []byte("entry/7/公民身份号码")
			plain := []byte("11010519491231002X")
			a := k.Seal(nil, plain, ctx)
			b := k.Seal(nil, plain, ctx)
			if bytes.Equal(a, b) {
				t.Error("two seals of one value are equal: the nonce is not fresh")
			}
			if bytes.Contains(a, plain) {
				t.Error("the sealed value holds the plaintext")
			}
			if datakey.Version(a) != 1 {
				t.Errorf("version %d, want 1", datakey.Version(a))
			}
			got, err := k.Open(nil, a, ctx)
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("open: %q, %v", got, err)
			}
			if _, err := k.Open(nil, a, []byte("entry/7/姓名")); !errors.Is(err, datakey.ErrOpen) {
				t.Errorf("opened in another column: %v", err)
			}
			bad := bytes.Clone(a)
			bad[len(bad)-1] ^= 1
			if _, err := k.Open(nil, bad, ctx); !errors.Is(err, datakey.ErrOpen) {
				t.Errorf("opened an altered value: %v", err)
			}
			if _, err := k.Open(nil, []byte("short"), ctx); !errors.Is(err, datakey.ErrOpen) {
				t.Errorf("opened a short value: %v", err)
			}
			other := mustKeyring(t, mustNew(t, alg))
			if _, err := other.Open(nil, a, ctx); !errors.Is(err, datakey.ErrOpen) {
				t.Errorf("another key file opened the value: %v", err)
			}
		})
	}
}

func TestRotate(t *testing.T) {
	f1 := mustNew(t, datakey.SM4GCM)
	k1 := mustKeyring(t, f1)
	ctx := []byte("c")
	old := k1.Seal(nil, []byte("v"), ctx)
	f2, err := f1.Rotate(datakey.AESGCM, now)
	if err != nil {
		t.Fatal(err)
	}
	k2 := mustKeyring(t, f2)
	if k2.Current() != 2 {
		t.Fatalf("current %d, want 2", k2.Current())
	}
	if got, err := k2.Open(nil, old, ctx); err != nil || string(got) != "v" {
		t.Fatalf("old value after rotation: %q, %v", got, err)
	}
	fresh := k2.Seal(nil, []byte("v"), ctx)
	if datakey.Version(fresh) != 2 {
		t.Errorf("new value sealed with %d", datakey.Version(fresh))
	}
	if _, err := k1.Open(nil, fresh, ctx); !errors.Is(err, datakey.ErrUnknownVersion) {
		t.Errorf("old keyring opening a new value: %v", err)
	}
	// The blind index does not rotate: lookups keep finding old rows.
	if !bytes.Equal(k1.Index(nil, ctx, "v"), k2.Index(nil, ctx, "v")) {
		t.Error("the blind index changed with the data key")
	}
}

func TestIndex(t *testing.T) {
	k := mustKeyring(t, mustNew(t, datakey.SM4GCM))
	a := k.Index(nil, []byte("c1"), "110105194912310021")
	if len(a) != datakey.IndexSize {
		t.Fatalf("index of %d bytes", len(a))
	}
	if !bytes.Equal(a, k.Index(nil, []byte("c1"), "110105194912310021")) {
		t.Error("equal values, different indexes")
	}
	if bytes.Equal(a, k.Index(nil, []byte("c1"), "11010519491231002X")) {
		t.Error("different values, equal indexes")
	}
	if bytes.Equal(a, k.Index(nil, []byte("c2"), "110105194912310021")) {
		t.Error("one value in two columns, equal indexes: columns could be joined")
	}
	other := mustKeyring(t, mustNew(t, datakey.SM4GCM))
	if bytes.Equal(a, other.Index(nil, []byte("c1"), "110105194912310021")) {
		t.Error("another index key gives the same index")
	}
}

func TestBadFiles(t *testing.T) {
	good := mustNew(t, datakey.SM4GCM)
	for name, f := range map[string]func(f *datakey.File){
		"no index key":     func(f *datakey.File) { f.IndexKey = "" },
		"current unknown":  func(f *datakey.File) { f.Current = 9 },
		"short key":        func(f *datakey.File) { f.Keys[0].Secret = "00" },
		"not hex":          func(f *datakey.File) { f.Keys[0].Secret = "zz" },
		"algorithm":        func(f *datakey.File) { f.Keys[0].Algorithm = "des" },
		"repeated version": func(f *datakey.File) { f.Keys = append(f.Keys, f.Keys[0]) },
	} {
		t.Run(name, func(t *testing.T) {
			bad := good
			bad.Keys = append([]datakey.Key(nil), good.Keys...)
			f(&bad)
			if _, err := datakey.Open(bad); err == nil {
				t.Error("accepted")
			}
		})
	}
	if _, err := datakey.New("rot13", now); err == nil {
		t.Error("New accepted an unknown algorithm")
	}
}

func TestWriteLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.keys")
	f := mustNew(t, datakey.SM4GCM)
	if err := datakey.Write(path, f); err != nil {
		t.Fatal(err)
	}
	t.Setenv(datakey.EnvName, "")
	k, err := datakey.Load(path)
	if err != nil || k.Current() != 1 {
		t.Fatalf("load: %v", err)
	}
	f2, _ := f.Rotate(datakey.SM4GCM, now)
	if err := datakey.Write(path, f2); err != nil {
		t.Fatal(err)
	}
	if k, err := datakey.Load(path); err != nil || k.Current() != 2 {
		t.Fatalf("load after rotation: %v", err)
	}
}

func BenchmarkSeal(b *testing.B) {
	for _, alg := range []string{datakey.SM4GCM, datakey.AESGCM} {
		b.Run(alg, func(b *testing.B) {
			k := mustKeyring(b, mustNew(b, alg))
			buf := make([]byte, 0, 64)
			plain := []byte("11010519491231002X")
			for b.Loop() {
				buf = k.Seal(buf[:0], plain, []byte("entry/7/c3"))
			}
		})
	}
}

func BenchmarkIndex(b *testing.B) {
	k := mustKeyring(b, mustNew(b, datakey.SM4GCM))
	buf := make([]byte, 0, 32)
	for b.Loop() {
		buf = k.Index(buf[:0], []byte("entry/7/c3"), "11010519491231002X")
	}
}
