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

// The monitoring of grants (SHR-6): idle grants flagged for rectification
// and suspended when not rectified in time (HLJ-27), unusual call volume
// flagged, each day's calls counted for the provider to see (HLJ-28).

var _ govdata.GrantMonitor = (*GrantService)(nil)

const grantFlagSelect = `SELECT f.id, f.grant_id, g.entry_id, g.consumer_department_id, g.provider_department_id, f.kind, f.credential_id,
	f.detail_zh, f.detail_en, f.raised_at, f.rectify_by, f.state, f.resolved_at, f.resolved_by, f.resolution
	FROM grant_flags f JOIN grants g ON g.id = f.grant_id`

func scanGrantFlag(row interface{ Scan(...any) error }) (*govdata.GrantFlag, error) {
	var f govdata.GrantFlag
	var cred, resolved sql.NullInt64
	var rectify sql.NullString
	var raised int64
	if err := row.Scan(&f.ID, &f.GrantID, &f.EntryID, &f.ConsumerDepartment, &f.ProviderDepartment, &f.Kind, &cred, &f.Detail.ZH, &f.Detail.EN,
		&raised, &rectify, &f.State, &resolved, &f.ResolvedBy, &f.Resolution); err != nil {
		return nil, err
	}
	f.CredentialID, f.RaisedAt, f.ResolvedAt = cred.Int64, fromDB(raised), fromDBNull(resolved)
	if rectify.Valid {
		d, err := govdata.ParseDate(rectify.String)
		if err != nil {
			return nil, err
		}
		f.RectifyBy = &d
	}
	return &f, nil
}

var msgFlagFilter = govdata.Msg{ZH: "kind 应为 idle 或 volume；state 应为 open、used、rectified、suspended 或 reviewed", EN: "kind must be idle or volume; state open, used, rectified, suspended or reviewed"}

// FindGrantFlags implements govdata.GrantMonitor.
func (s *GrantService) FindGrantFlags(ctx context.Context, f govdata.GrantFlagFilter) (govdata.List[*govdata.GrantFlag], error) {
	var none govdata.List[*govdata.GrantFlag]
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermGrantRead); err != nil {
		return none, err
	}
	switch {
	case f.Kind != "" && f.Kind != govdata.FlagIdle && f.Kind != govdata.FlagVolume,
		f.State != "" && f.State != govdata.FlagOpen && f.State != govdata.FlagUsed && f.State != govdata.FlagRectified &&
			f.State != govdata.FlagSuspended && f.State != govdata.FlagReviewed:
		return none, govdata.Errorf(govdata.EINVALID, msgFlagFilter)
	}
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	if !a.IsSystem() && !a.Has(govdata.RoleReviewer) && !a.Has(govdata.RoleSecadmin) && !a.Has(govdata.RoleAuditor) {
		w.add("(g.consumer_department_id = ? OR g.provider_department_id = ?)", a.DepartmentID, a.DepartmentID)
	}
	if f.GrantID > 0 {
		w.add("f.grant_id = ?", f.GrantID)
	}
	if f.Kind != "" {
		w.add("f.kind = ?", string(f.Kind))
	}
	if f.State != "" {
		w.add("f.state = ?", string(f.State))
	}
	if after > 0 {
		w.add("f.id < ?", after)
	}
	limit := f.Page.Normalize().Limit
	rows, err := s.db.query(ctx, grantFlagSelect+w.String()+" ORDER BY f.id DESC LIMIT ?", append(w.args, limit+1)...)
	if err != nil {
		return none, s.db.internal("grant flags", err)
	}
	items, err := scanAll(rows, scanGrantFlag)
	if err != nil {
		return none, s.db.internal("grant flags", err)
	}
	return page(items, limit, func(fl *govdata.GrantFlag) string { return strconv.FormatInt(fl.ID, 10) }), nil
}

