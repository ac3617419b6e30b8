package ingest_test

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ingest"
)

var items = []govdata.Item{
	{Name: "公民身份号码", Type: govdata.ItemChar, Rules: &govdata.Rules{Required: true}},
	{Name: "姓名", Type: govdata.ItemChar},
	{Name: "住址", Type: govdata.ItemChar},
}

type row struct {
	line   int
	reason string
	values []string
}

func readAll(t *testing.T, src []byte) ([]row, error) {
	t.Helper()
	c, err := ingest.NewCSV(bytes.NewReader(src), items)
	if err != nil {
		return nil, err
	}
	var out []row
	for {
		r, line, reason, err := c.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, row{line, reason, slices.Clone(r)})
	}
}

func TestCSV(t *testing.T) {
	src := "姓名,公民身份号码 ,住址\n张三,11010519491231002X,\"哈尔滨市道里区\n中央大街 1 号\"\n李四,110105194912310021,\"有,逗号\"\n"
	for name, data := range map[string][]byte{
		"utf-8":     []byte(src),
		"utf-8 BOM": append([]byte("\xef\xbb\xbf"), src...),
		"gbk":       mustGBK(t, src),
		"crlf":      []byte(strings.ReplaceAll(src, "\n", "\r\n")),
	} {
		t.Run(name, func(t *testing.T) {
			rows, err := readAll(t, data)
			if err != nil {
				t.Fatal(err)
			}
			want := []row{
				{2, "", []string{"11010519491231002X", "张三", "哈尔滨市道里区\n中央大街 1 号"}},
				{4, "", []string{"110105194912310021", "李四", "有,逗号"}},
			}
			if len(rows) != 2 || !slices.Equal(rows[0].values, want[0].values) || !slices.Equal(rows[1].values, want[1].values) ||
				rows[0].line != 2 || rows[1].line != 4 {
				t.Fatalf("rows %+v", rows)
			}
		})
	}
}

func mustGBK(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCSVRejectsRows(t *testing.T) {
	rows, err := readAll(t, []byte("公民身份号码,姓名\n1,a\n2\n3,b,c\n4,d\x00e\n5,e\n"))
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, r := range rows {
		reasons = append(reasons, r.reason)
	}
	if !slices.Equal(reasons, []string{"", ingest.ReasonRagged, ingest.ReasonRagged, ingest.ReasonNUL, ""}) || rows[4].values[0] != "5" {
		t.Fatalf("rows %+v", rows)
	}
}

func TestCSVRefusesFiles(t *testing.T) {
	long := "公民身份号码\n" + strings.Repeat("x", ingest.MaxLineBytes+10) + "\n"
	for name, tc := range map[string]struct {
		src  string
		want govdata.Msg
	}{
		"empty":          {"", ingest.MsgHeaderEmpty},
		"blank header":   {" \n1\n", ingest.MsgHeaderEmpty},
		"unknown column": {"公民身份号码,电话\n", ingest.MsgHeaderUnknown},
		"repeated":       {"公民身份号码,姓名,姓名\n", ingest.MsgHeaderRepeat},
		"required gone":  {"姓名,住址\n", ingest.MsgHeaderMissing},
		"bare quote":     {"公民身份号码\na\"b\n", ingest.MsgCSVSyntax},
		"10 MB field":    {long, ingest.MsgLineTooLong},
		// encoding/csv holds a record whole, however many lines its
		// quoted field spans.
		"a quoted field of short lines":     {"公民身份号码\n\"" + strings.Repeat("x\n", ingest.MaxLineBytes/2+10) + "\"\n", ingest.MsgLineTooLong},
		"short lines with escaped quotes":   {"公民身份号码\n\"" + strings.Repeat("\"\"x\r\n", ingest.MaxLineBytes/5+10) + "\"\n", ingest.MsgLineTooLong},
		"a quoted field after a closed one": {"公民身份号码,姓名\n\"a\nb\",\"" + strings.Repeat("y\n", ingest.MaxLineBytes/2+10) + "\"\n", ingest.MsgLineTooLong},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readAll(t, []byte(tc.src))
			var e *govdata.Error
			if !errors.As(err, &e) || e.Code != govdata.EINVALID || e.Message.Msg != tc.want {
				t.Fatalf("%v, want %q", err, tc.want.EN)
			}
		})
	}
}

// Records of quoted fields over several lines, 1.6 MB together, are read:
// the bound is each record's, not the file's.
func TestCSVQuotedLinesManyRecords(t *testing.T) {
	const n = 200_000
	rows, err := readAll(t, []byte("公民身份号码,姓名\n"+strings.Repeat("\"1\n2\",\"a\"\"\nb\"\n", n)))
	if err != nil || len(rows) != n || rows[n-1].values[0] != "1\n2" {
		t.Fatalf("%d rows, err %v; want %d", len(rows), err, n)
	}
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("公民身份号码,姓名\n1,a\n\"2\",\"b\"\"c\"\n"))
	f.Add(mustGBKf(f, "公民身份号码,姓名\n1,张三\n"))
	f.Add([]byte("\xef\xbb\xbf公民身份号码\n\x00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ingest.NewCSV(bytes.NewReader(data), items)
		if err != nil {
			var e *govdata.Error
			if !errors.As(err, &e) && !strings.HasPrefix(err.Error(), "ingest:") {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		for range 10000 {
			r, _, _, err := c.Next()
			if err != nil {
				return
			}
			if len(r) != len(items) {
				t.Fatalf("row of %d values", len(r))
			}
		}
	})
}

func mustGBKf(f *testing.F, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// Reading a 10-column CSV (the parse alone; issue 5's ingest benchmark
// adds checks and storage).
func BenchmarkCSV(b *testing.B) {
	cols := make([]govdata.Item, 10)
	var header []string
	for i := range cols {
		cols[i] = govdata.Item{Name: "列" + string(rune('A'+i)), Type: govdata.ItemChar}
		header = append(header, cols[i].Name)
	}
	var buf bytes.Buffer
	buf.WriteString(strings.Join(header, ",") + "\n")
	line := "11010519491231002X,13812345678,42,2025-06-30,张三,哈尔滨市道里区,备注信息,x,y,z\n"
	const rows = 100000
	for range rows {
		buf.WriteString(line)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		c, err := ingest.NewCSV(bytes.NewReader(data), cols)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, _, _, err := c.Next(); err != nil {
				break
			}
		}
	}
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
}
