package main

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
	"github.com/govdata/govdata/notify"
	"github.com/govdata/govdata/source"
	"github.com/govdata/govdata/sqlstore"
)

// config is every setting of govdata. Each is a flag; a flag not given on
// the command line is taken from the environment (GOVDATA_ and the flag
// name in upper case with - as _), then from the optional TOML file named by
// --config (keys are the flag names), then from the default.
type config struct {
	fs *flag.FlagSet
	// settings are the shared settings; a command's own flags (user create
	// --password, say) come from its command line only, never from the
	// environment or the file.
	settings map[string]bool
	// explicit are the settings given on the command line, in the
	// environment or in the file, as opposed to left at their defaults.
	explicit map[string]bool
	stderr   io.Writer

	configFile     string
	data           string
	db             string
	addr           string
	masterKeyFile  string
	dataKeysFile   string
	dataKeyAlg     string
	auditHash      string
	auditRetention int
	profile        string
	reminderDays   int
	verifyRate     float64
	verifyBurst    int
	// OPN-1: the open-data API's rate limits (opendata).
	openAnonRate, openKeyRate   float64
	openAnonBurst, openKeyBurst int
	openDownloadCost            int
	missRun                     int
	missWindow                  time.Duration
	sweepInterval               time.Duration
	deliveryEvery               time.Duration
	publicURL                   string
	publisher                   string
	smtp                        notify.Mailer
	smtpCAFile                  string
	maxBody                     int64
	secureCookies               bool
	sessionTTL                  time.Duration
	pwMinLength                 int
	pwMinClasses                int
	pwMaxAge                    time.Duration
	lockFailures                int
	lockDuration                time.Duration
	lockAddrFails               int
	lockAddrDelay               time.Duration
	lockAddrMax                 time.Duration
	shutdown                    time.Duration
	tlsCert                     string
	tlsKey                      string
	trustedProxies              prefixList
	sourceDeny                  prefixList
	metricsAddr                 string
	metricsToken                string
	logLevel                    string

	// calendarWarnFrom: from this day of each year, until next year's
	// holidays are loaded, sysadmins and /readyz are warned (CAL-1).
	calendarWarnFrom govdata.MonthDay
}

// defaultMetricsAddr is where the Prometheus metrics are served unless
// --metrics-addr says otherwise: this host only, on the port after the
// API's default 8080.
const defaultMetricsAddr = "127.0.0.1:8081"

