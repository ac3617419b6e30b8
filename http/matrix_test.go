package http_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/catalogxlsx"
	govhttp "github.com/govdata/govdata/http"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// The role × endpoint matrix (PRODUCT.md §6: every endpoint is tested for
// every role; allowed ones succeed, others get 403 and an audit record).
//
// The callers are the seven roles of PRODUCT.md §1, an anonymous caller and
// a department's system credential. Who may call what is written out here,
// from PRODUCT.md §1, and not read from policy.go: if the policy drifts
// from the product, this test fails.

// roles are the seven roles of PRODUCT.md §1, each held by the fixture
// account of the same name (reviewer, officer, leader and supervisor of
// department A).
var roles = []string{"sysadmin", "secadmin", "auditor", "reviewer", "officer", "leader", "supervisor"}

// callers are every kind of caller: "public" is a confirmed public account
// signed in to the portal (OPN-2), which no staff route answers.
var callers = append(slices.Clone(roles), "anonymous", "credential", "public")

var (
	// openCallers may call the open-data API: anyone but a staff session.
	openCallers = []string{"anonymous", "credential", "public"}
	everyone    = callers
	signedIn    = roles
)

// matrixCase is one endpoint called in one plausible, valid way.
type matrixCase struct {
	route   string // "METHOD /path" as in the route table
	variant string // tells apart several cases of one route
	auth    string // how the route authenticates: public, user or signed
	allow   []string
	status  int // the success status; 200 when 0
	// profile runs the case under that shipped profile; "" the default.
	profile string
	// build returns the request for the caller; authentication is added
	// by the test unless build set a token itself.
	build func(t testing.TB, e *env, caller string) req
	// after runs after an allowed call.
	after func(t testing.TB, e *env, caller string, r *resp)
}

func get(path string) func(testing.TB, *env, string) req {
	return func(testing.TB, *env, string) req { return req{method: "GET", path: path} }
}

// userOf is the user a caller acts as, or the target user for callers that
// are not users.
func userOf(e *env, caller string) *govdata.User {
	if a, ok := e.accounts[caller]; ok {
		return a.user
	}
	return e.accounts["target"].user
}

// freshCredential issues a credential of department A to rotate or revoke.
func freshCredential(t testing.TB, e *env) *govdata.IssuedCredential {
	return mustGet(e.svc.Credentials.CreateCredential(storetest.As(e.actor("officer")), govdata.CredentialInput{Name: fmt.Sprintf("系统 %d", e.next())}))(t)
}

