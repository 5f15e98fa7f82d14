package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gocloud.dev/gcerrors"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/internal/apierr"
	"github.com/trailmark/trailmark/internal/db"
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
		"GET /archives/{id}/manifest":     http.HandlerFunc(h.manifest),
		"GET /export/audit-entries.csv":   h.export(CSV),
		"GET /export/audit-entries.jsonl": h.export(JSONL),
	}
}

// archiveOf reads the archive of the request's {id} as its viewer sees
// it; otherwise it answers (401 for no credentials, 404 for an archive the
// viewer may not see or that does not exist) and reports false.
func (h *HTTP) archiveOf(w http.ResponseWriter, r *http.Request) (*ent.Archive, bool) {
	ctx := r.Context()
	if viewer.FromContext(ctx).Kind == viewer.Anonymous {
		apierr.Write(w, http.StatusUnauthorized, apierr.New(apierr.CodeUnauthenticated, "sign in or send an API key"))
		return nil, false
	}
	qctx, cancel := h.bounded(ctx)
	a, err := h.Client.Archive.Get(qctx, r.PathValue("id"))
	cancel()
	if err != nil {
		h.fail(w, err, "archive not found")
		return nil, false
	}
	return a, true
}

// download streams an archive file to a viewer who may see the archive.
func (h *HTTP) download(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, ok := h.archiveOf(w, r)
	if !ok {
		return
	}
	f, err := h.Service.Open(ctx, a)
	if err != nil {
		h.Log.Error("archive: open file", "archive", a.ID, "err", err)
		apierr.Write(w, http.StatusInternalServerError, apierr.New(apierr.CodeInternal, "the archive file could not be read"))
		return
	}
	defer f.Close()
	if err := recordEvent(ctx, h.Client, a.TenantID, "archive.download", "archive", a.ID, a.Name,
		map[string]any{"format": a.Format, "entryCount": a.EntryCount, "sha256": a.Sha256}); err != nil {
		h.Log.Error("archive: record download", "archive", a.ID, "err", err)
		apierr.Write(w, http.StatusInternalServerError, apierr.New(apierr.CodeInternal, "the download could not be recorded"))
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

// manifest serves an archive's signed manifest (docs/integrity.md "Archive
// manifests") to a viewer who may download the archive; 404 for an
// archive made before manifests.
func (h *HTTP) manifest(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, ok := h.archiveOf(w, r)
	if !ok {
		return
	}
	f, err := h.Service.OpenManifest(ctx, a)
	if gcerrors.Code(err) == gcerrors.NotFound {
		apierr.Write(w, http.StatusNotFound, apierr.New(apierr.CodeNotFound, "this archive has no manifest (it was made before tamper evidence)"))
		return
	}
	if err != nil {
		h.Log.Error("archive: open manifest", "archive", a.ID, "err", err)
		apierr.Write(w, http.StatusInternalServerError, apierr.New(apierr.CodeInternal, "the manifest could not be read"))
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size(), 10))
	w.Header().Set("Content-Disposition", attachment(a.Name+"."+Extension(a.Format)+ManifestSuffix))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if _, err := io.Copy(w, f); err != nil {
		h.Log.Warn("archive: manifest download interrupted", "archive", a.ID, "err", err)
	}
}

// export streams the entries of a tenant matching filter and [from, to), as
// auditEntries would show them to the viewer, oldest first.
func (h *HTTP) export(f Format) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v := viewer.FromContext(ctx)
		if v.Kind == viewer.Anonymous {
			apierr.Write(w, http.StatusUnauthorized, apierr.New(apierr.CodeUnauthenticated, "sign in or send an API key"))
			return
		}
		now := time.Now()
		x, bad := parseExportQuery(r.URL.Query(), now)
		if bad != nil {
			apierr.Write(w, http.StatusBadRequest, bad)
			return
		}
		tq := h.Client.Tenant.Query()
		if ids.TypeOf(x.Tenant) == "Tenant" {
			tq.Where(tenant.ID(x.Tenant))
		} else {
			tq.Where(tenant.Slug(x.Tenant))
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
			apierr.Write(w, http.StatusForbidden, apierr.New(apierr.CodeForbidden,
				"exporting reads the log: an API key needs the READ scope (INGEST only records entries)"))
			return
		}
		preds := append(x.Where, auditentry.TenantID(t.ID))
		meta := map[string]any{"format": string(f)}
		if x.Filter != "" {
			meta["filter"] = x.Filter
		}
		if x.Search != "" {
			meta["search"] = x.Search
		}
		if x.From != nil {
			meta["from"] = Timestamp(*x.From)
		}
		if x.To != nil {
			meta["to"] = Timestamp(*x.To)
		}
		if x.Raw {
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
		enc := NewEncoder(w, f, Options{WithRequest: rule.SeesRequests(v, t.ID), RawCSV: x.Raw})
		flusher, _ := w.(http.Flusher)
		n := 0
		err = StreamWithSeq(db.Reads(ctx), h.Client, h.Service.seqs(), preds, h.QueryTimeout, func(e *ent.AuditEntry, seq *int64) error {
			if err := enc.Encode(e, seq); err != nil {
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

// fail answers a lookup error: not found (or not visible: the same) is
// 404, an unauthenticated or forbidden viewer 401/403.
func (h *HTTP) fail(w http.ResponseWriter, err error, notFound string) {
	switch {
	case ent.IsNotFound(err):
		apierr.Write(w, http.StatusNotFound, apierr.New(apierr.CodeNotFound, notFound))
	case errors.Is(err, privacy.Deny):
		apierr.Write(w, http.StatusForbidden, apierr.New(apierr.CodeForbidden, "not allowed"))
	case db.IsUnavailable(err):
		h.Log.Warn("archive: database unavailable or too slow", "err", err)
		apierr.WriteRetry(w, http.StatusServiceUnavailable, 1,
			apierr.New(apierr.CodeUnavailable, "the database did not answer in time; try again"))
	default:
		h.Log.Error("archive: http", "err", err)
		apierr.Write(w, http.StatusInternalServerError, apierr.New(apierr.CodeInternal, "internal error"))
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
