import type { ReactNode } from 'react';
import { EmptyState } from '../../components/states';
import { usePageTitle } from '../../components/usePageTitle';
import type { Role } from '../../gql/graphql';
import type { Abilities } from '../auth/abilities';
import { atLeast } from '../auth/roles';
import { useTenant } from './tenant';

type Need = 'seeProcesses' | 'manage' | 'streams';

const TITLES: Record<Need, string> = {
  seeProcesses: 'Not available with your access',
  manage: 'Managed by tenant-wide admins',
  streams: 'Set up by tenant-wide admins',
};

function reason(can: Abilities, need: Need): string {
  if (need === 'streams') return can.streamsReason;
  return need === 'seeProcesses' ? can.processesReason : can.manageReason;
}

/**
 * Shows the page only when the viewer may use it (the role, and for `need` a
 * tenant-wide grant); otherwise says why in words.
 */
export function RequireTenantRole({ min, need, children }: { min: Role; need?: Need; children: ReactNode }) {
  const tenant = useTenant();
  const allowed = (!need || tenant.can[need]) && atLeast(tenant.role, min);
  usePageTitle(allowed ? null : 'Not available', tenant.name);
  if (need && !tenant.can[need]) return <EmptyState title={TITLES[need]}>{reason(tenant.can, need)}</EmptyState>;
  if (!atLeast(tenant.role, min))
    return <EmptyState title="Not available for your role">This page needs the {min.toLowerCase()} role or higher in {tenant.name}.</EmptyState>;
  return <>{children}</>;
}