var matrix = []matrixCase{
	// Operators' endpoints and the OpenAPI document are public.
	{route: "GET /healthz", auth: "public", allow: everyone, build: get("/healthz")},
	{route: "GET /readyz", auth: "public", allow: everyone, build: get("/readyz")},
	{route: "GET /api/v1/openapi.json", auth: "public", allow: everyone, build: get("/api/v1/openapi.json")},
	// Anyone may try to sign in (ORG-4); each role signs in as itself.
	{route: "POST /api/v1/auth/login", auth: "public", allow: everyone, build: func(t testing.TB, e *env, caller string) req {
		a, ok := e.accounts[caller]
		if !ok {
			a = e.accounts["target"]
		}
		return req{method: "POST", path: "/api/v1/auth/login", body: loginBody(a.username, a.password)}
	}},

	// Every signed-in user manages its own session and password (ORG-3, ORG-4).
	{route: "POST /api/v1/auth/logout", auth: "user", allow: signedIn, status: 204, build: func(t testing.TB, e *env, caller string) req {
		r := req{method: "POST", path: "/api/v1/auth/logout"}
		if slices.Contains(roles, caller) {
			r.token = e.freshToken(t, caller) // keep the caller's own session
		}
		return r
	}},
	{route: "POST /api/v1/auth/password", auth: "user", allow: signedIn, status: 204, build: func(t testing.TB, e *env, caller string) req {
		r := req{method: "POST", path: "/api/v1/auth/password"}
		old := fixturePassword
		if a, ok := e.accounts[caller]; ok {
			old = a.password
			r.token = e.freshToken(t, caller)
		}
		r.body = map[string]string{"old_password": old, "new_password": fmt.Sprintf("Changed#%d-pw", e.next())}
		return r
	}, after: func(t testing.TB, e *env, caller string, r *resp) {
		// The change ended the caller's other sessions: sign in again.
		e.accounts[caller].password = r.sent.(map[string]string)["new_password"]
		e.login(t, caller)
	}},
	{route: "GET /api/v1/auth/me", auth: "user", allow: signedIn, build: get("/api/v1/auth/me")},
	// ORG-4: each user lists and ends its own sessions, and only its own.
	{route: "GET /api/v1/auth/sessions", auth: "user", allow: signedIn, build: get("/api/v1/auth/sessions")},
	{route: "DELETE /api/v1/auth/sessions/{id}", auth: "user", allow: signedIn, status: 204, build: func(t testing.TB, e *env, caller string) req {
		owner := caller
		if _, ok := e.accounts[caller]; !ok {
			owner = "target"
		}
		return req{method: "DELETE", path: "/api/v1/auth/sessions/" + itoa(freshSessionID(t, e, owner))}
	}},
	// What the console draws its menu from: the caller's own permissions.
	{route: "GET /api/v1/me", auth: "user", allow: signedIn, build: get("/api/v1/me")},
	// A user may read itself (the answer of /auth/me by ID).
	{route: "GET /api/v1/users/{id}", variant: "self", auth: "user", allow: signedIn, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/users/" + itoa(userOf(e, caller).ID)}
	}},

	// Regions and departments are the reference data every user works
	// with: all read them; the sysadmin alone maintains them (§1: sysadmin
	// — regions, departments, users, configuration).
	{route: "GET /api/v1/regions", auth: "user", allow: signedIn, build: get("/api/v1/regions")},
	{route: "GET /api/v1/regions/{code}", auth: "user", allow: signedIn, build: get("/api/v1/regions/" + regionFuzhou)},
	{route: "POST /api/v1/regions", auth: "user", allow: []string{"sysadmin"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/regions", body: govdata.RegionInput{Code: e.countyCode(), Name: "矩阵区"}}
	}},
	{route: "POST /api/v1/regions/import", auth: "user", allow: []string{"sysadmin"}, status: 202, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/regions/import", body: e.countyCode() + ",矩阵导入区\n"}
	}, after: func(t testing.TB, e *env, caller string, r *resp) {
		// One import runs at a time: let this one end before the next case.
		waitImport(t, e, decode[importJob](t, r).ID, "zh")
	}},
	{route: "GET /api/v1/regions/imports/{id}", auth: "user", allow: []string{"sysadmin"}, build: func(t testing.TB, e *env, caller string) req {
		j := startImport(t, e, e.countyCode()+",矩阵导入区\n")
		waitImport(t, e, j.ID, "zh")
		return req{method: "GET", path: "/api/v1/regions/imports/" + j.ID}
	}},
	{route: "GET /api/v1/departments", auth: "user", allow: signedIn, build: get("/api/v1/departments")},
	{route: "GET /api/v1/departments/{id}", auth: "user", allow: signedIn, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/departments/" + itoa(e.deptA.ID)}
	}},
	{route: "POST /api/v1/departments", auth: "user", allow: []string{"sysadmin"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/departments", body: govdata.DepartmentInput{
			Name: "矩阵部门", CreditCode: e.creditCode(), RegionCode: regionFuzhou, Level: govdata.LevelCity}}
	}},
	{route: "PATCH /api/v1/departments/{id}", auth: "user", allow: []string{"sysadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "PATCH", path: "/api/v1/departments/" + itoa(e.deptB.ID), body: map[string]string{"name": fmt.Sprintf("厦门市数据局 %d", e.next())}}
	}},

	// Users: the sysadmin manages accounts; the secadmin, who answers for
	// passwords and access, reads them; the auditor reads who held which
	// role until when (SJZ-S-7) and nothing else of users.
	{route: "POST /api/v1/users", auth: "user", allow: []string{"sysadmin"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/users", body: govdata.UserInput{
			Username: e.username(), Password: "Issued#Pw-2026", Name: "矩阵用户", DepartmentID: e.deptA.ID, Roles: []govdata.Role{govdata.RoleOfficer}}}
	}},
	{route: "GET /api/v1/users", auth: "user", allow: []string{"sysadmin", "secadmin"}, build: get("/api/v1/users")},
	{route: "GET /api/v1/users/{id}", variant: "another user", auth: "user", allow: []string{"sysadmin", "secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/users/" + itoa(e.accounts["target"].user.ID)}
	}},
	{route: "PATCH /api/v1/users/{id}", auth: "user", allow: []string{"sysadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "PATCH", path: "/api/v1/users/" + itoa(e.accounts["target"].user.ID), body: map[string]string{"name": fmt.Sprintf("目标 %d", e.next())}}
	}},
	// ORG-3: an ordinary account is unlocked by the sysadmin; the
	// sysadmin by another of the three administrators, never by itself.
	{route: "POST /api/v1/users/{id}/unlock", variant: "ordinary account", auth: "user", allow: []string{"sysadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/users/" + itoa(e.accounts["target"].user.ID) + "/unlock"}
	}},
	{route: "POST /api/v1/users/{id}/unlock", variant: "the sysadmin", auth: "user", allow: []string{"secadmin", "auditor"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/users/" + itoa(e.accounts["sysadmin"].user.ID) + "/unlock"}
	}},
	{route: "GET /api/v1/users/{id}/roles", auth: "user", allow: []string{"sysadmin", "secadmin", "auditor"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/users/" + itoa(e.accounts["target"].user.ID) + "/roles"}
	}},
	// 等保 三员分立: the secadmin grants the business roles the sysadmin asks for.
	{route: "POST /api/v1/users/{id}/roles/confirm", auth: "user", allow: []string{"secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/users/" + itoa(pendingAccount(t, e).ID) + "/roles/confirm",
			body: govdata.RoleDecision{Roles: []govdata.Role{govdata.RoleOfficer}, DepartmentID: e.deptA.ID}}
	}},
	{route: "POST /api/v1/users/{id}/roles/reject", auth: "user", allow: []string{"secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/users/" + itoa(pendingAccount(t, e).ID) + "/roles/reject",
			body: govdata.RoleDecision{Roles: []govdata.Role{govdata.RoleOfficer}}}
	}},

	// System credentials of a department's systems (ORG-5): its data
	// officer issues and rotates them; the secadmin (§1: credential
	// revocation) reads and revokes them; nobody else touches them.
	{route: "POST /api/v1/credentials", auth: "user", allow: []string{"officer"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/credentials", body: govdata.CredentialInput{Name: "矩阵系统"}}
	}},
	{route: "GET /api/v1/credentials", auth: "user", allow: []string{"officer", "secadmin"}, build: get("/api/v1/credentials")},
	{route: "GET /api/v1/credentials/{id}", auth: "user", allow: []string{"officer", "secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/credentials/" + itoa(e.cred.ID)}
	}},
	{route: "POST /api/v1/credentials/{id}/rotate", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/credentials/" + itoa(freshCredential(t, e).ID) + "/rotate"}
	}},
	{route: "POST /api/v1/credentials/{id}/revoke", auth: "user", allow: []string{"officer", "secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/credentials/" + itoa(freshCredential(t, e).ID) + "/revoke", body: map[string]string{"reason": "停用"}}
	}},

	// The audit log is the auditor's alone (§1: auditor — read and verify
	// the audit log; sysadmin — cannot read audit logs).
	{route: "GET /api/v1/audit", auth: "user", allow: []string{"auditor"}, build: get("/api/v1/audit")},
	{route: "GET /api/v1/audit/verify", auth: "user", allow: []string{"auditor"}, build: get("/api/v1/audit/verify")},
	// SEC-1: the auditor exports signed checkpoints of the chain's head.
	{route: "POST /api/v1/audit/checkpoint", auth: "user", allow: []string{"auditor"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/audit/checkpoint"}
	}},

	// CAL-1: every user reads the working-day calendar and computes due
	// dates; a sysadmin or secadmin loads or corrects a year.
	{route: "GET /api/v1/calendar", auth: "user", allow: signedIn, build: get("/api/v1/calendar?year=2026")},
	{route: "GET /api/v1/calendar/due", auth: "user", allow: signedIn, build: get("/api/v1/calendar/due?from=2026-02-13&working_days=3")},
	{route: "PUT /api/v1/calendar/{year}", auth: "user", allow: []string{"sysadmin", "secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "PUT", path: "/api/v1/calendar/2027", body: govdata.CalendarYear{Source: "矩阵测试通知",
			Holidays: []govdata.HolidayRange{{Name: "元旦", From: mustDate(t, "2027-01-01"), To: mustDate(t, "2027-01-03")}}}}
	}},

	// Everyone has an inbox of pending steps (CAL-3).
	{route: "GET /api/v1/tasks", auth: "user", allow: signedIn, build: get("/api/v1/tasks")},
	// CAL-3: the bureau's reviewers supervise overdue steps and timeliness.
	{route: "GET /api/v1/supervision/overdue", auth: "user", allow: []string{"reviewer", "leader"}, build: get("/api/v1/supervision/overdue")},
	{route: "GET /api/v1/supervision/timeliness", auth: "user", allow: []string{"reviewer", "leader"}, build: get("/api/v1/supervision/timeliness")},
	{route: "GET /api/v1/notifications", auth: "user", allow: signedIn, build: get("/api/v1/notifications")},
	{route: "POST /api/v1/notifications/{id}/read", auth: "user", allow: signedIn, status: 204, build: func(t testing.TB, e *env, caller string) req {
		id := mustGet(e.svc.Notifications.Notify(storetest.System(), userOf(e, caller).ID, "notice", govdata.Text{ZH: "测试通知", EN: "test notice"}))(t)
		return req{method: "POST", path: "/api/v1/notifications/" + itoa(id) + "/read"}
	}},
	// CAL-3: everyone sets the address its notices are mailed to.
	{route: "PATCH /api/v1/auth/me", auth: "user", allow: signedIn, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "PATCH", path: "/api/v1/auth/me", body: map[string]string{"email": caller + "@data.fuzhou.gov.cn"}}
	}},
	// CAT-1…5: every signed-in user searches and reads published entries;
	// the department's officer writes and submits them; the bureau's
	// reviewer decides and extends.
	{route: "POST /api/v1/catalog", auth: "user", allow: []string{"officer"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/catalog", body: catalogInput("矩阵测试资源")}
	}},
	{route: "GET /api/v1/catalog", auth: "user", allow: signedIn, build: get("/api/v1/catalog?q=人口&facets=true")},
	{route: "GET /api/v1/catalog/{id}", auth: "user", allow: signedIn, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/catalog/" + itoa(catalogEntry(t, e, "published"))}
	}},
	{route: "PATCH /api/v1/catalog/{id}", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "PATCH", path: "/api/v1/catalog/" + itoa(catalogEntry(t, e, "draft")), body: map[string]string{"summary": "修改摘要"}}
	}},
	{route: "GET /api/v1/catalog/{id}/versions", auth: "user", allow: signedIn, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/catalog/" + itoa(catalogEntry(t, e, "published")) + "/versions"}
	}},
	{route: "POST /api/v1/catalog/{id}/submit", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/catalog/" + itoa(catalogEntry(t, e, "draft")) + "/submit"}
	}},
	{route: "POST /api/v1/catalog/{id}/review", auth: "user", allow: []string{"reviewer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/catalog/" + itoa(catalogEntry(t, e, "submitted")) + "/review", body: map[string]string{"decision": "approve"}}
	}},
	{route: "POST /api/v1/catalog/{id}/revoke", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/catalog/" + itoa(catalogEntry(t, e, "published")) + "/revoke", body: map[string]string{"reason": "业务停止"}}
	}},
	{route: "POST /api/v1/catalog/{id}/extend", auth: "user", allow: []string{"reviewer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/catalog/" + itoa(catalogEntry(t, e, "change")) + "/extend", body: map[string]string{"reason": "职责调整"}}
	}},

	// CAT-6: the template and the export are for every signed-in user (the
	// export holds what the caller may see); an officer imports.
	{route: "GET /api/v1/catalog/template.xlsx", auth: "user", allow: signedIn, build: get("/api/v1/catalog/template.xlsx")},
	{route: "GET /api/v1/catalog/export", auth: "user", allow: signedIn, build: get("/api/v1/catalog/export?format=json")},
	{route: "POST /api/v1/catalog/import", auth: "user", allow: []string{"officer"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/catalog/import", body: catalogWorkbook(t, fmt.Sprintf("矩阵导入资源%d", e.next())),
			header: map[string]string{"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}
	}},
	// AGG-1…3: the provider's officer loads data and reads the rows; the
	// bureau's reviewers also see batches and reports.
	{route: "POST /api/v1/catalog/{id}/data", auth: "user", allow: []string{"officer"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/catalog/" + itoa(catalogEntry(t, e, "published")) + "/data?mode=replace",
			body: []byte("统计年度,人口数\n2025,1000\n"), header: map[string]string{"Content-Type": "text/csv"}}
	}},
	{route: "GET /api/v1/catalog/{id}/dataset", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/catalog/" + itoa(loadedBatch(t, e).EntryID) + "/dataset"}
	}},
	{route: "GET /api/v1/catalog/{id}/rows", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/catalog/" + itoa(loadedBatch(t, e).EntryID) + "/rows?where=统计年度:2025"}
	}},
	{route: "GET /api/v1/catalog/{id}/rows/history", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/catalog/" + itoa(loadedBatch(t, e).EntryID) + "/rows/history?where=统计年度:2025"}
	}},
	{route: "GET /api/v1/catalog/{id}/batches", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/catalog/" + itoa(loadedBatch(t, e).EntryID) + "/batches"}
	}},
	// AGG-1, AGG-5: the provider's officer configures, checks and runs its
	// entries' sources and reads live rows; its leader and the reviewers
	// see the configuration.
	{route: "PUT /api/v1/catalog/{id}/source", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "PUT", path: "/api/v1/catalog/" + itoa(catalogEntry(t, e, "published")) + "/source",
			body: govdata.SourceInput{Kind: govdata.SourceHTTP, URL: providerURL() + "/rows", EveryMinutes: 60}}
	}},
	{route: "GET /api/v1/catalog/{id}/source", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/catalog/" + itoa(sourcedEntry(t, e, govdata.SourceHTTP)) + "/source"}
	}},
	{route: "DELETE /api/v1/catalog/{id}/source", auth: "user", allow: []string{"officer"}, status: http.StatusNoContent, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "DELETE", path: "/api/v1/catalog/" + itoa(sourcedEntry(t, e, govdata.SourceHTTP)) + "/source"}
	}},
	{route: "POST /api/v1/catalog/{id}/source/check", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/catalog/" + itoa(sourcedEntry(t, e, govdata.SourceHTTP)) + "/source/check"}
	}},
	{route: "POST /api/v1/catalog/{id}/source/run", auth: "user", allow: []string{"officer"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/catalog/" + itoa(sourcedEntry(t, e, govdata.SourceHTTP)) + "/source/run"}
	}},
	{route: "GET /api/v1/catalog/{id}/live", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/catalog/" + itoa(sourcedEntry(t, e, govdata.SourceLive)) + "/live?where=统计年度:2025"}
	}},
	// AGG-6: the officer applies; each step's actor decides (here the
	// bureau's reviewer approves); the provider's people and reviewers read.
	{route: "POST /api/v1/catalog/{id}/maintenance", auth: "user", allow: []string{"officer"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/catalog/" + itoa(loadedBatch(t, e).EntryID) + "/maintenance",
			body: govdata.MaintenanceInput{Reason: "更正", Changes: []govdata.RowChange{{Op: "delete", Where: map[string]string{"统计年度": "2025"}}}}}
	}},
	{route: "GET /api/v1/catalog/{id}/maintenance", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/catalog/" + itoa(maintenanceRequest(t, e).EntryID) + "/maintenance"}
	}},
	{route: "GET /api/v1/maintenance/{id}", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/maintenance/" + itoa(maintenanceRequest(t, e).ID)}
	}},
	{route: "POST /api/v1/maintenance/{id}/decide", auth: "user", allow: []string{"reviewer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/maintenance/" + itoa(maintenanceRequest(t, e).ID) + "/decide", body: govdata.MaintenanceDecision{Action: govdata.ActionApprove}}
	}},
	{route: "GET /api/v1/supervision/stale-datasets", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: get("/api/v1/supervision/stale-datasets")},
	{route: "GET /api/v1/batches/{id}", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/batches/" + itoa(loadedBatch(t, e).ID)}
	}},
	{route: "GET /api/v1/batches/{id}/rejected.csv", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/batches/" + itoa(loadedBatch(t, e).ID) + "/rejected.csv"}
	}},
	{route: "POST /api/v1/batches/{id}/cancel", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/batches/" + itoa(runningBatch(t, e)) + "/cancel"}
	}},
	// SHR-1, SHR-2: a department's officer applies; the applicant's and the
	// provider's people and the reviewers read; each step's actor decides
	// (here the bureau checks an application for department A's data).
	{route: "POST /api/v1/applications", auth: "user", allow: []string{"officer"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/applications", body: applicationInput(entryOfB(t, e))}
	}},
	{route: "GET /api/v1/applications", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: get("/api/v1/applications?side=provider")},
	{route: "GET /api/v1/applications/terms", auth: "user", allow: []string{"officer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/applications/terms?entry_id=" + itoa(entryOfB(t, e))}
	}},
	{route: "GET /api/v1/applications/{id}", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/applications/" + itoa(applicationForA(t, e).ID)}
	}},
	{route: "POST /api/v1/applications/{id}/decision", auth: "user", allow: []string{"reviewer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/applications/" + itoa(applicationForA(t, e).ID) + "/decision", body: govdata.ApplicationDecision{Decision: govdata.ActionApprove}}
	}},
	// SHR-3: the consumer's and the provider's people, the reviewers and the
	// secadmin read grants; the provider, the bureau or the secadmin stops
	// them; the consumer's officer binds its credentials.
	{route: "GET /api/v1/grants", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin", "auditor"}, build: get("/api/v1/grants")},
	{route: "GET /api/v1/grants/{id}", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin", "auditor"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/grants/" + itoa(grantOnA(t, e).ID)}
	}},
	{route: "POST /api/v1/grants/{id}/suspend", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/grants/" + itoa(grantOnA(t, e).ID) + "/suspend", body: map[string]string{"reason": "核查异常调用"}}
	}},
	{route: "POST /api/v1/grants/{id}/resume", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		g := grantOnA(t, e)
		mustGet(e.svc.Grants.ChangeGrant(storetest.As(e.actor("reviewer")), g.ID, govdata.GrantSuspend, "核查"))(t)
		return req{method: "POST", path: "/api/v1/grants/" + itoa(g.ID) + "/resume", body: map[string]string{"reason": "已整改"}}
	}},
	{route: "POST /api/v1/grants/{id}/revoke", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/grants/" + itoa(grantOnA(t, e).ID) + "/revoke", body: map[string]string{"reason": "用途已完成"}}
	}},
	{route: "POST /api/v1/grants/{id}/credentials", auth: "user", allow: []string{"officer"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/grants/" + itoa(grantForA(t, e).ID) + "/credentials", body: govdata.GrantCredentialInput{Name: "统计分析系统"}}
	}},
	{route: "GET /api/v1/grants/{id}/credentials", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin", "auditor"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/grants/" + itoa(grantForA(t, e).ID) + "/credentials"}
	}},
	{route: "DELETE /api/v1/grants/{id}/credentials/{credential_id}", auth: "user", allow: []string{"officer"}, status: 204, build: func(t testing.TB, e *env, caller string) req {
		g := grantForA(t, e)
		c := mustGet(e.svc.Grants.BindCredential(storetest.As(e.actor("officer")), g.ID, govdata.GrantCredentialInput{Name: "统计分析系统"}))(t)
		return req{method: "DELETE", path: "/api/v1/grants/" + itoa(g.ID) + "/credentials/" + itoa(c.Credential.ID)}
	}},
	// SHR-6: the monitoring: both sides and the overseers read; the
	// consumer rectifies an idle grant.
	{route: "GET /api/v1/grants/{id}/daily-usage", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin", "auditor"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/grants/" + itoa(grantForA(t, e).ID) + "/daily-usage?from=2026-01-01&to=2026-03-31"}
	}},
	{route: "GET /api/v1/grant-flags", auth: "user", allow: []string{"officer", "reviewer", "leader", "secadmin", "auditor"}, build: get("/api/v1/grant-flags?state=open")},
	{route: "POST /api/v1/grant-flags/{id}/resolve", auth: "user", allow: []string{"officer", "leader"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/grant-flags/" + itoa(idleFlagOfA(t, e)) + "/resolve", body: map[string]string{"reason": "系统改造完成，下周恢复调用"}}
	}},
	// LS-19(三): the provider's leader or the bureau's reviewer registers
	// and retires scenarios (here for department A's data, A being its own
	// bureau); the applications' readers read them. Under Lishui's profile,
	// the only one where scenarios grant.
	{route: "POST /api/v1/scenarios", profile: "lishui-2020", auth: "user", allow: []string{"leader", "reviewer"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/scenarios", body: scenarioInput(catalogEntry(t, e, "published"), e.deptB.ID)}
	}},
	{route: "GET /api/v1/scenarios", profile: "lishui-2020", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: get("/api/v1/scenarios?department_id=1&limit=5")},
	{route: "GET /api/v1/scenarios/{id}", profile: "lishui-2020", auth: "user", allow: []string{"officer", "reviewer", "leader"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/scenarios/" + itoa(scenarioForA(t, e).ID)}
	}},
	{route: "POST /api/v1/scenarios/{id}/retire", profile: "lishui-2020", auth: "user", allow: []string{"leader", "reviewer"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/scenarios/" + itoa(scenarioForA(t, e).ID) + "/retire", body: govdata.ScenarioRetirement{Reason: "业务调整"}}
	}},
	// SHR-7, HLJ-28: the consumer's officer and leader record usage of its
	// grant; both sides, the bureau's reviewers, the secadmin and the
	// auditor (§1: "the audit log and usage records") read.
	{route: "POST /api/v1/grants/{id}/usage", auth: "user", allow: []string{"officer", "leader"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/grants/" + itoa(grantForA(t, e).ID) + "/usage", body: usageInput(govdata.UsageUse, e.clock.Now())}
	}},
	{route: "GET /api/v1/grants/{id}/usage", auth: "user", allow: []string{"officer", "leader", "reviewer", "secadmin", "auditor"}, build: func(t testing.TB, e *env, caller string) req {
		g := grantForA(t, e).ID
		mustGet(e.svc.Usage.RecordUsage(storetest.As(e.actor("officer")), g, usageInput(govdata.UsageStorage, e.clock.Now())))(t)
		return req{method: "GET", path: "/api/v1/grants/" + itoa(g) + "/usage?kind=storage"}
	}},
	// OPN-1, CAT-7: the open catalog, its CKAN API and DCAT feeds are public.
	{route: "GET /api/v1/open/catalog", auth: "public", allow: everyone, build: get("/api/v1/open/catalog?q=人口")},
	{route: "GET /api/v1/open/catalog/{id}", auth: "public", allow: everyone, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/open/catalog/" + itoa(catalogEntry(t, e, "published"))}
	}},
	{route: "GET /api/3/action/{action}", auth: "public", allow: everyone, build: get("/api/3/action/package_search?q=人口&rows=5")},
	{route: "POST /api/3/action/{action}", auth: "public", allow: everyone, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/3/action/package_list", body: map[string]int{"limit": 10}}
	}},
	{route: "GET /api/action/{action}", auth: "public", allow: everyone, build: get("/api/action/status_show")},
	// OPN-1: open data. Anyone reads an unconditional dataset — but a staff
	// session sent to the open-data API is refused (OPN-2: staff tokens on
	// public routes); a public account's own downloads need its session.
	{route: "GET /api/v1/open/stats", auth: "public", allow: everyone, build: get("/api/v1/open/stats")},
	{route: "GET /api/v1/open/datasets/{code}", auth: "public", allow: everyone, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/open/datasets/" + url.PathEscape(openDataset(t, e))}
	}},
	{route: "GET /api/v1/open/datasets/{code}/download", auth: "open", allow: openCallers, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/open/datasets/" + url.PathEscape(openDataset(t, e)) + "/download?format=csv"}
	}},
	{route: "GET /api/v1/open/datasets/{code}/records", auth: "open", allow: openCallers, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/open/datasets/" + url.PathEscape(openDataset(t, e)) + "/records?limit=5"}
	}},
	{route: "GET /api/v1/public/downloads", auth: "account", allow: []string{"public"}, build: get("/api/v1/public/downloads")},
	{route: "POST /api/action/{action}", auth: "public", allow: everyone, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/action/organization_list", body: map[string]bool{"all_fields": true}}
	}},
	// The portal's sitemap and robots.txt (OPN-1).
	{route: "GET /sitemap.xml", auth: "public", allow: everyone, build: get("/sitemap.xml")},
	{route: "GET /robots.txt", auth: "public", allow: everyone, build: get("/robots.txt")},
	{route: "GET /catalog.ttl", auth: "public", allow: everyone, build: get("/catalog.ttl")},
	{route: "GET /catalog.jsonld", auth: "public", allow: everyone, build: get("/catalog.jsonld?page=1")},
	{route: "GET /catalog", auth: "public", allow: everyone, build: get("/catalog")},
	{route: "GET /dataset/{file}", auth: "public", allow: everyone, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/dataset/" + itoa(catalogEntry(t, e, "published")) + ".ttl"}
	}},

	// CAL-3: where notifications are sent out is system configuration, the
	// sysadmin's (§1: sysadmin — system configuration).
	// Public accounts (OPN-2, HLJ-43): the portal's own routes answer the
	// public account alone (a staff session gets 403); staff oversee them.
	{route: "POST /api/v1/public/auth/register", auth: "public", allow: everyone, status: 202, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/public/auth/register", body: registration(fmt.Sprintf("m%d@example.com", e.next()))}
	}},
	{route: "POST /api/v1/public/auth/confirm", auth: "public", allow: everyone, build: func(t testing.TB, e *env, caller string) req {
		_, email := publicAccount(t, e, false)
		return req{method: "POST", path: "/api/v1/public/auth/confirm", body: map[string]string{"token": confirmToken(t, e, email)}}
	}},
	{route: "POST /api/v1/public/auth/resend", auth: "public", allow: everyone, status: 202, build: func(t testing.TB, e *env, caller string) req {
		_, email := publicAccount(t, e, false)
		return req{method: "POST", path: "/api/v1/public/auth/resend", body: map[string]string{"email": email}}
	}},
	{route: "POST /api/v1/public/auth/login", auth: "public", allow: everyone, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/public/auth/login", body: map[string]string{"email": publicFixture(t, e).email, "password": publicTestPassword}}
	}},
	{route: "POST /api/v1/public/auth/logout", auth: "account", allow: []string{"public"}, status: 204, build: func(t testing.TB, e *env, caller string) req {
		r := req{method: "POST", path: "/api/v1/public/auth/logout"}
		if caller == "public" {
			r.token = publicLogin(t, e, publicFixture(t, e).email) // not the fixture's own session
		}
		return r
	}},
	{route: "GET /api/v1/public/me", auth: "account", allow: []string{"public"}, build: get("/api/v1/public/me")},
	{route: "GET /api/v1/public/keys", auth: "account", allow: []string{"public"}, build: get("/api/v1/public/keys")},
	{route: "POST /api/v1/public/keys", auth: "account", allow: []string{"public"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/public/keys", body: govdata.APIKeyInput{Name: "矩阵"}}
	}},
	{route: "DELETE /api/v1/public/keys/{id}", auth: "account", allow: []string{"public"}, status: 204, build: func(t testing.TB, e *env, caller string) req {
		id := int64(1) // refused before it is looked up
		if caller == "public" {
			id = publicKey(t, e).ID
		}
		return req{method: "DELETE", path: "/api/v1/public/keys/" + itoa(id)}
	}},
	{route: "GET /api/v1/public/messages", auth: "account", allow: []string{"public"}, build: get("/api/v1/public/messages")},
	{route: "POST /api/v1/public/messages/read", auth: "account", allow: []string{"public"}, status: 204, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/public/messages/read"}
	}},
	{route: "POST /api/v1/public/messages/{id}/read", auth: "account", allow: []string{"public"}, status: 204, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/public/messages/" + itoa(publicFixture(t, e).message) + "/read"}
	}},
	{route: "GET /api/v1/public-accounts", auth: "user", allow: []string{"sysadmin", "secadmin", "reviewer"}, build: get("/api/v1/public-accounts?q=example")},
	{route: "POST /api/v1/public-accounts/{id}/confirm", auth: "user", allow: []string{"sysadmin"}, build: func(t testing.TB, e *env, caller string) req {
		id, _ := publicAccount(t, e, false)
		return req{method: "POST", path: "/api/v1/public-accounts/" + itoa(id) + "/confirm"}
	}},
	{route: "POST /api/v1/public-accounts/{id}/suspend", auth: "user", allow: []string{"secadmin", "reviewer"}, build: func(t testing.TB, e *env, caller string) req {
		id, _ := publicAccount(t, e, true)
		return req{method: "POST", path: "/api/v1/public-accounts/" + itoa(id) + "/suspend", body: map[string]string{"reason": "滥用"}}
	}},
	{route: "POST /api/v1/public-accounts/{id}/resume", auth: "user", allow: []string{"secadmin", "reviewer"}, build: func(t testing.TB, e *env, caller string) req {
		id, _ := publicAccount(t, e, true)
		mustGet(e.svc.PublicAccounts.Suspend(storetest.System(), id, "滥用"))(t)
		return req{method: "POST", path: "/api/v1/public-accounts/" + itoa(id) + "/resume", body: map[string]string{"reason": "已整改"}}
	}},

	{route: "POST /api/v1/webhooks", auth: "user", allow: []string{"sysadmin"}, status: 201, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/webhooks", body: govdata.WebhookInput{Name: "矩阵OA", URL: "https://oa.example.gov.cn/hook"}}
	}},
	{route: "GET /api/v1/webhooks", auth: "user", allow: []string{"sysadmin"}, build: get("/api/v1/webhooks")},
	{route: "GET /api/v1/webhooks/{id}", auth: "user", allow: []string{"sysadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/webhooks/" + itoa(freshWebhook(t, e).ID)}
	}},
	{route: "PATCH /api/v1/webhooks/{id}", auth: "user", allow: []string{"sysadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "PATCH", path: "/api/v1/webhooks/" + itoa(freshWebhook(t, e).ID), body: map[string]bool{"active": false}}
	}},
	{route: "POST /api/v1/webhooks/{id}/rotate", auth: "user", allow: []string{"sysadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/webhooks/" + itoa(freshWebhook(t, e).ID) + "/rotate"}
	}},
	{route: "GET /api/v1/deliveries", auth: "user", allow: []string{"sysadmin"}, build: get("/api/v1/deliveries?state=failed")},
	{route: "GET /api/v1/deliveries/{id}", auth: "user", allow: []string{"sysadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/deliveries/" + itoa(failedDelivery(t, e))}
	}},
	{route: "POST /api/v1/deliveries/{id}/retry", auth: "user", allow: []string{"sysadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/deliveries/" + itoa(failedDelivery(t, e)) + "/retry"}
	}},
	// Every user reads which regulation profile governs the deployment.
	{route: "GET /api/v1/profiles", auth: "user", allow: signedIn, build: get("/api/v1/profiles")},
	{route: "GET /api/v1/profile", auth: "user", allow: signedIn, build: get("/api/v1/profile")},

	// The data service answers signed system-credential calls only.
	{route: "GET /api/v1/services/whoami", auth: "signed", allow: []string{"credential"}, build: get("/api/v1/services/whoami")},
	// SHR-4: a consumer's system calls with a credential bound to its grant.
	{route: "GET /api/v1/services/{code}/records", auth: "signed", allow: []string{"credential"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/services/" + servedForA(t, e, govdata.MethodAPI) + "/records?limit=5"}
	}},
	{route: "POST /api/v1/services/{code}/verify", auth: "signed", allow: []string{"credential"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/services/" + servedForA(t, e, govdata.MethodAPI) + "/verify", body: govdata.VerifyInput{Match: map[string]string{"统计年度": "2025"}}}
	}},
	{route: "GET /api/v1/services/{code}/export", auth: "signed", allow: []string{"credential"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/services/" + servedForA(t, e, govdata.MethodFile) + "/export?format=csv"}
	}},
	{route: "GET /api/v1/services/{code}/changes", auth: "signed", allow: []string{"credential"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/services/" + servedForA(t, e, govdata.MethodSubscription) + "/changes"}
	}},
	// SEC-5: the secadmin and the auditor trace a leaked file.
	{route: "GET /api/v1/export-traces/{trace}", auth: "user", allow: []string{"secadmin", "auditor"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "GET", path: "/api/v1/export-traces/" + exportTrace(t, e)}
	}},
	// SHR-5: everyone reads the masking policy; the secadmin sets it.
	{route: "GET /api/v1/masking", auth: "user", allow: signedIn, build: get("/api/v1/masking")},
	{route: "PUT /api/v1/masking", auth: "user", allow: []string{"secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "PUT", path: "/api/v1/masking", body: govdata.MaskPolicy{Levels: map[int]govdata.Mask{3: {Kind: govdata.MaskKeep, First: 3, Last: 4}}}}
	}},
	{route: "POST /api/v1/masking/preview", auth: "user", allow: []string{"secadmin"}, build: func(t testing.TB, e *env, caller string) req {
		return req{method: "POST", path: "/api/v1/masking/preview", body: govdata.MaskPreviewInput{Samples: []govdata.MaskSample{{Mask: govdata.Mask{Kind: govdata.MaskKeep, First: 1, Last: 1}, Value: "张三丰"}}}}
	}},
	// SEC-2: the secadmin follows the data keys' rotation.
	{route: "GET /api/v1/keys", auth: "user", allow: []string{"secadmin"}, build: get("/api/v1/keys")},
}

