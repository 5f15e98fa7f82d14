import { describe, expect, it } from 'vitest';
import { slugify } from './TenantsPage';
import { assignableRoles } from '../settings/MembersPage';

describe('slugify', () => {
  it('makes URL-safe slugs', () => {
    expect(slugify('  Acme Corp. (EU) ')).toBe('acme-corp-eu');
    expect(slugify('Café Ünïcode')).toBe('cafe-unicode');
  });
});

describe('assignableRoles', () => {
  it('lets only owners hand out OWNER', () => {
    expect(assignableRoles('OWNER')).toContain('OWNER');
    expect(assignableRoles('ADMIN')).toEqual(['ADMIN', 'AUDITOR', 'MEMBER']);
  });
});
