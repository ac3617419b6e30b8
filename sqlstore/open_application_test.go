package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// openEntryInput is a conditionally open entry (HLJ-33: its conditions stated).
func openEntryInput(name string, open govdata.OpenType) govdata.EntryInput {
	in := entryInput(name)
	in.OpenType = open
	if open == govdata.OpenConditional {
		in.OpenConditions = "仅限科研用途，须签署数据开放利用协议"
		// ZJ-21, HLJ-33(一): personal items are opened only de-identified.
		for i := range in.Items {
			if in.Items[i].MustGuard() {
				in.Items[i].Open = govdata.ItemOpenDeidentified
			}
		}
	}
	if open == govdata.OpenUnconditional {
		in.Items = in.Items[2:] // no personal items
	}
	return in
}

// publicAccount inserts a public account as the public branch's
// registration leaves it: confirmed (or not), in state.
func publicAccount(t testing.TB, db *sqlstore.DB, email string, confirmed bool, state string) context.Context {
	t.Helper()
	c := storetest.SQL(t, db)
	var at any
	if confirmed {
		at = int64(1)
	}
	ctx := context.Background()
	if err := c.Exec(ctx, `INSERT INTO public_accounts (kind, name, email, password_hash, password_changed_at, terms_version, terms_accepted_at,
		confirmed_at, state, state_reason, created_at, updated_at) VALUES ('person', ?, ?, 'x', 1, 'v1', 1, ?, ?, ?, 1, 1)`,
		"张"+email, email, at, state, map[bool]string{true: "", false: "滥用数据"}[state == "active"]); err != nil {
		t.Fatal(err)
	}
	rows, err := c.Query(ctx, "SELECT id FROM public_accounts WHERE email = ?", email)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var id int64
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
	}
	return storetest.As(govdata.Actor{PublicAccountID: id})
}

func goodOpenApplication(entry int64) govdata.OpenApplicationInput {
	return govdata.OpenApplicationInput{EntryID: entry, Items: []string{"姓名", "行政区划代码"}, Purpose: "人口流动研究", Scenario: "高校科研项目",
		Measures: "数据存放于内网服务器，专人管理，不对外提供", ValidFrom: govdata.Date{Year: 2026, Month: 3, Day: 2},
		ValidUntil: govdata.Date{Year: 2026, Month: 12, Day: 31}, AgreementVersion: govdata.OpenAgreementVersion, AgreementAccepted: true}
}

