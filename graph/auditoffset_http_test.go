package graph_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/testserver"
)

// TestDeepOffset: pages beyond the deferred-join threshold (500) are the
// same rows, in the same order, as the corresponding slice of one big page,
// for each order and direction, and with last instead of first.
func TestDeepOffset(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "deep")
		base := time.Now().Add(-24 * time.Hour).UTC().Truncate(time.Second)
		var batch []map[string]any
		for i := range 700 {
			// Pairs share a timestamp so that the id tie-break matters.
			batch = append(batch, entry([]string{"b.x", "a.y", "c.z"}[i%3], "resourceID", fmt.Sprintf("r%03d", i),
				"occurredAt", base.Add(time.Duration(i/2)*time.Second).Format(time.RFC3339)))
		}
		mustRecord(t, s, f.ingest, f.tenantID, batch...)
		for _, order := range []map[string]any{
			nil,
			{"field": "OCCURRED_AT", "direction": "ASC"},
			{"field": "ACTION", "direction": "DESC"},
		} {
			all := list(t, s, f.reader, map[string]any{"t": f.tenantID, "first": 1000, "order": order}).ids()
			if len(all) != 700 {
				t.Fatalf("listed %d entries", len(all))
			}
			for _, off := range []int{499, 500, 650, 695, 700} {
				got := list(t, s, f.reader, map[string]any{"t": f.tenantID, "first": 10, "offset": off, "order": order})
				want := all[min(off, 700):min(off+10, 700)]
				if !slices.Equal(got.ids(), want) {
					t.Errorf("order %v offset %d: got %v, want %v", order, off, got.ids(), want)
				}
				if got.PageInfo.HasNextPage != (off+10 < 700) || !got.PageInfo.HasPreviousPage {
					t.Errorf("order %v offset %d: pageInfo %+v", order, off, got.PageInfo)
				}
			}
		}
	})
}
