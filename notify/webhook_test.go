package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/notify"
	"github.com/govdata/govdata/signing"
)

func TestWebhookSignedPost(t *testing.T) {
	secret := []byte("derived-webhook-secret")
	var got notify.WebhookPayload
	var headers http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := signing.VerifyRequest(r, secret, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		headers = r.Header
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	o := outgoing()
	o.Channel, o.WebhookID, o.Target, o.Secret = govdata.ChannelWebhook, 3, srv.URL+"/hooks/govdata", secret
	status, err := (&notify.Webhooks{}).Send(context.Background(), o)
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("send: %d, %v", status, err)
	}
	if got.DeliveryID != 41 || got.Notification.Title.ZH != o.Notification.Title.ZH || got.Notification.Due.String() != "2026-02-26" ||
		got.User.ID != 7 || got.User.Username != "zhangsan" {
		t.Fatalf("payload: %+v", got)
	}
	if headers.Get(notify.HeaderDelivery) != "41" || headers.Get(notify.HeaderKind) != "reminder" || headers.Get(signing.HeaderAppKey) != "govdata-webhook-3" {
		t.Fatalf("headers: %v", headers)
	}

	// A receiver holding another secret refuses it, and the sender reports that.
	o.Secret = []byte("an old secret")
	status, err = (&notify.Webhooks{}).Send(context.Background(), o)
	var es *notify.ErrStatus
	if status != http.StatusUnauthorized || !errors.As(err, &es) || !strings.Contains(es.Body, "signature") {
		t.Fatalf("wrong secret: %d, %v", status, err)
	}
}

func TestWebhookFailures(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("出错了", 500)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/slow":
			time.Sleep(300 * time.Millisecond)
		default:
			http.Error(w, long, http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	send := func(h *notify.Webhooks, path string) (int, error) {
		o := outgoing()
		o.Channel, o.WebhookID, o.Target, o.Secret = govdata.ChannelWebhook, 1, srv.URL+path, []byte("k")
		return h.Send(ctx, o)
	}
	if status, err := send(&notify.Webhooks{}, "/broken"); status != 500 || err == nil || len(err.Error()) > 400 {
		t.Fatalf("500: %d, %v", status, err)
	}
	// A redirect is not followed: the configuration needs fixing.
	if status, err := send(&notify.Webhooks{}, "/moved"); status != http.StatusFound || err == nil {
		t.Fatalf("redirect: %d, %v", status, err)
	}
	if status, err := send(&notify.Webhooks{Client: &http.Client{Timeout: 50 * time.Millisecond}}, "/slow"); status != 0 || err == nil || strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("timeout: %d, %v", status, err)
	}
}
