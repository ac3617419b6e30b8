package govdata

import (
	"context"
	"io"
	"math"
	"slices"
	"time"
)

// A dataset is the data behind a published catalog entry (AGG-1): its
// columns are the entry's items. Data arrives in batches — an upload, an
// API call, a scheduled pull — each checked against the items' rules
// (AGG-2), recorded with its source (AGG-3) and applied whole or not at all.

// IngestMode says how a batch meets the rows already there.
type IngestMode string

// Ingest modes.
const (
	// IngestReplace swaps the whole dataset for the batch's rows at once:
	// readers see the old rows or the new ones, never a mix.
	IngestReplace IngestMode = "replace"
	// IngestUpsert merges the batch's rows by the entry's key items.
	IngestUpsert IngestMode = "upsert"
)

// BatchSource says how a batch came (AGG-3).
type BatchSource string

// Batch sources.
const (
	SourceUpload BatchSource = "upload" // a file uploaded by an officer
	SourceAPI    BatchSource = "api"    // JSON rows sent to the API
	SourcePull   BatchSource = "pull"   // a scheduled pull from the provider
	// SourceMaintenance: rows changed by an approved maintenance request
	// (AGG-6).
	SourceMaintenance BatchSource = "maintenance"
)

// BatchFormat is the format of a batch's rows.
type BatchFormat string

// Batch formats.
const (
	FormatCSV  BatchFormat = "csv"
	FormatJSON BatchFormat = "json"
	FormatXLSX BatchFormat = "xlsx"
	// FormatTable: rows read from a provider's database table (a pull).
	FormatTable BatchFormat = "table"
)

// BatchState is where a batch is.
type BatchState string

// Batch states.
const (
	BatchRunning   BatchState = "running"
	BatchApplied   BatchState = "applied"   // its accepted rows are in the dataset
	BatchRefused   BatchState = "refused"   // rejections and a profile that refuses them: nothing applied
	BatchFailed    BatchState = "failed"    // an unreadable file or an interruption: nothing applied
	BatchCancelled BatchState = "cancelled" // cancelled while running: nothing applied
)

// Batch is one load of rows into a dataset, with its provenance (AGG-3)
// and its quality report (AGG-2).
type Batch struct {
	ID           int64       `json:"id"`
	EntryID      int64       `json:"entry_id"`
	DepartmentID int64       `json:"department_id"`
	Mode         IngestMode  `json:"mode"`
	Source       BatchSource `json:"source"`
	Format       BatchFormat `json:"format"`
	FileName     string      `json:"file_name,omitempty"`
	SHA256       string      `json:"sha256,omitempty"` // of the bytes received
	Bytes        int64       `json:"bytes"`
	OperatorID   int64       `json:"operator_id,omitempty"`
	Operator     string      `json:"operator"`
	State        BatchState  `json:"state"`
	// EntryVersion is the entry version whose items the rows were checked
	// against.
	EntryVersion int         `json:"entry_version"`
	Report       BatchReport `json:"report"`
	Error        *Text       `json:"error,omitempty"` // why a batch failed
	StartedAt    time.Time   `json:"started_at"`
	EndedAt      *time.Time  `json:"ended_at,omitempty"`
}

// BatchReport is a batch's quality report.
type BatchReport struct {
	RowsRead     int64 `json:"rows_read"`
	RowsAccepted int64 `json:"rows_accepted"`
	RowsRejected int64 `json:"rows_rejected"`
	// RowsApplied: accepted rows written to the dataset (0 unless applied).
	RowsApplied int64 `json:"rows_applied"`
	// Violations counts failed checks by item and rule (a row may fail
	// several); reasons a row could not be read have an empty item.
	Violations []ViolationCount `json:"violations"`
	// Anomalies: how the batch departs sharply from the dataset's recent
	// batches; each raised an alert (SJZ-S-15).
	Anomalies []Anomaly `json:"anomalies,omitempty"`
}

// Anomaly is one way a batch departs from its dataset's history.
type Anomaly struct {
	Kind  string  `json:"kind"`  // rejection_rate or row_count
	Value float64 `json:"value"` // the batch's rate (0–1) or rows read
	Usual float64 `json:"usual"` // the median of the recent batches
}

// Anomaly kinds.
const (
	AnomalyRejectionRate = "rejection_rate"
	AnomalyRowCount      = "row_count"
)

// anomalyHistory is how many earlier batches make a history worth comparing
// with; fewer, and nothing is called abnormal.
const anomalyHistory = 3

