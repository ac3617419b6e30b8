package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ingest"
	"github.com/govdata/govdata/quality"
)

// maxLiveBytes bounds a live answer: a page of rows, not a dump.
const maxLiveBytes = 16 << 20

// client is the HTTP client for in: its timeout bounds the wait for an
// answer to start (a pull's body may then stream for long); it dials
// through the deny check, uses no proxy (which would dial for it) and
// follows no redirect (a provider's address is what was configured,
// nothing else).
func (c Connector) client(in govdata.SourceInput) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = timeout(in)
	t.DialContext = c.dial(in)
	t.Proxy = nil // a provider is reached directly, as configured
	return &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// get asks the provider, authenticating with a bearer token (or HTTP basic
// with a username), and returns the answer's body on a 2xx.
func (c Connector) get(ctx context.Context, in govdata.SourceInput, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, failed(err)
	}
	req.Header.Set("Accept", "application/json")
	switch {
	case in.Username != "":
		req.SetBasicAuth(in.Username, in.Secret)
	case in.Secret != "":
		req.Header.Set("Authorization", "Bearer "+in.Secret)
	}
	res, err := c.client(in).Do(req)
	if err != nil {
		return nil, failed(err)
	}
	if res.StatusCode/100 != 2 {
		res.Body.Close()
		return nil, failed(fmt.Errorf("HTTP %d", res.StatusCode))
	}
	return res, nil
}

// httpReader reads a pull endpoint's {"rows": […]} as the API's JSON
// upload is read.
type httpReader struct {
	*ingest.JSON
	res    *http.Response
	cancel context.CancelFunc
}

func (c Connector) openHTTP(ctx context.Context, in govdata.SourceInput, items []govdata.Item) (govdata.RowReader, error) {
	ctx, cancel := context.WithCancel(ctx)
	res, err := c.get(ctx, in, in.URL)
	if err != nil {
		cancel()
		return nil, err
	}
	j, err := ingest.NewJSON(res.Body, renamed(in, items))
	if err != nil {
		res.Body.Close()
		cancel()
		var e *govdata.Error
		if errors.As(err, &e) {
			return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceResponse, e.Message.Text("zh"))
		}
		return nil, failed(err)
	}
	return &httpReader{JSON: j, res: res, cancel: cancel}, nil
}

// Close implements govdata.RowReader.
func (h *httpReader) Close() error {
	h.cancel()
	return h.res.Body.Close()
}

// renamed gives items the source's field names where Columns maps them.
func renamed(in govdata.SourceInput, items []govdata.Item) []govdata.Item {
	out := make([]govdata.Item, len(items))
	copy(out, items)
	for i := range out {
		out[i].Name = sourceColumn(in, out[i].Name)
	}
	return out
}

// liveAnswer is what a live provider answers, as GET …/rows does:
// {"items": [{item: value, …}], "next_cursor": "…"}.
type liveAnswer struct {
	Items      []map[string]json.RawMessage `json:"items"`
	NextCursor string                       `json:"next_cursor"`
}

// Query implements govdata.SourceConnector: GET url?where=item:value&
// limit=&cursor=. The answer is typed against the entry's items: an
// unknown field, or a value that is not of its item's type, is refused.
func (c Connector) Query(ctx context.Context, in govdata.SourceInput, items []govdata.Item, where map[string]string, page govdata.Page) (govdata.RowList, error) {
	if in.Kind != govdata.SourceLive {
		return govdata.RowList{}, govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceNotLive)
	}
	if err := Validate(in); err != nil {
		return govdata.RowList{}, err
	}
	u, _ := url.Parse(in.URL)
	q := u.Query()
	for item, v := range where {
		q.Add("where", sourceColumn(in, item)+":"+v)
	}
	if page.Limit > 0 {
		q.Set("limit", strconv.Itoa(page.Limit))
	}
	if page.Cursor != "" {
		q.Set("cursor", page.Cursor)
	}
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, timeout(in))
	defer cancel()
	res, err := c.get(ctx, in, u.String())
	if err != nil {
		return govdata.RowList{}, err
	}
	defer res.Body.Close()
	var ans liveAnswer
	dec := json.NewDecoder(io.LimitReader(res.Body, maxLiveBytes))
	dec.UseNumber()
	if err := dec.Decode(&ans); err != nil {
		return govdata.RowList{}, govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceResponse, err.Error())
	}
	return typed(in, items, ans)
}

// typed checks a live answer against the items' types (the typed adapter
// of AGG-5): the data service may then treat it as stored rows.
func typed(in govdata.SourceInput, items []govdata.Item, ans liveAnswer) (govdata.RowList, error) {
	byField := map[string]int{}
	for i, it := range items {
		byField[sourceColumn(in, it.Name)] = i
	}
	// Only types and lengths: a provider's own rules are its business.
	bare := make([]govdata.Item, len(items))
	for i, it := range items {
		bare[i] = govdata.Item{Name: it.Name, Type: it.Type, Length: it.Length}
	}
	// Bare items have no date-dependent rule: no clock is needed.
	checker, err := quality.Compile(bare, time.Time{})
	if err != nil {
		return govdata.RowList{}, err
	}
	out := govdata.RowList{Items: []govdata.DatasetRow{}, NextCursor: ans.NextCursor}
	row := make([]string, len(items))
	for n, obj := range ans.Items {
		r := govdata.DatasetRow{Values: map[string]*string{}}
		for i := range row {
			row[i] = ""
		}
		for field, raw := range obj {
			i, ok := byField[field]
			if !ok {
				return govdata.RowList{}, govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceResponse, fmt.Sprintf("row %d: unknown field %q", n+1, field))
			}
			v, ok := ingest.Scalar(raw)
			if !ok {
				return govdata.RowList{}, govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceResponse, fmt.Sprintf("row %d: %s is not a scalar", n+1, field))
			}
			row[i] = v
			if string(raw) != "null" {
				val := v
				r.Values[items[i].Name] = &val
			} else {
				r.Values[items[i].Name] = nil
			}
		}
		if viol := checker.Check(row, nil); len(viol) > 0 {
			it := items[viol[0].Item]
			return govdata.RowList{}, govdata.Errorf(govdata.ECONFLICT, govdata.MsgSourceResponse,
				fmt.Sprintf("row %d: %s is not of type %s", n+1, it.Name, it.Type))
		}
		out.Items = append(out.Items, r)
	}
	return out, nil
}
