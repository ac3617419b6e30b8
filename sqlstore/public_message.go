package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// postPublicMessage posts a message to a public account's inbox (OPN-2,
// HLJ-43), in the caller's transaction: it commits with the decision it
// tells of, and the outbox mails it after (MailPublicOnce).
func postPublicMessage(tx *Tx, account int64, kind string, subject, body govdata.Text, link string) error {
	now := toDB(tx.Now())
	if _, err := tx.exec(`INSERT INTO public_messages (account_id, kind, subject_zh, subject_en, body_zh, body_en, link, created_at, mail_next_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, account, kind, subject.ZH, subject.EN, body.ZH, body.EN, link, now, now); err != nil {
		return fmt.Errorf("post public message: %w", err)
	}
	return nil
}

// PublicMail is one mail of the public outbox to send.
type PublicMail struct {
	// ID names the mail to the receiver as one (Message-ID): "mail.N" or
	// "message.N", so a copy sent twice can be told.
	ID      string
	To      string
	Subject string
	Body    string
}

// mailLease is how long a claimed mail is the claimer's: longer than a send.
const mailLease = 2 * time.Minute

// mailBackoff is the wait before the next try of a failed mail.
func mailBackoff(attempts int) time.Duration {
	d := time.Minute << min(attempts, 8)
	return min(d, 6*time.Hour)
}

// MailPublicOnce sends the due mails of the public outbox with send: the
// confirmation and registration mails (public_mail) and the inbox's
// messages of confirmed accounts (public_messages). Each is claimed for
// mailLease before it is sent and marked mailed after, so a crash between
// sends it again rather than never (at least once); a failed send is tried
// again after a back-off. It returns how many it sent.
func (s *PublicAccountService) MailPublicOnce(ctx context.Context, limit int, send func(ctx context.Context, m PublicMail) error) (int, error) {
	ctx = govdata.WithActor(ctx, govdata.Actor{Username: "public-mailer", System: true})
	type claimed struct {
		PublicMail
		table    string
		id       int64
		attempts int
	}
	var due []claimed
	err := s.db.write(ctx, func(tx *Tx) error {
		now := toDB(tx.Now())
		rows, err := tx.query(`SELECT id, to_addr, subject, body, attempts FROM public_mail
			WHERE mailed_at IS NULL AND next_at <= ? ORDER BY id LIMIT ?`, now, limit)
		if err != nil {
			return fmt.Errorf("claim mail: %w", err)
		}
		for rows.Next() {
			c := claimed{table: "public_mail"}
			if err := rows.Scan(&c.id, &c.To, &c.Subject, &c.Body, &c.attempts); err != nil {
				rows.Close()
				return err
			}
			c.ID = fmt.Sprintf("mail.%d", c.id)
			due = append(due, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.query(`SELECT m.id, a.email, m.subject_zh, m.subject_en, m.body_zh, m.body_en, m.link, m.mail_attempts
			FROM public_messages m JOIN public_accounts a ON a.id = m.account_id
			WHERE m.mailed_at IS NULL AND m.mail_next_at <= ? AND a.confirmed_at IS NOT NULL ORDER BY m.id LIMIT ?`, now, limit)
		if err != nil {
			return fmt.Errorf("claim messages: %w", err)
		}
		for rows.Next() {
			c := claimed{table: "public_messages"}
			var sub, body govdata.Text
			var link string
			if err := rows.Scan(&c.id, &c.To, &sub.ZH, &sub.EN, &body.ZH, &body.EN, &link, &c.attempts); err != nil {
				rows.Close()
				return err
			}
			c.ID, c.Subject = fmt.Sprintf("message.%d", c.id), sub.ZH+" / "+sub.EN
			c.Body = body.ZH + "\n\n" + body.EN + "\n"
			if link != "" {
				c.Body += "\n" + s.PublicURL + link + "\n"
			}
			due = append(due, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		lease := toDB(tx.Now().Add(mailLease))
		for _, c := range due {
			q := "UPDATE public_mail SET next_at = ?, attempts = attempts + 1 WHERE id = ?"
			if c.table == "public_messages" {
				q = "UPDATE public_messages SET mail_next_at = ?, mail_attempts = mail_attempts + 1 WHERE id = ?"
			}
			if _, err := tx.exec(q, lease, c.id); err != nil {
				return fmt.Errorf("claim: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, c := range due {
		serr := send(ctx, c.PublicMail)
		err := s.db.write(ctx, func(tx *Tx) error {
			now := tx.Now()
			var q string
			var args []any
			switch {
			case serr == nil && c.table == "public_mail":
				// The link's token leaves the table once it is mailed.
				q, args = "UPDATE public_mail SET mailed_at = ?, body = '', last_error = '' WHERE id = ?", []any{toDB(now), c.id}
			case serr == nil:
				q, args = "UPDATE public_messages SET mailed_at = ? WHERE id = ?", []any{toDB(now), c.id}
			case c.table == "public_mail":
				q, args = "UPDATE public_mail SET next_at = ?, last_error = ? WHERE id = ?",
					[]any{toDB(now.Add(mailBackoff(c.attempts))), truncate(serr.Error(), 500), c.id}
			default:
				q, args = "UPDATE public_messages SET mail_next_at = ? WHERE id = ?", []any{toDB(now.Add(mailBackoff(c.attempts))), c.id}
			}
			_, err := tx.exec(q, args...)
			return err
		})
		if err != nil {
			return sent, err
		}
		if serr == nil {
			sent++
		}
	}
	return sent, nil
}

// truncate bounds an error's text for a column.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
