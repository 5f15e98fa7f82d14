import { describe, expect, it } from 'vitest';
import { pageTitle } from './usePageTitle';

describe('pageTitle', () => {
  it('puts the screen first, then its context, then the app', () => {
    expect(pageTitle('Members', 'Acme')).toBe('Members · Acme · Trailmark');
    expect(pageTitle('Sign in')).toBe('Sign in · Trailmark');
    expect(pageTitle('Tenants', null)).toBe('Tenants · Trailmark');
  });
});
