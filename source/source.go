// Package source reaches the systems of data providers: it pulls a table
// of their PostgreSQL or MySQL/MariaDB database or an HTTP endpoint as rows
// for an ingest (AGG-1), and asks a live provider API for rows on behalf
// of the data service (AGG-5, HLJ-18: logical aggregation). It implements
// govdata.SourceConnector; the store keeps the configurations.
package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// Connector implements govdata.SourceConnector.
type Connector struct {
	// Deny lists addresses no source may reach (DefaultDeny: this host,
	// its private and link-local networks, cloud metadata). It is checked
	// on every connection, HTTP and database alike, on the address dialled
	// after the name is resolved (a name that later resolves elsewhere
	// gains nothing), and on the configured host when a source is set.
	// Empty allows any address (a provider on this machine, in tests and
	// development).
	Deny []netip.Prefix
	// DenyHost also refuses every address of this host's interfaces, as
	// they are at the moment of each connection: the address of its own
	// network card (a public one is in no range of Deny) reaches the
	// platform's database and services as surely as 127.0.0.1 does.
	DenyHost bool
}

// denying reports whether any address is refused.
func (c Connector) denying() bool { return len(c.Deny) > 0 || c.DenyHost }

// dial connects as the sources do: bounded by in's timeout, refusing
// denied addresses.
func (c Connector) dial(in govdata.SourceInput) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout(in)}
	if c.denying() {
		d.Control = c.control
	}
	return d.DialContext
}

// DialContext connects as a source does, refusing denied addresses, within
// DefaultTimeout: the dialer of the platform's other outbound requests
// (webhooks).
func (c Connector) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return c.dial(govdata.SourceInput{})(ctx, network, addr)
}

var _ govdata.SourceConnector = Connector{}

// DefaultTimeout bounds a call to a provider when the source sets none.
const DefaultTimeout = 30 * time.Second

var tableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)

// Validate implements govdata.SourceConnector: Validate, and a host that
// names a denied address is refused at once (a name is judged again on
// every connection).
func (c Connector) Validate(in govdata.SourceInput) error {
	var fe govdata.FieldErrors
	validate(in, &fe)
	c.checkHost(in, &fe)
	return fe.Err()
}

// Validate checks a source's configuration, field by field.
func Validate(in govdata.SourceInput) error {
	var fe govdata.FieldErrors
	validate(in, &fe)
	return fe.Err()
}

func validate(in govdata.SourceInput, fe *govdata.FieldErrors) {
	u, err := url.Parse(in.URL)
	switch in.Kind {
	case govdata.SourcePostgres, govdata.SourceMySQL:
		if err != nil || u.Scheme != string(in.Kind) || u.Host == "" || strings.Trim(u.Path, "/") == "" || u.User != nil {
			fe.Add("url", govdata.MsgSourceURL, fmt.Sprintf("%s://host:port/database（用户名和密码另填 / username and secret apart）", in.Kind))
		}
		if !tableName.MatchString(in.Table) {
			fe.Add("table", govdata.MsgSourceTable)
		}
		// The provider's own account, always: the platform's credentials
		// (environment, password files) are never lent to a pull.
		if in.Username == "" {
			fe.Add("username", govdata.MsgRequired)
		}
		if err == nil {
			for k := range u.Query() {
				if k != "sslmode" {
					fe.Add("url", govdata.MsgSourceURL, "?"+k)
				}
			}
		}
	case govdata.SourceHTTP, govdata.SourceLive:
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			fe.Add("url", govdata.MsgSourceURL, "https://…")
		}
	default:
		fe.Add("kind", govdata.MsgSourceKind)
	}
	if in.EveryMinutes != 0 && (in.EveryMinutes < 5 || in.EveryMinutes > 7*24*60) {
		fe.Add("every_minutes", govdata.MsgSourceEvery)
	}
	if in.TimeoutSeconds < 0 || in.TimeoutSeconds > 300 {
		fe.Add("timeout_seconds", govdata.MsgSourceTimeout)
	}
	if in.Mode != "" && in.Mode != govdata.IngestReplace && in.Mode != govdata.IngestUpsert {
		fe.Add("mode", govdata.MsgIngestMode)
	}
}

func timeout(in govdata.SourceInput) time.Duration {
	if in.TimeoutSeconds > 0 {
		return time.Duration(in.TimeoutSeconds) * time.Second
	}
	return DefaultTimeout
}

// Open implements govdata.SourceConnector.
func (c Connector) Open(ctx context.Context, in govdata.SourceInput, items []govdata.Item) (govdata.RowReader, error) {
	if err := Validate(in); err != nil {
		return nil, err
	}
	switch in.Kind {
	case govdata.SourcePostgres, govdata.SourceMySQL:
		return c.openTable(ctx, in, items)
	case govdata.SourceHTTP:
		return c.openHTTP(ctx, in, items)
	}
	return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgSourceNotPull)
}

// Check implements govdata.SourceConnector: it reads up to five rows.
func (c Connector) Check(ctx context.Context, in govdata.SourceInput, items []govdata.Item) govdata.SourceCheck {
	start := time.Now()
	var out govdata.SourceCheck
	fail := func(err error) govdata.SourceCheck {
		out.OK, out.LatencyMS = false, time.Since(start).Milliseconds()
		var e *govdata.Error
		if errors.As(err, &e) {
			out.Error = &govdata.Text{ZH: e.Message.Text("zh"), EN: e.Message.Text("en")}
		} else {
			out.Error = &govdata.Text{ZH: govdata.MsgSourceFailed.Text("zh", err), EN: govdata.MsgSourceFailed.Text("en", err)}
		}
		return out
	}
	if in.Kind == govdata.SourceLive {
		l, err := c.Query(ctx, in, items, nil, govdata.Page{Limit: 5})
		if err != nil {
			return fail(err)
		}
		out.SampleRows = len(l.Items)
		seen := map[string]bool{}
		for _, r := range l.Items {
			for k := range r.Values {
				seen[k] = true
			}
		}
		for _, it := range items {
			if seen[it.Name] {
				out.Columns = append(out.Columns, it.Name)
			} else if len(l.Items) > 0 {
				out.MissingItems = append(out.MissingItems, it.Name)
			}
		}
		out.OK, out.LatencyMS = true, time.Since(start).Milliseconds()
		return out
	}
	rd, err := c.Open(ctx, in, items)
	if err != nil {
		return fail(err)
	}
	defer rd.Close()
	if cols, ok := rd.(interface{ columns() ([]string, []string) }); ok {
		out.Columns, out.MissingItems = cols.columns()
	}
	for out.SampleRows < 5 {
		_, _, _, err := rd.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return fail(err)
		}
		out.SampleRows++
	}
	out.OK, out.LatencyMS = true, time.Since(start).Milliseconds()
	return out
}

// sourceColumn is the column or field of the source that holds item.
func sourceColumn(in govdata.SourceInput, item string) string {
	if c, ok := in.Columns[item]; ok && c != "" {
		return c
	}
	return item
}

func failed(err error) error {
	if d, ok := deniedOf(err); ok {
		return govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceDenied, d.addr)
	}
	return govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceFailed, err.Error())
}
