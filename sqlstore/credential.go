package sqlstore

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/signing"
)

// CredentialService implements govdata.CredentialService.
//
// A credential's secret is never stored: it is HMAC-SHA256(master key,
// app key ‖ salt), and the master key lives outside the database, so a dump
// of the database reveals no usable secret (ORG-5). Rotation draws a new salt.
type CredentialService struct {
	db *DB
	// known remembers active credentials and their secrets by app key for
	// rememberFor, so that a signed call does not read its credential
	// (PRODUCT.md §5): a rotation or revocation here forgets it at once, one
	// elsewhere is caught by the call's write (checkSigned).
	known sync.Map // app key → *knownCredential
}

// knownCredential is a remembered credential.
type knownCredential struct {
	cred   govdata.Credential
	secret []byte
	read   time.Time
}

// rememberFor bounds how long a credential is answered from memory.
const rememberFor = time.Minute

// NewCredentialService returns the credential service of db.
func NewCredentialService(db *DB) *CredentialService { return &CredentialService{db: db} }

var _ govdata.CredentialService = (*CredentialService)(nil)

const credentialColumns = "id, app_key, name, department_id, created_at, rotated_at, revoked_at, revoke_reason, last_used_at"

func scanCredential(row interface{ Scan(...any) error }, salt *[]byte) (*govdata.Credential, error) {
	var c govdata.Credential
	var created int64
	var rotated, revoked, used sql.NullInt64
	dest := []any{&c.ID, &c.AppKey, &c.Name, &c.DepartmentID, &created, &rotated, &revoked, &c.RevokeReason, &used}
	if salt != nil {
		dest = append(dest, salt)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.CreatedAt, c.RotatedAt, c.RevokedAt, c.LastUsedAt = fromDB(created), fromDBNull(rotated), fromDBNull(revoked), fromDBNull(used)
	return &c, nil
}

// secretOf derives the secret of a credential.
func (s *CredentialService) secretOf(appKey string, salt []byte) string {
	return s.db.deriveSecret("credential", appKey, salt)
}

// stampOf names the secret derived from salt (Credential.Stamp) without
// telling anything of it.
func stampOf(salt []byte) string {
	sum := sha256.Sum256(salt)
	return hex.EncodeToString(sum[:8])
}

func (s *CredentialService) needKey() error { return s.db.needMasterKey() }

// CreateCredential implements govdata.CredentialService. An officer issues
// credentials for its own department; DepartmentID 0 means that one.
func (s *CredentialService) CreateCredential(ctx context.Context, in govdata.CredentialInput) (*govdata.IssuedCredential, error) {
	a := govdata.ActorFrom(ctx)
	if in.DepartmentID == 0 {
		in.DepartmentID = a.DepartmentID
	}
	if err := govdata.AuthorizeIn(a, govdata.PermCredentialManage, in.DepartmentID); err != nil {
		return nil, err
	}
	if err := govdata.ValidateCredentialInput(in); err != nil {
		return nil, err
	}
	if err := s.needKey(); err != nil {
		return nil, err
	}
	var out *govdata.IssuedCredential
	err := s.db.write(ctx, func(tx *Tx) (err error) {
		out, err = s.issue(tx, in)
		return err
	})
	return out, err
}

// issue makes a credential in tx; the caller has checked in and the actor.
func (s *CredentialService) issue(tx *Tx, in govdata.CredentialInput) (*govdata.IssuedCredential, error) {
	if err := checkUserDepartment(tx, in.DepartmentID); err != nil {
		return nil, err
	}
	appKey := "gd" + strings.ToLower(rand.Text())
	salt := newSalt()
	now := tx.Now()
	id, err := tx.insert("INSERT INTO credentials (app_key, name, department_id, salt, created_at) VALUES (?, ?, ?, ?, ?)",
		appKey, in.Name, in.DepartmentID, salt, toDB(now))
	if err != nil {
		return nil, fmt.Errorf("insert credential: %w", err)
	}
	out := &govdata.IssuedCredential{
		Credential: govdata.Credential{ID: id, AppKey: appKey, Name: in.Name, DepartmentID: in.DepartmentID, CreatedAt: now},
		Secret:     s.secretOf(appKey, salt),
	}
	return out, tx.audit("credential.create", "credential", id, map[string]any{"app_key": appKey, "name": in.Name, "department_id": in.DepartmentID})
}

func findCredential(queryRow func(string, ...any) *sql.Row, id int64) (*govdata.Credential, error) {
	c, err := scanCredential(queryRow("SELECT "+credentialColumns+" FROM credentials WHERE id = ?", id), nil)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgCredentialNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find credential: %w", err)
	}
	return c, nil
}

