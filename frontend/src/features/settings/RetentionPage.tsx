import { plural } from '../../lib/plural';
import { Alert, Button, Card, Group, NumberInput, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useMutation } from 'urql';
import { PageHeader } from '../../components/PageHeader';
import { errorMessage } from '../../lib/errors';
import { useTenant } from '../layout/tenant';
import { UpdateTenantMutation } from './documents';

export function RetentionPage() {
  const tenant = useTenant();
  const isOwner = tenant.role === 'OWNER';
  const [mode, setMode] = useState(tenant.retentionDays == null ? 'forever' : 'days');
  const [days, setDays] = useState<number>(tenant.retentionDays ?? 365);
  const [{ fetching, error, data }, update] = useMutation(UpdateTenantMutation);
  const current = data?.updateTenant.retentionDays !== undefined ? data.updateTenant.retentionDays : tenant.retentionDays;
  return (
    <Stack gap="sm" maw={640}>
      <PageHeader title="Retention" description="How long entries are kept before a retention process deletes them." />
      <Card withBorder radius="md">
        <Text size="sm" mb="md">
          Currently: <b>{current == null ? 'kept forever' : plural(current, 'day')}</b>
        </Text>
        {!isOwner ? (
          <Alert color="gray" variant="light">
            Only an owner of this tenant can change retention.
          </Alert>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              update({ id: tenant.id, input: mode === 'forever' ? { clearRetention: true } : { retentionDays: days } });
            }}
          >
            <Stack>
              <Radio.Group label="Keep entries" value={mode} onChange={setMode}>
                <Stack gap={6} mt={6}>
                  <Radio value="forever" label="Forever" />
                  <Radio value="days" label="For a number of days" />
                </Stack>
              </Radio.Group>
              {mode === 'days' && (
                <NumberInput label="Days" min={1} max={36500} value={days} onChange={(v) => setDays(Number(v) || 1)} w={160} description="Older entries are deleted daily; archive them first." />
              )}
              {error && (
                <Alert color="red" role="alert">
                  {errorMessage(error)}
                </Alert>
              )}
              {data && !error && <Alert color="teal">Saved.</Alert>}
              <Group>
                <Button type="submit" loading={fetching}>
                  Save retention
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Card>
    </Stack>
  );
}
