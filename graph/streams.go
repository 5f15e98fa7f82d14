package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/logstreamdelivery"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/pubsub"
	"github.com/trailmark/trailmark/internal/selfaudit"
	"github.com/trailmark/trailmark/internal/streams"
	"github.com/trailmark/trailmark/internal/txn"
	"github.com/trailmark/trailmark/internal/viewer"
)

// Defaults and bounds of LogStreamInput (the ent schema enforces the same).
const (
	defaultRotateOverlap = 24 * time.Hour
	maxRotateOverlap     = 7 * 24 * time.Hour
)

// streamLog says which log a stream call is about: a tenant's, or the
// platform log (platform: true, platform admins only).
func (r *Resolver) streamLog(ctx context.Context, tenantID *string, platform *bool) (*string, error) {
	return r.whichLog(ctx, tenantID, platform, "the platform log's streams are for platform admins")
}

// whichLog says which log a call with tenantID or platform: true is about:
// a tenant the viewer may see, or the platform log (nil), for platform
// admins only (forbidden says why to anyone else).
func (r *Resolver) whichLog(ctx context.Context, tenantID *string, platform *bool, forbidden string) (*string, error) {
	isPlatform := platform != nil && *platform
	switch {
	case isPlatform && tenantID != nil:
		return nil, badInput("platform", "give tenantID or platform: true, not both")
	case isPlatform:
		if !rule.SeesEverything(viewer.FromContext(ctx)) {
			if viewer.FromContext(ctx).Kind == viewer.Anonymous {
				return nil, coded(CodeUnauthenticated, "sign in required")
			}
			return nil, coded(CodeForbidden, forbidden)
		}
		return nil, nil
	case tenantID == nil:
		return nil, badInput("tenantID", "give tenantID, or platform: true for the platform log")
	}
	if err := r.checkTenantVisible(ctx, tenantID); err != nil {
		return nil, err
	}
	return tenantID, nil
}

// readableStreamLog is streamLog for reading a log's streams (the
// logStreams query and the logStreamChanged/logStreamUpdated
// subscriptions): a tenant's streams need a tenant-wide ADMIN or OWNER there,
// as Tenant.logStreams' @hasRole(role: ADMIN). The query rule of LogStream
// alone would list nothing to an AUDITOR while the subscriptions refused
// one; every read of the list says FORBIDDEN alike (node(id) of one stream
// stays a filter: null, as any object the viewer may not see).
func (r *Resolver) readableStreamLog(ctx context.Context, tenantID *string, platform *bool) (*string, error) {
	t, err := r.streamLog(ctx, tenantID, platform)
	if err != nil {
		return nil, err
	}
	if t != nil && !rule.HasTenantRole(viewer.FromContext(ctx), *t, viewer.Admin) {
		return nil, coded(CodeForbidden, "log streams need a tenant-wide ADMIN")
	}
	return t, nil
}

// streamInputError maps a refused destination setting to BAD_USER_INPUT.
func streamInputError(err error) error {
	var fe *streams.FieldError
	if errors.As(err, &fe) {
		return badInput("input."+fe.Field, fe.Msg)
	}
	return err
}

func headersOf(in []*model.HeaderInput) []schematype.StreamHeader {
	out := make([]schematype.StreamHeader, 0, len(in))
	for _, h := range in {
		out = append(out, schematype.StreamHeader{Name: strings.TrimSpace(h.Name), Value: h.Value})
	}
	return out
}

