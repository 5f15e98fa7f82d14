package graph_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/testserver"
)

// TestCursorWalk: walking a tenant's log page by page with after: cursors
// (first) and with before: cursors (last) yields every entry exactly once,
// in the order of one big page, for each order field and direction — also
// where many entries share occurred_at (the id tie-break) and another
// tenant's entries are interleaved with the same timestamps. The platform
// admin's global log (no tenant) pages the same way.
func TestCursorWalk(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		a := newFixture(t, s, "walk-a")
		b := newFixture(t, s, "walk-b")
		base := time.Now().Add(-24 * time.Hour).UTC().Truncate(time.Second)
		batch := func(prefix string) []map[string]any {
			var out []map[string]any
			for i := range 61 {
				// Four entries per timestamp, actions repeating: ties on
				// every order field.
				out = append(out, entry([]string{"b.x", "a.y", "c.z"}[i%3], "resourceID", fmt.Sprintf("%s%02d", prefix, i),
					"occurredAt", base.Add(time.Duration(i/4)*time.Second).Format(time.RFC3339)))
			}
			return out
		}
		mustRecord(t, s, a.ingest, a.tenantID, batch("a")...)
		mustRecord(t, s, b.ingest, b.tenantID, batch("b")...)
		admin := s.PlatformAdmin(t)

		walk := func(t *testing.T, token string, vars map[string]any, size int) {
			t.Helper()
			all := list(t, s, token, with(vars, "first", 1000))
			if len(all.Edges) < 61 {
				t.Fatalf("listed %d entries", len(all.Edges))
			}
			want := all.ids()
			// Forward: first + after.
			var got []string
			var after any
			for range len(want) + 1 {
				p := list(t, s, token, with(with(vars, "first", size), "after", after))
				got = append(got, p.ids()...)
				if p.PageInfo.HasPreviousPage != (after != nil) {
					t.Errorf("forward: hasPreviousPage %v after %v", p.PageInfo.HasPreviousPage, after)
				}
				if !p.PageInfo.HasNextPage {
					break
				}
				after = *p.PageInfo.EndCursor
			}
			if !slices.Equal(got, want) {
				t.Errorf("forward walk: %d ids, want %d; order differs: %v", len(got), len(want), firstDiff(got, want))
			}
			// Backward: last + before, pages prepended.
			got = nil
			var before any
			for range len(want) + 1 {
				p := list(t, s, token, with(with(vars, "last", size), "before", before))
				got = append(p.ids(), got...)
				if p.PageInfo.HasNextPage != (before != nil) {
					t.Errorf("backward: hasNextPage %v before %v", p.PageInfo.HasNextPage, before)
				}
				if !p.PageInfo.HasPreviousPage {
					break
				}
				before = *p.PageInfo.StartCursor
			}
			if !slices.Equal(got, want) {
				t.Errorf("backward walk: %d ids, want %d; order differs: %v", len(got), len(want), firstDiff(got, want))
			}
			// Both cursors: the entries strictly between two positions.
			mid := list(t, s, token, with(with(vars, "first", 1000), "after", all.Edges[5].Cursor))
			between := list(t, s, token, with(with(with(vars, "first", 1000), "after", all.Edges[5].Cursor), "before", all.Edges[30].Cursor))
			if !slices.Equal(between.ids(), want[6:30]) || !slices.Equal(mid.ids(), want[6:]) {
				t.Errorf("after+before: got %v, want %v", between.ids(), want[6:30])
			}
		}
		for _, order := range []map[string]any{
			nil,
			{"field": "OCCURRED_AT", "direction": "DESC"},
			{"field": "OCCURRED_AT", "direction": "ASC"},
			{"field": "RECEIVED_AT", "direction": "DESC"},
			{"field": "RECEIVED_AT", "direction": "ASC"},
			{"field": "ACTION", "direction": "ASC"},
			{"field": "ACTION", "direction": "DESC"},
		} {
			t.Run(fmt.Sprintf("tenant %v", order), func(t *testing.T) {
				vars := map[string]any{"t": a.tenantID, "order": order}
				walk(t, a.reader, vars, 7)
				// Only tenant a's entries.
				for _, e := range list(t, s, a.reader, with(vars, "first", 1000)).Edges {
					if e.Node.ResourceID == nil || (*e.Node.ResourceID)[0] != 'a' {
						t.Fatalf("entry of another tenant: %+v", e.Node)
					}
				}
				walk(t, a.admin, vars, 5)
			})
			t.Run(fmt.Sprintf("platform %v", order), func(t *testing.T) {
				walk(t, admin, map[string]any{"order": order}, 9)
			})
		}
	})
}

// with returns a copy of vars with k set to v (nil: left out).
func with(vars map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range vars {
		out[kk] = vv
	}
	if v != nil {
		out[k] = v
	}
	return out
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("at %d: %s, want %s", i, got[i], want[i])
		}
	}
	return "one is a prefix of the other"
}