func countRows(t testing.TB, db *sqlstore.DB, q string, args ...any) int {
	t.Helper()
	rows, err := storetest.SQL(t, db).Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// OPN-2, HLJ-34: a confirmed, active public account applies for
// conditionally open data; the provider's officer decides within 5
// working days; a refusal needs a reason the applicant sees; an approval
// makes the grant; each outcome is a message to the applicant.
func TestOpenApplicationHLJ(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "heilongjiang-2025")
		provider := f.as(govdata.RoleOfficer, f.cityPolice)
		entry := f.publish(t, provider, f.cityBureau, openEntryInput("流动人口统计", govdata.OpenConditional))
		free := f.publish(t, provider, f.cityBureau, openEntryInput("公交线路", govdata.OpenUnconditional))
		closed := f.publish(t, provider, f.cityBureau, openEntryInput("户籍信息", govdata.OpenNone))
		apps := sqlstore.NewOpenApplicationService(f.base, f.flows)
		person := publicAccount(t, f.db, "a@example.cn", true, "active")
		unconfirmed := publicAccount(t, f.db, "b@example.cn", false, "active")
		suspended := publicAccount(t, f.db, "c@example.cn", true, "suspended")

		// Refusals: clear 4xx, nothing written, recorded in the audit log.
		for name, tc := range map[string]struct {
			ctx  context.Context
			in   func(govdata.OpenApplicationInput) govdata.OpenApplicationInput
			code govdata.ErrorCode
		}{
			"unconfirmed": {unconfirmed, nil, govdata.EFORBIDDEN},
			"suspended":   {suspended, nil, govdata.EFORBIDDEN},
			"staff":       {provider, nil, govdata.EFORBIDDEN},
			"unconditional": {person, func(in govdata.OpenApplicationInput) govdata.OpenApplicationInput {
				in.EntryID = free.ID
				in.Items = []string{"行政区划代码"}
				return in
			}, govdata.ECONFLICT},
			"not open": {person, func(in govdata.OpenApplicationInput) govdata.OpenApplicationInput { in.EntryID = closed.ID; return in }, govdata.ENOTFOUND},
			"unknown item": {person, func(in govdata.OpenApplicationInput) govdata.OpenApplicationInput {
				in.Items = []string{"血型"}
				return in
			}, govdata.EINVALID},
			"no items": {person, func(in govdata.OpenApplicationInput) govdata.OpenApplicationInput { in.Items = nil; return in }, govdata.EINVALID},
			"past start": {person, func(in govdata.OpenApplicationInput) govdata.OpenApplicationInput {
				in.ValidFrom = govdata.Date{Year: 2026, Month: 3, Day: 1}
				return in
			}, govdata.EINVALID},
			"over a year": {person, func(in govdata.OpenApplicationInput) govdata.OpenApplicationInput {
				in.ValidUntil = govdata.Date{Year: 2027, Month: 3, Day: 3}
				return in
			}, govdata.EINVALID},
			"no agreement": {person, func(in govdata.OpenApplicationInput) govdata.OpenApplicationInput {
				in.AgreementAccepted = false
				return in
			}, govdata.EINVALID},
			"old agreement": {person, func(in govdata.OpenApplicationInput) govdata.OpenApplicationInput {
				in.AgreementVersion = "2020-1"
				return in
			}, govdata.EINVALID},
			"no measures": {person, func(in govdata.OpenApplicationInput) govdata.OpenApplicationInput { in.Measures = " "; return in }, govdata.EINVALID},
		} {
			in := goodOpenApplication(entry.ID)
			if tc.in != nil {
				in = tc.in(in)
			}
			if _, err := apps.ApplyOpen(tc.ctx, in); govdata.ErrorCodeOf(err) != tc.code {
				t.Errorf("%s: %v, want %s", name, err, tc.code)
			}
		}
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM open_applications"); n != 0 {
			t.Fatalf("refusals wrote %d applications", n)
		}
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'open_application.apply' AND result = 'refused'"); n != 11 {
			t.Errorf("refusals recorded: %d", n)
		}

		app := must(apps.ApplyOpen(person, goodOpenApplication(entry.ID)))(t)
		if app.State != govdata.OpenApplicationPending || app.Workflow == nil || app.Workflow.Kind != govdata.WorkflowOpenConditional ||
			app.Workflow.Step != "decide" || app.Due == nil || app.Due.String() != "2026-03-09" || app.EntryName != "流动人口统计" ||
			len(app.Actions) != 1 || app.Actions[0] != govdata.ActionWithdraw {
			t.Fatalf("filed %+v", app)
		}
		// The step is in the provider's officer's inbox with its due date.
		tasks := must(f.flows.FindTasks(provider, govdata.TaskFilter{Kind: govdata.WorkflowOpenConditional}))(t)
		if len(tasks.Items) != 1 || tasks.Items[0].Instance.Due.String() != "2026-03-09" {
			t.Fatalf("tasks %+v", tasks.Items)
		}
		// Another account and another department do not see it.
		other := publicAccount(t, f.db, "d@example.cn", true, "active")
		if _, err := apps.FindOpenApplicationByID(other, app.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("another account reads it: %v", err)
		}
		if _, err := apps.FindOpenApplicationByID(f.as(govdata.RoleOfficer, f.cityHR), app.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("another department reads it: %v", err)
		}
		if l := must(apps.FindOpenApplications(other, govdata.OpenApplicationFilter{}))(t); len(l.Items) != 0 {
			t.Errorf("another account lists %d", len(l.Items))
		}
		staff := must(apps.FindOpenApplicationByID(provider, app.ID))(t)
		if staff.AccountName != "张a@example.cn" || len(staff.Actions) != 2 {
			t.Fatalf("the provider sees %+v", staff)
		}
		// A refusal needs a reason; the applicant sees it and is told.
		if _, err := apps.DecideOpenApplication(provider, app.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionReject}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("refusal without reason: %v", err)
		}
		if _, err := apps.DecideOpenApplication(f.as(govdata.RoleOfficer, f.cityHR), app.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Fatalf("another department decides: %v", err)
		}
		must(apps.DecideOpenApplication(provider, app.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionReject, Reason: "用途与开放条件不符"}))(t)
		mine := must(apps.FindOpenApplicationByID(person, app.ID))(t)
		if mine.State != govdata.OpenApplicationRejected || mine.RefusalReason != "用途与开放条件不符" || len(mine.Actions) != 0 ||
			mine.Workflow.History[0].ActedBy != "" {
			t.Fatalf("refused, seen by the applicant: %+v", mine)
		}
		if _, err := apps.WithdrawOpenApplication(person, app.ID); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("withdrawing a refused one: %v", err)
		}

		// Again: approved, and the grant is made.
		again := must(apps.ApplyOpen(person, goodOpenApplication(entry.ID)))(t)
		again = must(apps.DecideOpenApplication(provider, again.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}))(t)
		if again.State != govdata.OpenApplicationApproved || again.GrantID == 0 {
			t.Fatalf("approved %+v", again)
		}
		grants := must(apps.FindOpenGrants(person, govdata.OpenGrantFilter{}))(t)
		if len(grants.Items) != 1 || grants.Items[0].State != govdata.OpenGrantActive || len(grants.Items[0].Items) != 2 ||
			grants.Items[0].ValidUntil.String() != "2026-12-31" || len(grants.Items[0].Allowed) != 0 {
			t.Fatalf("grants %+v", grants.Items)
		}
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM public_messages WHERE account_id = ?", mine.AccountID); n != 2 {
			t.Errorf("messages to the applicant: %d", n)
		}
		// A third, withdrawn by the applicant: it leaves the inbox.
		third := must(apps.ApplyOpen(person, goodOpenApplication(entry.ID)))(t)
		if _, err := apps.WithdrawOpenApplication(other, third.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("another account withdraws: %v", err)
		}
		third = must(apps.WithdrawOpenApplication(person, third.ID))(t)
		if third.State != govdata.OpenApplicationWithdrawn || third.Workflow.State != govdata.InstanceWithdrawn {
			t.Fatalf("withdrawn %+v", third)
		}
		if tasks := must(f.flows.FindTasks(provider, govdata.TaskFilter{Kind: govdata.WorkflowOpenConditional}))(t); len(tasks.Items) != 0 {
			t.Errorf("withdrawn still in the inbox: %+v", tasks.Items)
		}
		if _, err := apps.DecideOpenApplication(provider, third.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("deciding a withdrawn one: %v", err)
		}
		if l := must(apps.FindOpenApplications(person, govdata.OpenApplicationFilter{Page: govdata.Page{Limit: 2}}))(t); len(l.Items) != 2 || l.NextCursor == "" {
			t.Errorf("paged: %d, %q", len(l.Items), l.NextCursor)
		}
		if l := must(apps.FindOpenApplications(f.as(govdata.RoleReviewer, f.cityBureau), govdata.OpenApplicationFilter{State: govdata.OpenApplicationApproved}))(t); len(l.Items) != 1 {
			t.Errorf("the bureau's approved: %d", len(l.Items))
		}
		if l := must(apps.FindOpenApplications(f.as(govdata.RoleReviewer, f.countyBureau), govdata.OpenApplicationFilter{}))(t); len(l.Items) != 0 {
			t.Errorf("another bureau sees %d", len(l.Items))
		}

		// HLJ-43: the provider or the bureau suspends, with a reason; the
		// holder is told; resumed the same way.
		g := grants.Items[0]
		if _, err := apps.SuspendOpenGrant(f.as(govdata.RoleOfficer, f.cityHR), g.ID, "滥用"); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("another department suspends: %v", err)
		}
		if _, err := apps.SuspendOpenGrant(person, g.ID, "滥用"); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("the holder suspends: %v", err)
		}
		if _, err := apps.SuspendOpenGrant(provider, g.ID, " "); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("suspending without a reason: %v", err)
		}
		bureau := f.as(govdata.RoleReviewer, f.cityBureau)
		s := must(apps.SuspendOpenGrant(bureau, g.ID, "未落实安全保障措施"))(t)
		if s.State != govdata.OpenGrantSuspended || s.StateReason != "未落实安全保障措施" || len(s.Allowed) != 1 || s.Allowed[0] != "resume" {
			t.Fatalf("suspended %+v", s)
		}
		if _, err := apps.SuspendOpenGrant(provider, g.ID, "again"); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("suspending twice: %v", err)
		}
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM open_grants WHERE id = ? AND state = 'suspended'", g.ID); n != 1 {
			t.Errorf("suspended rows: %d", n)
		}
		must(apps.ResumeOpenGrant(provider, g.ID, "已整改"))(t)
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM public_messages WHERE account_id = ?", mine.AccountID); n != 4 {
			t.Errorf("messages after suspension and resumption: %d", n)
		}
		// Expiry is read, not written.
		f.clock.Set(time.Date(2027, 1, 2, 1, 0, 0, 0, time.UTC))
		if l := must(apps.FindOpenGrants(person, govdata.OpenGrantFilter{}))(t); l.Items[0].State != govdata.OpenGrantExpired {
			t.Errorf("after its period: %s", l.Items[0].State)
		}
	})
}

