package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/schema/schematype"
)

var jsonFormSeeds = []string{
	`null`, `true`, `false`, `0`, `-0`, `-0.0`, `1.50`, `1e2`, `1.5E-7`, `-2e+3`, `1e401`, `12345678901234567890`,
	`""`, `"plain"`, `"<a href='x'>&amp;</a>"`, `"caf\u00e9"`, `"café"`, `"\ud83d\ude00"`, `"\ud83d"`, `"a\u2028b\u2029"`,
	`"\u0000"`, `"tab\there\nnl \"q\" \\ \/"`, "\"bad \xff utf8\"", "\"\xed\xa0\x80\"",
	`[]`, `{}`, ` [ 1 , "a" , null , { } ] `, `{"b":1,"a":2}`, `{"a":1,"a":2}`, `{"a":1,"b":2,"a":3}`,
	`{"\u0061":1,"a":2}`, `{"é":1,"e":2,"z":3,"Z":4,"<":5}`, `{"k\u0000":1}`, `{"n":{"m":[{"x":-0.00e5}]}}`,
	strings.Repeat(`[`, 32) + strings.Repeat(`]`, 32), strings.Repeat(`[`, 33) + strings.Repeat(`]`, 33),
	strings.Repeat(`{"a":`, 31) + `1` + strings.Repeat(`}`, 31), strings.Repeat(`{"a":`, 32) + `1` + strings.Repeat(`}`, 32),
}

// checkJSONForms compares StoredJSON and canonicalJSON with the decoding
// path they replace.
func checkJSONForms(t *testing.T, raw []byte) {
	t.Helper()
	val, err := decodeJSON(raw)
	if err != nil || !json.Valid(raw) {
		if _, ok := canonicalJSON(raw); ok {
			t.Errorf("%q: canonicalJSON took invalid JSON", raw)
		}
		return
	}
	want, err := json.Marshal(val)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	if got := StoredJSON(raw); !bytes.Equal(got, want) {
		t.Errorf("StoredJSON(%q) = %q; encoding/json: %q", raw, got, want)
	}
	// canonicalJSON may refuse more than checkJSON (a value hidden by a
	// later repeated key is still checked): the caller then decodes, as
	// before. What it accepts must be what the decoding path gives.
	canon, ok := canonicalJSON(raw)
	checkErr := checkJSON(val, 1)
	if ok && checkErr != nil {
		t.Errorf("canonicalJSON(%q) took what checkJSON refuses: %v", raw, checkErr)
	}
	if ok {
		if want := appendCanonical(nil, val); !bytes.Equal(canon, want) {
			t.Errorf("canonicalJSON(%q) = %q; appendCanonical: %q", raw, canon, want)
		}
	}
	if !ok && checkErr == nil && !bytes.Contains(raw, []byte(`"`)) {
		t.Errorf("canonicalJSON(%q) refused a value without names", raw)
	}
}

// TestJSONFormsMatchEncodingJSON holds the one-pass encoders to the
// decode-then-encode path on chosen and random values.
func TestJSONFormsMatchEncodingJSON(t *testing.T) {
	for _, s := range jsonFormSeeds {
		checkJSONForms(t, []byte(s))
		val, err := decodeJSON([]byte(s))
		if _, ok := canonicalJSON([]byte(s)); err == nil && ok != (checkJSON(val, 1) == nil) {
			t.Errorf("canonicalJSON(%q) ok = %v; checkJSON: %v", s, ok, checkJSON(val, 1))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		checkJSONForms(t, []byte(randomJSONText(r, 0)))
	}
}

func FuzzJSONForms(f *testing.F) {
	for _, s := range jsonFormSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkJSONForms(t, raw) })
}

