import { describe, expect, it } from 'vitest';
import { plural } from './plural';

describe('plural', () => {
  it('uses the singular for exactly one', () => {
    expect(plural(1, 'failure')).toBe('1 failure');
    expect(plural(0, 'failure')).toBe('0 failures');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
  });
});
