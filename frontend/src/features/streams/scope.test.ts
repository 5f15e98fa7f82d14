import { describe, expect, it } from 'vitest';
import { PLATFORM_SCOPE, tenantScope } from './scope';

describe('stream scopes', () => {
  it('asks the API for a tenant’s streams, or the platform log’s', () => {
    const t = tenantScope({ id: 'ten_1', slug: 'acme' });
    expect(t.vars).toEqual({ tenantID: 'ten_1' });
    expect(t.base).toBe('/t/acme/settings/log-streams');
    expect(PLATFORM_SCOPE.vars).toEqual({ platform: true });
    expect(PLATFORM_SCOPE.base).toBe('/admin/log-streams');
  });

  it('owns only its own streams: another tenant’s, or the platform log’s, are not found here', () => {
    const t = tenantScope({ id: 'ten_1', slug: 'acme' });
    expect(t.owns({ platform: false, tenant: { id: 'ten_1' } })).toBe(true);
    expect(t.owns({ platform: false, tenant: { id: 'ten_2' } })).toBe(false);
    expect(t.owns({ platform: true, tenant: null })).toBe(false);
    expect(PLATFORM_SCOPE.owns({ platform: true, tenant: null })).toBe(true);
    expect(PLATFORM_SCOPE.owns({ platform: false, tenant: { id: 'ten_1' } })).toBe(false);
  });
});
