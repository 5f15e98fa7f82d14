import type { Role } from '../../gql/graphql';
import { atLeast } from './roles';

/**
 * What the viewer may do in one tenant, with the reason in words when not
 * (docs/security.md "Roles and what they see"). A workspace-scoped ADMIN or
 * AUDITOR reads the entries of that workspace only: processes, archives and
 * everything that manages the tenant need a tenant-wide grant.
 */
export interface Abilities {
  /** Processes and archives (they cover every workspace). */
  seeProcesses: boolean;
  /** Members, invitations, API keys, schedules, archives; renaming the tenant. */
  manage: boolean;
  retention: boolean;
  /** Log streams: they send the whole tenant's log out, so tenant-wide OWNER/ADMIN only. */
  streams: boolean;
  /** Why seeProcesses is false ('' when it is true). */
  processesReason: string;
  /** Why manage is false. */
  manageReason: string;
  retentionReason: string;
  /** Why streams is false. */
  streamsReason: string;
}

export interface Grant {
  role: Role | null;
  /** The one workspace a scoped membership covers; null is the whole tenant. */
  workspace: string | null;
  isPlatformAdmin?: boolean;
}

export function abilities({ role, workspace, isPlatformAdmin = false }: Grant): Abilities {
  if (isPlatformAdmin)
    return { seeProcesses: true, manage: true, retention: true, streams: true, processesReason: '', manageReason: '', retentionReason: '', streamsReason: '' };
  // OWNER memberships are always tenant-wide.
  const scoped = workspace != null && workspace !== '' && role !== 'OWNER';
  const seeProcesses = !scoped && atLeast(role, 'AUDITOR');
  const manage = !scoped && atLeast(role, 'ADMIN');
  const retention = role === 'OWNER';
  const scopeNote = scoped ? ` Your access covers the workspace “${workspace}” only.` : '';
  return {
    seeProcesses,
    manage,
    retention,
    streams: manage,
    processesReason: seeProcesses
      ? ''
      : `Processes and archives cover every workspace, so they are shown to tenant-wide auditors and admins.${scopeNote}`,
    manageReason: manage ? '' : `Members, invitations, API keys, archives and schedules are managed by tenant-wide admins.${scopeNote}`,
    retentionReason: retention ? '' : 'Retention is set by the tenant’s owners.',
    streamsReason: manage
      ? ''
      : `Log streams send the whole tenant’s log out of Trailmark, so they are set up by the tenant’s owners and tenant-wide admins.${scopeNote}`,
  };
}
