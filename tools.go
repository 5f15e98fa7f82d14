//go:build tools

// Generator packages, so that go.mod pins them and `go generate` runs offline.
package main

import (
	_ "entgo.io/contrib/entgql"
	_ "entgo.io/ent/entc/gen"
	_ "github.com/99designs/gqlgen"
	_ "github.com/99designs/gqlgen/graphql/introspection"
)
