import { useOptionalTenant } from '../layout/tenant';
import { SCHEDULE_KINDS, type ScheduleKind } from './scheduleInput';

/**
 * Whose schedules a page shows: a tenant's (Activity → Schedules, tenant-wide
 * admins) or the platform log's (/admin/schedules, platform admins), as the
 * API takes it: `tenantID`, or `platform: true` (docs/processes.md,
 * "Schedules of the platform log").
 */
export interface ScheduleScope {
  /** The arguments of `schedules(…)` and `createSchedule(…)`. */
  vars: { tenantID?: string; platform?: boolean };
  /** The kinds a new schedule may have here, in the order offered. */
  kinds: ScheduleKind[];
  /** Where a process one of the schedules started is shown. */
  processPath(id: string): string;
  platform: boolean;
}

export function tenantScheduleScope(tenant: { id: string; slug: string }): ScheduleScope {
  return {
    vars: { tenantID: tenant.id },
    kinds: SCHEDULE_KINDS.map((k) => k.value),
    processPath: (id) => `/t/${tenant.slug}/activity/processes/${encodeURIComponent(id)}`,
    platform: false,
  };
}

/** The platform log has one kind of schedule: VERIFY (the server refuses any other). */
export const PLATFORM_SCHEDULE_SCOPE: ScheduleScope = {
  vars: { platform: true },
  kinds: ['VERIFY'],
  processPath: (id) => `/admin/processes/${encodeURIComponent(id)}`,
  platform: true,
};

/** The kinds the form offers in a scope, with their labels and help. */
export function kindChoices(scope: Pick<ScheduleScope, 'kinds'>) {
  return SCHEDULE_KINDS.filter((k) => scope.kinds.includes(k.value));
}

/** The scope of the current screen: the tenant of a /t/:slug route, else the platform log. */
export function useScheduleScope(): ScheduleScope {
  const tenant = useOptionalTenant();
  return tenant ? tenantScheduleScope(tenant) : PLATFORM_SCHEDULE_SCOPE;
}