// checkStreamFields validates the settings ent would refuse with a less
// helpful message.
func checkStreamFields(name *string, filterText *string, batchSize, maxDelay *int, options []byte) error {
	if name != nil && (strings.TrimSpace(*name) == "" || len(*name) > 200) {
		return badInput("input.name", "name must be 1 to 200 characters")
	}
	if batchSize != nil && (*batchSize < 1 || *batchSize > 1000) {
		return badInput("input.batchSize", "batchSize must be between 1 and 1000")
	}
	if maxDelay != nil && (*maxDelay < 0 || *maxDelay > 3600) {
		return badInput("input.maxDelaySeconds", "maxDelaySeconds must be between 0 and 3600")
	}
	if filterText != nil && *filterText != "" {
		if len(*filterText) > 10000 {
			return badInput("input.filter", "filter is too long")
		}
		if _, err := compileFilter("input.filter", filterText, filter.AuditEntries, time.Now()); err != nil {
			return err
		}
	}
	if len(options) > 0 && string(options) != "null" {
		var m map[string]any
		if json.Unmarshal(options, &m) != nil {
			return badInput("input.options", "options must be a JSON object")
		}
	}
	return nil
}

// scrubHeaderValues returns ctx whose viewer's request variables hold no
// header values: the self-audit entry records the variables (secret-named
// keys redacted), and a header value is a secret under any name.
func scrubHeaderValues(ctx context.Context) context.Context {
	v := viewer.FromContext(ctx)
	if v.Request == nil || v.Request.Variables == nil {
		return ctx
	}
	cp := *v
	req := *v.Request
	req.Variables, _ = scrubHeaders(v.Request.Variables).(map[string]any)
	cp.Request = &req
	return viewer.NewContext(ctx, &cp)
}

func scrubHeaders(x any) any {
	switch t := x.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			if k == "headers" {
				if list, ok := val.([]any); ok {
					redacted := make([]any, len(list))
					for i, h := range list {
						if hm, ok := h.(map[string]any); ok {
							c := make(map[string]any, len(hm))
							for hk, hv := range hm {
								c[hk] = hv
							}
							c["value"] = selfaudit.Redacted
							redacted[i] = c
						} else {
							redacted[i] = selfaudit.Redacted
						}
					}
					out[k] = redacted
					continue
				}
			}
			out[k] = scrubHeaders(val)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, v := range t {
			out[i] = scrubHeaders(v)
		}
		return out
	}
	return x
}

// loadStream reads a stream the viewer may see, or NOT_FOUND.
func (r *Resolver) loadStream(ctx context.Context, id string) (*ent.LogStream, error) {
	s, err := r.Client.LogStream.Get(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, "log stream not found")
	}
	return s, nil
}

// announceStream tells logStreamUpdated subscribers about a change.
func (r *Resolver) announceStream(ctx context.Context, s *ent.LogStream, deleted bool) {
	if r.Broker != nil {
		streams.Announce(ctx, r.Broker, r.Log, s, deleted)
	}
}

// newStream creates a stream and returns it with its signing secret.
func (r *Resolver) newStream(ctx context.Context, tenantID *string, in model.LogStreamInput) (*model.LogStreamSecretPayload, error) {
	if err := checkStreamFields(&in.Name, in.Filter, in.BatchSize, in.MaxDelaySeconds, in.Options); err != nil {
		return nil, err
	}
	format := logstream.FormatJSONL
	if in.Format != nil {
		format = *in.Format
	}
	headers := headersOf(in.Headers)
	if err := r.Streams.Policy().Check(streams.Config{Kind: in.Kind, Endpoint: in.Endpoint, Token: in.Token,
		Headers: headers, Format: format, Options: in.Options}); err != nil {
		return nil, streamInputError(err)
	}
	secret := streams.NewSecret()
	actor := audit.ActorOf(viewer.FromContext(ctx))
	ctx = scrubHeaderValues(ctx)
	s, err := txn.Value(ctx, r.Client, func(tx *ent.Tx) (*ent.LogStream, error) {
		c := tx.LogStream.Create().SetNillableTenantID(tenantID).SetName(strings.TrimSpace(in.Name)).
			SetKind(in.Kind).SetEndpoint(in.Endpoint).SetFormat(format).SetSecret(secret).
			SetHeaders(headers).SetCreatedByType(actor.Type).SetNillableCreatedByID(actor.ID).
			SetNillableCreatedByName(actor.Name).SetNillableCreatedByEmail(actor.Email)
		if in.Token != nil && *in.Token != "" {
			c.SetToken(*in.Token)
		}
		if in.Filter != nil && *in.Filter != "" {
			c.SetFilterText(*in.Filter)
		}
		if in.BatchSize != nil {
			c.SetBatchSize(*in.BatchSize)
		}
		if in.MaxDelaySeconds != nil {
			c.SetMaxDelaySeconds(*in.MaxDelaySeconds)
		}
		if len(in.Options) > 0 && string(in.Options) != "null" {
			c.SetOptions(in.Options)
		}
		return c.Save(ctx)
	})
	if err != nil {
		return nil, err
	}
	r.announceStream(ctx, s, false)
	return &model.LogStreamSecretPayload{LogStream: s, Secret: secret}, nil
}

