package live

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/internal/pubsub"
)

// TestSplitNotice: the payloads of a transaction's notice are, byte for
// byte, json.Marshal of notices of its groups in order, each as full as the
// broker's limit allows, so the hub decodes every group once. A group that
// alone exceeds the limit is still its own payload (the broker refuses it).
func TestSplitNotice(t *testing.T) {
	id := func(i int) string { return fmt.Sprintf("aud_01JZ%022d", i) }
	groupOf := func(tenant, n int) *group {
		g := &group{Tenant: fmt.Sprintf("ten_%026d", tenant), Committed: 1_733_450_000_000_000 + int64(tenant)}
		for i := range n {
			g.IDs = append(g.IDs, id(tenant*1000+i))
		}
		return g
	}
	cases := map[string][]*group{
		"one tenant":        {groupOf(1, 1)},
		"ten tenants":       nil,
		"over the limit":    nil,
		"a range":           {{Tenant: "", N: 400, From: id(1), To: id(400), Committed: 1}},
		"one group too big": {groupOf(1, 1), {Tenant: strings.Repeat("x", pubsub.MaxPayload)}, groupOf(2, 3)},
	}
	for i := range 10 {
		cases["ten tenants"] = append(cases["ten tenants"], groupOf(i, 1+i%3))
	}
	for i := range 200 { // ~150 ids of 30 bytes and a tenant a group: several payloads
		cases["over the limit"] = append(cases["over the limit"], groupOf(i, 1+i%7))
	}
	for name, groups := range cases {
		t.Run(name, func(t *testing.T) {
			got := splitNotice(notice{Groups: groups})
			want := splitByMarshal(groups)
			if len(got) != len(want) {
				t.Fatalf("%d payloads, want %d", len(got), len(want))
			}
			var back []*group
			for i := range got {
				if string(got[i]) != string(want[i]) {
					t.Fatalf("payload %d:\n got %s\nwant %s", i, got[i], want[i])
				}
				var n notice
				if err := json.Unmarshal(got[i], &n); err != nil {
					t.Fatalf("payload %d: %v", i, err)
				}
				if len(got[i]) > pubsub.MaxPayload && len(n.Groups) > 1 {
					t.Fatalf("payload %d of %d bytes holds %d groups", i, len(got[i]), len(n.Groups))
				}
				back = append(back, n.Groups...)
			}
			if len(back) != len(groups) {
				t.Fatalf("%d groups decoded, want %d", len(back), len(groups))
			}
			for i := range back {
				if back[i].Tenant != groups[i].Tenant || len(back[i].IDs) != len(groups[i].IDs) || back[i].N != groups[i].N {
					t.Fatalf("group %d decoded as %+v, want %+v", i, back[i], groups[i])
				}
			}
		})
	}
}

// splitByMarshal is the split as first written: the growing notice encoded
// again for every group.
func splitByMarshal(groups []*group) [][]byte {
	var out [][]byte
	cur := notice{}
	for _, g := range groups {
		next := notice{Groups: append(append([]*group(nil), cur.Groups...), g)}
		b, _ := json.Marshal(next)
		if len(b) > pubsub.MaxPayload && len(cur.Groups) > 0 {
			cb, _ := json.Marshal(cur)
			out = append(out, cb)
			next = notice{Groups: []*group{g}}
		}
		cur = next
	}
	if len(cur.Groups) > 0 {
		b, _ := json.Marshal(cur)
		out = append(out, b)
	}
	return out
}

func BenchmarkSplitNotice(b *testing.B) {
	var groups []*group
	for i := range 10 { // a q4a group commit: ~10 tenants, an entry each
		groups = append(groups, &group{Tenant: fmt.Sprintf("ten_%026d", i), IDs: []string{fmt.Sprintf("aud_01JZ%022d", i)}, Committed: 1})
	}
	b.ReportAllocs()
	for b.Loop() {
		splitNotice(notice{Groups: groups})
	}
}
