package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/compactjson"
)

// postTransport is gqlgen's transport.POST (v0.17.98, its zero value) with
// one change: a response that is only data is written by writeResponse
// instead of json.Marshal. json.Marshal re-validates and compacts the data
// (a json.RawMessage gqlgen and graph.FastPage already wrote) through its
// byte-at-a-time scanner: 8% of a read's CPU (docs/performance.md,
// "2026-12-05 (evening) — the response write and row scanning"). The rest is
// gqlgen's code as it was: the content type, the body decoding, the status
// codes, and json.Marshal for responses with errors or extensions. A page
// graph.FastPage wrote is already in the response's form and is copied,
// not scanned (graph.WrittenPages).
// TestPostTransportSameAsGqlgen compares the two over the real stack, so a
// gqlgen upgrade that changes what transport.POST answers to its requests
// fails it. GET and WebSocket responses are gqlgen's transports as before.
//
// With direct set, an auditEntries query graph.DirectRead can answer is
// answered without gqlgen's executor (directread.go).
type postTransport struct {
	direct *directRead
}

var _ graphql.Transport = postTransport{}

// Supports is transport.POST's.
func (postTransport) Supports(r *http.Request) bool { return transport.POST{}.Supports(r) }

// paramsPool is transport.POST's pool of request parameters.
var paramsPool = sync.Pool{New: func() any { return &graphql.RawParams{} }}

// Do is transport.POST.Do with writeResponse in place of its writeJson.
func (t postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseContentType(r)
	w.Header().Add("Content-Type", contentType)
	params := paramsPool.Get().(*graphql.RawParams)
	defer func() {
		*params = graphql.RawParams{}
		paramsPool.Put(params)
	}()
	start := graphql.Now()

	bodyBytes, err := io.ReadAll(r.Body)
	if err != nil {
		gqlErr := gqlerror.Errorf("could not read request body: %+v", err)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlErr}))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(bodyBytes))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		gqlErr := gqlerror.Errorf("json request body could not be decoded: %+v body:%s", err, string(bodyBytes))
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlErr}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	// Pages FastPage writes for this request are copied by the response
	// write, and their buffers reused once it is done.
	ctx, pages := graph.WithWrittenPages(ctx)
	defer pages.Release()
	if t.direct != nil {
		var done bool
		if done, ctx = t.direct.serve(ctx, w, params, pages); done {
			return
		}
	}

	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		w.WriteHeader(operationErrorStatus(contentType, opErr))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	var responses graphql.ResponseHandler
	responses, ctx = exec.DispatchOperation(ctx, rc)
	writeResponseWith(w, responses(ctx), pages.Pages())
}

// responseContentType is transport.POST's choice of content type from the
// Accept header (determineResponseContentType without explicit headers or
// the graphql-response default).
func responseContentType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return "application/json"
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", "application/json":
			return "application/json"
		case "application/graphql-response+json":
			return "application/graphql-response+json"
		}
	}
	return "application/graphql-response+json"
}

// operationErrorStatus is transport.POST's status for an operation that
// could not be prepared: 422 (400 for application/graphql-response+json)
// for a protocol error, else 200.
func operationErrorStatus(contentType string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if contentType == "application/graphql-response+json" {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// responseBufs recycles the buffers responses are written into; a buffer
// that grew past maxPooledResponse is left to the collector.
var responseBufs = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledResponse = 1 << 20

// writeResponse writes resp as json.Marshal would, in one Write. A response
// that is only data ({"data":…}, the answer to nearly every query) is
// written by compactjson.Append; any other is json.Marshal's, as before.
func writeResponse(w io.Writer, resp *graphql.Response) { writeResponseWith(w, resp, nil) }

// writeResponseWith is writeResponse for data that may end with one of
// written, values already in the form compactjson.Append leaves them
// (graph.WrittenPages): that value is copied instead of scanned.
func writeResponseWith(w io.Writer, resp *graphql.Response, written [][]byte) {
	if len(resp.Errors) > 0 || resp.Label != "" || resp.Path != nil || resp.HasNext != nil || len(resp.Extensions) > 0 {
		b, err := json.Marshal(resp)
		if err != nil {
			panic(fmt.Errorf("unable to marshal %s: %w", string(resp.Data), err))
		}
		_, _ = w.Write(b)
		return
	}
	bp := responseBufs.Get().(*[]byte)
	b := append((*bp)[:0], `{"data":`...)
	if len(resp.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = appendData(b, resp.Data, written)
	}
	b = append(b, '}')
	_, _ = w.Write(b)
	if cap(b) <= maxPooledResponse {
		*bp = b
		responseBufs.Put(bp)
	}
}

// appendData appends data, valid JSON, as compactjson.Append does. When
// data ends with one of written and the closing brace — the last root
// field's value, as gqlgen's FieldSet writes it — the value is copied and
// only what comes before it is compacted. That is the same: a written
// value is a JSON object that needs no compaction, and the bytes before it
// end outside a string, because a string cannot be closed by the value's
// first key's quote and be followed by a name character.
func appendData(b, data []byte, written [][]byte) []byte {
	for _, v := range written {
		n := len(data) - 1 - len(v)
		if len(v) > 0 && v[0] == '{' && n > 0 && data[len(data)-1] == '}' && bytes.Equal(data[n:len(data)-1], v) {
			if onPageCopied != nil {
				onPageCopied()
			}
			b = compactjson.Append(b, data[:n])
			b = append(b, v...)
			return append(b, '}')
		}
	}
	return compactjson.Append(b, data)
}

// onPageCopied, when set (by tests only), is told of each written page
// appendData copied.
var onPageCopied func()
