import { describe, expect, it } from 'vitest';
import { formatArchiveRange as fmt } from './range';

// Intl puts thin spaces around the dash of a range.
const formatArchiveRange = (...a: Parameters<typeof fmt>) => fmt(...a).replace(/[\u2009\u202f]/g, ' ');

const local = (y: number, m: number, d: number) => new Date(y, m - 1, d).toISOString();

describe('formatArchiveRange', () => {
  it('shows a month of local days as its first and last day', () => {
    expect(formatArchiveRange(local(2026, 11, 1), local(2026, 12, 1), 'en-US')).toBe('Nov 1 – 30, 2026');
  });

  it('shows a single day once', () => {
    expect(formatArchiveRange(local(2026, 11, 5), local(2026, 11, 6), 'en-US')).toBe('Nov 5, 2026');
  });

  it('shows ranges across years in full', () => {
    expect(formatArchiveRange(local(2025, 12, 15), local(2026, 1, 16), 'en-US')).toBe('Dec 15, 2025 – Jan 15, 2026');
  });

  it('says UTC for days that start at UTC midnight elsewhere', () => {
    const r = formatArchiveRange('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', 'en-US');
    // In a UTC time zone these are local days too.
    expect(['Nov 1 – 30, 2026', 'Nov 1 – 30, 2026 (UTC)']).toContain(r);
  });

  it('falls back to both instants when the range is not whole days', () => {
    const r = formatArchiveRange('2026-11-01T10:30:00Z', '2026-11-02T10:30:00Z', 'en-US');
    expect(r).toContain('–');
    expect(r).not.toMatch(/^Nov 1 – /);
  });
});
