package filter

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocs keeps docs/filter-language.md true: its examples compile and
// its error table shows the errors the code gives.
func TestDocs(t *testing.T) {
	raw, err := os.ReadFile("../../docs/filter-language.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)

	schemas := map[string]Schema{"Audit entries:": AuditEntries, "Processes:": Processes, "Archives:": Archives}
	examples := 0
	for heading, s := range schemas {
		_, after, ok := strings.Cut(doc, "\n"+heading+"\n\n```\n")
		if !ok {
			t.Fatalf("no example block after %q", heading)
		}
		block, _, _ := strings.Cut(after, "```")
		for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
			examples++
			if _, err := Compile(line, s, testNow); err != nil {
				t.Errorf("%s example %q: %v", heading, line, err)
			}
		}
	}
	if examples < 10 {
		t.Errorf("only %d examples found", examples)
	}

	_, errorsSection, _ := strings.Cut(doc, "## Errors")
	errorsSection, _, _ = strings.Cut(errorsSection, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `(.+)` \\| `(.+)` \\|$")
	rows := row.FindAllStringSubmatch(errorsSection, -1)
	if len(rows) < 10 {
		t.Fatalf("only %d error rows found", len(rows))
	}
	for _, r := range rows {
		_, err := Compile(r[1], AuditEntries, testNow)
		if err == nil || err.Error() != r[2] {
			t.Errorf("filter %q gives %v; the docs say %q", r[1], err, r[2])
		}
	}

	// the other code blocks of the guide parse (or, in the precedence
	// block, pair a filter with a comment)
	for _, s := range []string{
		"action like 'member.%' and occurred_at > now() - interval '30 days' and actor_email ilike '%@acme.io'",
		"occurred_at >= '2026-03-01' and occurred_at < '2026-04-01'",
		"received_at > now() - interval '1 hour'",
		"metadata->>'plan' = 'pro'",
		"new_value->'limits'->>'seats' = '10'",
		"metadata->'items'->0->>'id' like 'inv_%'",
		"metadata->>'a.b' = 'x'",
	} {
		if !strings.Contains(doc, s) {
			t.Errorf("docs no longer show %q", s)
		}
		if _, err := Compile(s, AuditEntries, testNow); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}