// newConfig defines the settings on a flag set named for the command.
func newConfig(command string) *config {
	c := &config{fs: flag.NewFlagSet("govdata "+command, flag.ContinueOnError)}
	f := c.fs
	f.StringVar(&c.configFile, "config", "", "optional TOML file of settings (keys are these flag names)")
	f.StringVar(&c.data, "data", "./data", "data folder: the SQLite database and the master key live here")
	f.StringVar(&c.db, "db", "", "PostgreSQL URL (postgres://user:pass@host:5432/db); empty serves on SQLite in --data")
	f.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	f.StringVar(&c.masterKeyFile, "master-key-file", "", "file of the master key that derives credential secrets and signs audit checkpoints (default DATA/master.key, created by the first serve); GOVDATA_MASTER_KEY (64 hex digits) overrides it")
	f.StringVar(&c.dataKeysFile, "data-keys-file", "", "key file that seals the values of items at sensitivity 3–4 (default DATA/data.keys, created by the first serve; SEC-2); GOVDATA_DATA_KEYS (the file's JSON) overrides it")
	f.StringVar(&c.dataKeyAlg, "data-key-algorithm", datakey.SM4GCM, "algorithm of a new data key: sm4-gcm or aes-256-gcm (at the first serve, and for keys rotate)")
	f.StringVar(&c.auditHash, "audit-hash", govdata.HashSM3, "audit chain hash, chosen at init: sm3 or sha256 (a store keeps the one it was created with)")
	f.IntVar(&c.reminderDays, "reminder-days", 1, "remind a step's actors this many working days before its due date (CAL-3)")
	c.calendarWarnFrom = govdata.DefaultCalendarWarnFrom
	f.Func("calendar-warn-from", "day of each year MM-DD from which, until next year's holidays are loaded, the sysadmins are told and /readyz warns (default 11-01; CAL-1)", func(v string) error {
		md, err := govdata.ParseMonthDay(v)
		if err != nil {
			return err
		}
		c.calendarWarnFrom = md
		return nil
	})
	f.Float64Var(&c.verifyRate, "verify-rate", sqlstore.DefaultVerifyRate, "verifications a second allowed to each system credential: verify calls, and records or export calls with an equality filter on an item masked for the grant (SHR-4: verification cannot be used to walk through an item's values)")
	f.IntVar(&c.verifyBurst, "verify-burst", sqlstore.DefaultVerifyBurst, "verifications a credential may make at once before --verify-rate applies")
	f.Float64Var(&c.openAnonRate, "open-anon-rate", sqlstore.DefaultOpenAnonRate, "open-data API calls a second allowed to each client address without an API key (OPN-1)")
	f.IntVar(&c.openAnonBurst, "open-anon-burst", sqlstore.DefaultOpenAnonBurst, "open-data API calls a client address may make at once before --open-anon-rate applies")
	f.Float64Var(&c.openKeyRate, "open-key-rate", sqlstore.DefaultOpenKeyRate, "open-data API calls a second allowed to each API key (or signed-in public account)")
	f.IntVar(&c.openKeyBurst, "open-key-burst", sqlstore.DefaultOpenKeyBurst, "open-data API calls an API key may make at once before --open-key-rate applies")
	f.IntVar(&c.openDownloadCost, "open-download-cost", sqlstore.DefaultOpenDownloadCost, "how many calls of the open-data allowance one download costs")
	f.IntVar(&c.missRun, "verify-miss-run", sqlstore.DefaultMissRun, "a credential's verifications that match no row, in a row or within --verify-miss-window, that notify the secadmins (at most once an hour per credential)")
	f.DurationVar(&c.missWindow, "verify-miss-window", sqlstore.DefaultMissWindow, "the window in which --verify-miss-run misses notify the secadmins, hits or not between them")
	f.DurationVar(&c.sweepInterval, "sweep-interval", time.Minute, "how often deadlines are swept for reminders, overdue steps and escalation")
	f.StringVar(&c.publicURL, "public-url", "", "the address the public reaches govdata at (https://data.example.gov.cn); links of the CKAN API and DCAT feeds start with it (default: http:// and --addr)")
	f.StringVar(&c.publisher, "publisher", "政务数据主管部门", "the body that publishes the open catalog, as the DCAT feeds name it")
	f.DurationVar(&c.deliveryEvery, "delivery-interval", 5*time.Second, "how often notifications due to be mailed or posted to webhooks are looked for")
	f.StringVar(&c.smtp.Addr, "smtp-addr", "", "SMTP server (host:port) that mails notifications to users with an e-mail address; empty: no e-mail")
	f.StringVar(&c.smtp.From, "smtp-from", "", "sender address of mailed notifications")
	f.StringVar(&c.smtp.Username, "smtp-username", "", "SMTP login; empty: no authentication")
	f.StringVar(&c.smtp.Password, "smtp-password", "", "SMTP password (prefer GOVDATA_SMTP_PASSWORD or the --config file to the command line)")
	f.StringVar(&c.smtpCAFile, "smtp-ca-file", "", "PEM file of the certificate authority that signed the SMTP server's certificate (a private CA); empty: the system's")
	f.StringVar(&c.smtp.TLS, "smtp-tls", notify.TLSStartTLS, "starttls (STARTTLS required, port 587/25), tls (port 465), or none (a relay on a trusted network)")
	f.StringVar(&c.profile, "profile", "default", "regulation profile, chosen at first start: a shipped name (default, heilongjiang-2025, …; see GET /api/v1/profiles) or the path of the deployment's own .yaml file")
	f.IntVar(&c.auditRetention, "audit-retention-days", sqlstore.MinAuditRetentionDays, "days audit records are kept before they may be deleted, set at init; at least 1096 (SX-22, HLJ-28: at least 3 years)")
	f.Int64Var(&c.maxBody, "max-body", 1<<20, "largest accepted JSON request body, in bytes")
	f.BoolVar(&c.secureCookies, "secure-cookies", true, "mark the session cookie Secure (browsers still send it to http://localhost)")
	f.DurationVar(&c.sessionTTL, "session-ttl", 8*time.Hour, "lifetime of a login session")
	f.IntVar(&c.pwMinLength, "password-min-length", govdata.DefaultPasswordPolicy.MinLength, "shortest accepted password")
	f.IntVar(&c.pwMinClasses, "password-min-classes", govdata.DefaultPasswordPolicy.MinClasses, "character classes a password needs, of upper, lower, digit, symbol")
	f.DurationVar(&c.pwMaxAge, "password-max-age", govdata.DefaultPasswordPolicy.MaxAge, "age at which a password must be changed (0: never; HLJ-38)")
	f.IntVar(&c.lockFailures, "lockout-failures", govdata.DefaultLockoutPolicy.MaxFailures, "consecutive failed logins that lock an account (0: never)")
	f.DurationVar(&c.lockDuration, "lockout-duration", govdata.DefaultLockoutPolicy.Duration, "how long a locked account stays locked")
	f.IntVar(&c.lockAddrFails, "lockout-address-failures", govdata.DefaultLockoutPolicy.AddressMaxFailures, "failed logins from one client address (IPv6: its /64) after which it waits; fewer than --lockout-failures (0: never)")
	f.DurationVar(&c.lockAddrDelay, "lockout-address-delay", govdata.DefaultLockoutPolicy.AddressDelay, "the first wait of an address; each further round doubles it")
	f.DurationVar(&c.lockAddrMax, "lockout-address-max-delay", govdata.DefaultLockoutPolicy.AddressMaxDelay, "the longest wait of an address")
	f.DurationVar(&c.shutdown, "shutdown-timeout", 30*time.Second, "how long SIGINT/SIGTERM waits for requests in flight")
	f.StringVar(&c.tlsCert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key, serve HTTPS")
	f.StringVar(&c.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	c.sourceDeny.Set(source.DefaultDeny)
	f.Var(&c.sourceDeny, "source-deny", "comma-separated IP addresses or CIDR ranges that entries' sources (pulls, live APIs) may not reach, checked on every address dialled: by default the unspecified addresses, loopback, link-local (cloud metadata), private and unique-local ranges, and with any list every address of this host's interfaces; to let sources reach providers on a private network, list what stays denied (keep 0.0.0.0/8,::/128,127.0.0.0/8,::1/128,169.254.0.0/16,fe80::/10); empty allows any, and lets webhooks reach this host too (development only)")
	f.Var(&c.trustedProxies, "trusted-proxies", "comma-separated IP addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed for the client address (empty: none)")
	f.StringVar(&c.metricsAddr, "metrics-addr", defaultMetricsAddr, "address of the listener that serves the Prometheus metrics at /metrics, apart from the API (per-route counts and latencies are not public); \"\" or off: no metrics listener")
	f.StringVar(&c.metricsToken, "metrics-token", "", "when set, a scrape of /metrics must send Authorization: Bearer <token> (at least 16 characters; for a --metrics-addr reachable beyond this host; prefer GOVDATA_METRICS_TOKEN or the --config file)")
	f.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	c.settings = map[string]bool{}
	f.VisitAll(func(fl *flag.Flag) { c.settings[fl.Name] = true })
	c.stderr = os.Stderr
	return c
}

// setOutput sends usage, errors and logs to w.
func (c *config) setOutput(w io.Writer) {
	c.fs.SetOutput(w)
	c.stderr = w
}

// envName is the environment variable of a flag.
func envName(flagName string) string {
	return "GOVDATA_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse reads the command line, then fills unset flags from the
// environment and the config file.
func (c *config) parse(args []string) error {
	c.fs.Usage = func() {
		fmt.Fprintf(c.fs.Output(), "Usage: %s [flags]\n\nEvery flag may also be set as an environment variable (GOVDATA_ and the name in\nupper case, - as _), or as a key of the --config TOML file. Precedence: flag,\nenvironment, file, default.\n\nFlags:\n", c.fs.Name())
		c.fs.VisitAll(func(f *flag.Flag) {
			if !c.settings[f.Name] {
				fmt.Fprintf(c.fs.Output(), "  --%s (command line only, default %q)\n    \t%s\n", f.Name, f.DefValue, f.Usage)
				return
			}
			fmt.Fprintf(c.fs.Output(), "  --%s (env %s, default %q)\n    \t%s\n", f.Name, envName(f.Name), f.DefValue, f.Usage)
		})
	}
	if err := c.fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	c.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	c.explicit = map[string]bool{}
	for name := range set {
		c.explicit[name] = true
	}
	if !set["config"] {
		if v, ok := os.LookupEnv(envName("config")); ok {
			c.configFile = v
		}
	}
	file := map[string]any{}
	if c.configFile != "" {
		md, err := toml.DecodeFile(c.configFile, &file)
		if err != nil {
			return fmt.Errorf("config file %s: %w", c.configFile, err)
		}
		_ = md
		for key := range file {
			if !c.settings[key] || key == "config" {
				return fmt.Errorf("config file %s: unknown setting %q", c.configFile, key)
			}
		}
	}
	var errs []error
	c.fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || f.Name == "config" || !c.settings[f.Name] {
			return
		}
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			c.explicit[f.Name] = true
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", envName(f.Name), err))
			}
			return
		}
		if v, ok := file[f.Name]; ok {
			c.explicit[f.Name] = true
			if err := f.Value.Set(fmt.Sprint(v)); err != nil {
				errs = append(errs, fmt.Errorf("config file %s: %s: %w", c.configFile, f.Name, err))
			}
		}
	})
	if len(errs) == 0 && c.auditRetention < sqlstore.MinAuditRetentionDays {
		errs = append(errs, fmt.Errorf("--audit-retention-days %d is too short: audit records must be kept at least three years, %d days (SX-22, HLJ-28, SEC-1)",
			c.auditRetention, sqlstore.MinAuditRetentionDays))
	}
	return errors.Join(errs...)
}

