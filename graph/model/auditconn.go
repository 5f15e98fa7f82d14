package model

import "github.com/trailmark/trailmark/ent"

// AuditEntryConnection is a page of audit entries (ent's connection) with
// what the API says about its totalCount.
type AuditEntryConnection struct {
	*ent.AuditEntryConnection
	// TotalCountCapped: totalCount stopped at its cap (a search's, 1 000);
	// at least that many entries match.
	TotalCountCapped bool
	// TotalCountEstimated: totalCount is the cap because the search
	// index's sample found the text common (audit.Searched.Common), not
	// because that many matches were counted.
	TotalCountEstimated bool
}
