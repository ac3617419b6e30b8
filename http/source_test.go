package http_test

import (
	"net"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/source"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// SSRF through the API: with the deployment's default deny list, a source
// naming this host in any spelling is refused when set (400, the deny
// message on the url), and one whose name resolves to this host is
// refused when checked and run (the deny message, 409 on a run); nothing
// reaches the listener.
func TestSourceDeny(t *testing.T) {
	var deny []netip.Prefix
	for _, p := range strings.Split(source.DefaultDeny, ",") {
		deny = append(deny, netip.MustParsePrefix(p))
	}
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var reached atomic.Int64
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
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{sourceDeny: deny})
		path := "/api/v1/catalog/" + itoa(catalogEntry(t, e, "published")) + "/source"
		for _, in := range []govdata.SourceInput{
			{Kind: govdata.SourceHTTP, URL: "http://[::1%25lo]:" + port + "/"},
			{Kind: govdata.SourceHTTP, URL: "http://[::]:" + port + "/"},
			{Kind: govdata.SourceHTTP, URL: "http://[fe80::1%25eth0]:" + port + "/"},
			{Kind: govdata.SourceHTTP, URL: "http://[::ffff:127.0.0.1]:" + port + "/"},
			{Kind: govdata.SourceHTTP, URL: "http://0x7f.1:" + port + "/"},
			{Kind: govdata.SourceHTTP, URL: "http://2130706433:" + port + "/"},
			{Kind: govdata.SourceLive, URL: "http://localhost:" + port + "/"},
			{Kind: govdata.SourcePostgres, URL: "postgres://[::]:5432/postgres", Username: "postgres", Table: "pg_authid"},
			{Kind: govdata.SourcePostgres, URL: "postgres://[::1%25lo]:5432/postgres", Username: "postgres", Table: "pg_authid"},
			{Kind: govdata.SourceMySQL, URL: "mysql://0.0.0.0:3306/mysql", Username: "root", Table: "user"},
		} {
			r := e.do(t, req{method: "PUT", path: path, as: "officer", body: in})
			if r.status != 400 || !strings.Contains(string(r.body), "不得连接地址") {
				t.Errorf("PUT source %s: %v, want 400 with the deny message", in.URL, r)
			}
		}
		// A name is judged on the address it resolves to: this host's own
		// name (here through /etc/hosts) is refused when dialled.
		host, err := os.Hostname()
		if err != nil {
			t.Skip(err)
		}
		addrs, err := net.LookupHost(host)
		if err != nil || len(addrs) == 0 {
			t.Skipf("this host's name %q does not resolve: %v", host, err)
		}
		for _, a := range addrs {
			if ip, err := netip.ParseAddr(a); err != nil || !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast()) {
				t.Skipf("this host's name resolves to %s, which the default list allows", a)
			}
		}
		mustStatus(t, e.do(t, req{method: "PUT", path: path, as: "officer", body: govdata.SourceInput{Kind: govdata.SourceHTTP, URL: "http://" + host + ":" + port + "/rows"}}), 200)
		check := mustOK[govdata.SourceCheck](t, e.do(t, req{method: "POST", path: path + "/check", as: "officer"}), 200)
		if check.OK || check.Error == nil || !strings.Contains(check.Error.EN, "not one a source may reach") || !strings.Contains(check.Error.ZH, "不得连接地址") {
			t.Errorf("check of http://%s: %+v", host, check)
		}
		run := e.do(t, req{method: "POST", path: path + "/run", as: "officer"})
		if run.status != 409 || !strings.Contains(string(run.body), "不得连接地址") {
			t.Errorf("run of http://%s: %v, want 409 with the deny message", host, run)
		}
		if n := reached.Load(); n != 0 {
			t.Errorf("%d connections reached this host", n)
		}
	})
}