func (c *config) logger() *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: level}))
}

// keyUse says what a command does with the master key.
type keyUse int

const (
	// keyNone: the command never touches the key (audit verify without
	// checkpoints, migrate, user and region commands).
	keyNone keyUse = iota
	// keyRequired: the command needs an existing key and fails without one
	// (signing or checking audit checkpoints); it never creates one.
	keyRequired
	// keyCreate: the key is created when absent (serve, on first start).
	keyCreate
)

// masterKey reads the master key: GOVDATA_MASTER_KEY, else the key file.
// Only keyCreate creates the file with a fresh random key when it is absent.
func (c *config) masterKey(log *slog.Logger, use keyUse) ([]byte, error) {
	if use == keyNone {
		return nil, nil
	}
	if v := os.Getenv("GOVDATA_MASTER_KEY"); v != "" {
		k, err := hex.DecodeString(strings.TrimSpace(v))
		if err != nil || len(k) != 32 {
			return nil, errors.New("GOVDATA_MASTER_KEY must be 64 hex digits (32 bytes)")
		}
		return k, nil
	}
	path := c.masterKeyFile
	if path == "" {
		path = filepath.Join(c.data, "master.key")
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && use == keyRequired {
		return nil, fmt.Errorf("no master key: %s does not exist and GOVDATA_MASTER_KEY is not set; "+
			"audit checkpoints are signed with the platform's key, so give the key of this store (--master-key-file or GOVDATA_MASTER_KEY)", path)
	}
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("master key folder: %w", err)
		}
		k := make([]byte, 32)
		rand.Read(k)
		if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("write master key: %w", err)
		}
		log.Warn("created a new master key; back it up with the database: without it no system credential verifies", "file", path)
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read master key: %w", err)
	}
	k, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(k) != 32 {
		return nil, fmt.Errorf("master key file %s must hold 64 hex digits", path)
	}
	return k, nil
}

