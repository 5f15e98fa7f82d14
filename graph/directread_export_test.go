package graph

import "sync"

// directReads counts, by document, the requests the direct path answered
// in this test binary (DirectReads).
var directReads sync.Map

func init() {
	onDirectRead = func(query string) { count(&directReads, query) }
}

// DirectReads is how many requests of the document query DirectRead
// answered, in any test of this binary so far.
func DirectReads(query string) int64 { return counted(&directReads, query) }
