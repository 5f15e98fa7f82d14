import { describe, expect, it } from 'vitest';
import { isSubscription } from './fetcher';
import { exampleTabs } from './examples';

describe('isSubscription', () => {
  it('finds the selected operation', () => {
    const doc = 'query A { viewer { user { id } } } subscription B { auditEntryCreated { id } }';
    expect(isSubscription(doc, 'A')).toBe(false);
    expect(isSubscription(doc, 'B')).toBe(true);
    expect(isSubscription('subscription { x }')).toBe(true);
    expect(isSubscription('not graphql {')).toBe(false);
  });
  it('preloads a query, the record mutation and the live subscription', () => {
    const tabs = exampleTabs('T1');
    expect(tabs.map((t) => (t.query ?? '').match(/^(query|mutation|subscription)/m)?.[0])).toEqual(['query', 'mutation', 'subscription']);
    expect(tabs[0].variables).toContain('"T1"');
  });
});