// dataKeysPath is the data key file's path.
func (c *config) dataKeysPath() string {
	if c.dataKeysFile != "" {
		return c.dataKeysFile
	}
	return filepath.Join(c.data, "data.keys")
}

// dataKeys reads the data keys: GOVDATA_DATA_KEYS, else the key file,
// which keyCreate makes with a fresh key when it is absent.
func (c *config) dataKeys(log *slog.Logger, use keyUse) (*datakey.Keyring, error) {
	if use == keyNone {
		return nil, nil
	}
	path := c.dataKeysPath()
	k, err := datakey.Load(path)
	if err == nil || os.Getenv(datakey.EnvName) != "" || !errors.Is(err, fs.ErrNotExist) {
		if err != nil {
			return nil, fmt.Errorf("data keys: %w", err)
		}
		return k, nil
	}
	if use != keyCreate {
		return nil, fmt.Errorf("no data keys: %s does not exist and %s is not set", path, datakey.EnvName)
	}
	f, err := datakey.New(c.dataKeyAlg, time.Now())
	if err != nil {
		return nil, fmt.Errorf("--data-key-algorithm: %w", err)
	}
	if err := datakey.Write(path, f); err != nil {
		return nil, fmt.Errorf("write data keys: %w", err)
	}
	log.Warn("created a new data key file; back it up apart from the database: without it no sensitive value can be read", "file", path, "algorithm", c.dataKeyAlg)
	return datakey.Open(f)
}