// changeStream applies an UpdateLogStreamInput.
func (r *Resolver) changeStream(ctx context.Context, id string, in model.UpdateLogStreamInput) (*ent.LogStream, error) {
	if err := checkStreamFields(in.Name, in.Filter, in.BatchSize, in.MaxDelaySeconds, in.Options); err != nil {
		return nil, err
	}
	cur, err := r.loadStream(ctx, id)
	if err != nil {
		return nil, err
	}
	cfg := streams.Config{Kind: cur.Kind, Endpoint: cur.Endpoint, Token: cur.Token, Headers: cur.Headers,
		Format: cur.Format, Options: cur.Options}
	if in.Endpoint != nil {
		cfg.Endpoint = *in.Endpoint
	}
	if in.Token != nil {
		cfg.Token = in.Token
	}
	if in.Headers != nil {
		cfg.Headers = headersOf(in.Headers)
	}
	if in.Format != nil {
		cfg.Format = *in.Format
	}
	if in.Options != nil {
		cfg.Options = in.Options
	}
	if err := r.Streams.Policy().Check(cfg); err != nil {
		return nil, streamInputError(err)
	}
	ctx = scrubHeaderValues(ctx)
	s, err := txn.Value(ctx, r.Client, func(tx *ent.Tx) (*ent.LogStream, error) {
		u := tx.LogStream.UpdateOneID(id).SetUpdatedAt(time.Now())
		if in.Name != nil {
			u.SetName(strings.TrimSpace(*in.Name))
		}
		if in.Endpoint != nil {
			u.SetEndpoint(*in.Endpoint)
		}
		if in.Token != nil {
			if *in.Token == "" {
				u.ClearToken()
			} else {
				u.SetToken(*in.Token)
			}
		}
		if in.Headers != nil {
			u.SetHeaders(cfg.Headers)
		}
		if in.Filter != nil {
			if *in.Filter == "" {
				u.ClearFilterText()
			} else {
				u.SetFilterText(*in.Filter)
			}
		}
		if in.Format != nil {
			u.SetFormat(*in.Format)
		}
		if in.BatchSize != nil {
			u.SetBatchSize(*in.BatchSize)
		}
		if in.MaxDelaySeconds != nil {
			u.SetMaxDelaySeconds(*in.MaxDelaySeconds)
		}
		if in.Options != nil {
			if string(in.Options) == "null" {
				u.ClearOptions()
			} else {
				u.SetOptions(in.Options)
			}
		}
		return u.Save(ctx)
	})
	if err != nil {
		return nil, notFoundAs(err, "log stream not found")
	}
	r.announceStream(ctx, s, false)
	return s, nil
}

