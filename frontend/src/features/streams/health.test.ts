import { describe, expect, it } from 'vitest';
import { deliveryOutcome, formatAgo, formatLag, formatSeconds, healthOf } from './health';

describe('healthOf', () => {
  it('names the server’s status, and a stream failing for a short while is retrying', () => {
    expect(healthOf({ status: 'PENDING' })).toMatchObject({ label: 'pending', color: 'blue' });
    expect(healthOf({ status: 'HEALTHY' })).toMatchObject({ label: 'healthy', color: 'teal' });
    expect(healthOf({ status: 'HEALTHY', failingSince: '2026-12-04T10:00:00Z', lastError: 'HTTP 503' })).toMatchObject({
      label: 'retrying',
      color: 'yellow',
      description: 'The last delivery failed and is being retried. Last error: HTTP 503',
    });
    expect(healthOf({ status: 'PENDING', failingSince: '2026-12-04T10:00:00Z' }).label).toBe('retrying');
    expect(healthOf({ status: 'FAILING', failingSince: '2026-12-04T10:00:00Z', lastError: 'HTTP 500' })).toMatchObject({ label: 'failing', color: 'red' });
    expect(healthOf({ status: 'FAILING' }).description).toContain('keeps retrying');
    // Paused wins over an old failure: nothing is being tried.
    expect(healthOf({ status: 'PAUSED', failingSince: '2026-12-04T10:00:00Z', lastError: 'x' })).toMatchObject({ label: 'paused', color: 'gray' });
  });
});

describe('formatLag', () => {
  it('says how far behind in entries and time', () => {
    expect(formatLag({ entries: 0, seconds: 0 })).toBe('up to date');
    expect(formatLag({ entries: 1, seconds: 4.6 })).toBe('1 entry · 5 s behind');
    expect(formatLag({ entries: 1204, seconds: 200 })).toBe('1,204 entries · 3 min behind');
    expect(formatLag({ entries: 10000, capped: true, seconds: 7200 })).toBe('10,000+ entries · 2 h behind');
    expect(formatLag({ entries: 3, seconds: 0 })).toBe('3 entries behind');
    expect(formatLag({ entries: 2, seconds: 0.4 })).toBe('2 entries behind');
    expect(formatLag(null)).toBe('—');
  });
});

describe('formatSeconds and formatAgo', () => {
  it('uses the largest unit that keeps it short', () => {
    expect([0, 89, 90, 5399, 5400, 172_799, 172_800, 86_400 * 30].map(formatSeconds)).toEqual(['0 s', '89 s', '2 min', '90 min', '2 h', '48 h', '2 days', '30 days']);
  });
  it('says when relative to now', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(formatAgo(null, now)).toBe('never');
    expect(formatAgo('2026-12-04T11:59:58Z', now)).toBe('just now');
    expect(formatAgo('2026-12-04T11:59:30Z', now)).toBe('30 s ago');
    expect(formatAgo('2026-12-04T11:00:00Z', now)).toBe('60 min ago');
    expect(formatAgo('not a time', now)).toBe('not a time');
  });
});

describe('deliveryOutcome', () => {
  it('says whether the destination took the batch', () => {
    expect(deliveryOutcome({ ok: true, httpStatus: 204 })).toBe('accepted (204)');
    expect(deliveryOutcome({ ok: true })).toBe('accepted');
    expect(deliveryOutcome({ ok: false, httpStatus: 500, error: 'HTTP 500' })).toBe('refused (500)');
    expect(deliveryOutcome({ ok: false, error: 'dial tcp: connection refused' })).toBe('no answer');
  });
});
