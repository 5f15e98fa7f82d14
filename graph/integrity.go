package graph

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"entgo.io/contrib/entgql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/viewer"
)

// Tamper evidence in the API (docs/api.md "Tamper evidence"): AuditEntry.seq
// and inclusionProof follow the entry (whoever reads the entry reads its
// proof, which holds only hashes); a log's checkpoints and consistency
// proofs need a tenant-wide AUDITOR or above (a READ key reads as one), and
// the platform log's a platform admin.

// signedIn answers UNAUTHENTICATED for an anonymous viewer.
func signedIn(ctx context.Context) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v.Kind == viewer.Anonymous {
		return nil, coded(CodeUnauthenticated, "sign in or send an API key")
	}
	return v, nil
}

// readableLog resolves the log a checkpoint query names and checks that the
// viewer may read its checkpoints: NOT_FOUND for a tenant the viewer cannot
// see (as if it did not exist), FORBIDDEN below a tenant-wide AUDITOR, and
// the platform log for platform admins only. Without tenantID the log is
// the viewer's one tenant (an API key's own); a viewer of several tenants
// must name one.
func (r *Resolver) readableLog(ctx context.Context, tenantID *string, platform *bool) (string, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return "", err
	}
	if platform != nil && *platform {
		if tenantID != nil {
			return "", badInput("platform", "cannot be combined with tenantID")
		}
		if !rule.SeesEverything(v) {
			return "", coded(CodeForbidden, "the platform log's checkpoints are for platform admins")
		}
		return ledger.PlatformLog, nil
	}
	if tenantID == nil {
		id, err := defaultTenant(v)
		if err != nil {
			return "", err
		}
		tenantID = &id
	}
	if ids.TypeOf(*tenantID) != "Tenant" {
		return "", badInput("tenantID", "not a tenant ID")
	}
	if err := r.checkTenantVisible(ctx, tenantID); err != nil {
		return "", err
	}
	if !rule.HasTenantRole(v, *tenantID, viewer.Auditor) {
		return "", coded(CodeForbidden, "reading a tenant's checkpoints needs AUDITOR or above over the whole tenant, or an API key with READ")
	}
	return ledger.LogID(tenantID), nil
}

// defaultTenant is the tenant a checkpoint query without tenantID reads:
// the viewer's only tenant.
func defaultTenant(v *viewer.Viewer) (string, error) {
	if !rule.SeesEverything(v) {
		if ts := slices.Compact(slices.Sorted(slices.Values(rule.MemberOf(v)))); len(ts) == 1 {
			return ts[0], nil
		}
	}
	return "", badInput("tenantID", "required: name the tenant whose log to read (or platform: true)")
}

// checkpointCursor is the cursor of a checkpoint: its tree size.
func checkpointCursor(size int64) entgql.Cursor[string] {
	return entgql.Cursor[string]{ID: strconv.FormatInt(size, 10)}
}

func cursorSize(field string, c *entgql.Cursor[string]) (int64, error) {
	if c == nil {
		return 0, nil
	}
	n, err := strconv.ParseInt(c.ID, 10, 64)
	if err != nil || n < 0 {
		return 0, badInput(field, "not a cursor of this connection")
	}
	return n, nil
}

// checkpointConnection pages a log's checkpoints newest (largest tree)
// first: after = smaller trees than the cursor's, before = larger ones.
func (r *Resolver) checkpointConnection(ctx context.Context, logID string, first, last *int, after, before *entgql.Cursor[string]) (*model.CheckpointConnection, error) {
	if err := checkPageSize(first, last); err != nil {
		return nil, err
	}
	below, err := cursorSize("after", after)
	if err != nil {
		return nil, err
	}
	above, err := cursorSize("before", before)
	if err != nil {
		return nil, err
	}
	conn := &model.CheckpointConnection{PageInfo: &entgql.PageInfo[string]{}}
	first = defaultFirst(first, last)
	var cps []*ledger.Checkpoint
	switch {
	case first != nil:
		if cps, err = r.Ledger.CheckpointPage(ctx, logID, above, below, *first+1, false); err != nil {
			return nil, err
		}
		if len(cps) > *first {
			cps, conn.PageInfo.HasNextPage = cps[:*first], true
		}
		if last != nil && len(cps) > *last {
			cps, conn.PageInfo.HasPreviousPage = cps[len(cps)-*last:], true
		}
	default:
		if cps, err = r.Ledger.CheckpointPage(ctx, logID, above, below, *last+1, true); err != nil {
			return nil, err
		}
		if len(cps) > *last {
			cps, conn.PageInfo.HasPreviousPage = cps[:*last], true
		}
		slices.Reverse(cps)
	}
	if fieldSelected(ctx, "totalCount") {
		if conn.TotalCount, err = r.Ledger.CountCheckpoints(ctx, logID); err != nil {
			return nil, err
		}
	}
	for _, c := range cps {
		conn.Edges = append(conn.Edges, &model.CheckpointEdge{Node: c, Cursor: checkpointCursor(c.TreeSize)})
	}
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(conn.Edges)-1].Cursor
	}
	return conn, nil
}

// entrySeq is an entry's seq (nil until sequenced), batched per response.
func (r *Resolver) entrySeq(ctx context.Context, e *ent.AuditEntry) (*int64, error) {
	return loadersFrom(ctx, r.Client, r.Ledger).seqs.Load(ctx, e.ID)
}

// inclusionProof proves an entry the viewer already reads; nil while it is
// unsequenced or outside the tree asked for (by default the latest
// checkpoint's). The entries of a response share one prover per tree.
func (r *Resolver) inclusionProof(ctx context.Context, e *ent.AuditEntry, treeSize *int) (*ledger.InclusionProof, error) {
	var size int64
	if treeSize != nil {
		if *treeSize < 1 {
			return nil, badInput("treeSize", "must be at least 1")
		}
		size = int64(*treeSize)
	}
	seq, err := r.entrySeq(ctx, e)
	if err != nil || seq == nil {
		return nil, err
	}
	prover, err := loadersFrom(ctx, r.Client, r.Ledger).proofs.Get(ctx, ledger.LogID(e.TenantID), size)
	var p *ledger.InclusionProof
	if err == nil {
		p, err = prover.Prove(*seq)
	}
	switch {
	case errors.Is(err, ledger.ErrNoCheckpoint), errors.Is(err, ledger.ErrNotSequenced):
		return nil, nil
	case errors.Is(err, ledger.ErrBadSize):
		return nil, badInput("treeSize", err.Error())
	case err != nil:
		return nil, err
	}
	return p, nil
}

// consistencyProof proves that a log's tree of toSize (default: the latest
// checkpoint's) extends its tree of fromSize.
func (r *Resolver) consistencyProof(ctx context.Context, logID string, fromSize int, toSize *int) (*ledger.ConsistencyProof, error) {
	if fromSize < 1 {
		return nil, badInput("fromSize", "must be at least 1")
	}
	var to int64
	if toSize != nil {
		if *toSize < fromSize {
			return nil, badInput("toSize", "must be at least fromSize")
		}
		to = int64(*toSize)
	}
	p, err := r.Ledger.Consistency(ctx, logID, int64(fromSize), to)
	switch {
	case errors.Is(err, ledger.ErrNoCheckpoint):
		return nil, nil
	case errors.Is(err, ledger.ErrBadSize) && toSize != nil:
		return nil, badInput("toSize", err.Error())
	case errors.Is(err, ledger.ErrBadSize):
		return nil, badInput("fromSize", err.Error())
	case err != nil:
		return nil, err
	}
	return p, nil
}

func entryIDs(es []*ent.AuditEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
