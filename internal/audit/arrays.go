package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
)

// insertForm is how new rows are written.
type insertForm int

const (
	// builders: ent's multi-row INSERT, a request at a time.
	builders insertForm = iota
	// pgArrays: one INSERT … SELECT FROM unnest of column arrays
	// (PostgreSQL), shared by the requests of a group.
	pgArrays
	// sqliteValues: one multi-row INSERT … VALUES (SQLite), shared by the
	// requests of a group (values.go).
	sqliteValues
)

// arrayMin is the fewest new rows of a batch without idempotency keys
// that are written with one shared statement (insertArrays) when the
// writer uses one. A batch with keys takes it from one row: its statement
// returns which keys were free, where ent's INSERT is followed by a
// read-back of every key.
const arrayMin = 2

// insertColumns are the columns insertArrays writes, in the order of its
// arrays, with the type each array is read as.
var insertColumns = []struct{ name, cast string }{
	{auditentry.FieldID, "text[]"},
	{auditentry.FieldTenantID, "text[]"},
	{auditentry.FieldOccurredAt, "timestamptz[]"},
	{auditentry.FieldReceivedAt, "timestamptz[]"},
	{auditentry.FieldAction, "text[]"},
	{auditentry.FieldResourceType, "text[]"},
	{auditentry.FieldResourceID, "text[]"},
	{auditentry.FieldResourceName, "text[]"},
	{auditentry.FieldWorkspace, "text[]"},
	{auditentry.FieldActorType, "text[]"},
	{auditentry.FieldActorID, "text[]"},
	{auditentry.FieldActorName, "text[]"},
	{auditentry.FieldActorEmail, "text[]"},
	{auditentry.FieldStatus, "text[]"},
	{auditentry.FieldOldValue, "jsonb[]"},
	{auditentry.FieldNewValue, "jsonb[]"},
	{auditentry.FieldMetadata, "jsonb[]"},
	{auditentry.FieldRequest, "json[]"},
	{auditentry.FieldIdempotencyKey, "text[]"},
	{auditentry.FieldHash, "text[]"},
}

// insertSQL is the array statement: the rows travel as one text array per
// column, so PostgreSQL parses and plans one small statement however many
// rows there are, instead of a VALUES list of 20 parameters a row (ent's
// multi-row INSERT). With idempotency keys it skips the rows whose key is
// taken, like Record's ON CONFLICT DO NOTHING, and returns the ids it wrote.
var insertSQL, insertKeyedSQL = func() (string, string) {
	var cols, arrays []string
	for i, c := range insertColumns {
		cols = append(cols, `"`+c.name+`"`)
		arrays = append(arrays, fmt.Sprintf("$%d::%s", i+1, c.cast))
	}
	q := fmt.Sprintf(`INSERT INTO %q (%s) SELECT * FROM unnest(%s)`,
		auditentry.Table, strings.Join(cols, ", "), strings.Join(arrays, ", "))
	return q, q + fmt.Sprintf(` ON CONFLICT (%q, %q) WHERE %q IS NOT NULL DO NOTHING RETURNING "id"`,
		auditentry.FieldTenantID, auditentry.FieldIdempotencyKey, auditentry.FieldIdempotencyKey)
}()

// insertArrays writes rows (finished entries, see finish) in c's
// transaction with one statement and returns the stored nodes of the rows
// it wrote, by id; with keyed set, rows whose idempotency key is already
// taken are skipped (and missing from the answer).
//
// The statement bypasses ent's builders, so what they would do is done
// here: each row's mutation passes the client's hooks — the privacy rules
// (the same AuditEntry mutation policy, with the caller's context) and the
// live tail's commit announcement — and ent's field validators, before
// anything is written. The log_leaves and counter triggers fire on this
// INSERT as on ent's.
func insertArrays(ctx context.Context, c *ent.Client, rows []Entry, keyed bool, form insertForm) (map[string]*ent.AuditEntry, error) {
	if err := checkRows(ctx, c, rows); err != nil {
		return nil, err
	}
	nodes, _, err := writeShared(ctx, c, sharedRows{rows: rows}, keyed, form)
	return nodes, err
}

