package govdata

import (
	"context"
	"time"
)

// Notification is a message in a user's in-app inbox (CAL-3).
type Notification struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"` // reminder | overdue | escalation
	InstanceID int64     `json:"instance_id,omitempty"`
	Title      Text      `json:"title"`
	Due        *Date     `json:"due,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	Read       bool      `json:"read"`
}

// Notification kinds.
const (
	NoticeReminder   = "reminder"   // a step falls due soon
	NoticeOverdue    = "overdue"    // a step's due day has ended
	NoticeEscalation = "escalation" // an overdue step, to the bureau's supervision
	// NoticeCatalogRevoked tells a department that an entry it uses is
	// revoked, and until when it is still supplied (CAT-3, HLJ-16).
	NoticeCatalogRevoked = "catalog_revoked"
	// NoticeSecurity tells the holder of an account, and the security
	// administrators, of a security event (a password reset, a run of
	// refused verifications).
	NoticeSecurity = "security"
	// NoticeCalendar tells operators and actors about the working-day
	// calendar: next year is not loaded yet, or a due date was counted anew.
	NoticeCalendar = "calendar"
)

// NotificationFilter narrows an inbox.
type NotificationFilter struct {
	Unread bool
	Page
}

// NotificationService is the in-app inbox.
type NotificationService interface {
	// FindNotifications lists the acting user's notifications, newest
	// first; EINVALID for a bad cursor.
	FindNotifications(ctx context.Context, f NotificationFilter) (List[*Notification], error)
	// MarkNotificationRead marks one of the acting user's notifications read;
	// ENOTFOUND for another user's.
	MarkNotificationRead(ctx context.Context, id int64) error
	// Notify puts a notice in a user's inbox (platform only: EFORBIDDEN
	// otherwise): what features tell people, such as a revoked entry's
	// users (CAT-3).
	Notify(ctx context.Context, userID int64, kind string, title Text) (int64, error)
}

// SweepResult counts what one deadline sweep did.
type SweepResult struct {
	Reminded  int `json:"reminded"`  // steps whose actors were reminded
	Overdue   int `json:"overdue"`   // steps marked overdue
	Escalated int `json:"escalated"` // overdue steps put before the bureau
	Notified  int `json:"notified"`  // notifications written
}

// Timeliness is one department's record of finishing steps in time (HLJ-42, SUP-1).
type Timeliness struct {
	DepartmentID int64   `json:"department_id"`
	Completed    int     `json:"completed"`    // timed steps acted on
	OnTime       int     `json:"on_time"`      // of which by their due day
	OpenOverdue  int     `json:"open_overdue"` // steps overdue now
	OnTimeRate   float64 `json:"on_time_rate"` // on_time / completed; 1 when none completed
}

// Messages of deadline notices; arguments: workflow title, step title, due date.
var (
	MsgNoticeReminder   = Msg{"「%s」的“%s”将于 %s 到期", "%s: %q is due on %s"}
	MsgNoticeOverdue    = Msg{"「%s」的“%s”已于 %s 到期，现已逾期", "%s: %q was due on %s and is overdue"}
	MsgNoticeEscalation = Msg{"督办：「%s」的“%s”已逾期（到期日 %s）", "Supervision: %s: %q is overdue (due %s)"}
	MsgNoticeNotFound   = Msg{"通知不存在", "notification not found"}
)