// ResolveGrantFlag implements govdata.GrantMonitor.
func (s *GrantService) ResolveGrantFlag(ctx context.Context, id int64, reason string) (*govdata.GrantFlag, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	fl, err := scanGrantFlag(s.db.queryRow(ctx, grantFlagSelect+" WHERE f.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgFlagNotFound)
	}
	if err != nil {
		return nil, s.db.internal("grant flag", err)
	}
	if !seesGrant(a, &govdata.Grant{ConsumerDepartment: fl.ConsumerDepartment, ProviderDepartment: fl.ProviderDepartment}) {
		return nil, govdata.Hidden(govdata.MsgFlagNotFound)
	}
	// HLJ-27: the consumer rectifies an idle grant; SHR-6: unusual volume
	// is reviewed.
	if !govdata.MayResolveFlag(a, fl.Kind, fl.ConsumerDepartment, fl.ProviderDepartment) {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgFlagResolver)
	}
	next := govdata.FlagRectified
	if fl.Kind == govdata.FlagVolume {
		next = govdata.FlagReviewed
	}
	if strings.TrimSpace(reason) == "" {
		var fe govdata.FieldErrors
		fe.Add("reason", govdata.MsgRequired)
		return nil, fe.Err()
	}
	if fl.State != govdata.FlagOpen {
		return nil, govdata.Errorf(govdata.ECONFLICT, govdata.MsgFlagClosed, string(fl.State))
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE grant_flags SET state = ?, resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ? AND state = ?",
			string(next), toDB(tx.Now()), actorName(tx.actor), reason, id, string(govdata.FlagOpen))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgFlagClosed, "")
		}
		return tx.audit("grant.flag_"+string(next), "grant", fl.GrantID, map[string]any{"flag_id": id, "kind": fl.Kind, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return scanGrantFlag(s.db.queryRow(ctx, grantFlagSelect+" WHERE f.id = ?", id))
}

// FindDailyUsage implements govdata.GrantMonitor.
func (s *GrantService) FindDailyUsage(ctx context.Context, grantID int64, from, to govdata.Date) ([]govdata.DailyUsage, error) {
	g, err := s.FindGrantByID(ctx, grantID)
	if err != nil {
		return nil, err
	}
	today := s.today()
	if to.IsZero() {
		to = today
	}
	if from.IsZero() {
		from = to.AddDays(-29)
	}
	if to.Before(from) || from.AddDays(govdata.MaxUsageDays).Before(to) {
		return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgUsageRange, govdata.MaxUsageDays)
	}
	rows, err := s.db.query(ctx, `SELECT day, credential_id, calls, rows_served, refused FROM grant_usage_daily
		WHERE grant_id = ? AND day >= ? AND day <= ? ORDER BY day, credential_id`, g.ID, from.String(), to.String())
	if err != nil {
		return nil, s.db.internal("daily usage", err)
	}
	out, err := scanAll(rows, func(row interface{ Scan(...any) error }) (u govdata.DailyUsage, err error) {
		var day string
		if err := row.Scan(&day, &u.CredentialID, &u.Calls, &u.Rows, &u.Refused); err != nil {
			return u, err
		}
		u.Day, err = govdata.ParseDate(day)
		return u, err
	})
	if err != nil {
		return nil, s.db.internal("daily usage", err)
	}
	if out == nil {
		out = []govdata.DailyUsage{}
	}
	return out, nil
}

// flaggedGrant is a grant the sweep acts on.
type flaggedGrant struct {
	id, flag, consumer, provider, credential int64
	name                                     string
	calls                                    int64
}

