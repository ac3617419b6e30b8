// Package client is a small Go client for govdata's data service, for the
// business systems of departments that hold a system credential (ORG-5).
// It signs every request as package signing describes, with the current
// time and a fresh random nonce, so callers never handle the scheme.
//
//	c := client.New("https://govdata.example.gov.cn", appKey, secret)
//	var me struct{ AppKey string `json:"app_key"` }
//	err := c.GetJSON(ctx, "/api/v1/services/whoami", nil, &me)
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govdata/govdata/signing"
)

// Client calls govdata as one system credential. It is safe for concurrent
// use: each call signs its own request.
type Client struct {
	baseURL    string
	appKey     string
	secret     []byte
	signMethod string
	httpClient *http.Client
	now        func() time.Time
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests through hc instead of http.DefaultClient,
// for timeouts, proxies or TLS settings.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.httpClient = hc }
}

// WithSignMethod selects the signing method, signing.MethodSHA256 (the
// default) or signing.MethodSM3. An unknown name makes every call fail.
func WithSignMethod(method string) Option {
	return func(c *Client) { c.signMethod = method }
}

// WithSM3 signs with HMAC-SM3, for deployments that must use the national
// cryptographic algorithms; it is WithSignMethod(signing.MethodSM3).
func WithSM3() Option { return WithSignMethod(signing.MethodSM3) }

// WithClock replaces time.Now as the source of X-Timestamp, so tests can
// sign at a chosen instant.
func WithClock(now func() time.Time) Option {
	return func(c *Client) { c.now = now }
}

// New returns a client for the govdata server at baseURL (scheme, host and
// an optional path prefix, e.g. "https://govdata.example.gov.cn" or
// "http://10.0.0.5/govdata") that signs as appKey with secret, the secret
// string exactly as issued.
func New(baseURL, appKey, secret string, opts ...Option) *Client {
	c := &Client{
		// The path given to Do starts with '/', so a trailing one here
		// would make "//" and change the signed path.
		baseURL:    strings.TrimRight(baseURL, "/"),
		appKey:     appKey,
		secret:     []byte(secret),
		signMethod: signing.MethodSHA256,
		httpClient: http.DefaultClient,
		now:        time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Do sends a signed request and returns the response whatever its status;
// the caller closes its body. path is the path below the base URL as it
// appears in a URL, e.g. "/api/v1/services/whoami", percent-encoded where a
// segment needs it; it must not carry a query. query is sent in its
// url.Values.Encode form (a space as '+', which the server reads back as a
// space); the signature covers its canonical form. A non-nil body is sent
// as application/json.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body []byte) (*http.Response, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("client: path %q must start with '/'", path)
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("client: path %q must not contain a query or fragment; pass query instead", path)
	}
	target := c.baseURL + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// A fresh nonce each call: the server refuses a nonce it has seen
	// within the window, so retrying means signing again, which Do does.
	if err := signing.SignRequest(req, c.appKey, c.secret, c.signMethod, c.now(), ""); err != nil {
		return nil, fmt.Errorf("client: sign %s %s: %w", method, path, err)
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w", method, path, err)
	}
	return resp, nil
}

// GetJSON sends a signed GET and decodes a 2xx JSON response into out (nil
// discards it). Any other status returns an *Error decoded from govdata's
// error envelope.
func (c *Client) GetJSON(ctx context.Context, path string, query url.Values, out any) error {
	resp, err := c.Do(ctx, http.MethodGet, path, query, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errorFrom(resp)
	}
	if out == nil {
		// Drain so the connection can be reused.
		io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("client: decode %s: %w", path, err)
	}
	return nil
}

// Error is a govdata error response: the HTTP status and the envelope
// {"error": {"code", "message", "fields"}} of PRODUCT.md §4.
type Error struct {
	// Status is the HTTP status code, e.g. 401.
	Status int
	// Code is the govdata error code: invalid, not_found, conflict,
	// unauthorized, forbidden, too_many_requests or internal; empty when
	// the response carried no envelope (e.g. a proxy's error page).
	Code string
	// Message is safe to show to a user, in the language the server chose.
	Message string
	// Fields holds per-field messages of an invalid input.
	Fields map[string]string
}

// Error implements error.
func (e *Error) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "govdata: %d", e.Status)
	if e.Code != "" {
		sb.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		sb.WriteString(": " + e.Message)
	}
	for k, v := range e.Fields {
		sb.WriteString("; " + k + ": " + v)
	}
	return sb.String()
}

// IsCode reports whether err is an *Error with the given govdata code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// maxErrorBody bounds how much of an error response is read: enough for
// any envelope, and a misbehaving server cannot make the client buffer more.
const maxErrorBody = 1 << 20

// errorFrom builds an *Error from a non-2xx response.
func errorFrom(resp *http.Response) *Error {
	e := &Error{Status: resp.StatusCode}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var env struct {
		Error *struct {
			Code    string                     `json:"code"`
			Message string                     `json:"message"`
			Fields  map[string]json.RawMessage `json:"fields"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &env) != nil || env.Error == nil {
		// Not an envelope (a proxy, a load balancer): keep what helps.
		e.Message = strings.TrimSpace(string(raw))
		if len(e.Message) > 200 {
			cut := 200
			for cut > 0 && !utf8.RuneStart(e.Message[cut]) {
				cut-- // do not split a Chinese character
			}
			e.Message = e.Message[:cut] + "…"
		}
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
		return e
	}
	e.Code, e.Message = env.Error.Code, env.Error.Message
	for k, v := range env.Error.Fields {
		if e.Fields == nil {
			e.Fields = map[string]string{}
		}
		// Field messages are strings today; anything else is kept as
		// its JSON rather than lost.
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		e.Fields[k] = s
	}
	return e
}
