import { describe, expect, it } from 'vitest';
import { exampleTabs, playgroundTenant } from './examples';

const ms = [
  { tenant: { id: 't1', slug: 'acme' } },
  { tenant: { id: 't2', slug: 'globex' } },
];

describe('playgroundTenant', () => {
  it('prefers the last tenant opened, then the first membership, then the last ID seen', () => {
    expect(playgroundTenant(ms, { slug: 'globex', id: 't2' })).toBe('t2');
    expect(playgroundTenant(ms, { slug: null, id: null })).toBe('t1');
    expect(playgroundTenant([], { slug: 'acme', id: 't9' })).toBe('t9');
    expect(playgroundTenant([], { slug: null, id: null })).toBeNull();
  });
});

describe('exampleTabs', () => {
  it('opens the first example with a tenant and a narrow filter, not the whole log', () => {
    const vars = JSON.parse(exampleTabs('t1')[0].variables ?? '{}');
    expect(vars.tenantID).toBe('t1');
    expect(vars.filter).toMatch(/status = 'failure'/);
  });
});
