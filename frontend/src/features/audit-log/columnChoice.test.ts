import { beforeEach, describe, expect, it } from 'vitest';
import { columnChoiceKey, columnsFor, defaultColumns, loadColumnChoice, saveColumnChoice, toggleColumn, widthOf } from './columnChoice';

// 1440 px minus the 230 px navigation and the page padding.
const AVAILABLE_AT_1440 = 1440 - 230 - 2 * 16 - 2;

describe('column choice', () => {
  beforeEach(() => localStorage.clear());

  it('defaults fit 1440 px and keep New value and Status', () => {
    for (const showTenant of [false, true]) {
      const ids = defaultColumns(showTenant);
      expect(widthOf(ids)).toBeLessThanOrEqual(AVAILABLE_AT_1440);
      expect(ids).toEqual(expect.arrayContaining(['time', 'action', 'user', 'identifier', 'new', 'status']));
    }
    expect(defaultColumns(false)).not.toContain('tenant');
    expect(defaultColumns(true)).toContain('tenant');
  });

  it('is stored per user', () => {
    const alice = columnChoiceKey('auditLog', 'usr_alice');
    const bob = columnChoiceKey('auditLog', 'usr_bob');
    saveColumnChoice(alice, ['time', 'action']);
    expect(loadColumnChoice(alice, false)).toEqual(['time', 'action']);
    expect(loadColumnChoice(bob, false)).toEqual(defaultColumns(false));
  });

  it('drops unknown ids, keeps the view order and falls back on junk', () => {
    const key = columnChoiceKey('auditLog', 'u');
    localStorage.setItem(key, JSON.stringify(['status', 'nope', 'time', 'tenant']));
    expect(loadColumnChoice(key, false)).toEqual(['time', 'status']);
    expect(loadColumnChoice(key, true)).toEqual(['time', 'tenant', 'status']);
    localStorage.setItem(key, '{broken');
    expect(loadColumnChoice(key, false)).toEqual(defaultColumns(false));
    localStorage.setItem(key, '[]');
    expect(loadColumnChoice(key, false)).toEqual(defaultColumns(false));
  });

  it('toggles in order and never hides the last column', () => {
    expect(toggleColumn(['time', 'status'], 'action', false)).toEqual(['time', 'action', 'status']);
    expect(toggleColumn(['time', 'status'], 'time', false)).toEqual(['status']);
    expect(toggleColumn(['status'], 'status', false)).toEqual(['status']);
    expect(columnsFor(false).map((c) => c.id)).not.toContain('tenant');
  });
});
