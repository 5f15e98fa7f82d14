package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/selfaudit"
	"github.com/trailmark/trailmark/internal/viewer"
)

// HTTP serves archive downloads and streaming exports. Mount Routes behind
// the authentication middleware (it puts the viewer in the context).
type HTTP struct {
	Service *Service
	Client  *ent.Client
	Log     *slog.Logger
	// QueryTimeout bounds each database read and write of a request (an
	// export's every page; 0: only the request's own context), so that a
	// database that stops answering fails it with 503 instead of holding it.
	QueryTimeout time.Duration
}

// bounded is ctx bounded by QueryTimeout.
func (h *HTTP) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if h.QueryTimeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, h.QueryTimeout)
}

// Routes are the handlers by ServeMux pattern (API.md "HTTP surface").
func (h *HTTP) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /archives/{id}/download":     http.HandlerFunc(h.download),
		"GET /export/audit-entries.csv":   h.export(CSV),
		"GET /export/audit-entries.jsonl": h.export(JSONL),
	}
}

// download streams an archive file to a viewer who may see the archive.
func (h *HTTP) download(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if viewer.FromContext(ctx).Kind == viewer.Anonymous {
		writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "", "sign in or send an API key")
		return
	}
	qctx, cancel := h.bounded(ctx)
	a, err := h.Client.Archive.Get(qctx, r.PathValue("id"))
	cancel()
	if err != nil {
		h.fail(w, err, "archive not found")
		return
	}
	f, err := h.Service.Open(ctx, a)
	if err != nil {
		h.Log.Error("archive: open file", "archive", a.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "INTERNAL", "", "the archive file could not be read")
		return
	}
	defer f.Close()
	if err := recordEvent(ctx, h.Client, a.TenantID, "archive.download", "archive", a.ID, a.Name,
		map[string]any{"format": a.Format, "entryCount": a.EntryCount, "sha256": a.Sha256}); err != nil {
		h.Log.Error("archive: record download", "archive", a.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "INTERNAL", "", "the download could not be recorded")
		return
	}
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size(), 10))
	w.Header().Set("Content-Disposition", attachment(a.Name+"."+Extension(a.Format)))
	w.Header().Set("ETag", `"`+a.Sha256+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	if _, err := io.Copy(w, f); err != nil {
		h.Log.Warn("archive: download interrupted", "archive", a.ID, "err", err)
	}
}