// ZJ-23: the source and the 办公室 decide within 2 working days, then
// their leaders sign, each pair on one deadline.
func TestOpenApplicationZJ(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "zhejiang-finance-2024")
		provider := f.as(govdata.RoleOfficer, f.cityPolice)
		entry := f.publish(t, provider, f.cityBureau, openEntryInput("财政专项资金", govdata.OpenConditional))
		f.approveOpenAttribute(t, entry.ID) // ZJ-20: open once its attribute is approved
		apps := sqlstore.NewOpenApplicationService(f.base, f.flows)
		person := publicAccount(t, f.db, "z@example.cn", true, "active")
		app := must(apps.ApplyOpen(person, goodOpenApplication(entry.ID)))(t)
		if app.Due == nil || app.Due.String() != "2026-03-04" {
			t.Fatalf("due %v", app.Due)
		}
		steps := []struct {
			ctx  context.Context
			step string
			act  govdata.Action
			due  string
		}{
			{provider, "decide", govdata.ActionApprove, "2026-03-04"},
			{f.as(govdata.RoleReviewer, f.cityBureau), "office", govdata.ActionApprove, "2026-03-04"},
			{f.as(govdata.RoleLeader, f.cityPolice), "sign", govdata.ActionSign, "2026-03-05"},
			{f.as(govdata.RoleLeader, f.cityBureau), "office_sign", govdata.ActionSign, "2026-03-05"},
		}
		for i, st := range steps {
			cur := must(apps.FindOpenApplicationByID(st.ctx, app.ID))(t)
			if cur.Step != st.step || cur.Due == nil || cur.Due.String() != st.due {
				t.Fatalf("step %d: %s due %v", i, cur.Step, cur.Due)
			}
			// The leader cannot take the officer's step, and so on.
			wrong := steps[(i+1)%len(steps)].ctx
			if _, err := apps.DecideOpenApplication(wrong, app.ID, govdata.OpenDecision{StepSeq: cur.Workflow.StepSeq, Decision: st.act}); err == nil {
				t.Fatalf("step %s by the wrong actor", st.step)
			}
			if i == 1 {
				f.clock.Advance(24 * time.Hour) // the signing count starts on the 3rd
			}
			must(apps.DecideOpenApplication(st.ctx, app.ID, govdata.OpenDecision{StepSeq: cur.Workflow.StepSeq, Decision: st.act}))(t)
		}
		done := must(apps.FindOpenApplicationByID(person, app.ID))(t)
		if done.State != govdata.OpenApplicationApproved || done.GrantID == 0 || len(done.Workflow.History) != 4 {
			t.Fatalf("after the chain %+v", done)
		}
	})
}