// passwordPolicy is the configured password policy (ORG-3, HLJ-38).
func (c *config) passwordPolicy() govdata.PasswordPolicy {
	return govdata.PasswordPolicy{MinLength: c.pwMinLength, MinClasses: c.pwMinClasses, MaxAge: c.pwMaxAge}
}

// lockoutPolicy is the configured throttle of failed logins (ORG-3).
func (c *config) lockoutPolicy() govdata.LockoutPolicy {
	return govdata.LockoutPolicy{MaxFailures: c.lockFailures, Duration: c.lockDuration,
		AddressMaxFailures: c.lockAddrFails, AddressDelay: c.lockAddrDelay, AddressMaxDelay: c.lockAddrMax}
}

// storeOptions are the sqlstore options of this configuration.
func (c *config) storeOptions(log *slog.Logger, hooks sqlstore.Hooks, use keyUse) (sqlstore.Options, error) {
	key, err := c.masterKey(log, use)
	if err != nil {
		return sqlstore.Options{}, err
	}
	var dataKeys *datakey.Keyring
	if use == keyCreate {
		if dataKeys, err = c.dataKeys(log, use); err != nil {
			return sqlstore.Options{}, err
		}
	}
	lockout := c.lockoutPolicy()
	if err := lockout.Validate(); err != nil {
		return sqlstore.Options{}, fmt.Errorf("--lockout-*: %w", err)
	}
	return sqlstore.Options{
		DSN:     c.db,
		DataDir: c.data,
		Auth: govdata.AuthConfig{
			Password:   c.passwordPolicy(),
			Lockout:    lockout,
			SessionTTL: c.sessionTTL,
		},
		MasterKey:          key,
		DataKeys:           dataKeys,
		AuditHash:          c.auditHash,
		AuditRetentionDays: c.auditRetention,
		Profile:            c.profile,
		MailNotices:        c.smtp.Addr != "",
		Logger:             log,
		Hooks:              hooks,
	}, nil
}

