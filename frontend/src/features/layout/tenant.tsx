import { Container } from '@mantine/core';
import { createContext, useContext, type ReactNode } from 'react';
import { Outlet, useParams } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { Role } from '../../gql/graphql';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { abilities, type Abilities } from '../auth/abilities';
import { effectiveRole } from '../auth/roles';
import { useViewer } from '../auth/session';

export const TenantQuery = graphql(`
  query Tenant($slug: String!) {
    tenant(slug: $slug) { id slug name createdAt retentionDays viewerRole }
  }
`);

export interface CurrentTenant {
  id: string;
  slug: string;
  name: string;
  retentionDays: number | null;
  /** The viewer's rights here (platform admins: OWNER). */
  role: Role | null;
  /** Whether the viewer is limited to one workspace. */
  workspace: string | null;
  /** What the viewer may do here, with the reasons (features/auth/abilities.ts). */
  can: Abilities;
}

const TenantContext = createContext<CurrentTenant | null>(null);

export function useTenant(): CurrentTenant {
  const t = useContext(TenantContext);
  if (!t) throw new Error('useTenant outside a tenant route');
  return t;
}

/** The tenant of a /t/:slug screen, null elsewhere (platform screens). */
export function useOptionalTenant(): CurrentTenant | null {
  return useContext(TenantContext);
}

export function TenantProvider({ value, children }: { value: CurrentTenant; children: ReactNode }) {
  return <TenantContext.Provider value={value}>{children}</TenantContext.Provider>;
}

/** Loads /t/:slug's tenant and provides it to the pages below. */
export function TenantRoute() {
  const { slug = '' } = useParams();
  const viewer = useViewer();
  const [{ data, fetching, error }, refetch] = useQuery({ query: TenantQuery, variables: { slug } });
  if (fetching && !data) return <LoadingState />;
  if (error && !data)
    return (
      <Container py="md">
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      </Container>
    );
  const t = data?.tenant;
  if (!t) return <EmptyState title="Tenant not found">There is no tenant “{slug}”, or you are not a member of it.</EmptyState>;
  const membership = viewer.memberships.find((m) => m.tenant.id === t.id);
  const role = effectiveRole(t.viewerRole ?? membership?.role, viewer.user.isPlatformAdmin);
  const workspace = viewer.user.isPlatformAdmin ? null : (membership?.workspace ?? null);
  const value: CurrentTenant = {
    id: t.id,
    slug: t.slug,
    name: t.name,
    retentionDays: t.retentionDays ?? null,
    role,
    workspace,
    can: abilities({ role, workspace, isPlatformAdmin: viewer.user.isPlatformAdmin }),
  };
  return (
    <TenantProvider value={value}>
      <Outlet />
    </TenantProvider>
  );
}
