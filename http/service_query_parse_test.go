package http

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/govdata/govdata"
)

// TestParseServiceQuery: what a well-formed query string asks for. The
// refusals, and their records, are TestServiceQueryRefused's.
func TestParseServiceQuery(t *testing.T) {
	twenty := url.Values{}
	var filters []govdata.ServiceFilter
	for i := range govdata.MaxServiceFilters {
		name := "项" + strconv.Itoa(10+i)
		twenty.Set(name, strings.Repeat("值", govdata.MaxFilterValue))
		filters = append(filters, govdata.ServiceFilter{Item: name, Op: govdata.FilterEq, Value: strings.Repeat("值", govdata.MaxFilterValue)})
	}
	for _, c := range []struct {
		query string
		want  govdata.ServiceQuery
	}{
		{"", govdata.ServiceQuery{Page: govdata.Page{Limit: govdata.DefaultLimit}}},
		{"fields=a,+b,a,,&sort=-x&limit=500&cursor=c1&grant_id=7&format=xlsx", govdata.ServiceQuery{
			Fields: []string{"a", "b"}, Sort: "x", Desc: true, GrantID: 7, Format: "xlsx", Page: govdata.Page{Limit: 500, Cursor: "c1"}}},
		{"sort=x&limit=1", govdata.ServiceQuery{Sort: "x", Page: govdata.Page{Limit: 1}}},
		// Filters in the order of their parameters' names.
		{"b__lte=2&a=1&a__gte=0&c__gt=3", govdata.ServiceQuery{Page: govdata.Page{Limit: govdata.DefaultLimit}, Filters: []govdata.ServiceFilter{
			{Item: "a", Op: govdata.FilterEq, Value: "1"}, {Item: "a", Op: govdata.FilterGTE, Value: "0"},
			{Item: "b", Op: govdata.FilterLTE, Value: "2"}, {Item: "c__gt", Op: govdata.FilterEq, Value: "3"}}}},
		// As many filters, as long, as allowed.
		{twenty.Encode(), govdata.ServiceQuery{Page: govdata.Page{Limit: govdata.DefaultLimit}, Filters: filters}},
	} {
		v, err := url.ParseQuery(c.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseServiceQuery(v)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, %v; want %+v", c.query, got, err, c.want)
		}
	}
}