// export streams the entries of a tenant matching filter and [from, to), as
// auditEntries would show them to the viewer, oldest first.
func (h *HTTP) export(f Format) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v := viewer.FromContext(ctx)
		if v.Kind == viewer.Anonymous {
			writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "", "sign in or send an API key")
			return
		}
		q := r.URL.Query()
		ref := strings.TrimSpace(q.Get("tenant"))
		if ref == "" {
			writeError(w, http.StatusBadRequest, "BAD_USER_INPUT", "tenant", "tenant: the tenant's ID or slug is required")
			return
		}
		now := time.Now()
		var preds []predicate.AuditEntry
		var from, to *time.Time
		for _, p := range []struct {
			name string
			dst  **time.Time
		}{{"from", &from}, {"to", &to}} {
			if s := q.Get(p.name); s != "" {
				t, err := parseTime(s)
				if err != nil {
					writeError(w, http.StatusBadRequest, "BAD_USER_INPUT", p.name, p.name+": "+err.Error())
					return
				}
				*p.dst = &t
			}
		}
		// raw=true: CSV cells as stored, for programs; by default a cell
		// a spreadsheet would run as a formula is written after a '.
		raw := false
		switch q.Get("raw") {
		case "", "false":
		case "true":
			raw = true
		default:
			writeError(w, http.StatusBadRequest, "BAD_USER_INPUT", "raw", "raw: must be true or false")
			return
		}
		if from != nil && to != nil && !from.Before(*to) {
			writeError(w, http.StatusBadRequest, "BAD_USER_INPUT", "to", "to: must be after from")
			return
		}
		if from != nil {
			preds = append(preds, auditentry.OccurredAtGTE(*from))
		}
		if to != nil {
			preds = append(preds, auditentry.OccurredAtLT(*to))
		}
		if src := q.Get("filter"); src != "" {
			p, err := filter.Compile(src, filter.AuditEntries, now)
			if err != nil {
				var fe *filter.Error
				if errors.As(err, &fe) {
					writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]any{{
						"message":    "filter: " + fe.Error(),
						"extensions": map[string]any{"code": "BAD_USER_INPUT", "field": "filter", "position": fe.Pos},
					}}})
					return
				}
				writeError(w, http.StatusBadRequest, "BAD_USER_INPUT", "filter", "filter: "+err.Error())
				return
			}
			preds = append(preds, p)
		}
		tq := h.Client.Tenant.Query()
		if ids.TypeOf(ref) == "Tenant" {
			tq.Where(tenant.ID(ref))
		} else {
			tq.Where(tenant.Slug(ref))
		}
		qctx, cancel := h.bounded(ctx)
		t, err := tq.Only(qctx)
		cancel()
		if err != nil {
			h.fail(w, err, "tenant not found")
			return
		}
		// The tenant is visible: the viewer belongs to it. Exporting reads
		// the log, which needs a read grant there (rule.GrantIn, as every
		// query): an INGEST-only key records entries but may not read them.
		if _, ok := rule.GrantIn(v, t.ID); !ok {
			writeError(w, http.StatusForbidden, "FORBIDDEN", "",
				"exporting reads the log: an API key needs the READ scope (INGEST only records entries)")
			return
		}
		preds = append(preds, auditentry.TenantID(t.ID))
		meta := map[string]any{"format": string(f)}
		if s := q.Get("filter"); s != "" {
			meta["filter"] = s
		}
		if from != nil {
			meta["from"] = Timestamp(*from)
		}
		if to != nil {
			meta["to"] = Timestamp(*to)
		}
		if raw {
			meta["raw"] = true
		}
		qctx, cancel = h.bounded(ctx)
		err = recordEvent(qctx, h.Client, t.ID, "audit_log.export", "audit_log", t.ID, t.Slug, meta)
		cancel()
		if err != nil {
			h.fail(w, err, "tenant not found")
			return
		}
		name := fmt.Sprintf("%s-audit-entries-%s.%s", t.Slug, now.UTC().Format("20060102T150405Z"), f)
		ct := "application/x-ndjson; charset=utf-8"
		if f == CSV {
			ct = "text/csv; charset=utf-8"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", attachment(name))
		w.Header().Set("Cache-Control", "private, no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		enc := NewEncoder(w, f, Options{WithRequest: rule.SeesRequests(v, t.ID), RawCSV: raw})
		flusher, _ := w.(http.Flusher)
		n := 0
		err = StreamPages(db.Reads(ctx), h.Client, preds, h.QueryTimeout, func(e *ent.AuditEntry) error {
			if err := enc.Encode(e); err != nil {
				return err
			}
			if n++; n%PageSize == 0 {
				if err := enc.Flush(); err != nil {
					return err
				}
				if flusher != nil {
					flusher.Flush()
				}
			}
			return nil
		})
		if err == nil {
			err = enc.Close()
		}
		if err != nil {
			// The status line is sent: abort the response so the client
			// sees a failed download, not a short file.
			h.Log.Warn("archive: export interrupted", "tenant", t.ID, "entries", n, "err", err)
			panic(http.ErrAbortHandler)
		}
	})
}

// parseTime reads an RFC 3339 time or a date (midnight UTC).
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New("not an RFC 3339 time or a YYYY-MM-DD date")
}

// fail answers a lookup error: not found (or not visible: the same) is
// 404, an unauthenticated or forbidden viewer 401/403.
func (h *HTTP) fail(w http.ResponseWriter, err error, notFound string) {
	switch {
	case ent.IsNotFound(err):
		writeError(w, http.StatusNotFound, "NOT_FOUND", "", notFound)
	case errors.Is(err, privacy.Deny):
		writeError(w, http.StatusForbidden, "FORBIDDEN", "", "not allowed")
	case db.IsUnavailable(err):
		h.Log.Warn("archive: database unavailable or too slow", "err", err)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "", "the database did not answer in time; try again")
	default:
		h.Log.Error("archive: http", "err", err)
		writeError(w, http.StatusInternalServerError, "INTERNAL", "", "internal error")
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// attachment is a Content-Disposition naming a download safely.
func attachment(name string) string {
	safe := strings.Trim(unsafeName.ReplaceAllString(name, "-"), "-")
	if safe == "" {
		safe = "download"
	}
	return fmt.Sprintf(`attachment; filename="%s"`, safe)
}

func writeError(w http.ResponseWriter, status int, code, field, msg string) {
	ext := map[string]any{"code": code}
	if field != "" {
		ext["field"] = field
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"message": msg, "extensions": ext}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// recordEvent writes a self-audit entry for an event that is not an ent
// mutation (a download, an export), with the viewer as actor.
func recordEvent(ctx context.Context, c *ent.Client, tenantID, action, resourceType, resourceID, name string, meta map[string]any) error {
	return selfaudit.Record(ctx, c, selfaudit.Event{
		TenantID:     &tenantID,
		Action:       action,
		ResourceType: resourceType,
		ResourceID:   &resourceID,
		ResourceName: &name,
		Metadata:     meta,
	})
}
