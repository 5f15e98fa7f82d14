package graph

import "sync"

// fastPages counts, by document, the pages the fast path wrote in this test
// binary (FastPagesWritten); tenantRefPages, the pages whose tenants came
// from the rows (TenantRefPages); setAsides, the requests whose variables
// InputVariables set aside (VariablesSetAside).
var fastPages, tenantRefPages, setAsides sync.Map

func init() {
	onFastPage = func(query string) { count(&fastPages, query) }
	onTenantRefs = func(query string) { count(&tenantRefPages, query) }
	onSetAside = func(query string) { count(&setAsides, query) }
}

// VariablesSetAside is how many requests of the document query had
// variables set aside by InputVariables, in any test of this binary so far.
func VariablesSetAside(query string) int64 { return counted(&setAsides, query) }

func count(m *sync.Map, query string) {
	n, _ := m.LoadOrStore(query, new(int64Counter))
	n.(*int64Counter).add()
}

type int64Counter struct {
	mu sync.Mutex
	n  int64
}

func (c *int64Counter) add() { c.mu.Lock(); c.n++; c.mu.Unlock() }

// FastPagesWritten is how many pages the fast path wrote for the document
// query, in any test of this binary so far.
func FastPagesWritten(query string) int64 { return counted(&fastPages, query) }

// TenantRefPages is how many pages answered tenant from the rows' tenant_id
// for the document query, in any test of this binary so far.
func TenantRefPages(query string) int64 { return counted(&tenantRefPages, query) }

func counted(m *sync.Map, query string) int64 {
	n, ok := m.Load(query)
	if !ok {
		return 0
	}
	c := n.(*int64Counter)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
