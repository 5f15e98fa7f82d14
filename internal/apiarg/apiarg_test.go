package apiarg_test

import (
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/apiarg"
	"github.com/trailmark/trailmark/internal/filter"
)

func TestFilter(t *testing.T) {
	if p, err := apiarg.Filter("filter", "action = 'a.b'", filter.AuditEntries, time.Now()); p == nil || err != nil {
		t.Fatalf("good filter: %v", err)
	}
	_, err := apiarg.Filter("input.filter", "action = ", filter.AuditEntries, time.Now())
	if err == nil || err.Message != "input.filter: unexpected end of filter at position 10" ||
		err.Extensions["code"] != "BAD_USER_INPUT" || err.Extensions["field"] != "input.filter" || err.Extensions["position"] != 10 {
		t.Fatalf("bad filter: %#v", err)
	}
}
