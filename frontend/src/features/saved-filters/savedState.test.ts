import { describe, expect, it } from 'vitest';
import { applySavedState, isCurrent, savedStateOf, suggestName } from './savedState';

describe('savedStateOf', () => {
  it('keeps what selects rows, not paging, the open entry or the live tail', () => {
    const p = new URLSearchParams('page=3&size=50&filter=status+%3D+%27failure%27&action=b&action=a&entry=aud_1&live=1&from=2026-01-01');
    expect(savedStateOf(p)).toBe('action=b&action=a&filter=status+%3D+%27failure%27&from=2026-01-01');
  });
  it('drops empty values and is independent of parameter order', () => {
    expect(savedStateOf(new URLSearchParams('b=2&a=1&c='))).toBe(savedStateOf(new URLSearchParams('a=1&b=2')));
  });
  it('is empty when nothing filters', () => {
    expect(savedStateOf(new URLSearchParams('page=2&size=100'))).toBe('');
  });
});

describe('applySavedState', () => {
  it('replaces the filters, starts at page 1 and keeps the page size', () => {
    const next = applySavedState(new URLSearchParams('filter=x&page=4&size=50&entry=aud_1'), 'action=member.invite&page=9');
    expect(next.toString()).toBe('action=member.invite&size=50');
  });
});

describe('isCurrent', () => {
  it('matches the state in use, whatever the page', () => {
    expect(isCurrent(new URLSearchParams('page=2&filter=a'), 'filter=a')).toBe(true);
    expect(isCurrent(new URLSearchParams('filter=a&type=x'), 'filter=a')).toBe(false);
  });
});

describe('suggestName', () => {
  it('offers the filter text, shortened', () => {
    expect(suggestName(new URLSearchParams('filter=status+%3D+%27failure%27'))).toBe("status = 'failure'");
    expect(suggestName(new URLSearchParams(`filter=${'x'.repeat(80)}`))).toHaveLength(58);
    expect(suggestName(new URLSearchParams('action=a'))).toBe('');
  });
});
