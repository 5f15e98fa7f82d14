import type { Role } from '../../gql/graphql';

const RANK: Record<Role, number> = { MEMBER: 0, AUDITOR: 1, ADMIN: 2, OWNER: 3 };

/** Platform admins act with OWNER rights in every tenant. */
export function effectiveRole(viewerRole: Role | null | undefined, isPlatformAdmin: boolean): Role | null {
  if (isPlatformAdmin) return 'OWNER';
  return viewerRole ?? null;
}

export function atLeast(role: Role | null | undefined, min: Role): boolean {
  return role != null && RANK[role] >= RANK[min];
}

export const ROLES: Role[] = ['OWNER', 'ADMIN', 'AUDITOR', 'MEMBER'];
