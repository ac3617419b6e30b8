package source_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/source"
)

const deniedText = "not one a source may reach"

// defaultDeny is source.DefaultDeny as the binary parses it.
func defaultDeny(t *testing.T) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, s := range strings.Split(source.DefaultDeny, ",") {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

// countingListener listens on every address of this host, both families,
// and counts the connections that reach it.
func countingListener(t *testing.T) (port string, reached *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	reached = new(atomic.Int64)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			reached.Add(1)
			c.Close()
		}
	}()
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	return port, reached
}

// hostSpellings are the ways to write an address of this host or its
// internal networks in a source's URL; resolved marks those Go's resolver
// and dialer turn into an address (the others fail to resolve, or do so
// only with the C resolver, which the dial check then sees).
func hostSpellings() map[string]bool {
	hosts := map[string]bool{
		"127.0.0.1": true, "127.0.0.2": true, "127.255.255.254": true,
		"[::1]": true, "[::1%25lo]": true, "[::1%251]": true, "[0:0:0:0:0:0:0:1]": true,
		"[::]": true, "[::%25lo]": true, "0.0.0.0": true, "[::ffff:0.0.0.0]": true,
		"[::ffff:127.0.0.1]": true, "[::ffff:7f00:1]": true, "[0:0:0:0:0:ffff:127.0.0.1]": true,
		"[::ffff:127.0.0.1%25lo]": true,
		"[fe80::1%25eth0]":        true, "[fe80::1%25lo]": true, "169.254.169.254": true, "[::ffff:169.254.169.254]": true,
		"10.0.0.1": true, "172.16.0.1": true, "192.168.1.1": true, "100.64.0.1": true, "100.100.100.200": true, "[fd00:ec2::254]": true, "[fd00::1]": true, "[fc00::1]": true,
		"[64:ff9b::7f00:1]": true, "[64:ff9b::127.0.0.1]": true, "[::127.0.0.1]": true, "[2002:7f00:1::1]": true,
		"localhost": true, "LocalHost.": false,
		"0x7f.1": false, "0x7f000001": false, "2130706433": false, "127.1": false, "127.0.1": false,
		"0177.0.0.1": false, "017700000001": false, "0": false, "0x0": false, "a.localhost": false,
	}
	// Every internal address this host has (its network's private and
	// link-local addresses, with the interface as zone).
	for ip, h := range interfaceHosts() {
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() {
			hosts[h] = true
		}
	}
	return hosts
}

// interfaceHosts is every address of this host's interfaces, a link-local
// IPv6 one with its interface as zone, and its spelling as a URL's host.
func interfaceHosts() map[netip.Addr]string {
	out := map[netip.Addr]string{}
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			p, err := netip.ParsePrefix(a.String())
			if err != nil {
				continue
			}
			ip := p.Addr()
			if ip.Is6() && ip.IsLinkLocalUnicast() {
				ip = ip.WithZone(ifc.Name)
			}
			h := ip.String()
			if ip.Is6() {
				h = "[" + strings.ReplaceAll(h, "%", "%25") + "]"
			}
			out[ip] = h
		}
	}
	return out
}

// SSRF: with the default deny list no spelling of an address of this host
// or its internal networks reaches it, whatever the source's kind; the
// URL is refused when set, and the connection when dialled.
func TestDenySpellings(t *testing.T) {
	port, reached := countingListener(t)
	c := source.Connector{Deny: defaultDeny(t)}
	kinds := map[govdata.SourceKind]func(host string) govdata.SourceInput{
		govdata.SourceHTTP: func(h string) govdata.SourceInput {
			return govdata.SourceInput{Kind: govdata.SourceHTTP, URL: "http://" + h + ":" + port + "/rows", TimeoutSeconds: 3}
		},
		govdata.SourceLive: func(h string) govdata.SourceInput {
			return govdata.SourceInput{Kind: govdata.SourceLive, URL: "https://" + h + ":" + port + "/live", TimeoutSeconds: 3}
		},
		govdata.SourcePostgres: func(h string) govdata.SourceInput {
			return govdata.SourceInput{Kind: govdata.SourcePostgres, URL: "postgres://" + h + ":" + port + "/postgres?sslmode=disable", Username: "postgres", Table: "pg_class", TimeoutSeconds: 3}
		},
		govdata.SourceMySQL: func(h string) govdata.SourceInput {
			return govdata.SourceInput{Kind: govdata.SourceMySQL, URL: "mysql://" + h + ":" + port + "/mysql", Username: "root", Table: "user", TimeoutSeconds: 3}
		},
	}
	for host, resolved := range hostSpellings() {
		for kind, build := range kinds {
			in := build(host)
			err := c.Validate(in)
			var e *govdata.Error
			if !errors.As(err, &e) || !strings.Contains(e.Fields["url"].Text("en"), deniedText) {
				t.Errorf("%s %s: set %v, want the url refused as denied", kind, in.URL, err)
			}
			check := c.Check(context.Background(), in, items)
			if check.OK || check.Error == nil {
				t.Errorf("%s %s: check %+v", kind, in.URL, check)
				continue
			}
			if resolved && !strings.Contains(check.Error.EN, deniedText) {
				t.Errorf("%s %s: check says %q, want the deny message", kind, in.URL, check.Error.EN)
			}
		}
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("%d connections reached this host", n)
	}
	// The deny message is the source's error, in both languages.
	_, err := c.Open(context.Background(), kinds[govdata.SourcePostgres]("[::]"), items)
	var e *govdata.Error
	if !errors.As(err, &e) || e.Code != govdata.ECONFLICT || !strings.Contains(e.Message.Text("zh"), "不得连接地址 ::") || !strings.Contains(e.Message.Text("en"), "address :: is "+deniedText) {
		t.Errorf("open of postgres://[::]: %v", err)
	}
}

