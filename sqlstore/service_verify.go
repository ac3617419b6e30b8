package sqlstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govdata/govdata"
)

// Verifications. A mask hides a value from the consumer, but an equality
// test on the hidden value tells it all the same: with 身份证号 masked as
// 2****************4 next to 出生日期 and 所属区县, a hundred calls of
// records?身份证号=<candidate> find the number. So every equality test on
// a value the grant hides is a verification (核验, SHR-4): a verify call,
// and a records or export call with an equality filter on an item masked
// for the grant (any mask kind, sealed or not; several such filters in a
// call are one verification). changes takes no filters, so it has none.
//
// Such filters stay allowed: looking a person up by the ID number the
// person presented is the commonest use of shared data, and refusing it
// would push every such grant to ask for the item unmasked, which is
// worse for minimum necessary (SX-4(五), SHR-1). Instead each one spends
// the credential's verify allowance (VerifyRate, VerifyBurst: 429 with
// Retry-After beyond it), and a run of misses — answers that matched no
// row — is told to every secadmin. Items whose mask the grant lifts
// (unmasked_items) or the policy does not mask are not verifications: the
// consumer sees those values anyway.

// Default miss thresholds (see DataService.MissRun, MissWindow).
const (
	// DefaultMissRun: a person at a counter presents a real ID number; a
	// miss is a typo or someone not in the entry, and twenty in a row
	// without one hit is not that (the attack above missed ninety times).
	DefaultMissRun = 20
	// DefaultMissWindow: DefaultMissRun misses within ten minutes, hits
	// or not between them, so that a walk cannot hide behind a known
	// value asked now and then.
	DefaultMissWindow = 10 * time.Minute
	// missNoticeEvery: at most one notice per credential an hour; the
	// secadmin needs to know, not to be flooded while the run goes on.
	missNoticeEvery = time.Hour
	// DefaultDepartmentShare: a department issues as many credentials as
	// it likes, and five credentials walking together got five allowances
	// and missed 95 times unnoticed. So its credentials together get four
	// credentials' allowance (a department runs a few systems), and their
	// misses are also counted together against MissRun.
	DefaultDepartmentShare = 4
)

var (
	msgVerifyMisses = govdata.Msg{
		ZH: "系统凭证 %d（%s）核验未命中过多：连续 %d 次，%s 内 %d 次，可能在枚举脱敏信息项的值，请核查",
		EN: "system credential %d (%s) missed too many verifications: %d in a row, %d within %s; it may be walking through masked values, please check",
	}
	msgVerifyMissesDept = govdata.Msg{
		ZH: "部门 %d 的 %d 个系统凭证核验合计未命中过多：各自最近一次命中后共 %d 次，%s 内 %d 次，可能在分多个凭证枚举脱敏信息项的值，请核查",
		EN: "the %[2]d system credentials of department %[1]d missed too many verifications together: %[3]d since each one's last hit, %[5]d within %[4]s; they may be walking through masked values, please check",
	}
)

// verification marks c as a verification of items: it spends the
// credential's verify allowance now, and its answer counts as a hit or a
// miss when the call is recorded (finish). A refusal past the allowance is
// ETOOMANY with the seconds to wait; msg says why the call is one.
func (s *DataService) verification(ctx context.Context, c *serviceCall, items []string, msg govdata.Msg, args ...any) error {
	c.verifies = true
	c.detail["verification"] = items
	if c.allowed {
		return nil // spent already, by a first try of the call (recordsHeld)
	}
	a := govdata.ActorFrom(ctx)
	if wait := s.allowVerify(a.CredentialID, a.DepartmentID); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		e := govdata.Errorf(govdata.ETOOMANY, msg, append(args, secs)...)
		e.Details = map[string]any{"retry_after": secs}
		c.verifies = false // refused: no answer to count
		return e
	}
	c.allowed = true
	return nil
}

// verifyTally is what the verifications of one credential in a commit
// batch add to its misses (verify_misses), in the batch's order: the
// counter is written once per credential and batch (PRODUCT.md §5), not by
// every verification.
type verifyTally struct {
	svc   *DataService
	actor govdata.Actor // the last verification's caller
	hit   bool          // a hit among them: the run starts again after the last
	run   int64         // misses after the last hit (all of them, without a hit)
	miss  int64         // misses in all
}

// verifyTallies are a batch's verifications by credential.
type verifyTallies map[int64]*verifyTally

// countVerification counts a verification's hit or miss for the
// credential in this write; the batch writes it once it succeeds
// (verifyTallies.write).
func (t *Tx) countVerification(s *DataService, credential int64, miss bool) {
	if t.verifies == nil {
		t.verifies = verifyTallies{}
	}
	d := &verifyTally{svc: s, actor: t.actor, hit: !miss}
	if miss {
		d.run, d.miss = 1, 1
	}
	t.verifies.add(credential, d)
}

// add appends d, which came after what v holds.
func (v verifyTallies) add(credential int64, d *verifyTally) {
	sum := v[credential]
	if sum == nil {
		v[credential] = d
		return
	}
	if d.hit {
		sum.hit, sum.run = true, d.run
	} else {
		sum.run += d.run
	}
	sum.miss += d.miss
	sum.actor = d.actor
}