// randomJSONText writes a random value with random whitespace, repeated keys,
// escapes, non-ASCII text and numbers in every notation.
func randomJSONText(r *rand.Rand, depth int) string {
	ws := func() string { return []string{"", "", " ", "\n\t", "  "}[r.IntN(5)] }
	strs := []string{`"a"`, `"b"`, `"A"`, `"é"`, `"\u00e9"`, `"<&>"`, `"\n"`, `"\ud83d\ude00"`, `"tmk_x"`, `"a\"b"`, `""`, `"\u2028"`, "\"\xff\"", `"\u0000"`}
	nums := []string{`0`, `-0`, `1`, `-12`, `1.50`, `2e3`, `-1.5E-7`, `0.000`, `1e400`, `1e-401`, `123456789012345678901234567890`}
	k := r.IntN(10)
	if depth > 34 || depth > 3 && k < 6 {
		k = 6 + r.IntN(4)
	}
	switch {
	case k < 3:
		var b strings.Builder
		b.WriteString("{" + ws())
		for i := range r.IntN(5) {
			if i > 0 {
				b.WriteString("," + ws())
			}
			fmt.Fprintf(&b, "%s%s:%s%s", strs[r.IntN(len(strs))], ws(), ws(), randomJSONText(r, depth+1))
		}
		return b.String() + ws() + "}"
	case k < 6:
		var b strings.Builder
		b.WriteString("[" + ws())
		for i := range r.IntN(5) {
			if i > 0 {
				b.WriteString("," + ws())
			}
			b.WriteString(randomJSONText(r, depth+1))
		}
		return b.String() + ws() + "]"
	case k == 6:
		return strs[r.IntN(len(strs))]
	case k == 7:
		return []string{"true", "false", "null"}[r.IntN(3)]
	default:
		return nums[r.IntN(len(nums))]
	}
}

// TestCanonicalRequest holds the hash's request member to its definition.
func TestCanonicalRequest(t *testing.T) {
	str := func(s string) *string { return &s }
	status := 404
	for i, r := range []schematype.RequestInfo{
		{},
		{Method: str("POST"), Path: str("/a?b=<c>&d"), OperationName: str(""), SourceIP: str("::1"), UserAgent: str("caf\u00e9 é"), HTTPStatus: &status,
			Payload: schematype.RawJSON(`{"z":[1e2,-0.0],"a":{"b":"\u003c"},"a":1}`)},
		{Path: str("/p"), Payload: schematype.RawJSON(`"s"`)},
		{UserAgent: str("bad \xff")},
		{Payload: schematype.RawJSON(`{"n":1e999}`)},
		{Payload: schematype.RawJSON(`{"n":`)},
		{Payload: schematype.RawJSON(`1 ]`)},
	} {
		if got, want := canonicalRequest(&r), canonicalRequestSlow(&r); !bytes.Equal(got, want) {
			t.Errorf("request %d: %s; definition: %s", i, got, want)
		}
	}
}

// TestHoldsSecret: Redact's shortcut says "nothing to redact" only where
// the decoding path finds nothing.
func TestHoldsSecret(t *testing.T) {
	cases := append([]string{
		`{"password":"[REDACTED]","name":"x"}`, `{"password":"hunter2"}`, `{"a":[{"token":5}]}`, `{"Api-Key":null}`,
		`{"pass\u0077ord":"x"}`, `{"code":"[REDACTED]","n":{"secret":"[REDACTED]"}}`, `{"password":"[REDACTED]","password":"x"}`,
		`[1,"a",{"b":{"c":[{"authorization":"Bearer x"}]}}]`, `{"keyboard":"qwerty"}`, `"password"`, `{"sig":{"a":1}}`,
	}, jsonFormSeeds...)
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		cases = append(cases, strings.NewReplacer(`"b"`, `"token"`, `"A"`, `"Password"`, `"tmk_x"`, `"[REDACTED]"`).Replace(randomJSONText(r, 0)))
	}
	for _, c := range cases {
		raw := []byte(c)
		if !json.Valid(raw) {
			continue
		}
		val, _ := decodeJSON(raw)
		if redact(val) && !holdsSecret(raw) {
			t.Errorf("holdsSecret(%q) = false; Redact changes it", raw)
		}
	}
	if holdsSecret([]byte(`{"password":"[REDACTED]","name":"x","n":[1,{"a":2}]}`)) {
		t.Error("an already redacted payload is taken for one with a secret")
	}
}