// writeShared writes rows that checkRows passed with one statement of the
// given form (on SQLite, a few: see values.go), computing the hashes and
// values r does not hold yet; it also says how many statements it ran.
func writeShared(ctx context.Context, c *ent.Client, r sharedRows, keyed bool, form insertForm) (map[string]*ent.AuditEntry, int, error) {
	if r.hashes == nil {
		r.hashes = make([]string, len(r.rows))
		for i, e := range r.rows {
			r.hashes[i] = Hash(e)
		}
	}
	if form == sqliteValues {
		return writeValues(ctx, c, r, keyed)
	}
	nodes, err := writeArrays(ctx, c, r.rows, r.hashes, keyed)
	return nodes, 1, err
}

// checkRows does for rows what ent's builders do before they write: ent's
// field validators, then each row's mutation through the client's hooks —
// the AuditEntry privacy policy with ctx's viewer and the live tail's
// commit announcement.
func checkRows(ctx context.Context, c *ent.Client, rows []Entry) error {
	hooks := c.AuditEntry.Hooks()
	var mut ent.Mutator = ent.MutateFunc(func(context.Context, ent.Mutation) (ent.Value, error) { return nil, nil })
	for i := len(hooks) - 1; i >= 0; i-- {
		mut = hooks[i](mut)
	}
	for _, e := range rows {
		if err := validateRow(e); err != nil {
			return fmt.Errorf("insert entries: %w", err)
		}
		m := c.AuditEntry.Create().SetID(e.ID).SetNillableTenantID(e.TenantID).Mutation()
		if _, err := mut.Mutate(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// writeArrays is insertArrays' statement, for rows checkRows passed, with
// their hashes.
func writeArrays(ctx context.Context, c *ent.Client, rows []Entry, hashes []string, keyed bool) (map[string]*ent.AuditEntry, error) {
	cols := make([]pgArray, len(insertColumns))
	for i, e := range rows {
		cols[0].text(e.ID)
		cols[1].nullable(e.TenantID)
		cols[2].time(e.OccurredAt)
		cols[3].time(e.ReceivedAt)
		cols[4].text(e.Action)
		cols[5].text(e.ResourceType)
		cols[6].nullable(e.ResourceID)
		cols[7].nullable(e.ResourceName)
		cols[8].nullable(e.Workspace)
		cols[9].text(string(e.Actor.Type))
		cols[10].nullable(e.Actor.ID)
		cols[11].nullable(e.Actor.Name)
		cols[12].nullable(e.Actor.Email)
		cols[13].text(string(e.Status))
		cols[14].json(e.OldValue)
		cols[15].json(e.NewValue)
		cols[16].json(e.Metadata)
		if e.Request != nil {
			// As ent stores a JSON field: encoding/json's bytes (the
			// column is json, kept byte for byte).
			b, err := json.Marshal(e.Request)
			if err != nil {
				return nil, fmt.Errorf("insert entries: request: %w", err)
			}
			cols[17].json(b)
		} else {
			cols[17].null()
		}
		cols[18].nullable(e.IdempotencyKey)
		cols[19].text(hashes[i])
	}
	args := make([]any, len(cols))
	for i := range cols {
		args[i] = cols[i].String()
	}

	q := insertSQL
	if keyed {
		q = insertKeyedSQL
	}
	written := make(map[string]bool, len(rows))
	if err := runShared(ctx, c, q, args, rows, keyed, written, arraysErr); err != nil {
		return nil, err
	}
	return attachWritten(c, rows, hashes, written), nil
}

// runShared runs q, a shared INSERT of rows with args, and marks in
// written the ids it wrote: with keyed, those its RETURNING gives (a row
// whose key was taken is skipped); without, every row, which must all have
// been written. mapErr maps the statement's error (arraysErr, valuesErr).
func runShared(ctx context.Context, c *ent.Client, q string, args []any, rows []Entry, keyed bool, written map[string]bool, mapErr func(error) error) error {
	if !keyed {
		res, err := c.ExecContext(ctx, q, args...)
		if err != nil {
			return mapErr(err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(rows)) {
			return fmt.Errorf("insert entries: %d of %d rows written (%v)", n, len(rows), err)
		}
		for _, e := range rows {
			written[e.ID] = true
		}
		return nil
	}
	r, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return mapErr(err)
	}
	for r.Next() {
		var id string
		if err := r.Scan(&id); err != nil {
			r.Close()
			return mapErr(err)
		}
		written[id] = true
	}
	if err := r.Close(); err != nil {
		return mapErr(err)
	}
	if err := r.Err(); err != nil {
		return mapErr(err)
	}
	return nil
}

// attachWritten returns the stored nodes of the rows written (with their
// hashes), by id, bound to c as the builders' nodes are.
func attachWritten(c *ent.Client, rows []Entry, hashes []string, written map[string]bool) map[string]*ent.AuditEntry {
	nodes := make(map[string]*ent.AuditEntry, len(written))
	for i, e := range rows {
		if !written[e.ID] {
			continue
		}
		nodes[e.ID] = c.AuditEntry.Attach(&ent.AuditEntry{
			ID: e.ID, TenantID: e.TenantID, OccurredAt: e.OccurredAt, ReceivedAt: e.ReceivedAt,
			Action: e.Action, ResourceType: e.ResourceType, ResourceID: e.ResourceID,
			ResourceName: e.ResourceName, Workspace: e.Workspace,
			ActorType: e.Actor.Type, ActorID: e.Actor.ID, ActorName: e.Actor.Name, ActorEmail: e.Actor.Email,
			Status: e.Status, OldValue: e.OldValue, NewValue: e.NewValue, Metadata: e.Metadata,
			Request: e.Request, IdempotencyKey: e.IdempotencyKey, Hash: hashes[i],
		})
	}
	return nodes
}

// validateRow runs ent's field validators on a row, as the builders do
// before they save.
func validateRow(e Entry) error {
	check := func(name string, err error) error {
		if err != nil {
			return fmt.Errorf("ent: validator failed for field %q: %w", "AuditEntry."+name, err)
		}
		return nil
	}
	opt := func(name string, v *string, f func(string) error) error {
		if v == nil {
			return nil
		}
		return check(name, f(*v))
	}
	return errors.Join(
		check(auditentry.FieldID, auditentry.IDValidator(e.ID)),
		check(auditentry.FieldAction, auditentry.ActionValidator(e.Action)),
		check(auditentry.FieldResourceType, auditentry.ResourceTypeValidator(e.ResourceType)),
		opt(auditentry.FieldResourceID, e.ResourceID, auditentry.ResourceIDValidator),
		opt(auditentry.FieldResourceName, e.ResourceName, auditentry.ResourceNameValidator),
		opt(auditentry.FieldWorkspace, e.Workspace, auditentry.WorkspaceValidator),
		check(auditentry.FieldActorType, auditentry.ActorTypeValidator(e.Actor.Type)),
		opt(auditentry.FieldActorID, e.Actor.ID, auditentry.ActorIDValidator),
		opt(auditentry.FieldActorName, e.Actor.Name, auditentry.ActorNameValidator),
		opt(auditentry.FieldActorEmail, e.Actor.Email, auditentry.ActorEmailValidator),
		check(auditentry.FieldStatus, auditentry.StatusValidator(e.Status)),
		opt(auditentry.FieldIdempotencyKey, e.IdempotencyKey, auditentry.IdempotencyKeyValidator),
	)
}

// arraysErr maps a failed array statement as insertErr maps ent's: a
// foreign-key failure means the tenant does not exist.
func arraysErr(err error) error {
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23503" { // foreign_key_violation
		return ErrTenantNotFound
	}
	return fmt.Errorf("insert entries: %w", err)
}

// pgArray builds the text form of a PostgreSQL array, one element at a time.
type pgArray struct {
	b strings.Builder
	n int
}

func (a *pgArray) next() {
	if a.n == 0 {
		a.b.WriteByte('{')
	} else {
		a.b.WriteByte(',')
	}
	a.n++
}

func (a *pgArray) null() {
	a.next()
	a.b.WriteString("NULL")
}

// text adds s quoted: backslashes and double quotes escaped, everything
// else (commas, braces, newlines, any UTF-8) as is.
func (a *pgArray) text(s string) {
	a.next()
	a.b.WriteByte('"')
	for {
		i := strings.IndexAny(s, `"\`)
		if i < 0 {
			break
		}
		a.b.WriteString(s[:i])
		a.b.WriteByte('\\')
		a.b.WriteByte(s[i])
		s = s[i+1:]
	}
	a.b.WriteString(s)
	a.b.WriteByte('"')
}

func (a *pgArray) nullable(s *string) {
	if s == nil {
		a.null()
		return
	}
	a.text(*s)
}

func (a *pgArray) json(b []byte) {
	if len(b) == 0 {
		a.null()
		return
	}
	a.text(string(b))
}

// time adds t in ISO 8601 with its offset and every digit it has (stored
// times are whole microseconds).
func (a *pgArray) time(t time.Time) {
	a.next()
	a.b.WriteString(t.Format(time.RFC3339Nano))
}

func (a *pgArray) String() string {
	if a.n == 0 {
		return "{}"
	}
	return a.b.String() + "}"
}
