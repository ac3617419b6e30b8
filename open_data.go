package govdata

import (
	"context"
	"io"
	"strings"
	"time"
)

// Open data (OPN-1, HLJ-33/34, ZJ-21): the datasets of open entries served
// to the public — downloads and the records API. Unconditionally open
// entries serve anyone; conditionally open ones only a public account
// holding an active open grant on the entry (HLJ-34), and only its items.
// Items excluded from opening are never served; de-identified ones only
// through their mask (ZJ-21). Every download and call, answered or
// refused, is one usage record committed before the answer leaves.

// OpenUsageKind is what an open_usage row records.
type OpenUsageKind string

// Kinds of open-data use.
const (
	OpenDownload OpenUsageKind = "download"
	OpenCall     OpenUsageKind = "call"
	// OpenPreview: the first rows shown on the dataset's page, a read of
	// values too, recorded but not counted as a call.
	OpenPreview OpenUsageKind = "preview"
)

// OpenFormats are the formats of downloads.
var OpenFormats = []string{"csv", "xlsx", "json"}

// OpenPreviewRows is how many rows a dataset's page previews.
const OpenPreviewRows = 10

// OpenItem is an item as the open dataset serves it.
type OpenItem struct {
	Name        string   `json:"name"`
	Type        ItemType `json:"type"`
	Description string   `json:"description,omitempty"`
	// Open: "" as stored, or deidentified (masked); excluded items are
	// not listed.
	Open ItemOpen `json:"open,omitempty"`
}

// OpenWithdrawn tells when and why a dataset was withdrawn (HLJ-35); the
// notices list them as WithdrawalNotice.
type OpenWithdrawn struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// OpenCounts are a dataset's answered downloads and calls.
type OpenCounts struct {
	Downloads       int64 `json:"downloads"`
	Calls           int64 `json:"calls"`
	Downloads30Days int64 `json:"downloads_30d"`
	Calls30Days     int64 `json:"calls_30d"`
}

// OpenDataset is an open dataset as the portal shows it.
type OpenDataset struct {
	Entry *Entry     `json:"entry"`
	Items []OpenItem `json:"items"`
	// Rows is the dataset's row count; RefreshedAt its last successful batch.
	Rows        int64      `json:"rows"`
	RefreshedAt *time.Time `json:"refreshed_at,omitempty"`
	OpenCounts
	Formats []string `json:"formats"`
	// DownloadURLs by format, and RecordsURL: absolute (the HTTP layer
	// fills them from the deployment's public address).
	DownloadURLs map[string]string `json:"download_urls,omitempty"`
	RecordsURL   string            `json:"records_url,omitempty"`
	// Downloadable: unconditionally open, holding data, not withdrawn —
	// anyone may download it without signing in.
	Downloadable bool           `json:"downloadable"`
	Withdrawn    *OpenWithdrawn `json:"withdrawn,omitempty"`
	// Preview is the first rows (unconditional datasets only; null for
	// conditional ones).
	Preview []Record `json:"preview"`
}

// OpenRecords is a page of the open records API.
type OpenRecords struct {
	Items      []Record `json:"items"`
	NextCursor string   `json:"next_cursor,omitempty"`
}

// OpenFile is a download being served: the usage is recorded before the
// first byte is written; WriteTo streams the rows from the read snapshot
// they were counted in.
type OpenFile struct {
	ResourceCode string
	Format       string
	Items        []string
	Rows         int64
	Date         Date // for the file's name
	WriteTo      func(w io.Writer) error
	// Close gives the snapshot back when WriteTo is never called.
	Close func()
}

// OpenDatasetSummary is one dataset of the portal's home page.
type OpenDatasetSummary struct {
	ResourceCode   string     `json:"resource_code"`
	Name           string     `json:"name"`
	DepartmentName string     `json:"department_name"`
	PublishedAt    *time.Time `json:"published_at,omitempty"`
	Downloads      int64      `json:"downloads"`
	Calls          int64      `json:"calls"`
}

// OpenStats are the portal's totals.
type OpenStats struct {
	Datasets       int64                `json:"datasets"`
	Departments    int64                `json:"departments"`
	Downloads      int64                `json:"downloads"`
	Calls          int64                `json:"calls"`
	Newest         []OpenDatasetSummary `json:"newest"`
	MostDownloaded []OpenDatasetSummary `json:"most_downloaded"`
}

// OpenUse is one download or call of a public account, as it sees it.
type OpenUse struct {
	ID           int64         `json:"id"`
	At           time.Time     `json:"at"`
	ResourceCode string        `json:"resource_code"`
	Name         string        `json:"name"`
	Kind         OpenUsageKind `json:"kind"`
	Format       string        `json:"format,omitempty"`
	Items        []string      `json:"items"`
	Rows         int64         `json:"rows"`
	APIKeyID     int64         `json:"api_key_id,omitempty"`
	GrantID      int64         `json:"grant_id,omitempty"`
	Refused      ErrorCode     `json:"refused,omitempty"`
}

