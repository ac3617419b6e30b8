package notify_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/notify"
	"github.com/govdata/govdata/notify/notifytest"
)

func outgoing() *govdata.Outgoing {
	due := govdata.Date{Year: 2026, Month: 2, Day: 26}
	return &govdata.Outgoing{
		Delivery: govdata.Delivery{ID: 41, Channel: govdata.ChannelEmail, Target: "zhang.san@gaj.harbin.gov.cn", UserID: 7},
		Notification: govdata.Notification{ID: 9, Kind: govdata.NoticeReminder, Due: &due,
			Title: govdata.Text{ZH: "「张三的户籍信息」的“核实”将于 2026-02-26 到期", EN: `张三的户籍信息: "verify" is due on 2026-02-26`}},
		Username: "zhangsan",
	}
}

func TestMailerSendsChineseNotice(t *testing.T) {
	cert, pool := notifytest.Cert(t)
	for _, tc := range []struct {
		name             string
		tls              string
		cert             bool
		implicit, auth   bool
		username, passwd string
	}{
		{name: "relay without TLS", tls: notify.TLSNone},
		{name: "STARTTLS with login", tls: notify.TLSStartTLS, cert: true, auth: true, username: notifytest.Username, passwd: notifytest.Password},
		{name: "implicit TLS (465)", tls: notify.TLSImplicit, cert: true, implicit: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c *tls.Certificate
			if tc.cert {
				c = cert
			}
			srv := notifytest.Start(t, notifytest.Options{Cert: c, Implicit: tc.implicit, Auth: tc.auth})
			m := &notify.Mailer{Addr: srv.Addr, From: "noreply@data.harbin.gov.cn", TLS: tc.tls, Username: tc.username, Password: tc.passwd,
				TLSConfig: &tls.Config{RootCAs: pool}}
			if err := m.Check(); err != nil {
				t.Fatal(err)
			}
			if err := m.Send(context.Background(), outgoing()); err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("server received %d messages", len(msgs))
			}
			got := msgs[0]
			if got.From != "noreply@data.harbin.gov.cn" || got.To != "zhang.san@gaj.harbin.gov.cn" || got.User != tc.username {
				t.Fatalf("envelope from %q to %q user %q", got.From, got.To, got.User)
			}
			msg, err := mail.ReadMessage(bytes.NewReader(got.Data))
			if err != nil {
				t.Fatal(err)
			}
			subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil || !strings.HasPrefix(subject, "「张三的户籍信息」的“核实”将于 2026-02-26 到期 / ") {
				t.Fatalf("subject %q (%v)", subject, err)
			}
			if id := msg.Header.Get("Message-Id"); !strings.Contains(id, "govdata.delivery.41@") {
				t.Fatalf("Message-ID %q does not name the delivery", id)
			}
			raw, _ := io.ReadAll(msg.Body)
			body, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
			if err != nil {
				t.Fatalf("body is not base64 (%v): %q", err, raw)
			}
			for _, want := range []string{"将于 2026-02-26 到期", `"verify" is due`, "到期日 / Due: 2026-02-26", "请勿回复"} {
				if !strings.Contains(string(body), want) {
					t.Fatalf("body lacks %q:\n%s", want, body)
				}
			}
		})
	}
}

func TestMailerRefuses(t *testing.T) {
	cert, pool := notifytest.Cert(t)
	ctx := context.Background()
	t.Run("STARTTLS required but not offered", func(t *testing.T) {
		srv := notifytest.Start(t, notifytest.Options{})
		m := &notify.Mailer{Addr: srv.Addr, From: "noreply@data.gov.cn", TLS: notify.TLSStartTLS}
		if err := m.Send(ctx, outgoing()); err == nil || len(srv.Messages()) != 0 {
			t.Fatalf("sent in clear text to a server without STARTTLS: %v, %d messages", err, len(srv.Messages()))
		}
	})
	t.Run("certificate not trusted", func(t *testing.T) {
		srv := notifytest.Start(t, notifytest.Options{Cert: cert})
		m := &notify.Mailer{Addr: srv.Addr, From: "noreply@data.gov.cn"}
		if err := m.Send(ctx, outgoing()); err == nil || len(srv.Messages()) != 0 {
			t.Fatalf("sent to an untrusted server: %v", err)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		srv := notifytest.Start(t, notifytest.Options{Cert: cert, Auth: true})
		m := &notify.Mailer{Addr: srv.Addr, From: "noreply@data.gov.cn", Username: notifytest.Username, Password: "wrong", TLSConfig: &tls.Config{RootCAs: pool}}
		if err := m.Send(ctx, outgoing()); err == nil || len(srv.Messages()) != 0 {
			t.Fatalf("sent with a wrong password: %v", err)
		}
	})
	t.Run("nobody listening", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		m := &notify.Mailer{Addr: addr, From: "noreply@data.gov.cn", TLS: notify.TLSNone}
		if err := m.Send(ctx, outgoing()); err == nil {
			t.Fatal("no error without a server")
		}
	})
	for _, m := range []notify.Mailer{
		{Addr: "mail.gov.cn", From: "a@b.cn"},
		{Addr: "mail.gov.cn:99999", From: "a@b.cn"},
		{Addr: "mail.gov.cn:25", From: "not an address"},
		{Addr: "mail.gov.cn:25", From: "Admin <a@b.cn>"},
		{Addr: "mail.gov.cn:25", From: "a@b.cn", TLS: "ssl"},
	} {
		if err := m.Check(); err == nil {
			t.Errorf("Check accepted %+v", m)
		}
	}
}
