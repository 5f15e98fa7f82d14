package graph

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/apiarg"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/viewer"
)

// auditInput maps a GraphQL entry input to internal/audit's.
func auditInput(e *model.AuditEntryInput) audit.Input {
	in := audit.Input{
		IdempotencyKey: e.IdempotencyKey,
		OccurredAt:     e.OccurredAt,
		Action:         e.Action,
		ResourceType:   e.ResourceType,
		ResourceID:     e.ResourceID,
		ResourceName:   e.ResourceName,
		Workspace:      e.Workspace,
		Status:         e.Status,
		OldValue:       e.OldValue,
		NewValue:       e.NewValue,
		Metadata:       e.Metadata,
	}
	if a := e.Actor; a != nil {
		in.Actor = &audit.Actor{Type: a.Type, ID: a.ID, Name: a.Name, Email: a.Email}
	}
	if r := e.Request; r != nil {
		in.Request = &schematype.RequestInfo{
			Method: r.Method, Path: r.Path, OperationName: r.OperationName, Payload: r.Payload,
			SourceIP: r.SourceIP, UserAgent: r.UserAgent, HTTPStatus: r.HTTPStatus,
		}
	}
	return in
}

// validationErrors reports every field error of a batch: all but the last
// are added to the response, the last is returned (failing the field).
func validationErrors(ctx context.Context, err error) error {
	var ve *audit.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) == 0 {
		return err
	}
	for _, f := range ve.Fields[:len(ve.Fields)-1] {
		graphql.AddError(ctx, badInput(f.Field, f.Msg))
	}
	last := ve.Fields[len(ve.Fields)-1]
	return badInput(last.Field, last.Msg)
}

// conflictErrors reports every entry of a *audit.ConflictError as CONFLICT
// on its idempotencyKey: all but the last are added to the response, the
// last is returned. The message does not say which field differs.
func conflictErrors(ctx context.Context, err error) error {
	var ce *audit.ConflictError
	if !errors.As(err, &ce) || len(ce.Indexes) == 0 {
		return err
	}
	errs := make([]*gqlerror.Error, len(ce.Indexes))
	for i, idx := range ce.Indexes {
		field := fmt.Sprintf("entries[%d].idempotencyKey", idx)
		errs[i] = &gqlerror.Error{
			Message:    field + ": the entry stored under this key has other content; nothing of the batch was recorded",
			Extensions: map[string]any{"code": CodeConflict, "field": field},
		}
	}
	for _, e := range errs[:len(errs)-1] {
		graphql.AddError(ctx, e)
	}
	return errs[len(errs)-1]
}

// userActorIDs are the distinct user IDs among entries' USER actors.
func userActorIDs(entries []*ent.AuditEntry) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		if e.ActorType == schematype.ActorUser && e.ActorID != nil && ids.TypeOf(*e.ActorID) == "User" && !seen[*e.ActorID] {
			seen[*e.ActorID] = true
			out = append(out, *e.ActorID)
		}
	}
	return out
}

// shareTenant loads the one tenant of a recorded batch once and attaches it
// to every entry, so that selecting entries { tenant } costs one query. When
// the caller may not read the tenant the edge stays unloaded and each entry
// resolves it (and its error) on its own.
func shareTenant(ctx context.Context, c *ent.Client, tenantID string, entries []*ent.AuditEntry) {
	t, err := c.Tenant.Query().Where(tenant.ID(tenantID)).Only(ctx)
	if err != nil {
		return
	}
	for _, e := range entries {
		e.Edges.Tenant = t
	}
}

// auditLogOf is the one log (internal/ledger) an auditEntries query
// scoped by tenantID or platform can return entries of; "" when unscoped.
func auditLogOf(tenantID *string, platform *bool) string {
	switch {
	case platform != nil && *platform:
		return ledger.PlatformLog
	case tenantID != nil:
		return ledger.LogID(tenantID)
	}
	return ""
}

// scopeAuditQuery applies the tenantID and platform arguments. Visibility
// itself is the privacy layer's: a tenant the viewer may not read, or that
// does not exist, yields an empty connection either way.
func scopeAuditQuery(q *ent.AuditEntryQuery, tenantID *string, platform *bool) error {
	isPlatform := platform != nil && *platform
	switch {
	case isPlatform && tenantID != nil:
		return badInput("platform", "cannot be combined with tenantID")
	case isPlatform:
		q.Where(auditentry.TenantIDIsNil())
	case tenantID != nil:
		if ids.TypeOf(*tenantID) != "Tenant" {
			return badInput("tenantID", "not a tenant ID")
		}
		q.Where(auditentry.TenantID(*tenantID))
	}
	return nil
}

// filterAuditQuery applies the where input and the filter language.
func filterAuditQuery(q *ent.AuditEntryQuery, where *ent.AuditEntryWhereInput, src *string) error {
	if where != nil {
		p, err := where.P()
		if err != nil && !errors.Is(err, ent.ErrEmptyAuditEntryWhereInput) {
			return badInput("where", err.Error())
		}
		if p != nil {
			q.Where(p)
		}
	}
	if src == nil {
		return nil
	}
	p, err := auditFilters.Compile(*src, time.Now())
	if err != nil {
		return apiarg.FilterError("filter", err)
	}
	q.Where(p)
	return nil
}

