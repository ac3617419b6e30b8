package sqlstore

import (
	"context"

	"github.com/govdata/govdata"
)

// PublicSessionsStub authenticates public accounts' portal sessions
// (public_sessions, token hashed as staff sessions are) until the public
// branch's PublicAuthService is merged: that one replaces it in serve and
// this file goes. API keys are not accepted here.
type PublicSessionsStub struct{ db *DB }

// NewPublicSessionsStub reads the sessions of db.
func NewPublicSessionsStub(db *DB) *PublicSessionsStub { return &PublicSessionsStub{db: db} }

var _ govdata.PublicAuthService = (*PublicSessionsStub)(nil)

// AuthenticatePublic implements govdata.PublicAuthService.
func (s *PublicSessionsStub) AuthenticatePublic(ctx context.Context, token string) (govdata.Actor, error) {
	var id int64
	err := s.db.queryRow(ctx, `SELECT a.id FROM public_sessions p JOIN public_accounts a ON a.id = p.account_id
		WHERE p.token_hash = ? AND p.revoked_at IS NULL AND p.expires_at > ? AND a.state = 'active'`,
		tokenHash(token), toDB(s.db.clock.Now())).Scan(&id)
	if err != nil || id == 0 {
		return govdata.Actor{}, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
	}
	return govdata.Actor{PublicAccountID: id}, nil
}

// AuthenticateAPIKey implements govdata.PublicAuthService: no keys here.
func (s *PublicSessionsStub) AuthenticateAPIKey(context.Context, string) (govdata.Actor, error) {
	return govdata.Actor{}, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
}
