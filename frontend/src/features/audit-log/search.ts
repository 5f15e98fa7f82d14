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

/** Whether c separates words: an ASCII character other than a letter or digit (internal/audit/search.go). */
function isSeparator(c: string): boolean {
  return c.charCodeAt(0) < 0x80 && !/[0-9a-z]/i.test(c);
}

/**
 * Whether an entry matches auditEntries' `search` as the server applies it (internal/audit/search.go):
 * the text, ignoring case, at the start of a word of action, resource type, ID or name, actor name,
 * email or ID, or workspace (anywhere, when the text itself starts with a separator). The live tail
 * uses it: its subscription takes a filter, not a search.
 */
export function matchesSearch(e: Searchable, search: string): boolean {
  const text = search.trim().toLowerCase();
  if (!text) return true;
  const anywhere = isSeparator(text[0]);
  return [e.action, e.resourceType, e.resourceID, e.resourceName, e.actor.name, e.actor.email, e.actor.id, e.workspace].some((v) => {
    if (v == null) return false;
    const lower = v.toLowerCase();
    for (let i = lower.indexOf(text); i >= 0; i = lower.indexOf(text, i + 1)) {
      if (anywhere || i === 0 || isSeparator(lower[i - 1])) return true;
    }
    return false;
  });
}
