package http

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/govdata/govdata"
)

// auditView is an audit record as the API shows it, hashes in hex.
type auditView struct {
	*govdata.AuditRecord
	Detail   json.RawMessage `json:"detail,omitempty"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

var msgBadTime = govdata.Msg{ZH: "%s 须为 RFC 3339 时间，如 2026-01-02T15:04:05Z", EN: "%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z"}

func queryTime(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		e := govdata.Errorf(govdata.EINVALID, msgBadTime, name)
		e.Fields = map[string]govdata.Message{name: {Msg: msgBadTime, Args: []any{name}}}
		return t, e
	}
	return t, nil
}

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	since, err := queryTime(r, "since")
	if err != nil {
		return err
	}
	until, err := queryTime(r, "until")
	if err != nil {
		return err
	}
	result, err := queryEnum(r, "result", func(v string) bool {
		return v == string(govdata.AuditOK) || v == string(govdata.AuditRefused) || v == string(govdata.AuditFailed)
	})
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := s.svc.Audit.FindAudit(r.Context(), govdata.AuditFilter{
		ActorName: q.Get("actor"), Action: q.Get("action"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"),
		Result: govdata.AuditResult(result), Since: since, Until: until, Page: p})
	if err != nil {
		return err
	}
	out := govdata.List[auditView]{Items: make([]auditView, len(list.Items)), NextCursor: list.NextCursor}
	for i, rec := range list.Items {
		v := auditView{AuditRecord: rec, PrevHash: hexOf(rec.PrevHash), Hash: hexOf(rec.Hash)}
		if rec.Detail != "" {
			v.Detail = json.RawMessage(rec.Detail)
		}
		out.Items[i] = v
	}
	// Who watches the watchers: the auditor's read is recorded too, with
	// the records it returned. The record is written after the query, so
	// the page does not hold it; later pages ask for seq below the
	// cursor, so records appended at the head meanwhile (this one among
	// them) neither shift nor repeat what a cursor walks through.
	if n := len(list.Items); n > 0 {
		noteDetail(r, "seq_from", list.Items[n-1].Seq)
		noteDetail(r, "seq_to", list.Items[0].Seq)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

func (s *Server) handleAuditVerify(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Audit.VerifyAudit(r.Context(), nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) handleAuditCheckpoint(w http.ResponseWriter, r *http.Request) error {
	cp, err := s.svc.Audit.Checkpoint(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cp)
	return nil
}
