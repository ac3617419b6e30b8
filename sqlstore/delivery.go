package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// DeliveryService implements govdata.DeliveryService: webhooks and the
// outbox of notifications sent out by e-mail and webhooks (CAL-3).
type DeliveryService struct{ db *DB }

// NewDeliveryService returns the delivery service of db.
func NewDeliveryService(db *DB) *DeliveryService { return &DeliveryService{db: db} }

var _ govdata.DeliveryService = (*DeliveryService)(nil)

const webhookColumns = "id, name, url, kinds, active, created_at, updated_at"

func scanWebhook(row interface{ Scan(...any) error }) (*govdata.Webhook, error) {
	var w govdata.Webhook
	var kinds string
	var created, updated int64
	if err := row.Scan(&w.ID, &w.Name, &w.URL, &kinds, &w.Active, &created, &updated); err != nil {
		return nil, err
	}
	w.Kinds = splitKinds(kinds)
	w.CreatedAt, w.UpdatedAt = fromDB(created), fromDB(updated)
	return &w, nil
}

// joinKinds stores kinds as ",a,b," so that one LIKE finds a subscriber.
func joinKinds(kinds []string) string {
	if len(kinds) == 0 {
		return ""
	}
	return "," + strings.Join(kinds, ",") + ","
}

func splitKinds(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func findWebhook(queryRow func(string, ...any) *sql.Row, id int64) (*govdata.Webhook, error) {
	w, err := scanWebhook(queryRow("SELECT "+webhookColumns+" FROM webhooks WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgWebhookNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find webhook: %w", err)
	}
	return w, nil
}

func (s *DeliveryService) issue(w *govdata.Webhook, salt []byte) *govdata.IssuedWebhook {
	key := govdata.WebhookAppKey(w.ID)
	return &govdata.IssuedWebhook{Webhook: *w, AppKey: key, Secret: s.db.deriveSecret("webhook", key, salt)}
}

// CreateWebhook implements govdata.DeliveryService.
func (s *DeliveryService) CreateWebhook(ctx context.Context, in govdata.WebhookInput) (*govdata.IssuedWebhook, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDeliveryManage); err != nil {
		return nil, err
	}
	var fe govdata.FieldErrors
	govdata.ValidateWebhook(&fe, &in.Name, &in.URL, &in.Kinds)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := s.db.needMasterKey(); err != nil {
		return nil, err
	}
	var out *govdata.IssuedWebhook
	err := s.db.write(ctx, func(tx *Tx) error {
		now, salt := tx.Now(), newSalt()
		id, err := tx.insert("INSERT INTO webhooks (name, url, kinds, active, salt, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			in.Name, in.URL, joinKinds(in.Kinds), true, salt, toDB(now), toDB(now))
		if err != nil {
			return fmt.Errorf("insert webhook: %w", err)
		}
		w := &govdata.Webhook{ID: id, Name: in.Name, URL: in.URL, Kinds: splitKinds(joinKinds(in.Kinds)), Active: true, CreatedAt: now, UpdatedAt: now}
		out = s.issue(w, salt)
		return tx.audit("webhook.create", "webhook", id, map[string]any{"name": in.Name, "url": in.URL, "kinds": w.Kinds})
	})
	return out, err
}

// UpdateWebhook implements govdata.DeliveryService.
func (s *DeliveryService) UpdateWebhook(ctx context.Context, id int64, p govdata.WebhookPatch) (*govdata.Webhook, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDeliveryManage); err != nil {
		return nil, err
	}
	var fe govdata.FieldErrors
	govdata.ValidateWebhook(&fe, p.Name, p.URL, p.Kinds)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var out *govdata.Webhook
	err := s.db.write(ctx, func(tx *Tx) error {
		w, err := findWebhook(tx.queryRow, id)
		if err != nil {
			return err
		}
		change := map[string]any{}
		if p.Name != nil {
			w.Name, change["name"] = *p.Name, *p.Name
		}
		if p.URL != nil {
			w.URL, change["url"] = *p.URL, *p.URL
		}
		if p.Kinds != nil {
			w.Kinds, change["kinds"] = splitKinds(joinKinds(*p.Kinds)), *p.Kinds
		}
		if p.Active != nil {
			w.Active, change["active"] = *p.Active, *p.Active
		}
		w.UpdatedAt = tx.Now()
		if _, err := tx.exec("UPDATE webhooks SET name = ?, url = ?, kinds = ?, active = ?, updated_at = ? WHERE id = ?",
			w.Name, w.URL, joinKinds(w.Kinds), w.Active, toDB(w.UpdatedAt), id); err != nil {
			return fmt.Errorf("update webhook: %w", err)
		}
		out = w
		return tx.audit("webhook.update", "webhook", id, change)
	})
	return out, err
}

