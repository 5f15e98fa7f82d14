package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/session"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/txn"
	"github.com/trailmark/trailmark/internal/viewer"
)

// rotateGrace is how long a rotated-out cookie keeps working, for requests
// the browser sent before it received the new cookie.
const rotateGrace = time.Minute

// rotate gives a browser session a fresh token once its token is older than
// SessionRotate: a new session row with the same absolute expiry, the new
// cookie on this response, and the old token cut down to a short grace. A
// stolen cookie thus stops working soon after its owner's next request.
// Concurrent requests race on the old row; only the one that shortens it
// rotates.
func (a *Authenticator) rotate(ctx context.Context, v *viewer.Viewer) error {
	actx := privacy.DecisionContext(ctx, privacy.Allow)
	now := clock.Stored(a.now())
	old, err := a.Client.Session.Get(actx, v.SessionID)
	if err != nil {
		return fmt.Errorf("load session: %w", err)
	}
	if now.Sub(old.CreatedAt) < a.cfg.SessionRotate || !old.ExpiresAt.After(now.Add(rotateGrace)) {
		return nil // young, or already rotated out
	}
	token := NewSessionToken()
	var fresh *ent.Session
	err = txn.Do(actx, a.Client, func(tx *ent.Tx) error {
		n, err := tx.Session.Update().
			Where(session.ID(old.ID), session.ExpiresAtGT(now.Add(rotateGrace))).
			SetExpiresAt(now.Add(rotateGrace)).
			Save(actx)
		if err != nil || n == 0 {
			return err // n == 0: another request rotated it
		}
		fresh, err = tx.Session.Create().
			SetUserID(old.UserID).
			SetTokenHash(HashToken(token)).
			SetExpiresAt(old.ExpiresAt).
			SetLastSeenAt(now).
			SetSourceIP(old.SourceIP).
			SetUserAgent(old.UserAgent).
			Save(actx)
		return err
	})
	if err != nil || fresh == nil {
		return err
	}
	if r, ok := ctx.Value(responseKey{}).(*response); ok {
		r.rotatedTo = fresh.ID
	}
	setSessionCookie(ctx, token, fresh.ExpiresAt)
	return nil
}
