package source_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	_ "github.com/go-sql-driver/mysql"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/source"
	"github.com/govdata/govdata/sqlstore/storetest"
)

var items = []govdata.Item{
	{Name: "公民身份号码", Type: govdata.ItemChar, Length: 18, Key: true},
	{Name: "姓名", Type: govdata.ItemChar, Length: 50},
	{Name: "出生日期", Type: govdata.ItemDate},
	{Name: "缴费基数", Type: govdata.ItemMoney, Length: 12},
}

func readAll(t *testing.T, rd govdata.RowReader) [][]string {
	t.Helper()
	defer rd.Close()
	var out [][]string
	for {
		row, _, reason, err := rd.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if reason != "" {
			t.Fatalf("row rejected: %s", reason)
		}
		out = append(out, slices.Clone(row))
	}
}

func TestValidate(t *testing.T) {
	for name, c := range map[string]struct {
		in    govdata.SourceInput
		field string
	}{
		"kind":            {govdata.SourceInput{Kind: "ftp", URL: "ftp://x"}, "kind"},
		"password in url": {govdata.SourceInput{Kind: govdata.SourcePostgres, URL: "postgres://u:p@db:5432/x", Table: "t"}, "url"},
		"no database":     {govdata.SourceInput{Kind: govdata.SourcePostgres, URL: "postgres://db:5432", Table: "t"}, "url"},
		"table injection": {govdata.SourceInput{Kind: govdata.SourceMySQL, URL: "mysql://db:3306/x", Username: "u", Table: "t; DROP TABLE t"}, "table"},
		"no username":     {govdata.SourceInput{Kind: govdata.SourcePostgres, URL: "postgres://db:5432/x", Table: "t"}, "username"},
		"passfile":        {govdata.SourceInput{Kind: govdata.SourcePostgres, URL: "postgres://db:5432/x?passfile=/root/.pgpass", Username: "u", Table: "t"}, "url"},
		"http scheme":     {govdata.SourceInput{Kind: govdata.SourceHTTP, URL: "file:///etc/passwd"}, "url"},
		"interval":        {govdata.SourceInput{Kind: govdata.SourceHTTP, URL: "https://a.gov.cn/x", EveryMinutes: 1}, "every_minutes"},
		"timeout":         {govdata.SourceInput{Kind: govdata.SourceLive, URL: "https://a.gov.cn/x", TimeoutSeconds: 999}, "timeout_seconds"},
		"mode":            {govdata.SourceInput{Kind: govdata.SourceHTTP, URL: "https://a.gov.cn/x", Mode: "append"}, "mode"},
	} {
		err := source.Validate(c.in)
		var e *govdata.Error
		if !errors.As(err, &e) || e.Fields[c.field].Msg.ZH == "" {
			t.Errorf("%s: %v, want a field error on %s", name, err, c.field)
		}
	}
	if err := source.Validate(govdata.SourceInput{Kind: govdata.SourcePostgres, URL: "postgres://db.gov.cn:5432/people?sslmode=require", Username: "reader", Table: "public.residents", EveryMinutes: 60}); err != nil {
		t.Errorf("a good source: %v", err)
	}
}

