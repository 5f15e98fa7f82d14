import type { ReactNode } from 'react';
import { EmptyState } from '../../components/states';
import type { Role } from '../../gql/graphql';
import { atLeast } from '../auth/roles';
import { useTenant } from './tenant';

export function RequireTenantRole({ min, children }: { min: Role; children: ReactNode }) {
  const tenant = useTenant();
  if (!atLeast(tenant.role, min))
    return <EmptyState title="Not available for your role">This page needs the {min.toLowerCase()} role or higher in {tenant.name}.</EmptyState>;
  return <>{children}</>;
}
