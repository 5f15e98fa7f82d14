package archive

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/internal/apiarg"
	"github.com/trailmark/trailmark/internal/apierr"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/filter"
)

// exportQuery is the query string of GET /export/audit-entries.{csv,jsonl}
// (API.md "HTTP surface").
type exportQuery struct {
	// Tenant is the tenant's ID or slug.
	Tenant string
	// Filter is the filter as given ("": none).
	Filter string
	// Search is auditEntries' search text as given ("": none).
	Search   string
	From, To *time.Time
	// Raw: CSV cells as stored, for programs; by default a cell a
	// spreadsheet would run as a formula is written after a '.
	Raw bool
	// Where is filter and [from, to) as conditions on the entries.
	Where []predicate.AuditEntry
}

// parseExportQuery reads q, with now for the filter's now(); a bad value is
// BAD_USER_INPUT naming its parameter, the filter as auditEntries'.
func parseExportQuery(q url.Values, now time.Time) (exportQuery, *gqlerror.Error) {
	x := exportQuery{Tenant: strings.TrimSpace(q.Get("tenant")), Filter: q.Get("filter"), Search: q.Get("search")}
	if x.Tenant == "" {
		return x, apierr.BadInput("tenant", "the tenant's ID or slug is required")
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &x.From}, {"to", &x.To}} {
		if s := q.Get(p.name); s != "" {
			t, err := parseTime(s)
			if err != nil {
				return x, apierr.BadInput(p.name, err.Error())
			}
			*p.dst = &t
		}
	}
	switch q.Get("raw") {
	case "", "false":
	case "true":
		x.Raw = true
	default:
		return x, apierr.BadInput("raw", "must be true or false")
	}
	if x.From != nil && x.To != nil && !x.From.Before(*x.To) {
		return x, apierr.BadInput("to", "must be after from")
	}
	if x.From != nil {
		x.Where = append(x.Where, auditentry.OccurredAtGTE(*x.From))
	}
	if x.To != nil {
		x.Where = append(x.Where, auditentry.OccurredAtLT(*x.To))
	}
	if x.Filter != "" {
		p, err := apiarg.Filter("filter", x.Filter, filter.AuditEntries, now)
		if err != nil {
			return x, err
		}
		x.Where = append(x.Where, p)
	}
	if len(x.Search) > audit.MaxSearch {
		return x, apierr.BadInput("search", "at most 200 characters")
	}
	if p := audit.Search(x.Search); p != nil {
		x.Where = append(x.Where, p)
	}
	return x, nil
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
