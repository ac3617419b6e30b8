package ckan

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
)

// Ids. CKAN keys packages, resources and organizations by UUID, and
// harvesters keep a remote package's id as the id of their copy: an id must
// never change, and must not clash with another site's when a provincial
// CKAN harvests several city platforms (CAT-4). So an id is a version-8
// UUID (RFC 9562, a layout of our own) that carries
//
//	bytes 0–5 and 7  the first bytes of SHA-256(SiteID): this deployment
//	byte 6           version 8 in the high nibble, the kind in the low one
//	bytes 8–15       the variant bits 10, then the database id (62 bits)
//
// so that it is stable, unique across sites, and read back without a
// lookup (package_show?id=…).

// Kinds of object an id names.
const (
	kindPackage byte = iota
	kindResource
	kindOrganization
	kindTag
)

type idSpace struct {
	site [7]byte
}

func newIDSpace(siteID string) idSpace {
	sum := sha256.Sum256([]byte("govdata ckan ids\x00" + siteID))
	var s idSpace
	copy(s.site[:], sum[:7])
	return s
}

// uuid returns the id of object n of a kind.
func (s idSpace) uuid(kind byte, n int64) string {
	var b [16]byte
	copy(b[0:6], s.site[0:6])
	b[6] = 0x80 | kind&0x0f
	b[7] = s.site[6]
	u := uint64(n) & (1<<62 - 1)
	for i := 15; i >= 8; i-- {
		b[i] = byte(u)
		u >>= 8
	}
	b[8] = 0x80 | b[8]&0x3f
	return format(b)
}

// parse reads back the number of an id this site made for the kind.
func (s idSpace) parse(kind byte, id string) (int64, bool) {
	raw, err := hex.DecodeString(strings.ReplaceAll(id, "-", ""))
	if err != nil || len(raw) != 16 || len(id) != 36 {
		return 0, false
	}
	if string(raw[0:6]) != string(s.site[0:6]) || raw[7] != s.site[6] ||
		raw[6] != 0x80|kind&0x0f || raw[8]&0xc0 != 0x80 {
		return 0, false
	}
	var u uint64
	for i := 8; i < 16; i++ {
		u = u<<8 | uint64(raw[i])
	}
	u &= 1<<62 - 1
	if u == 0 {
		return 0, false
	}
	return int64(u), true
}

// nameUUID returns a stable id for a named thing (a tag), in the same
// layout with a hash of the name for the number.
func (s idSpace) nameUUID(kind byte, name string) string {
	sum := sha256.Sum256([]byte(name))
	var n int64
	for _, c := range sum[:8] {
		n = n<<8 | int64(c)
	}
	return s.uuid(kind, n&(1<<62-1))
}

func format(b [16]byte) string {
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ckanName is what CKAN accepts as a package or organization name.
var ckanName = regexp.MustCompile(`^[a-z0-9_-]{2,100}$`)

// packageName is an entry's CKAN name: its resource code in lower case with
// "-" for "/" (301001-11330100mb1234567x000001). A resource code is never
// reused and names its provider by credit code, so the name is unique
// nationwide and reads back to the department (see findByName). An entry
// without a usable code is "entry-{id}".
func packageName(code string, id int64) string {
	n := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), "/", "-"))
	if ckanName.MatchString(n) {
		return n
	}
	return "entry-" + strconv.FormatInt(id, 10)
}

// creditCodeOfName returns the provider's credit code that a package name
// made by packageName carries, upper case as GB 32100 writes it.
func creditCodeOfName(name string) (string, bool) {
	_, back, ok := strings.Cut(name, "-")
	if !ok || len(back) < 18 {
		return "", false
	}
	return strings.ToUpper(back[:18]), true
}

// entryIDOfName reads the id out of an "entry-{id}" name.
func entryIDOfName(name string) (int64, bool) {
	s, ok := strings.CutPrefix(name, "entry-")
	if !ok {
		return 0, false
	}
	return positiveID(s)
}

// positiveID parses a database id written in decimal.
func positiveID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0 && strconv.FormatInt(n, 10) == s
}