// freshSessionID signs username in once more and returns that session's
// ID, as its own list of sessions shows it.
func freshSessionID(t testing.TB, e *env, username string) int64 {
	t.Helper()
	tok := e.freshToken(t, username)
	list := mustOK[govdata.List[govdata.SessionInfo]](t, e.do(t, req{method: "GET", path: "/api/v1/auth/sessions", token: tok}), http.StatusOK)
	for _, si := range list.Items {
		if si.Current {
			return si.ID
		}
	}
	t.Fatalf("no current session among %+v", list.Items)
	return 0
}

// servedForA is an entry of department B with rows loaded, and department
// A's grant on it by method, bound to A's fixture credential: its
// resource code, escaped for a path (a code holds a "/").
func servedForA(t testing.TB, e *env, method govdata.ShareMethod) string {
	t.Helper()
	entry := entryOfB(t, e)
	mustGet(e.svc.Datasets.Ingest(storetest.As(e.actor("officerb")), govdata.IngestRequest{EntryID: entry, Mode: govdata.IngestReplace,
		Source: govdata.SourceUpload, Format: govdata.FormatCSV, Body: strings.NewReader("统计年度,人口数\n2025,1000\n2024,990\n")}))(t)
	in := applicationInput(entry)
	in.Method = method
	app := mustGet(e.svc.Applications.Apply(storetest.As(e.actor("officer")), in))(t)
	app = mustGet(e.svc.Applications.Decide(storetest.As(e.provinceReviewer()), app.ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
	mustGet(e.svc.Grants.BindCredential(storetest.As(e.actor("officer")), app.GrantID, govdata.GrantCredentialInput{CredentialID: e.cred.ID}))(t)
	return url.PathEscape(app.ResourceCode)
}

// exportTrace exports a file as A's system and returns its trace mark.
func exportTrace(t testing.TB, e *env) string {
	t.Helper()
	res := e.do(t, req{method: "GET", path: "/api/v1/services/" + servedForA(t, e, govdata.MethodFile) + "/export?format=json", sign: signedBy(e.cred)})
	mustStatus(t, res, http.StatusOK)
	return res.header.Get("X-Govdata-Trace")
}

// catalogInput is a valid entry.
func catalogInput(name string) govdata.EntryInput {
	return govdata.EntryInput{Name: name, Summary: name + "的摘要", Format: "数据库", UpdateCycle: govdata.CycleMonthly,
		Classification: govdata.Classification{Category: "3", Subcategory: "01", Group: "002"},
		ShareType:      govdata.ShareUnconditional, OpenType: govdata.OpenUnconditional, Grade: govdata.GradeGeneral,
		Items: []govdata.Item{{Name: "统计年度", Type: govdata.ItemChar, Length: 4, Sensitivity: 1}, {Name: "人口数", Type: govdata.ItemNumber, Length: 10, Sensitivity: 1}}}
}

// catalogEntry makes an entry of department A at stage: draft, submitted,
// published, or change (published, with a change open).
func catalogEntry(t testing.TB, e *env, stage string) int64 {
	t.Helper()
	officer, reviewer := storetest.As(e.actor("officer")), storetest.As(e.actor("reviewer"))
	d := mustGet(e.svc.Catalog.CreateEntry(officer, catalogInput(fmt.Sprintf("人口统计资源%d", e.next()))))(t)
	if stage == "draft" {
		return d.ID
	}
	mustGet(e.svc.Catalog.Submit(officer, d.ID))(t)
	if stage == "submitted" {
		return d.ID
	}
	mustGet(e.svc.Catalog.Review(reviewer, d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
	if stage == "change" {
		summary := "变更后的摘要"
		mustGet(e.svc.Catalog.UpdateEntry(officer, d.ID, govdata.EntryPatch{Summary: &summary}))(t)
	}
	return d.ID
}

// applicationInput asks for two items of an entry for a year.
func applicationInput(entry int64) govdata.ApplicationInput {
	return govdata.ApplicationInput{CatalogID: entry, Items: []string{"统计年度", "人口数"}, Scenario: "人口统计分析", Purpose: "编制年度统计公报",
		LegalBasis: "《统计法》第七条", Method: govdata.MethodAPI, ValidUntil: govdata.Date{Year: 2030, Month: 1, Day: 1}}
}

// entryOfB publishes an entry of department B (reviewed by the province's
// bureau).
func entryOfB(t testing.TB, e *env) int64 {
	t.Helper()
	officer := storetest.As(e.actor("officerb"))
	d := mustGet(e.svc.Catalog.CreateEntry(officer, catalogInput(fmt.Sprintf("厦门人口统计资源%d", e.next()))))(t)
	mustGet(e.svc.Catalog.Submit(officer, d.ID))(t)
	mustGet(e.svc.Catalog.Review(storetest.As(e.provinceReviewer()), d.ID, govdata.ReviewDecision{Decision: govdata.ActionApprove}))(t)
	return d.ID
}

// provinceReviewer is a reviewer of the province's bureau.
func (e *env) provinceReviewer() govdata.Actor {
	return govdata.Actor{UserID: 900000, Username: "province-reviewer", Roles: []govdata.Role{govdata.RoleReviewer}, DepartmentID: e.deptP.ID}
}

// applicationForA is department B's application for department A's data,
// waiting for A's bureau to check it (the light path of an unconditional
// entry).
func applicationForA(t testing.TB, e *env) *govdata.Application {
	t.Helper()
	return mustGet(e.svc.Applications.Apply(storetest.As(e.actor("officerb")), applicationInput(catalogEntry(t, e, "published"))))(t)
}

// grantOnA is department B's grant on department A's data, approved by
// A's bureau on the light path.
func grantOnA(t testing.TB, e *env) *govdata.Grant {
	t.Helper()
	app := mustGet(e.svc.Applications.Decide(storetest.As(e.actor("reviewer")), applicationForA(t, e).ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
	return mustGet(e.svc.Grants.FindGrantByID(storetest.As(e.actor("reviewer")), app.GrantID))(t)
}

// grantForA is department A's grant on department B's data, approved by
// the province's bureau.
func grantForA(t testing.TB, e *env) *govdata.Grant {
	t.Helper()
	app := mustGet(e.svc.Applications.Apply(storetest.As(e.actor("officer")), applicationInput(entryOfB(t, e))))(t)
	app = mustGet(e.svc.Applications.Decide(storetest.As(e.provinceReviewer()), app.ID, govdata.ApplicationDecision{Decision: govdata.ActionApprove}))(t)
	return mustGet(e.svc.Grants.FindGrantByID(storetest.As(e.actor("officer")), app.GrantID))(t)
}

// idleFlagOfA is an open idle flag on department A's grant, as the
// monitoring raises it after three unused months.
func idleFlagOfA(t testing.TB, e *env) int64 {
	t.Helper()
	g := grantForA(t, e)
	if err := storetest.SQL(t, e.db).Exec(context.Background(), `INSERT INTO grant_flags (grant_id, kind, detail_zh, detail_en, raised_at, rectify_by, state, dedupe)
		VALUES (?, 'idle', '闲置', 'idle', 0, '2030-01-01', 'open', ?)`, g.ID, fmt.Sprintf("idle:%d:test", g.ID)); err != nil {
		t.Fatal(err)
	}
	l := mustGet(e.svc.Monitor.FindGrantFlags(storetest.System(), govdata.GrantFlagFilter{GrantID: g.ID}))(t)
	return l.Items[0].ID
}

// scenarioInput covers applicationInput for department consumer.
func scenarioInput(entry, consumer int64) govdata.ScenarioInput {
	return govdata.ScenarioInput{CatalogID: entry, Name: "人口统计分析", ConsumerDepartment: consumer, Items: []string{"统计年度", "人口数"},
		Purpose: "编制年度统计公报", LegalBasis: "《统计法》第七条", Methods: []govdata.ShareMethod{govdata.MethodAPI}, MaxDays: 5 * 365}
}

// scenarioForA is a scenario for department A's data and department B,
// registered by A's leader (under a profile with scenario_direct_grant).
func scenarioForA(t testing.TB, e *env) *govdata.ApplicationScenario {
	t.Helper()
	return mustGet(e.svc.Scenarios.Register(storetest.As(e.actor("leader")), scenarioInput(catalogEntry(t, e, "published"), e.deptB.ID)))(t)
}

// profileEnvs builds, once each, the envs of the profiles some cases run
// under, beside base (the default profile's).
func profileEnvs(t *testing.T, base *env) map[string]*env {
	envs := map[string]*env{"": base}
	for _, c := range matrix {
		if envs[c.profile] == nil {
			envs[c.profile] = newEnv(t, base.engine, envOptions{profile: c.profile})
		}
	}
	return envs
}

// usageInput is a valid usage record of kind, dated on the day of now.
func usageInput(k govdata.UsageKind, now time.Time) govdata.UsageInput {
	d := govdata.DateOf(now.In(govdata.ChinaTime))
	switch k {
	case govdata.UsageStorage:
		return govdata.UsageInput{Kind: k, Location: "市政务云 统计分析库", Protection: "SM4 加密，按岗位授权访问", StoredFrom: &d}
	case govdata.UsageDestruction:
		return govdata.UsageInput{Kind: k, DestroyedData: "统计分析库中该授权的全部数据", Method: "删除并覆写", DestroyedBy: "王五", DestroyedOn: &d}
	}
	return govdata.UsageInput{Kind: govdata.UsageUse, Scenario: "人口统计分析", Outcome: "编制完成年度统计公报", UsedOn: &d}
}

// loadedBatch publishes an entry of department A and loads a batch of two
// rows, one of them rejected.
func loadedBatch(t testing.TB, e *env) *govdata.Batch {
	t.Helper()
	id := catalogEntry(t, e, "published")
	return mustGet(e.svc.Datasets.Ingest(storetest.As(e.actor("officer")), govdata.IngestRequest{EntryID: id, Mode: govdata.IngestReplace,
		Source: govdata.SourceUpload, Format: govdata.FormatCSV, Body: strings.NewReader("统计年度,人口数\n2025,1000\n二〇二五,多\n")}))(t)
}

// provider is a provider's system: it answers pulls with {"rows": […]}
// and live queries with {"items": […]}.
var provider = sync.OnceValue(func() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/live") {
			io.WriteString(w, `{"items": [{"统计年度": "2025", "人口数": 1000}]}`)
			return
		}
		io.WriteString(w, `{"rows": [{"统计年度": "2025", "人口数": 1000}]}`)
	}))
})

func providerURL() string { return provider().URL }

// sourcedEntry is a published entry of department A with a source of kind.
func sourcedEntry(t testing.TB, e *env, kind govdata.SourceKind) int64 {
	t.Helper()
	id := catalogEntry(t, e, "published")
	path := "/rows"
	if kind == govdata.SourceLive {
		path = "/live"
	}
	mustGet(e.svc.Sources.SetSource(storetest.As(e.actor("officer")), id, govdata.SourceInput{Kind: kind, URL: providerURL() + path}))(t)
	return id
}

// maintenanceRequest files a request to delete a row of a loaded dataset,
// waiting for the bureau's approval.
func maintenanceRequest(t testing.TB, e *env) *govdata.Maintenance {
	t.Helper()
	b := loadedBatch(t, e)
	return mustGet(e.svc.Maintenance.FileMaintenance(storetest.As(e.actor("officer")), b.EntryID, govdata.MaintenanceInput{Reason: "更正",
		Changes: []govdata.RowChange{{Op: "delete", Where: map[string]string{"统计年度": "2025"}}}}))(t)
}

// runningBatch starts a batch whose upload has sent its header and waits
// for more; the upload ends when the test does.
func runningBatch(t testing.TB, e *env) int64 {
	t.Helper()
	id := catalogEntry(t, e, "published")
	officer := storetest.As(e.actor("officer"))
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.svc.Datasets.Ingest(officer, govdata.IngestRequest{EntryID: id, Mode: govdata.IngestReplace, Source: govdata.SourceUpload, Format: govdata.FormatCSV, Body: pr})
	}()
	t.Cleanup(func() { pw.Close(); <-done })
	pw.Write([]byte("统计年度,人口数\n2025,1000\n"))
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		l, err := e.svc.Datasets.FindBatches(officer, govdata.BatchFilter{EntryID: id, State: govdata.BatchRunning})
		if err != nil || len(l.Items) == 0 {
			continue
		}
		// Live counters show once the batch is registered as running here.
		if b, err := e.svc.Datasets.FindBatchByID(officer, l.Items[0].ID); err == nil && b.Bytes > 0 {
			return b.ID
		}
	}
	t.Fatal("the batch did not start")
	return 0
}

