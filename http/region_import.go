package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ingest"
)

// MaxRegionListBytes bounds an uploaded region list: the national list
// down to villages (some 665,000 lines of code and name) is about 30 MB.
const MaxRegionListBytes = 256 << 20

// maxRegionImportJobs is how many finished imports are kept for their
// status to be read.
const maxRegionImportJobs = 20

// Region import (ORG-1): the sysadmin uploads a region list; the body is
// read line by line as it arrives (never as a whole file beside the rows
// read from it) and every line is checked on the way, so a bad line is
// answered at once with its number, its text and what is wrong, and
// nothing is written. A list that passes is then written by a job in
// resumable chunks of govdata.RegionImportChunk rows, each one transaction
// with its own audit record (sqlstore.ImportRegionsWith), rather than in
// one transaction: 665,000 rows in one write would hold the store's single
// writer (SQLite) for the whole import, stalling every sign-off and login
// meanwhile; and since an import only creates what is missing and renames
// what changed, importing the same list again completes one that a
// failure of the database stopped part-way. The page reads the job's
// progress (GET /api/v1/regions/imports/{id}).

// regionImportView is an import job as GET /api/v1/regions/imports/{id}
// answers it.
type regionImportView struct {
	ID     string                     `json:"id"`
	State  string                     `json:"state" enum:"running,done,failed"`
	Done   int                        `json:"done"`  // rows written so far
	Total  int                        `json:"total"` // rows of the list
	Result govdata.RegionImportResult `json:"result"`
	// Error says why a failed import stopped, in the reader's language;
	// Line and Text name the refused line of the file when there is one.
	Error      string     `json:"error,omitempty"`
	Line       int        `json:"line,omitempty"`
	Text       string     `json:"text,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// regionImportJob is one import in progress or finished.
type regionImportJob struct {
	mu   sync.Mutex
	view regionImportView
	err  error // the failure, rendered per reader
}

// regionImports keeps the jobs of this process; one runs at a time, since
// two national lists imported at once would hold both in memory and
// interleave their chunks for nothing.
type regionImports struct {
	mu      sync.Mutex
	jobs    map[string]*regionImportJob
	order   []string
	running bool
}

func (s *Server) handleRegionImport(w http.ResponseWriter, r *http.Request) error {
	im := &s.regionImports
	im.mu.Lock()
	if im.running {
		im.mu.Unlock()
		return govdata.Errorf(govdata.ECONFLICT, govdata.MsgRegionImportBusy)
	}
	im.running = true
	im.mu.Unlock()
	started := false
	defer func() {
		if !started {
			im.mu.Lock()
			im.running = false
			im.mu.Unlock()
		}
	}()

	rows, lines, texts, err := readRegionList(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return uploadError(err)
	}
	if err != nil {
		return err
	}
	job := &regionImportJob{view: regionImportView{ID: newJobID(), State: "running", Total: len(rows), StartedAt: s.cfg.Clock.Now().UTC()}}
	im.mu.Lock()
	if im.jobs == nil {
		im.jobs = map[string]*regionImportJob{}
	}
	im.jobs[job.view.ID] = job
	im.order = append(im.order, job.view.ID)
	for len(im.order) > maxRegionImportJobs {
		delete(im.jobs, im.order[0])
		im.order = im.order[1:]
	}
	im.mu.Unlock()
	started = true
	// The job outlives the request: it keeps the actor (and the request's
	// ID for the log) but not its cancellation.
	ctx := context.WithoutCancel(r.Context())
	go s.runRegionImport(ctx, job, rows, lines, texts)
	w.Header().Set("Location", "/api/v1/regions/imports/"+job.view.ID)
	writeJSON(w, http.StatusAccepted, job.snapshot(s, r))
	return nil
}

// readRegionList reads and checks every line of a region list: the rows,
// and for each its file line. Only the refused line's text is kept, and the
// text of lines the store may still refuse (a parent in neither the file
// nor the store) is rebuilt from the row, not kept for every line.
func readRegionList(body io.Reader) ([]govdata.RegionInput, []int, func(i int) string, error) {
	rd := ingest.NewRegionCSV(body)
	var rows []govdata.RegionInput
	var lines []int
	for {
		l, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if err := govdata.ValidateRegionInput(l.Region); err != nil {
			return nil, nil, nil, govdata.RegionLineError(l.Line, l.Text, err)
		}
		rows = append(rows, l.Region)
		lines = append(lines, l.Line)
	}
	if len(rows) == 0 {
		return nil, nil, nil, govdata.Errorf(govdata.EINVALID, msgRegionListEmpty)
	}
	text := func(i int) string {
		in := rows[i]
		if in.ParentCode != "" {
			return in.Code + "," + in.Name + "," + in.ParentCode
		}
		return in.Code + "," + in.Name
	}
	return rows, lines, text, nil
}

var msgRegionListEmpty = govdata.Msg{ZH: "文件中没有行政区划：每行应为“代码,名称”或“代码,名称,上级代码”", EN: "the file holds no regions: each line is code,name or code,name,parent_code"}

func (s *Server) runRegionImport(ctx context.Context, job *regionImportJob, rows []govdata.RegionInput, lines []int, text func(int) string) {
	defer func() {
		s.regionImports.mu.Lock()
		s.regionImports.running = false
		s.regionImports.mu.Unlock()
	}()
	res, err := s.svc.Regions.ImportRegionsWith(ctx, rows, govdata.RegionImportOptions{Progress: func(done, total int) {
		job.mu.Lock()
		job.view.Done = done
		job.mu.Unlock()
	}})
	now := s.cfg.Clock.Now().UTC()
	job.mu.Lock()
	defer job.mu.Unlock()
	job.view.Result, job.view.FinishedAt = res, &now
	if err == nil {
		job.view.State, job.view.Done = "done", len(rows)
		return
	}
	job.view.State = "failed"
	// The store names the n-th row; the page wants the file's line.
	var e *govdata.Error
	if errors.As(err, &e) && e.Message.Msg == govdata.MsgRegionImportRow && len(e.Message.Args) == 2 {
		if row, ok := e.Details["row"].(int); ok && row >= 1 && row <= len(rows) {
			msg, _ := e.Message.Args[1].(govdata.Message)
			err = govdata.RegionLineError(lines[row-1], text(row-1), &govdata.Error{Code: e.Code, Message: msg})
		}
	}
	if !errors.As(err, &e) || e.Code == govdata.EINTERNAL {
		s.log.Error("region import failed", "request_id", requestIDOf(ctx), "job", job.view.ID, "err", err)
	}
	job.err = err
}

// snapshot renders the job for the request: its error in the reader's language.
func (j *regionImportJob) snapshot(s *Server, r *http.Request) regionImportView {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := j.view
	if j.err != nil {
		lang := govdata.Language(r.Header.Get("Accept-Language"))
		var e *govdata.Error
		if !errors.As(j.err, &e) || e.Code == govdata.EINTERNAL {
			e = govdata.Errorf(govdata.EINTERNAL, govdata.MsgInternal, v.ID)
		}
		v.Error = e.Message.Text(lang)
		if line, ok := e.Details["row"].(int); ok {
			v.Line = line
		}
		v.Text, _ = e.Details["line"].(string)
	}
	return v
}

func (s *Server) handleRegionImportStatus(w http.ResponseWriter, r *http.Request) error {
	s.regionImports.mu.Lock()
	job := s.regionImports.jobs[r.PathValue("id")]
	s.regionImports.mu.Unlock()
	if job == nil {
		return govdata.Errorf(govdata.ENOTFOUND, msgRegionImportNotFound, r.PathValue("id"))
	}
	writeJSON(w, http.StatusOK, job.snapshot(s, r))
	return nil
}

var msgRegionImportNotFound = govdata.Msg{ZH: "没有这个导入任务：%s（服务重启后任务记录不保留；已写入的行政区划仍在）", EN: "no such import: %s (a restart forgets import jobs; the regions written stay)"}

func requestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(reqIDKey{}).(string)
	return id
}

func newJobID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
