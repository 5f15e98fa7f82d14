import { describe, expect, it } from 'vitest';
import { SCHEDULE_KINDS } from './scheduleInput';
import { kindChoices, PLATFORM_SCHEDULE_SCOPE, tenantScheduleScope } from './scheduleScope';

describe('schedule scopes', () => {
  const acme = tenantScheduleScope({ id: 'ten_1', slug: 'acme' });

  it('asks the API for a tenant’s schedules, or the platform log’s', () => {
    expect(acme.vars).toEqual({ tenantID: 'ten_1' });
    expect(acme.platform).toBe(false);
    expect(PLATFORM_SCHEDULE_SCOPE.vars).toEqual({ platform: true });
    expect(PLATFORM_SCHEDULE_SCOPE.platform).toBe(true);
  });

  it('offers the platform log VERIFY only, a tenant every kind', () => {
    expect(kindChoices(PLATFORM_SCHEDULE_SCOPE).map((k) => k.value)).toEqual(['VERIFY']);
    expect(kindChoices(acme).map((k) => k.value)).toEqual(SCHEDULE_KINDS.map((k) => k.value));
    expect(acme.kinds).toEqual(['ARCHIVE', 'EXPORT', 'RETENTION', 'VERIFY']);
    // Every kind offered has its help line.
    for (const k of kindChoices(acme)) expect(k.help.length).toBeGreaterThan(20);
  });

  it('links a schedule’s process to the page of its log', () => {
    expect(acme.processPath('prc_1')).toBe('/t/acme/activity/processes/prc_1');
    expect(PLATFORM_SCHEDULE_SCOPE.processPath('prc_2')).toBe('/admin/processes/prc_2');
    expect(PLATFORM_SCHEDULE_SCOPE.processPath('a/b')).toBe('/admin/processes/a%2Fb');
  });
});
