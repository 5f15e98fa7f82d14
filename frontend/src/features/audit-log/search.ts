import type { AuditEntryFieldsFragment } from '../../gql/graphql';
import type { AuditLogTab } from './urlState';

/** The filter clause of the "Triggers & webhooks" tab. */
export const TRIGGERS_CLAUSE = "actor_type = 'WEBHOOK'";

/** The clauses a tab adds to the filter. */
export function tabClauses(tab: AuditLogTab): string[] {
  return tab === 'triggers' ? [TRIGGERS_CLAUSE] : [];
}

type Searchable = Pick<AuditEntryFieldsFragment, 'action' | 'resourceType' | 'resourceID' | 'resourceName' | 'workspace'> & {
  actor: Pick<AuditEntryFieldsFragment['actor'], 'id' | 'name' | 'email'>;
};

/**
 * Whether an entry matches auditEntries' `search` as the server applies it (internal/audit/search.go):
 * a case-insensitive substring of action, resource type, ID or name, actor name, email or ID, or
 * workspace. The live tail uses it: its subscription takes a filter, not a search.
 */
export function matchesSearch(e: Searchable, search: string): boolean {
  const text = search.trim().toLowerCase();
  if (!text) return true;
  return [e.action, e.resourceType, e.resourceID, e.resourceName, e.actor.name, e.actor.email, e.actor.id, e.workspace].some(
    (v) => v != null && v.toLowerCase().includes(text),
  );
}
