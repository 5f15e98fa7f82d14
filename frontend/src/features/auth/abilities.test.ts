import { describe, expect, it } from 'vitest';
import { abilities } from './abilities';

describe('abilities', () => {
  it('gives tenant-wide admins processes and management, not retention', () => {
    const a = abilities({ role: 'ADMIN', workspace: null });
    expect([a.seeProcesses, a.manage, a.retention]).toEqual([true, true, false]);
    expect(a.manageReason).toBe('');
    expect(a.retentionReason).toMatch(/owners/);
  });

  it('keeps a workspace-scoped ADMIN to reading, and says why in words', () => {
    const a = abilities({ role: 'ADMIN', workspace: 'prod-eu' });
    expect(a.seeProcesses).toBe(false);
    expect(a.manage).toBe(false);
    expect(a.manageReason).toMatch(/managed by tenant-wide admins/);
    expect(a.manageReason).toContain('“prod-eu” only');
    expect(a.processesReason).toMatch(/cover every workspace/);
    expect(a.streams).toBe(false);
    expect(a.streamsReason).toMatch(/^Log streams send the whole tenant’s log out of Trailmark/);
    expect(a.streamsReason).toContain('“prod-eu” only');
  });

  it('gives log streams to tenant-wide owners and admins (and platform admins) only', () => {
    expect(['OWNER', 'ADMIN', 'AUDITOR', 'MEMBER'].map((role) => abilities({ role: role as 'ADMIN', workspace: null }).streams)).toEqual([true, true, false, false]);
    expect(abilities({ role: 'AUDITOR', workspace: null }).streamsReason).toMatch(/owners and tenant-wide admins\.$/);
    expect(abilities({ role: null, workspace: null, isPlatformAdmin: true })).toMatchObject({ streams: true, streamsReason: '' });
  });

  it('lets a tenant-wide AUDITOR see processes and archives but not manage', () => {
    const a = abilities({ role: 'AUDITOR', workspace: null });
    expect(a.seeProcesses).toBe(true);
    expect(a.manage).toBe(false);
    expect(a.manageReason).not.toContain('workspace “');
  });

  it('treats a scoped AUDITOR like a scoped ADMIN', () => {
    const a = abilities({ role: 'AUDITOR', workspace: 'analytics' });
    expect([a.seeProcesses, a.manage]).toEqual([false, false]);
  });

  it('never scopes an OWNER, and gives platform admins everything', () => {
    expect(abilities({ role: 'OWNER', workspace: 'x' })).toMatchObject({ seeProcesses: true, manage: true, retention: true });
    expect(abilities({ role: null, workspace: null, isPlatformAdmin: true })).toMatchObject({ seeProcesses: true, manage: true, retention: true });
  });

  it('gives a MEMBER neither', () => {
    const a = abilities({ role: 'MEMBER', workspace: null });
    expect([a.seeProcesses, a.manage, a.retention]).toEqual([false, false, false]);
  });
});
