// Package signing implements the request-signing scheme of system
// credentials (ORG-5): a department's business system signs each
// data-service call with its app key and secret, and the server re-derives
// the string to sign from the request it received and checks the signature.
//
// A signed request carries four headers, and optionally a fifth:
//
//	X-App-Key      the credential's app key
//	X-Timestamp    the time of signing in Unix seconds (decimal digits)
//	X-Nonce        a value unique per app key within the replay window
//	X-Signature    lowercase hex of HMAC(secret, string to sign)
//	X-Sign-Method  HMAC-SHA256 (the default when absent) or HMAC-SM3
//
// The string to sign is six lines joined by "\n", with no trailing newline:
//
//	METHOD            e.g. GET, as sent
//	PATH              the request path as sent, still percent-encoded
//	CANONICAL_QUERY   see CanonicalQuery; empty when there is no query
//	BODY_SHA256       lowercase hex SHA-256 of the body (always SHA-256)
//	TIMESTAMP         the X-Timestamp header, as sent
//	NONCE             the X-Nonce header, as sent
//
// The HMAC key is the bytes of the secret string exactly as issued. A
// request whose timestamp is more than Window away from the server's clock,
// or whose nonce was already used, is refused.
//
// The package is pure: it knows nothing of credentials storage or HTTP
// routing, so the server middleware, the Go client and the tests share one
// definition of the rule.
package signing

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// The headers of a signed request.
const (
	HeaderAppKey    = "X-App-Key"
	HeaderTimestamp = "X-Timestamp"
	HeaderNonce     = "X-Nonce"
	HeaderSignature = "X-Signature"
	HeaderMethod    = "X-Sign-Method"
)

// The signing methods a client may name in X-Sign-Method. The names are
// matched exactly (case-sensitive); an absent or empty header means
// MethodSHA256.
const (
	MethodSHA256 = "HMAC-SHA256"
	// MethodSM3 is HMAC with the SM3 hash of GB/T 32905, for deployments
	// that must use the national (商用密码) algorithms.
	MethodSM3 = "HMAC-SM3"
)

// Window is how far a request's timestamp may lie from the server's clock,
// in either direction, and so how long a nonce must stay unique. The store
// keeps nonces for twice the window (a request stamped at T is acceptable
// from T-Window to T+Window), so a replay is refused whichever side of the
// server's "now" its timestamp lies.
const Window = 300 * time.Second

// MaxNonceLength bounds X-Nonce so a client cannot make the server store
// arbitrarily large nonces. 32 hex characters (128 random bits) is what the
// Go client sends.
const MaxNonceLength = 128

// Errors of this package; compare with errors.Is.
var (
	// ErrMalformedQuery: the raw query cannot be decoded (a bad %-escape,
	// a ';' separator, too many parameters). The server answers 400: the
	// request is malformed, not merely unauthenticated.
	ErrMalformedQuery = errors.New("signing: malformed query")
	// ErrUnknownMethod: X-Sign-Method names no supported method.
	ErrUnknownMethod = errors.New("signing: unknown signing method")
	// ErrBadTimestamp: X-Timestamp is not a decimal count of Unix seconds.
	ErrBadTimestamp = errors.New("signing: timestamp is not Unix seconds")
	// ErrTimestampWindow: X-Timestamp is more than Window from now.
	ErrTimestampWindow = errors.New("signing: timestamp outside the window")
	// ErrBadSignature is a request whose signature does not match.
	ErrBadSignature = errors.New("signing: signature does not match")
)

