package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/graph/model"
)

// ingestPOST puts a shortcut for ingestion in front of a POST transport: the
// `entries` variable of a recordAuditEntries mutation is decoded straight
// into the resolver's inputs (graph.DecodeIngestEntries) and replaced by
// `[]` in the body gqlgen then reads, so that gqlgen decodes, coerces
// (gqlparser's reflective validator.VariableValues) and unmarshals an empty
// list instead of every entry. Measured: docs/performance.md, "2026-12-05
// (evening) — ingest without reflection". A list literal of variables
// (`entries: [$entry]`, how one entry is commonly sent) is decoded the same
// way, each variable replaced by the smallest entry gqlgen accepts
// (entryPlaceholder): "2026-12-06 — the ingest shortcut for a list of
// variables".
//
// Every other request, and every ingest request the shortcut does not
// fully understand (see ingestVariable and DecodeIngestEntries), goes to
// gqlgen as it came: errors stay gqlgen's own.
type ingestPOST struct {
	next graphql.Transport // the POST transport that answers
	// docs holds what ingestDocument read of the recent documents: parsing
	// each request's document again was ~7% of a one-entry request's
	// allocations.
	docs *lru.LRU[ingestDoc]
}

// newIngestPOST puts the shortcut in front of next.
func newIngestPOST(next graphql.Transport) ingestPOST {
	return ingestPOST{next: next, docs: lru.New[ingestDoc](100)}
}

// Supports is the next transport's.
func (t ingestPOST) Supports(r *http.Request) bool { return t.next.Supports(r) }

var _ graphql.Transport = ingestPOST{}

func (t ingestPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		r.Body = io.NopCloser(failingReader{err}) // gqlgen's transport reports it
		t.next.Do(w, r, exec)
		return
	}
	if short, entries, ok := shortcutIngest(r.Context(), t.docs, body); ok {
		body = short
		r = r.WithContext(graph.WithDecodedEntries(r.Context(), entries))
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	t.next.Do(w, r, exec)
}

// failingReader fails every read with err.
type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// shortcutIngest returns body with the entries' variables replaced by
// placeholders and the entries decoded, when body is a recordAuditEntries
// mutation the shortcut understands. docs, when not nil, caches the reading
// of documents.
func shortcutIngest(ctx context.Context, docs *lru.LRU[ingestDoc], body []byte) ([]byte, []*model.AuditEntryInput, bool) {
	if !bytes.Contains(body, []byte(ingestField)) || !json.Valid(body) {
		return nil, nil, false
	}
	req, ok := graph.ReadIngestRequest(body)
	if !ok {
		return nil, nil, false
	}
	doc, cached := ingestDoc{}, false
	if docs != nil {
		doc, cached = docs.Get(ctx, req.Query)
	}
	if !cached {
		doc = ingestDocument(req.Query)
		if docs != nil {
			docs.Add(ctx, req.Query, doc)
		}
	}
	if !doc.ok || req.OperationName != "" && req.OperationName != doc.operation {
		return nil, nil, false
	}
	names, list := doc.names, doc.list
	spans := make([][2]int, len(names))
	for i, name := range names {
		if spans[i], ok = req.Variables[name]; !ok {
			return nil, nil, false
		}
	}
	var entries []*model.AuditEntryInput
	placeholder := "[]"
	if list {
		if entries, ok = graph.DecodeIngestEntries(body[spans[0][0]:spans[0][1]]); !ok {
			return nil, nil, false
		}
	} else {
		entries = make([]*model.AuditEntryInput, len(spans))
		for i, span := range spans {
			if entries[i], ok = graph.DecodeIngestEntry(body[span[0]:span[1]]); !ok {
				return nil, nil, false
			}
		}
		placeholder = entryPlaceholder
	}
	// The values lie in the body in the order of the variables object, not
	// of the list.
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	short := make([]byte, 0, len(body))
	at := 0
	for _, span := range spans {
		short = append(short, body[at:span[0]]...)
		short = append(short, placeholder...)
		at = span[1]
	}
	short = append(short, body[at:]...)
	return short, entries, true
}

