import { localDayStart } from '../audit-log/composeFilter';

/** The dashboard's window: the last `days` local days, today included. */
export interface DashboardWindow {
  /** YYYY-MM-DD, the first local day: what the audit log's `from` parameter takes. */
  fromDay: string;
  /** The instant that day starts, for auditFacets(from:). */
  fromISO: string;
}

export function dashboardWindow(now: Date, days: number): DashboardWindow {
  const first = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
  const pad = (n: number) => String(n).padStart(2, '0');
  const fromDay = `${first.getFullYear()}-${pad(first.getMonth() + 1)}-${pad(first.getDate())}`;
  return { fromDay, fromISO: localDayStart(fromDay) };
}

/**
 * A link to the audit log that counts what the dashboard counted: the same
 * window (the log's `from`, a local day like the facets' start) plus a filter.
 */
export function auditLogLink(slug: string, window: DashboardWindow, narrow: { filter?: string; action?: string } = {}): string {
  const p = new URLSearchParams();
  if (narrow.filter) p.set('filter', narrow.filter);
  if (narrow.action) p.set('action', narrow.action);
  p.set('from', window.fromDay);
  return `/t/${slug}/activity/audit-log?${p.toString()}`;
}

/** The audit log with one entry open (its permalink). */
export function entryLink(slug: string, id: string): string {
  return `/t/${slug}/activity/audit-log?${new URLSearchParams({ entry: id }).toString()}`;
}

/** Entries pushed live go on top; a row already shown is not repeated; at most `limit` rows. */
export function mergeRecent<T extends { id: string }>(shown: readonly T[], incoming: readonly T[], limit: number): T[] {
  const out: T[] = [];
  const seen = new Set<string>();
  for (const e of [...incoming, ...shown]) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
    if (out.length === limit) break;
  }
  return out;
}
