package sqlstore

import "github.com/govdata/govdata"

// postPublicMessage tells a public account something in its inbox (OPN-2,
// HLJ-43): decisions on its applications, suspensions, withdrawals of data
// it holds; mailed later when SMTP is configured (mailed_at). Part of the
// write that decided it.
//
// A stub of the openflow branch with the signature the public branch
// writes; the merge keeps one.
func postPublicMessage(tx *Tx, account int64, kind string, subject, body govdata.Text, link string) error {
	_, err := tx.exec(`INSERT INTO public_messages (account_id, kind, subject_zh, subject_en, body_zh, body_en, link, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, account, kind, subject.ZH, subject.EN, body.ZH, body.EN, link, toDB(tx.Now()))
	return err
}
