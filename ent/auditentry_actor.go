package ent

import "github.com/trailmark/trailmark/ent/schema/schematype"

// Actor is the entry's GraphQL actor, from its stored actor columns; the
// entry's tenant decides who may read the email (schematype.Actor). Written
// by hand (not by entc): a method without a context, so gqlgen resolves the
// field inline instead of in a goroutine per entry.
func (e *AuditEntry) Actor() *schematype.Actor {
	return &schematype.Actor{Type: e.ActorType, ID: e.ActorID, Name: e.ActorName, Email: e.ActorEmail, TenantID: e.TenantID}
}
