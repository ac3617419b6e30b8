package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/signing"
)

// Headers of a webhook request besides the signature headers of package
// signing.
const (
	HeaderDelivery = "X-Govdata-Delivery" // the delivery's id: the same on every retry
	HeaderKind     = "X-Govdata-Kind"     // the notification's kind
)

// WebhookPayload is the JSON body of a webhook request.
type WebhookPayload struct {
	DeliveryID   int64                `json:"delivery_id"`
	Notification govdata.Notification `json:"notification"`
	User         struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
	} `json:"user"`
}

// Webhooks posts notifications to webhooks. A 2xx answer is success;
// anything else, a redirect included (a receiver that moved is a
// configuration to fix, not to follow), is a failure to retry.
type Webhooks struct {
	Client *http.Client // nil: a client with a 15 s timeout
	Clock  govdata.Clock
}

// ErrStatus is a receiver's answer that was not 2xx.
type ErrStatus struct {
	Status int
	Body   string // the start of the answer
}

func (e *ErrStatus) Error() string {
	return fmt.Sprintf("webhook answered %d %s: %s", e.Status, http.StatusText(e.Status), e.Body)
}

var defaultClient = &http.Client{
	Timeout:       15 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// NewClient is a client as the default one, a 15 s timeout and no redirect
// followed, whose connections dial makes: govdata serve's refuses the
// addresses of this host (SSRF: the sysadmin chooses a webhook's URL).
// It uses no proxy, so that dial judges the receiver's own address.
func NewClient(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext, t.Proxy = dial, nil
	return &http.Client{Timeout: defaultClient.Timeout, Transport: t, CheckRedirect: defaultClient.CheckRedirect}
}

// Send posts one notification, signed with the webhook's secret, and
// returns the HTTP status (0 when there was no answer).
func (h *Webhooks) Send(ctx context.Context, o *govdata.Outgoing) (int, error) {
	var p WebhookPayload
	p.DeliveryID, p.Notification = o.ID, o.Notification
	p.User.ID, p.User.Username = o.UserID, o.Username
	body, err := json.Marshal(p)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.Target, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "govdata-webhook/1")
	req.Header.Set(HeaderDelivery, strconv.FormatInt(o.ID, 10))
	req.Header.Set(HeaderKind, o.Notification.Kind)
	clock := h.Clock
	if clock == nil {
		clock = govdata.SystemClock{}
	}
	if err := signing.SignRequest(req, govdata.WebhookAppKey(o.WebhookID), o.Secret, "", clock.Now(), ""); err != nil {
		return 0, fmt.Errorf("webhook: %w", err)
	}
	client := h.Client
	if client == nil {
		client = defaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // the cause, without the URL repeated
		}
		return 0, fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	start, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16)) // let the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, &ErrStatus{Status: resp.StatusCode, Body: string(start)}
	}
	return resp.StatusCode, nil
}
