package govdata

import (
	"context"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// A notification always lands in the in-app inbox; a deployment may also
// send it out (CAL-3): by e-mail to a user who has an address, when SMTP is
// configured, and to every active webhook that subscribes to its kind. Each
// copy that leaves is a Delivery in an outbox written in the same
// transaction as the notification, so nothing acknowledged is lost; a
// worker sends due deliveries, retries failures with back-off and records
// every attempt (the delivery log).

// Channel is a way a notification leaves the platform.
type Channel string

// Delivery channels.
const (
	ChannelEmail   Channel = "email"
	ChannelWebhook Channel = "webhook"
)

// DeliveryState is where a delivery stands.
type DeliveryState string

// Delivery states: pending until sent, or failed after MaxDeliveryAttempts.
const (
	DeliveryPending DeliveryState = "pending"
	DeliverySent    DeliveryState = "sent"
	DeliveryFailed  DeliveryState = "failed"
)

// MaxDeliveryAttempts is how often a delivery is tried before it is marked
// failed: with DeliveryBackoff the last try comes about 20 hours after the
// first, so a receiver that is down overnight still gets its messages.
const MaxDeliveryAttempts = 14

// DeliveryBackoff is the wait after the n-th failed attempt (n ≥ 1):
// 30 s doubling each time, at most 4 hours.
func DeliveryBackoff(n int) time.Duration {
	const first, most = 30 * time.Second, 4 * time.Hour
	if n < 1 {
		n = 1
	}
	if n > 20 {
		return most
	}
	return min(first<<(n-1), most)
}

// Webhook is a receiver of notifications: an HTTP(S) endpoint of a
// department's own system (an OA system, a messenger bot) that gets each
// notification as a signed POST.
type Webhook struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
	// Kinds are the notification kinds it receives; empty means all.
	Kinds     []string  `json:"kinds"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// WebhookInput creates a webhook.
type WebhookInput struct {
	Name  string   `json:"name"`
	URL   string   `json:"url"`
	Kinds []string `json:"kinds,omitempty"`
}

// WebhookPatch changes the fields that are set; Active false stops new
// deliveries to it (its log stays).
type WebhookPatch struct {
	Name   *string   `json:"name,omitempty"`
	URL    *string   `json:"url,omitempty"`
	Kinds  *[]string `json:"kinds,omitempty"`
	Active *bool     `json:"active,omitempty"`
}

// IssuedWebhook carries the signing secret, shown once at creation and at
// each rotation. Requests are signed as by package signing, with app key
// WebhookAppKey(id), so a receiver verifies them as govdata verifies its
// own callers.
type IssuedWebhook struct {
	Webhook
	AppKey string `json:"app_key"`
	Secret string `json:"secret"`
}

// WebhookAppKey is the X-App-Key of the requests to webhook id.
func WebhookAppKey(id int64) string { return "govdata-webhook-" + strconv.FormatInt(id, 10) }

// Delivery is one copy of a notification sent out on one channel.
type Delivery struct {
	ID             int64         `json:"id"`
	NotificationID int64         `json:"notification_id"`
	Channel        Channel       `json:"channel"`
	WebhookID      int64         `json:"webhook_id,omitempty"`
	UserID         int64         `json:"user_id"`
	Target         string        `json:"target"` // the address or URL at the time it was queued
	State          DeliveryState `json:"state"`
	Attempts       int           `json:"attempts"`
	NextAt         *time.Time    `json:"next_at,omitempty"` // when pending
	LastError      string        `json:"last_error,omitempty"`
	SentAt         *time.Time    `json:"sent_at,omitempty"`
	CreatedAt      time.Time     `json:"created_at"`
	// Log is every attempt, oldest first (only on a single delivery).
	Log []DeliveryAttempt `json:"log,omitempty"`
}

// DeliveryAttempt is one try to send a delivery.
type DeliveryAttempt struct {
	At         time.Time `json:"at"`
	OK         bool      `json:"ok"`
	Status     int       `json:"status,omitempty"` // HTTP status of a webhook's answer
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
}

// DeliveryFilter narrows the delivery log.
type DeliveryFilter struct {
	Channel   Channel
	State     DeliveryState
	WebhookID int64
	Page
}

// Outgoing is a claimed delivery with what the sender needs.
type Outgoing struct {
	Delivery
	Notification Notification
	Username     string
	// Secret signs a webhook request (derived; never stored).
	Secret []byte
}

// DeliveryService keeps webhooks and the outbox. Webhooks and the delivery
// log are the sysadmin's: each method below but the platform's two
// (ClaimDeliveries, RecordAttempt) refuses anyone else EFORBIDDEN.
type DeliveryService interface {
	// CreateWebhook subscribes a receiver; EINVALID naming the field.
	CreateWebhook(ctx context.Context, in WebhookInput) (*IssuedWebhook, error)
	// UpdateWebhook changes a webhook; EINVALID naming the field,
	// ENOTFOUND for no such webhook.
	UpdateWebhook(ctx context.Context, id int64, p WebhookPatch) (*Webhook, error)
	// RotateWebhookSecret issues a new secret; the old one stops at once.
	// ENOTFOUND for no such webhook.
	RotateWebhookSecret(ctx context.Context, id int64) (*IssuedWebhook, error)
	// FindWebhookByID returns ENOTFOUND for no such webhook.
	FindWebhookByID(ctx context.Context, id int64) (*Webhook, error)
	// FindWebhooks lists webhooks by ID; EINVALID for a bad cursor.
	FindWebhooks(ctx context.Context, p Page) (List[*Webhook], error)

	// FindDeliveries lists the delivery log, newest first; EINVALID for a
	// bad cursor.
	FindDeliveries(ctx context.Context, f DeliveryFilter) (List[*Delivery], error)
	// FindDeliveryByID returns a delivery with its attempts; ENOTFOUND for
	// no such delivery.
	FindDeliveryByID(ctx context.Context, id int64) (*Delivery, error)
	// RetryDelivery makes a failed delivery pending again, due now, with a
	// fresh count of attempts; ENOTFOUND for no such delivery, ECONFLICT
	// unless it failed.
	RetryDelivery(ctx context.Context, id int64) (*Delivery, error)

	// ClaimDeliveries takes up to limit due pending deliveries for lease
	// (platform only: EFORBIDDEN otherwise): they are not handed out again
	// until the lease ends, so a sender that dies mid-send is replaced, and
	// each delivery is sent at least once.
	ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]*Outgoing, error)
	// RecordAttempt records one attempt (platform only: EFORBIDDEN
	// otherwise): sent, due again after DeliveryBackoff, or failed after
	// MaxDeliveryAttempts; ENOTFOUND for no such delivery.
	RecordAttempt(ctx context.Context, id int64, at DeliveryAttempt) error
}

// Messages of webhooks and deliveries.
var (
	MsgWebhookURL        = Msg{"须为 http 或 https 地址，不含用户名、密码或片段", "must be an http or https URL without user, password or fragment"}
	MsgWebhookKind       = Msg{"未知的通知类型：%s", "unknown notification kind: %s"}
	MsgWebhookNotFound   = Msg{"Webhook 不存在", "webhook not found"}
	MsgDeliveryNotFound  = Msg{"投递记录不存在", "delivery not found"}
	MsgDeliveryNotFailed = Msg{"只有失败的投递可以重试（当前状态：%s）", "only a failed delivery can be retried (state: %s)"}
	MsgEmailFormat       = Msg{"电子邮件地址格式不正确", "not a valid e-mail address"}
)

// ValidNoticeKind reports whether k has the shape of a notification kind:
// the deadline kinds above, or what a feature names ("catalog_revoked"):
// 1–64 lower-case letters, digits, dots or underscores, starting with a letter.
func ValidNoticeKind(k string) bool {
	if len(k) == 0 || len(k) > 64 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

// ValidateWebhook checks a webhook's name, URL and kinds.
func ValidateWebhook(fe *FieldErrors, name, rawURL *string, kinds *[]string) {
	if name != nil {
		checkName(fe, "name", *name, 100)
	}
	if rawURL != nil {
		u, err := url.Parse(*rawURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" || len(*rawURL) > 2000 {
			fe.Add("url", MsgWebhookURL)
		}
	}
	if kinds != nil {
		for _, k := range *kinds {
			if !ValidNoticeKind(k) {
				fe.Add("kinds", MsgWebhookKind, k)
			}
		}
	}
}

// CheckEmail records on field whether s is a bare e-mail address
// ("name@example.gov.cn"); empty means none.
func CheckEmail(fe *FieldErrors, field, s string) {
	if s == "" {
		return
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || len(s) > 254 || strings.ContainsAny(s, " \r\n") {
		fe.Add(field, MsgEmailFormat)
	}
}
