package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
	govhttp "github.com/govdata/govdata/http"
	"github.com/govdata/govdata/jobs"
	"github.com/govdata/govdata/notify"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/source"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/web"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newConfig("serve")
	c.setOutput(stderr)
	if err := c.parse(args); err != nil {
		return err
	}
	if err := c.checkBackground(); err != nil {
		return err
	}
	log := c.logger()
	metrics := govhttp.NewMetrics()
	db, err := openStore(ctx, c, sqlstore.Hooks{
		AuditAppended: metrics.AuditAppended, StoreError: metrics.StoreError, CommitDone: metrics.CommitDone}, keyCreate)
	if err != nil {
		return err
	}
	// Closing the store last lets the committer finish every accepted write.
	defer db.Close()
	if err := seedCalendar(ctx, db, log); err != nil {
		return err
	}
	// A bad profile stops the start, naming the file and line.
	profile, err := profiles.Load(db.Profile())
	if err != nil {
		return fmt.Errorf("regulation profile: %w", err)
	}
	var shipped []*govdata.Profile
	for _, name := range profiles.Names() {
		p, err := profiles.Shipped(name)
		if err != nil {
			return fmt.Errorf("regulation profile: %w", err)
		}
		shipped = append(shipped, p)
	}
	if err := ensureAdmin(ctx, db, c.passwordPolicy(), stdout); err != nil {
		return err
	}
	base := sqlstore.NewBase(db, profile, govdata.ChinaTime)
	workflows := sqlstore.NewWorkflowService(base)
	catalog := sqlstore.NewCatalogService(base, workflows)
	datasets := sqlstore.NewDatasetService(base)
	sources := sqlstore.NewSourceService(base, datasets, source.Connector{Deny: c.sourceDeny, DenyHost: len(c.sourceDeny) > 0})
	masks := sqlstore.NewMaskService(db)
	credentials := sqlstore.NewCredentialService(db)
	grants := sqlstore.NewGrantService(base, credentials)
	data := sqlstore.NewDataService(base, masks, sources)
	data.VerifyRate, data.VerifyBurst = rate.Limit(c.verifyRate), c.verifyBurst
	data.MissRun, data.MissWindow = c.missRun, c.missWindow
	openData := sqlstore.NewOpenDataService(base, data, masks, catalog.OpenCatalog())
	openData.AnonRate, openData.AnonBurst = rate.Limit(c.openAnonRate), c.openAnonBurst
	openData.KeyRate, openData.KeyBurst, openData.DownloadCost = rate.Limit(c.openKeyRate), c.openKeyBurst, c.openDownloadCost
	// Batches a stopped process left running failed with it: the dataset is
	// as it was before them (AGG-1).
	if n, err := datasets.RecoverBatches(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Warn("marked batches interrupted by the last stop as failed", "batches", n)
	}
	// OPN-2: the portal's accounts; links in their mails start with the public address.
	publicAccounts := sqlstore.NewPublicAccountService(db, c.publicAddress())
	srv := govhttp.NewServer(govhttp.Services{
		Regions:        sqlstore.NewRegionService(db),
		Departments:    sqlstore.NewDepartmentService(db),
		Users:          sqlstore.NewUserService(db),
		Auth:           sqlstore.NewAuthService(db),
		Credentials:    credentials,
		Audit:          sqlstore.NewAuditService(db),
		Calendar:       sqlstore.NewCalendarService(db),
		Workflows:      workflows,
		Notifications:  sqlstore.NewNotificationService(db),
		Deliveries:     sqlstore.NewDeliveryService(db),
		Catalog:        catalog,
		Datasets:       datasets,
		Maintenance:    sqlstore.NewMaintenanceService(base, workflows),
		Sources:        sources,
		Applications:   sqlstore.NewApplicationService(base, workflows),
		Grants:         grants,
		Monitor:        grants,
		Data:           data,
		Masks:          masks,
		Keys:           sqlstore.NewDataKeyService(db),
		Scenarios:      sqlstore.NewScenarioService(base),
		Usage:          sqlstore.NewUsageService(base),
		Open:           catalog.OpenCatalog(),
		OpenData:       openData,
		Public:         publicAccounts,
		PublicAccounts: publicAccounts,
		// openflow (OPN-2, OPN-3)
		OpenApplications: sqlstore.NewOpenApplicationService(base, workflows),
		OpenWithdrawals:  sqlstore.NewOpenWithdrawalService(base, workflows, catalog),
		OpenAttributes:   sqlstore.NewOpenAttributeService(base, workflows, catalog),
		Store:            db,
	}, govhttp.Config{Profile: profile, Profiles: shipped, MaxBodyBytes: c.maxBody, InsecureCookies: !c.secureCookies, Logger: log, Metrics: metrics,
		TrustedProxies: c.trustedProxies, PublicURL: c.publicAddress(), CalendarWarnFrom: c.calendarWarnFrom, Publisher: govdata.Text{ZH: c.publisher, EN: c.publisher},
		UI: web.Dist()})
	if _, err := srv.OpenAPI(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	ms, metricsAt, err := c.serveMetrics(metrics, log)
	if err != nil {
		ln.Close()
		return err
	}
	if ms != nil {
		defer ms.Close()
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	scheme := "http"
	if c.tlsCert != "" || c.tlsKey != "" {
		scheme = "https"
	}
	// Catch the signals before announcing the address: a supervisor may
	// send SIGTERM as soon as it sees the server up, and that must stop it
	// gracefully rather than kill it.
	sigCtx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "govdata %s listening on %s://%s (%s, profile %s)\n", govdata.Version, scheme, ln.Addr(), db.Engine(), profile.Name)
	if ms != nil {
		fmt.Fprintf(stdout, "govdata metrics at %s://%s%s\n", scheme, metricsAt, govhttp.MetricsPath)
	}
	// The background jobs stop before the store closes (deferred above).
	stopJobs := c.startJobs(db, workflows, catalog, datasets, sources, grants, sqlstore.NewDeliveryService(db), publicAccounts, metrics, log)
	defer stopJobs()
	errc := make(chan error, 1)
	go func() {
		if scheme == "https" {
			errc <- hs.ServeTLS(ln, c.tlsCert, c.tlsKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-sigCtx.Done():
	}
	log.Info("shutting down: finishing requests in flight", "timeout", c.shutdown)
	shutCtx, cancel := context.WithTimeout(context.Background(), c.shutdown)
	defer cancel()
	if ms != nil {
		// A scrape is short: it ends with the server, never holds it.
		ms.Shutdown(shutCtx)
	}
	if err := hs.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		// Requests still running were cut off; what they committed stays committed.
		return fmt.Errorf("shutdown: requests still running after %s: %w", c.shutdown, err)
	}
	log.Info("stopped")
	return nil
}

// serveMetrics starts the listener of the Prometheus metrics
// (--metrics-addr), apart from the API's so that per-route counts and
// latencies are not public, and returns it with the address it listens
// on; nil when it is off. It fails when the address cannot be listened
// on: an operator who asked for metrics gets them or an error, never
// silence.
func (c *config) serveMetrics(m *govhttp.Metrics, log *slog.Logger) (*http.Server, net.Addr, error) {
	if c.metricsAddr == "" || c.metricsAddr == "off" {
		return nil, nil, nil
	}
	ln, err := net.Listen("tcp", c.metricsAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s for the metrics (--metrics-addr; off disables them): %w", c.metricsAddr, err)
	}
	if ap, err := netip.ParseAddrPort(ln.Addr().String()); err == nil && !ap.Addr().IsLoopback() && c.metricsToken == "" {
		log.Warn("the metrics are served beyond this host without a token: set --metrics-token, or firewall the port", "addr", ln.Addr().String())
	}
	hs := &http.Server{Handler: m.Handler(c.metricsToken), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		var err error
		if c.tlsCert != "" || c.tlsKey != "" {
			err = hs.ServeTLS(ln, c.tlsCert, c.tlsKey) // the API's certificate: a token never travels in clear
		} else {
			err = hs.Serve(ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	return hs, ln.Addr(), nil
}

// publicAddress is --public-url, or the listening address.
func (c *config) publicAddress() string {
	if c.publicURL != "" {
		return c.publicURL
	}
	if c.tlsCert != "" {
		return "https://" + c.addr
	}
	return "http://" + c.addr
}

// startJobs starts the deadline sweeper (with the end of revoked entries'
// grace periods, stale datasets and the monitoring of grants) and the deliverer of notifications sent out, and returns
// what stops them and waits until they have.
func (c *config) startJobs(db *sqlstore.DB, workflows govdata.WorkflowService, catalog *sqlstore.CatalogService, datasets *sqlstore.DatasetService,
	sources govdata.SourceService, grants govdata.GrantMonitor, deliveries govdata.DeliveryService, public *sqlstore.PublicAccountService,
	metrics *govhttp.Metrics, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { (&jobs.Puller{Sources: sources, Every: c.sweepInterval, Log: log}).Run(ctx) })
	wg.Go(func() {
		(&jobs.Resealer{Reload: func() (bool, error) { return c.reloadDataKeys(db) }, Reseal: datasets.Reseal, Every: c.sweepInterval, Log: log}).Run(ctx)
	})
	wg.Go(func() {
		(&jobs.Sweeper{Workflows: workflows, Revocations: catalog, Stale: datasets, Grants: grants, ReminderDays: c.reminderDays,
			Calendar: sqlstore.NewCalendarService(db), CalendarWarnFrom: c.calendarWarnFrom, CalendarLoaded: metrics.CalendarLoaded, Location: govdata.ChinaTime,
			Every: c.sweepInterval, Log: log}).Run(ctx)
	})
	senders := map[govdata.Channel]jobs.Sender{
		govdata.ChannelWebhook: c.webhooks().Send,
	}
	if c.smtp.Addr != "" {
		mailer := c.smtp
		senders[govdata.ChannelEmail] = func(ctx context.Context, o *govdata.Outgoing) (int, error) { return 0, mailer.Send(ctx, o) }
	}
	wg.Go(func() {
		(&jobs.Deliverer{Deliveries: deliveries, Senders: senders, Every: c.deliveryEvery, Log: log}).Run(ctx)
	})
	if c.smtp.Addr != "" {
		// OPN-2: without SMTP nothing is mailed; the sysadmin confirms
		// accounts by hand and the inbox shows the messages.
		mailer := c.smtp
		send := func(ctx context.Context, m sqlstore.PublicMail) error {
			return mailer.SendText(ctx, m.To, m.Subject, m.Body, m.ID)
		}
		wg.Go(func() {
			(&jobs.PublicMailer{Once: func(ctx context.Context) (int, error) { return public.MailPublicOnce(ctx, 20, send) },
				Every: c.deliveryEvery, Log: log}).Run(ctx)
		})
	}
	return func() { cancel(); wg.Wait() }
}

// reloadDataKeys installs the key file again when `govdata keys rotate`
// changed it.
func (c *config) reloadDataKeys(db *sqlstore.DB) (bool, error) {
	k, err := datakey.Load(c.dataKeysPath())
	if err != nil {
		return false, err
	}
	old := db.DataKeys()
	if old != nil && old.Current() == k.Current() && len(old.File().Keys) == len(k.File().Keys) {
		return false, nil
	}
	db.SetDataKeys(k)
	return true, nil
}

// ensureAdmin creates the sysadmin account "admin" on the first start with
// an empty store. GOVDATA_ADMIN_PASSWORD is the operator's own choice and
// need not be changed; otherwise a generated password is printed once and
// must be changed at first login (ORG-3). policy is the store's password
// policy, which the generated password meets.
func ensureAdmin(ctx context.Context, db *sqlstore.DB, policy govdata.PasswordPolicy, stdout io.Writer) error {
	users := sqlstore.NewUserService(db)
	ctx = govdata.WithActor(ctx, govdata.SystemActor)
	n, err := users.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	// An empty variable chooses nothing: the password is then generated
	// and shown, or nobody would know it.
	pw := os.Getenv("GOVDATA_ADMIN_PASSWORD")
	chosen := pw != ""
	if !chosen {
		pw = policy.Issue("admin")
	}
	_, err = users.CreateUserWithPassword(ctx, govdata.UserInput{
		Username: "admin", Password: pw, Name: "系统管理员", Roles: []govdata.Role{govdata.RoleSysadmin}}, !chosen)
	if govdata.ErrorCodeOf(err) == govdata.ECONFLICT {
		return nil // another instance created it first
	}
	if err != nil && chosen {
		return fmt.Errorf("GOVDATA_ADMIN_PASSWORD does not meet the password policy (see --password-min-length, --password-min-classes): %s", message(err))
	}
	if err != nil {
		return fmt.Errorf("create the admin account: %s", message(err))
	}
	if chosen {
		fmt.Fprintln(stdout, "created sysadmin account \"admin\" with the password from GOVDATA_ADMIN_PASSWORD")
		return nil
	}
	fmt.Fprintf(stdout, "\n  created sysadmin account / 已创建系统管理员账号\n    username / 用户名: admin\n    password / 密码:   %s\n"+
		"  It is shown only this once and must be changed at first login. / 仅显示一次，首次登录须修改。\n\n", pw)
	return nil
}

// webhooks posts to webhooks. SSRF: their URLs, which the sysadmin sets,
// may name the bureau's internal network but not this host, link-local
// addresses or a cloud's metadata service (source.HostDeny); a development
// setup that lets sources reach anything (--source-deny "") lets webhooks
// too.
func (c *config) webhooks() *notify.Webhooks {
	if len(c.sourceDeny) == 0 {
		return &notify.Webhooks{}
	}
	var deny prefixList
	if err := deny.Set(source.HostDeny); err != nil {
		panic("govdata: source.HostDeny: " + err.Error())
	}
	return &notify.Webhooks{Client: notify.NewClient(source.Connector{Deny: deny, DenyHost: true}.DialContext)}
}