// CanonicalQuery returns the canonical form of a raw (still encoded) query
// string, as covered by the signature.
//
// The raw query is decoded with url.ParseQuery semantics, the same the
// server's handlers see through r.URL.Query(): pairs are separated by '&'
// (an empty pair is skipped), a pair without '=' has an empty value, only
// the first '=' separates name from value, and '+' decodes to a space — so
// a client that means a literal '+' must send %2B. Hex digits in escapes
// may be either case. Any decoding error (a malformed escape such as %zz,
// a ';' in the query, more parameters than net/url allows) is returned
// wrapped in ErrMalformedQuery, and the server answers 400.
//
// Every decoded name and value is then percent-encoded byte by byte as
// RFC 3986 asks: the unreserved characters A-Z a-z 0-9 - _ . ~ are left as
// they are, every other byte (of the UTF-8 encoding, or any byte at all when
// the input was not UTF-8) becomes %XX with uppercase hex. So "a b", "a+b"
// and "a%20b" all canonicalise to "a%20b", and 中 to %E4%B8%AD.
//
// The encoded pairs are sorted by encoded name, then by encoded value,
// comparing bytes (the order of sort.Strings; this is what `LC_ALL=C sort`
// gives a shell script), and joined as name=value with '&'. A query with no
// parameters gives "". Because repeated values are sorted, the signature
// does not cover the order in which a repeated parameter's values were sent.
func CanonicalQuery(rawQuery string) (string, error) {
	if rawQuery == "" {
		return "", nil
	}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrMalformedQuery, err)
	}
	pairs := make([][2]string, 0, len(values))
	for name, vs := range values {
		n := Escape(name)
		for _, v := range vs {
			pairs = append(pairs, [2]string{n, Escape(v)})
		}
	}
	// Sorting the encoded forms, not the decoded ones, lets any client
	// sort what it is about to sign without decoding it again.
	slices.SortFunc(pairs, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	var sb strings.Builder
	for i, p := range pairs {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(p[0])
		sb.WriteByte('=')
		sb.WriteString(p[1])
	}
	return sb.String(), nil
}

// Escape percent-encodes s as CanonicalQuery does: RFC 3986 unreserved
// characters as they are, every other byte as %XX in uppercase hex. It
// differs from url.QueryEscape, which writes a space as '+' and so cannot
// be used to build the canonical query.
func Escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(b)
}

// unreserved reports whether c is an RFC 3986 unreserved character.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// StringToSign joins the six parts of a request that the signature covers
// with "\n", without a trailing newline. method is the HTTP method as sent;
// escapedPath is the path as sent (on the server r.URL.EscapedPath(), never
// the decoded r.URL.Path, so that /a%2Fb and /a/b sign differently);
// canonicalQuery comes from CanonicalQuery; bodySHA256Hex from BodyHash;
// timestamp and nonce are the header values exactly as sent.
func StringToSign(method, escapedPath, canonicalQuery, bodySHA256Hex, timestamp, nonce string) string {
	return method + "\n" + escapedPath + "\n" + canonicalQuery + "\n" + bodySHA256Hex + "\n" + timestamp + "\n" + nonce
}

// hashFor returns the hash constructor of a signing method; "" is
// MethodSHA256 because the header is optional.
func hashFor(signMethod string) (func() hash.Hash, error) {
	switch signMethod {
	case "", MethodSHA256:
		return sha256.New, nil
	case MethodSM3:
		return sm3.New, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownMethod, signMethod)
}

// Sign returns the lowercase hex HMAC of stringToSign under secret with the
// hash that signMethod names ("" means MethodSHA256). It fails only with
// ErrUnknownMethod.
func Sign(signMethod string, secret []byte, stringToSign string) (string, error) {
	mac, err := mac(signMethod, secret, stringToSign)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(mac), nil
}

func mac(signMethod string, secret []byte, stringToSign string) ([]byte, error) {
	h, err := hashFor(signMethod)
	if err != nil {
		return nil, err
	}
	m := hmac.New(h, secret)
	io.WriteString(m, stringToSign)
	return m.Sum(nil), nil
}

// Verify reports whether signature is the hex HMAC of stringToSign under
// secret with signMethod. The comparison takes the same time wherever the
// signature differs, so timing reveals nothing of the right value. It is
// false for an unknown method and for a signature that is not hex. Senders
// write lowercase hex; uppercase is accepted because it denotes the same
// bytes, and nonces already make every signed request single-use.
func Verify(signMethod string, secret []byte, stringToSign, signature string) bool {
	want, err := mac(signMethod, secret, stringToSign)
	if err != nil {
		return false
	}
	got, err := hex.DecodeString(signature)
	if err != nil {
		return false
	}
	return hmac.Equal(got, want)
}

// BodyHash returns the lowercase hex SHA-256 of body. It is SHA-256 whatever
// the signing method, so a client computes it the same way for both; an
// empty or nil body gives the hash of the empty string,
// e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.
func BodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// CheckTimestamp parses an X-Timestamp value and checks that it lies within
// Window of now, either way (a client's clock may run ahead of the
// server's). It returns ErrBadTimestamp unless the value is 1 to 19 ASCII
// digits, and ErrTimestampWindow when it is too far from now.
func CheckTimestamp(timestamp string, now time.Time) error {
	// Digits only: no sign, no spaces, no fraction. strconv.ParseInt alone
	// would accept "+1700000000", a second spelling of the same instant.
	if timestamp == "" || len(timestamp) > 19 {
		return ErrBadTimestamp
	}
	for i := 0; i < len(timestamp); i++ {
		if timestamp[i] < '0' || timestamp[i] > '9' {
			return ErrBadTimestamp
		}
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrBadTimestamp
	}
	// Compare in seconds: converting to time.Time could overflow for
	// absurd values, and seconds are the resolution of the header.
	d := now.Unix() - sec
	if d > int64(Window/time.Second) || d < -int64(Window/time.Second) {
		return ErrTimestampWindow
	}
	return nil
}

