package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/viewer"
)

// ErrNoScopes: a key with no scope could do nothing.
var ErrNoScopes = errors.New("an API key needs at least one scope (INGEST, READ)")

// NewAPIKey is a created key and its secret, which is never stored and
// never shown again.
type NewAPIKey struct {
	Key    *ent.APIKey
	Secret string
}

// Unwrap detaches the key from the transaction that created it (txn.Value
// calls it after the commit).
func (k *NewAPIKey) Unwrap() *NewAPIKey {
	k.Key = k.Key.Unwrap()
	return k
}

// CreateAPIKey creates a key for tenantID on c (a transaction's client, so
// that the key and its api_key.create entry commit together). The caller's
// rights are checked by the privacy rules; createdBy is the signed-in user.
func CreateAPIKey(ctx context.Context, c *ent.Client, tenantID, name string, scopes []string) (*NewAPIKey, error) {
	var clean []string
	for _, s := range scopes {
		s = strings.ToUpper(strings.TrimSpace(s))
		if !slices.Contains(schematype.Scope("").Values(), s) {
			return nil, fmt.Errorf("unknown scope %q", s)
		}
		if !slices.Contains(clean, s) {
			clean = append(clean, s)
		}
	}
	if len(clean) == 0 {
		return nil, ErrNoScopes
	}
	slices.Sort(clean)
	secret, prefix := NewAPIKeySecret()
	cr := c.APIKey.Create().
		SetTenantID(tenantID).
		SetName(strings.TrimSpace(name)).
		SetPrefix(prefix).
		SetSecretHash(HashToken(secret)).
		SetScopes(clean)
	if v := viewer.FromContext(ctx); v.Kind == viewer.User {
		cr.SetCreatedByID(v.UserID)
	}
	k, err := cr.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create api key: %w", err)
	}
	return &NewAPIKey{Key: k, Secret: secret}, nil
}
