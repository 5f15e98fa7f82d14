package cli

import "github.com/trailmark/trailmark/internal/audit"

// ParseJSONLForTest parses JSON Lines rows into entries (tests forge rows
// with matching hashes).
func ParseJSONLForTest(data []byte) ([]audit.Entry, error) {
	rows, err := parseJSONLRows(data)
	if err != nil {
		return nil, err
	}
	out := make([]audit.Entry, len(rows))
	for i, r := range rows {
		out[i] = r.entry
	}
	return out, nil
}
