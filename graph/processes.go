package graph

import (
	"context"
	"strconv"

	"entgo.io/contrib/entgql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/txn"
	"github.com/trailmark/trailmark/internal/viewer"
)

// initiatorOf is the actor starting a process: the caller.
func initiatorOf(ctx context.Context) audit.Actor {
	return audit.ActorOf(viewer.FromContext(ctx))
}

// startProcess queues a process for the caller and wakes the runners.
func (r *Resolver) startProcess(ctx context.Context, spec jobs.Spec) (*ent.Process, error) {
	p, err := txn.Value(ctx, r.Client, func(tx *ent.Tx) (*ent.Process, error) {
		return jobs.Create(ctx, tx.Client(), spec)
	})
	if err != nil {
		return nil, err
	}
	jobs.Announce(ctx, r.Broker, r.Log, jobs.Notice{Tenant: p.TenantID, ID: p.ID, Queued: true})
	return p, nil
}

// logConnection is a page of a process's log as Process.logs; a line's
// cursor is its seq.
func logConnection(page *jobs.LogPage, after bool) *model.ProcessLogConnection {
	conn := &model.ProcessLogConnection{PageInfo: &entgql.PageInfo[string]{}, TotalCount: page.Total}
	conn.PageInfo.HasNextPage = page.More
	conn.PageInfo.HasPreviousPage = after
	for _, l := range page.Lines {
		conn.Edges = append(conn.Edges, &model.ProcessLogEdge{Node: l, Cursor: entgql.Cursor[string]{ID: strconv.Itoa(l.Seq)}})
	}
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(conn.Edges)-1].Cursor
	}
	return conn
}