// merge appends the tallies of a write that succeeded.
func (v verifyTallies) merge(o verifyTallies) {
	for c, d := range o {
		v.add(c, d)
	}
}

// write adds the tallies to the credentials' misses in tx, in credential
// order, and forgets them.
func (v verifyTallies) write(tx *Tx) error {
	for _, c := range slices.Sorted(maps.Keys(v)) {
		d := v[c]
		if err := d.svc.writeMisses(tx, c, d); err != nil {
			return err
		}
		delete(v, c)
	}
	return nil
}

// writeMisses counts a credential's verifications of a batch and tells
// every secadmin when its misses reach MissRun in a row or within
// MissWindow — at most once an hour, recorded in the audit log. The
// counter is in the database: it is shared by every instance.
func (s *DataService) writeMisses(tx *Tx, credential int64, d *verifyTally) error {
	now := tx.Now()
	hit := 0
	if d.hit {
		hit = 1
	}
	windowFrom := toDB(now.Add(-s.MissWindow))
	var run, inWindow, notified int64
	err := tx.queryRow(`INSERT INTO verify_misses (credential_id, run, window_start, window_misses, notified_at) VALUES (?, ?, ?, ?, 0)
		ON CONFLICT (credential_id) DO UPDATE SET run = CASE WHEN ? = 1 THEN excluded.run ELSE verify_misses.run + excluded.run END,
		window_misses = CASE WHEN verify_misses.window_start <= ? THEN excluded.window_misses ELSE verify_misses.window_misses + excluded.window_misses END,
		window_start = CASE WHEN verify_misses.window_start <= ? THEN excluded.window_start ELSE verify_misses.window_start END
		RETURNING run, window_misses, notified_at`,
		credential, d.run, toDB(now), d.miss, hit, windowFrom, windowFrom).Scan(&run, &inWindow, &notified)
	if err != nil {
		return fmt.Errorf("verify misses: %w", err)
	}
	if d.miss == 0 {
		return nil
	}
	a := d.actor
	window := s.MissWindow.String()
	title := govdata.Text{
		ZH: msgVerifyMisses.Text("zh", credential, a.Username, run, window, inWindow),
		EN: msgVerifyMisses.Text("en", credential, a.Username, run, inWindow, window),
	}
	detail := map[string]any{}
	if run < int64(s.MissRun) && inWindow < int64(s.MissRun) {
		// SHR-4: the department's credentials walking together, each
		// below the threshold, are counted together.
		var dept, creds int64
		err := tx.queryRow(`SELECT c.department_id, COUNT(*), COALESCE(SUM(v.run), 0),
			COALESCE(SUM(CASE WHEN v.window_start > ? THEN v.window_misses ELSE 0 END), 0), COALESCE(MAX(v.notified_at), 0)
			FROM verify_misses v JOIN credentials c ON c.id = v.credential_id
			WHERE c.department_id = (SELECT department_id FROM credentials WHERE id = ?) GROUP BY c.department_id`,
			windowFrom, credential).Scan(&dept, &creds, &run, &inWindow, &notified)
		if err != nil {
			return fmt.Errorf("verify misses: %w", err)
		}
		if run < int64(s.MissRun) && inWindow < int64(s.MissRun) {
			return nil
		}
		title = govdata.Text{
			ZH: msgVerifyMissesDept.Text("zh", dept, creds, run, window, inWindow),
			EN: msgVerifyMissesDept.Text("en", dept, creds, run, window, inWindow),
		}
		detail["department_id"], detail["credentials"] = dept, creds
	}
	if notified != 0 && fromDB(notified).After(now.Add(-missNoticeEvery)) {
		return nil
	}
	if _, err := tx.exec("UPDATE verify_misses SET notified_at = ? WHERE credential_id = ?", toDB(now), credential); err != nil {
		return fmt.Errorf("verify misses: %w", err)
	}
	ids, err := notifyRoleHolders(tx, govdata.RoleSecadmin, govdata.NoticeSecurity, title,
		"verify-misses:"+strconv.FormatInt(credential, 10)+":"+strconv.FormatInt(toDB(now), 10))
	if err != nil {
		return err
	}
	detail["run"], detail["window_misses"], detail["window"], detail["threshold"], detail["notifications"] = run, inWindow, window, s.MissRun, ids
	return tx.auditAs(a, govdata.AuditOK, "service.verify_misses", "credential", credential, detail)
}

// maskedItemsList names the items of a refusal message.
func maskedItemsList(items []string) string { return strings.Join(items, "、") }

// maskedEquality makes a records or export call with an equality filter
// on an item masked for the grant a verification.
func (s *DataService) maskedEquality(ctx context.Context, c *serviceCall, p *rowPlan) error {
	if len(p.maskedEq) == 0 {
		return nil // the common call: no verification, no cost
	}
	return s.verification(ctx, c, p.maskedEq, govdata.MsgServiceMaskedRate, maskedItemsList(p.maskedEq))
}

// verifyItems are the items a verify call matches, in order.
func verifyItems(in govdata.VerifyInput) []string {
	items := slices.Sorted(maps.Keys(in.Match))
	if items == nil {
		items = []string{}
	}
	return items
}
