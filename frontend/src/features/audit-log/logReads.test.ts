import { describe, expect, it } from 'vitest';
import { composeFilter } from './composeFilter';
import { HIDE_LOG_READS, includesLogReads, keepLogReads, linkWithLogReads, logReadsClauses, logReadsFilter, setLogReads } from './logReads';

const empty = { filter: '', actions: [], resourceTypes: [], user: '', from: '', to: '' };

describe('log reads', () => {
  it('are hidden unless the URL says logReads=1', () => {
    expect(includesLogReads(new URLSearchParams(''))).toBe(false);
    expect(includesLogReads(new URLSearchParams('logReads=0'))).toBe(false);
    expect(includesLogReads(new URLSearchParams('logReads=1'))).toBe(true);
  });

  it('switching keeps the other parameters and goes back to the first page', () => {
    const on = setLogReads(new URLSearchParams('filter=x&page=3&size=50'), true);
    expect(on.toString()).toBe('filter=x&size=50&logReads=1');
    expect(setLogReads(on, false).toString()).toBe('filter=x&size=50');
  });

  it('survives a rewrite of the other parameters', () => {
    expect(keepLogReads(new URLSearchParams('logReads=1&page=2'), new URLSearchParams('filter=y')).toString()).toBe('filter=y&logReads=1');
    expect(keepLogReads(new URLSearchParams('page=2'), new URLSearchParams('filter=y')).toString()).toBe('filter=y');
  });

  it('are left out of the composed filter after the user text, which keeps its error positions', () => {
    expect(composeFilter(empty, logReadsClauses(false)).filter).toBe(HIDE_LOG_READS);
    expect(composeFilter(empty, logReadsClauses(true)).filter).toBeUndefined();
    const c = composeFilter({ ...empty, filter: "status = 'failure' or action = 'x'" }, logReadsClauses(false));
    expect(c.filter).toBe(`(status = 'failure' or action = 'x') and ${HIDE_LOG_READS}`);
    expect(c.userOffset).toBe(-1);
  });

  it('dashboard filters and links follow the switch', () => {
    expect(HIDE_LOG_READS).toBe("action not like 'audit\\_log.%'");
    expect(logReadsFilter(false)).toBe(HIDE_LOG_READS);
    expect(logReadsFilter(true)).toBeUndefined();
    expect(linkWithLogReads('/t/acme/activity/audit-log?from=2026-11-04', true)).toBe('/t/acme/activity/audit-log?from=2026-11-04&logReads=1');
    expect(linkWithLogReads('/t/acme/activity/audit-log', true)).toBe('/t/acme/activity/audit-log?logReads=1');
    expect(linkWithLogReads('/t/acme/activity/audit-log', false)).toBe('/t/acme/activity/audit-log');
  });
});
