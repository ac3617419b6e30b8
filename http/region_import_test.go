package http_test

import (
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// importJob is the region import job as the API answers it.
type importJob struct {
	ID     string                     `json:"id"`
	State  string                     `json:"state"`
	Done   int                        `json:"done"`
	Total  int                        `json:"total"`
	Result govdata.RegionImportResult `json:"result"`
	Error  string                     `json:"error"`
	Line   int                        `json:"line"`
	Text   string                     `json:"text"`
}

// waitImport reads the job until it has ended. The job is the server's
// own goroutine writing to the store: the test waits on the store, not on
// the clock (the 5 s bound only stops a hung test).
func waitImport(t testing.TB, e *env, id string, lang string) importJob {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		j := mustOK[importJob](t, e.do(t, req{method: "GET", path: "/api/v1/regions/imports/" + id, as: "sysadmin",
			header: map[string]string{"Accept-Language": lang}}), 200)
		if j.State != "running" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("import %s still running: %+v", id, j)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// startImport posts a region list as the sysadmin and returns the job.
func startImport(t testing.TB, e *env, csv string) importJob {
	t.Helper()
	return mustOK[importJob](t, e.do(t, req{method: "POST", path: "/api/v1/regions/import", as: "sysadmin", body: csv}), 202)
}

func TestRegionImport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		e := newEnv(t, engine, envOptions{})

		t.Run("the published list with its placeholders", func(t *testing.T) {
			// 统计用区划代码 as published: 金门县 has no townships, so the list
			// carries it as the township 350527000 and the village
			// 350527000000. A BOM, a header, CRLF and a blank line as Excel
			// leaves them.
			csv := "\ufeff代码,名称\r\n350500,泉州市\r\n350527,金门县\r\n\r\n350527000,金门县\r\n350527000000,金门县\r\n350502,鲤城区\r\n350502001,海滨街道\r\n"
			j := startImport(t, e, csv)
			if j.Total != 6 || j.ID == "" {
				t.Fatalf("job %+v, want 6 rows", j)
			}
			j = waitImport(t, e, j.ID, "zh")
			if j.State != "done" || j.Done != 6 || j.Result != (govdata.RegionImportResult{Created: 6}) || j.Error != "" {
				t.Fatalf("job %+v, want done with 6 created", j)
			}
			for code, level := range map[string]govdata.RegionLevel{"350527000": govdata.RegionTownship, "350527000000": govdata.RegionVillage} {
				r := mustOK[govdata.Region](t, e.do(t, req{method: "GET", path: "/api/v1/regions/" + code, as: "officer"}), 200)
				if r.Level != level || r.Name != "金门县" {
					t.Errorf("%s: %+v, want %s 金门县", code, r, level)
				}
			}
			// Again: nothing new, nothing renamed.
			j = waitImport(t, e, startImport(t, e, csv).ID, "zh")
			if j.State != "done" || j.Result != (govdata.RegionImportResult{Unchanged: 6}) {
				t.Fatalf("second import %+v, want 6 unchanged", j)
			}
		})

		t.Run("a bad line is refused with its line, its text and what is wrong", func(t *testing.T) {
			tests := []struct {
				name, csv, lang string
				line            int
				text, message   string
			}{
				{"too short", "code,name\n350600,漳州市\n35060,芗城\n", "zh", 3, "35060,芗城",
					"第 3 行：行政区划代码 35060 有 5 位；应为 6 位（省、市、县）、9 位（乡镇）或 12 位（村）"},
				{"letters", "350600,漳州市\n3506O2,芗城区\n", "en", 2, "3506O2,芗城区",
					`row 2: region code "3506O2" contains "O"; a region code has only the digits 0–9 (no full-width digits, spaces or letters)`},
				{"township under a province", "350600,漳州市\n350000001,某镇\n", "en", 2, "350000001,某镇",
					"row 2: township code 350000001: its first 6 digits 350000 are a province, and a township sits under a county or a city without counties"},
				{"one field", "350600,漳州市\n350602\n", "zh", 2, "350602",
					"第 2 行：应为“代码,名称”或“代码,名称,上级代码”，这一行只有 1 列"},
				{"no name", "350600,漳州市\n350602,\n", "zh", 2, "350602,", "第 2 行：必填"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					env := mustError(t, e.do(t, req{method: "POST", path: "/api/v1/regions/import", as: "sysadmin", body: tt.csv,
						header: map[string]string{"Accept-Language": tt.lang}}), 400, govdata.EINVALID)
					if env.Error.Message != tt.message {
						t.Errorf("message %q, want %q", env.Error.Message, tt.message)
					}
					if env.Error.Details["row"] != float64(tt.line) || env.Error.Details["line"] != tt.text {
						t.Errorf("details %v, want row %d line %q", env.Error.Details, tt.line, tt.text)
					}
				})
			}
			// Nothing of a refused list was written.
			mustError(t, e.do(t, req{method: "GET", path: "/api/v1/regions/350600", as: "sysadmin"}), 404, govdata.ENOTFOUND)
		})

		t.Run("a parent in neither the list nor the store fails the job on its line", func(t *testing.T) {
			j := startImport(t, e, "350700,南平市\n350702,延平区\n360102,东湖区\n")
			j = waitImport(t, e, j.ID, "zh")
			if j.State != "failed" || j.Line != 3 || j.Text != "360102,东湖区" || !strings.HasPrefix(j.Error, "第 3 行：上级区划不存在") {
				t.Fatalf("job %+v, want failed on line 3", j)
			}
			if j.Done != 0 {
				t.Errorf("done %d, want 0: the parents are checked before anything is written", j.Done)
			}
			mustError(t, e.do(t, req{method: "GET", path: "/api/v1/regions/350700", as: "sysadmin"}), 404, govdata.ENOTFOUND)
		})

		t.Run("an empty list and an unknown job", func(t *testing.T) {
			mustError(t, e.do(t, req{method: "POST", path: "/api/v1/regions/import", as: "sysadmin", body: "code,name\n"}), 400, govdata.EINVALID)
			mustError(t, e.do(t, req{method: "GET", path: "/api/v1/regions/imports/nope", as: "sysadmin"}), 404, govdata.ENOTFOUND)
		})
	})
}