// OpenUseList is a page of a public account's uses.
type OpenUseList struct {
	Items      []OpenUse `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// Messages of open data.
var (
	MsgOpenUnknown    = Msg{"没有这个开放数据集", "no open dataset has this resource code"}
	MsgOpenWithdrawn  = Msg{"该数据集已于 %s 撤回开放：%s", "this dataset was withdrawn on %s: %s"}
	MsgOpenSignIn     = Msg{"该数据集有条件开放：请登录或使用 API 密钥，并先申请获得授权", "this dataset is opened on conditions: sign in or send your API key, after applying for it"}
	MsgOpenNoGrant    = Msg{"您没有该数据集的有效开放授权", "you hold no active grant on this dataset"}
	MsgOpenItem       = Msg{"信息项未开放：%s", "item not opened: %s"}
	MsgOpenItemGrant  = Msg{"信息项不在您的授权范围内：%s", "item outside your grant: %s"}
	MsgOpenEqualOnly  = Msg{"开放数据接口只支持等值过滤，不支持范围查询和排序", "the open-data API takes equality filters only; no ranges or sort"}
	MsgOpenMaskedEq   = Msg{"信息项“%s”脱敏开放，不能按其值过滤", "the item %q is opened de-identified: it cannot be filtered on"}
	MsgOpenParam      = Msg{"开放数据接口不接受参数 %s", "the open-data API does not take the parameter %s"}
	MsgOpenFormat     = Msg{"下载格式应为 csv、xlsx 或 json", "the format must be csv, xlsx or json"}
	MsgOpenLive       = Msg{"该数据集由提供部门接口实时提供，不能下载", "this dataset is served live by its provider and cannot be downloaded"}
	MsgOpenRate       = Msg{"请求过于频繁，请 %d 秒后重试", "too many requests; retry in %d seconds"}
	MsgOpenNotAccount = Msg{"只有公众账号有下载记录", "only public accounts have a download history"}
)

// OpenDataService serves open data (OPN-1). The caller is the actor in
// ctx: anonymous, or a public account through its session or an API key
// (PublicAccountID, APIKeyID). Refusals: ENOTFOUND for a code that names
// no open dataset (not open, not published, revoked) and, naming the
// withdrawal, for a withdrawn one (HLJ-35); EUNAUTHORIZED for an
// anonymous caller of a conditional dataset; EFORBIDDEN for an account
// without an active grant on it, or an item outside its grant; EINVALID
// for an item not opened, a filter on a de-identified item, ranges or a
// sort.
type OpenDataService interface {
	// Dataset is the dataset as the portal shows it; a withdrawn one is
	// answered with Withdrawn set and nothing served. Its preview is
	// recorded as a use of kind preview.
	Dataset(ctx context.Context, code string) (*OpenDataset, error)
	// Records answers a page of rows: q.Fields (empty: every served item),
	// equality filters, q.Page.
	Records(ctx context.Context, code string, q ServiceQuery) (*OpenRecords, error)
	// Download counts the rows in a read snapshot, records the download,
	// and returns the file to stream from that snapshot.
	Download(ctx context.Context, code, format string) (*OpenFile, error)
	// Refuse records a use refused before it reached the service (a rate
	// limit, a malformed query) and returns err.
	Refuse(ctx context.Context, kind OpenUsageKind, code, format string, err error) error
	// Stats are the portal's totals; it refuses no one.
	Stats(ctx context.Context) (*OpenStats, error)
	// MyUses lists the calling public account's downloads and calls, the
	// newest first; EUNAUTHORIZED for anyone else.
	MyUses(ctx context.Context, page Page) (*OpenUseList, error)
}

// OpenDistribution is one way an open dataset's data is reached, as the
// DCAT feed (dcat:Distribution) and the CKAN API (resources) describe it.
type OpenDistribution struct {
	// Format is csv, xlsx, json, or api for the records API.
	Format    string
	MediaType string
	Title     Text
	URL       string
	// API: the records API, an access service rather than a file.
	API bool
}

// OpenDistributions are the downloads of an open entry in each format
// and its records API, under datasetURL (the dataset's address in the
// open-data API, /api/v1/open/datasets/{code} escaped). A conditional
// entry's are reached only with a grant (HLJ-34); they are listed all
// the same, with its conditions.
func OpenDistributions(e *Entry, datasetURL string) []OpenDistribution {
	if e.OpenType != OpenUnconditional && e.OpenType != OpenConditional {
		return nil
	}
	var out []OpenDistribution
	for _, f := range OpenFormats {
		out = append(out, OpenDistribution{Format: f, MediaType: openMediaTypes[f], URL: datasetURL + "/download?format=" + f,
			Title: Text{ZH: e.Name + "（" + strings.ToUpper(f) + " 下载）", EN: e.Name + " (" + strings.ToUpper(f) + " download)"}})
	}
	out = append(out, OpenDistribution{Format: "api", MediaType: "application/json", URL: datasetURL + "/records", API: true,
		Title: Text{ZH: e.Name + "（数据接口）", EN: e.Name + " (records API)"}})
	return out
}

var openMediaTypes = map[string]string{
	"csv":  "text/csv",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"json": "application/json",
}
