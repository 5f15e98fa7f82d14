package clock

import (
	"testing"
	"time"
)

func TestStored(t *testing.T) {
	in := time.Date(2026, 3, 1, 23, 59, 59, 123456789, time.FixedZone("CET", 3600))
	got := Stored(in)
	want := time.Date(2026, 3, 1, 22, 59, 59, 123456000, time.UTC)
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Fatalf("Stored(%v) = %v, want %v", in, got, want)
	}
	if n := Now(); n.Location() != time.UTC || n.Nanosecond()%1000 != 0 {
		t.Fatalf("Now() = %v: want UTC whole microseconds", n)
	}
}
