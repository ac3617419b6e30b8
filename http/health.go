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
	body := map[string]string{"status": "ready"}
	if warning := s.calendarWarning(ctx, govdata.Language(r.Header.Get("Accept-Language"))); warning != "" {
		body["warning"] = warning
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// calendarWarning is /readyz's warning from the configured day of each year
// on while next year's holidays are not loaded (CAL-1): the platform is
// still ready, but due dates into next year count weekends only. It also
// reports the last year loaded to the metrics.
func (s *Server) calendarWarning(ctx context.Context, lang string) string {
	if s.svc.Calendar == nil {
		return ""
	}
	cal, err := s.svc.Calendar.Calendar(ctx)
	if err != nil {
		s.log.Warn("readiness: calendar", "err", err)
		return ""
	}
	s.cfg.Metrics.CalendarLoaded(cal.LastYear())
	from := s.cfg.CalendarWarnFrom
	if from == (govdata.MonthDay{}) {
		from = govdata.DefaultCalendarWarnFrom
	}
	missing, warn := govdata.CalendarWarning(cal, govdata.DateOf(s.cfg.Clock.Now().In(s.cfg.Location)), from)
	if !warn {
		return ""
	}
	return govdata.MsgCalendarMissing.Text(lang, missing, missing)
}

// handleHome is the plain landing page of a binary built without the web
// console (-tags no_ui): it says what is running and where to go next, in
// Chinese and English.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(`<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>govdata 政务数据平台</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>govdata 政务数据资源管理平台</h1>
<p>服务正在运行（版本 ` + govdata.Version + `）。接口文档：<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>；健康检查：<a href="/healthz">/healthz</a>、<a href="/readyz">/readyz</a>。</p>
<p lang="en">govdata is running (version ` + govdata.Version + `). API: <a href="/api/v1/openapi.json">OpenAPI document</a>; health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>. Sign in through <code>POST /api/v1/auth/login</code>.</p>
</body></html>`))
}
