//go:build ignore

// entc generates the ent client and, through entgql, graph/ent.graphqls.
// Run from the repository root by generate.go.
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("graph/ent.graphqls"),
		entgql.WithConfigPath("gqlgen.yml"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		entgql.WithNodeDescriptor(false),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	cfg := &gen.Config{
		Target:  "ent",
		Package: "github.com/trailmark/trailmark/ent",
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureSnapshot,
			gen.FeatureEntQL,
			gen.FeatureUpsert,
			gen.FeatureVersionedMigration,
			gen.FeatureExecQuery,
			gen.FeatureModifier,
			gen.FeatureIntercept,
			gen.FeatureLock,
		},
	}
	if err := entc.Generate("./ent/schema", cfg, entc.Extensions(ex), entc.TemplateFiles("./ent/template/attach.tmpl")); err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}
