import { describe, expect, it } from 'vitest';
import { parseAuditLogState, serializeAuditLogState } from './urlState';
import { composeFilter, localDayStart, tenantFilter, userPosition } from './composeFilter';

describe('audit log URL state', () => {
  it('parses defaults from an empty query string', () => {
    expect(parseAuditLogState(new URLSearchParams(''))).toEqual({
      filter: '', search: '', tab: 'all', actions: [], resourceTypes: [], user: '', tenants: [], from: '', to: '', page: 1, size: 25, live: false, entry: '',
    });
  });
  it('round-trips every field', () => {
    const s = {
      filter: "action like 'member.%'", search: 'grace hopper', tab: 'triggers' as const, actions: ['a.b', 'c.d'], resourceTypes: ['user'], user: "O'Brien", tenants: ['acme', 'globex'],
      from: '2026-01-01', to: '2026-01-31', page: 3, size: 50 as const, live: true,
      entry: 'aud_01HZX3F5Q8V9W2K4M6N7P8R9ST',
    };
    const qs = serializeAuditLogState(s).toString();
    expect(parseAuditLogState(new URLSearchParams(qs))).toEqual(s);
  });
  it('rejects junk and falls back to the remembered page size', () => {
    sessionStorage.setItem('trailmark.auditLog.pageSize', '100');
    const s = parseAuditLogState(new URLSearchParams('page=-2&size=7&from=yesterday'));
    expect(s.page).toBe(1);
    expect(s.size).toBe(100);
    expect(s.from).toBe('');
  });
  it('keeps the search and the triggers tab in the URL', () => {
    const s = parseAuditLogState(new URLSearchParams('tab=triggers&q=deploy'));
    expect(s.tab).toBe('triggers');
    expect(s.search).toBe('deploy');
    expect(serializeAuditLogState(s).toString()).toBe('tab=triggers&q=deploy');
    expect(parseAuditLogState(new URLSearchParams('tab=bogus')).tab).toBe('all');
    expect(serializeAuditLogState({ ...s, search: '   ', tab: 'all' }).toString()).toBe('');
  });
  it('leaves defaults out of the URL', () => {
    const qs = serializeAuditLogState(parseAuditLogState(new URLSearchParams('page=1&size=25'))).toString();
    expect(qs).toBe('');
  });
});

describe('composeFilter', () => {
  const base = { filter: '', actions: [], resourceTypes: [], user: '', from: '', to: '' };
  it('is empty without input', () => {
    expect(composeFilter(base).filter).toBeUndefined();
  });
  it('passes the user filter through unchanged', () => {
    const c = composeFilter({ ...base, filter: "status = 'failure'" });
    expect(c.filter).toBe("status = 'failure'");
    expect(userPosition(c, 10)).toBe(10);
  });
  it('combines facets and quotes values', () => {
    const c = composeFilter({ ...base, filter: 'x = 1', actions: ['a', "b'c"], user: 'Ann' });
    expect(c.filter).toBe("(x = 1) and action in ('a', 'b''c') and actor_name = 'Ann'");
    // position 5 in the composed text is position 4 in the user's text
    expect(userPosition(c, 5)).toBe(4);
    expect(userPosition(c, 40)).toBeNull();
  });
  it('narrows the global log and its pickers to the picked tenants', () => {
    expect(tenantFilter([])).toBeUndefined();
    expect(tenantFilter(['acme'])).toBe("tenant = 'acme'");
    expect(tenantFilter(['acme', "o'k"])).toBe("tenant in ('acme', 'o''k')");
  });

  it('picks tenants of the global log by slug', () => {
    expect(composeFilter({ ...base, tenants: ['acme'] }).filter).toBe("tenant = 'acme'");
    expect(composeFilter({ ...base, filter: 'x', tenants: ['acme', "o'k"] }).filter).toBe("(x) and tenant in ('acme', 'o''k')");
  });
  it('accounts for leading spaces', () => {
    const c = composeFilter({ ...base, filter: '  bad ==', resourceTypes: ['user'] });
    expect(c.filter).toBe("(bad ==) and resource_type = 'user'");
    expect(userPosition(c, 6)).toBe(7);
  });
  it('turns local days into an inclusive-exclusive time range', () => {
    const c = composeFilter({ ...base, from: '2026-03-01', to: '2026-03-01' });
    expect(c.from).toBe(localDayStart('2026-03-01'));
    expect(c.to).toBe(localDayStart('2026-03-02'));
    expect(new Date(c.to!).getTime() - new Date(c.from!).getTime()).toBeGreaterThanOrEqual(23 * 3600e3);
    expect(c.filter).toContain('occurred_at >= ');
  });
});
