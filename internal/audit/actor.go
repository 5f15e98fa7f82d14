package audit

import (
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/viewer"
)

// ActorOf is the actor of entries made by v (API.md "Trailmark audits
// itself"): a user is {USER, user ID, name, email}, an API key {API_KEY, key
// ID, key name}, anything else Trailmark itself, {SYSTEM, name "trailmark"}.
func ActorOf(v *viewer.Viewer) Actor {
	switch v.Kind {
	case viewer.User:
		return Actor{Type: schematype.ActorUser, ID: nonEmpty(v.UserID), Name: nonEmpty(v.UserName), Email: nonEmpty(v.UserEmail)}
	case viewer.APIKey:
		return Actor{Type: schematype.ActorAPIKey, ID: nonEmpty(v.APIKeyID), Name: nonEmpty(v.APIKeyName)}
	}
	return Actor{Type: schematype.ActorSystem, Name: nonEmpty("trailmark")}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