// RotateWebhookSecret implements govdata.DeliveryService. Deliveries still
// pending are signed with the new secret when they are sent.
func (s *DeliveryService) RotateWebhookSecret(ctx context.Context, id int64) (*govdata.IssuedWebhook, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDeliveryManage); err != nil {
		return nil, err
	}
	if err := s.db.needMasterKey(); err != nil {
		return nil, err
	}
	var out *govdata.IssuedWebhook
	err := s.db.write(ctx, func(tx *Tx) error {
		w, err := findWebhook(tx.queryRow, id)
		if err != nil {
			return err
		}
		salt := newSalt()
		w.UpdatedAt = tx.Now()
		if _, err := tx.exec("UPDATE webhooks SET salt = ?, updated_at = ? WHERE id = ?", salt, toDB(w.UpdatedAt), id); err != nil {
			return fmt.Errorf("rotate webhook: %w", err)
		}
		out = s.issue(w, salt)
		return tx.audit("webhook.rotate", "webhook", id, nil)
	})
	return out, err
}

// FindWebhookByID implements govdata.DeliveryService.
func (s *DeliveryService) FindWebhookByID(ctx context.Context, id int64) (*govdata.Webhook, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDeliveryManage); err != nil {
		return nil, err
	}
	w, err := findWebhook(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, id)
	if err != nil && govdata.ErrorCodeOf(err) == govdata.EINTERNAL {
		return nil, s.db.internal("find webhook", err)
	}
	return w, err
}

// FindWebhooks implements govdata.DeliveryService.
func (s *DeliveryService) FindWebhooks(ctx context.Context, p govdata.Page) (govdata.List[*govdata.Webhook], error) {
	var none govdata.List[*govdata.Webhook]
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDeliveryManage); err != nil {
		return none, err
	}
	p = p.Normalize()
	after, err := decodeIDCursor(p.Cursor)
	if err != nil {
		return none, err
	}
	rows, err := s.db.query(ctx, "SELECT "+webhookColumns+" FROM webhooks WHERE id > ? ORDER BY id LIMIT ?", after, p.Limit+1)
	if err != nil {
		return none, s.db.internal("find webhooks", err)
	}
	defer rows.Close()
	var items []*govdata.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return none, s.db.internal("scan webhook", err)
		}
		items = append(items, w)
	}
	if err := rows.Err(); err != nil {
		return none, s.db.internal("find webhooks", err)
	}
	return page(items, p.Limit, func(w *govdata.Webhook) string { return strconv.FormatInt(w.ID, 10) }), nil
}

// enqueueDeliveries queues, in tx, the copies of the notifications ids that
// leave the platform: an e-mail to each recipient with an address when SMTP
// is configured, and a request to each active webhook subscribed to the
// notification's kind. Two statements whatever the number of notifications.
func (db *DB) enqueueDeliveries(tx *Tx, ids []int64) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		in := placeholders(len(chunk))
		now := toDB(tx.Now())
		args := append([]any{now, now}, int64Args(chunk)...)
		if _, err := tx.exec(`INSERT INTO deliveries (notification_id, channel, webhook_id, target, next_at, created_at)
			SELECT n.id, 'webhook', w.id, w.url, ?, ? FROM notifications n JOIN webhooks w
			ON w.active AND (w.kinds = '' OR w.kinds LIKE '%,' || n.kind || ',%')
			WHERE n.id IN (`+in+`) ORDER BY n.id, w.id`, args...); err != nil {
			return fmt.Errorf("queue webhook deliveries: %w", err)
		}
		if !db.opts.MailNotices {
			continue
		}
		if _, err := tx.exec(`INSERT INTO deliveries (notification_id, channel, target, next_at, created_at)
			SELECT n.id, 'email', u.email, ?, ? FROM notifications n JOIN users u ON u.id = n.user_id
			WHERE u.email <> '' AND n.id IN (`+in+`) ORDER BY n.id`, args...); err != nil {
			return fmt.Errorf("queue e-mail deliveries: %w", err)
		}
	}
	return nil
}

const deliveryColumns = "d.id, d.notification_id, d.channel, d.webhook_id, n.user_id, d.target, d.state, d.attempts, d.next_at, d.last_error, d.sent_at, d.created_at"

