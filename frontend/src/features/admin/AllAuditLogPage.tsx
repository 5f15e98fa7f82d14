import { SegmentedControl, Stack } from '@mantine/core';
import { useLocation, useNavigate } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { AuditLogView } from '../audit-log/AuditLogView';

/** Cross-tenant audit log for platform admins, and the platform log (sign-ins). */
export function AllAuditLogPage() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const platform = pathname.endsWith('/platform-log');
  return (
    <Stack gap="sm">
      <PageHeader
        title={platform ? 'Platform log' : 'All audit logs'}
        description={platform ? 'Sign-ins and other events outside any tenant.' : 'Entries of every tenant, newest first.'}
        actions={
          <SegmentedControl
            aria-label="Which log"
            value={platform ? 'platform' : 'tenants'}
            onChange={(v) => navigate(v === 'platform' ? '/admin/platform-log' : '/admin/audit-log')}
            data={[
              { value: 'tenants', label: 'All tenants' },
              { value: 'platform', label: 'Platform log' },
            ]}
          />
        }
      />
      <AuditLogView key={platform ? 'p' : 't'} platform={platform} showTenant={!platform} showRequest columnStorageKey="trailmark.allAuditLog.columnSizing" />
    </Stack>
  );
}
