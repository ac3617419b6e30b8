package http

import "github.com/govdata/govdata"

// This file lets the black-box tests of package http_test see the route
// table (the role × endpoint matrix and the OpenAPI test must cover every
// route) without exporting anything from the package itself.

// RouteInfo describes one route of the table.
type RouteInfo struct {
	Method, Path string
	// Auth is "public", "user", "signed", "account" (a public account's
	// session, OPN-2) or "open" (anyone; a public session or key names the
	// caller).
	Auth           string
	Perm           govdata.Permission
	PasswordChange bool
	Action         string
	ObjectType     string
	// Reads is, for a GET route, "plain", "audited" or "service"
	// (SEC-1); "unclassified" otherwise.
	Reads          string
	SecurityChange bool
}

// Pattern is the route's "METHOD /path".
func (r RouteInfo) Pattern() string { return r.Method + " " + r.Path }

// RoutesForTest lists the routes the server registered.
func (s *Server) RoutesForTest() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		auth := "user"
		switch rt.auth {
		case authNone:
			auth = "public"
		case authSigned:
			auth = "signed"
		case authPublic:
			auth = "account"
		case authOpen:
			auth = "open"
		}
		out[i] = RouteInfo{Method: rt.method, Path: rt.path, Auth: auth, Perm: rt.perm, PasswordChange: rt.passwordChange, Action: rt.action,
			ObjectType: rt.objectType, Reads: rt.reads.String(), SecurityChange: rt.securityChange}
	}
	return out
}
