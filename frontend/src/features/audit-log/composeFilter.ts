import { quoteFilter } from '../../lib/format';
import type { AuditLogState } from './urlState';

/** Which filter field the "User" facet compares with. */
export const USER_FIELD = 'actor_name';

export interface ComposedFilter {
  /** The filter sent to the server, or undefined when nothing filters. */
  filter: string | undefined;
  /** Added to a server error position to get back to the user's own filter text (negative or zero). */
  userOffset: number;
  /** The user's filter text length: positions past it are in the generated part. */
  userLength: number;
  from: string | undefined; // RFC 3339
  to: string | undefined; // RFC 3339, exclusive
}

/** The start of a local day as RFC 3339 with the browser's offset. */
export function localDayStart(day: string, addDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y, m - 1, d + addDays, 0, 0, 0, 0);
  const off = -date.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T00:00:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Combines the query-filter box with the facet pickers into one filter. The user's text
 * comes first, in parentheses, so a server error position maps back to it by -1. `extra`
 * clauses (e.g. leaving log reads out) go last.
 */
/** The clause that narrows the global log to the picked tenants (by slug), or undefined for all. */
export function tenantFilter(tenants: readonly string[]): string | undefined {
  if (!tenants.length) return undefined;
  return tenants.length === 1 ? `tenant = ${quoteFilter(tenants[0])}` : `tenant in (${tenants.map(quoteFilter).join(', ')})`;
}

export function composeFilter(s: Pick<AuditLogState, 'filter' | 'actions' | 'resourceTypes' | 'user' | 'from' | 'to'> & Partial<Pick<AuditLogState, 'tenants'>>, extra: readonly string[] = []): ComposedFilter {
  const parts: string[] = [];
  const user = s.filter.trim();
  let userOffset = 0;
  const list = (field: string, values: string[]) =>
    values.length === 1 ? `${field} = ${quoteFilter(values[0])}` : `${field} in (${values.map(quoteFilter).join(', ')})`;
  if (s.actions.length) parts.push(list('action', s.actions));
  if (s.resourceTypes.length) parts.push(list('resource_type', s.resourceTypes));
  if (s.user) parts.push(`${USER_FIELD} = ${quoteFilter(s.user)}`);
  const tenants = tenantFilter(s.tenants ?? []);
  if (tenants) parts.push(tenants);
  const from = s.from ? localDayStart(s.from) : undefined;
  const to = s.to ? localDayStart(s.to, 1) : undefined;
  if (from) parts.push(`occurred_at >= ${quoteFilter(from)}`);
  if (to) parts.push(`occurred_at < ${quoteFilter(to)}`);
  parts.push(...extra);
  // Leading whitespace that trim() dropped shifts positions too.
  const lead = s.filter.length - s.filter.trimStart().length;
  let filter: string | undefined;
  if (user && parts.length) {
    filter = `(${user}) and ${parts.join(' and ')}`;
    userOffset = lead - 1;
  } else if (user) {
    filter = user;
    userOffset = lead;
  } else if (parts.length) {
    filter = parts.join(' and ');
  }
  return { filter, userOffset, userLength: s.filter.length, from, to };
}

/** Maps a server position in the composed filter to one in the user's text, or null if outside it. */
export function userPosition(c: ComposedFilter, serverPosition: number | null): number | null {
  if (serverPosition == null) return null;
  const p = serverPosition + c.userOffset;
  if (p < 1) return 1;
  if (p > c.userLength + 1) return null;
  return p;
}
