package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/apikey"
	"github.com/trailmark/trailmark/ent/archive"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/invitation"
	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/schedule"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/ids"
)

// nodeQueries load the nodes of one type by ID, with the fields the
// operation selects collected (edges eager-loaded). A missing or invisible
// ID is simply absent from the result. (ent's Noders would add a NOT_FOUND
// error to the response for each of them.)
var nodeQueries = map[string]func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error){
	"Tenant": func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
		return collectAll(ctx, c.Tenant.Query().Where(tenant.IDIn(ids...)), "Tenant")
	},
	"User": func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
		return collectAll(ctx, c.User.Query().Where(user.IDIn(ids...)), "User")
	},
	"Membership": func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
		return collectAll(ctx, c.Membership.Query().Where(membership.IDIn(ids...)), "Membership")
	},
	"Invitation": func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
		return collectAll(ctx, c.Invitation.Query().Where(invitation.IDIn(ids...)), "Invitation")
	},
	"APIKey": func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
		return collectAll(ctx, c.APIKey.Query().Where(apikey.IDIn(ids...)), "APIKey")
	},
	"AuditEntry": func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
		return collectAll(ctx, c.AuditEntry.Query().Where(auditentry.IDIn(ids...)), "AuditEntry")
	},
	"Process": func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
		return collectAll(ctx, c.Process.Query().Where(process.IDIn(ids...)), "Process")
	},
	"Schedule": func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
		return collectAll(ctx, c.Schedule.Query().Where(schedule.IDIn(ids...)), "Schedule")
	},
	"Archive": func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
		return collectAll(ctx, c.Archive.Query().Where(archive.IDIn(ids...)), "Archive")
	},
	"LogStream": func(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
		return collectAll(ctx, c.LogStream.Query().Where(logstream.IDIn(ids...)), "LogStream")
	},
}

// collectable is an ent query whose selected fields can be collected.
type collectable[Q any, T ent.Noder] interface {
	CollectFields(ctx context.Context, satisfies ...string) (Q, error)
	All(ctx context.Context) ([]T, error)
}

func collectAll[Q collectable[Q, T], T ent.Noder](ctx context.Context, q Q, typ string) ([]ent.Noder, error) {
	q, err := q.CollectFields(ctx, typ, "Node")
	if err != nil {
		return nil, err
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ent.Noder, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, nil
}

// resolveNodes loads nodes by global ID, one query per type. An ID that
// does not exist, is not ours, or that the viewer may not see (privacy
// filters it out) resolves to nil without an error, so that the answer
// cannot tell them apart.
func resolveNodes(ctx context.Context, c *ent.Client, idList []string) ([]ent.Noder, error) {
	out := make([]ent.Noder, len(idList))
	byType := map[string][]string{}
	for _, id := range idList {
		if typ := ids.TypeOf(id); nodeQueries[typ] != nil && !slices.Contains(byType[typ], id) {
			byType[typ] = append(byType[typ], id)
		}
	}
	found := map[string]ent.Noder{}
	for typ, typeIDs := range byType {
		nodes, err := nodeQueries[typ](ctx, c, typeIDs)
		if err != nil && !ent.IsNotFound(err) && !errors.Is(err, privacy.Deny) {
			return nil, fmt.Errorf("load %s nodes: %w", typ, err)
		}
		for _, n := range nodes {
			found[nodeID(n)] = n
		}
	}
	for i, id := range idList {
		out[i] = found[id]
	}
	return out, nil
}

// nodeID is the ID of a node loaded by nodeQueries.
func nodeID(n ent.Noder) string {
	switch x := n.(type) {
	case *ent.Tenant:
		return x.ID
	case *ent.User:
		return x.ID
	case *ent.Membership:
		return x.ID
	case *ent.Invitation:
		return x.ID
	case *ent.APIKey:
		return x.ID
	case *ent.AuditEntry:
		return x.ID
	case *ent.Process:
		return x.ID
	case *ent.Schedule:
		return x.ID
	case *ent.Archive:
		return x.ID
	case *ent.LogStream:
		return x.ID
	}
	return ""
}
