package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

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
