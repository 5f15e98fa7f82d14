package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/txn"
)

// insertChunk is the most rows of one multi-row INSERT: ~20 columns each
// keeps a statement well under SQLite's and PostgreSQL's parameter limits.
const insertChunk = 500

// ErrTenantNotFound is returned when entries are recorded for a tenant that
// does not exist.
var ErrTenantNotFound = errors.New("tenant not found")

// Result is the outcome of recording a batch.
type Result struct {
	// Entries are in input order; a duplicate is the entry stored first
	// under its idempotency key (by an earlier call or earlier in the batch).
	Entries []*ent.AuditEntry
	// Replayed[i] is set when Entries[i] was stored before this call (by an
	// earlier call, perhaps another caller's): the caller did not write it,
	// so it may read it only as far as its read rules allow.
	Replayed []bool
	// Created counts the entries this call stored; Duplicates the others.
	Created, Duplicates int
}

// ConflictError is returned, and nothing of the batch stored, when entries
// reuse an idempotency key whose stored entry has other content than they
// carry. Indexes are the entries' positions in the batch, ascending.
type ConflictError struct{ Indexes []int }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("idempotency key reused with other content at entries %v", e.Indexes)
}

// Record stores prepared entries of one tenant (see Prepare) in a single
// transaction and returns once it has committed.
//
// Idempotency keys are unique per tenant. The insert skips rows whose key is
// taken (ON CONFLICT DO NOTHING on the partial unique index), so concurrent
// replays of one key never fail: whichever commits first stores the entry,
// the others return it as a duplicate. A duplicate must carry the content
// stored under its key (compared by content hash, after redaction and
// defaults; an omitted occurredAt matches any), else the whole batch fails
// with a *ConflictError: a key is not a handle on someone else's entry, nor
// a way to have a different event silently dropped.
//
// Authorization is the ent privacy layer's: every row is created with the
// caller's context, so a batch is stored, and stored entries are returned,
// only when the caller may write to the tenant.
func Record(ctx context.Context, client *ent.Client, entries []Entry) (*Result, error) {
	return recordTx(ctx, client, entries, builders)
}

// recordTx is Record, writing new rows in the given form.
func recordTx(ctx context.Context, client *ent.Client, entries []Entry, form insertForm) (*Result, error) {
	if len(entries) == 0 {
		return &Result{}, nil
	}
	b, err := newBatch(entries)
	if err != nil {
		return nil, err
	}
	// SQLite's VALUES statement runs without foreign keys: the tenant is
	// checked first instead (tenantsExist).
	own := form == sqliteValues && sharedInsert(form, b)
	if own {
		ctx = txn.WithOwnForeignKeys(ctx)
	}
	var res *Result
	err = txn.Do(ctx, client, func(tx *ent.Tx) error {
		if own {
			if err := tenantsExist(ctx, tx.Client(), []string{b.tenantID}); err != nil {
				return err
			}
		}
		var err error
		res, err = record(ctx, tx.Client(), b.tenantID, entries, b.firstOf, b.keys, form)
		return err
	})
	if err != nil {
		return nil, err
	}
	detach(res)
	return res, nil
}

// batch is what record needs to know of a batch beyond its entries.
type batch struct {
	tenantID string
	// firstOf[i] is the index of the first entry of the batch with entry
	// i's idempotency key (i itself when it has none or is the first).
	firstOf []int
	keys    []string // the distinct idempotency keys, in order
}

func newBatch(entries []Entry) (batch, error) {
	if len(entries) == 0 || entries[0].TenantID == nil {
		return batch{}, errNoTenant
	}
	b := batch{tenantID: *entries[0].TenantID, firstOf: make([]int, len(entries))}
	byKey := map[string]int{}
	for i, e := range entries {
		if e.TenantID == nil || *e.TenantID != b.tenantID {
			return batch{}, errors.New("record entries: one tenant per batch")
		}
		b.firstOf[i] = i
		if e.IdempotencyKey == nil {
			continue
		}
		if j, ok := byKey[*e.IdempotencyKey]; ok {
			b.firstOf[i] = j
			continue
		}
		byKey[*e.IdempotencyKey] = i
		b.keys = append(b.keys, *e.IdempotencyKey)
	}
	return b, nil
}

// detach unwraps the entries of a committed result from their transaction.
func detach(res *Result) {
	seen := map[*ent.AuditEntry]bool{}
	for _, e := range res.Entries {
		if !seen[e] { // a batch may return one entry twice
			seen[e] = true
			e.Unwrap()
		}
	}
}

