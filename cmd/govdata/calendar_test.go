package main

import (
	"strings"
	"testing"

	"github.com/govdata/govdata/sqlstore/storetest"
)

func TestCalendarCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		// The shipped years are there from the first command on.
		out := c.mustRun("calendar show", "2026")
		for _, want := range []string{"2026-02-14 Sat 班 春节", "2026-02-23 Mon 休 春节", "2026-10-10 Sat 班 国庆节"} {
			if !strings.Contains(out, want) {
				t.Errorf("calendar show 2026 lacks %q:\n%s", want, out)
			}
		}
		if out := c.mustRun("calendar show", "2027"); !strings.Contains(out, "not loaded") {
			t.Errorf("calendar show 2027: %q", out)
		}
		file := writeFile(t, "2027.json", `{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
			"holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}],
			"workdays": [{"name": "春节", "date": "2027-02-06"}]}`)
		if out := c.mustRun("calendar load", file); !strings.Contains(out, "loaded 2027") {
			t.Errorf("calendar load: %q", out)
		}
		if out := c.mustRun("calendar show", "2027"); !strings.Contains(out, "2027-02-06 Sat 班 春节") {
			t.Errorf("calendar show 2027 after loading: %q", out)
		}
		bad := writeFile(t, "bad.json", `{"year": 2027, "source": "x", "workdays": [{"name": "春节", "date": "2027-02-08"}]}`)
		if _, stderr, code := c.run("calendar load", bad); code != 1 || !strings.Contains(stderr, "2027-02-08") {
			t.Errorf("loading a working Monday: exit %d, stderr %q; want 1 naming the day", code, stderr)
		}
		if _, _, code := c.run("calendar"); code != 2 {
			t.Errorf("calendar without a subcommand: exit %d, want 2", code)
		}
	})
}
