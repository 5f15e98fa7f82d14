package audit

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/schema/schematype"
)

func TestChanges(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // "" is absent
		want     string // path:old>new, separated by spaces
	}{
		{"both absent", "", "", ""},
		{"equal", `{"a":1}`, `{"a":1}`, ""},
		{"scalar field", `{"plan":"free"}`, `{"plan":"pro"}`, `plan:"free">"pro"`},
		{"nested", `{"limits":{"seats":5,"sso":false}}`, `{"limits":{"seats":10,"sso":false}}`, `limits.seats:5>10`},
		{"added and removed keys", `{"a":1,"b":2}`, `{"b":2,"c":3}`, `a:1>null c:null>3`},
		{"created", "", `{"name":"x","limits":{"seats":3}}`, `limits.seats:null>3 name:null>"x"`},
		{"deleted", `{"name":"x"}`, "", `name:"x">null`},
		{"array by index", `{"items":[1,2,3]}`, `{"items":[1,2,4,5]}`, `items[2]:3>4 items[3]:null>5`},
		{"array of objects", `{"rules":[{"port":80}]}`, `{"rules":[{"port":443}]}`, `rules[0].port:80>443`},
		{"array shrinks", `[1,2]`, `[1]`, `[1]:2>null`},
		{"type change", `{"plan":"free"}`, `{"plan":{"name":"pro"}}`, `plan:"free">{"name":"pro"}`},
		{"null to value", `{"note":null}`, `{"note":"x"}`, `note:null>"x"`},
		{"numbers by value", `{"n":1}`, `{"n":1.0}`, ""},
		{"big numbers", `{"n":12345678901234567890}`, `{"n":12345678901234567891}`, `n:12345678901234567890>12345678901234567891`},
		{"empty object added", `{}`, `{"tags":{}}`, `tags:null>{}`},
		{"empty array added", `{}`, `{"tags":[]}`, `tags:null>[]`},
		{"root scalars", `"a"`, `"b"`, `$:"a">"b"`},
		{"odd keys quoted", `{"labels":{"app.kubernetes.io/name":"a"}}`, `{"labels":{"app.kubernetes.io/name":"b"}}`, `labels["app.kubernetes.io/name"]:"a">"b"`},
		{"sorted keys", `{"z":1,"a":1,"m":1}`, `{"z":2,"a":2,"m":2}`, `a:1>2 m:1>2 z:1>2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var parts []string
			for _, c := range Changes(raw(tt.old), raw(tt.new)) {
				parts = append(parts, fmt.Sprintf("%s:%s>%s", c.Path, js(c.Old), js(c.New)))
			}
			if got := strings.Join(parts, " "); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func raw(s string) schematype.RawJSON {
	if s == "" {
		return nil
	}
	return schematype.RawJSON(s)
}

func js(r schematype.RawJSON) string {
	if r == nil {
		return "null"
	}
	return string(r)
}