func record(ctx context.Context, c *ent.Client, tenantID string, entries []Entry, firstOf []int, keys []string, form insertForm) (*Result, error) {
	idOf := make([]string, len(entries))
	for i := range entries {
		if firstOf[i] == i {
			idOf[i] = ids.New("AuditEntry")
		}
	}
	res := &Result{Entries: make([]*ent.AuditEntry, len(entries)), Replayed: make([]bool, len(entries))}
	var stored, byKey map[string]*ent.AuditEntry
	var err error
	if sharedInsert(form, batch{firstOf: firstOf, keys: keys}) {
		stored, byKey, err = insertWithArrays(ctx, c, tenantID, entries, idOf, keys, form)
	} else {
		var done bool
		stored, byKey, done, err = insertWithBuilders(ctx, c, tenantID, entries, firstOf, keys, idOf, res)
		if done && err == nil {
			return res, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return answer(res, entries, firstOf, idOf, stored, byKey)
}

// answer fills res, for entries whose new rows were given the ids idOf
// (empty for a repeat of an earlier entry's key), from what is stored
// under those ids and under the batch's keys; a *ConflictError when a key
// holds other content than its entry carries.
func answer(res *Result, entries []Entry, firstOf []int, idOf []string, stored, byKey map[string]*ent.AuditEntry) (*Result, error) {
	for i, e := range entries {
		j := firstOf[i]
		var got *ent.AuditEntry
		if e.IdempotencyKey != nil {
			got = byKey[*e.IdempotencyKey]
		} else {
			got = stored[idOf[i]]
		}
		if got == nil {
			return nil, fmt.Errorf("entry %d not found after insert", i)
		}
		res.Entries[i] = got
		if j == i && got.ID == idOf[i] {
			res.Created++
		} else {
			res.Duplicates++
		}
		res.Replayed[i] = got.ID != idOf[j]
	}
	var conflicts []int
	for i, e := range entries {
		if e.IdempotencyKey != nil && res.Entries[i].ID != idOf[i] && !sameContent(e, res.Entries[i]) {
			conflicts = append(conflicts, i)
		}
	}
	if len(conflicts) > 0 {
		return nil, &ConflictError{Indexes: conflicts}
	}
	return res, nil
}

// insertWithBuilders writes the new entries of a batch with ent's
// multi-row INSERT and returns what is stored under the batch's ids and
// keys. Without idempotency keys nothing can conflict: it fills res itself
// and reports done.
func insertWithBuilders(ctx context.Context, c *ent.Client, tenantID string, entries []Entry, firstOf []int, keys, idOf []string, res *Result) (stored, byKey map[string]*ent.AuditEntry, done bool, err error) {
	builders := make([]*ent.AuditEntryCreate, 0, len(entries))
	for i, e := range entries {
		if firstOf[i] != i {
			continue
		}
		e.ID = idOf[i]
		builders = append(builders, Create(c.AuditEntry, e))
	}

	if len(keys) == 0 {
		// No idempotency keys, nothing can conflict: the nodes built for
		// the INSERT are the stored entries.
		for start := 0; start < len(builders); start += insertChunk {
			nodes, err := c.AuditEntry.CreateBulk(builders[start:min(start+insertChunk, len(builders))]...).Save(ctx)
			if err != nil {
				return nil, nil, true, insertErr(err)
			}
			copy(res.Entries[start:], nodes)
		}
		res.Created = len(entries)
		return nil, nil, true, nil
	}

	for start := 0; start < len(builders); start += insertChunk {
		err := c.AuditEntry.CreateBulk(builders[start:min(start+insertChunk, len(builders))]...).
			OnConflict(
				sql.ConflictColumns(auditentry.FieldTenantID, auditentry.FieldIdempotencyKey),
				sql.ConflictWhere(sql.NotNull(auditentry.FieldIdempotencyKey)),
			).
			DoNothing().
			Exec(ctx)
		if err != nil {
			return nil, nil, false, insertErr(err)
		}
	}

	// Read back what is stored under this batch's ids and keys.
	var ownIDs []string
	for i := range entries {
		if firstOf[i] == i && entries[i].IdempotencyKey == nil {
			ownIDs = append(ownIDs, idOf[i])
		}
	}
	stored, byKey, err = readStored(ctx, c, tenantID, ownIDs, keys)
	return stored, byKey, false, err
}

// insertWithArrays writes the new entries of a batch with one shared
// statement (form: column arrays on PostgreSQL, VALUES rows on SQLite) and
// returns what is stored under the batch's ids and keys: the rows it
// wrote, and for keys that were taken already, the entries stored under
// them, read back.
func insertWithArrays(ctx context.Context, c *ent.Client, tenantID string, entries []Entry, idOf, keys []string, form insertForm) (stored, byKey map[string]*ent.AuditEntry, err error) {
	rows := make([]Entry, 0, len(entries))
	for i, e := range entries {
		if idOf[i] == "" {
			continue // a repeat of an earlier entry's key
		}
		e.ID = idOf[i]
		rows = append(rows, finish(e))
	}
	stored, err = insertArrays(ctx, c, rows, len(keys) > 0, form)
	if err != nil {
		return nil, nil, err
	}
	byKey = map[string]*ent.AuditEntry{}
	var taken []string
	for _, e := range rows {
		if e.IdempotencyKey == nil {
			continue
		}
		if n := stored[e.ID]; n != nil {
			byKey[*e.IdempotencyKey] = n
		} else {
			taken = append(taken, *e.IdempotencyKey)
		}
	}
	if len(taken) > 0 {
		_, old, err := readStored(ctx, c, tenantID, nil, taken)
		if err != nil {
			return nil, nil, err
		}
		for k, n := range old {
			byKey[k] = n
		}
	}
	return stored, byKey, nil
}

// readStored reads the entries stored under ids, and under keys in the
// tenant. The caller may write but not necessarily read the tenant (an
// INGEST key): the inserts passed the privacy rules for this tenant, and a
// replay returns the stored entry (API.md), so the read runs as the system.
// Result.Replayed tells the caller's layer which entries it did not write,
// so that it answers them through the caller's read rules.
func readStored(ctx context.Context, c *ent.Client, tenantID string, ids, keys []string) (stored, byKey map[string]*ent.AuditEntry, err error) {
	sys := rule.AsSystem(ctx)
	stored = map[string]*ent.AuditEntry{} // by id
	byKey = map[string]*ent.AuditEntry{}
	for start := 0; start < max(len(ids), len(keys)); start += insertChunk {
		idPart := ids[min(start, len(ids)):min(start+insertChunk, len(ids))]
		keyPart := keys[min(start, len(keys)):min(start+insertChunk, len(keys))]
		var or []predicate.AuditEntry
		if len(idPart) > 0 {
			or = append(or, auditentry.IDIn(idPart...))
		}
		if len(keyPart) > 0 {
			or = append(or, auditentry.And(auditentry.TenantID(tenantID), auditentry.IdempotencyKeyIn(keyPart...)))
		}
		rows, err := c.AuditEntry.Query().Where(auditentry.Or(or...)).All(sys)
		if err != nil {
			return nil, nil, fmt.Errorf("read recorded entries: %w", err)
		}
		for _, r := range rows {
			stored[r.ID] = r
			if r.IdempotencyKey != nil && r.TenantID != nil && *r.TenantID == tenantID {
				byKey[*r.IdempotencyKey] = r
			}
		}
	}
	return stored, byKey, nil
}

// sharedInsert reports whether record writes the new rows of a batch with
// one shared statement of the form (insertWithArrays) rather than ent's
// builders.
func sharedInsert(form insertForm, b batch) bool {
	return form != builders && (len(b.keys) > 0 || len(b.firstOf)-countDuplicates(b.firstOf) >= arrayMin)
}

// tenantsExist checks, in c's transaction, that the tenants exist
// (ErrTenantNotFound if one does not): what the entries' foreign key does
// for a transaction that writes them with foreign keys off
// (txn.WithOwnForeignKeys). Such a transaction is SQLite's, which holds the
// write lock from its BEGIN, so no tenant goes before it commits.
func tenantsExist(ctx context.Context, c *ent.Client, ids []string) error {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := fmt.Sprintf("SELECT COUNT(*) FROM %q WHERE %q IN (%s)", tenant.Table, tenant.FieldID,
		strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","))
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("check tenants: %w", err)
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return fmt.Errorf("check tenants: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check tenants: %w", err)
	}
	if n != len(ids) {
		return ErrTenantNotFound
	}
	return nil
}

// countDuplicates counts the entries of a batch that repeat an earlier
// entry's idempotency key.
func countDuplicates(firstOf []int) int {
	n := 0
	for i, j := range firstOf {
		if i != j {
			n++
		}
	}
	return n
}

// sameContent reports whether e, as prepared from what a client sent,
// carries the content of the stored entry: their hashes (which cover every
// client-sent field, after redaction and defaults) agree. An occurredAt the
// client left out takes the stored one, so a retry without it still matches.
func sameContent(e Entry, stored *ent.AuditEntry) bool {
	if e.occurredAtDefault {
		e.OccurredAt = stored.OccurredAt
	}
	// The hash also covers the id and the time of receipt, which are the
	// stored entry's own: compare the rest.
	e.ID, e.ReceivedAt = stored.ID, stored.ReceivedAt
	return Hash(e) == stored.Hash
}

// insertErr maps a failed insert: a foreign-key failure means the tenant
// does not exist (a platform admin recording into a deleted tenant).
func insertErr(err error) error {
	if ent.IsConstraintError(err) {
		msg := strings.ToLower(err.Error())
		if strings.Contains(msg, "foreign key") {
			return ErrTenantNotFound
		}
	}
	return fmt.Errorf("insert entries: %w", err)
}