// catalogWorkbook is an import of one entry in the template's layout.
func catalogWorkbook(t testing.TB, name string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := catalogxlsx.Write(&buf, []*govdata.Entry{{EntryInput: catalogInput(name)}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// freshWebhook adds a webhook as the platform.
func freshWebhook(t testing.TB, e *env) *govdata.IssuedWebhook {
	t.Helper()
	return mustGet(e.svc.Deliveries.CreateWebhook(storetest.System(), govdata.WebhookInput{Name: "测试OA", URL: "https://oa.example.gov.cn/hook"}))(t)
}

// failedDelivery queues a notice to a fresh webhook and marks its delivery
// failed, as govdata.MaxDeliveryAttempts failed attempts would.
func failedDelivery(t testing.TB, e *env) int64 {
	t.Helper()
	h := freshWebhook(t, e)
	mustGet(e.svc.Notifications.Notify(storetest.System(), userOf(e, "officer").ID, "notice", govdata.Text{ZH: "测试通知", EN: "test notice"}))(t)
	l := mustGet(e.svc.Deliveries.FindDeliveries(storetest.System(), govdata.DeliveryFilter{WebhookID: h.ID}))(t)
	if len(l.Items) != 1 {
		t.Fatalf("webhook %d has %d deliveries", h.ID, len(l.Items))
	}
	if err := storetest.SQL(t, e.db).Exec(context.Background(), "UPDATE deliveries SET state = 'failed', attempts = ? WHERE id = ?", govdata.MaxDeliveryAttempts, l.Items[0].ID); err != nil {
		t.Fatal(err)
	}
	return l.Items[0].ID
}

func TestRoleMatrix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel()
		base := newEnv(t, engine, envOptions{})
		envs := profileEnvs(t, base)
		e := base

		// The matrix covers every route of the router, and only those.
		routes := map[string]govhttp.RouteInfo{}
		for _, rt := range e.srv.RoutesForTest() {
			routes[rt.Pattern()] = rt
		}
		covered := map[string]bool{}
		for _, c := range matrix {
			rt, ok := routes[c.route]
			if !ok {
				t.Errorf("the matrix has %q, which the router does not serve", c.route)
				continue
			}
			if rt.Auth != c.auth {
				t.Errorf("%s authenticates %s callers, the matrix says %s", c.route, rt.Auth, c.auth)
			}
			covered[c.route] = true
		}
		for p := range routes {
			if !covered[p] {
				t.Errorf("route %s is not in the role × endpoint matrix: add it with the roles PRODUCT.md §1 allows", p)
			}
		}

		for _, c := range matrix {
			for _, caller := range callers {
				name := c.route
				if c.variant != "" {
					name += " (" + c.variant + ")"
				}
				e := envs[c.profile]
				t.Run(name+"/"+caller, func(t *testing.T) {
					r := c.build(t, e, caller)
					if r.token == "" {
						switch {
						case caller == "credential":
							r.sign = signedBy(e.cred)
						case caller == "public":
							r.token = publicFixture(t, e).token
						case caller != "anonymous":
							r.as = caller
						}
					}
					allowed := slices.Contains(c.allow, caller)
					var before string
					if !allowed {
						before = e.snapshot(t)
					}
					res := e.do(t, r)
					if allowed {
						want := c.status
						if want == 0 {
							want = http.StatusOK
						}
						mustStatus(t, res, want)
						if c.after != nil {
							c.after(t, e, caller, res)
						}
						return
					}
					// Not authenticated the way the route needs: 401; authenticated
					// but not allowed: 403. Either way audited, nothing changed.
					want := http.StatusForbidden
					if caller == "anonymous" || (c.auth == "signed") != (caller == "credential") {
						want = http.StatusUnauthorized
					}
					e.mustRefused(t, res, want)
					e.mustUnchanged(t, before, res)
				})
			}
		}
	})
}

func mustDate(t testing.TB, s string) govdata.Date {
	t.Helper()
	d, err := govdata.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