// credentialSeen refuses, hidden, a credential the actor may not read:
// another department's, to an officer (issue 11). One who reads no
// credential at all is refused as such, whichever it names. Whether the
// actor may then act on it is the caller's to check.
func credentialSeen(a govdata.Actor, c *govdata.Credential) error {
	if err := govdata.Authorize(a, govdata.PermCredentialRead); err != nil {
		return err
	}
	return govdata.HideForbidden(govdata.AuthorizeIn(a, govdata.PermCredentialRead, c.DepartmentID), govdata.MsgCredentialNotFound)
}

// RotateCredential implements govdata.CredentialService.
func (s *CredentialService) RotateCredential(ctx context.Context, id int64) (*govdata.IssuedCredential, error) {
	if err := s.needKey(); err != nil {
		return nil, err
	}
	var out *govdata.IssuedCredential
	err := s.db.write(ctx, func(tx *Tx) error {
		c, err := findCredential(tx.queryRow, id)
		if err != nil {
			return err
		}
		if err := credentialSeen(tx.actor, c); err != nil {
			return err
		}
		if err := govdata.AuthorizeIn(tx.actor, govdata.PermCredentialManage, c.DepartmentID); err != nil {
			return err
		}
		if c.RevokedAt != nil {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgCredentialRevoked)
		}
		salt, now := newSalt(), tx.Now()
		if _, err := tx.exec("UPDATE credentials SET salt = ?, rotated_at = ? WHERE id = ?", salt, toDB(now), id); err != nil {
			return fmt.Errorf("rotate credential: %w", err)
		}
		c.RotatedAt = &now
		out = &govdata.IssuedCredential{Credential: *c, Secret: s.secretOf(c.AppKey, salt)}
		return tx.audit("credential.rotate", "credential", id, map[string]any{"app_key": c.AppKey})
	})
	if err == nil {
		s.known.Delete(out.AppKey)
	}
	return out, err
}

// RevokeCredential implements govdata.CredentialService.
func (s *CredentialService) RevokeCredential(ctx context.Context, id int64, reason string) (*govdata.Credential, error) {
	var out *govdata.Credential
	err := s.db.write(ctx, func(tx *Tx) error {
		c, err := findCredential(tx.queryRow, id)
		if err != nil {
			return err
		}
		if err := credentialSeen(tx.actor, c); err != nil {
			return err
		}
		if err := govdata.AuthorizeIn(tx.actor, govdata.PermCredentialRevoke, c.DepartmentID); err != nil {
			return err
		}
		if strings.TrimSpace(reason) == "" {
			var fe govdata.FieldErrors
			fe.Add("reason", govdata.MsgReasonRequired)
			return fe.Err()
		}
		if c.RevokedAt != nil {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgCredentialRevoked)
		}
		now := tx.Now()
		if _, err := tx.exec("UPDATE credentials SET revoked_at = ?, revoke_reason = ? WHERE id = ?", toDB(now), reason, id); err != nil {
			return fmt.Errorf("revoke credential: %w", err)
		}
		c.RevokedAt, c.RevokeReason = &now, reason
		out = c
		return tx.audit("credential.revoke", "credential", id, map[string]any{"app_key": c.AppKey, "reason": reason})
	})
	if err == nil {
		s.known.Delete(out.AppKey)
	}
	return out, err
}

// FindCredentialByID implements govdata.CredentialService.
func (s *CredentialService) FindCredentialByID(ctx context.Context, id int64) (*govdata.Credential, error) {
	c, err := findCredential(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, id)
	if err != nil {
		if govdata.ErrorCodeOf(err) == govdata.EINTERNAL {
			return nil, s.db.internal("find credential", err)
		}
		return nil, err
	}
	if err := credentialSeen(govdata.ActorFrom(ctx), c); err != nil {
		return nil, err
	}
	return c, nil
}

