import { describe, expect, it } from 'vitest';
import { COLUMN_SIZING_KEY, loadColumnSizing, saveColumnSizing } from './columnSizing';

describe('column sizing persistence', () => {
  it('round-trips through localStorage', () => {
    saveColumnSizing({ time: 200, action: 321 });
    expect(loadColumnSizing()).toEqual({ time: 200, action: 321 });
  });
  it('ignores broken or hostile values', () => {
    localStorage.setItem(COLUMN_SIZING_KEY, '{"time":"wide","action":5,"user":99999,"x":null}');
    expect(loadColumnSizing()).toEqual({ action: 60, user: 1200 });
    localStorage.setItem(COLUMN_SIZING_KEY, 'not json');
    expect(loadColumnSizing()).toEqual({});
    localStorage.setItem(COLUMN_SIZING_KEY, '[1,2]');
    expect(loadColumnSizing()).toEqual({});
  });
});
