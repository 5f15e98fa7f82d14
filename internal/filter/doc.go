// Package filter implements Trailmark's filter language, the subset of an
// SQL WHERE clause that the API accepts in its filter arguments (see
// docs/filter-language.md for the user guide).
//
// Parse turns text into a tree of Expr nodes without knowing any fields;
// Expr.String prints a tree back as text that parses to the same tree.
// Compile parses, checks the tree against a Schema (AuditEntries,
// Processes or Archives) and returns an ent predicate. The predicate
// writes SQL for SQLite or PostgreSQL from the selector's dialect, passes
// every value as a bind parameter and keeps SQL's three-valued logic, so
// both databases return the same rows for the same filter.
//
// Errors are *Error values carrying the 1-based character position that
// the API reports as extensions.position.
package filter
