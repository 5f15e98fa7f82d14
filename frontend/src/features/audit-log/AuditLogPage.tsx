import { Stack, Text, Title } from '@mantine/core';
import { usePageTitle } from '../../components/usePageTitle';
import { atLeast } from '../auth/roles';
import { useTenant } from '../layout/tenant';
import { AuditLogView } from './AuditLogView';

export function AuditLogPage() {
  const tenant = useTenant();
  usePageTitle('Audit log', tenant.name);
  const scope =
    tenant.role === 'MEMBER' ? 'Your own activity in this tenant.' : tenant.workspace ? `Activity in workspace ${tenant.workspace}.` : 'Who did what, and when, in this tenant.';
  return (
    <Stack gap="sm">
      <div>
        <Title order={1} size="h3">
          Audit log
        </Title>
        <Text c="dimmed" size="sm">
          {scope}
        </Text>
      </div>
      <AuditLogView key={tenant.id} tenantID={tenant.id} tenantSlug={tenant.slug} showRequest={atLeast(tenant.role, 'AUDITOR')} tabs />
    </Stack>
  );
}