// entryPlaceholder stands for a decoded entry in the body gqlgen reads: the
// smallest AuditEntryInput its coercion accepts. The resolver takes the
// decoded entries instead (graph.WithDecodedEntries).
const entryPlaceholder = `{"action":"","resourceType":""}`

// ingestDoc is what the shortcut reads of a document (ingestDocument).
type ingestDoc struct {
	ok        bool
	operation string   // the operation's name
	names     []string // the variables that give the entries
	list      bool     // names is one variable holding the list
}

// ingestDocument names the variables that give `entries` when query is a
// single mutation of one recordAuditEntries field, and nothing (fragments,
// directives) could make the field run differently or more than once:
// either one variable declared `[AuditEntryInput!]!` holding the list
// (list is true), or a list literal of distinct variables each declared
// `AuditEntryInput!` (`entries: [$a, $b]`, one entry each, in the list's
// order). Each variable has no default and is used nowhere else. Anything
// else is left to gqlgen (ok is false). The request's operation name, if it
// gives one, must be the operation's.
func ingestDocument(query string) ingestDoc {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil || len(doc.Operations) != 1 || len(doc.Fragments) > 0 {
		return ingestDoc{}
	}
	op := doc.Operations[0]
	if op.Operation != ast.Mutation || len(op.Directives) > 0 || len(op.SelectionSet) != 1 {
		return ingestDoc{}
	}
	var names []string
	var list bool
	f, ok := op.SelectionSet[0].(*ast.Field)
	if !ok || f.Name != ingestField || len(f.Directives) > 0 {
		return ingestDoc{}
	}
	arg := f.Arguments.ForName("entries")
	if arg == nil || arg.Value == nil {
		return ingestDoc{}
	}
	switch arg.Value.Kind {
	case ast.Variable:
		def := op.VariableDefinitions.ForName(arg.Value.Raw)
		if !plainDefinition(def) || !isEntriesType(def.Type) {
			return ingestDoc{}
		}
		names, list = []string{def.Variable}, true
	case ast.ListValue:
		if len(arg.Value.Children) == 0 {
			return ingestDoc{}
		}
		for _, item := range arg.Value.Children {
			if item.Value == nil || item.Value.Kind != ast.Variable {
				return ingestDoc{}
			}
			def := op.VariableDefinitions.ForName(item.Value.Raw)
			if !plainDefinition(def) || !isEntryType(def.Type) {
				return ingestDoc{}
			}
			names = append(names, def.Variable)
		}
	default:
		return ingestDoc{}
	}
	// Declared once and passed once: any other mention (another argument,
	// a second item, a comment) and gqlgen decides.
	uses := map[string]int{}
	for _, m := range variableRE.FindAllStringSubmatch(query, -1) {
		uses[m[1]]++
	}
	for _, name := range names {
		if uses[name] != 2 {
			return ingestDoc{}
		}
	}
	return ingestDoc{ok: true, operation: op.Name, names: names, list: list}
}

// plainDefinition: declared, without a default or directives.
func plainDefinition(def *ast.VariableDefinition) bool {
	return def != nil && def.DefaultValue == nil && len(def.Directives) == 0
}

// variableRE finds a variable's mentions in a document.
var variableRE = regexp.MustCompile(`\$\s*([_A-Za-z][_0-9A-Za-z]*)`)

// isEntryType is AuditEntryInput!.
func isEntryType(t *ast.Type) bool {
	return t != nil && t.NonNull && t.NamedType == "AuditEntryInput" && t.Elem == nil
}

// isEntriesType is [AuditEntryInput!]!.
func isEntriesType(t *ast.Type) bool {
	return t != nil && t.NonNull && t.NamedType == "" && t.Elem != nil &&
		t.Elem.NonNull && t.Elem.NamedType == "AuditEntryInput" && t.Elem.Elem == nil
}
