package jobs

import (
	"context"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/processlog"
)

// LogQuery asks for a page of a process's log, oldest first.
type LogQuery struct {
	ProcessID string
	// AfterSeq starts the page after that line (nil: at the first line).
	AfterSeq *int
	// Limit is the page's size.
	Limit int
	// Count also counts all the process's lines.
	Count bool
}

// LogPage is a page of a process's log.
type LogPage struct {
	Lines []*ent.ProcessLog
	// More says lines follow the page.
	More bool
	// Total is every line of the process, when the query asked to Count.
	Total int
}

// ReadLog reads a page of a process's log on c, as the viewer in ctx.
func ReadLog(ctx context.Context, c *ent.Client, q LogQuery) (*LogPage, error) {
	lines := c.ProcessLog.Query().Where(processlog.ProcessID(q.ProcessID))
	page := &LogPage{}
	if q.Count {
		total, err := lines.Clone().Count(ctx)
		if err != nil {
			return nil, err
		}
		page.Total = total
	}
	if q.AfterSeq != nil {
		lines.Where(processlog.SeqGT(*q.AfterSeq))
	}
	rows, err := lines.Order(processlog.BySeq()).Limit(q.Limit + 1).All(ctx)
	if err != nil {
		return nil, err
	}
	if len(rows) > q.Limit {
		rows, page.More = rows[:q.Limit], true
	}
	page.Lines = rows
	return page, nil
}
