// Package clock is Trailmark's one notion of "now": UTC, truncated to the
// microsecond. That is PostgreSQL's precision, and SQLite is given the same,
// so a time reads back equal to the one written, SQLite's text timestamps
// compare as PostgreSQL's do, and hashes and cursors built from a time agree
// on both dialects.
package clock

import "time"

// Now is the current time as the database stores it.
func Now() time.Time { return Stored(time.Now()) }

// Stored is t as the database stores it: UTC, truncated to the microsecond.
func Stored(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