// SweepGrants implements govdata.GrantMonitor (platform only).
func (s *GrantService) SweepGrants(ctx context.Context) (govdata.GrantSweep, error) {
	var out govdata.GrantSweep
	if !govdata.ActorFrom(ctx).IsSystem() {
		return out, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	now := s.db.clock.Now()
	today := s.dateOf(now)
	// Idle flags of grants used again are cleared.
	err := s.db.write(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE grant_flags SET state = ?, resolved_at = ?, resolved_by = 'scheduler', resolution = 'used again'
			WHERE kind = ? AND state = ? AND EXISTS (SELECT 1 FROM grants g WHERE g.id = grant_flags.grant_id AND g.last_used_at >= grant_flags.raised_at)`,
			string(govdata.FlagUsed), toDB(tx.Now()), string(govdata.FlagIdle), string(govdata.FlagOpen))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		out.Used = int(n)
		if n == 0 {
			return nil
		}
		return tx.audit("grant.flags_used", "grant_flag", "", map[string]int64{"cleared": n})
	})
	if err != nil {
		return out, err
	}
	if out.Suspended, err = s.suspendUnrectified(ctx, today); err != nil {
		return out, err
	}
	if out.Flagged, err = s.flagIdle(ctx, now, today); err != nil {
		return out, err
	}
	out.Volume, err = s.flagVolume(ctx, today)
	return out, err
}

// grantsOf reads the grants a sweep acts on.
func (s *GrantService) grantsOf(ctx context.Context, q string, args ...any) ([]flaggedGrant, error) {
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return nil, s.db.internal("grant sweep", err)
	}
	out, err := scanAll(rows, func(row interface{ Scan(...any) error }) (g flaggedGrant, err error) {
		return g, row.Scan(&g.id, &g.flag, &g.consumer, &g.provider, &g.name, &g.credential, &g.calls)
	})
	if err != nil {
		return nil, s.db.internal("grant sweep", err)
	}
	return out, nil
}

// notifyBoth tells the consumer and the provider, in tx.
func (s *GrantService) notifyBoth(tx *Tx, g flaggedGrant, kind string, title govdata.Text, dedupe string) error {
	var ids []int64
	for _, dept := range []int64{g.consumer, g.provider} {
		n, err := notifyDepartment(tx, dept, kind, title, fmt.Sprintf("%s:%d", dedupe, dept))
		if err != nil {
			return err
		}
		ids = append(ids, n...)
	}
	return s.db.enqueueDeliveries(tx, ids)
}

// suspendUnrectified suspends active grants whose idle flag's date has
// passed (HLJ-27: 关停或中断数据调用服务).
func (s *GrantService) suspendUnrectified(ctx context.Context, today govdata.Date) (int, error) {
	due, err := s.grantsOf(ctx, `SELECT g.id, f.id, g.consumer_department_id, g.provider_department_id, e.resource_code, 0, 0
		FROM grant_flags f JOIN grants g ON g.id = f.grant_id JOIN catalog_entries e ON e.id = g.entry_id
		WHERE f.kind = ? AND f.state = ? AND f.rectify_by < ? ORDER BY f.id`, string(govdata.FlagIdle), string(govdata.FlagOpen), today.String())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, g := range due {
		err := s.db.write(ctx, func(tx *Tx) error {
			reason := "HLJ-27: 闲置未按期整改 / idle and not rectified in time"
			res, err := tx.exec("UPDATE grants SET state = ?, state_reason = ?, updated_at = ? WHERE id = ? AND state = ? AND valid_until >= ?",
				string(govdata.GrantSuspended), reason, toDB(tx.Now()), g.id, string(govdata.GrantActive), today.String())
			if err != nil {
				return err
			}
			suspended, _ := res.RowsAffected()
			resolution := "the grant was suspended"
			if suspended == 0 {
				resolution = "the grant was no longer active"
			}
			if _, err := tx.exec("UPDATE grant_flags SET state = ?, resolved_at = ?, resolved_by = 'scheduler', resolution = ? WHERE id = ? AND state = ?",
				string(govdata.FlagSuspended), toDB(tx.Now()), resolution, g.flag, string(govdata.FlagOpen)); err != nil {
				return err
			}
			if suspended == 0 {
				return nil
			}
			n++
			title := govdata.Text{ZH: govdata.MsgFlagSuspended.Text("zh", g.id, g.name), EN: govdata.MsgFlagSuspended.Text("en", g.id, g.name)}
			if err := s.notifyBoth(tx, g, "grant_suspended", title, fmt.Sprintf("grant_suspended:%d:%d", g.id, g.flag)); err != nil {
				return err
			}
			return tx.audit("grant.suspend", "grant", g.id, map[string]any{"from": govdata.GrantActive, "to": govdata.GrantSuspended, "reason": reason, "flag_id": g.flag})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// flagIdle flags active grants unused for the profile's idle period
// (HLJ-27: 3 months), once per period: a flag closed within it (used,
// rectified, suspended) starts the count again.
func (s *GrantService) flagIdle(ctx context.Context, now time.Time, today govdata.Date) (int, error) {
	months := s.profile.IdleGrantMonths.Value
	if months <= 0 {
		return 0, nil
	}
	cutoff := toDB(now.AddDate(0, -months, 0))
	idle, err := s.grantsOf(ctx, `SELECT g.id, 0, g.consumer_department_id, g.provider_department_id, e.resource_code, 0, 0
		FROM grants g JOIN catalog_entries e ON e.id = g.entry_id
		WHERE g.state = ? AND g.valid_until >= ? AND COALESCE(g.last_used_at, g.created_at) < ?
		AND NOT EXISTS (SELECT 1 FROM grant_flags f WHERE f.grant_id = g.id AND f.kind = ? AND (f.state = ? OR f.resolved_at >= ?))
		ORDER BY g.id`, string(govdata.GrantActive), today.String(), cutoff, string(govdata.FlagIdle), string(govdata.FlagOpen), cutoff)
	if err != nil || len(idle) == 0 {
		return 0, err
	}
	n := 0
	for _, g := range idle {
		err := s.db.write(ctx, func(tx *Tx) error {
			// Read in tx: a calendar load is wholly before or after (CAL-1).
			cal, err := calendarTx(tx)
			if err != nil {
				return err
			}
			by, _ := cal.AddWorkingDays(today, s.profile.GrantRectifyWorkingDays.Value)
			detail := govdata.Text{ZH: govdata.MsgFlagIdleTitle.Text("zh", g.id, g.name, months, by.String()), EN: govdata.MsgFlagIdleTitle.Text("en", g.id, g.name, months, by.String())}
			// count_from and working_days: a calendar change counts the day again (CAL-1).
			id, err := tx.insert(`INSERT INTO grant_flags (grant_id, kind, detail_zh, detail_en, raised_at, rectify_by, count_from, working_days, state, dedupe)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (dedupe) DO NOTHING`, g.id, string(govdata.FlagIdle), detail.ZH, detail.EN, toDB(tx.Now()), by.String(),
				today.String(), s.profile.GrantRectifyWorkingDays.Value, string(govdata.FlagOpen),
				fmt.Sprintf("idle:%d:%s", g.id, today))
			if errors.Is(err, sql.ErrNoRows) {
				return nil // another instance flagged it today
			}
			if err != nil {
				return err
			}
			n++
			if err := s.notifyBoth(tx, g, "grant_idle", detail, fmt.Sprintf("grant_idle:%d", id)); err != nil {
				return err
			}
			return tx.audit("grant.flag", "grant", g.id, map[string]any{"flag_id": id, "kind": govdata.FlagIdle, "rectify_by": by.String()})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// flagVolume flags credentials that called a grant far more today than
// they do (SHR-6), once a day each.
func (s *GrantService) flagVolume(ctx context.Context, today govdata.Date) (int, error) {
	busy, err := s.grantsOf(ctx, `SELECT g.id, 0, g.consumer_department_id, g.provider_department_id, e.resource_code, u.credential_id, u.calls
		FROM grant_usage_daily u JOIN grants g ON g.id = u.grant_id JOIN catalog_entries e ON e.id = g.entry_id
		WHERE u.day = ? AND u.calls > ? ORDER BY g.id, u.credential_id`, today.String(), govdata.VolumeFloor)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, g := range busy {
		var before sql.NullInt64
		if err := s.db.queryRow(ctx, `SELECT SUM(calls) FROM grant_usage_daily WHERE grant_id = ? AND credential_id = ? AND day >= ? AND day < ?`,
			g.id, g.credential, today.AddDays(-govdata.VolumeDays).String(), today.String()).Scan(&before); err != nil {
			return n, s.db.internal("grant sweep", err)
		}
		if !govdata.UnusualVolume(g.calls, []int64{before.Int64}) {
			continue
		}
		mean := float64(before.Int64) / govdata.VolumeDays
		err := s.db.write(ctx, func(tx *Tx) error {
			detail := govdata.Text{ZH: govdata.MsgFlagVolume.Text("zh", g.id, g.name, g.credential, g.calls, govdata.VolumeDays, mean),
				EN: govdata.MsgFlagVolume.Text("en", g.id, g.name, g.credential, g.calls, govdata.VolumeDays, mean)}
			id, err := tx.insert(`INSERT INTO grant_flags (grant_id, kind, credential_id, detail_zh, detail_en, raised_at, state, dedupe)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe) DO NOTHING`, g.id, string(govdata.FlagVolume), g.credential, detail.ZH, detail.EN, toDB(tx.Now()), string(govdata.FlagOpen),
				fmt.Sprintf("volume:%d:%d:%s", g.id, g.credential, today))
			if errors.Is(err, sql.ErrNoRows) {
				return nil // flagged today already
			}
			if err != nil {
				return err
			}
			n++
			if err := s.notifyBoth(tx, g, "grant_volume", detail, fmt.Sprintf("grant_volume:%d", id)); err != nil {
				return err
			}
			return tx.audit("grant.flag", "grant", g.id, map[string]any{"flag_id": id, "kind": govdata.FlagVolume, "credential_id": g.credential, "calls": g.calls, "mean": mean})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
