import { Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useOptionalTenant } from '../features/layout/tenant';
import { usePageTitle } from './usePageTitle';

/**
 * A screen's heading, description and actions; it also names the browser tab
 * (`documentTitle`, by default the heading, then the tenant).
 */
export function PageHeader({ title, description, actions, documentTitle }: { title: string; description?: ReactNode; actions?: ReactNode; documentTitle?: string }) {
  const tenant = useOptionalTenant();
  usePageTitle(documentTitle ?? title, tenant && tenant.name !== (documentTitle ?? title) ? tenant.name : null);
  return (
    <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
      <div>
        <Title order={1} size="h3">
          {title}
        </Title>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        )}
      </div>
      {actions && <Group gap="xs">{actions}</Group>}
    </Group>
  );
}
