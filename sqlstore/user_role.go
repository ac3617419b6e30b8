package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// requestRoles records, in tx, business roles asked for user userID in
// department dept (等保 三员分立: they count nowhere until a secadmin
// confirms them), replacing an earlier request of the same role, and tells
// every secadmin that an account waits for confirmation.
func requestRoles(tx *Tx, u *govdata.User, dept int64, roles []govdata.Role) error {
	if len(roles) == 0 {
		return nil
	}
	if err := dropRequests(tx, u.ID, roles); err != nil {
		return err
	}
	for _, r := range roles {
		if _, err := tx.exec(`INSERT INTO user_role_requests (user_id, role, department_id, requested_at, requested_by)
			VALUES (?, ?, ?, ?, ?)`, u.ID, string(r), nullID(dept), toDB(tx.Now()), actorName(tx.actor)); err != nil {
			return fmt.Errorf("request role: %w", err)
		}
	}
	title := textOf(govdata.MsgRoleRequestNotice, u.Username, govdata.JoinRoles(roles), dept, actorName(tx.actor))
	_, err := notifyRoleHolders(tx, govdata.RoleSecadmin, govdata.NoticeSecurity, title, "role_request:"+rand.Text())
	return err
}

// dropRequests deletes, in tx, the requests of roles for a user.
func dropRequests(tx *Tx, userID int64, roles []govdata.Role) error {
	for _, r := range roles {
		if _, err := tx.exec("DELETE FROM user_role_requests WHERE user_id = ? AND role = ?", userID, string(r)); err != nil {
			return fmt.Errorf("drop role request: %w", err)
		}
	}
	return nil
}

// pendingOf loads the role requests of users.
func pendingOf(query func(string, ...any) (*sql.Rows, error), ids ...int64) (map[int64][]govdata.RoleRequest, error) {
	out := map[int64][]govdata.RoleRequest{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := query("SELECT user_id, role, department_id, requested_at, requested_by FROM user_role_requests WHERE user_id IN ("+
		placeholders(len(ids))+") ORDER BY id", int64Args(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		var dept sql.NullInt64
		var q govdata.RoleRequest
		if err := rows.Scan(&id, &q.Role, &dept, &at, &q.RequestedBy); err != nil {
			return nil, err
		}
		q.DepartmentID, q.RequestedAt = dept.Int64, fromDB(at)
		out[id] = append(out[id], q)
	}
	return out, rows.Err()
}

// loadRoles sets the held and requested roles of users, never nil.
func loadRoles(query func(string, ...any) (*sql.Rows, error), users ...*govdata.User) error {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	roles, err := rolesOf(query, ids...)
	if err != nil {
		return fmt.Errorf("load roles: %w", err)
	}
	pending, err := pendingOf(query, ids...)
	if err != nil {
		return fmt.Errorf("load role requests: %w", err)
	}
	for _, u := range users {
		u.Roles, u.PendingRoles = roles[u.ID], pending[u.ID]
		if u.Roles == nil {
			u.Roles = []govdata.Role{}
		}
		if u.PendingRoles == nil {
			u.PendingRoles = []govdata.RoleRequest{}
		}
	}
	return nil
}

// ConfirmRoles implements govdata.UserService: the secadmin grants roles
// the sysadmin asked for (等保 三员分立), and only then they count.
func (s *UserService) ConfirmRoles(ctx context.Context, id int64, d govdata.RoleDecision) (*govdata.User, error) {
	return s.decideRoles(ctx, id, d, true)
}

// RejectRoles implements govdata.UserService.
func (s *UserService) RejectRoles(ctx context.Context, id int64, d govdata.RoleDecision) (*govdata.User, error) {
	return s.decideRoles(ctx, id, d, false)
}

func (s *UserService) decideRoles(ctx context.Context, id int64, d govdata.RoleDecision, confirm bool) (*govdata.User, error) {
	actor := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(actor, govdata.PermRoleConfirm); err != nil {
		return nil, err
	}
	var out *govdata.User
	err := s.db.write(ctx, func(tx *Tx) error {
		u, err := tx.userWithRoles(id)
		if err != nil {
			return err
		}
		if err := govdata.CheckRoleDecision(actor, *u, d, confirm); err != nil {
			return err
		}
		next := append(append([]govdata.Role{}, u.Roles...), d.Roles...)
		if confirm {
			// The roles the account would hold must still go together
			// (ORG-2); a request was checked when made, the account since.
			var fe govdata.FieldErrors
			govdata.CheckRoles(next, u.DepartmentID, &fe)
			if err := fe.Err(); err != nil {
				return err
			}
		}
		requested := map[govdata.Role]govdata.RoleRequest{}
		for _, q := range u.PendingRoles {
			requested[q.Role] = q
		}
		if err := dropRequests(tx, id, d.Roles); err != nil {
			return err
		}
		action, detail := "user.roles_reject", map[string]any{"roles": d.Roles}
		if confirm {
			if err := grantRoles(tx, id, d.Roles); err != nil {
				return err
			}
			action, detail["department_id"] = "user.roles_confirm", u.DepartmentID
		}
		var by []string
		for _, r := range d.Roles {
			q := requested[r]
			by = append(by, string(r)+":"+q.RequestedBy+"@"+strconv.FormatInt(toDB(q.RequestedAt), 10))
		}
		detail["requested"] = strings.Join(by, ",")
		if out, err = tx.userWithRoles(id); err != nil {
			return err
		}
		return tx.audit(action, "user", id, detail)
	})
	return out, err
}

// notifyPasswordReset tells, in tx, the holder of account u and every
// secadmin that an administrator (or the CLI on the server) issued u a new
// password: the one who resets a password can sign in as its holder until
// the holder notices, so the holder and the security administrators must
// hear of it at once (等保 三员分立; GB/T 22239 安全审计). The holder's
// notice goes first so that a secadmin holder gets one notice, not two.
func notifyPasswordReset(tx *Tx, u *govdata.User) error {
	return notifySecurityEvent(tx, u, govdata.MsgPasswordResetNotice)
}

// notifySecurityEvent tells the holder of u (in-app, and by e-mail to the
// address u has at this moment) and every secadmin of a change an
// administrator made to the account: msg's arguments are the account,
// who, when and from which address.
func notifySecurityEvent(tx *Tx, u *govdata.User, msg govdata.Msg) error {
	a := tx.actor
	addr := a.ClientAddr
	if addr == "" {
		addr = "-"
	}
	at := tx.Now().UTC().Format("2006-01-02 15:04:05 UTC")
	title := textOf(msg, u.Username, actorName(a), at, addr)
	dedupe := "security:" + rand.Text()
	id, err := tx.insert(`INSERT INTO notifications (user_id, kind, title_zh, title_en, dedupe, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		u.ID, govdata.NoticeSecurity, title.ZH, title.EN, dedupe+":"+strconv.FormatInt(u.ID, 10), toDB(tx.Now()))
	if err != nil {
		return fmt.Errorf("notify security event: %w", err)
	}
	if err := tx.db.enqueueDeliveries(tx, []int64{id}); err != nil {
		return err
	}
	_, err = notifyRoleHolders(tx, govdata.RoleSecadmin, govdata.NoticeSecurity, title, dedupe)
	return err
}
