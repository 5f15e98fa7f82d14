package model

import "github.com/trailmark/trailmark/ent/schema/schematype"

// Actor is who did something: a user, an API key or Trailmark itself (see
// schematype.Actor, where it is defined so that ent's AuditEntry can return
// it from a plain method).
type Actor = schematype.Actor
