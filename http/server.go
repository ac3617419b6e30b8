// Package http serves govdata's JSON API under /api/v1, the health and
// metrics endpoints, and the OpenAPI document generated from the routes.
//
// Every route is declared once in routes.go with the permission it needs;
// the router checks authentication, the password-change restriction and the
// role there, in one place (ORG-7), and the services check department scope
// against the objects they load. Every refusal is audited (SJZ-S-22).
package http

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/govdata/govdata"
)

// Services are the domain services the API serves.
type Services struct {
	Regions       govdata.RegionService
	Departments   govdata.DepartmentService
	Users         govdata.UserService
	Auth          govdata.AuthService
	Credentials   govdata.CredentialService
	Audit         govdata.AuditService
	Calendar      govdata.CalendarService
	Workflows     govdata.WorkflowService
	Notifications govdata.NotificationService
	Deliveries    govdata.DeliveryService
	Catalog       govdata.CatalogService
	Datasets      govdata.DatasetService
	Maintenance   govdata.MaintenanceService
	Sources       govdata.SourceService
	Applications  govdata.ApplicationService
	Grants        govdata.GrantService
	Monitor       govdata.GrantMonitor
	Data          govdata.DataService
	Masks         govdata.MaskService
	// Keys tells the data keys' status (SEC-2).
	Keys      govdata.DataKeyService
	Scenarios govdata.ScenarioService
	// Usage keeps consumers' usage records of grants (SHR-7).
	Usage govdata.UsageService
	// Open is the open catalog the public reads (OPN-1, CAT-7).
	Open govdata.OpenCatalog
	// OpenData serves open datasets (OPN-1); nil: the open-data routes
	// answer 404.
	OpenData govdata.OpenDataService
	// Public authenticates public accounts' sessions and API keys (OPN-2).
	Public govdata.PublicAuthService
	// PublicAccounts are the portal's accounts and their oversight (OPN-2, HLJ-43).
	PublicAccounts govdata.PublicAccountService
	// OpenApplications and OpenWithdrawals run conditional opening and the
	// withdrawal of open data (OPN-2, OPN-3).
	OpenApplications govdata.OpenApplicationService
	OpenWithdrawals  govdata.OpenWithdrawalService
	// OpenAttributes approve entries' open attributes (ZJ-20).
	OpenAttributes govdata.OpenAttributeService
	// Store answers readiness checks.
	Store interface {
		Ping(ctx context.Context) error
	}
}

// Config holds the server's settings.
type Config struct {
	// PublicURL is the deployment's address as the public reaches it
	// ("https://data.example.gov.cn"): links of the CKAN API and the DCAT
	// feeds start with it.
	PublicURL string
	// Publisher names the body that runs the open catalog (DCAT).
	Publisher govdata.Text
	// MaxBodyBytes bounds a request body; larger bodies get 413.
	MaxBodyBytes int64
	// InsecureCookies drops the Secure mark of the session cookie; the zero
	// value is secure (browsers accept Secure cookies from http://localhost too).
	InsecureCookies bool
	Clock           govdata.Clock
	// Location is the deployment's time zone, for dates such as "this
	// year" (PRODUCT.md §4: default Asia/Shanghai).
	Location *time.Location
	Logger   *slog.Logger
	// Profile is the deployment's regulation profile; Profiles the shipped ones.
	Profile  *govdata.Profile
	Profiles []*govdata.Profile
	Metrics  *Metrics
	// CalendarWarnFrom is the day of each year from which /readyz warns
	// while next year's holidays are not loaded (zero:
	// govdata.DefaultCalendarWarnFrom, 1 November).
	CalendarWarnFrom govdata.MonthDay
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header is
	// believed for the client address of audit records (SEC-1); empty, the
	// peer's address is the client's.
	TrustedProxies []netip.Prefix
	// UI is the built web console (web.Dist()), served at "/" and at every
	// path outside the API; nil keeps the plain landing page at "/".
	UI fs.FS
	// PublicRateLimit, when set, is how many registrations, resends and
	// logins of public accounts an address may make each in 10 minutes;
	// 0 keeps the defaults (5, 5 and 20).
	PublicRateLimit int
}

// DefaultMaxBodyBytes is the default bound of a JSON request body: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// Server is the HTTP API.
type Server struct {
	svc     Services
	cfg     Config
	log     *slog.Logger
	handler http.Handler
	routes  []route
	console *console
	// regionImports are the region imports of this process (region_import.go).
	regionImports regionImports
	// sitemapMax: the URLs of one sitemap; 0 is sitemapLimit (portal.go).
	sitemapMax int
	// publicLimits bound registrations, resends and logins per address (public_account.go).
	publicLimits publicLimiter
}

// NewServer builds the router over the services.
func NewServer(svc Services, cfg Config) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Clock == nil {
		cfg.Clock = govdata.SystemClock{}
	}
	if cfg.Publisher.ZH == "" {
		cfg.Publisher = govdata.Text{ZH: "政务数据主管部门", EN: "Data bureau"}
	}
	if cfg.Location == nil {
		cfg.Location = govdata.ChinaTime
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	s := &Server{svc: svc, cfg: cfg, log: cfg.Logger}
	if cfg.UI != nil {
		c, err := newConsole(cfg.UI)
		if err != nil {
			// The console is built into the binary: a build without its
			// page is a broken build, not a setting.
			panic("http: the web console has no index.html: " + err.Error())
		}
		s.console = c
	}
	s.routes = s.routeTable()
	s.handler = s.buildMux()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