// checkBackground refuses background-work settings that cannot work,
// before anything starts.
func (c *config) checkBackground() error {
	if c.sweepInterval <= 0 {
		return fmt.Errorf("--sweep-interval must be positive, not %s", c.sweepInterval)
	}
	if c.deliveryEvery <= 0 {
		return fmt.Errorf("--delivery-interval must be positive, not %s", c.deliveryEvery)
	}
	if c.openAnonRate <= 0 || c.openKeyRate <= 0 || c.openAnonBurst < 1 || c.openKeyBurst < 1 || c.openDownloadCost < 1 {
		return fmt.Errorf("--open-anon-rate and --open-key-rate must be positive, --open-anon-burst, --open-key-burst and --open-download-cost at least 1")
	}
	if c.verifyRate <= 0 || c.verifyBurst < 1 {
		return fmt.Errorf("--verify-rate must be positive and --verify-burst at least 1, not %g and %d", c.verifyRate, c.verifyBurst)
	}
	if c.missRun < 1 || c.missWindow <= 0 {
		return fmt.Errorf("--verify-miss-run must be at least 1 and --verify-miss-window positive, not %d and %s", c.missRun, c.missWindow)
	}
	if c.reminderDays < 0 || c.reminderDays > 30 {
		return fmt.Errorf("--reminder-days must be 0 to 30 working days, not %d", c.reminderDays)
	}
	if c.publicURL != "" {
		u, err := url.Parse(c.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("--public-url must be an http or https address such as https://data.example.gov.cn, not %q", c.publicURL)
		}
	}
	if c.metricsToken != "" && len(c.metricsToken) < 16 {
		return fmt.Errorf("--metrics-token must be at least 16 characters")
	}
	if c.smtpCAFile != "" {
		pem, err := os.ReadFile(c.smtpCAFile)
		if err != nil {
			return fmt.Errorf("--smtp-ca-file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("--smtp-ca-file %s holds no PEM certificate", c.smtpCAFile)
		}
		c.smtp.TLSConfig = &tls.Config{RootCAs: pool}
	}
	if c.smtp.Addr != "" {
		return c.smtp.Check()
	}
	return nil
}

// warnStoredSettings warns when a setting fixed at init was given (on the
// command line, in the environment or in the file) with a value other than
// the store's: the store's value stays in force, and the operator should
// know that the setting did nothing.
func (c *config) warnStoredSettings(log *slog.Logger, db *sqlstore.DB) {
	if c.explicit["audit-hash"] && c.auditHash != db.AuditHash() {
		log.Warn("--audit-hash is set at init and cannot change: the store's value stays in force",
			"given", c.auditHash, "in_force", db.AuditHash())
	}
	if c.explicit["profile"] && c.profile != db.Profile() {
		log.Warn("--profile is chosen at first start and cannot change: the store's profile stays in force",
			"given", c.profile, "in_force", db.Profile())
	}
	if c.explicit["audit-retention-days"] && c.auditRetention != db.AuditRetentionDays() {
		log.Warn("--audit-retention-days is set at init and cannot change: the store's value stays in force",
			"given", c.auditRetention, "in_force", db.AuditRetentionDays())
	}
}

// prefixList is a comma-separated list of IP addresses and CIDR ranges.
type prefixList []netip.Prefix

func (p *prefixList) String() string {
	var s []string
	for _, x := range *p {
		s = append(s, x.String())
	}
	return strings.Join(s, ",")
}

// Set parses the whole list, replacing what was there: an address is a
// range of one.
func (p *prefixList) Set(v string) error {
	var out prefixList
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		var pfx netip.Prefix
		if strings.Contains(item, "/") {
			x, err := netip.ParsePrefix(item)
			if err != nil {
				return fmt.Errorf("%q is not an IP address or CIDR range", item)
			}
			if x.Addr().Is4In6() && x.Bits() >= 96 {
				x = netip.PrefixFrom(x.Addr().Unmap(), x.Bits()-96)
			}
			pfx = x.Masked()
		} else {
			a, err := netip.ParseAddr(item)
			if err != nil || a.Zone() != "" {
				return fmt.Errorf("%q is not an IP address or CIDR range", item)
			}
			a = a.Unmap()
			pfx = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, pfx)
	}
	*p = out
	return nil
}

var _ flag.Value = (*prefixList)(nil)
