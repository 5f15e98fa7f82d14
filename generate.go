package main

// Code generation, in order: ent (+ entgql writes graph/ent.graphqls), then gqlgen.
//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod github.com/99designs/gqlgen generate
