/**
 * "Include log reads": every read of the log records an `audit_log.view` (docs/api.md), so the
 * audit log and the dashboard leave `audit_log.*` entries out unless the URL says otherwise.
 */

/** The URL parameter that shows log reads: `?logReads=1`. */
export const LOG_READS_PARAM = 'logReads';

/** The filter clause that leaves log reads out (`\_` is a literal underscore in `like`). */
export const HIDE_LOG_READS = "action not like 'audit\\_log.%'";

/** Whether the URL asks for log reads. */
export function includesLogReads(params: URLSearchParams): boolean {
  return params.get(LOG_READS_PARAM) === '1';
}

/** The URL parameters with log reads shown or hidden; the page goes back to the first. */
export function setLogReads(params: URLSearchParams, include: boolean): URLSearchParams {
  const p = new URLSearchParams(params);
  if (include) p.set(LOG_READS_PARAM, '1');
  else p.delete(LOG_READS_PARAM);
  p.delete('page');
  return p;
}

/** The clauses to add to a filter: none when log reads are shown. */
export function logReadsClauses(include: boolean): string[] {
  return include ? [] : [HIDE_LOG_READS];
}

/** A filter of generated clauses only (no user text), with log reads left out unless included. */
export function logReadsFilter(include: boolean): string | undefined {
  return include ? undefined : HIDE_LOG_READS;
}

/** A link into the audit log that keeps the viewer's choice. */
export function linkWithLogReads(href: string, include: boolean): string {
  if (!include) return href;
  return `${href}${href.includes('?') ? '&' : '?'}${LOG_READS_PARAM}=1`;
}

/** Carries the choice from the current URL parameters into the next ones. */
export function keepLogReads(current: URLSearchParams, next: URLSearchParams): URLSearchParams {
  if (includesLogReads(current)) next.set(LOG_READS_PARAM, '1');
  return next;
}
