package graph

import "sync"

// fastPages counts, by document, the pages the fast path wrote in this test
// binary (FastPagesWritten).
var fastPages sync.Map

func init() {
	onFastPage = func(query string) {
		n, _ := fastPages.LoadOrStore(query, new(int64Counter))
		n.(*int64Counter).add()
	}
}

type int64Counter struct {
	mu sync.Mutex
	n  int64
}

func (c *int64Counter) add() { c.mu.Lock(); c.n++; c.mu.Unlock() }

// FastPagesWritten is how many pages the fast path wrote for the document
// query, in any test of this binary so far.
func FastPagesWritten(query string) int64 {
	n, ok := fastPages.Load(query)
	if !ok {
		return 0
	}
	c := n.(*int64Counter)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
