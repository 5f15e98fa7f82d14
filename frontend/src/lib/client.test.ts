import { describe, expect, it } from 'vitest';
import { isAuthClose } from './client';

describe('isAuthClose', () => {
  it('tells a refused caller from a dropped connection', () => {
    expect(isAuthClose({ code: 4401, reason: 'Unauthorized' })).toBe(true);
    expect(isAuthClose({ code: 4403, reason: 'Forbidden' })).toBe(true);
    expect(isAuthClose({ code: 1001, reason: 'server shutting down' })).toBe(false);
    expect(isAuthClose({ code: 1013, reason: 'rate limited' })).toBe(false);
    expect(isAuthClose(new Error('network'))).toBe(false);
    expect(isAuthClose(null)).toBe(false);
  });
});
