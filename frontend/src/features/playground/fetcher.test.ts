import { describe, expect, it } from 'vitest';
import { isSubscription, selectOperation } from './fetcher';
import { exampleTabs } from './examples';

describe('isSubscription', () => {
  it('finds the selected operation', () => {
    const doc = 'query A { viewer { user { id } } } subscription B { auditEntryCreated { id } }';
    expect(isSubscription(doc, 'A')).toBe(false);
    expect(isSubscription(doc, 'B')).toBe(true);
    expect(isSubscription('subscription { x }')).toBe(true);
    expect(isSubscription('not graphql {')).toBe(false);
  });
  it('drops a stale operation name when the document holds one operation', () => {
    // GraphiQL sends the previous tab's name for 100 ms after a tab switch.
    const tail = 'subscription Tail($t: ID) { auditEntryCreated(tenantID: $t) { id } }';
    expect(selectOperation(tail, 'RecentFailures')).toEqual({ operationName: 'Tail', subscription: true });
    expect(selectOperation('{ viewer { user { id } } }', 'RecentFailures')).toEqual({ operationName: undefined, subscription: false });
    expect(selectOperation(tail, 'Tail')).toEqual({ operationName: 'Tail', subscription: true });
    // With several operations the name chooses; an unknown one is left for the server to reject.
    const two = 'query A { viewer { user { id } } } subscription B { auditEntryCreated { id } }';
    expect(selectOperation(two, 'C')).toEqual({ operationName: 'C', subscription: false });
    expect(selectOperation('not graphql {', 'X')).toEqual({ operationName: 'X', subscription: false });
  });
  it('preloads a query, the record mutation and the live subscription', () => {
    const tabs = exampleTabs('T1');
    expect(tabs.map((t) => (t.query ?? '').match(/^(query|mutation|subscription)/m)?.[0])).toEqual(['query', 'mutation', 'subscription']);
    expect(tabs[0].variables).toContain('"T1"');
  });
});
