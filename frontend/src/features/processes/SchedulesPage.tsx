import { ActionIcon, Alert, Anchor, Button, Group, Menu, Modal, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ConfirmModal } from '../../components/ConfirmModal';
import { IconDots } from '../../components/icons';
import { JsonInputField, parseJSONObject } from '../../components/JsonInputField';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/badges';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import type { ProcessKind, SchedulesQuery as SchedulesQueryType } from '../../gql/graphql';
import { errorMessage } from '../../lib/errors';
import { compactJSON, formatLocal } from '../../lib/format';
import { atLeast } from '../auth/roles';
import { useTenant } from '../layout/tenant';
import { CreateScheduleMutation, DeleteScheduleMutation, SchedulesQuery, UpdateScheduleMutation } from './documents';

type Schedule = NonNullable<NonNullable<SchedulesQueryType['tenant']>['schedules']>[number];

const CRON_PRESETS = [
  { value: '0 3 1 * *', label: 'Monthly, 1st at 03:00' },
  { value: '0 3 * * 1', label: 'Weekly, Monday 03:00' },
  { value: '0 3 * * *', label: 'Daily at 03:00' },
];

function ScheduleForm({ tenantID, schedule, onDone }: { tenantID: string; schedule: Schedule | null; onDone(): void }) {
  const [kind, setKind] = useState<ProcessKind>(schedule?.kind ?? 'ARCHIVE');
  const [cron, setCron] = useState(schedule?.cron ?? '0 3 1 * *');
  const [input, setInput] = useState(schedule?.input ? JSON.stringify(schedule.input, null, 2) : '{\n  "format": "JSONL_GZ"\n}');
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const [createState, create] = useMutation(CreateScheduleMutation);
  const [upd, update] = useMutation(UpdateScheduleMutation);
  const parsed = parseJSONObject(input);
  const err = createState.error ?? upd.error;
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        if (parsed.error) return;
        const res = schedule
          ? await update({ id: schedule.id, input: { cron, input: parsed.value, enabled } })
          : await create({ tenantID, input: { kind, cron, input: parsed.value, enabled } });
        if (!res.error) onDone();
      }}
    >
      <Stack>
        <Select label="Kind" data={['ARCHIVE', 'EXPORT', 'RETENTION']} value={kind} onChange={(v) => v && setKind(v as ProcessKind)} disabled={!!schedule} allowDeselect={false} />
        <TextInput
          label="Cron"
          description="Minute hour day-of-month month day-of-week (UTC)"
          value={cron}
          onChange={(e) => setCron(e.currentTarget.value)}
          ff="monospace"
          required
        />
        <Group gap={6}>
          {CRON_PRESETS.map((p) => (
            <Button key={p.value} size="compact-xs" variant="light" onClick={() => setCron(p.value)}>
              {p.label}
            </Button>
          ))}
        </Group>
        <JsonInputField label="Input" value={input} onChange={setInput} description="Passed to each process, e.g. the archive format and filter." />
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        {err && (
          <Alert color="red" role="alert">
            {errorMessage(err)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={upd.fetching || createState.fetching} disabled={!!parsed.error}>
            {schedule ? 'Save schedule' : 'Create schedule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function SchedulesPage() {
  const tenant = useTenant();
  const canManage = atLeast(tenant.role, 'ADMIN');
  const [{ data, fetching, error }, refetch] = useQuery({ query: SchedulesQuery, variables: { slug: tenant.slug } });
  const [, update] = useMutation(UpdateScheduleMutation);
  const [del, remove] = useMutation(DeleteScheduleMutation);
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const rows = data?.tenant?.schedules ?? [];
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <Stack gap="sm">
      <PageHeader
        title="Schedules"
        description="Recurring processes, such as a monthly archive."
        actions={canManage && <Button onClick={() => setEditing('new')}>New schedule</Button>}
      />
      {fetching && !data && <LoadingState />}
      {error && !data && <ErrorState error={error} onRetry={reload} />}
      {data && rows.length === 0 && <EmptyState title="No schedules">Create one to archive the log every month.</EmptyState>}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing={6} fz="sm" aria-label="Schedules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Cron</Table.Th>
                <Table.Th>Input</Table.Th>
                <Table.Th>Next run</Table.Th>
                <Table.Th>Last run</Table.Th>
                <Table.Th>Enabled</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{s.kind.toLowerCase()}</Table.Td>
                  <Table.Td ff="monospace">{s.cron}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" truncate maw={220}>
                      {compactJSON(s.input)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{s.enabled && s.nextRunAt ? formatLocal(s.nextRunAt) : '—'}</Table.Td>
                  <Table.Td>
                    {s.lastProcess ? (
                      <Group gap={6}>
                        <Anchor component={Link} size="sm" to={`/t/${tenant.slug}/activity/processes/${encodeURIComponent(s.lastProcess.id)}`}>
                          {formatLocal(s.lastProcess.createdAt)}
                        </Anchor>
                        <StatusBadge status={s.lastProcess.status} />
                      </Group>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={`Enable ${s.kind.toLowerCase()} schedule ${s.cron}`}
                      checked={s.enabled}
                      disabled={!canManage}
                      onChange={(e) => update({ id: s.id, input: { enabled: e.currentTarget.checked } })}
                    />
                  </Table.Td>
                  <Table.Td>
                    {canManage && (
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" aria-label={`Options for schedule ${s.cron}`}>
                            <IconDots />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item onClick={() => setEditing(s)}>Edit</Menu.Item>
                          <Menu.Item color="red" onClick={() => setDeleting(s)}>
                            Delete
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={editing != null} onClose={() => setEditing(null)} title={editing === 'new' ? 'New schedule' : 'Edit schedule'}>
        {editing != null && (
          <ScheduleForm
            tenantID={tenant.id}
            schedule={editing === 'new' ? null : editing}
            onDone={() => {
              setEditing(null);
              reload();
            }}
          />
        )}
      </Modal>
      <ConfirmModal
        opened={deleting != null}
        title="Delete schedule?"
        confirmLabel="Delete"
        danger
        busy={del.fetching}
        error={del.error ? errorMessage(del.error) : null}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          const res = await remove({ id: deleting.id });
          if (!res.error) {
            setDeleting(null);
            reload();
          }
        }}
      >
        No new processes will start from <code>{deleting?.cron}</code>. Past processes are kept.
      </ConfirmModal>
    </Stack>
  );
}
