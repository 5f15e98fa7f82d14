// Package ids makes the identifiers of every Trailmark object.
//
// An ID is a short type prefix and a ULID ("aud_01JD…"): unique across all
// types, so the ent ID doubles as the GraphQL global ID, sortable by creation
// time, and safe to show (it carries no tenant information).
package ids

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
	"time"
)

// Prefixes of every node type, keyed by ent type name.
var prefixes = map[string]string{
	"Tenant":            "ten",
	"User":              "usr",
	"Membership":        "mem",
	"Invitation":        "inv",
	"APIKey":            "key",
	"Session":           "ses",
	"AuditEntry":        "aud",
	"Process":           "prc",
	"ProcessLog":        "plg",
	"Schedule":          "sch",
	"Archive":           "arc",
	"LogStream":         "lst",
	"LogStreamDelivery": "lsd",
}

var types = func() map[string]string {
	m := make(map[string]string, len(prefixes))
	for t, p := range prefixes {
		m[p] = t
	}
	return m
}()

// Prefix returns the ID prefix of an ent type; it panics on an unknown type
// because that is a programming error caught by the first test.
func Prefix(typ string) string {
	p, ok := prefixes[typ]
	if !ok {
		panic("ids: unknown type " + typ)
	}
	return p
}

// New returns a fresh ID for the ent type typ.
func New(typ string) string {
	return Prefix(typ) + "_" + ulid(time.Now())
}

// NewFunc returns a generator of IDs for typ, for ent's DefaultFunc.
func NewFunc(typ string) func() string {
	p := Prefix(typ)
	return func() string { return p + "_" + ulid(time.Now()) }
}

// TypeOf returns the ent type name of id, or "" when id is not one of ours.
func TypeOf(id string) string {
	p, rest, ok := strings.Cut(id, "_")
	if !ok || len(rest) != 26 {
		return ""
	}
	return types[p]
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ulid encodes 48 bits of milliseconds and 80 random bits in Crockford base32.
func ulid(t time.Time) string {
	var b [16]byte
	ms := uint64(t.UnixMilli())
	binary.BigEndian.PutUint64(b[:8], ms<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic("ids: crypto/rand failed: " + err.Error())
	}
	// 128 bits -> 26 base32 chars (the first char holds the top 3 bits).
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}
