package graph

import (
	"context"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/graph/model"
)

// actor is the GraphQL Actor of stored actor columns in tenantID (the
// tenant decides who may read its email); actor.user is resolved on demand.
func (r *Resolver) actor(_ context.Context, tenantID string, typ schematype.ActorType, id, name, email *string) (*model.Actor, error) {
	a := &model.Actor{Type: typ, ID: id, Name: name, Email: email, TenantID: &tenantID}
	if tenantID == "" { // a process of the platform log
		a.TenantID = nil
	}
	return a, nil
}
