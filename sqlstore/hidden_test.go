package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/source"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestHiddenRefusals (issue 11): each store method that loads an object
// by ID refuses one the actor may not see exactly as it answers for an ID
// that names nothing (ENOTFOUND, the same message), and marks the refusal
// hidden so that the HTTP layer audits it; a missing object is not marked.
func TestHiddenRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDatasetFixture(t, e, "default", storetest.Options())
		sys := storetest.System()
		// The county police sees nothing of the city's police and HR
		// but their published entries.
		stranger := f.as(govdata.RoleOfficer, f.countyPolice)
		countyReviewer := f.as(govdata.RoleReviewer, f.countyBureau)
		provider, consumer := f.officer, f.as(govdata.RoleOfficer, f.cityHR)
		bureau, leader := f.as(govdata.RoleReviewer, f.cityBureau), f.as(govdata.RoleLeader, f.cityPolice)
		ms := sqlstore.NewMaintenanceService(f.base, f.flows)
		srcs := sqlstore.NewSourceService(f.base, f.ds, source.Connector{})
		creds := sqlstore.NewCredentialService(f.db)
		apps, grants, usage := sqlstore.NewApplicationService(f.base, f.flows), sqlstore.NewGrantService(f.base, sqlstore.NewCredentialService(f.db)), sqlstore.NewUsageService(f.base)

		draft := must(f.cat.CreateEntry(provider, entryInput("未发布资源")))(t)
		submitted := must(f.cat.CreateEntry(provider, entryInput("待审资源")))(t)
		must(f.cat.Submit(provider, submitted.ID))(t)
		batch := f.ingest(t, govdata.IngestReplace, "公民身份号码,姓名,行政区划代码\n"+idA+",张三,230102\n")
		m := must(ms.FileMaintenance(provider, f.entry.ID, govdata.MaintenanceInput{Reason: "更正",
			Changes: []govdata.RowChange{{Op: "delete", Where: map[string]string{"公民身份号码": idA}}}}))(t)
		cred := must(creds.CreateCredential(provider, govdata.CredentialInput{Name: "公安系统"}))(t)
		strangerCred := must(creds.CreateCredential(stranger, govdata.CredentialInput{Name: "区公安系统"}))(t)
		app := must(apps.Apply(consumer, goodApplication(f.entry.ID)))(t)
		must(apps.Decide(bureau, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionForward}))(t)
		must(apps.Decide(provider, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
		app = must(apps.Decide(leader, app.ID, govdata.ApplicationDecision{Decision: govdata.ActionSign}))(t)
		grant := app.GrantID
		if err := storetest.SQL(t, f.db).Exec(context.Background(), `INSERT INTO grant_flags (grant_id, kind, detail_zh, detail_en, raised_at, rectify_by, state, dedupe)
			VALUES (?, 'idle', '闲置', 'idle', 0, '2030-01-01', 'open', ?)`, grant, fmt.Sprintf("idle:%d:hidden", grant)); err != nil {
			t.Fatal(err)
		}
		flag := must(grants.FindGrantFlags(sys, govdata.GrantFlagFilter{GrantID: grant}))(t).Items[0].ID

		const none = 987654321
		use := govdata.UsageInput{Kind: govdata.UsageUse, Scenario: "核验", Outcome: "完成", UsedOn: &govdata.Date{Year: 2026, Month: 3, Day: 2}}
		for _, c := range []struct {
			name string
			as   context.Context
			id   int64       // the object the actor may not see
			msg  govdata.Msg // the missing object's message; zero: unexported
			call func(ctx context.Context, id int64) error
		}{
			{"FindEntryByID", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { _, err := f.cat.FindEntryByID(ctx, id); return err }},
			{"FindVersions", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { _, err := f.cat.FindVersions(ctx, id); return err }},
			{"UpdateEntry", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error {
				_, err := f.cat.UpdateEntry(ctx, id, govdata.EntryPatch{})
				return err
			}},
			{"Submit", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { _, err := f.cat.Submit(ctx, id); return err }},
			{"Revoke", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { _, err := f.cat.Revoke(ctx, id, "撤销"); return err }},
			{"Review", countyReviewer, submitted.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error {
				_, err := f.cat.Review(ctx, id, govdata.ReviewDecision{Decision: govdata.ActionApprove})
				return err
			}},
			{"Extend", countyReviewer, submitted.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { _, err := f.cat.Extend(ctx, id, "延期"); return err }},
			{"Ingest", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error {
				_, err := f.ds.Ingest(ctx, govdata.IngestRequest{EntryID: id, Mode: govdata.IngestUpsert, Source: govdata.SourceUpload, Format: govdata.FormatCSV,
					Body: strings.NewReader("公民身份号码,姓名,行政区划代码\n" + idA + ",张三,230102\n")})
				return err
			}},
			{"FindDataset", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { _, err := f.ds.FindDataset(ctx, id); return err }},
			{"FindBatches", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error {
				_, err := f.ds.FindBatches(ctx, govdata.BatchFilter{EntryID: id})
				return err
			}},
			{"FindMaintenance", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error {
				_, err := ms.FindMaintenance(ctx, id, govdata.Page{})
				return err
			}},
			{"FileMaintenance", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error {
				_, err := ms.FileMaintenance(ctx, id, govdata.MaintenanceInput{Reason: "x", Changes: []govdata.RowChange{{Op: "delete", Where: map[string]string{"公民身份号码": idA}}}})
				return err
			}},
			{"FindSource", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { _, err := srcs.FindSource(ctx, id); return err }},
			{"DeleteSource", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { return srcs.DeleteSource(ctx, id) }},
			{"RunSource", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { _, err := srcs.RunSource(ctx, id); return err }},
			{"CheckSource", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { _, err := srcs.CheckSource(ctx, id); return err }},
			{"QueryLive", stranger, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error {
				_, err := srcs.QueryLive(ctx, id, nil, govdata.Page{})
				return err
			}},
			{"Apply", consumer, draft.ID, govdata.MsgEntryNotFound, func(ctx context.Context, id int64) error { _, err := apps.Apply(ctx, goodApplication(id)); return err }},

			{"FindBatchByID", stranger, batch.ID, govdata.MsgBatchNotFound, func(ctx context.Context, id int64) error { _, err := f.ds.FindBatchByID(ctx, id); return err }},
			{"Cancel", stranger, batch.ID, govdata.MsgBatchNotFound, func(ctx context.Context, id int64) error { _, err := f.ds.Cancel(ctx, id); return err }},
			{"RejectedRows", stranger, batch.ID, govdata.MsgBatchNotFound, func(ctx context.Context, id int64) error {
				return f.ds.RejectedRows(ctx, id, func([]string, int64, []string) error { return nil }, func(govdata.RejectedRow) error { return nil })
			}},
			{"FindMaintenanceByID", stranger, m.ID, govdata.MsgMaintenanceNone, func(ctx context.Context, id int64) error { _, err := ms.FindMaintenanceByID(ctx, id); return err }},
			{"DecideMaintenance", stranger, m.ID, govdata.MsgMaintenanceNone, func(ctx context.Context, id int64) error {
				_, err := ms.DecideMaintenance(ctx, id, govdata.MaintenanceDecision{Action: govdata.ActionApprove})
				return err
			}},

			{"FindCredentialByID", stranger, cred.ID, govdata.MsgCredentialNotFound, func(ctx context.Context, id int64) error { _, err := creds.FindCredentialByID(ctx, id); return err }},
			{"RotateCredential", stranger, cred.ID, govdata.MsgCredentialNotFound, func(ctx context.Context, id int64) error { _, err := creds.RotateCredential(ctx, id); return err }},
			{"RevokeCredential", stranger, cred.ID, govdata.MsgCredentialNotFound, func(ctx context.Context, id int64) error {
				_, err := creds.RevokeCredential(ctx, id, "越权")
				return err
			}},
			// The consumer binds and unbinds only its own credentials.
			{"BindCredential", consumer, strangerCred.ID, govdata.MsgCredentialNotFound, func(ctx context.Context, id int64) error {
				_, err := grants.BindCredential(ctx, grant, govdata.GrantCredentialInput{CredentialID: id})
				return err
			}},
			{"UnbindCredential", consumer, strangerCred.ID, govdata.MsgCredentialNotFound, func(ctx context.Context, id int64) error { return grants.UnbindCredential(ctx, grant, id) }},

			{"FindApplicationByID", stranger, app.ID, govdata.Msg{}, func(ctx context.Context, id int64) error { _, err := apps.FindApplicationByID(ctx, id); return err }},
			{"Decide", stranger, app.ID, govdata.Msg{}, func(ctx context.Context, id int64) error {
				_, err := apps.Decide(ctx, id, govdata.ApplicationDecision{Decision: govdata.ActionApprove})
				return err
			}},
			{"FindGrantByID", stranger, grant, govdata.MsgGrantNotFound, func(ctx context.Context, id int64) error { _, err := grants.FindGrantByID(ctx, id); return err }},
			{"ChangeGrant", stranger, grant, govdata.MsgGrantNotFound, func(ctx context.Context, id int64) error {
				_, err := grants.ChangeGrant(ctx, id, govdata.GrantSuspend, "暂停")
				return err
			}},
			{"BindCredential to the grant", stranger, grant, govdata.MsgGrantNotFound, func(ctx context.Context, id int64) error {
				_, err := grants.BindCredential(ctx, id, govdata.GrantCredentialInput{CredentialID: strangerCred.ID})
				return err
			}},
			{"FindGrantCredentials", stranger, grant, govdata.MsgGrantNotFound, func(ctx context.Context, id int64) error { _, err := grants.FindGrantCredentials(ctx, id); return err }},
			{"FindDailyUsage", stranger, grant, govdata.MsgGrantNotFound, func(ctx context.Context, id int64) error {
				_, err := grants.FindDailyUsage(ctx, id, govdata.Date{}, govdata.Date{})
				return err
			}},
			{"ResolveGrantFlag", stranger, flag, govdata.MsgFlagNotFound, func(ctx context.Context, id int64) error {
				_, err := grants.ResolveGrantFlag(ctx, id, "已整改")
				return err
			}},
			{"RecordUsage", stranger, grant, govdata.MsgGrantNotFound, func(ctx context.Context, id int64) error { _, err := usage.RecordUsage(ctx, id, use); return err }},
			{"FindUsageRecords", stranger, grant, govdata.MsgGrantNotFound, func(ctx context.Context, id int64) error {
				_, err := usage.FindUsageRecords(ctx, govdata.UsageFilter{GrantID: id})
				return err
			}},
		} {
			hidden, missing := c.call(c.as, c.id), c.call(c.as, none)
			if code := govdata.ErrorCodeOf(hidden); code != govdata.ENOTFOUND || !govdata.IsHidden(hidden) || govdata.IsHidden(missing) {
				t.Errorf("%s: an object the actor may not see: %v (hidden %v); none: %v (hidden %v); want not_found, hidden only the first",
					c.name, hidden, govdata.IsHidden(hidden), missing, govdata.IsHidden(missing))
				continue
			}
			if hidden.Error() != missing.Error() {
				t.Errorf("%s: %q and %q differ", c.name, hidden, missing)
			}
			if m := hidden.(*govdata.Error).Message.Msg; c.msg != (govdata.Msg{}) && m != c.msg {
				t.Errorf("%s: message %q, want %q", c.name, m.EN, c.msg.EN)
			}
		}

		// Who sees the object but may not act on it is refused as such.
		for name, err := range map[string]error{
			"another department changes a published entry": func() error {
				_, err := f.cat.UpdateEntry(stranger, f.entry.ID, govdata.EntryPatch{})
				return err
			}(),
			"another department reads a published entry's dataset": func() error { _, err := f.ds.FindDataset(stranger, f.entry.ID); return err }(),
			"another department reads a published entry's source":  func() error { _, err := srcs.FindSource(stranger, f.entry.ID); return err }(),
			"the consumer suspends its grant": func() error {
				_, err := grants.ChangeGrant(consumer, grant, govdata.GrantSuspend, "暂停")
				return err
			}(),
			"the provider binds a credential to the consumer's grant": func() error {
				_, err := grants.BindCredential(provider, grant, govdata.GrantCredentialInput{CredentialID: cred.ID})
				return err
			}(),
		} {
			if govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
				t.Errorf("%s: %v, want forbidden", name, err)
			}
		}
	})
}
