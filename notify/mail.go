package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/govdata/govdata"
)

// TLS modes of an SMTP server.
const (
	TLSStartTLS = "starttls" // plain connection upgraded by STARTTLS, which must succeed (port 587, 25)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: only for a relay on a trusted network
)

// Mailer sends notifications over SMTP.
type Mailer struct {
	Addr     string // host:port
	From     string // the sender address
	Username string // empty: no authentication
	Password string
	TLS      string // TLSStartTLS (default), TLSImplicit or TLSNone
	// TLSConfig overrides the TLS settings (a private CA); nil verifies the
	// server against the system's roots.
	TLSConfig *tls.Config
	Timeout   time.Duration // per connection; 0 means 30 s
}

// Check reports a configuration that cannot work, before anything is sent.
func (m *Mailer) Check() error {
	if _, _, err := m.hostPort(); err != nil {
		return err
	}
	var fe govdata.FieldErrors
	govdata.CheckEmail(&fe, "from", m.From)
	if m.From == "" || fe.Err() != nil {
		return fmt.Errorf("smtp: the sender address %q is not an e-mail address", m.From)
	}
	switch m.TLS {
	case "", TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return fmt.Errorf("smtp: TLS mode %q is none of starttls, tls, none", m.TLS)
	}
	return nil
}

func (m *Mailer) hostPort() (string, int, error) {
	host, p, err := net.SplitHostPort(m.Addr)
	port, perr := strconv.Atoi(p)
	if err != nil || perr != nil || host == "" || port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("smtp: address %q is not host:port", m.Addr)
	}
	return host, port, nil
}

// Send mails one notification to its delivery's address. The Message-ID
// names the delivery, so that a copy sent twice (a sender that died after
// the server took it) can be recognised as one.
func (m *Mailer) Send(ctx context.Context, o *govdata.Outgoing) error {
	return m.SendText(ctx, o.Target, o.Notification.Title.ZH+" / "+o.Notification.Title.EN, Text(o.Notification), fmt.Sprintf("delivery.%d", o.ID))
}

// SendText mails a plain-text message to one address; id names it in the
// Message-ID (govdata.<id>@host), so that a copy sent twice can be told.
func (m *Mailer) SendText(ctx context.Context, to, subject, body, id string) error {
	host, port, err := m.hostPort()
	if err != nil {
		return err
	}
	msg := mail.NewMsg(mail.WithEncoding(mail.EncodingB64), mail.WithCharset(mail.CharsetUTF8))
	if err := msg.From(m.From); err != nil {
		return fmt.Errorf("smtp: from: %w", err)
	}
	if err := msg.To(to); err != nil {
		return fmt.Errorf("smtp: to: %w", err)
	}
	msg.Subject(subject)
	msg.SetMessageIDWithValue(fmt.Sprintf("govdata.%s@%s", id, host))
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, body)

	timeout := m.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(timeout)}
	switch m.TLS {
	case TLSImplicit:
		opts = append(opts, mail.WithSSL())
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if m.TLSConfig != nil {
		tc := m.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = host
		}
		opts = append(opts, mail.WithTLSConfig(tc))
	}
	if m.Username != "" {
		// The strongest mechanism the server offers (SCRAM, CRAM-MD5,
		// PLAIN, LOGIN — the last common on Chinese mail services); PLAIN
		// and LOGIN only over TLS, so a password never crosses in clear.
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(m.Username), mail.WithPassword(m.Password))
	}
	c, err := mail.NewClient(host, opts...)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	return nil
}
