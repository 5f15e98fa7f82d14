package streams

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/schema/schematype"
)

type schemaHeader = schematype.StreamHeader

// FieldError is a stream setting the API refuses, naming its input field.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, a ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, a...)}
}

// Policy is what the operator allows streams to reach.
type Policy struct {
	// AllowPrivate (TRAILMARK_STREAMS_ALLOW_PRIVATE) lets streams reach
	// loopback, private and link-local addresses over http or https, and
	// write to any bucket URL.
	AllowPrivate bool
	// BucketPrefixes (TRAILMARK_STREAMS_BUCKETS) are the bucket URL
	// prefixes BUCKET streams may write under; buckets are written with the
	// server's own cloud credentials, so no other bucket is allowed.
	BucketPrefixes []string
}

// reservedHeaders are set by Trailmark and cannot be custom headers.
var reservedHeaders = map[string]bool{
	"Content-Type": true, "Content-Length": true, "Host": true, "User-Agent": true, "Transfer-Encoding": true,
	"Connection": true, "Webhook-Id": true, "Webhook-Timestamp": true, "Webhook-Signature": true,
	"Dd-Api-Key": true,
}

// Config is a stream's destination as the API gives it.
type Config struct {
	Kind     logstream.Kind
	Endpoint string
	Token    *string
	Headers  []schematype.StreamHeader
	Format   logstream.Format
	Options  []byte
}

// Check validates a stream's destination against the policy.
func (p Policy) Check(c Config) error {
	if c.Kind == logstream.KindBUCKET {
		if err := p.checkBucket(c.Endpoint); err != nil {
			return err
		}
	} else {
		ep := c.Endpoint
		if c.Kind == logstream.KindDATADOG {
			ep = DatadogURL(ep)
		}
		if _, err := checkHTTPEndpoint(ep, p.AllowPrivate); err != nil {
			return fieldErr("endpoint", "%s", err.Error())
		}
	}
	if c.Format == logstream.FormatJSON_ARRAY && c.Kind != logstream.KindWEBHOOK {
		return fieldErr("format", "JSON_ARRAY applies to WEBHOOK streams only")
	}
	if (c.Kind == logstream.KindSPLUNK_HEC || c.Kind == logstream.KindDATADOG) && (c.Token == nil || *c.Token == "") {
		return fieldErr("token", "a %s stream needs a token", c.Kind)
	}
	if c.Token != nil && strings.ContainsAny(*c.Token, "\r\n") {
		return fieldErr("token", "must be one line")
	}
	if len(c.Headers) > 20 {
		return fieldErr("headers", "at most 20 headers")
	}
	for i, h := range c.Headers {
		name := http.CanonicalHeaderKey(strings.TrimSpace(h.Name))
		if name == "" || strings.ContainsAny(name, " \t\r\n:") || len(name) > 100 {
			return fieldErr(fmt.Sprintf("headers[%d].name", i), "not a valid header name")
		}
		if reservedHeaders[name] {
			return fieldErr(fmt.Sprintf("headers[%d].name", i), "%s is set by Trailmark", name)
		}
		if strings.ContainsAny(h.Value, "\r\n") || len(h.Value) > 4096 {
			return fieldErr(fmt.Sprintf("headers[%d].value", i), "must be one line of at most 4096 characters")
		}
	}
	if _, err := decodeOptions(c.Options); err != nil {
		return fieldErr("options", "%s", err.Error())
	}
	return nil
}

func (p Policy) checkBucket(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return fieldErr("endpoint", "must be a bucket URL (s3://…, file://…)")
	}
	switch u.Scheme {
	case "s3", "file", "mem":
	default:
		return fieldErr("endpoint", "bucket scheme %s is not supported (s3, file)", u.Scheme)
	}
	if p.AllowPrivate {
		return nil
	}
	for _, pre := range p.BucketPrefixes {
		if pre != "" && strings.HasPrefix(raw, pre) && !strings.Contains(raw[len(pre):], "..") && !strings.ContainsAny(raw[len(pre):], "?#") {
			return nil
		}
	}
	return fieldErr("endpoint", "bucket not allowed: the operator lists the buckets streams may write to (TRAILMARK_STREAMS_BUCKETS)")
}
