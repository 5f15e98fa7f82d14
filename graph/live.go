package graph

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/ent"
	entarchive "github.com/trailmark/trailmark/ent/archive"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/live"
	"github.com/trailmark/trailmark/internal/viewer"
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

// actor is the GraphQL Actor of stored actor columns in tenantID (the
// tenant decides who may read its email); actor.user is resolved on demand.
func (r *Resolver) actor(_ context.Context, tenantID string, typ schematype.ActorType, id, name, email *string) (*model.Actor, error) {
	return &model.Actor{Type: typ, ID: id, Name: name, Email: email, TenantID: &tenantID}, nil
}

// initiatorOf is the actor starting a process: the caller.
func initiatorOf(ctx context.Context) audit.Actor {
	return audit.ActorOf(viewer.FromContext(ctx))
}

// startProcess queues a process for the caller and wakes the runners.
func (r *Resolver) startProcess(ctx context.Context, spec jobs.Spec) (*ent.Process, error) {
	var p *ent.Process
	err := r.withTx(ctx, func(tx *ent.Tx) error {
		var err error
		p, err = jobs.Create(ctx, tx.Client(), spec)
		return err
	})
	if err != nil {
		return nil, err
	}
	jobs.Announce(ctx, r.Broker, r.Log, jobs.Notice{Tenant: p.TenantID, ID: p.ID, Queued: true})
	return p.Unwrap(), nil
}

// archiveInput validates createArchive's input into the process input.
func archiveInput(in model.CreateArchiveInput) (schematype.RawJSON, error) {
	if !in.From.Before(in.To) {
		return nil, badInput("input.to", "must be after input.from")
	}
	if err := entarchive.FormatValidator(in.Format); err != nil {
		return nil, badInput("input.format", "must be JSONL_GZ or CSV_GZ")
	}
	if _, err := compileFilter("input.filter", in.Filter, filter.AuditEntries, time.Now()); err != nil {
		return nil, err
	}
	name := ""
	if in.Name != nil {
		name = strings.TrimSpace(*in.Name)
		if len(name) > 200 {
			return nil, badInput("input.name", "at most 200 characters")
		}
	}
	b, err := json.Marshal(jobs.ArchiveInput{
		Name: name, From: in.From.UTC(), To: in.To.UTC(), Format: string(in.Format), Filter: in.Filter,
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// scheduleInputError maps a *jobs.InputError to BAD_USER_INPUT (with the
// position of a bad filter, as everywhere).
func scheduleInputError(err error) error {
	var ie *jobs.InputError
	if !errors.As(err, &ie) {
		return err
	}
	var fe *filter.Error
	if errors.As(ie.Err, &fe) {
		return filterError(ie.Field, fe)
	}
	return badInput(ie.Field, ie.Msg)
}

// notFoundAs answers NOT_FOUND for an object that does not exist or that
// the viewer may not see (the privacy rules filter it out).
func notFoundAs(err error, msg string) error {
	if ent.IsNotFound(err) {
		return coded(CodeNotFound, msg)
	}
	return err
}

// offsetAfter turns a numbered page jump (offset) into the cursor of the
// entry just before it, for connections ordered by id, newest first.
func offsetAfter(offset *int, after *entgql.Cursor[string], first *int, idAt func(n int) (string, error)) (*entgql.Cursor[string], error) {
	if offset == nil || *offset == 0 {
		return after, nil
	}
	if *offset < 0 {
		return nil, badInput("offset", "must not be negative")
	}
	if after != nil {
		return nil, badInput("offset", "cannot be combined with after")
	}
	id, err := idAt(*offset - 1)
	if ent.IsNotFound(err) {
		return &entgql.Cursor[string]{ID: ""}, nil // past the end: an empty page
	}
	if err != nil {
		return nil, err
	}
	return &entgql.Cursor[string]{ID: id}, nil
}

func defaultFirst(first, last *int) *int {
	if first == nil && last == nil {
		n := defaultPageSize
		return &n
	}
	return first
}
