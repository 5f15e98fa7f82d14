package ledger

import "context"

// PendingLogs is pending, for the tests.
func PendingLogs(ctx context.Context, l *Ledger) ([]string, error) { return l.pending(ctx) }
