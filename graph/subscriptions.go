package graph

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/internal/live"
)

// trackSubscription counts a subscription in the metrics gauge until its
// context ends (gqlgen ends it when the subscription completes or stops).
// It is called once the subscription listens, so that a rise of the gauge
// means events from then on are delivered (the e2e tests rely on it).
func (r *Resolver) trackSubscription(ctx context.Context) {
	ended := r.Metrics.SubscriptionStarted()
	go func() {
		<-ctx.Done()
		ended()
	}()
}

// subscriptionFailed reports why a subscription ends to its client as a
// graphql-ws error message (the operation's last message).
func subscriptionFailed(ctx context.Context) func(error) {
	return func(err error) {
		code := CodeInternal
		msg := "subscription failed"
		if errors.Is(err, live.ErrTooSlow) {
			code, msg = "SUBSCRIBER_TOO_SLOW", err.Error()
		}
		transport.AddSubscriptionError(ctx, &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}})
	}
}

// liveKey names an auditEntryCreated subscription's filter and where input,
// so that subscriptions asking the same share one load per notice
// (live.EntryQuery.Key); "" when where cannot be named (it then shares
// with no one).
func liveKey(filter *string, where *ent.AuditEntryWhereInput) string {
	w := []byte("null")
	if where != nil {
		if len(where.Predicates) > 0 {
			return ""
		}
		b, err := json.Marshal(where)
		if err != nil {
			return ""
		}
		w = b
	}
	f := "-"
	if filter != nil {
		f = strconv.Quote(*filter)
	}
	return f + " " + string(w)
}