func scanDelivery(row interface{ Scan(...any) error }, extra ...any) (*govdata.Delivery, error) {
	var d govdata.Delivery
	var webhook, sent sql.NullInt64
	var next, created int64
	dest := append([]any{&d.ID, &d.NotificationID, &d.Channel, &webhook, &d.UserID, &d.Target, &d.State, &d.Attempts, &next, &d.LastError, &sent, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	d.WebhookID, d.SentAt, d.CreatedAt = webhook.Int64, fromDBNull(sent), fromDB(created)
	if d.State == govdata.DeliveryPending {
		t := fromDB(next)
		d.NextAt = &t
	}
	return &d, nil
}

// FindDeliveries implements govdata.DeliveryService.
func (s *DeliveryService) FindDeliveries(ctx context.Context, f govdata.DeliveryFilter) (govdata.List[*govdata.Delivery], error) {
	var none govdata.List[*govdata.Delivery]
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDeliveryManage); err != nil {
		return none, err
	}
	f.Page = f.Page.Normalize()
	before, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	if before > 0 {
		w.add("d.id < ?", before)
	}
	if f.Channel != "" {
		w.add("d.channel = ?", string(f.Channel))
	}
	if f.State != "" {
		w.add("d.state = ?", string(f.State))
	}
	if f.WebhookID != 0 {
		w.add("d.webhook_id = ?", f.WebhookID)
	}
	rows, err := s.db.query(ctx, "SELECT "+deliveryColumns+" FROM deliveries d JOIN notifications n ON n.id = d.notification_id"+
		w.String()+" ORDER BY d.id DESC LIMIT ?", append(w.args, f.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find deliveries", err)
	}
	defer rows.Close()
	var items []*govdata.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return none, s.db.internal("scan delivery", err)
		}
		items = append(items, d)
	}
	if err := rows.Err(); err != nil {
		return none, s.db.internal("find deliveries", err)
	}
	return page(items, f.Limit, func(d *govdata.Delivery) string { return strconv.FormatInt(d.ID, 10) }), nil
}

func findDelivery(queryRow func(string, ...any) *sql.Row, id int64) (*govdata.Delivery, error) {
	d, err := scanDelivery(queryRow("SELECT "+deliveryColumns+" FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE d.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgDeliveryNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find delivery: %w", err)
	}
	return d, nil
}

// FindDeliveryByID implements govdata.DeliveryService.
func (s *DeliveryService) FindDeliveryByID(ctx context.Context, id int64) (*govdata.Delivery, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDeliveryManage); err != nil {
		return nil, err
	}
	d, err := findDelivery(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, id)
	if err != nil {
		if govdata.ErrorCodeOf(err) == govdata.EINTERNAL {
			return nil, s.db.internal("find delivery", err)
		}
		return nil, err
	}
	rows, err := s.db.query(ctx, "SELECT at, ok, status, error, duration_ms FROM delivery_attempts WHERE delivery_id = ? ORDER BY at", id)
	if err != nil {
		return nil, s.db.internal("delivery log", err)
	}
	defer rows.Close()
	d.Log = []govdata.DeliveryAttempt{}
	for rows.Next() {
		var a govdata.DeliveryAttempt
		var at int64
		if err := rows.Scan(&at, &a.OK, &a.Status, &a.Error, &a.DurationMS); err != nil {
			return nil, s.db.internal("delivery log", err)
		}
		a.At = fromDB(at)
		d.Log = append(d.Log, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.internal("delivery log", err)
	}
	return d, nil
}

// RetryDelivery implements govdata.DeliveryService.
func (s *DeliveryService) RetryDelivery(ctx context.Context, id int64) (*govdata.Delivery, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermDeliveryManage); err != nil {
		return nil, err
	}
	var out *govdata.Delivery
	err := s.db.write(ctx, func(tx *Tx) error {
		d, err := findDelivery(tx.queryRow, id)
		if err != nil {
			return err
		}
		if d.State != govdata.DeliveryFailed {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgDeliveryNotFailed, d.State)
		}
		now := tx.Now()
		if _, err := tx.exec("UPDATE deliveries SET state = 'pending', attempts = 0, next_at = ? WHERE id = ? AND state = 'failed'", toDB(now), id); err != nil {
			return fmt.Errorf("retry delivery: %w", err)
		}
		d.State, d.Attempts, d.NextAt = govdata.DeliveryPending, 0, &now
		out = d
		return tx.audit("delivery.retry", "delivery", id, map[string]any{"channel": d.Channel, "target": d.Target})
	})
	return out, err
}

