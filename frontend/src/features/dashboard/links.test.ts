import { describe, expect, it } from 'vitest';
import { auditLogLink, dashboardWindow, entryLink, mergeRecent } from './links';

describe('dashboard links', () => {
  const w = dashboardWindow(new Date(2026, 11, 4, 15, 30), 30);

  it('starts the window at local midnight 29 days before today', () => {
    expect(w.fromDay).toBe('2026-11-05');
    expect(new Date(w.fromISO).getTime()).toBe(new Date(2026, 10, 5).getTime());
  });

  it('carries the window into every link to the log', () => {
    expect(auditLogLink('acme', w, { filter: "status = 'failure'" })).toBe(
      "/t/acme/activity/audit-log?filter=status+%3D+%27failure%27&from=2026-11-05",
    );
    expect(auditLogLink('acme', w, { action: 'member.invite' })).toBe('/t/acme/activity/audit-log?action=member.invite&from=2026-11-05');
  });

  it('opens an entry by its permalink', () => {
    expect(entryLink('acme', 'aud_1')).toBe('/t/acme/activity/audit-log?entry=aud_1');
  });
});

describe('mergeRecent', () => {
  it('puts live entries on top without repeats and keeps the limit', () => {
    const shown = [{ id: 'c' }, { id: 'b' }, { id: 'a' }];
    expect(mergeRecent(shown, [{ id: 'e' }, { id: 'd' }], 4).map((e) => e.id)).toEqual(['e', 'd', 'c', 'b']);
    expect(mergeRecent(shown, [{ id: 'c' }], 4).map((e) => e.id)).toEqual(['c', 'b', 'a']);
  });
});
