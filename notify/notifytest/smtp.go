// Package notifytest serves SMTP on 127.0.0.1 for tests of mailed
// notifications: it keeps every message it takes.
package notifytest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Login is the account a server with Auth accepts.
const (
	Username = "notifier"
	Password = "s3cret-口令"
)

// Message is one message the server took.
type Message struct {
	From, To, User string
	Data           []byte
}

// SMTP is a running test server.
type SMTP struct {
	Addr string
	mu   sync.Mutex
	got  []Message
}

// Messages returns what the server has taken so far.
func (s *SMTP) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.got...)
}

// Options choose how the server talks.
type Options struct {
	Cert     *tls.Certificate // offer STARTTLS with it (or implicit TLS)
	Implicit bool             // TLS from the first byte
	Auth     bool             // require a login as Username/Password
}

// Start serves SMTP until the test ends.
func Start(t testing.TB, o Options) *SMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &SMTP{Addr: ln.Addr().String()}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{srv: srv, auth: o.Auth}, nil
	}))
	s.Domain = "mail.test"
	if o.Cert != nil {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*o.Cert}}
		if o.Implicit {
			ln = tls.NewListener(ln, s.TLSConfig)
		}
	} else {
		s.AllowInsecureAuth = true
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return srv
}

// Cert is a certificate for 127.0.0.1 and a pool that trusts it.
func Cert(t testing.TB) (*tls.Certificate, *x509.CertPool) {
	t.Helper()
	h := httptest.NewTLSServer(nil)
	t.Cleanup(h.Close)
	pool := x509.NewCertPool()
	pool.AddCert(h.Certificate())
	return &h.TLS.Certificates[0], pool
}

type session struct {
	srv  *SMTP
	msg  Message
	auth bool
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != Username || pass != Password {
			return errors.New("bad credentials")
		}
		s.msg.User = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.auth && s.msg.User == "" {
		return smtp.ErrAuthRequired
	}
	s.msg.From = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.msg.To = to; return nil }

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = b
	s.srv.mu.Lock()
	s.srv.got = append(s.srv.got, s.msg)
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }
