package graph

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
)

// TestAppendCursor compares appendCursor with entgql's Cursor.MarshalGQL
// for every form of the values cursors carry.
func TestAppendCursor(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	values := []any{nil, "", time.Time{}, time.Time{}.In(time.FixedZone("y", 7200)), "a", "billing.invoice.paid", strings.Repeat("x", 31), strings.Repeat("y", 32),
		strings.Repeat("é", 200), strings.Repeat("z", 255), strings.Repeat("z", 256), strings.Repeat("w", 70_000),
		time.Unix(0, 0).UTC(), time.Unix(1, 0), time.Unix(1<<32-1, 0), time.Unix(1<<32, 0), time.Unix(1<<34-1, 999_999_999),
		time.Unix(1<<34, 0), time.Unix(-1, 0), time.Unix(-62135596800, 0), time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2026, 12, 5, 23, 1, 31, 782583000, time.FixedZone("x", 3600)), time.Now()}
	for range 2000 {
		values = append(values, time.Unix(rng.Int64N(1<<36)-1<<35, rng.Int64N(1e9)), time.Unix(rng.Int64N(1<<34), 0))
	}
	ids := []string{"", "aud_01M9473QKAM41E8R3670FN30R8", strings.Repeat("i", 40), strings.Repeat("j", 300)}
	for _, id := range ids {
		for _, v := range values {
			c := &ent.Cursor{ID: id, Value: v}
			var want bytes.Buffer
			c.MarshalGQL(&want)
			got, ok := appendCursor(nil, c)
			if !ok || string(got) != want.String() {
				t.Fatalf("cursor {%q, %v}: got %s (ok %v), want %s", id, v, got, ok, want.String())
			}
		}
	}
	if _, ok := appendCursor(nil, &ent.Cursor{ID: "x", Value: 42}); ok {
		t.Fatal("an int value must be left to MarshalGQL")
	}
}
