package rule

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/savedfilter"
	"github.com/trailmark/trailmark/internal/viewer"
)

// Saved filters (docs/api.md "Saved filters"):
//   - only users have them (API keys neither read nor write any);
//   - a user reads their own and the tenant's shared ones, of the pages
//     they may read in that tenant: the audit log with any membership,
//     processes and archives as a tenant-wide AUDITOR or above (as
//     ProcessQueryRule and ArchiveQueryRule); platform admins, who read
//     every tenant, read their own and every shared one — never another
//     user's private filter;
//   - a user creates, renames, changes and deletes their own, on pages
//     they may read; sharing needs nothing more;
//   - a tenant-wide ADMIN or above may also delete (not change) the
//     tenant's shared filters, to tidy what everyone sees.

// CanReadSavedFilterPage reports whether the viewer may keep saved filters
// of page in tenantID: a user who may read that page there.
func CanReadSavedFilterPage(v *viewer.Viewer, tenantID string, page savedfilter.Page) bool {
	if v.Kind != viewer.User {
		return false
	}
	if page == savedfilter.PageAUDIT_LOG {
		_, ok := GrantIn(v, tenantID)
		return ok
	}
	return HasTenantRole(v, tenantID, viewer.Auditor)
}

// CanDeleteSavedFilter reports whether the viewer may delete f: its owner,
// or a tenant-wide ADMIN for a shared one.
func CanDeleteSavedFilter(v *viewer.Viewer, f *ent.SavedFilter) bool {
	if !CanReadSavedFilterPage(v, f.TenantID, f.Page) {
		return false
	}
	return f.OwnerID == v.UserID || f.Shared && HasTenantRole(v, f.TenantID, viewer.Admin)
}

// SavedFilterQueryRule filters saved filters as described above.
func SavedFilterQueryRule() privacy.QueryRule {
	return privacy.SavedFilterQueryRuleFunc(func(ctx context.Context, q *ent.SavedFilterQuery) error {
		v := viewer.FromContext(ctx)
		if v.Kind != viewer.User {
			q.Where(func(s *sql.Selector) { s.Where(matchNone()) })
			return privacy.Allow
		}
		mineOrShared := savedfilter.Or(savedfilter.OwnerID(v.UserID), savedfilter.Shared(true))
		if SeesEverything(v) {
			q.Where(mineOrShared)
			return privacy.Allow
		}
		readable := []predicate.SavedFilter{
			savedfilter.And(savedfilter.PageEQ(savedfilter.PageAUDIT_LOG), inOrNone(savedfilter.TenantIDIn, MemberOf(v))),
			savedfilter.And(savedfilter.PageIn(savedfilter.PagePROCESSES, savedfilter.PageARCHIVES),
				inOrNone(savedfilter.TenantIDIn, TenantsWith(v, viewer.Auditor))),
		}
		q.Where(savedfilter.Or(readable...), mineOrShared)
		return privacy.Allow
	})
}

// SavedFilterMutationRule allows the writes described above.
func SavedFilterMutationRule() privacy.MutationRule {
	return privacy.SavedFilterMutationRuleFunc(func(ctx context.Context, m *ent.SavedFilterMutation) error {
		v := viewer.FromContext(ctx)
		if v.Kind != viewer.User {
			return forbidden()
		}
		switch {
		case m.Op().Is(ent.OpCreate):
			tenantID, okT := m.TenantID()
			owner, okO := m.OwnerID()
			page, okP := m.Page()
			if okT && okO && okP && owner == v.UserID && CanReadSavedFilterPage(v, tenantID, page) {
				return privacy.Allow
			}
			return forbidden()
		case m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne):
			id, ok := m.ID()
			if !ok {
				return forbidden()
			}
			f, err := m.Client().SavedFilter.Get(allowed(ctx), id)
			if err != nil {
				return err
			}
			if f.OwnerID == v.UserID && CanReadSavedFilterPage(v, f.TenantID, f.Page) {
				return privacy.Allow
			}
			if m.Op().Is(ent.OpDeleteOne) && CanDeleteSavedFilter(v, f) {
				return privacy.Allow
			}
			return forbidden()
		}
		return forbidden()
	})
}