// setStreamStatus pauses (PAUSED) or resumes (PENDING) a stream. Resuming
// clears the failure state: delivery restarts at once, from the cursor.
func (r *Resolver) setStreamStatus(ctx context.Context, id string, pause bool) (*ent.LogStream, error) {
	cur, err := r.loadStream(ctx, id)
	if err != nil {
		return nil, err
	}
	if pause == (cur.Status == logstream.StatusPAUSED) {
		return cur, nil // nothing changes, nothing to record
	}
	s, err := txn.Value(ctx, r.Client, func(tx *ent.Tx) (*ent.LogStream, error) {
		u := tx.LogStream.UpdateOneID(id)
		if pause {
			u.SetStatus(logstream.StatusPAUSED)
		} else {
			u.SetStatus(logstream.StatusPENDING).SetFailures(0).ClearFailingSince().ClearNextAttemptAt()
		}
		return u.Save(ctx)
	})
	if err != nil {
		return nil, notFoundAs(err, "log stream not found")
	}
	r.announceStream(ctx, s, false)
	return s, nil
}

// rotateSecret gives a stream a new signing secret; the old one keeps
// signing for the overlap.
func (r *Resolver) rotateSecret(ctx context.Context, id string, overlapSeconds *int) (*model.LogStreamSecretPayload, error) {
	overlap := defaultRotateOverlap
	if overlapSeconds != nil {
		if *overlapSeconds < 0 || time.Duration(*overlapSeconds)*time.Second > maxRotateOverlap {
			return nil, badInput("overlapSeconds", "overlapSeconds must be between 0 and 604800")
		}
		overlap = time.Duration(*overlapSeconds) * time.Second
	}
	cur, err := r.loadStream(ctx, id)
	if err != nil {
		return nil, err
	}
	secret := streams.NewSecret()
	s, err := txn.Value(ctx, r.Client, func(tx *ent.Tx) (*ent.LogStream, error) {
		u := tx.LogStream.UpdateOneID(id).SetSecret(secret).SetUpdatedAt(time.Now())
		if overlap > 0 {
			u.SetPreviousSecret(cur.Secret).SetPreviousSecretExpiresAt(time.Now().Add(overlap))
		} else {
			u.ClearPreviousSecret().ClearPreviousSecretExpiresAt()
		}
		return u.Save(ctx)
	})
	if err != nil {
		return nil, notFoundAs(err, "log stream not found")
	}
	r.announceStream(ctx, s, false)
	return &model.LogStreamSecretPayload{LogStream: s, Secret: secret}, nil
}

// testStream sends a test event and records log_stream.test.
func (r *Resolver) testStream(ctx context.Context, id string) (*ent.LogStreamDelivery, error) {
	s, err := r.loadStream(ctx, id)
	if err != nil {
		return nil, err
	}
	// Only a viewer who may manage the stream may make it send.
	if !rule.SeesEverything(viewer.FromContext(ctx)) && (s.TenantID == nil ||
		!rule.HasTenantRole(viewer.FromContext(ctx), *s.TenantID, viewer.Admin)) {
		return nil, coded(CodeForbidden, "not allowed")
	}
	d, err := r.Streams.Test(ctx, s)
	if err != nil {
		return nil, err
	}
	meta := map[string]any{"ok": d.Ok, "latencyMs": d.LatencyMs}
	if d.HTTPStatus != nil {
		meta["httpStatus"] = *d.HTTPStatus
	}
	if d.Error != nil {
		meta["error"] = *d.Error
	}
	name := s.Name
	err = selfaudit.Record(ctx, r.Client, selfaudit.Event{TenantID: s.TenantID, Action: "log_stream.test",
		ResourceType: "log_stream", ResourceID: &s.ID, ResourceName: &name, Metadata: meta})
	if err != nil {
		return nil, err
	}
	r.announceStream(ctx, s, false)
	return d, nil
}

// deliveries pages a stream's attempts, newest first.
func (r *Resolver) deliveries(ctx context.Context, s *ent.LogStream, first *int, after *entgql.Cursor[string], last *int, before *entgql.Cursor[string]) (*ent.LogStreamDeliveryConnection, error) {
	if err := checkPageSize(first, last); err != nil {
		return nil, err
	}
	return r.Client.LogStreamDelivery.Query().Where(logstreamdelivery.StreamID(s.ID)).
		Paginate(ctx, after, first, before, last, ent.WithLogStreamDeliveryOrder(&ent.LogStreamDeliveryOrder{
			Direction: entgql.OrderDirectionDesc, Field: ent.DefaultLogStreamDeliveryOrder.Field}))
}

