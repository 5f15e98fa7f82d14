package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"math/bits"
	"strings"
	"sync"

	"entgo.io/ent/dialect/sql/sqlgraph"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// SQLite writes every request of a group with its own statement when each
// goes through ent's builders, and inside the group's transaction each
// statement keeps a statement journal of every page it changes first: the
// pages the group's requests share (the right edges of the time-ordered
// indexes, the counter and leaf rows) are copied once a request. One
// multi-row INSERT for the whole group, as PostgreSQL's array statement,
// copies them once a statement (docs/performance.md "SQLite's serial
// time").
//
// The rows go in as ent's builders send them — the same Go values, so the
// driver stores the same bytes (times as _time_format, JSON as json.Marshal's
// BLOB) — in statements of a power-of-two number of rows up to
// valuesChunk: a batch of any size is a few statements of at most
// bits.Len(valuesChunk) distinct texts, each kept prepared by the
// connection (internal/db's statement cache keeps statements up to 8 KB:
// valuesChunk rows of 20 placeholders stay under it).

// valuesChunk is the most rows of one VALUES statement (a power of two).
const valuesChunk = 128

// valuesSQL holds the statements by size and by whether they skip taken
// idempotency keys (and return the ids they wrote).
var valuesSQL sync.Map // valuesKey → string

type valuesKey struct {
	rows  int
	keyed bool
}

func valuesStatement(rows int, keyed bool) string {
	k := valuesKey{rows, keyed}
	if q, ok := valuesSQL.Load(k); ok {
		return q.(string)
	}
	var b strings.Builder
	// OR ROLLBACK: a failing row ends the whole transaction rather than
	// only this statement, which is what every caller does anyway (a
	// group's failure rolls it back and writes each request alone). ABORT,
	// the default, has SQLite keep a statement journal of every page the
	// statement changes, to undo it alone — for the statement's own
	// constraints and its triggers' (internal/db: with foreign keys off).
	fmt.Fprintf(&b, "INSERT OR ROLLBACK INTO %q (", auditentry.Table)
	for i, c := range insertColumns {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q", c.name)
	}
	b.WriteString(") VALUES ")
	// No spaces: valuesChunk rows must stay under the statement cache's
	// 8 KB (TestValuesStatementsAreCached).
	row := "(" + strings.Repeat("?,", len(insertColumns)-1) + "?)"
	for i := range rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(row)
	}
	if keyed {
		fmt.Fprintf(&b, ` ON CONFLICT (%q, %q) WHERE %q IS NOT NULL DO NOTHING RETURNING "id"`,
			auditentry.FieldTenantID, auditentry.FieldIdempotencyKey, auditentry.FieldIdempotencyKey)
	}
	q, _ := valuesSQL.LoadOrStore(k, b.String())
	return q.(string)
}

// writeValues is writeArrays on SQLite: rows checkRows passed, with their
// hashes, written with VALUES statements in c's transaction (the values
// made here unless r holds them); the stored nodes of the rows it wrote,
// by id (with keyed, rows whose key was taken are skipped), and how many
// statements wrote them.
func writeValues(ctx context.Context, c *ent.Client, r sharedRows, keyed bool) (map[string]*ent.AuditEntry, int, error) {
	rows := r.rows
	args := r.args
	if args == nil {
		for i, e := range rows {
			var err error
			if args, err = appendRowArgs(args, e, r.hashes[i]); err != nil {
				return nil, 0, fmt.Errorf("insert entries: %w", err)
			}
		}
	}
	cols := len(insertColumns)
	written := make(map[string]bool, len(rows))
	statements := 0
	for start := 0; start < len(rows); {
		// The largest power of two of rows left, up to valuesChunk.
		n := min(valuesChunk, 1<<(bits.Len(uint(len(rows)-start))-1))
		part, vals := rows[start:start+n], args[start*cols:(start+n)*cols]
		if err := runShared(ctx, c, valuesStatement(n, keyed), vals, part, keyed, written, valuesErr); err != nil {
			return nil, 0, err
		}
		start += n
		statements++
	}
	return attachWritten(c, rows, r.hashes, written), statements, nil
}

// appendRowArgs appends a row's values in insertColumns' order, each as
// ent's builder hands it to the driver: strings, time.Time, nil for an
// unset optional field, JSON columns as their ValueScanner's or
// json.Marshal's bytes.
func appendRowArgs(args []any, e Entry, hash string) ([]any, error) {
	str := func(s *string) any {
		if s == nil {
			return nil
		}
		return *s
	}
	jsonCol := func(v schematype.RawJSON) (any, error) {
		if len(v) == 0 {
			return nil, nil
		}
		b, err := schematype.JSONValue{}.Value(v)
		return b, err
	}
	oldV, err := jsonCol(e.OldValue)
	if err != nil {
		return nil, err
	}
	newV, err := jsonCol(e.NewValue)
	if err != nil {
		return nil, err
	}
	meta, err := jsonCol(e.Metadata)
	if err != nil {
		return nil, err
	}
	var req any
	if e.Request != nil {
		b, err := json.Marshal(e.Request)
		if err != nil {
			return nil, fmt.Errorf("request: %w", err)
		}
		req = b
	}
	return append(args,
		e.ID, str(e.TenantID), e.OccurredAt, e.ReceivedAt, e.Action, e.ResourceType,
		str(e.ResourceID), str(e.ResourceName), str(e.Workspace),
		string(e.Actor.Type), str(e.Actor.ID), str(e.Actor.Name), str(e.Actor.Email),
		string(e.Status), oldV, newV, meta, req, str(e.IdempotencyKey), hash,
	), nil
}

// valuesErr maps a failed VALUES statement as insertErr maps ent's: a
// foreign-key failure means the tenant does not exist.
func valuesErr(err error) error {
	if sqlgraph.IsForeignKeyConstraintError(err) {
		return ErrTenantNotFound
	}
	return fmt.Errorf("insert entries: %w", err)
}