// fillTable makes the provider's table in db.
func fillTable(t *testing.T, db *sql.DB, create string) {
	t.Helper()
	for _, q := range []string{create,
		"INSERT INTO residents (id_no, name, born, base, note) VALUES ('11010519491231002X', '张三', '1949-12-31', 3500.50, 'x')",
		"INSERT INTO residents (id_no, name, born, base, note) VALUES ('110105194912310038', '李四', NULL, NULL, 'y')",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

func checkTable(t *testing.T, in govdata.SourceInput) {
	t.Helper()
	in.Columns = map[string]string{"公民身份号码": "id_no", "姓名": "NAME", "出生日期": "born", "缴费基数": "base"}
	rd, err := source.Connector{}.Open(context.Background(), in, items)
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, rd)
	want := [][]string{{"11010519491231002X", "张三", "1949-12-31", "3500.50"}, {"110105194912310038", "李四", "", ""}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	check := source.Connector{}.Check(context.Background(), in, items)
	if !check.OK || check.SampleRows != 2 || len(check.Columns) != 5 || len(check.MissingItems) != 0 {
		t.Errorf("check %+v", check)
	}
	// Without the mapping no column is named like an item: nothing to read.
	in.Columns = nil
	if check := (source.Connector{}).Check(context.Background(), in, items); check.OK || check.Error == nil {
		t.Errorf("check without a mapping %+v", check)
	}
	in.Table = "nosuch"
	if check := (source.Connector{}).Check(context.Background(), in, items); check.OK || check.Error == nil || !strings.Contains(check.Error.EN, "could not be reached") {
		t.Errorf("check of a missing table %+v", check)
	}
}

func TestPullPostgres(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("GOVDATA_TEST_POSTGRES is not set")
	}
	dsn := storetest.CreateDatabase(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fillTable(t, db, `CREATE TABLE residents (id_no TEXT, name TEXT, born DATE, base NUMERIC(12,2), note TEXT)`)
	u, _ := url.Parse(dsn)
	in := govdata.SourceInput{Kind: govdata.SourcePostgres, URL: "postgres://" + u.Host + u.Path + "?sslmode=disable", Username: u.User.Username(), Table: "public.residents"}
	checkTable(t, in)
}

// TestPullMySQL runs against MariaDB at GOVDATA_TEST_MYSQL
// (mysql://127.0.0.1:3306, user root; .ci/run sets it).
func TestPullMySQL(t *testing.T) {
	addr := os.Getenv("GOVDATA_TEST_MYSQL")
	if addr == "" {
		t.Skip("GOVDATA_TEST_MYSQL is not set")
	}
	u, err := url.Parse(addr)
	if err != nil {
		t.Fatal(err)
	}
	user := "root"
	if u.User != nil {
		user = u.User.Username()
	}
	admin, err := sql.Open("mysql", user+"@tcp("+u.Host+")/")
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("govdata_src_%d", os.Getpid())
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("MariaDB at GOVDATA_TEST_MYSQL is not usable: %v", err)
	}
	t.Cleanup(func() { admin.Exec("DROP DATABASE " + name) })
	db, err := sql.Open("mysql", user+"@tcp("+u.Host+")/"+name+"?charset=utf8mb4")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fillTable(t, db, "CREATE TABLE residents (id_no VARCHAR(18), name VARCHAR(50), born DATE, base DECIMAL(12,2), note TEXT)")
	checkTable(t, govdata.SourceInput{Kind: govdata.SourceMySQL, URL: "mysql://" + u.Host + "/" + name, Username: user, Table: "residents"})
}

func TestPullHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Authorization") != "Bearer s3cret":
			http.Error(w, "no", http.StatusUnauthorized)
		case r.URL.Path == "/moved":
			http.Redirect(w, r, "/rows", http.StatusFound)
		case r.URL.Path == "/broken":
			io.WriteString(w, `{"rows": [{"姓名": }`)
		default:
			io.WriteString(w, `{"rows": [{"id": "11010519491231002X", "姓名": "张三", "缴费基数": 3500.5}]}`)
		}
	}))
	defer srv.Close()
	in := govdata.SourceInput{Kind: govdata.SourceHTTP, URL: srv.URL + "/rows", Secret: "s3cret", Columns: map[string]string{"公民身份号码": "id"}}
	rd, err := source.Connector{}.Open(context.Background(), in, items)
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, rd); fmt.Sprint(got) != fmt.Sprint([][]string{{"11010519491231002X", "张三", "", "3500.5"}}) {
		t.Errorf("rows %q", got)
	}
	for name, bad := range map[string]govdata.SourceInput{
		"wrong token": {Kind: govdata.SourceHTTP, URL: srv.URL + "/rows", Secret: "guess"},
		"redirect":    {Kind: govdata.SourceHTTP, URL: srv.URL + "/moved", Secret: "s3cret"},
		"nobody":      {Kind: govdata.SourceHTTP, URL: "http://127.0.0.1:1/rows", Secret: "s3cret"},
	} {
		if _, err := (source.Connector{}).Open(context.Background(), bad, items); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("%s: %v", name, err)
		}
	}
	rd, err = source.Connector{}.Open(context.Background(), govdata.SourceInput{Kind: govdata.SourceHTTP, URL: srv.URL + "/broken", Secret: "s3cret"}, items)
	if err == nil {
		_, _, _, err = rd.Next()
		rd.Close()
	}
	if err == nil {
		t.Error("a broken answer read without error")
	}
}

