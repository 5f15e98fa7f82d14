package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"

	"github.com/99designs/gqlgen/graphql"
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
// (evening) — ingest without reflection".
//
// Every other request, and every ingest request the shortcut does not
// fully understand (see ingestVariable and DecodeIngestEntries), goes to
// gqlgen as it came: errors stay gqlgen's own.
type ingestPOST struct {
	next graphql.Transport // the POST transport that answers
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
	if short, entries, ok := shortcutIngest(body); ok {
		body = short
		r = r.WithContext(graph.WithDecodedEntries(r.Context(), entries))
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	t.next.Do(w, r, exec)
}

// failingReader fails every read with err.
type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// shortcutIngest returns body with the entries variable replaced by `[]`
// and the entries decoded, when body is a recordAuditEntries mutation the
// shortcut understands.
func shortcutIngest(body []byte) ([]byte, []*model.AuditEntryInput, bool) {
	if !bytes.Contains(body, []byte(ingestField)) || !json.Valid(body) {
		return nil, nil, false
	}
	req, ok := graph.ReadIngestRequest(body)
	if !ok {
		return nil, nil, false
	}
	name, ok := ingestVariable(req.Query, req.OperationName)
	if !ok {
		return nil, nil, false
	}
	span, ok := req.Variables[name]
	if !ok {
		return nil, nil, false
	}
	entries, ok := graph.DecodeIngestEntries(body[span[0]:span[1]])
	if !ok {
		return nil, nil, false
	}
	short := make([]byte, 0, len(body)-(span[1]-span[0])+2)
	short = append(short, body[:span[0]]...)
	short = append(short, "[]"...)
	short = append(short, body[span[1]:]...)
	return short, entries, true
}

// ingestVariable is the name of the variable given as `entries` when query
// is a single mutation of one recordAuditEntries field, the variable is
// declared `[AuditEntryInput!]!` without a default and used nowhere else,
// and nothing (fragments, directives) could make the field run differently
// or more than once. Anything else is left to gqlgen.
func ingestVariable(query, operationName string) (string, bool) {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil || len(doc.Operations) != 1 || len(doc.Fragments) > 0 {
		return "", false
	}
	op := doc.Operations[0]
	if op.Operation != ast.Mutation || len(op.Directives) > 0 || len(op.SelectionSet) != 1 ||
		(operationName != "" && operationName != op.Name) {
		return "", false
	}
	f, ok := op.SelectionSet[0].(*ast.Field)
	if !ok || f.Name != ingestField || len(f.Directives) > 0 {
		return "", false
	}
	arg := f.Arguments.ForName("entries")
	if arg == nil || arg.Value == nil || arg.Value.Kind != ast.Variable {
		return "", false
	}
	def := op.VariableDefinitions.ForName(arg.Value.Raw)
	if def == nil || def.DefaultValue != nil || len(def.Directives) > 0 || !isEntriesType(def.Type) {
		return "", false
	}
	// Declared once and passed once: any other mention (another argument,
	// a comment) and gqlgen decides.
	uses := 0
	for _, m := range variableRE.FindAllStringSubmatch(query, -1) {
		if m[1] == def.Variable {
			uses++
		}
	}
	if uses != 2 {
		return "", false
	}
	return def.Variable, true
}

// variableRE finds a variable's mentions in a document.
var variableRE = regexp.MustCompile(`\$\s*([_A-Za-z][_0-9A-Za-z]*)`)

// isEntriesType is [AuditEntryInput!]!.
func isEntriesType(t *ast.Type) bool {
	return t != nil && t.NonNull && t.NamedType == "" && t.Elem != nil &&
		t.Elem.NonNull && t.Elem.NamedType == "AuditEntryInput" && t.Elem.Elem == nil
}
