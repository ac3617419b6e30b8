package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// dropAuditGuards removes the append-only triggers, as an attacker with the
// database's own credentials could.
func dropAuditGuards(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	stmts := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_retention"}
	if db.Engine() == "postgres" {
		stmts = []string{"DROP TRIGGER audit_log_guard ON audit_log", "DROP TRIGGER audit_log_no_truncate ON audit_log"}
	}
	for _, s := range stmts {
		if err := storetest.SQL(t, db).Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// rewriteChain changes every record's detail and recomputes the whole chain
// and its head consistently, so that the chain alone still verifies.
func rewriteChain(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	rows, err := storetest.SQL(t, db).Query(ctx, `SELECT seq, at, actor_id, actor_name, actor_roles, department_id, credential_id, action,
		object_type, object_id, result, client_addr, request_id, detail FROM audit_log ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var recs []*govdata.AuditRecord
	for rows.Next() {
		r := new(govdata.AuditRecord)
		var at int64
		if err := rows.Scan(&r.Seq, &at, &r.ActorID, &r.ActorName, &r.ActorRoles, &r.DepartmentID, &r.CredentialID, &r.Action,
			&r.ObjectType, &r.ObjectID, &r.Result, &r.ClientAddr, &r.RequestID, &r.Detail); err != nil {
			t.Fatal(err)
		}
		r.Time = time.UnixMicro(at).UTC()
		recs = append(recs, r)
	}
	rows.Close()
	prev := []byte{}
	for _, r := range recs {
		r.Detail = `{"forged":true}`
		// The test stores use the default algorithm, SM3.
		h := govdata.ChainHash(newSM3(), prev, r)
		if err := storetest.SQL(t, db).Exec(ctx, "UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?", r.Detail, prev, h, r.Seq); err != nil {
			t.Fatal(err)
		}
		prev = h
	}
	if err := storetest.SQL(t, db).Exec(ctx, "UPDATE audit_head SET hash = ? WHERE id = 1", prev); err != nil {
		t.Fatal(err)
	}
}

func TestAuditCheckpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e, nil)
		ctx := storetest.System()
		regions := sqlstore.NewRegionService(db)
		audit := sqlstore.NewAuditService(db)
		for _, in := range []govdata.RegionInput{{Code: "230000", Name: "黑龙江省"}, {Code: "230100", Name: "哈尔滨市"}} {
			if _, err := regions.CreateRegion(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		cp, err := audit.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cp.Seq, int64(3); got != want { // two creates and the checkpoint's own record
			t.Fatalf("checkpoint seq = %d, want %d", got, want)
		}
		if err := audit.VerifyCheckpoint(ctx, cp); err != nil {
			t.Fatalf("fresh checkpoint: %v", err)
		}
		if _, err := regions.CreateRegion(ctx, govdata.RegionInput{Code: "230102", Name: "道里区"}); err != nil {
			t.Fatal(err)
		}
		if err := audit.VerifyCheckpoint(ctx, cp); err != nil {
			t.Fatalf("checkpoint after more records: %v", err)
		}

		// A checkpoint altered after signing, or signed by another key, is refused.
		forged := cp
		forged.Seq = 2
		if err := audit.VerifyCheckpoint(ctx, forged); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("altered checkpoint: got %v, want invalid", err)
		}
		other := storetest.Options()
		other.MasterKey = []byte("another-deployment-master-key-0123456789")
		otherDB := storetest.Open(t, e, &other)
		if _, err := sqlstore.NewRegionService(otherDB).CreateRegion(ctx, govdata.RegionInput{Code: "230000", Name: "黑龙江省"}); err != nil {
			t.Fatal(err)
		}
		foreign, err := sqlstore.NewAuditService(otherDB).Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := audit.VerifyCheckpoint(ctx, foreign); govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("foreign checkpoint: got %v, want invalid", err)
		}

		// Rewriting the whole log consistently fools the chain but not the checkpoint.
		dropAuditGuards(t, db)
		rewriteChain(t, db)
		v, err := audit.VerifyAudit(ctx, nil)
		if err != nil || !v.Intact {
			t.Fatalf("rewritten chain should verify on its own: %+v %v", v, err)
		}
		err = audit.VerifyCheckpoint(ctx, cp)
		if govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("rewritten log: got %v, want the checkpoint to fail", err)
		}
	})
}

func TestCheckpointNeedsAuditor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e, nil)
		audit := sqlstore.NewAuditService(db)
		for _, r := range []govdata.Role{govdata.RoleSysadmin, govdata.RoleSecadmin, govdata.RoleOfficer} {
			ctx := storetest.As(govdata.Actor{UserID: 9, Username: "u", Roles: []govdata.Role{r}, DepartmentID: 1})
			if _, err := audit.Checkpoint(ctx); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
				t.Errorf("%s: got %v, want forbidden", r, err)
			}
		}
		ctx := storetest.As(govdata.Actor{UserID: 9, Username: "aud", Roles: []govdata.Role{govdata.RoleAuditor}})
		if _, err := audit.Checkpoint(ctx); err != nil {
			t.Errorf("auditor: %v", err)
		}
	})
}