// ClaimDeliveries implements govdata.DeliveryService. The claim moves
// next_at to the end of the lease; the outer condition on next_at makes two
// senders racing for a row (PostgreSQL re-checks it on the updated row)
// claim it once.
func (s *DeliveryService) ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]*govdata.Outgoing, error) {
	if !govdata.ActorFrom(ctx).IsSystem() {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	var ids []int64
	err := s.db.write(ctx, func(tx *Tx) error {
		now := toDB(tx.Now())
		rows, err := tx.query(`UPDATE deliveries SET next_at = ? WHERE state = 'pending' AND next_at <= ? AND id IN
			(SELECT id FROM deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?) RETURNING id`,
			toDB(tx.Now().Add(lease)), now, now, limit)
		if err != nil {
			return fmt.Errorf("claim deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	rows, err := s.db.query(ctx, "SELECT "+deliveryColumns+`, n.kind, n.instance_id, n.title_zh, n.title_en, n.due_date, n.created_at, u.username, w.salt
		FROM deliveries d JOIN notifications n ON n.id = d.notification_id JOIN users u ON u.id = n.user_id
		LEFT JOIN webhooks w ON w.id = d.webhook_id WHERE d.id IN (`+placeholders(len(ids))+") ORDER BY d.next_at, d.id", int64Args(ids)...)
	if err != nil {
		return nil, s.db.internal("claimed deliveries", err)
	}
	defer rows.Close()
	var out []*govdata.Outgoing
	for rows.Next() {
		var o govdata.Outgoing
		var inst sql.NullInt64
		var due string
		var created int64
		var salt []byte
		n := &o.Notification
		d, err := scanDelivery(rows, &n.Kind, &inst, &n.Title.ZH, &n.Title.EN, &due, &created, &o.Username, &salt)
		if err != nil {
			return nil, s.db.internal("claimed deliveries", err)
		}
		o.Delivery = *d
		n.ID, n.InstanceID, n.CreatedAt = d.NotificationID, inst.Int64, fromDB(created)
		if due != "" {
			if day, err := govdata.ParseDate(due); err == nil {
				n.Due = &day
			}
		}
		if d.Channel == govdata.ChannelWebhook {
			o.Secret = []byte(s.db.deriveSecret("webhook", govdata.WebhookAppKey(d.WebhookID), salt))
		}
		out = append(out, &o)
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.internal("claimed deliveries", err)
	}
	return out, nil
}

// RecordAttempt implements govdata.DeliveryService.
func (s *DeliveryService) RecordAttempt(ctx context.Context, id int64, at govdata.DeliveryAttempt) error {
	if !govdata.ActorFrom(ctx).IsSystem() {
		return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	at.Error = boundError(at.Error)
	return s.db.write(ctx, func(tx *Tx) error {
		var attempts int
		var state string
		err := tx.queryRow("SELECT attempts, state FROM deliveries WHERE id = ?", id).Scan(&attempts, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return govdata.Errorf(govdata.ENOTFOUND, govdata.MsgDeliveryNotFound)
		}
		if err != nil {
			return fmt.Errorf("record attempt: %w", err)
		}
		if state != string(govdata.DeliveryPending) {
			return nil // a second sender after a lease ran out: the first one's outcome stands
		}
		if at.At.IsZero() {
			at.At = tx.Now()
		}
		if _, err := tx.exec("INSERT INTO delivery_attempts (delivery_id, at, ok, status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
			id, toDB(at.At), at.OK, at.Status, at.Error, at.DurationMS); err != nil {
			return fmt.Errorf("record attempt: %w", err)
		}
		attempts++
		switch {
		case at.OK:
			_, err = tx.exec("UPDATE deliveries SET state = 'sent', attempts = ?, last_error = '', sent_at = ? WHERE id = ?", attempts, toDB(at.At), id)
		case attempts >= govdata.MaxDeliveryAttempts:
			_, err = tx.exec("UPDATE deliveries SET state = 'failed', attempts = ?, last_error = ? WHERE id = ?", attempts, at.Error, id)
		default:
			_, err = tx.exec("UPDATE deliveries SET attempts = ?, last_error = ?, next_at = ? WHERE id = ?",
				attempts, at.Error, toDB(tx.Now().Add(govdata.DeliveryBackoff(attempts))), id)
		}
		if err != nil {
			return fmt.Errorf("record attempt: %w", err)
		}
		return nil
	})
}

// boundError keeps a receiver's error text (which may echo its answer) to
// a size the log holds, as valid UTF-8 without NUL (PostgreSQL refuses it).
func boundError(s string) string {
	const most = 500
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) > most {
		s = strings.ToValidUTF8(s[:most], "") + "…"
	}
	return s
}