// BatchAnomalies compares a batch with the recent batches of its dataset
// (of the same mode, newest first), SJZ-S-15: quality monitoring with
// alerts on abnormal data; LS-15: the bureau watches the quantity and
// quality of data. Sharp means: a rejection rate at least ten points above
// the usual one and at least twice it; a row count under half or over
// twice the usual one, by at least 100 rows (small datasets vary a lot).
func BatchAnomalies(b BatchReport, history []BatchReport) []Anomaly {
	if len(history) < anomalyHistory || b.RowsRead == 0 {
		return nil
	}
	rates, counts := make([]float64, 0, len(history)), make([]float64, 0, len(history))
	for _, h := range history {
		if h.RowsRead > 0 {
			rates = append(rates, float64(h.RowsRejected)/float64(h.RowsRead))
		}
		counts = append(counts, float64(h.RowsRead))
	}
	var out []Anomaly
	rate, usualRate := float64(b.RowsRejected)/float64(b.RowsRead), median(rates)
	if len(rates) >= anomalyHistory && rate >= usualRate+0.10 && rate >= 2*usualRate {
		out = append(out, Anomaly{Kind: AnomalyRejectionRate, Value: rate, Usual: usualRate})
	}
	n, usualN := float64(b.RowsRead), median(counts)
	if (n < usualN/2 || n > usualN*2) && math.Abs(n-usualN) >= 100 {
		out = append(out, Anomaly{Kind: AnomalyRowCount, Value: n, Usual: usualN})
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ViolationCount is how many values of one item failed one rule.
type ViolationCount struct {
	Item  string `json:"item,omitempty"`
	Rule  string `json:"rule"`
	Count int64  `json:"count"`
}

// Rejected row reasons besides the quality rules.
const (
	RuleDuplicateKey = "duplicate_key" // a later row of the batch has the same key
)

// IngestRequest is one batch to load.
type IngestRequest struct {
	EntryID  int64
	Mode     IngestMode
	Source   BatchSource
	Format   BatchFormat
	FileName string
	Body     io.Reader
	// Rows, when set, are read instead of Body (a pull's source).
	Rows RowReader
}

// Dataset is the state of an entry's dataset.
type Dataset struct {
	EntryID      int64           `json:"entry_id"`
	DepartmentID int64           `json:"department_id"`
	EntryVersion int             `json:"entry_version"` // the version its columns follow
	Columns      []DatasetColumn `json:"columns"`
	Rows         int64           `json:"rows"`
	LastBatchID  int64           `json:"last_batch_id,omitempty"`
	RefreshedAt  *time.Time      `json:"refreshed_at,omitempty"`
}

// DatasetColumn is one column: an item of the entry, or one a later
// version dropped, whose values are kept.
type DatasetColumn struct {
	Item      string   `json:"item"`
	Type      ItemType `json:"type"`
	Key       bool     `json:"key,omitempty"`
	Encrypted bool     `json:"encrypted,omitempty"` // sensitivity 3–4: sealed at rest (SEC-2)
	Retired   bool     `json:"retired,omitempty"`   // dropped by a later version; values kept
}

// DatasetRow is one stored row with the batch that last wrote it.
type DatasetRow struct {
	Values  map[string]*string `json:"values"`
	BatchID int64              `json:"batch_id"`
	// Op and SupersededBy describe a history row: how it was replaced.
	Op           string `json:"op,omitempty"`
	SupersededBy int64  `json:"superseded_by,omitempty"`
}

// BatchFilter selects an entry's batches, newest first.
type BatchFilter struct {
	EntryID int64
	State   BatchState
	Page
}

// BatchList is a page of batches.
type BatchList struct {
	Items      []Batch `json:"items"`
	NextCursor string  `json:"next_cursor,omitempty"`
}

// RowList is a page of a dataset's rows.
type RowList struct {
	Items      []DatasetRow `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
	// Opened names the sealed items (SEC-2) whose values the page holds
	// decrypted, and Filter the rows asked for, a sealed item's value as
	// its blind index: what the read's audit record says (SEC-1).
	Opened []string          `json:"-"`
	Filter map[string]string `json:"-"`
}

// RejectedRow is one rejected row and its reasons.
type RejectedRow struct {
	Row     int64            `json:"row"`  // position in the batch, 1-based
	Line    int64            `json:"line"` // line of the file (CSV), sheet row (XLSX) or array index (JSON)
	Values  []string         `json:"values"`
	Reasons []ViolationCount `json:"reasons"` // Count unused
}

// DatasetService keeps datasets and their batches (AGG-1…3). A dataset,
// its batches and its maintenance requests are seen by the provider's
// officers and leaders and by the reviewers: to anyone else a batch or a
// request is answered ENOTFOUND (Hidden), and an entry's dataset EFORBIDDEN
// — or ENOTFOUND where the entry itself is not visible (see
// CatalogService).
type DatasetService interface {
	// Ingest reads, checks and applies one batch as the acting officer of
	// the entry's department. It returns the finished batch, also when it
	// was refused (its report says why). EINVALID: a bad mode, or upsert
	// without a key; ENOTFOUND: no such entry or not visible; EFORBIDDEN:
	// not an officer of its department; ECONFLICT: an entry never
	// published, revoked or served live, sealed items and no data keys, or
	// a version published while the batch loaded.
	Ingest(ctx context.Context, req IngestRequest) (*Batch, error)
	// Cancel stops a running batch: nothing of it is applied. ENOTFOUND:
	// no such batch or not visible; EFORBIDDEN: not an officer of its
	// department; ECONFLICT: not running (here).
	Cancel(ctx context.Context, batchID int64) (*Batch, error)
	// FindBatchByID returns a batch, a running one with its counts so far;
	// ENOTFOUND: no such batch or not visible.
	FindBatchByID(ctx context.Context, id int64) (*Batch, error)
	// FindBatches lists an entry's batches, newest first. ENOTFOUND: no
	// such entry or not visible; EFORBIDDEN: one who may not see its
	// dataset; EINVALID: a bad cursor.
	FindBatches(ctx context.Context, f BatchFilter) (BatchList, error)
	// RejectedRows calls header with the items the batch's rows hold, the
	// number of rejected rows and the items whose sealed values will be
	// opened, then fn for each of those rows, in order, all read from one
	// snapshot: what header is told is what fn is given. ENOTFOUND as
	// FindBatchByID's; EFORBIDDEN: not an officer of its department;
	// ECONFLICT: sealed rows and no data keys.
	RejectedRows(ctx context.Context, batchID int64, header func(items []string, rows int64, opened []string) error, fn func(RejectedRow) error) error
	// FindDataset returns an entry's dataset. ENOTFOUND: no such entry,
	// not visible, or no dataset (never published); EFORBIDDEN: one who
	// may not see it.
	FindDataset(ctx context.Context, entryID int64) (*Dataset, error)
	// FindRows reads rows for the provider's officer, sealed values
	// decrypted, after the cursor; where compares one item exactly
	// (encrypted items through their blind index). ENOTFOUND and
	// EFORBIDDEN as FindDataset's, and EFORBIDDEN for all but an officer
	// of its department; EINVALID: an unknown item in where, or a bad
	// cursor; ECONFLICT: sealed items and no data keys.
	FindRows(ctx context.Context, entryID int64, where map[string]string, page Page) (RowList, error)
	// RowHistory lists the earlier versions of the rows matching where
	// (at most 1,000, newest first). Codes as FindRows's, but for the
	// cursor.
	RowHistory(ctx context.Context, entryID int64, where map[string]string) (RowList, error)
	// FindStaleDatasets lists the datasets not refreshed within their
	// update cycle (AGG-4): reviewers see all, an officer or leader its
	// department's. EFORBIDDEN for other roles; EINVALID: a bad cursor.
	FindStaleDatasets(ctx context.Context, page Page) (StaleList, error)
}

// RefreshDue is when a dataset last refreshed at from falls stale (AGG-4,
// ZJ-11: data is updated within its declared cycle), counted in calendar
// days and months; a realtime dataset within an hour. An "other" cycle
// declares none: never stale.
func RefreshDue(cycle UpdateCycle, from time.Time) (time.Time, bool) {
	switch cycle {
	case CycleRealtime:
		return from.Add(time.Hour), true
	case CycleDaily:
		return from.AddDate(0, 0, 1), true
	case CycleWeekly:
		return from.AddDate(0, 0, 7), true
	case CycleMonthly:
		return addMonths(from, 1), true
	case CycleQuarterly:
		return addMonths(from, 3), true
	case CycleHalfYearly:
		return addMonths(from, 6), true
	case CycleYearly:
		return addMonths(from, 12), true
	}
	return time.Time{}, false
}

// addMonths moves t by n months, keeping the day but not beyond the last
// day of the month reached (31 January + 1 month: 28 February), as a
// person counts a month.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	last := time.Date(y, m+time.Month(n)+1, 0, 0, 0, 0, 0, t.Location()).Day()
	return time.Date(y, m+time.Month(n), min(d, last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// StaleDataset is a dataset not refreshed within its update cycle.
type StaleDataset struct {
	EntryID        int64       `json:"entry_id"`
	EntryName      string      `json:"entry_name"`
	DepartmentID   int64       `json:"department_id"`
	DepartmentName string      `json:"department_name"`
	UpdateCycle    UpdateCycle `json:"update_cycle"`
	RefreshedAt    *time.Time  `json:"refreshed_at,omitempty"` // never, when absent
	DueAt          time.Time   `json:"due_at"`
	StaleSince     time.Time   `json:"stale_since"`
}

// StaleList is a page of stale datasets, longest stale first.
type StaleList struct {
	Items      []StaleDataset `json:"items"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// Messages of datasets.
var (
	MsgDatasetNone      = Msg{"该目录尚未发布，没有数据集", "the entry is not published and has no dataset"}
	MsgDatasetRevoked   = Msg{"该目录已撤销，不再归集数据", "the entry is revoked and takes no more data"}
	MsgUpsertNoKey      = Msg{"该目录没有标记主键的信息项，只能整体替换（mode=replace）", "the entry declares no key items: use mode=replace"}
	MsgIngestMode       = Msg{"mode 应为 upsert 或 replace", "mode must be upsert or replace"}
	MsgIngestType       = Msg{"不支持的内容类型：%s（应为 application/json、text/csv 或 XLSX）", "unsupported content type %s: send application/json, text/csv or an XLSX file"}
	MsgBatchNotFound    = Msg{"批次不存在", "batch not found"}
	MsgBatchNotRunning  = Msg{"批次已结束（%s），不能取消", "the batch has ended (%s) and cannot be cancelled"}
	MsgBatchInterrupted = Msg{"服务重启时批次仍在进行，未写入任何数据", "the batch was running when the server stopped; nothing of it was applied"}
	MsgBatchCancelled   = Msg{"批次已取消，未写入任何数据", "the batch was cancelled; nothing of it was applied"}
	MsgBatchRefused     = Msg{"有 %d 行未通过校验，按本地规定整批拒收", "%d rows failed the checks and the profile refuses such a batch whole"}
	MsgBatchVersion     = Msg{"加载期间目录发布了新版本（第 %d 版 → 第 %d 版），本批次未写入，请按新版本重新上传", "a new version of the entry was published while the batch loaded (version %d → %d); nothing was applied: load it again"}
	MsgItemUnknown      = Msg{"目录没有信息项“%s”", "the entry has no item %q"}
	MsgDatasetStale     = Msg{"数据集“%s”超过更新周期（%s）未更新，应于 %s 前更新", "the dataset of %q has not been refreshed within its update cycle (%s); it was due by %s"}
	MsgBatchAnomaly     = Msg{"数据集“%s”的批次 %d 异常：%s", "batch %[2]d of the dataset of %[1]q is abnormal: %[3]s"}
	MsgAnomalyRate      = Msg{"拒收率 %.1f%%，近期通常为 %.1f%%", "%.1f%% of rows rejected where %.1f%% is usual"}
	MsgAnomalyRows      = Msg{"%d 行，近期通常约 %d 行", "%d rows where about %d is usual"}
	MsgDataKeysNeeded   = Msg{"该目录含敏感信息项，但未配置数据加密密钥", "the entry has sensitive items but no data keys are configured"}
)

// RuleLabels name the reasons of rejected rows in reports (AGG-2).
var RuleLabels = map[string]Text{
	"required":       {ZH: "必填项为空", EN: "required value missing"},
	"type":           {ZH: "类型不符", EN: "wrong type"},
	"length":         {ZH: "超过长度", EN: "too long"},
	"pattern":        {ZH: "不符合格式规则", EN: "does not match the pattern"},
	"enum":           {ZH: "不在取值范围内", EN: "not one of the allowed values"},
	"min":            {ZH: "小于最小值", EN: "below the minimum"},
	"max":            {ZH: "大于最大值", EN: "above the maximum"},
	"format":         {ZH: "不符合国家标准格式", EN: "not in the national format"},
	"ragged":         {ZH: "列数与表头不符", EN: "a different number of fields than the header"},
	"nul":            {ZH: "含有空字符（NUL）", EN: "holds a NUL character"},
	"unknown_item":   {ZH: "含有目录中没有的信息项", EN: "names an item the entry does not have"},
	"not_scalar":     {ZH: "值不是文字、数字或布尔值", EN: "a value that is not text, a number or a boolean"},
	RuleDuplicateKey: {ZH: "主键与后面的行重复（以最后一行为准）", EN: "repeats the key of a later row (the last one wins)"},
}