// streamChanges streams the changes of the log's streams (tenantID, or the
// platform log when nil), in the order the broker announced them: a created
// or changed stream as it is now, loaded through the viewer's rules; a
// deleted one by its id. The caller has checked that the viewer may see the
// log's streams (streamLog and the ADMIN check of the subscription), so a
// deletion, which has no row left to load through the rules, is sent for a
// stream of that log only.
//
// After the broker lost notices (Resync), every stream is sent again and the
// ones gone since are announced deleted: the subscription keeps the ids it
// knows of, starting with the log's streams when it begins.
func (r *Resolver) streamChanges(ctx context.Context, tenantID *string) (<-chan *model.LogStreamChange, error) {
	ofLog := func(q *ent.LogStreamQuery) *ent.LogStreamQuery {
		if tenantID != nil {
			return q.Where(logstream.TenantID(*tenantID))
		}
		return q.Where(logstream.TenantIDIsNil())
	}
	sub := r.Broker.Subscribe(streams.Topic)
	ids, err := ofLog(r.Client.LogStream.Query()).IDs(ctx)
	if err != nil {
		sub.Close()
		return nil, fmt.Errorf("list log streams: %w", err)
	}
	known := make(map[string]bool, len(ids))
	for _, id := range ids {
		known[id] = true
	}
	out := make(chan *model.LogStreamChange)
	send := func(c *model.LogStreamChange) bool {
		select {
		case out <- c:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(out)
		defer sub.Close()
		for {
			var changed, deleted []string
			select {
			case <-ctx.Done():
				return
			case m, ok := <-sub.C:
				if !ok {
					return
				}
				n, ok := noticeOf(m, tenantID)
				switch {
				case !ok:
				case n.Delete:
					deleted = append(deleted, n.ID)
				default:
					changed = append(changed, n.ID)
				}
			case <-sub.Resync:
				all, err := ofLog(r.Client.LogStream.Query()).IDs(ctx)
				if err != nil {
					return
				}
				now := make(map[string]bool, len(all))
				for _, id := range all {
					now[id] = true
				}
				for id := range known {
					if !now[id] {
						deleted = append(deleted, id)
					}
				}
				slices.Sort(deleted)
				changed = all
			}
			for _, id := range deleted {
				delete(known, id)
				if !send(&model.LogStreamChange{ID: id, Deleted: true}) {
					return
				}
			}
			if len(changed) == 0 {
				continue
			}
			// Loaded through the viewer's rules: a stream it may not see is not sent.
			rows, err := ofLog(r.Client.LogStream.Query().Where(logstream.IDIn(changed...))).
				Order(logstream.ByID(sql.OrderAsc())).All(ctx)
			if err != nil {
				return
			}
			for _, s := range rows {
				known[s.ID] = true
				if !send(&model.LogStreamChange{ID: s.ID, LogStream: s}) {
					return
				}
			}
		}
	}()
	return out, nil
}

// streamUpdates is streamChanges without the deletions (logStreamUpdated,
// deprecated: its type has no form for a deleted stream).
func (r *Resolver) streamUpdates(ctx context.Context, tenantID *string) (<-chan *ent.LogStream, error) {
	changes, err := r.streamChanges(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make(chan *ent.LogStream)
	go func() {
		defer close(out)
		for c := range changes {
			if c.LogStream == nil {
				continue
			}
			select {
			case out <- c.LogStream:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// noticeOf reads a broker message about the streams of the log (tenantID,
// or the platform log when nil); ok is false for another log's.
func noticeOf(m pubsub.Message, tenantID *string) (streams.Notice, bool) {
	var n streams.Notice
	if json.Unmarshal(m.Payload, &n) != nil {
		return n, false
	}
	if tenantID == nil {
		return n, n.Tenant == ""
	}
	return n, n.Tenant == *tenantID
}
