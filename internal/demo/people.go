package demo

import (
	"fmt"

	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// Person is a demo user who appears as the actor of demo entries. The IDs
// are fixed so that an entry's actor.user resolves once a User row with
// that ID exists (see Options.Users).
type Person struct {
	ID    string
	Name  string
	Email string
	Role  schematype.Role
	// Workspace scopes the membership to one workspace; "" is the whole tenant.
	Workspace string
}

func personID(n int) string { return fmt.Sprintf("usr_00DEM0%020d", n) }

// AcmePeople are the people of the acme tenant, owner first.
var AcmePeople = []Person{
	{personID(1), "Maya Patel", "maya@acme.io", schematype.RoleOwner, ""},
	{personID(2), "Jonas Weber", "jonas@acme.io", schematype.RoleAdmin, ""},
	{personID(3), "Aiko Tanaka", "aiko@acme.io", schematype.RoleAdmin, ""},
	{personID(4), "Liam O'Connor", "liam@acme.io", schematype.RoleAuditor, ""},
	{personID(5), "Sofia Rossi", "sofia@acme.io", schematype.RoleMember, ""},
	{personID(6), "Noah Kim", "noah@acme.io", schematype.RoleMember, ""},
	{personID(7), "Emma Larsen", "emma@acme.io", schematype.RoleAdmin, "prod-eu"},
	{personID(8), "Diego Fernández", "diego@acme.io", schematype.RoleMember, ""},
	{personID(9), "Priya Raman", "priya@acme.io", schematype.RoleMember, ""},
	{personID(10), "Lucas Martin", "lucas@acme.io", schematype.RoleAuditor, "analytics"},
	{personID(11), "Hannah Schmidt", "hannah@acme.io", schematype.RoleMember, ""},
	{personID(12), "Omar Haddad", "omar@acme.io", schematype.RoleMember, ""},
}

// GlobexPeople are the people of the globex tenant.
var GlobexPeople = []Person{
	{personID(21), "Hank Scorpio", "hank@globex.com", schematype.RoleOwner, ""},
	{personID(22), "Frank Grimes", "frank@globex.com", schematype.RoleAdmin, ""},
	{personID(23), "Mindy Simmons", "mindy@globex.com", schematype.RoleMember, ""},
}

// API keys act too (Trailmark itself, SYSTEM, for billing and processes).
var (
	deployBot  = keyActor{fmt.Sprintf("key_00DEM0%020d", 1), "deploy-bot (CI)"}
	billingBot = keyActor{fmt.Sprintf("key_00DEM0%020d", 2), "billing-sync"}
)

type keyActor struct{ ID, Name string }
