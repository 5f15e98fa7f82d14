package audit

import (
	"os"
	"strings"
	"testing"
)

// TestSearchIndexExpression: the planner uses the PostgreSQL words index
// only for the very expression the queries write.
func TestSearchIndexExpression(t *testing.T) {
	b, err := os.ReadFile("../../ent/migrate/migrations/postgres/20261205020000_search_words.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `USING gin ("tenant_id", (`+SearchWordsPG+"))") {
		t.Errorf("migration search_words does not index audit.SearchWordsPG:\n%s", SearchWordsPG)
	}
}

func TestParseSearch(t *testing.T) {
	tests := []struct {
		text                               string
		words                              string
		lastIsPrefix, atWordStart, oneWord bool
	}{
		{"hopper", "hopper", true, true, true},
		{"grace hop", "grace,hop", true, true, false},
		{"navy.mil", "navy,mil", true, true, false},
		{"-2024", "2024", true, false, false},
		{"pipeline*", "pipeline", false, true, false},
		{"zürich", "zürich", true, true, true},
		{"%_", "", false, false, false},
	}
	for _, tt := range tests {
		got := parseSearch(tt.text)
		if strings.Join(got.words, ",") != tt.words || got.lastIsPrefix != tt.lastIsPrefix ||
			got.atWordStart != tt.atWordStart || got.oneWord != tt.oneWord {
			t.Errorf("parseSearch(%q) = %+v", tt.text, got)
		}
	}
}
