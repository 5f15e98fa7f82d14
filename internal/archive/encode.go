// Package archive writes audit entries out of Trailmark: the row formats of
// API.md "Export and archive rows" (JSON Lines and CSV), keyset streaming
// in constant memory, archive files in blob storage (gocloud.dev/blob), the
// ARCHIVE, EXPORT and RETENTION processes, and the HTTP downloads and
// streaming exports (http.go).
package archive

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// Format is an output format.
type Format string

const (
	JSONL Format = "jsonl"
	CSV   Format = "csv"
)

// CSVHeader is the CSV column order of API.md. With the archive's manifest
// (its tenant) a row holds every field of the content hash, so `trailmark
// verify archive` can recompute it; seq is the entry's leaf index in the
// tenant's tamper-evident log (empty until sequenced).
var CSVHeader = []string{"id", "occurredAt", "receivedAt", "action", "resourceType", "resourceID", "resourceName",
	"workspace", "actorType", "actorID", "actorName", "actorEmail", "status", "oldValue", "newValue", "metadata",
	"request", "hash", "idempotencyKey", "seq"}

// Encoder writes entries in a format.
type Encoder interface {
	// Encode writes e; seq is its leaf index in its tamper-evident log, nil
	// until sequenced.
	Encode(e *ent.AuditEntry, seq *int64) error
	// Flush writes out what is buffered.
	Flush() error
	// Close flushes; it does not close the underlying writer.
	Close() error
}

// Options adjust what an encoder writes.
type Options struct {
	// WithRequest: the reader may see AuditEntry.request (AUDITOR or
	// above); without it the request is left out (null / empty cell).
	WithRequest bool
	// RawCSV writes CSV cells exactly as stored, without the ' that
	// otherwise keeps a spreadsheet from running a cell as a formula (see
	// SpreadsheetSafe). JSONL is always exact.
	RawCSV bool
}

// NewEncoder returns an encoder writing f to w.
func NewEncoder(w io.Writer, f Format, o Options) Encoder {
	bw := bufio.NewWriterSize(w, 64<<10)
	if f == CSV {
		return &csvEncoder{w: bw, withRequest: o.WithRequest, raw: o.RawCSV}
	}
	return &jsonlEncoder{w: bw, enc: json.NewEncoder(bw), withRequest: o.WithRequest}
}

// Row is an entry as exported: the AuditEntry GraphQL type's field names.
type Row struct {
	ID             string                  `json:"id"`
	TenantID       *string                 `json:"tenantID"`
	OccurredAt     string                  `json:"occurredAt"`
	ReceivedAt     string                  `json:"receivedAt"`
	Action         string                  `json:"action"`
	ResourceType   string                  `json:"resourceType"`
	ResourceID     *string                 `json:"resourceID"`
	ResourceName   *string                 `json:"resourceName"`
	Workspace      *string                 `json:"workspace"`
	Actor          RowActor                `json:"actor"`
	Status         string                  `json:"status"`
	OldValue       schematype.RawJSON      `json:"oldValue"`
	NewValue       schematype.RawJSON      `json:"newValue"`
	Metadata       schematype.RawJSON      `json:"metadata"`
	Request        *schematype.RequestInfo `json:"request"`
	IdempotencyKey *string                 `json:"idempotencyKey"`
	Hash           string                  `json:"hash"`
	// Seq is the entry's leaf index in its log (docs/integrity.md), null
	// until sequenced.
	Seq *int64 `json:"seq"`
}

// RowActor is Row.actor.
type RowActor struct {
	Type  string  `json:"type"`
	ID    *string `json:"id"`
	Name  *string `json:"name"`
	Email *string `json:"email"`
}

// Timestamp formats a stored time as the API does (RFC 3339, UTC, µs).
func Timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// RowOf is the exported form of e.
func RowOf(e *ent.AuditEntry, withRequest bool) Row {
	r := Row{
		ID: e.ID, TenantID: e.TenantID,
		OccurredAt: Timestamp(e.OccurredAt), ReceivedAt: Timestamp(e.ReceivedAt),
		Action: e.Action, ResourceType: e.ResourceType, ResourceID: e.ResourceID,
		ResourceName: e.ResourceName, Workspace: e.Workspace,
		Actor:    RowActor{Type: string(e.ActorType), ID: e.ActorID, Name: e.ActorName, Email: e.ActorEmail},
		Status:   string(e.Status),
		OldValue: e.OldValue, NewValue: e.NewValue, Metadata: e.Metadata,
		IdempotencyKey: e.IdempotencyKey, Hash: e.Hash,
	}
	if withRequest {
		r.Request = e.Request
	}
	return r
}