// AGG-5: the live adapter passes the query on and types the answer.
func TestLive(t *testing.T) {
	var asked url.Values
	answer := `{"items": [{"公民身份号码": "11010519491231002X", "姓名": "张三", "缴费基数": 3500.5, "出生日期": null}], "next_cursor": "c2"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.Query()
		io.WriteString(w, answer)
	}))
	defer srv.Close()
	in := govdata.SourceInput{Kind: govdata.SourceLive, URL: srv.URL + "/api/people"}
	got, err := source.Connector{}.Query(context.Background(), in, items, map[string]string{"公民身份号码": "11010519491231002X"}, govdata.Page{Limit: 10, Cursor: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if asked.Get("where") != "公民身份号码:11010519491231002X" || asked.Get("limit") != "10" || asked.Get("cursor") != "c1" {
		t.Errorf("asked %v", asked)
	}
	if len(got.Items) != 1 || *got.Items[0].Values["姓名"] != "张三" || got.Items[0].Values["出生日期"] != nil || got.NextCursor != "c2" {
		t.Fatalf("rows %+v", got)
	}
	if c := (source.Connector{}).Check(context.Background(), in, items); !c.OK || c.SampleRows != 1 || len(c.Columns) != 4 {
		t.Errorf("check %+v", c)
	}
	for _, bad := range []string{
		`{"items": [{"籍贯": "黑龙江"}]}`,
		`{"items": [{"缴费基数": "很多"}]}`,
		`{"items": [{"姓名": ["张三"]}]}`,
		`<html>`,
	} {
		answer = bad
		if _, err := (source.Connector{}).Query(context.Background(), in, items, nil, govdata.Page{}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("answer %s: %v", bad, err)
		}
	}
	if _, err := (source.Connector{}).Query(context.Background(), govdata.SourceInput{Kind: govdata.SourceHTTP, URL: srv.URL}, items, nil, govdata.Page{}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
		t.Errorf("a pull source queried live: %v", err)
	}
}

// A deployment denies sources its own host and internal addresses: the
// check is on the connection, after the name is resolved.
func TestDeny(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"rows": [], "items": []}`)
	}))
	defer srv.Close()
	deny := source.Connector{Deny: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	u, _ := url.Parse(srv.URL)
	for _, addr := range []string{srv.URL, "http://localhost:" + u.Port()} {
		if _, err := deny.Open(context.Background(), govdata.SourceInput{Kind: govdata.SourceHTTP, URL: addr + "/rows"}, items); govdata.ErrorCodeOf(err) != govdata.ECONFLICT || !strings.Contains(err.Error(), "not one a source may reach") {
			t.Errorf("pull from %s: %v", addr, err)
		}
		if _, err := deny.Query(context.Background(), govdata.SourceInput{Kind: govdata.SourceLive, URL: addr + "/live"}, items, nil, govdata.Page{}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("live query of %s: %v", addr, err)
		}
	}
	if _, err := (source.Connector{}).Open(context.Background(), govdata.SourceInput{Kind: govdata.SourceHTTP, URL: srv.URL + "/rows"}, items); err != nil {
		t.Errorf("without a deny list: %v", err)
	}
	if dsn := storetest.PostgresDSN(); dsn != "" {
		pu, _ := url.Parse(dsn)
		_, err := deny.Open(context.Background(), govdata.SourceInput{Kind: govdata.SourcePostgres, URL: "postgres://" + pu.Host + "/postgres?sslmode=disable", Username: "postgres", Table: "pg_class"}, items)
		if govdata.ErrorCodeOf(err) != govdata.ECONFLICT || !strings.Contains(err.Error(), "not one a source may reach") {
			t.Errorf("pull from a denied PostgreSQL: %v", err)
		}
	}
	if addr := os.Getenv("GOVDATA_TEST_MYSQL"); addr != "" {
		mu, _ := url.Parse(addr)
		_, err := deny.Open(context.Background(), govdata.SourceInput{Kind: govdata.SourceMySQL, URL: "mysql://" + mu.Host + "/test", Username: "root", Table: "t"}, items)
		if govdata.ErrorCodeOf(err) != govdata.ECONFLICT || !strings.Contains(err.Error(), "not one a source may reach") {
			t.Errorf("pull from a denied MySQL: %v", err)
		}
	}
}
