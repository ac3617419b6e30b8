package http

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// The query string of a records, export or changes call (SHR-4) is read
// here into a govdata.ServiceQuery: what needs only the query string —
// each parameter once, the limit's bounds, grant_id, the format, the
// number and length of filters — is checked here; what needs the grant
// (items granted, sealed items, live entries) is the service's.

// Messages of a malformed data-service query string.
var (
	msgServiceParam   = govdata.Msg{ZH: "参数 %s 只能出现一次", EN: "the parameter %s may appear only once"}
	msgServiceLimit   = govdata.Msg{ZH: "limit 应为 1 到 %d 的整数", EN: "limit must be a whole number from 1 to %d"}
	msgServiceFormat  = govdata.Msg{ZH: "format 应为 csv、json 或 xlsx", EN: "format must be csv, json or xlsx"}
	msgServiceGrantID = govdata.Msg{ZH: "grant_id 应为正整数", EN: "grant_id must be a positive whole number"}
)

// reservedParams are the query parameters that are not filters.
var reservedParams = []string{"fields", "sort", "limit", "cursor", "grant_id", "format"}

// serviceQuery reads the query string of a data-service call. A malformed
// one is refused before the call reaches the service, and recorded by it
// like its other refusals (SHR-4: every call, answered or refused, is one
// record, committed with its nonce).
func (s *Server) serviceQuery(r *http.Request, op govdata.ServiceOp) (govdata.ServiceQuery, error) {
	q, err := ParseServiceQuery(r.URL.Query())
	if err != nil {
		return q, s.svc.Data.Refuse(r.Context(), op, r.PathValue("code"), err)
	}
	return q, nil
}

// ParseServiceQuery reads a data-service query string: fields=a,b;
// item=v, item__gte=v, item__lte=v; sort=item or sort=-item; limit
// (1–MaxLimit: a larger one is refused, not cut; DefaultLimit when
// absent); cursor; grant_id; format. Every problem is named by its
// parameter in one EINVALID error.
func ParseServiceQuery(v url.Values) (govdata.ServiceQuery, error) {
	var q govdata.ServiceQuery
	var fe govdata.FieldErrors
	for _, name := range slices.Sorted(maps.Keys(v)) {
		if len(v[name]) != 1 {
			fe.Add(name, msgServiceParam, name)
		}
	}
	if s := v.Get("fields"); s != "" {
		for f := range strings.SplitSeq(s, ",") {
			if f = strings.TrimSpace(f); f != "" && !slices.Contains(q.Fields, f) {
				q.Fields = append(q.Fields, f)
			}
		}
	}
	if s := v.Get("sort"); s != "" {
		q.Sort, q.Desc = strings.TrimPrefix(s, "-"), strings.HasPrefix(s, "-")
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > govdata.MaxLimit {
			fe.Add("limit", msgServiceLimit, govdata.MaxLimit)
		}
		q.Limit = n
	}
	if q.Limit == 0 {
		q.Limit = govdata.DefaultLimit
	}
	q.Cursor = v.Get("cursor")
	if s := v.Get("grant_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			fe.Add("grant_id", msgServiceGrantID)
		}
		q.GrantID = n
	}
	if s := v.Get("format"); s != "" {
		if s != "csv" && s != "json" && s != "xlsx" {
			fe.Add("format", msgServiceFormat)
		}
		q.Format = s
	}
	for _, name := range slices.Sorted(maps.Keys(v)) {
		if slices.Contains(reservedParams, name) {
			continue
		}
		f := govdata.ServiceFilter{Item: name, Op: govdata.FilterEq, Value: v.Get(name)}
		if item, ok := strings.CutSuffix(name, "__gte"); ok {
			f.Item, f.Op = item, govdata.FilterGTE
		} else if item, ok := strings.CutSuffix(name, "__lte"); ok {
			f.Item, f.Op = item, govdata.FilterLTE
		}
		if len([]rune(f.Value)) > govdata.MaxFilterValue {
			fe.Add(name, govdata.MsgServiceValue, govdata.MaxFilterValue)
		}
		q.Filters = append(q.Filters, f)
	}
	if len(q.Filters) > govdata.MaxServiceFilters {
		fe.Add("filters", govdata.MsgServiceFilters, govdata.MaxServiceFilters)
	}
	return q, fe.Err()
}