// OPN-3, HLJ-35: the provider's officer requests a withdrawal; the bureau
// approves it with the provincial filing; in one write the entry leaves
// the open catalog, its grants end with a message to each holder, and the
// notice is public. A refused request changes nothing.
func TestOpenWithdrawal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newCatalogFixture(t, e, "heilongjiang-2025")
		provider, bureau := f.as(govdata.RoleOfficer, f.cityPolice), f.as(govdata.RoleReviewer, f.cityBureau)
		entry := f.publish(t, provider, f.cityBureau, openEntryInput("流动人口统计", govdata.OpenConditional))
		closed := f.publish(t, provider, f.cityBureau, openEntryInput("户籍信息", govdata.OpenNone))
		apps := sqlstore.NewOpenApplicationService(f.base, f.flows)
		wds := sqlstore.NewOpenWithdrawalService(f.base, f.flows, f.cat)
		open := f.cat.OpenCatalog()
		holders := []context.Context{publicAccount(t, f.db, "h1@example.cn", true, "active"), publicAccount(t, f.db, "h2@example.cn", true, "active")}
		for _, h := range holders {
			app := must(apps.ApplyOpen(h, goodOpenApplication(entry.ID)))(t)
			must(apps.DecideOpenApplication(provider, app.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}))(t)
		}
		inOpen := func() bool {
			l := must(open.FindOpenEntries(context.Background(), govdata.EntryFilter{}))(t)
			for _, x := range l.Items {
				if x.ID == entry.ID {
					return true
				}
			}
			return false
		}
		if !inOpen() {
			t.Fatal("not in the open catalog to begin with")
		}
		if _, err := wds.RequestWithdrawal(f.as(govdata.RoleOfficer, f.cityHR), govdata.OpenWithdrawalInput{EntryID: entry.ID, Reason: "x"}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("another department requests: %v", err)
		}
		if _, err := wds.RequestWithdrawal(provider, govdata.OpenWithdrawalInput{EntryID: closed.ID, Reason: "x"}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("withdrawing data that is not open: %v", err)
		}
		if _, err := wds.RequestWithdrawal(provider, govdata.OpenWithdrawalInput{EntryID: entry.ID}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("without a reason: %v", err)
		}
		// Refused: nothing changes.
		w := must(wds.RequestWithdrawal(provider, govdata.OpenWithdrawalInput{EntryID: entry.ID, Reason: "数据口径调整"}))(t)
		if w.State != govdata.OpenWithdrawalPending || w.Step != "review" || w.Due == nil || w.Due.String() != "2026-03-09" {
			t.Fatalf("requested %+v", w)
		}
		if _, err := wds.RequestWithdrawal(provider, govdata.OpenWithdrawalInput{EntryID: entry.ID, Reason: "again"}); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Errorf("a second pending request: %v", err)
		}
		must(wds.DecideWithdrawal(bureau, w.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionReject, Reason: "仍有社会需求"}))(t)
		if !inOpen() || countRows(t, f.db, "SELECT COUNT(*) FROM open_grants WHERE state = 'active'") != 2 {
			t.Fatal("a refused withdrawal changed something")
		}
		// Withdrawn by its officer: nothing changes either.
		w2 := must(wds.RequestWithdrawal(provider, govdata.OpenWithdrawalInput{EntryID: entry.ID, Reason: "数据口径调整"}))(t)
		if len(w2.Actions) != 1 || w2.Actions[0] != govdata.ActionWithdraw {
			t.Errorf("the officer's actions: %v", w2.Actions)
		}
		if w2 = must(wds.DecideWithdrawal(provider, w2.ID, govdata.OpenDecision{Decision: govdata.ActionWithdraw}))(t); w2.State != govdata.OpenWithdrawalWithdrawn {
			t.Fatalf("withdrawn request %+v", w2)
		}
		// Approved.
		w3 := must(wds.RequestWithdrawal(provider, govdata.OpenWithdrawalInput{EntryID: entry.ID, Reason: "数据已停止更新"}))(t)
		if _, err := wds.DecideWithdrawal(provider, w3.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove, ProvincialFiling: "x"}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("the provider approves: %v", err)
		}
		if _, err := wds.DecideWithdrawal(bureau, w3.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Errorf("approving without the filing: %v", err)
		}
		w3 = must(wds.DecideWithdrawal(bureau, w3.ID, govdata.OpenDecision{StepSeq: 1, Decision: govdata.ActionApprove, ProvincialFiling: "2026-03-02 报省政务数据局备案"}))(t)
		if w3.State != govdata.OpenWithdrawalApproved || w3.DecidedAt == nil || w3.ProvincialFiling == "" {
			t.Fatalf("approved %+v", w3)
		}
		if inOpen() {
			t.Error("still in the open catalog")
		}
		if _, err := open.FindOpenEntry(context.Background(), entry.ID); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("open entry after withdrawal: %v", err)
		}
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM open_grants WHERE entry_id = ? AND state = 'withdrawn'", entry.ID); n != 2 {
			t.Errorf("withdrawn grants: %d", n)
		}
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM public_messages WHERE kind = 'open_grant.withdrawn'"); n != 2 {
			t.Errorf("holders told: %d", n)
		}
		if n := countRows(t, f.db, "SELECT COUNT(*) FROM catalog_entries WHERE id = ? AND open_withdrawn_at IS NOT NULL", entry.ID); n != 1 {
			t.Errorf("open_withdrawn_at not set")
		}
		notices := must(wds.WithdrawalNotices(context.Background(), govdata.Page{}))(t)
		if len(notices.Items) != 1 || notices.Items[0].EntryName != "流动人口统计" || notices.Items[0].Reason != "数据已停止更新" ||
			notices.Items[0].DepartmentName != "哈尔滨市公安局" || notices.Items[0].ResourceCode != entry.ResourceCode {
			t.Fatalf("notices %+v", notices.Items)
		}
		// Nothing more is applied for.
		if _, err := apps.ApplyOpen(holders[0], goodOpenApplication(entry.ID)); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Errorf("applying for withdrawn data: %v", err)
		}
		// Final for the entry: an approved catalog change does not reopen it.
		summary := "变更后的摘要，仍为有条件开放。"
		must(f.cat.UpdateEntry(provider, entry.ID, govdata.EntryPatch{Summary: &summary}))(t)
		must(f.cat.Submit(provider, entry.ID))(t)
		must(f.cat.Review(bureau, entry.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
		if inOpen() {
			t.Error("a catalog change reopened withdrawn data")
		}
		// The bureau's list; another bureau sees none.
		if l := must(wds.FindWithdrawals(bureau, govdata.OpenWithdrawalFilter{}))(t); len(l.Items) != 3 {
			t.Errorf("the bureau's list: %d", len(l.Items))
		}
		if l := must(wds.FindWithdrawals(f.as(govdata.RoleReviewer, f.countyBureau), govdata.OpenWithdrawalFilter{}))(t); len(l.Items) != 0 {
			t.Errorf("another bureau's list: %d", len(l.Items))
		}
	})
}
