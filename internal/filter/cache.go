package filter

import (
	"time"

	"entgo.io/ent/dialect/sql"
	lru "github.com/hashicorp/golang-lru/v2"
)

// maxCachedLength bounds the texts a Cache keeps, in bytes: a filter is at
// most MaxLength characters, and a cache of the longest would hold
// megabytes for texts no client repeats.
const maxCachedLength = 1024

// Cache compiles filters for one schema and keeps the predicates of the
// most recently used texts, so that a client sending the same filter
// again (a page's next request, a dashboard's poll) skips the lex, parse
// and check. A predicate depends only on the text and the schema — the
// viewer's rules and the tenant are applied to the query apart — except
// through now(): a text that uses now() is compiled again each time.
// Errors are not kept: a bad text is compiled again, giving the same
// error. A Cache is safe for concurrent use.
type Cache struct {
	schema Schema
	preds  *lru.Cache[string, func(*sql.Selector)]
}

// NewCache returns a Cache for schema s keeping at most size predicates.
func NewCache(s Schema, size int) *Cache {
	preds, err := lru.New[string, func(*sql.Selector)](size)
	if err != nil {
		panic(err) // only for size <= 0
	}
	return &Cache{schema: s, preds: preds}
}

// Compile is Compile(src, schema, now), from the cache when it can be.
func (c *Cache) Compile(src string, now time.Time) (func(*sql.Selector), error) {
	if p, ok := c.preds.Get(src); ok {
		return p, nil
	}
	p, usesNow, err := compile(src, c.schema, now)
	if err != nil {
		return nil, err
	}
	if !usesNow && len(src) <= maxCachedLength {
		c.preds.Add(src, p)
	}
	return p, nil
}
