package http

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/source"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestClientAddr: the client address of a request (SEC-1 "from where")
// believes X-Forwarded-For only as far as trusted proxies wrote it.
func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("192.0.2.7/32"),
		netip.MustParsePrefix("2001:db8:1::/48"),
	}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     []string // header lines; nil: no header
		want    string
	}{
		{"no proxies configured, no header", nil, "203.0.113.5:4000", nil, "203.0.113.5"},
		{"no proxies configured ignore the header", nil, "203.0.113.5:4000", []string{"198.51.100.1"}, "203.0.113.5"},
		{"untrusted peer with spoofed header", trusted, "203.0.113.5:4000", []string{"10.1.1.1, 198.51.100.1"}, "203.0.113.5"},
		{"untrusted peer next to a trusted range", trusted, "192.0.2.8:4000", []string{"198.51.100.1"}, "192.0.2.8"},
		{"trusted peer", trusted, "10.0.0.2:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"trusted single address", trusted, "192.0.2.7:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"trusted peer, no header", trusted, "10.0.0.2:4000", nil, "10.0.0.2"},
		{"trusted peer, empty header", trusted, "10.0.0.2:4000", []string{""}, "10.0.0.2"},
		{"client's own forged entries are not read", trusted, "10.0.0.2:4000", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"chain of proxies", trusted, "10.0.0.2:4000", []string{"198.51.100.1, 10.3.3.3, 192.0.2.7"}, "198.51.100.1"},
		{"chain over several header lines", trusted, "10.0.0.2:4000", []string{"1.2.3.4, 198.51.100.1", "10.3.3.3"}, "198.51.100.1"},
		{"forged trusted address left of the client", trusted, "10.0.0.2:4000", []string{"10.9.9.9, 198.51.100.1, 10.3.3.3"}, "198.51.100.1"},
		{"every hop trusted", trusted, "10.0.0.2:4000", []string{"10.4.4.4, 10.3.3.3"}, "10.4.4.4"},
		{"entry with a port", trusted, "10.0.0.2:4000", []string{"198.51.100.1:5555"}, "198.51.100.1"},
		{"IPv6 client", trusted, "10.0.0.2:4000", []string{"2001:db8:2::9"}, "2001:db8:2::9"},
		{"IPv6 client with a port", trusted, "10.0.0.2:4000", []string{"[2001:db8:2::9]:5555"}, "2001:db8:2::9"},
		{"IPv6 trusted peer", trusted, "[2001:db8:1::5]:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"IPv4-mapped trusted peer", trusted, "[::ffff:10.0.0.2]:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"IPv4-mapped client", trusted, "10.0.0.2:4000", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
		{"malformed header", trusted, "10.0.0.2:4000", []string{"not-an-address"}, "10.0.0.2"},
		{"malformed entry among proxies", trusted, "10.0.0.2:4000", []string{"198.51.100.1, bogus, 10.3.3.3"}, "10.0.0.2"},
		{"empty entry", trusted, "10.0.0.2:4000", []string{"198.51.100.1,,10.3.3.3"}, "10.0.0.2"},
		{"malformed entry left of the client is never read", trusted, "10.0.0.2:4000", []string{"bogus, 198.51.100.1"}, "198.51.100.1"},
		{"unknown", trusted, "10.0.0.2:4000", []string{"unknown"}, "10.0.0.2"},
		{"peer without a port", trusted, "203.0.113.5", []string{"198.51.100.1"}, "203.0.113.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{cfg: Config{TrustedProxies: tt.trusted}}
			r := httptest.NewRequest("GET", "/api/v1/regions", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientAddr(r); got != tt.want {
				t.Errorf("clientAddr (peer %s, X-Forwarded-For %q) = %q, want %q", tt.peer, tt.xff, got, tt.want)
			}
		})
	}
}

// TestClientAddrAudited: the server records the client behind a trusted
// proxy in the audit log, and the peer when the peer is not trusted.
func TestClientAddrAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e, nil)
		base := sqlstore.NewBase(db, defaultProfile(t), govdata.ChinaTime)
		flows := sqlstore.NewWorkflowService(base)
		cat, datasets := sqlstore.NewCatalogService(base, flows), sqlstore.NewDatasetService(base)
		svc := Services{
			Regions: sqlstore.NewRegionService(db), Departments: sqlstore.NewDepartmentService(db),
			Users: sqlstore.NewUserService(db), Auth: sqlstore.NewAuthService(db),
			Credentials: sqlstore.NewCredentialService(db), Audit: sqlstore.NewAuditService(db), Deliveries: sqlstore.NewDeliveryService(db),
			Catalog: cat, Datasets: datasets, Maintenance: sqlstore.NewMaintenanceService(base, flows),
			Sources: sqlstore.NewSourceService(base, datasets, source.Connector{}), Applications: sqlstore.NewApplicationService(base, flows),
			Grants: sqlstore.NewGrantService(base, sqlstore.NewCredentialService(db)), Masks: sqlstore.NewMaskService(db), Scenarios: sqlstore.NewScenarioService(base),
			Usage: sqlstore.NewUsageService(base), Open: cat.OpenCatalog(), Store: db,
		}
		srv := NewServer(svc, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
		for i, tt := range []struct{ peer, xff, want string }{
			{"10.0.0.2:4000", "203.0.113.9, 198.51.100.1", "198.51.100.1"},
			{"192.0.2.10:4000", "198.51.100.1", "192.0.2.10"},
		} {
			r := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"nobody","password":"Wrong-Pass-2026"}`))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Forwarded-For", tt.xff)
			r.RemoteAddr = tt.peer
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			if w.Code != http.StatusUnauthorized {
				t.Fatalf("login: %d %s, want 401", w.Code, w.Body)
			}
			l, err := svc.Audit.FindAudit(storetest.System(), govdata.AuditFilter{Action: "auth.login"})
			if err != nil || len(l.Items) != i+1 {
				t.Fatalf("auth.login records: %d, %v; want %d", len(l.Items), err, i+1)
			}
			latest := l.Items[0]
			for _, r := range l.Items {
				if r.Seq > latest.Seq {
					latest = r
				}
			}
			if latest.ClientAddr != tt.want {
				t.Errorf("peer %s, X-Forwarded-For %q: recorded from %q, want %q", tt.peer, tt.xff, latest.ClientAddr, tt.want)
			}
		}
	})
}

func defaultProfile(t testing.TB) *govdata.Profile {
	t.Helper()
	p, err := profiles.Shipped(profiles.Default)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