// FindCredentials implements govdata.CredentialService; an officer sees its
// own department's credentials only.
func (s *CredentialService) FindCredentials(ctx context.Context, f govdata.CredentialFilter) (govdata.List[*govdata.Credential], error) {
	var none govdata.List[*govdata.Credential]
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermCredentialRead); err != nil {
		return none, err
	}
	if scope := govdata.ScopedTo(a, govdata.PermCredentialRead); scope != 0 {
		if f.DepartmentID != 0 && f.DepartmentID != scope {
			return none, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOutOfScope)
		}
		f.DepartmentID = scope
	}
	f.Page = f.Page.Normalize()
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	w.add("id > ?", after)
	if f.DepartmentID != 0 {
		w.add("department_id = ?", f.DepartmentID)
	}
	if !f.IncludeRevoked {
		w.add("revoked_at IS NULL")
	}
	rows, err := s.db.query(ctx, "SELECT "+credentialColumns+" FROM credentials"+w.String()+" ORDER BY id LIMIT ?", append(w.args, f.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find credentials", err)
	}
	defer rows.Close()
	var items []*govdata.Credential
	for rows.Next() {
		c, err := scanCredential(rows, nil)
		if err != nil {
			return none, s.db.internal("scan credential", err)
		}
		items = append(items, c)
	}
	if err := rows.Err(); err != nil {
		return none, s.db.internal("find credentials", err)
	}
	return page(items, f.Limit, func(c *govdata.Credential) string { return strconv.FormatInt(c.ID, 10) }), nil
}

// CredentialSecret implements govdata.CredentialService.
func (s *CredentialService) CredentialSecret(ctx context.Context, appKey string, fresh bool) (*govdata.Credential, []byte, error) {
	if err := s.needKey(); err != nil {
		return nil, nil, err
	}
	if v, ok := s.known.Load(appKey); ok && !fresh {
		if k := v.(*knownCredential); time.Since(k.read) < rememberFor {
			c := k.cred
			return &c, k.secret, nil
		}
	}
	s.known.Delete(appKey)
	read := time.Now()
	var salt []byte
	c, err := scanCredential(s.db.queryRow(ctx, "SELECT "+credentialColumns+", salt FROM credentials WHERE app_key = ?", appKey), &salt)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && c.RevokedAt != nil) {
		return nil, nil, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgSignatureUnknown)
	}
	if err != nil {
		return nil, nil, s.db.internal("find credential", err)
	}
	c.Stamp = stampOf(salt)
	secret := []byte(s.secretOf(c.AppKey, salt))
	s.known.Store(appKey, &knownCredential{cred: *c, secret: secret, read: read})
	return c, secret, nil
}

// UseNonce implements govdata.CredentialService: the one write of a
// signed call whose route writes nothing else spends its nonce with its
// record.
func (s *CredentialService) UseNonce(ctx context.Context, call string) error {
	if a := govdata.ActorFrom(ctx); a.CredentialID == 0 || a.Nonce == "" {
		return s.db.internal("use nonce", errors.New("not a signed call"))
	}
	return s.db.writeSigned(ctx, func(tx *Tx) error {
		return tx.audit("credential.call", "credential", tx.actor.CredentialID, map[string]string{"call": call})
	}, nil)
}

// checkSigned applies the rules of signed calls (ORG-5) to a batch's
// signed writes before they run, in the batch's transaction, and reports
// the refusal of each (nil: it runs). A credential revoked, or rotated
// since its secret verified the call (Actor.CredentialStamp: the secret
// may have been remembered, CredentialService.known), refuses the call as
// an unknown key would have been; then a replayed nonce refuses it
// (spendNonces). Checked here, the credentials cost a batch one statement
// instead of a read on every call; with the nonces and the chain's head
// (opening) they are read in one round trip on PostgreSQL.
func checkSigned(tx *Tx, batch []*job, opening []laterStmt) ([]error, error) {
	refusals := make([]error, len(batch))
	var ids []any
	for _, j := range batch {
		if j.signed && j.actor.CredentialID != 0 && !slices.Contains(ids, any(j.actor.CredentialID)) {
			ids = append(ids, j.actor.CredentialID)
		}
	}
	active := map[int64]string{} // id → stamp
	if len(ids) > 0 {
		opening = append(opening, laterStmt{
			query: tx.db.dialect.q("SELECT id, salt FROM credentials WHERE id IN (" + placeholders(len(ids)) + ") AND revoked_at IS NULL"),
			args:  ids,
			scan: func(r rowScanner) error {
				var id int64
				var salt []byte
				if err := r.Scan(&id, &salt); err != nil {
					return fmt.Errorf("check credentials: %w", err)
				}
				active[id] = stampOf(salt)
				return nil
			},
		})
	}
	spent, err := spendNonces(tx, batch, opening)
	if err != nil {
		return nil, err
	}
	var used []any
	for i, j := range batch {
		if !j.signed || j.actor.CredentialID == 0 {
			continue
		}
		if stamp, ok := active[j.actor.CredentialID]; !ok || (j.actor.CredentialStamp != "" && j.actor.CredentialStamp != stamp) {
			refusals[i] = govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgSignatureUnknown)
			if spent[i] {
				// Refused before it counted: its nonce stays unspent, so
				// the caller may send the call again signed with the
				// current secret.
				if err := tx.execLater("DELETE FROM credential_nonces WHERE credential_id = ? AND nonce = ?", j.actor.CredentialID, j.actor.Nonce); err != nil {
					return nil, fmt.Errorf("unspend nonce: %w", err)
				}
			}
			continue
		}
		if j.actor.Nonce == "" {
			continue
		}
		if !spent[i] {
			refusals[i] = govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgSignatureReplay)
			continue
		}
		if !slices.Contains(used, any(j.actor.CredentialID)) {
			used = append(used, j.actor.CredentialID)
		}
	}
	if len(used) > 0 {
		// The last use, to the minute: a busy system's every call need
		// not rewrite its credential.
		now := toDB(tx.Now())
		if err := tx.execLater("UPDATE credentials SET last_used_at = ? WHERE id IN ("+placeholders(len(used))+
			") AND (last_used_at IS NULL OR last_used_at < ?)", append(append([]any{now}, used...), toDB(tx.Now().Add(-time.Minute)))...); err != nil {
			return nil, fmt.Errorf("record use: %w", err)
		}
	}
	return refusals, nil
}

