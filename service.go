package govdata

import (
	"context"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// The data service (SHR-4): a consumer's system, signing each call with a
// credential bound to its grant, reads the granted items of the granted
// rows, masked (SHR-5); verifies values without receiving data; exports
// files; follows changes. Every call, answered or refused, is one audit
// record committed before the answer leaves (SHR-4, SJZ-S-22).

// ServiceOp names a data-service call, in its audit record and usage.
type ServiceOp string

// Data-service calls and the grant method each needs (SHR-1: api,
// file, subscription).
const (
	OpRecords ServiceOp = "records"
	OpVerify  ServiceOp = "verify"
	OpExport  ServiceOp = "export"
	OpChanges ServiceOp = "changes"
)

// Method is the grant method a call needs: records and verify are the
// API; export is the file method; changes the subscription.
func (op ServiceOp) Method() ShareMethod {
	switch op {
	case OpExport:
		return MethodFile
	case OpChanges:
		return MethodSubscription
	}
	return MethodAPI
}

// FilterOp compares an item with a value.
type FilterOp string

// Filter operators: item=v, item__gte=v, item__lte=v.
const (
	FilterEq  FilterOp = "eq"
	FilterGTE FilterOp = "gte"
	FilterLTE FilterOp = "lte"
)

// ServiceFilter is one condition of a query.
type ServiceFilter struct {
	Item  string
	Op    FilterOp
	Value string
}

// ServiceQuery is a records, export or changes call's query, as read
// from its query string by the HTTP layer (which refuses a malformed one
// before the service sees it) or made by verify (VerifyQuery). Whether
// its items are granted, sealed or served live is the service's to check.
type ServiceQuery struct {
	// GrantID picks the grant when the credential holds several on the
	// entry; 0 lets the service find the one.
	GrantID int64
	// Fields are the items wanted; empty: every granted item.
	Fields  []string
	Filters []ServiceFilter
	Sort    string // an item; empty: the stored order
	Desc    bool
	Format  string // export: csv, json or xlsx
	// Page: a Limit of 0 is DefaultLimit, one above MaxLimit is MaxLimit
	// (Page.Normalize).
	Page
}

// Limits of a data-service query: of its filters, or of a verify call's
// items, and of each value.
const (
	MaxServiceFilters = 20
	MaxFilterValue    = 200
)

// Messages of the data service.
var (
	MsgServiceFilters    = Msg{"过滤条件最多 %d 个", "at most %d filters"}
	MsgServiceValue      = Msg{"过滤值最长 %d 个字符", "a filter value is at most %d characters"}
	MsgServiceUnknown    = Msg{"未知的资源代码", "unknown resource code"}
	MsgServiceNoGrant    = Msg{"本应用凭证没有该资源的有效授权", "this credential holds no grant on this resource"}
	MsgServiceGrantState = Msg{"授权当前状态为 %s，不能调用", "the grant is %s; calls are refused"}
	MsgServiceMethod     = Msg{"授权的共享方式为 %s，不含此调用（需 %s）", "the grant's method is %s; this call needs %s"}
	MsgServiceSeveral    = Msg{"本应用凭证在该资源上有多个授权（%s），请用 grant_id 指明", "this credential holds several grants on this resource (%s); name one with grant_id"}
	MsgServiceItem       = Msg{"未获授权的信息项：%s", "item not granted: %s"}
	MsgServiceSealed     = Msg{"信息项“%s”加密存储，只能按等值查询，不能排序或按范围查询", "the item %q is encrypted at rest: only equality filters, no sort or ranges"}
	MsgServiceLive       = Msg{"该资源由提供部门接口实时提供，只支持等值过滤，不支持排序、范围查询、导出和变更订阅", "this resource is served live by the provider: equality filters only; no sort, ranges, export or changes"}
	MsgServiceExport     = Msg{"导出敏感（3–4 级）信息项“%s”需要授权中的导出许可", "exporting the sensitive (level 3–4) item %q needs the grant's export permission"}
	MsgServiceMatch      = Msg{"match 至少给出一个信息项", "match needs at least one item"}
	MsgServiceRate       = Msg{"核验调用过于频繁，请 %d 秒后重试", "too many verify calls; retry in %d seconds"}
	// MsgServiceMaskedRate: an equality filter on an item masked for the
	// grant is a verification and spends the verify allowance (SHR-4).
	MsgServiceMaskedRate = Msg{"按对本授权脱敏的信息项（%s）等值查询视为核验，核验调用过于频繁，请 %d 秒后重试", "an equality filter on an item masked for this grant (%s) is a verification; too many verifications, retry in %d seconds"}
	MsgServiceNoData     = Msg{"该资源尚无数据", "this resource holds no data yet"}
)

// VerifyQuery is a verify call as a query: one equality per item, at
// most MaxServiceFilters.
func VerifyQuery(in VerifyInput) (ServiceQuery, error) {
	q := ServiceQuery{GrantID: in.GrantID, Page: Page{Limit: 1}}
	var fe FieldErrors
	switch {
	case len(in.Match) == 0:
		fe.Add("match", MsgServiceMatch)
	case len(in.Match) > MaxServiceFilters:
		fe.Add("match", MsgServiceFilters, MaxServiceFilters)
	}
	for _, item := range slices.Sorted(maps.Keys(in.Match)) {
		value := in.Match[item]
		if len([]rune(value)) > MaxFilterValue {
			fe.Add("match."+item, MsgServiceValue, MaxFilterValue)
		}
		q.Filters = append(q.Filters, ServiceFilter{Item: item, Op: FilterEq, Value: value})
	}
	return q, fe.Err()
}

// Items lists every item the query names: its fields, filters and sort.
func (q ServiceQuery) Items() []string {
	out := slices.Clone(q.Fields)
	for _, f := range q.Filters {
		out = append(out, f.Item)
	}
	if q.Sort != "" {
		out = append(out, q.Sort)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// OutsideGrant lists the items a query names that the grant does not
// give, sorted; a call naming any is refused and counted (SHR-6).
func OutsideGrant(g *Grant, items []string) []string {
	var out []string
	for _, it := range items {
		if !slices.Contains(g.Items, it) {
			out = append(out, it)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Record is one row as served: item name → value, null as nil.
type Record map[string]*string

// MarshalJSON writes the record's items in name order, as encoding/json
// would, without its reflection: a records call's answer is mostly this.
func (r Record) MarshalJSON() ([]byte, error) { return r.AppendJSON(make([]byte, 0, 32*len(r)+2)), nil }

// AppendJSON appends the record as JSON.
func (r Record) AppendJSON(b []byte) []byte {
	var buf [16]string
	keys := buf[:0]
	for k := range r {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		if v := r[k]; v != nil {
			b = appendJSONString(b, *v)
		} else {
			b = append(b, "null"...)
		}
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, and invalid UTF-8 as U+FFFD, as
// encoding/json does (and <, >, & escaped like it, for the same pages).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// ServiceRecords is a page of a records call.
type ServiceRecords struct {
	GrantID    int64    `json:"grant_id"`
	Items      []Record `json:"items"`
	NextCursor string   `json:"next_cursor,omitempty"`
}

// MarshalJSON writes the page as encoding/json would, records without
// reflection.
func (p ServiceRecords) MarshalJSON() ([]byte, error) { return p.AppendJSON(nil), nil }

// AppendJSON appends the page as JSON.
func (p ServiceRecords) AppendJSON(b []byte) []byte {
	b = append(b, `{"grant_id":`...)
	b = strconv.AppendInt(b, p.GrantID, 10)
	b = append(b, `,"items":[`...)
	for i, r := range p.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = r.AppendJSON(b)
	}
	b = append(b, ']')
	if p.NextCursor != "" {
		b = append(b, `,"next_cursor":`...)
		b = appendJSONString(b, p.NextCursor)
	}
	return append(b, '}')
}

// VerifyInput asks whether a row with these values exists (核验), within
// the grant's rows.
type VerifyInput struct {
	GrantID int64             `json:"grant_id,omitempty"`
	Match   map[string]string `json:"match"`
}

// VerifyResult answers a verify call: yes or no, nothing else.
type VerifyResult struct {
	GrantID int64 `json:"grant_id"`
	Matched bool  `json:"matched"`
}

// ChangeOp is what happened to a row.
type ChangeOp string

// Change operations.
const (
	ChangeUpsert ChangeOp = "upsert" // added or changed: the row as it is now
	ChangeDelete ChangeOp = "delete" // removed: the row as it was
)

// Change is one changed row of a subscription.
type Change struct {
	Op ChangeOp `json:"op"`
	// ID names the row version: a removal names the version given before.
	ID  string `json:"id"`
	Row Record `json:"row"`
}

// ServiceChanges is a page of changes since a cursor; the next cursor
// continues from there (also when the page is empty, to poll again).
type ServiceChanges struct {
	GrantID    int64    `json:"grant_id"`
	Items      []Change `json:"items"`
	NextCursor string   `json:"next_cursor"`
	HasMore    bool     `json:"has_more"` // ask again at once
}

// ServiceExport is a file being exported: its rows are counted and the
// call recorded before the first byte is written (SEC-5).
type ServiceExport struct {
	GrantID int64
	Format  string
	Items   []string
	Rows    int64
	// Trace marks the file for its recipient: a leaked file names the
	// grant and the call that received it (SEC-5, SJZ-S-27).
	Trace string
	// WriteTo streams the masked rows.
	WriteTo func(w io.Writer) error
}

// ExportTrace is what a trace mark found in a leaked file tells.
type ExportTrace struct {
	Trace              string    `json:"trace"`
	GrantID            int64     `json:"grant_id"`
	CredentialID       int64     `json:"credential_id"`
	ConsumerDepartment int64     `json:"consumer_department_id"`
	EntryID            int64     `json:"entry_id"`
	Format             string    `json:"format"`
	Items              []string  `json:"items"`
	Rows               int64     `json:"rows"`
	At                 time.Time `json:"at"`
}

// DataService is the data service (SHR-4). Each method authenticates
// nothing itself: the caller is the signed credential in ctx. Refusals of
// the four calls: ENOTFOUND for an unknown resource code; EFORBIDDEN for
// no usable grant, a suspended or expired one, another method, or an item
// outside it; EINVALID for a query the entry or the grant cannot answer (a
// sealed or masked item sorted or ranged, a bad cursor, several usable
// grants and none named); ETOOMANY past the credential's verify allowance,
// which verify calls and records or export calls with an equality filter
// on an item masked for the grant spend alike; EUNAUTHORIZED for a
// replayed nonce (spent with the call's record) or a credential revoked
// or rotated since the call was verified; ECONFLICT when sealed
// items need data keys the platform lacks, or a live provider cannot
// answer (AGG-5). The query string is parsed by the caller (http).
type DataService interface {
	// Records answers a page of the grant's rows, masked; the refusals above.
	Records(ctx context.Context, code string, q ServiceQuery) (*ServiceRecords, error)
	// Verify answers whether a row matches in.Match within the grant; the
	// refusals above, EINVALID for a match that is empty or too large.
	Verify(ctx context.Context, code string, in VerifyInput) (*VerifyResult, error)
	// Export answers a file of the grant's rows; the refusals above, and
	// EFORBIDDEN for an item at sensitivity 3–4 without the grant's export
	// permission (SEC-5), EINVALID for a live entry.
	Export(ctx context.Context, code string, q ServiceQuery) (*ServiceExport, error)
	// Changes answers the rows changed after the cursor; the refusals
	// above, and EINVALID for filters, a sort or a format, or a live entry.
	Changes(ctx context.Context, code string, q ServiceQuery) (*ServiceChanges, error)
	// Refuse records a call refused before it reached the service (a
	// malformed query string or body) and returns err, or the recording's
	// error (EUNAUTHORIZED for a replayed nonce).
	Refuse(ctx context.Context, op ServiceOp, code string, err error) error
	// FindExportTrace tells who received a file (the secadmin, the
	// auditor: EFORBIDDEN for anyone else); ENOTFOUND for an unknown trace.
	FindExportTrace(ctx context.Context, trace string) (*ExportTrace, error)
}