type jsonlEncoder struct {
	w           *bufio.Writer
	enc         *json.Encoder
	withRequest bool
}

func (j *jsonlEncoder) Encode(e *ent.AuditEntry, seq *int64) error {
	r := RowOf(e, j.withRequest)
	r.Seq = seq
	// json.Encoder ends each value with a newline: one entry per line.
	if err := j.enc.Encode(r); err != nil {
		return fmt.Errorf("write entry %s: %w", e.ID, err)
	}
	return nil
}

func (j *jsonlEncoder) Flush() error { return j.w.Flush() }

func (j *jsonlEncoder) Close() error { return j.w.Flush() }

type csvEncoder struct {
	w           *bufio.Writer
	withRequest bool
	raw         bool
	started     bool
}

func (c *csvEncoder) header() error {
	if c.started {
		return nil
	}
	c.started = true
	return c.record(CSVHeader...)
}

func (c *csvEncoder) Encode(e *ent.AuditEntry, seq *int64) error {
	if err := c.header(); err != nil {
		return err
	}
	var req []byte
	if c.withRequest && e.Request != nil {
		b, err := json.Marshal(e.Request)
		if err != nil {
			return fmt.Errorf("encode request of %s: %w", e.ID, err)
		}
		req = b
	}
	err := c.record(
		e.ID, Timestamp(e.OccurredAt), Timestamp(e.ReceivedAt), e.Action, e.ResourceType,
		str(e.ResourceID), str(e.ResourceName), str(e.Workspace),
		string(e.ActorType), str(e.ActorID), str(e.ActorName), str(e.ActorEmail),
		string(e.Status), string(e.OldValue), string(e.NewValue), string(e.Metadata), string(req), e.Hash,
		str(e.IdempotencyKey), seqCell(seq))
	if err != nil {
		return fmt.Errorf("write entry %s: %w", e.ID, err)
	}
	return nil
}

// record writes one RFC 4180 record: fields joined by commas and ended by
// CRLF, a field quoted when it holds a comma, a quote, CR or LF or starts
// or ends with a space or tab, with its quotes doubled. Every other byte
// is written as is: encoding/csv would turn a line break inside a field
// into CRLF and drop a lone CR, so values would not read back exactly.
func (c *csvEncoder) record(fields ...string) error {
	for i, f := range fields {
		if i > 0 {
			c.w.WriteByte(',')
		}
		if !c.raw {
			f = SpreadsheetSafe(f)
		}
		if !needsQuotes(f) {
			c.w.WriteString(f)
			continue
		}
		c.w.WriteByte('"')
		c.w.WriteString(strings.ReplaceAll(f, `"`, `""`))
		c.w.WriteByte('"')
	}
	_, err := c.w.WriteString("\r\n")
	return err // bufio.Writer keeps the first error
}

func needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if strings.ContainsAny(f, ",\"\r\n") {
		return true
	}
	first, last := f[0], f[len(f)-1]
	return first == ' ' || first == '\t' || last == ' ' || last == '\t'
}

// SpreadsheetSafe returns the CSV cell for value v: v itself, or v after a
// ' when it starts with a character that makes Excel, LibreOffice or
// Google Sheets read the cell as a formula (=, +, -, @, tab or CR, as
// OWASP's "CSV Injection" advises) — or with a ' already, so that every
// cell reads back exactly by removing one leading ' where there is one.
func SpreadsheetSafe(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + v
	}
	return v
}

func (c *csvEncoder) Flush() error { return c.w.Flush() }

// Close writes the header of an empty file and flushes.
func (c *csvEncoder) Close() error {
	if err := c.header(); err != nil {
		return err
	}
	return c.w.Flush()
}

func seqCell(seq *int64) string {
	if seq == nil {
		return ""
	}
	return strconv.FormatInt(*seq, 10)
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