// The check is on the address dialled: a redirect is not followed to a
// denied address. (Names: localhost in TestDenySpellings resolves through
// /etc/hosts and is refused on the address it gives.)
func TestDenyRedirectAndNames(t *testing.T) {
	var hitDenied atomic.Int64
	denied := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hitDenied.Add(1)
		io.WriteString(w, `{"rows": []}`)
	}))
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
	denied.Listener = ln
	denied.Start()
	defer denied.Close()
	allowed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, denied.URL+"/rows", http.StatusFound)
	}))
	defer allowed.Close()
	// Only IPv6 loopback is denied here: the allowed server is on 127.0.0.1.
	c := source.Connector{Deny: []netip.Prefix{netip.MustParsePrefix("::1/128")}}
	if _, err := c.Open(context.Background(), govdata.SourceInput{Kind: govdata.SourceHTTP, URL: allowed.URL + "/moved"}, items); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
		t.Errorf("a redirect to a denied address: %v", err)
	}
	// Set directly, the denied address is refused when dialled.
	if _, err := c.Open(context.Background(), govdata.SourceInput{Kind: govdata.SourceHTTP, URL: denied.URL + "/rows"}, items); err == nil || !strings.Contains(err.Error(), deniedText) {
		t.Errorf("%s: %v", denied.URL, err)
	}
	if n := hitDenied.Load(); n != 0 {
		t.Errorf("the denied server was reached %d times", n)
	}
}

// SSRF: every address of this host's interfaces is refused with DenyHost,
// whatever ranges the list holds — the address of its own network card
// too, which is in none of them when it is public (an operator who allows
// the private ranges lists only what stays denied).
func TestDenyHostAddresses(t *testing.T) {
	port, reached := countingListener(t)
	c := source.Connector{Deny: []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}, DenyHost: true}
	var hosts []string
	for ip, h := range interfaceHosts() {
		hosts = append(hosts, h)
		if ip.Is4() {
			// The same address mapped into IPv6, and inside NAT64.
			hosts = append(hosts, "[::ffff:"+ip.String()+"]", "[64:ff9b::"+ip.String()+"]")
		}
	}
	if len(hosts) == 0 {
		t.Skip("no interface addresses")
	}
	for _, host := range hosts {
		in := govdata.SourceInput{Kind: govdata.SourceHTTP, URL: "http://" + host + ":" + port + "/rows", TimeoutSeconds: 3}
		err := c.Validate(in)
		var e *govdata.Error
		if !errors.As(err, &e) || !strings.Contains(e.Fields["url"].Text("en"), deniedText) {
			t.Errorf("%s: set %v, want the url refused as denied", in.URL, err)
		}
		if check := c.Check(context.Background(), in, items); check.OK || check.Error == nil || !strings.Contains(check.Error.EN, deniedText) {
			t.Errorf("%s: check %+v, want the deny message", in.URL, check)
		}
	}
	// A name resolving to this host is judged on the address it gives.
	in := govdata.SourceInput{Kind: govdata.SourcePostgres, URL: "postgres://localhost:" + port + "/postgres?sslmode=disable", Username: "postgres", Table: "pg_class", TimeoutSeconds: 3}
	if check := c.Check(context.Background(), in, items); check.OK || check.Error == nil || !strings.Contains(check.Error.EN, deniedText) {
		t.Errorf("%s: check %+v, want the deny message", in.URL, check)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("%d connections reached this host", n)
	}
	// Without DenyHost, the list alone decides (development, tests).
	open := source.Connector{Deny: c.Deny}
	if err := open.Validate(govdata.SourceInput{Kind: govdata.SourceHTTP, URL: "http://127.0.0.1:" + port + "/rows"}); err != nil {
		t.Errorf("without DenyHost: %v", err)
	}
}