// auditFilters keeps the compiled filter arguments of audit pages and
// facets: a client's next page sends the same text.
var auditFilters = filter.NewCache(filter.AuditEntries, 256)

// searchAuditQuery applies search to q through the search index of d
// (audit.IndexedSearch) and returns what totalCount counts: q before the
// search, the search, and — when the index can count the text — that
// count (audit.IndexedCount). logID is the one log q can return entries
// of, or "".
//
// For a text common in that log it may return a walk instead (pageWalk):
// q is then left without the search, which the page's walk applies, or
// puts back when the page cannot walk.
func searchAuditQuery(ctx context.Context, d *db.DB, q *ent.AuditEntryQuery, search *string, logID string) (auditCount, *pageWalk, error) {
	count := auditCount{q: q.Clone(), limit: countCapFor(search)}
	if search == nil {
		return count, nil, nil
	}
	if len(*search) > audit.MaxSearch {
		return auditCount{}, nil, badInput("search", "at most 200 characters")
	}
	// The index's statements run on the pool itself, not through the
	// client: they take a read slot, one for both, as the client's
	// queries do (db.ReadSlots).
	held, release, err := d.ReadSlots.Hold(ctx)
	if err != nil {
		return auditCount{}, nil, err
	}
	res, err := audit.IndexedSearch(held, d.SQL, d.Dialect, *search, logID)
	release()
	if err != nil {
		return auditCount{}, nil, err
	}
	if res.Where == nil {
		return count, nil, nil
	}
	var walk *pageWalk
	if res.Walk != nil {
		walk = &pageWalk{walk: res.Walk, search: res.Where}
	} else {
		q.Where(res.Where)
	}
	count.search = res.Where
	count.indexed, _ = audit.IndexedCount(d.Dialect, *search, count.limit)
	count.indexedLog, count.indexedMatches, count.indexedAll, count.indexedCommon = logID, res.Indexed, res.All, res.Common
	return count, walk, nil
}

// recordView queues audit_log.view for the tenants an auditEntries query
// read: the tenant asked for, the platform log, or (without either) the
// tenants of the entries returned.
func (r *Resolver) recordView(ctx context.Context, tenantID *string, platform *bool, nodes []*ent.AuditEntry) {
	if r.Views == nil {
		return
	}
	v := viewer.FromContext(ctx)
	if v.Kind == viewer.Anonymous || v.Kind == viewer.System {
		return
	}
	var tenants []*string
	switch {
	case platform != nil && *platform:
		if rule.SeesEverything(v) {
			tenants = []*string{nil}
		}
	case tenantID != nil:
		// Only tenants the viewer belongs to (or administers as a platform
		// admin): a probe of someone else's tenant reads nothing of it.
		if rule.BelongsTo(v, *tenantID) {
			tenants = []*string{tenantID}
		}
	default:
		seen := map[string]bool{}
		for _, n := range nodes {
			if n.TenantID != nil && !seen[*n.TenantID] {
				seen[*n.TenantID] = true
				tenants = append(tenants, n.TenantID)
			}
		}
	}
	if len(tenants) == 0 {
		return
	}
	// What was read (the arguments that choose and order entries) tells
	// reads apart; the page does not, so paging through one filter folds
	// into one window (docs/api.md).
	details, paging := map[string]any{}, map[string]any{}
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		args := fc.Field.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
		for _, k := range []string{"tenantID", "platform", "filter", "where", "search", "orderBy"} {
			if a, ok := args[k]; ok && a != nil {
				details[k] = a
			}
		}
		for _, k := range []string{"first", "last", "offset"} {
			if a, ok := args[k]; ok && a != nil {
				paging[k] = a
			}
		}
	}
	r.Views.Record(v, audit.View{TenantIDs: tenants, Details: details, Paging: paging})
}

// facetsModel maps facet counts to the GraphQL type.
func facetsModel(f *audit.FacetCounts) *model.AuditFacets {
	counts := func(in []audit.Count) []*model.FacetCount {
		out := make([]*model.FacetCount, len(in))
		for i, c := range in {
			out[i] = &model.FacetCount{Value: c.Value, Count: c.Count}
		}
		return out
	}
	days := make([]*model.DayCount, len(f.ByDay))
	for i, c := range f.ByDay {
		days[i] = &model.DayCount{Day: c.Value, Count: c.Count}
	}
	return &model.AuditFacets{
		Total:          f.Total,
		ByAction:       counts(f.ByAction),
		ByResourceType: counts(f.ByResourceType),
		ByActor:        counts(f.ByActor),
		ByStatus:       counts(f.ByStatus),
		ByDay:          days,
	}
}

// record stores an ingested batch through the group-commit writer when the
// server has one.
func (r *Resolver) record(ctx context.Context, prepared []audit.Entry) (*audit.Result, error) {
	if r.Writer == nil {
		return audit.Record(ctx, r.Client, prepared)
	}
	return r.Writer.Record(ctx, prepared)
}
