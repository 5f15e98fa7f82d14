package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/apikey"
	"github.com/trailmark/trailmark/ent/archive"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/invitation"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/schedule"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/ids"
)

// nodeTables maps the ent type in an ID's prefix to its table, for node(id).
var nodeTables = map[string]string{
	"Tenant":     tenant.Table,
	"User":       user.Table,
	"Membership": membership.Table,
	"Invitation": invitation.Table,
	"APIKey":     apikey.Table,
	"AuditEntry": auditentry.Table,
	"Process":    process.Table,
	"Schedule":   schedule.Table,
	"Archive":    archive.Table,
}

var errUnknownID = errors.New("unknown id")

func nodeTable(_ context.Context, id string) (string, error) {
	if t, ok := nodeTables[ids.TypeOf(id)]; ok {
		return t, nil
	}
	return "", errUnknownID
}

// resolveNodes loads nodes by global ID. An ID that does not exist, is not
// ours, or that the viewer may not see (privacy filters it out) resolves to
// nil without an error, so that the answer cannot tell them apart.
func resolveNodes(ctx context.Context, c *ent.Client, idList []string) ([]ent.Noder, error) {
	out := make([]ent.Noder, len(idList))
	byTable := map[string][]int{}
	for i, id := range idList {
		if t, err := nodeTable(ctx, id); err == nil {
			byTable[t] = append(byTable[t], i)
		}
	}
	for table, idx := range byTable {
		tableIDs := make([]string, len(idx))
		for j, i := range idx {
			tableIDs[j] = idList[i]
		}
		nodes, err := c.Noders(ctx, tableIDs, ent.WithFixedNodeType(table))
		if err != nil && !onlyNotFound(err) {
			return nil, fmt.Errorf("load %s nodes: %w", table, err)
		}
		for j, n := range nodes {
			if n != nil {
				out[idx[j]] = n
			}
		}
	}
	return out, nil
}

// onlyNotFound reports whether err (possibly joined) holds only not-found errors.
func onlyNotFound(err error) bool {
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range u.Unwrap() {
			if !onlyNotFound(e) {
				return false
			}
		}
		return true
	}
	return ent.IsNotFound(err)
}
