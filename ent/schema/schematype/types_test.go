package schematype

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestJSONValueReadsAsUnmarshal checks that JSONValue reads a column into
// the RawJSON json.Unmarshal gave (ent's read of a JSON field), from the
// []byte PostgreSQL's driver and the string SQLite's driver return, without
// keeping the driver's buffer; and that it writes json.Marshal's bytes.
func TestJSONValueReadsAsUnmarshal(t *testing.T) {
	docs := []string{
		`{"a": 1, "b": [1, 2, {"c": "d"}]}`, `{"regions":["us-east-1"]}`, ` {"x": null} `, "\n[1,2]\t",
		`"a string"`, `42`, `-1.5e3`, `true`, `false`, `[]`, `{}`, `null`, ` null `, `"<&>\u2028"`,
	}
	for _, doc := range docs {
		var want RawJSON
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		for _, src := range []any{[]byte(doc), doc} {
			scan := JSONValue{}.ScanValue()
			if err := scan.Scan(src); err != nil {
				t.Fatal(err)
			}
			if b, ok := src.([]byte); ok {
				copy(b, bytes.Repeat([]byte("#"), len(b))) // the driver reuses its buffer
			}
			got, err := JSONValue{}.FromValue(scan)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) || (got == nil) != (want == nil) {
				t.Errorf("%q from %T: got %q, want %q", doc, src, got, want)
			}
		}
		stored, err := JSONValue{}.Value(RawJSON(doc))
		if err != nil {
			t.Fatal(err)
		}
		marshalled, _ := json.Marshal(RawJSON(doc))
		if !bytes.Equal(stored.([]byte), marshalled) {
			t.Errorf("%q stored as %q, want %q", doc, stored, marshalled)
		}
	}
	scan := JSONValue{}.ScanValue()
	if err := scan.Scan(nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := (JSONValue{}).FromValue(scan); got != nil {
		t.Errorf("SQL NULL read as %q", got)
	}
}
