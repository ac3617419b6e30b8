package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/govdata/govdata"
)

// SSRF: the webhooks govdata serve posts to may not reach this host — a
// sysadmin's webhook to 127.0.0.1, ::1 or the host's own address would
// POST to a local service's path of its choosing and show the start of
// the answer in the delivery log — nor a metadata service; without a
// source deny list (development) they may.
func TestWebhooksDenyThisHost(t *testing.T) {
	var reached atomic.Int64
	receiver := func(t *testing.T, network, addr string) string {
		ln, err := net.Listen(network, addr)
		if err != nil {
			t.Skip(err)
		}
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached.Add(1)
			http.Error(w, "local admin API: secret-ish answer", http.StatusBadRequest)
		}))
		srv.Listener = ln
		srv.Start()
		t.Cleanup(srv.Close)
		return srv.URL
	}
	urls := []string{receiver(t, "tcp4", "127.0.0.1:0") + "/actuator/shutdown"}
	if u, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		u.Close()
		urls = append(urls, receiver(t, "tcp6", "[::1]:0")+"/v1/agent/leave")
	}
	urls = append(urls, "http://169.254.169.254/latest/meta-data/", "http://100.100.100.200/latest/meta-data/")
	send := func(c *config, target string) (int, error) {
		o := &govdata.Outgoing{Delivery: govdata.Delivery{ID: 1, Channel: govdata.ChannelWebhook, WebhookID: 1, Target: target},
			Notification: govdata.Notification{ID: 1, Kind: govdata.NoticeSecurity, Title: govdata.Text{ZH: "测试", EN: "test"}}, Secret: []byte("s")}
		return c.webhooks().Send(context.Background(), o)
	}
	c := newConfig("serve")
	if err := c.parse(nil); err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		status, err := send(c, u)
		if status != 0 || err == nil || !strings.Contains(err.Error(), "is not one a source may reach") {
			t.Errorf("%s: %d %v, want refused as this host's or a metadata address", u, status, err)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Fatalf("webhooks reached this host %d times", n)
	}
	// --source-deny "": development, anything goes.
	if err := c.parse([]string{"--source-deny", ""}); err != nil {
		t.Fatal(err)
	}
	if status, _ := send(c, urls[0]); status != http.StatusBadRequest || reached.Load() != 1 {
		t.Errorf("without a deny list: %d, reached %d times", status, reached.Load())
	}
}
