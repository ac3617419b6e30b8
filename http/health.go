package http

import (
	"context"
	"net/http"
	"time"

	"github.com/govdata/govdata"
)

var msgNotReady = govdata.Msg{ZH: "数据库暂不可用", EN: "the database is not reachable"}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": govdata.Version})
	return nil
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.svc.Store.Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: errorDetail{
			Code: govdata.EINTERNAL, Message: msgNotReady.Text(govdata.Language(r.Header.Get("Accept-Language"))), RequestID: requestID(r)}})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

// handleHome is a plain landing page until the web UI arrives: it says what
// is running and where to go next, in Chinese and English.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(`<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>govdata 政务数据平台</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>govdata 政务数据资源管理平台</h1>
<p>服务正在运行（版本 ` + govdata.Version + `）。接口文档：<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>；健康检查：<a href="/healthz">/healthz</a>、<a href="/readyz">/readyz</a>。</p>
<p lang="en">govdata is running (version ` + govdata.Version + `). API: <a href="/api/v1/openapi.json">OpenAPI document</a>; health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>. Sign in through <code>POST /api/v1/auth/login</code>.</p>
</body></html>`))
}
