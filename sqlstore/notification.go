package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/govdata/govdata"
)

// NotificationService implements govdata.NotificationService.
type NotificationService struct{ db *DB }

// NewNotificationService returns the in-app inbox of db.
func NewNotificationService(db *DB) *NotificationService { return &NotificationService{db: db} }

var _ govdata.NotificationService = (*NotificationService)(nil)

// FindNotifications implements govdata.NotificationService.
func (s *NotificationService) FindNotifications(ctx context.Context, f govdata.NotificationFilter) (govdata.List[*govdata.Notification], error) {
	var none govdata.List[*govdata.Notification]
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return none, err
	}
	f.Page = f.Page.Normalize()
	before, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	w.add("user_id = ?", a.UserID)
	if before > 0 {
		w.add("id < ?", before)
	}
	if f.Unread {
		w.add("read_at IS NULL")
	}
	rows, err := s.db.query(ctx, "SELECT id, kind, instance_id, title_zh, title_en, due_date, created_at, read_at FROM notifications"+
		w.String()+" ORDER BY id DESC LIMIT ?", append(w.args, f.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find notifications", err)
	}
	defer rows.Close()
	var items []*govdata.Notification
	for rows.Next() {
		var n govdata.Notification
		var inst, read sql.NullInt64
		var due string
		var created int64
		if err := rows.Scan(&n.ID, &n.Kind, &inst, &n.Title.ZH, &n.Title.EN, &due, &created, &read); err != nil {
			return none, s.db.internal("scan notification", err)
		}
		n.InstanceID, n.CreatedAt, n.Read = inst.Int64, fromDB(created), read.Valid
		if due != "" {
			d, _ := govdata.ParseDate(due)
			n.Due = &d
		}
		items = append(items, &n)
	}
	if err := rows.Err(); err != nil {
		return none, s.db.internal("find notifications", err)
	}
	return page(items, f.Limit, func(n *govdata.Notification) string { return strconv.FormatInt(n.ID, 10) }), nil
}

// MarkNotificationRead implements govdata.NotificationService. Reading
// one's own inbox is not an action the audit log needs.
func (s *NotificationService) MarkNotificationRead(ctx context.Context, id int64) error {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?", toDB(tx.Now()), id, a.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Issue 11: another user's notice is answered as none, and
			// refused on the record (SJZ-S-22).
			var other int64
			err := tx.queryRow("SELECT user_id FROM notifications WHERE id = ?", id).Scan(&other)
			if errors.Is(err, sql.ErrNoRows) {
				return govdata.Errorf(govdata.ENOTFOUND, govdata.MsgNoticeNotFound)
			}
			if err != nil {
				return err
			}
			return govdata.Hidden(govdata.MsgNoticeNotFound)
		}
		return nil
	})
}

// Notify implements govdata.NotificationService.
func (s *NotificationService) Notify(ctx context.Context, userID int64, kind string, title govdata.Text) (int64, error) {
	if !govdata.ActorFrom(ctx).IsSystem() {
		return 0, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	if !govdata.ValidNoticeKind(kind) {
		return 0, fmt.Errorf("notify: bad kind %q", kind)
	}
	var id int64
	err := s.db.write(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.insert(`INSERT INTO notifications (user_id, kind, title_zh, title_en, dedupe, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			userID, kind, title.ZH, title.EN, kind+":"+rand.Text(), toDB(tx.Now()))
		if err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		if err := s.db.enqueueDeliveries(tx, []int64{id}); err != nil {
			return err
		}
		return tx.audit("notification.send", "notification", id, map[string]any{"user_id": userID, "kind": kind})
	})
	return id, err
}

// notifyRoleHolders writes, in tx, a notice to every active holder of role
// (the secadmins of a security event, the sysadmins of a missing calendar
// year), at most once per dedupe key and user, and queues its copies by
// e-mail and webhook. It returns the notices written.
func notifyRoleHolders(tx *Tx, role govdata.Role, kind string, title govdata.Text, dedupe string) ([]int64, error) {
	rows, err := tx.query(`INSERT INTO notifications (user_id, kind, title_zh, title_en, dedupe, created_at)
		SELECT u.id, ?, ?, ?, ? || ':' || u.id, ? FROM users u
		WHERE u.disabled_at IS NULL AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ? AND r.revoked_at IS NULL)
		ON CONFLICT (dedupe) DO NOTHING RETURNING id`, kind, title.ZH, title.EN, dedupe, toDB(tx.Now()), string(role))
	if err != nil {
		return nil, fmt.Errorf("notify %s: %w", role, err)
	}
	ids, err := scanAll(rows, func(row interface{ Scan(...any) error }) (id int64, err error) { return id, row.Scan(&id) })
	if err != nil {
		return nil, fmt.Errorf("notify %s: %w", role, err)
	}
	return ids, tx.db.enqueueDeliveries(tx, ids)
}
