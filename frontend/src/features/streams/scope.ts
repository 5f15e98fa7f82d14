import { useOptionalTenant } from '../layout/tenant';

/**
 * Whose streams a page shows: a tenant's (Settings → Log streams) or the
 * platform log's (/admin/log-streams, platform admins), as the API takes it:
 * `tenantID`, or `platform: true`.
 */
export interface StreamScope {
  vars: { tenantID?: string; platform?: boolean };
  /** The list's address; a stream's page is under it. */
  base: string;
  /** Whether a stream (of the stream page's query) belongs here. */
  owns(s: { platform: boolean; tenant?: { id: string } | null }): boolean;
  platform: boolean;
}

export function tenantScope(tenant: { id: string; slug: string }): StreamScope {
  return {
    vars: { tenantID: tenant.id },
    base: `/t/${tenant.slug}/settings/log-streams`,
    owns: (s) => !s.platform && s.tenant?.id === tenant.id,
    platform: false,
  };
}

export const PLATFORM_SCOPE: StreamScope = {
  vars: { platform: true },
  base: '/admin/log-streams',
  owns: (s) => s.platform,
  platform: true,
};

/** The scope of the current screen: the tenant of a /t/:slug route, else the platform log. */
export function useStreamScope(): StreamScope {
  const tenant = useOptionalTenant();
  return tenant ? tenantScope(tenant) : PLATFORM_SCOPE;
}
