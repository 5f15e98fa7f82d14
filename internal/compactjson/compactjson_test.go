package compactjson

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestAppend checks Append against what json.Marshal
// writes for the same json.RawMessage, on hand-picked documents (every byte
// it treats specially, inside and outside strings, escapes next to them,
// truncated U+2028 look-alikes) and on random documents indented with and
// without HTML escaping.
func TestAppend(t *testing.T) {
	docs := []string{
		`null`, `true`, `0`, `-1.5e+10`, `""`, `"x"`, `[]`, `{}`, ` { } `, "\t[\n1 ,\r2 ]\n",
		`{"a": 1, "b": [1, 2, {"c": "d e"}], "f": null}`,
		`"<a href=\"x\">&amp;</a>"`, `{"<": ">", "&": "&&"}`,
		`"\\"`, `"\\\\"`, `"\"<"`, `"\\<"`, `"a\"b\\\"c"`, `"\u003c \u2028"`,
		"\"\u2028\u2029\"", "\"x\u2028y\u2029z\"", "\"\u2020 \u20ac \u2027 \u202a\"", "\"\xe2\x80\"", "\"\xe2\"",
		"[\"\u2028\", \"<\", 1, \"\\\"\u2029\"]", `"日本語 ☃ 💩"`, `{"k": "v" , "x" : [ ] }`,
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		v := randomJSONValue(rng, 4)
		for _, indent := range []string{"", " ", "\t"} {
			for _, html := range []bool{false, true} {
				var b bytes.Buffer
				enc := json.NewEncoder(&b)
				enc.SetEscapeHTML(html)
				enc.SetIndent("", indent)
				if err := enc.Encode(v); err != nil {
					t.Fatal(err)
				}
				docs = append(docs, b.String())
			}
		}
	}
	for _, doc := range docs {
		want, err := json.Marshal(json.RawMessage(doc))
		if err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		if got := Append([]byte("prefix"), []byte(doc)); string(got) != "prefix"+string(want) {
			t.Fatalf("%q:\n got %q\nwant %q", doc, got[len("prefix"):], want)
		}
	}
}

// randomJSONValue is a random value whose strings draw on the characters
// Append treats specially.
func randomJSONValue(rng *rand.Rand, depth int) any {
	const alphabet = "ab <>&\"\\/\t\n\u2028\u2029\u2020é☃"
	runes := []rune(alphabet)
	str := func() string {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteRune(runes[rng.IntN(len(runes))])
		}
		return b.String()
	}
	switch k := rng.IntN(7); {
	case depth == 0 || k < 3:
		switch rng.IntN(4) {
		case 0:
			return str()
		case 1:
			return rng.Float64() * 1e6
		case 2:
			return rng.IntN(2) == 0
		}
		return nil
	case k < 5:
		a := make([]any, rng.IntN(5))
		for i := range a {
			a[i] = randomJSONValue(rng, depth-1)
		}
		return a
	default:
		m := map[string]any{}
		for range rng.IntN(5) {
			m[str()] = randomJSONValue(rng, depth-1)
		}
		return m
	}
}

// TestAppendString checks AppendString against gqlgen's MarshalString
// followed by what json.Marshal does to the response (Append's reference),
// on every byte value alone and in company, the multi-byte look-alikes of
// U+2028 and U+2029, invalid UTF-8 and random strings.
func TestAppendString(t *testing.T) {
	strs := []string{"", "plain", "a \"quoted\" \\ <b>&amp; \u2028\u2029 \u2020 日本 \t\n\r\x01\x7f",
		"\u2028", "\u2029", "x\u2027y\u202az", "\xe2", "\xe2\x80", "\xe2\x80\xa8\xe2", "\xff\xfe<", "💩&"}
	for c := range 256 {
		strs = append(strs, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"b")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	runes := []rune("ab <>&\"\\/\t\n\u2028\u2029\u2020é☃\x00\x1f")
	for range 5000 {
		b := []byte{byte(rng.IntN(256))}
		for range rng.IntN(12) {
			b = append(b, string(runes[rng.IntN(len(runes))])...)
		}
		strs = append(strs, string(b))
	}
	for _, s := range strs {
		var gq bytes.Buffer
		graphql.MarshalString(s).MarshalGQL(&gq)
		want, err := json.Marshal(json.RawMessage(gq.Bytes()))
		if err != nil {
			// json.Marshal refuses the invalid UTF-8 gqlgen passes through;
			// Append (the response write) copies it.
			want = Append(nil, gq.Bytes())
		}
		if got := AppendString([]byte("prefix"), s); string(got) != "prefix"+string(want) {
			t.Fatalf("%q:\n got %q\nwant %q", s, got[len("prefix"):], want)
		}
	}
}
