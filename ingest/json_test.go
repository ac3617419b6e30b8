package ingest_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ingest"
)

func readJSON(t *testing.T, src string) ([]row, error) {
	t.Helper()
	j, err := ingest.NewJSON(strings.NewReader(src), items)
	if err != nil {
		return nil, err
	}
	var out []row
	for {
		r, n, reason, err := j.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, row{n, reason, slices.Clone(r)})
	}
}

func TestJSON(t *testing.T) {
	src := `{"source": {"x": [1, 2]}, "rows": [
		{"姓名": "张三", "公民身份号码": "11010519491231002X", "住址": "哈尔滨市\n道里区"},
		{"公民身份号码 ": 110105194912310021, "住址": null},
		{"姓名": true, "公民身份号码": "\u0031"},
		{"姓名": {"a": 1}},
		{"籍贯": "黑龙江"},
		{"姓名": "a\u0000b"}
	]}`
	got, err := readJSON(t, src)
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{1, "", []string{"11010519491231002X", "张三", "哈尔滨市\n道里区"}},
		{2, "", []string{"110105194912310021", "", ""}},
		{3, "", []string{"1", "true", ""}},
		{4, ingest.ReasonNotScalar, nil},
		{5, ingest.ReasonUnknownItem, nil},
		{6, ingest.ReasonNUL, nil},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].line != want[i].line || got[i].reason != want[i].reason {
			t.Errorf("row %d: got %d %q, want %d %q", i, got[i].line, got[i].reason, want[i].line, want[i].reason)
		}
		if want[i].values != nil && !slices.Equal(got[i].values, want[i].values) {
			t.Errorf("row %d: got %q, want %q", i, got[i].values, want[i].values)
		}
	}
}

func TestJSONRefused(t *testing.T) {
	for name, src := range map[string]string{
		"empty":          ``,
		"array":          `[{"姓名": "张三"}]`,
		"no rows":        `{"data": []}`,
		"rows object":    `{"rows": {"姓名": "张三"}}`,
		"row not object": `{"rows": [1]}`,
		"truncated":      `{"rows": [{"姓名": "张三"}`,
		"bad syntax":     `{"rows": [{"姓名" "张三"}]}`,
		"trailing comma": `{"rows": [{"姓名": "张三"},]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readJSON(t, src)
			var e *govdata.Error
			if !errors.As(err, &e) || e.Code != govdata.EINVALID {
				t.Fatalf("got %v, want an invalid error", err)
			}
		})
	}
}

func FuzzJSON(f *testing.F) {
	f.Add(`{"rows": [{"姓名": "张三", "公民身份号码": 1}]}`)
	f.Add(`{"x": null, "rows": [{}, {"住址": [1]}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		j, err := ingest.NewJSON(strings.NewReader(src), items)
		if err != nil {
			var e *govdata.Error
			if !errors.As(err, &e) {
				t.Fatalf("not a domain error: %v", err)
			}
			return
		}
		for i := 0; i < 1000; i++ {
			r, _, _, err := j.Next()
			if err != nil {
				var e *govdata.Error
				if err != io.EOF && !errors.As(err, &e) {
					t.Fatalf("not a domain error: %v", err)
				}
				return
			}
			if len(r) != len(items) {
				t.Fatalf("row of %d values", len(r))
			}
		}
	})
}

// Compact JSON is one line however long: it is bounded per row, not per
// line.
func TestJSONBounds(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"rows": [`)
	for i := 0; i < 250000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"姓名": "张三张三张三张三张三张三张三张三", "住址": "哈尔滨市道里区中央大街一号"}`)
	}
	b.WriteString(`]}`)
	if b.Len() <= ingest.MaxRowBytes {
		t.Fatal("the test body is too small")
	}
	rows, err := readJSON(t, b.String())
	if err != nil || len(rows) != 250000 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	huge := `{"rows": [{"姓名": "a"}, {"住址": "` + strings.Repeat("长", ingest.MaxRowBytes/2) + `"}]}`
	_, err = readJSON(t, huge)
	var e *govdata.Error
	if !errors.As(err, &e) || e.Code != govdata.EINVALID || !strings.Contains(e.Message.Text("en"), "row 2") {
		t.Fatalf("a row over the bound: %v", err)
	}
}
