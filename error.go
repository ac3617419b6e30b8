package govdata

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrorCode classifies an error; the HTTP layer maps each to one status.
//
// Each method of a service interface names in its doc comment the codes it
// returns and when. Besides those, a method that checks its caller returns
// EUNAUTHORIZED for one not signed in and EFORBIDDEN for one who must
// change its password first (MsgPasswordChange); "platform only" means
// EFORBIDDEN for any actor but SystemActor; "not visible" means an object
// that exists but is answered ENOTFOUND (Hidden); and a failure of the
// store itself is EINTERNAL, whatever the method.
type ErrorCode string

// The error codes of PRODUCT.md §4.
const (
	EINVALID      ErrorCode = "invalid"
	ENOTFOUND     ErrorCode = "not_found"
	ECONFLICT     ErrorCode = "conflict"
	EUNAUTHORIZED ErrorCode = "unauthorized"
	EFORBIDDEN    ErrorCode = "forbidden"
	EINTERNAL     ErrorCode = "internal"
	// ETOOMANY: a rate was exceeded; Details["retry_after"] says in how
	// many seconds to try again.
	ETOOMANY ErrorCode = "too_many_requests"
)

// Msg is a message in both languages of the UI. Format verbs take the
// arguments given with it; both texts take the same arguments in the same order.
type Msg struct {
	ZH string
	EN string
}

// Text renders the message for lang ("zh" or "en").
func (m Msg) Text(lang string, args ...any) string {
	f := m.ZH
	if lang == "en" {
		f = m.EN
	}
	if len(args) == 0 {
		return f
	}
	// A Message among the arguments renders in the same language.
	copied := false
	for i, a := range args {
		if m, ok := a.(Message); ok {
			if !copied {
				args, copied = append([]any(nil), args...), true
			}
			args[i] = m.Text(lang)
		}
	}
	return fmt.Sprintf(f, args...)
}

// Message is a Msg with its arguments, ready to render in either language.
type Message struct {
	Msg  Msg
	Args []any
}

// Text renders the message for lang.
func (m Message) Text(lang string) string { return m.Msg.Text(lang, m.Args...) }

// Error is the one domain error: a code, a message safe to show to the
// caller, and per-field messages for invalid input. Anything that is not an
// *Error is internal.
type Error struct {
	Code    ErrorCode
	Message Message
	Fields  map[string]Message
	// Details are extra machine-readable facts, such as when a lockout lifts.
	Details map[string]any
	// hidden marks a refusal answered as ENOTFOUND: see Hidden.
	hidden bool
}

// Error implements error with the English message.
func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message.Text("en")
	for k, v := range e.Fields {
		s += "; " + k + ": " + v.Text("en")
	}
	return s
}

// Errorf returns an *Error with the code and message.
func Errorf(code ErrorCode, m Msg, args ...any) *Error {
	return &Error{Code: code, Message: Message{Msg: m, Args: args}}
}

// audited marks an error whose refusal the service has already recorded
// in the audit log, in the same write as what it counted (a wrong password).
type audited struct{ error }

func (e audited) Unwrap() error { return e.error }

// Audited marks err as recorded by the service, so that the HTTP layer,
// which audits every refusal of a security change, does not record it twice.
func Audited(err error) error {
	if err == nil {
		return nil
	}
	return audited{err}
}

// IsAudited reports whether err was marked by Audited.
func IsAudited(err error) bool {
	var a audited
	return errors.As(err, &a)
}

// Hidden is the refusal of an object that exists but that the caller may
// not see: to the caller it is the very answer for an object that does not
// exist (ENOTFOUND with notFound, the message of the missing object), so
// that no one learns by probing IDs what another department holds (issue
// 11). Yet it is a refusal, and a request outside the caller's scope is
// refused and audited (ORG-7, SJZ-S-22): IsHidden tells the HTTP layer to
// record it. It is the one way to refuse an invisible object.
func Hidden(notFound Msg, args ...any) *Error {
	e := Errorf(ENOTFOUND, notFound, args...)
	e.hidden = true
	return e
}

// HideForbidden turns an EFORBIDDEN refusal to see an object into
// Hidden(notFound); any other error (or nil) it returns as it is.
func HideForbidden(err error, notFound Msg, args ...any) error {
	if ErrorCodeOf(err) == EFORBIDDEN {
		return Hidden(notFound, args...)
	}
	return err
}

// IsHidden reports whether err is a Hidden refusal.
func IsHidden(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.hidden
}

// ErrorCodeOf returns the code of err: the code of an *Error in its chain,
// EINTERNAL for any other error, "" for nil.
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// FieldErrors collects per-field problems of one input and turns them into
// one EINVALID error. The zero value is ready to use.
type FieldErrors struct {
	fields map[string]Message
}

// Add records a problem with field; the first problem of a field wins.
func (f *FieldErrors) Add(field string, m Msg, args ...any) {
	if f.fields == nil {
		f.fields = map[string]Message{}
	}
	if _, ok := f.fields[field]; !ok {
		f.fields[field] = Message{Msg: m, Args: args}
	}
}

// Err returns nil when nothing was added, otherwise an EINVALID *Error.
func (f *FieldErrors) Err() error {
	if len(f.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: Message{Msg: MsgInvalidInput}, Fields: f.fields}
}

// Messages shared across the domain. Messages of one noun live beside it.
// Each Msg is a message in Chinese and English with the same format verbs.
var (
	MsgInvalidInput = Msg{"输入有误，请检查标出的字段", "the input is invalid; see the marked fields"}
	MsgRequired     = Msg{"必填", "required"}
	MsgTooLong      = Msg{"不能超过 %d 个字符", "must be at most %d characters"}
	MsgUnauthorized = Msg{"请先登录", "sign in first"}
	MsgForbidden    = Msg{"无权执行此操作", "you are not allowed to do this"}
	MsgOutOfScope   = Msg{"只能操作本部门的数据", "you may act only within your own department"}
	MsgInternal     = Msg{"服务器内部错误，请稍后重试；如持续出现请联系管理员并提供请求编号 %s", "internal error; try again later, and if it persists give the administrator request ID %s"}
	MsgBadCursor    = Msg{"分页游标无效", "invalid pagination cursor"}
	MsgBadLimit     = Msg{"limit 必须是 1 到 %d 之间的整数", "limit must be an integer from 1 to %d"}
)

// Language picks "en" or "zh" from an Accept-Language header by quality;
// Chinese when neither is named (the platform is Chinese first).
func Language(acceptLanguage string) string {
	best, bestQ := "zh", -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(strings.TrimSpace(tag))
		var lang string
		switch {
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			lang = "en"
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			lang = "zh"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}
