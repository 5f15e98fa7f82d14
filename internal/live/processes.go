package live

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/processlog"
	"github.com/trailmark/trailmark/internal/pubsub"
)

// processNotice and logNotice mirror jobs.Notice and jobs.LogNotice (jobs
// imports this package for the topic names).
type processNotice struct {
	Tenant string `json:"t"`
	ID     string `json:"id"`
}

type logNotice struct {
	Process string `json:"p"`
	Seq     int    `json:"s"`
}

// ProcessUpdates streams the processes of tenantID (or only process id,
// first as it is now) each time one changes, reloaded through ent with the viewer of ctx. Rapid
// changes are coalesced: a subscriber gets the latest state, not every step.
func ProcessUpdates(ctx context.Context, c *ent.Client, b pubsub.Broker, tenantID string, id *string, fail func(error)) <-chan *ent.Process {
	out := make(chan *ent.Process)
	sub := b.Subscribe(TopicProcesses)
	go func() {
		defer close(out)
		defer sub.Close()
		pending := map[string]bool{}
		if id != nil {
			// One process: send it as it is first. A subscriber that read
			// it just before subscribing would otherwise miss a change made
			// in between (a process that finished meanwhile stayed
			// "running" on its page); the sub above already hears later ones.
			pending[*id] = true
		}
		// since is when this subscription last knew it was in sync: a
		// resync reloads every process changed after it (see resyncSince).
		since := time.Now()
		for {
			if len(pending) == 0 {
				select {
				case m, ok := <-sub.C:
					if !ok {
						return
					}
					addProcessNotice(pending, m, tenantID, id)
				case <-sub.Resync:
					if id != nil {
						pending[*id] = true
						continue
					}
					now := time.Now()
					if err := changedSince(ctx, c, tenantID, since, pending); err != nil {
						if ctx.Err() == nil && fail != nil {
							fail(fmt.Errorf("resync processes: %w", err))
						}
						return
					}
					since = now
				case <-ctx.Done():
					return
				}
				continue
			}
			// Take whatever else arrived before loading.
			drained := false
			for !drained {
				select {
				case m, ok := <-sub.C:
					if !ok {
						return
					}
					addProcessNotice(pending, m, tenantID, id)
				default:
					drained = true
				}
			}
			ids := make([]string, 0, len(pending))
			for pid := range pending {
				ids = append(ids, pid)
			}
			clear(pending)
			rows, err := c.Process.Query().Where(process.IDIn(ids...), process.TenantID(tenantID)).
				Order(process.ByID()).All(ctx)
			if err != nil {
				if ctx.Err() == nil && fail != nil {
					fail(fmt.Errorf("load processes: %w", err))
				}
				return
			}
			for _, p := range rows {
				select {
				case out <- p:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// resyncMargin widens a resync's window for clocks of other replicas,
// which stamped the times it compares.
const resyncMargin = time.Minute

// changedSince adds to pending the processes of tenantID that may have
// changed since t (notices may have been missed): the unfinished ones, whose
// progress moves, and those created, started or finished after t. A process
// sent twice is harmless; a subscriber keeps the latest state.
func changedSince(ctx context.Context, c *ent.Client, tenantID string, t time.Time, pending map[string]bool) error {
	t = t.Add(-resyncMargin)
	ids, err := c.Process.Query().Where(process.TenantID(tenantID), process.Or(
		process.StatusIn(process.StatusQUEUED, process.StatusRUNNING),
		process.CreatedAtGTE(t), process.StartedAtGTE(t), process.FinishedAtGTE(t),
	)).IDs(ctx)
	for _, id := range ids {
		pending[id] = true
	}
	return err
}

func addProcessNotice(pending map[string]bool, m pubsub.Message, tenantID string, id *string) {
	var n processNotice
	if json.Unmarshal(m.Payload, &n) != nil || n.Tenant != tenantID || (id != nil && n.ID != *id) {
		return
	}
	pending[n.ID] = true
}

// ProcessLogs streams a process's log lines with seq > afterSeq: first the
// stored ones, then new ones as they are stored. Lines are always read from
// the database after the last one sent, so none is skipped or sent twice,
// whatever notices arrive or get lost. The stream ends (complete) once the
// process has finished and its last line is sent.
func ProcessLogs(ctx context.Context, c *ent.Client, b pubsub.Broker, processID string, afterSeq int, fail func(error)) <-chan *ent.ProcessLog {
	out := make(chan *ent.ProcessLog)
	// Subscribe before the first read, so a line stored in between is
	// announced to us.
	sub := b.Subscribe(TopicProcessLogs, TopicProcesses)
	go func() {
		defer close(out)
		defer sub.Close()
		last := afterSeq
		for {
			// Read the process state first: if it had finished, every
			// line was stored before, and the read below gets them all.
			p, err := c.Process.Get(ctx, processID)
			if err != nil {
				if ctx.Err() == nil && fail != nil {
					fail(fmt.Errorf("load process: %w", err))
				}
				return
			}
			finished := p.Status != process.StatusQUEUED && p.Status != process.StatusRUNNING
			for {
				rows, err := c.ProcessLog.Query().Where(processlog.ProcessID(processID), processlog.SeqGT(last)).
					Order(processlog.BySeq()).Limit(500).All(ctx)
				if err != nil {
					if ctx.Err() == nil && fail != nil {
						fail(fmt.Errorf("load log lines: %w", err))
					}
					return
				}
				for _, l := range rows {
					select {
					case out <- l:
						last = l.Seq
					case <-ctx.Done():
						return
					}
				}
				if len(rows) < 500 {
					break
				}
			}
			if finished {
				return
			}
			// Wait for news of this process.
			for waiting := true; waiting; {
				select {
				case m, ok := <-sub.C:
					if !ok {
						return
					}
					var ln logNotice
					var pn processNotice
					switch m.Topic {
					case TopicProcessLogs:
						waiting = json.Unmarshal(m.Payload, &ln) != nil || ln.Process != processID || ln.Seq <= last
					case TopicProcesses:
						waiting = json.Unmarshal(m.Payload, &pn) != nil || pn.ID != processID
					}
				case <-sub.Resync:
					waiting = false
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}