// ValidNonce reports whether nonce is acceptable: 1 to MaxNonceLength
// visible ASCII characters (0x21–0x7E). The scheme only needs uniqueness;
// the bound keeps the nonce store small and the audit log readable.
func ValidNonce(nonce string) bool {
	if nonce == "" || len(nonce) > MaxNonceLength {
		return false
	}
	for i := 0; i < len(nonce); i++ {
		if nonce[i] < 0x21 || nonce[i] > 0x7e {
			return false
		}
	}
	return true
}

// NewNonce returns 128 random bits as 32 lowercase hex characters.
func NewNonce() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: crypto/rand crashes the program instead
	return hex.EncodeToString(b[:])
}

// SignRequest signs req as the credential appKey/secret at time now and sets
// the X-App-Key, X-Timestamp, X-Nonce, X-Sign-Method and X-Signature
// headers. signMethod "" means MethodSHA256; nonce "" draws a random one
// (NewNonce). The body is read to hash it and replaced by an identical
// in-memory body (GetBody and ContentLength too), so req can still be sent.
//
// The path signed is req.URL.EscapedPath() ("/" when empty), which is what
// http.Client writes on the wire; opaque URLs are refused because what they
// send is not a plain path. An error in the query (see CanonicalQuery) or an
// unknown method is returned before anything is changed.
func SignRequest(req *http.Request, appKey string, secret []byte, signMethod string, now time.Time, nonce string) error {
	if req.URL == nil {
		return errors.New("signing: request has no URL")
	}
	if req.URL.Opaque != "" {
		return errors.New("signing: opaque URLs cannot be signed")
	}
	if signMethod == "" {
		signMethod = MethodSHA256
	}
	if _, err := hashFor(signMethod); err != nil {
		return err
	}
	query, err := CanonicalQuery(req.URL.RawQuery)
	if err != nil {
		return err
	}
	body, err := rereadableBody(req)
	if err != nil {
		return err
	}
	path := req.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet // what http.Client sends for ""
	}
	if nonce == "" {
		nonce = NewNonce()
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	sig, err := Sign(signMethod, secret, StringToSign(method, path, query, BodyHash(body), ts, nonce))
	if err != nil {
		return err
	}
	req.Header.Set(HeaderAppKey, appKey)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderMethod, signMethod)
	req.Header.Set(HeaderSignature, sig)
	return nil
}

// VerifyRequest checks a signed request received with secret at time now:
// the timestamp lies within Window and the signature matches what the
// request carries. It is what a receiver of govdata's webhooks runs; keeping
// each nonce for 2×Window and refusing a repeat is left to the receiver. The
// body is read and replaced by an identical one, so the handler can still
// read it.
func VerifyRequest(req *http.Request, secret []byte, now time.Time) error {
	method := req.Header.Get(HeaderMethod)
	if method == "" {
		method = MethodSHA256
	}
	ts, nonce := req.Header.Get(HeaderTimestamp), req.Header.Get(HeaderNonce)
	if err := CheckTimestamp(ts, now); err != nil {
		return err
	}
	query, err := CanonicalQuery(req.URL.RawQuery)
	if err != nil {
		return err
	}
	body, err := rereadableBody(req)
	if err != nil {
		return err
	}
	if !ValidNonce(nonce) || !Verify(method, secret, StringToSign(req.Method, req.URL.EscapedPath(), query, BodyHash(body), ts, nonce), req.Header.Get(HeaderSignature)) {
		return ErrBadSignature
	}
	return nil
}

// rereadableBody reads req's body and puts back an identical one, so the
// request can still be sent or handled.
func rereadableBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("signing: read body: %w", err)
	}
	setBody(req, body)
	return body, nil
}

// setBody replaces req's body by an in-memory copy of body that can be read
// again (GetBody), as http.NewRequest does for a bytes.Reader.
func setBody(req *http.Request, body []byte) {
	req.ContentLength = int64(len(body))
	if len(body) == 0 {
		req.Body, req.GetBody = http.NoBody, func() (io.ReadCloser, error) { return http.NoBody, nil }
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
}
