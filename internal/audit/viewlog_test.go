package audit

import (
	"encoding/json"
	"testing"
)

// The writer writes a recorded read's metadata from the Details' JSON and
// the Paging (viewRead.metadata); it must be what json.Marshal of the two
// maps' union wrote when Record built it on the read's path.
func TestViewMetadataAsUnion(t *testing.T) {
	where := map[string]any{"actionIn": []any{"a<b>&c", "é ✓ \u2028"}, "occurredAtGTE": "2026-12-01T00:00:00Z", "nested": map[string]any{"z": 1.5, "a": nil}}
	for _, c := range []struct {
		name            string
		details, paging map[string]any
	}{
		{"nothing", nil, nil},
		{"empty", map[string]any{}, map[string]any{}},
		{"paging only", nil, map[string]any{"first": int64(25)}},
		{"details only", map[string]any{"tenantID": "ten_1"}, nil},
		{"peer", map[string]any{"tenantID": "ten_1", "orderBy": map[string]any{"field": "OCCURRED_AT", "direction": "DESC"}}, map[string]any{"first": 25}},
		{"every kind", map[string]any{"tenantID": "ten_1", "platform": false, "filter": `action = "x<y>"`, "where": where, "search": "qu\"ote\\"},
			map[string]any{"last": int64(3), "offset": 5000, "first": nil}},
	} {
		details, err := json.Marshal(c.details)
		if err != nil || c.details == nil {
			details = []byte("{}")
		}
		r := viewRead{details: details, detailsOK: err == nil, paging: c.paging}
		all := map[string]any{}
		for k, v := range c.details {
			all[k] = v
		}
		for k, v := range c.paging {
			all[k] = v
		}
		var want []byte
		if len(all) > 0 {
			want, _ = json.Marshal(all)
		}
		if got := r.metadata(); string(got) != string(want) {
			t.Errorf("%s: metadata %s, want %s", c.name, got, want)
		}
	}
	// Values json cannot write leave the metadata out, as before.
	bad := viewRead{details: []byte("{}"), detailsOK: true, paging: map[string]any{"first": func() {}}}
	if got := bad.metadata(); got != nil {
		t.Errorf("unwritable paging: metadata %s, want none", got)
	}
}
