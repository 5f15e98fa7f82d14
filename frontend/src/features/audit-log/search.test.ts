import { describe, expect, it } from 'vitest';
import { matchesSearch, tabClauses } from './search';

const entry = {
  action: 'workspace.deploy', resourceType: 'workspace', resourceID: 'ws_prod_eu', resourceName: 'prod-eu', workspace: 'Prod-EU',
  actor: { id: 'gh-1', name: 'GitHub push', email: null },
};

describe('matchesSearch', () => {
  it('matches a substring of any searched field, ignoring case', () => {
    for (const s of ['DEPLOY', 'ws_prod', 'prod-eu', 'github', 'gh-1', '  push ', '']) expect(matchesSearch(entry, s)).toBe(true);
  });
  it('does not match other text or unsearched fields', () => {
    expect(matchesSearch(entry, 'stripe')).toBe(false);
    expect(matchesSearch({ ...entry, workspace: null, resourceName: null }, 'prod-eu')).toBe(false);
  });
  it('treats % and _ literally, like the server', () => {
    expect(matchesSearch(entry, 'workspace%deploy')).toBe(false);
    expect(matchesSearch(entry, 'ws_')).toBe(true);
    expect(matchesSearch(entry, 'wsXprod')).toBe(false);
  });
});

describe('tabs', () => {
  it('adds the webhook actor type on the triggers tab only', () => {
    expect(tabClauses('all')).toEqual([]);
    expect(tabClauses('triggers')).toEqual(["actor_type = 'WEBHOOK'"]);
  });
});
