package audit

import (
	"encoding/json"
	"math/big"
	"regexp"
	"sort"
	"strconv"

	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// Change is one leaf that differs between an entry's old and new value.
// Old or New is nil (JSON null) where the leaf is absent on that side.
type Change struct {
	Path string
	Old  schematype.RawJSON
	New  schematype.RawJSON
}

// RootPath is the path of a change to the whole value, when old and new are
// not both objects or both arrays.
const RootPath = "$"

// Changes diffs oldValue and newValue at the leaves, in a deterministic
// order (object keys sorted, array elements by index):
//   - objects are compared key by key, arrays index by index; paths read
//     "plan", "limits.seats", "items[2]", and keys that are not plain
//     identifiers are quoted: `labels["app.kubernetes.io/name"]`;
//   - a key or element present on one side only yields its leaves with
//     null on the other side (an empty object or array counts as a leaf);
//   - a value whose type differs (object vs. string, say) is one change at
//     its path, carrying both whole values;
//   - numbers compare by value (1 and 1.0 are equal).
//
// Invalid JSON on either side is treated as absent.
func Changes(oldValue, newValue schematype.RawJSON) []Change {
	oldV, oldOK := decodeOptional(oldValue)
	newV, newOK := decodeOptional(newValue)
	var d differ
	d.diff("", oldV, oldOK, newV, newOK)
	return d.out
}

func decodeOptional(raw schematype.RawJSON) (any, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	v, err := decodeJSON(raw)
	if err != nil || v == nil {
		return nil, false
	}
	return v, true
}

type differ struct{ out []Change }

// diff compares a and b at path; aOK/bOK say whether the side is present.
func (d *differ) diff(path string, a any, aOK bool, b any, bOK bool) {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	as, aIsArr := a.([]any)
	bs, bIsArr := b.([]any)
	switch {
	case (aIsMap || !aOK) && (bIsMap || !bOK) && (aIsMap || bIsMap):
		if !(aIsMap && bIsMap) && len(am)+len(bm) == 0 {
			d.leaf(path, a, aOK, b, bOK) // an empty object added or removed
			return
		}
		keys := make([]string, 0, len(am)+len(bm))
		for k := range am {
			keys = append(keys, k)
		}
		for k := range bm {
			if _, dup := am[k]; !dup {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			av, aHas := am[k]
			bv, bHas := bm[k]
			d.diff(joinKey(path, k), av, aHas, bv, bHas)
		}
	case (aIsArr || !aOK) && (bIsArr || !bOK) && (aIsArr || bIsArr):
		if !(aIsArr && bIsArr) && len(as)+len(bs) == 0 {
			d.leaf(path, a, aOK, b, bOK) // an empty array added or removed
			return
		}
		for i := range max(len(as), len(bs)) {
			av, aHas := index(as, i)
			bv, bHas := index(bs, i)
			d.diff(path+"["+strconv.Itoa(i)+"]", av, aHas, bv, bHas)
		}
	default:
		if (!aOK && !bOK) || (aOK && bOK && equalScalar(a, b)) {
			return
		}
		d.leaf(path, a, aOK, b, bOK)
	}
}

func (d *differ) leaf(path string, a any, aOK bool, b any, bOK bool) {
	if path == "" {
		path = RootPath
	}
	d.out = append(d.out, Change{Path: path, Old: encode(a, aOK), New: encode(b, bOK)})
}

func index(s []any, i int) (any, bool) {
	if i < len(s) {
		return s[i], true
	}
	return nil, false
}

func encode(v any, ok bool) schematype.RawJSON {
	if !ok {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// equalScalar compares two non-container JSON values (or containers of
// different kinds, which are never equal).
func equalScalar(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		xr, ok1 := new(big.Rat).SetString(string(x))
		yr, ok2 := new(big.Rat).SetString(string(y))
		return ok1 && ok2 && xr.Cmp(yr) == 0
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	}
	return false
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

func joinKey(path, key string) string {
	if !identRE.MatchString(key) {
		q, _ := json.Marshal(key)
		return path + "[" + string(q) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}