// spendNonces is the replay rule of signed calls, in one place (ORG-5:
// calls are signed "with a replay window"). A call's timestamp may lie up
// to signing.Window either side of now (checked with its signature by the
// HTTP layer); its nonce — carried on the actor, unspent — is accepted
// once per credential within that window: it is kept for twice the
// window, so that a replay is refused whichever side of now its timestamp
// lies, and a replay is refused with EUNAUTHORIZED (MsgSignatureReplay).
//
// The committer spends the nonces of a batch's signed writes (writeSigned:
// the data service's calls, every other signed route through UseNonce)
// together, in the batch's transaction, before the writes run: the call,
// its record and its nonce commit together or not at all, and a batch of
// calls costs one statement, not one each (PRODUCT.md §5), sent with the
// batch's opening reads. It reports which of the batch's writes spent
// their nonce now (false: a replay — a nonce spent and not yet expired,
// or one spent by an earlier write of the same batch). A nonce is spent
// before its credential is known to be current; checkSigned gives back
// the nonce of a call it refuses for its credential. A write whose actor
// carries no nonce (not a signed call) has nothing to spend.
func spendNonces(tx *Tx, batch []*job, opening []laterStmt) (map[int]bool, error) {
	type use struct {
		credential int64
		nonce      string
	}
	first := map[use]int{}
	var uses []use
	for i, j := range batch {
		if !j.signed || j.actor.Nonce == "" || j.actor.CredentialID == 0 {
			continue
		}
		u := use{j.actor.CredentialID, j.actor.Nonce}
		if _, seen := first[u]; seen {
			continue // a replay within the batch
		}
		first[u] = i
		uses = append(uses, u)
	}
	// In key order: two instances on one database lock the same rows in
	// the same order.
	slices.SortFunc(uses, func(a, b use) int {
		return cmp.Or(cmp.Compare(a.credential, b.credential), cmp.Compare(a.nonce, b.nonce))
	})
	now, expires := toDB(tx.Now()), toDB(tx.Now().Add(2*signing.Window))
	spent := map[int]bool{}
	for chunk := range slices.Chunk(uses, nonceInsertRows) {
		// A nonce seen before counts again only once its earlier use has
		// expired (the housekeeper removes expired ones).
		var q strings.Builder
		q.WriteString("INSERT INTO credential_nonces (credential_id, nonce, expires_at) VALUES ")
		args := make([]any, 0, 3*len(chunk)+1)
		for k, u := range chunk {
			if k > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?)")
			args = append(args, u.credential, u.nonce, expires)
		}
		q.WriteString(` ON CONFLICT (credential_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
			WHERE credential_nonces.expires_at < ? RETURNING credential_id, nonce`)
		opening = append(opening, laterStmt{query: tx.db.dialect.q(q.String()), args: append(args, now), scan: func(r rowScanner) error {
			var u use
			if err := r.Scan(&u.credential, &u.nonce); err != nil {
				return fmt.Errorf("record nonces: %w", err)
			}
			if i, ok := first[u]; ok {
				spent[i] = true
			}
			return nil
		}})
	}
	if err := tx.db.runOpening(tx, opening); err != nil {
		return nil, err
	}
	return spent, nil
}

// nonceInsertRows bounds the rows of one nonce statement (3 parameters
// each).
const nonceInsertRows = 500
