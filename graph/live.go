package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/internal/live"
)

// checkTenantVisible answers NOT_FOUND for a tenant the viewer may not see
// (or that does not exist): the privacy rules decide, through ent.
func (r *Resolver) checkTenantVisible(ctx context.Context, tenantID *string) error {
	if tenantID == nil {
		return nil
	}
	ok, err := r.Client.Tenant.Query().Where(tenant.ID(*tenantID)).Exist(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return coded(CodeNotFound, "tenant not found")
	}
	return nil
}

// trackSubscription counts a subscription in the metrics gauge until its
// context ends (gqlgen ends it when the subscription completes or stops).
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
