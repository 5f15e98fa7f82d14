package apierr_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trailmark/trailmark/internal/apierr"
)

// TestBodies pins the bytes of each answer: clients and proxies have seen
// these shapes since the first release.
func TestBodies(t *testing.T) {
	for _, c := range []struct {
		name       string
		write      func(w http.ResponseWriter)
		status     int
		retryAfter string
		body       string
	}{
		{
			"plain", func(w http.ResponseWriter) {
				apierr.Write(w, http.StatusNotFound, apierr.New(apierr.CodeNotFound, "tenant not found"))
			},
			404, "", `{"errors":[{"extensions":{"code":"NOT_FOUND"},"message":"tenant not found"}]}` + "\n",
		},
		{
			"bad input", func(w http.ResponseWriter) {
				apierr.Write(w, http.StatusBadRequest, apierr.BadInput("raw", "must be true or false"))
			},
			400, "", `{"errors":[{"extensions":{"code":"BAD_USER_INPUT","field":"raw"},"message":"raw: must be true or false"}]}` + "\n",
		},
		{
			"retry", func(w http.ResponseWriter) {
				apierr.WriteRetry(w, http.StatusServiceUnavailable, 1, apierr.New(apierr.CodeUnavailable, "try again"))
			},
			503, "1", `{"errors":[{"extensions":{"code":"UNAVAILABLE"},"message":"try again"}]}` + "\n",
		},
		{
			"graphql", func(w http.ResponseWriter) {
				apierr.WriteGraphQL(w, http.StatusMethodNotAllowed, apierr.New(apierr.CodeBadUserInput, "use POST"))
			},
			405, "", `{"errors":[{"message":"use POST","extensions":{"code":"BAD_USER_INPUT"}}],"data":null}` + "\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c.write(rec)
			if rec.Code != c.status || rec.Body.String() != c.body ||
				rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("Retry-After") != c.retryAfter {
				t.Errorf("HTTP %d %v %q; want %d Retry-After %q %q", rec.Code, rec.Header(), rec.Body, c.status, c.retryAfter, c.body)
			}
		})
	}
}
