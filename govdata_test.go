package govdata_test

import (
	"context"
	"testing"

	"github.com/govdata/govdata"
)

func TestPageNormalize(t *testing.T) {
	tests := []struct{ limit, want int }{
		{-1, govdata.DefaultLimit},
		{0, govdata.DefaultLimit},
		{1, 1},
		{govdata.MaxLimit, govdata.MaxLimit},
		{govdata.MaxLimit + 1, govdata.MaxLimit},
	}
	for _, tt := range tests {
		got := govdata.Page{Limit: tt.limit, Cursor: "c"}.Normalize()
		if got.Limit != tt.want || got.Cursor != "c" {
			t.Errorf("Page{Limit: %d}.Normalize() = %+v, want limit %d, cursor kept", tt.limit, got, tt.want)
		}
	}
}

func TestActor(t *testing.T) {
	a := govdata.Actor{UserID: 1, Username: "li", Roles: []govdata.Role{govdata.RoleOfficer, govdata.RoleLeader}, DepartmentID: 3}
	if !a.Has(govdata.RoleLeader) || a.Has(govdata.RoleSysadmin) {
		t.Errorf("Has: leader %v, sysadmin %v; want true, false", a.Has(govdata.RoleLeader), a.Has(govdata.RoleSysadmin))
	}
	if a.IsSystem() {
		t.Error("a user IsSystem")
	}
	if (govdata.Actor{}).IsSystem() {
		t.Error("the anonymous actor IsSystem")
	}
	if !govdata.SystemActor.IsSystem() {
		t.Error("SystemActor is not IsSystem")
	}
	if cred := (govdata.Actor{CredentialID: 4}); cred.IsSystem() {
		t.Error("a credential IsSystem")
	}

	ctx := govdata.WithActor(context.Background(), a)
	if got := govdata.ActorFrom(ctx); got.UserID != 1 || got.Username != "li" || got.DepartmentID != 3 || len(got.Roles) != 2 {
		t.Errorf("ActorFrom = %+v, want %+v", got, a)
	}
	if got := govdata.ActorFrom(context.Background()); got.UserID != 0 || got.Username != "" || got.Roles != nil {
		t.Errorf("ActorFrom(no actor) = %+v, want the zero actor", got)
	}
}
