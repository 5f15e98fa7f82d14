package schematype

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Role is a membership role, most powerful first.
type Role string

// The roles, most powerful first.
const (
	RoleOwner   Role = "OWNER"
	RoleAdmin   Role = "ADMIN"
	RoleAuditor Role = "AUDITOR"
	RoleMember  Role = "MEMBER"
)

var roleRank = map[Role]int{RoleOwner: 4, RoleAdmin: 3, RoleAuditor: 2, RoleMember: 1}

// AtLeast reports whether r includes the rights of min.
func (r Role) AtLeast(min Role) bool { return roleRank[r] >= roleRank[min] }

// Values lists the roles for ent's enum field.
func (Role) Values() []string { return names(RoleOwner, RoleAdmin, RoleAuditor, RoleMember) }

// ActorType says who did something.
type ActorType string

// The actor types.
const (
	ActorUser   ActorType = "USER"
	ActorAPIKey ActorType = "API_KEY"
	ActorSystem ActorType = "SYSTEM" // Trailmark itself, or an integration's own automation
	// ActorWebhook is an inbound webhook or trigger that caused the action;
	// its name is the source ("GitHub push", "Stripe webhook").
	ActorWebhook ActorType = "WEBHOOK"
)

// Values lists the actor types for ent's enum field.
func (ActorType) Values() []string {
	return names(ActorUser, ActorAPIKey, ActorSystem, ActorWebhook)
}

// ProcessKind is what a process does.
type ProcessKind string

// The process kinds.
const (
	ProcessArchive   ProcessKind = "ARCHIVE"
	ProcessExport    ProcessKind = "EXPORT"
	ProcessRetention ProcessKind = "RETENTION"
	// ProcessVerify re-hashes a log's entries against its Merkle tree
	// (internal/verify).
	ProcessVerify ProcessKind = "VERIFY"
)

// Values lists the process kinds for ent's enum field.
func (ProcessKind) Values() []string { return names(ProcessArchive, ProcessExport, ProcessRetention, ProcessVerify) }

// Scope is what an API key may do. Keys store their scopes as strings
// (ent's field.Strings); GraphQL's APIKeyScope enum has the same names.
type Scope string

// The API key scopes.
const (
	ScopeIngest Scope = "INGEST"
	ScopeRead   Scope = "READ"
)

// Values lists the scopes.
func (Scope) Values() []string { return names(ScopeIngest, ScopeRead) }

func names[T ~string](vs ...T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// MarshalGQL writes the enum name.
func (r Role) MarshalGQL(w io.Writer) { writeEnum(w, string(r)) }

// UnmarshalGQL reads and checks an enum name.
func (r *Role) UnmarshalGQL(v any) error { return readEnum(v, (*string)(r), Role("").Values(), "Role") }

// MarshalGQL writes the enum name.
func (t ActorType) MarshalGQL(w io.Writer) { writeEnum(w, string(t)) }

// UnmarshalGQL reads and checks an enum name.
func (t *ActorType) UnmarshalGQL(v any) error {
	return readEnum(v, (*string)(t), ActorType("").Values(), "ActorType")
}

// MarshalGQL writes the enum name.
func (k ProcessKind) MarshalGQL(w io.Writer) { writeEnum(w, string(k)) }

// UnmarshalGQL reads and checks an enum name.
func (k *ProcessKind) UnmarshalGQL(v any) error {
	return readEnum(v, (*string)(k), ProcessKind("").Values(), "ProcessKind")
}

func writeEnum(w io.Writer, s string) { _, _ = io.WriteString(w, strconv.Quote(s)) }

func readEnum(v any, dst *string, values []string, name string) error {
	s, ok := v.(string)
	if !ok || !slices.Contains(values, s) {
		return fmt.Errorf("%v is not a valid %s", v, name)
	}
	*dst = s
	return nil
}
