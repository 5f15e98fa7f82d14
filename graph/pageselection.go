package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/trailmark/trailmark/ent/auditentry"
)

// pageSelection is what the auditEntries resolver reads of its field's
// selection. gqlgen's path walks the selection each request; the direct
// path (DirectRead) walks a document once — its selection holds no
// directive that takes a variable, so every request of it selects the
// same — and hands the result to the resolver in the context.
type pageSelection struct {
	count bool // totalCount, totalCountCapped or totalCountEstimated
	page  bool // edges or pageInfo
	// tenant: edges.node.tenant is selected; tenantIDOnly: and every such
	// tenant asks for nothing but id and __typename (tenantRefsOnly).
	tenant, tenantIDOnly bool
	actorUser            bool // edges.node.actor.user
	seqs                 bool // edges.node.seq or edges.node.inclusionProof
	// nodeCols are the columns the node fields read with the id and the
	// tenant; allCols: a field is not in entryColumns (read every column).
	nodeCols []string
	allCols  bool
}

type pageSelectionKey struct{}

// selectionOf is the selection of the connection field of ctx: the direct
// path's, or walked now.
func selectionOf(ctx context.Context) *pageSelection {
	if s, ok := ctx.Value(pageSelectionKey{}).(*pageSelection); ok {
		return s
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return &pageSelection{allCols: true}
	}
	return walkPageSelection(graphql.GetOperationContext(ctx), fc.Field.Field)
}

// walkPageSelection walks the selection of the connection field f.
func walkPageSelection(oc *graphql.OperationContext, f *ast.Field) *pageSelection {
	s := &pageSelection{}
	fields := collect(oc, f)
	for _, c := range fields {
		switch c.Name {
		case "totalCount", "totalCountCapped", "totalCountEstimated":
			s.count = true
		case "edges", "pageInfo":
			s.page = true
		}
	}
	// The first edges and node under each name, as fieldSelected follows.
	if edges := firstNamed(fields, "edges"); edges != nil {
		if node := firstNamed(collect(oc, edges), "node"); node != nil {
			nodeFields := collect(oc, node)
			if t := firstNamed(nodeFields, "tenant"); t != nil {
				s.tenant = true
			}
			if a := firstNamed(nodeFields, "actor"); a != nil {
				s.actorUser = firstNamed(collect(oc, a), "user") != nil
			}
			s.seqs = firstNamed(nodeFields, "seq") != nil || firstNamed(nodeFields, "inclusionProof") != nil
		}
	}
	// Every alias of edges and node, as pageNodeFields collects them.
	var nodeFields []graphql.CollectedField
	for _, edges := range fields {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range collect(oc, edges.Field) {
			if node.Name == "node" {
				nodeFields = append(nodeFields, collect(oc, node.Field)...)
			}
		}
	}
	s.tenantIDOnly = s.tenant
	s.nodeCols = []string{auditentry.FieldID, auditentry.FieldTenantID}
	for _, nf := range nodeFields {
		if nf.Name == "tenant" {
			for _, tf := range collect(oc, nf.Field) {
				if tf.Name != "id" && tf.Name != "__typename" {
					s.tenantIDOnly = false
				}
			}
		}
		c, ok := entryColumns[nf.Name]
		if !ok {
			s.allCols = true
		}
		if nf.Name == "actor" {
			c = actorFieldColumns(oc, nf.Field)
		}
		s.nodeCols = append(s.nodeCols, c...)
	}
	if s.allCols {
		s.nodeCols = nil
	}
	return s
}

// firstNamed is the field of fields named name (the first, as
// fieldSelected takes it), as an *ast.Field, or nil.
func firstNamed(fields []graphql.CollectedField, name string) *ast.Field {
	for _, f := range fields {
		if f.Name == name {
			return f.Field
		}
	}
	return nil
}

// columns are the columns the page's query reads (nodeColumns): the node
// fields', the id, the tenant and the order column, sorted; nil for all.
func (s *pageSelection) columns(orderCol string) []string {
	if s.allCols {
		return nil
	}
	cols := append(slices.Clip(s.nodeCols), orderCol)
	slices.Sort(cols)
	return slices.Compact(cols)
}
