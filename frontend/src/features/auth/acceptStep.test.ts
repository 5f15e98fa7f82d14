import { describe, expect, it } from 'vitest';
import { acceptStep } from './acceptStep';

describe('acceptStep', () => {
  const fresh = { email: 'new@example.com', accountExists: false };
  const existing = { email: 'ceo@example.com', accountExists: true };

  it('creates an account only for a new email, signed out', () => {
    expect(acceptStep(fresh, null)).toBe('create');
  });

  it('asks an existing account to sign in first: the token alone is not enough', () => {
    expect(acceptStep(existing, null)).toBe('sign-in');
    expect(acceptStep(existing, undefined)).toBe('sign-in');
  });

  it('accepts signed in as the invited email, whatever its case', () => {
    expect(acceptStep(existing, 'CEO@Example.com')).toBe('accept');
  });

  it('refuses another signed-in account, whether or not the invited email has one', () => {
    expect(acceptStep(existing, 'admin@example.com')).toBe('other-account');
    expect(acceptStep(fresh, 'admin@example.com')).toBe('other-account');
  });
});
