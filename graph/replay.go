package graph

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/internal/audit"
)

// A replayed idempotency key answers the entry stored under it, which may
// have been recorded by another caller. Record reads it as the system, so
// the answer must go through the caller's own read rules: an entry the
// caller may read (a READ key, an ADMIN) is answered like any read of it;
// one it may not (an INGEST-only key) is sealed: only its id and its
// non-null fields are answered, every nullable field, at any depth, is null
// with FORBIDDEN at its path. Non-null fields cannot be nulled without
// nulling the whole answer; Record has checked that the replay carries the
// stored content, so they repeat what the caller sent, apart from the stored
// occurredAt, receivedAt and hash.

// ReplaySeal is the extension that enforces the seal. It must be installed
// on the handler serving NewSchema's schema (srv.Use(graph.ReplaySeal{}));
// without it recordAuditEntries refuses to answer sealed entries at all.
//
// It intercepts the fields of mutations only: only recordAuditEntries
// seals, and a page of a query resolves ~300 fields, each of which would
// otherwise pay a context lookup here (docs/performance.md).
type ReplaySeal struct{}

var (
	_ graphql.HandlerExtension        = ReplaySeal{}
	_ graphql.OperationContextMutator = ReplaySeal{}
)

func (ReplaySeal) ExtensionName() string                          { return "ReplaySeal" }
func (ReplaySeal) Validate(schema graphql.ExecutableSchema) error { return nil }

// MutateOperationContext puts interceptField in front of the field
// middleware of a mutation.
func (s ReplaySeal) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return nil
	}
	inner := oc.ResolverMiddleware
	oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
		return s.interceptField(ctx, func(ctx context.Context) (any, error) {
			if inner == nil {
				return next(ctx)
			}
			return inner(ctx, next)
		})
	}
	return nil
}

// interceptField gives each recordAuditEntries field a fresh set of sealed
// entries for its children, and denies the nullable fields under them.
func (ReplaySeal) interceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return next(ctx)
	}
	if fc.Object == "Mutation" && fc.Field.Name == ingestMutation {
		return next(context.WithValue(ctx, sealsKey{}, &seals{}))
	}
	s, _ := ctx.Value(sealsKey{}).(*seals)
	if s == nil || s.empty() || fc.Field.Definition == nil || fc.Field.Definition.Type.NonNull {
		return next(ctx)
	}
	if s.covers(fc.Parent) {
		return nil, sealedField(ctx)
	}
	return next(ctx)
}

const ingestMutation = "recordAuditEntries"

type sealsKey struct{}

// seals are the entries of one recordAuditEntries answer the caller may not
// read. The resolver fills the set before any field of an entry resolves.
type seals struct {
	mu      sync.RWMutex
	entries map[*ent.AuditEntry]bool
}

func (s *seals) add(e *ent.AuditEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries == nil {
		s.entries = map[*ent.AuditEntry]bool{}
	}
	s.entries[e] = true
}

func (s *seals) empty() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.entries) == 0
}

// covers reports whether fc, the context of a field's parent, lies within
// a sealed entry: the entry itself (a list element's context holds a
// pointer to the element) or any object below it (actor, changes).
func (s *seals) covers(fc *graphql.FieldContext) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for ; fc != nil; fc = fc.Parent {
		switch r := fc.Result.(type) {
		case *ent.AuditEntry:
			return s.entries[r]
		case **ent.AuditEntry:
			return r != nil && s.entries[*r]
		}
	}
	return false
}

// sealReplays seals the replayed entries of res the caller may not read.
// Readability is asked of the privacy layer with the caller's context, so
// it is exactly what the caller would get reading the entry by any query.
func (r *Resolver) sealReplays(ctx context.Context, res *audit.Result) error {
	var replayed []string
	for i, e := range res.Entries {
		if res.Replayed[i] {
			replayed = append(replayed, e.ID)
		}
	}
	if len(replayed) == 0 {
		return nil
	}
	readable, err := r.Client.AuditEntry.Query().Where(auditentry.IDIn(replayed...)).IDs(ctx)
	if err != nil {
		return fmt.Errorf("check replayed entries: %w", err)
	}
	canRead := make(map[string]bool, len(readable))
	for _, id := range readable {
		canRead[id] = true
	}
	s, _ := ctx.Value(sealsKey{}).(*seals)
	for i, e := range res.Entries {
		if !res.Replayed[i] || canRead[e.ID] {
			continue
		}
		if s == nil {
			return errors.New("replayed entries cannot be sealed: ReplaySeal is not installed")
		}
		s.add(e)
	}
	return nil
}

// sealedField is the error of a nullable field of a sealed entry.
func sealedField(ctx context.Context) *gqlerror.Error {
	name := "this field"
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		name = fc.Object + "." + fc.Field.Name
	}
	return &gqlerror.Error{
		Message:    name + ": the entry stored under this idempotency key is not readable by this caller",
		Path:       graphql.GetPath(ctx),
		Extensions: map[string]any{"code": CodeForbidden},
	}
}
