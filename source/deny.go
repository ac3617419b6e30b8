package source

import (
	"errors"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/govdata/govdata"
)

// DefaultDeny is the deny list of a deployment that sets none: every
// address of this host and of the networks behind it (with
// Connector.DenyHost for the addresses of this host's own interfaces,
// which no fixed range covers). The unspecified
// addresses (0.0.0.0/8, ::), which Linux connects to this host; loopback
// (127.0.0.0/8, ::1); link-local (169.254.0.0/16 with most clouds'
// metadata service, fe80::/10); the private and shared ranges (10/8,
// 172.16/12, 192.168/16, 100.64/10 — Alibaba Cloud's metadata answers at
// 100.100.100.200) and unique-local and site-local IPv6 (fc00::/7 with
// AWS's fd00:ec2::254, fec0::/10), where the platform's own database and
// other internal services listen. An operator whose providers sit on a private network
// lists what stays denied instead.
const DefaultDeny = "0.0.0.0/8,::/128,127.0.0.0/8,::1/128,169.254.0.0/16,fe80::/10," +
	"10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7,fec0::/10"

// HostDeny is the deny list of the platform's other outbound requests
// (webhooks, which a sysadmin points where it likes): they may go to the
// bureau's internal network, where its receivers are, but not to this host
// (with Connector.DenyHost) nor to link-local addresses and the clouds'
// metadata services — a POST to a path of the attacker's choosing, with
// the start of the answer shown in the delivery log, is enough to act on
// a local admin API or read its error.
const HostDeny = "0.0.0.0/8,::/128,127.0.0.0/8,::1/128,169.254.0.0/16,fe80::/10,100.100.100.200/32,fd00:ec2::254/128"

// deniedError is a connection the deny list refused.
type deniedError struct{ addr string }

func (e *deniedError) Error() string { return govdata.MsgSourceDenied.Text("en", e.addr) }

// denied reports whether a connection to a is refused: a is judged
// without its zone (netip.Prefix.Contains never matches a zoned address)
// and unmapped (::ffff:127.0.0.1 is 127.0.0.1), and so is every IPv4
// address it embeds (NAT64, 6to4, IPv4-compatible), which a translator
// or relay on the way would reach. With DenyHost, an address of this
// host's interfaces is refused too; so is every address when they cannot
// be read (refusing a source is safer than reaching this host).
func (c Connector) denied(a netip.Addr) bool {
	a = a.WithZone("").Unmap()
	var own []netip.Addr
	if c.DenyHost {
		var err error
		if own, err = hostAddrs(); err != nil {
			return true
		}
	}
	for _, b := range append([]netip.Addr{a}, embedded(a)...) {
		for _, p := range c.Deny {
			if p.Contains(b) {
				return true
			}
		}
		if slices.Contains(own, b) {
			return true
		}
	}
	return false
}

// hostAddrs are the addresses of this host's interfaces now, unzoned and
// unmapped as denied judges them.
func hostAddrs() ([]netip.Addr, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, err
	}
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil {
			out = append(out, p.Addr().WithZone("").Unmap())
		}
	}
	return out, nil
}

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	nat64Lcl  = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour = netip.MustParsePrefix("2002::/16")
	v4Compat  = netip.MustParsePrefix("::/96")
)

// embedded is the IPv4 address that an IPv6 address of a translation
// prefix carries.
func embedded(a netip.Addr) []netip.Addr {
	if !a.Is6() {
		return nil
	}
	b := a.As16()
	switch {
	case nat64.Contains(a), nat64Lcl.Contains(a), v4Compat.Contains(a):
		return []netip.Addr{netip.AddrFrom4([4]byte(b[12:16]))}
	case sixToFour.Contains(a):
		return []netip.Addr{netip.AddrFrom4([4]byte(b[2:6]))}
	}
	return nil
}

// control is the dialer's last word on a connection: it sees the address
// actually dialled, after the name is resolved, once for each address
// tried, for HTTP and database sources alike. What is not a TCP
// connection to an IP address (a Unix socket, an empty host, which
// connects to this host) is refused.
func (c Connector) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !strings.HasPrefix(network, "tcp") {
		return &deniedError{addr: address}
	}
	if c.denied(ap.Addr()) {
		return &deniedError{addr: ap.Addr().WithZone("").Unmap().String()}
	}
	return nil
}

// checkHost refuses, when the source is configured, a host that names a
// denied address outright: an IP address in any spelling a resolver may
// accept (zoned, IPv4-mapped, or the inet_aton forms 127.1, 0x7f.1,
// 2130706433, 0177.0.0.1) or a localhost name (RFC 6761). Other names are
// judged when dialled, on what they resolve to then.
func (c Connector) checkHost(in govdata.SourceInput, fe *govdata.FieldErrors) {
	if !c.denying() {
		return
	}
	u, err := url.Parse(in.URL)
	if err != nil {
		return
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		fe.Add("url", govdata.MsgSourceDenied, u.Host)
		return
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		var ok bool
		if a, ok = legacyIPv4(host); !ok {
			return
		}
	}
	if c.denied(a) {
		fe.Add("url", govdata.MsgSourceDenied, u.Host)
	}
}

// legacyIPv4 reads the numbers-and-dots forms inet_aton accepts (which the
// C resolver, and so some deployments' Go, turn into an address): one to
// four parts, each decimal, octal (0…) or hexadecimal (0x…), the last
// filling the bytes left.
func legacyIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		digits, base := p, 10
		switch {
		case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
			digits, base = p[2:], 16
		case len(p) > 1 && p[0] == '0':
			digits, base = p[1:], 8
		}
		// An explicit base: no sign, no "_", no "0o" (Go's, not inet_aton's).
		n, err := strconv.ParseUint(digits, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		last := i == len(parts)-1
		limit := uint64(0xff)
		if last {
			limit = 1<<(8*(5-len(parts))) - 1
		}
		if n > limit {
			return netip.Addr{}, false
		}
		if last {
			v = v<<(8*(5-len(parts))) | n
		} else {
			v = v<<8 | n
		}
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// deniedOf is the deny refusal err carries, if any.
func deniedOf(err error) (*deniedError, bool) {
	var d *deniedError
	return d, errors.As(err, &d)
}
