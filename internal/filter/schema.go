package filter

import "github.com/trailmark/trailmark/ent/schema/schematype"

// Kind is the type of a filterable field; it decides which operators and
// values the field accepts.
type Kind int

const (
	// String is a text column: comparisons, like/ilike, in, is null.
	String Kind = iota
	// Time is a timestamp column compared with now() ± interval or a quoted
	// RFC 3339 time or date.
	Time
	// Enum is a text column holding one of Field.Enum; values are matched
	// case-insensitively and an unknown value is an error.
	Enum
	// JSON is a JSON column, usable only through ->/->> paths or with is null.
	JSON
	// Tenant is a tenant_id column matched by the tenant's slug or ID:
	// =, !=, in and is null. A value that names no tenant, or one the viewer
	// may not read, simply matches nothing (entries are filtered by the
	// viewer's visibility first), so the filter reveals nothing about other
	// tenants.
	Tenant
)

func (k Kind) String() string {
	switch k {
	case String:
		return "text"
	case Time:
		return "time"
	case Enum:
		return "enum"
	case JSON:
		return "JSON"
	case Tenant:
		return "tenant"
	}
	return "unknown"
}

// Field is one name a filter may use.
type Field struct {
	Name   string // the name in the filter language
	Column string // the SQL column, qualified through sql.Selector.C
	Kind   Kind
	Enum   []string // allowed stored values, upper-case; Kind Enum only
}

// Schema is the set of fields of one queryable type, keyed by filter name.
type Schema struct {
	Fields map[string]Field
}

func newSchema(fields ...Field) Schema {
	s := Schema{Fields: make(map[string]Field, len(fields))}
	for _, f := range fields {
		if f.Column == "" {
			f.Column = f.Name
		}
		s.Fields[f.Name] = f
	}
	return s
}

// The schemas of the three filterable types; column names follow the ent schema.
var (
	AuditEntries = newSchema(
		Field{Name: "action", Kind: String},
		Field{Name: "resource_type", Kind: String},
		Field{Name: "resource_id", Kind: String},
		Field{Name: "resource_name", Kind: String},
		Field{Name: "workspace", Kind: String},
		Field{Name: "actor_type", Kind: Enum, Enum: schematype.ActorType("").Values()},
		Field{Name: "actor_id", Kind: String},
		Field{Name: "actor_name", Kind: String},
		Field{Name: "actor_email", Kind: String},
		Field{Name: "status", Kind: Enum, Enum: []string{"SUCCESS", "FAILURE"}},
		Field{Name: "occurred_at", Kind: Time},
		Field{Name: "received_at", Kind: Time},
		Field{Name: "metadata", Kind: JSON},
		Field{Name: "old_value", Kind: JSON},
		Field{Name: "new_value", Kind: JSON},
		Field{Name: "tenant", Column: "tenant_id", Kind: Tenant},
	)
	Processes = newSchema(
		Field{Name: "kind", Kind: Enum, Enum: schematype.ProcessKind("").Values()},
		Field{Name: "status", Kind: Enum, Enum: []string{"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED"}},
		Field{Name: "created_at", Kind: Time},
		Field{Name: "started_at", Kind: Time},
		Field{Name: "finished_at", Kind: Time},
	)
	Archives = newSchema(
		Field{Name: "name", Kind: String},
		Field{Name: "format", Kind: Enum, Enum: []string{"JSONL_GZ", "CSV_GZ"}},
		Field{Name: "created_at", Kind: Time},
		Field{Name: "from", Kind: Time},
		Field{Name: "to", Kind: Time},
	)
)
