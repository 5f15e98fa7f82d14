import { ActionIcon, Alert, Anchor, Button, Group, Menu, Modal, Select, Stack, Switch, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import type { CombinedError } from '@urql/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ConfirmModal } from '../../components/ConfirmModal';
import { FormFooter } from '../../components/FormFooter';
import { IconDots } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { FilterErrorView } from '../../components/QueryFilter';
import { StatusBadge } from '../../components/badges';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { useConfirmedMutation, useDialog } from '../../components/useConfirmedMutation';
import type { SchedulesQuery as SchedulesQueryType } from '../../gql/graphql';
import { errorMessage, fieldErrorsOf } from '../../lib/errors';
import { compactJSON, formatLocal } from '../../lib/format';
import { useOptionalTenant } from '../layout/tenant';
import {
  DEFAULT_FIELDS,
  defaultCron,
  describeInput,
  fieldsFromInput,
  inputFromFields,
  type ArchiveFormatValue,
  type Period,
  type ScheduleFields,
  type ScheduleKind,
} from './scheduleInput';
import { kindChoices, useScheduleScope, type ScheduleScope } from './scheduleScope';
import { CreateScheduleMutation, DeleteScheduleMutation, SchedulesQuery, UpdateScheduleMutation } from './documents';

type Schedule = SchedulesQueryType['schedules'][number];

const CRON_PRESETS = [
  { value: '0 3 1 * *', label: 'Monthly, 1st at 03:00' },
  { value: '0 3 * * 1', label: 'Weekly, Monday 03:00' },
  { value: '0 3 * * *', label: 'Daily at 03:00' },
  { value: '0 * * * *', label: 'Hourly' },
];

const FORMATS = [
  { value: 'JSONL_GZ', label: 'JSON Lines, gzip' },
  { value: 'CSV_GZ', label: 'CSV, gzip' },
];

const PERIODS = [
  { value: 'day', label: 'Previous day' },
  { value: 'week', label: 'Previous week (Monday to Monday)' },
  { value: 'month', label: 'Previous month' },
];

/** A field's error: the form's own check first, then the server's answer. */
function fieldErrorsView(error: CombinedError | undefined) {
  const server = fieldErrorsOf(error);
  return {
    server,
    of: (field: string, local?: string) => local ?? server.get(field)?.message,
    /** Errors no field shows. */
    rest: (shown: string[]) => [...server.entries()].filter(([f]) => !shown.includes(f)).map(([f, e]) => `${f}: ${e.message}`),
  };
}

function ScheduleForm({ scope, schedule, onDone }: { scope: ScheduleScope; schedule: Schedule | null; onDone(): void }) {
  const kinds = kindChoices(scope);
  const [kind, setKind] = useState<ScheduleKind>((schedule?.kind as ScheduleKind | undefined) ?? scope.kinds[0]);
  const [cron, setCron] = useState(schedule?.cron ?? defaultCron(kind));
  const [fields, setFields] = useState<ScheduleFields>(() => (schedule ? fieldsFromInput(schedule.input) : DEFAULT_FIELDS));
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const [sentFilter, setSentFilter] = useState<string | null>(null);
  const [createState, create] = useMutation(CreateScheduleMutation);
  const [upd, update] = useMutation(UpdateScheduleMutation);
  const set = (patch: Partial<ScheduleFields>) => setFields((f) => ({ ...f, ...patch }));
  const built = inputFromFields(kind, fields);
  const err = createState.error ?? upd.error;
  const errors = fieldErrorsView(err);
  const serverFilter = errors.server.get('input.input.filter');
  // The server's positioned error belongs to the filter it was sent, until that is edited.
  const filterError = serverFilter && sentFilter === fields.filter.trim() ? serverFilter : null;
  const help = kinds.find((k) => k.value === kind)?.help;
  const shown = ['input.kind', 'input.cron', 'input.input.period', 'input.input.format', 'input.input.filter', 'input.input.name', 'input.input.lastDays'];
  const rest = errors.rest(shown);
  const otherError = err && (rest.length > 0 ? rest.join('; ') : errors.server.size === 0 ? errorMessage(err) : null);
  return (
    <form
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        if (Object.keys(built.errors).length > 0) return;
        setSentFilter(fields.filter.trim());
        const res = schedule
          ? await update({ id: schedule.id, input: { cron, input: built.value, enabled } })
          : await create({ ...scope.vars, input: { kind, cron, input: built.value, enabled } });
        if (!res.error) onDone();
      }}
    >
      <Stack>
        <Select
          label="Kind"
          description={help}
          data={kinds.map(({ value, label }) => ({ value, label }))}
          value={kind}
          onChange={(v) => v && setKind(v as ScheduleKind)}
          // The kind of a schedule never changes; the platform log has one kind only.
          disabled={!!schedule || kinds.length === 1}
          allowDeselect={false}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          error={errors.of('input.kind')}
        />
        <TextInput
          label="Cron"
          description="Minute hour day-of-month month day-of-week (UTC)"
          value={cron}
          onChange={(e) => setCron(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          required
          error={errors.of('input.cron')}
        />
        <Group gap={6}>
          {CRON_PRESETS.map((p) => (
            <Button key={p.value} size="compact-xs" variant="light" onClick={() => setCron(p.value)}>
              {p.label}
            </Button>
          ))}
        </Group>
        {kind === 'ARCHIVE' && (
          <Select
            label="Period"
            description="What each run archives, by when the entries occurred"
            data={PERIODS}
            value={fields.period}
            onChange={(v) => v && set({ period: v as Period })}
            allowDeselect={false}
            error={errors.of('input.input.period')}
          />
        )}
        {kind === 'EXPORT' && (
          <TextInput
            label="Last days"
            description="Empty: what was received since the previous export, each entry exactly once. A number: what was received in that many days before each run."
            placeholder="Since the previous export"
            inputMode="numeric"
            value={fields.lastDays}
            onChange={(e) => set({ lastDays: e.currentTarget.value })}
            error={errors.of('input.input.lastDays', built.errors.lastDays)}
          />
        )}
        {kind === 'RETENTION' && (
          <Switch label="Archive the expired entries before deleting them" checked={fields.archive} onChange={(e) => set({ archive: e.currentTarget.checked })} />
        )}
        {(kind === 'ARCHIVE' || kind === 'EXPORT' || (kind === 'RETENTION' && fields.archive)) && (
          <Select
            label="Format"
            data={FORMATS}
            value={fields.format}
            onChange={(v) => v && set({ format: v as ArchiveFormatValue })}
            allowDeselect={false}
            error={errors.of('input.input.format')}
          />
        )}
        {(kind === 'ARCHIVE' || kind === 'EXPORT') && (
          <>
            <div>
              <TextInput
                label="Filter"
                description="Optional: only the entries matching it, in the filter language"
                placeholder="e.g. status = 'failure' or action like 'member.%'"
                value={fields.filter}
                onChange={(e) => set({ filter: e.currentTarget.value })}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                spellCheck={false}
                error={filterError ? true : undefined}
              />
              {filterError && <FilterErrorView filter={sentFilter ?? ''} message={filterError.message} position={filterError.position} />}
            </div>
            <TextInput
              label="Name"
              description={kind === 'EXPORT' ? 'Each file is named after it and its window, e.g. “SIEM feed 2026-03-02T09:00:00Z to …”' : 'Optional; by default the period, e.g. “Month of 2026-02-01”'}
              placeholder={kind === 'EXPORT' ? 'Export' : 'Optional'}
              value={fields.name}
              onChange={(e) => set({ name: e.currentTarget.value })}
              error={errors.of('input.input.name', built.errors.name)}
            />
          </>
        )}
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <Text size="xs" c="dimmed" ff="monospace" data-testid="schedule-input-preview">
          input: {JSON.stringify(built.value)}
        </Text>
        <FormFooter
          error={otherError}
          label={schedule ? 'Save schedule' : 'Create schedule'}
          busy={upd.fetching || createState.fetching}
          disabled={Object.keys(built.errors).length > 0}
        />
      </Stack>
    </form>
  );
}

const COPY = {
  tenant: {
    title: 'Schedules',
    description: 'Recurring processes: archives, exports, retention and verification runs, on a cron schedule in UTC.',
    empty: 'Create one to archive the log every month, export it every hour or verify it every night.',
  },
  platform: {
    title: 'Platform schedules',
    description:
      'Recurring verification of the platform log (sign-ins and other events outside any tenant): each run re-hashes its stored entries and checks them against the signed tree, on a cron schedule in UTC.',
    empty: 'Create one to verify the platform log every night.',
  },
};

/** A tenant's schedules (/t/:slug/activity/schedules) or the platform log's (/admin/schedules). */
export function SchedulesPage() {
  const tenant = useOptionalTenant();
  const scope = useScheduleScope();
  const canManage = tenant ? tenant.can.manage : true; // the platform page is behind RequirePlatformAdmin
  const copy = scope.platform ? COPY.platform : COPY.tenant;
  const [{ data, fetching, error }, refetch] = useQuery({ query: SchedulesQuery, variables: scope.vars });
  const [toggleState, toggle] = useMutation(UpdateScheduleMutation);
  const [toggled, setToggled] = useState<Schedule | null>(null);
  const rows = data?.schedules ?? [];
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const editing = useDialog<Schedule | 'new'>(reload);
  const deleting = useConfirmedMutation(DeleteScheduleMutation, (s: Schedule) => ({ id: s.id }), reload);
  const setEnabled = async (s: Schedule, enabled: boolean) => {
    setToggled(s);
    const res = await toggle({ id: s.id, input: { enabled } });
    if (res.error) reload(); // show the switch as it is on the server
  };
  return (
    <Stack gap="sm">
      <PageHeader title={copy.title} description={copy.description} actions={canManage && <Button onClick={() => editing.open('new')}>New schedule</Button>} />
      {fetching && !data && <LoadingState />}
      {error && !data && <ErrorState error={error} onRetry={reload} />}
      {toggleState.error && toggled && (
        <Alert color="red" variant="light" role="alert" title={`Could not ${toggled.enabled ? 'pause' : 'resume'} the schedule ${toggled.cron}`}>
          {errorMessage(toggleState.error)}
        </Alert>
      )}
      {data && rows.length === 0 && <EmptyState title="No schedules">{copy.empty}</EmptyState>}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing={6} fz="sm" aria-label={copy.title}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Cron</Table.Th>
                <Table.Th>Input</Table.Th>
                <Table.Th>Next run</Table.Th>
                <Table.Th>Last run</Table.Th>
                <Table.Th>Enabled</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((s) => (
                <Table.Tr key={s.id} data-testid="schedule-row">
                  <Table.Td>{s.kind.toLowerCase()}</Table.Td>
                  <Table.Td ff="monospace">{s.cron}</Table.Td>
                  <Table.Td data-testid="schedule-input">
                    <Text size="sm">{describeInput(s.kind, s.input)}</Text>
                    <Text size="xs" c="dimmed" ff="monospace" truncate maw={320} title={JSON.stringify(s.input)}>
                      {compactJSON(s.input, 200)}
                    </Text>
                  </Table.Td>
                  <Table.Td data-testid="schedule-next-run">{!s.enabled ? <Text size="sm" c="dimmed">Paused</Text> : s.nextRunAt ? formatLocal(s.nextRunAt) : '—'}</Table.Td>
                  <Table.Td data-testid="schedule-last-run">
                    {s.lastProcess ? (
                      <Group gap={6}>
                        <Anchor component={Link} size="sm" to={scope.processPath(s.lastProcess.id)}>
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
                      disabled={!canManage || (toggleState.fetching && toggled?.id === s.id)}
                      onChange={(e) => void setEnabled(s, e.currentTarget.checked)}
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
                          <Menu.Item onClick={() => editing.open(s)}>Edit</Menu.Item>
                          <Menu.Item onClick={() => void setEnabled(s, !s.enabled)}>{s.enabled ? 'Pause' : 'Resume'}</Menu.Item>
                          <Menu.Item color="red" onClick={() => deleting.open(s)}>
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
      <Modal opened={editing.opened} onClose={editing.close} title={editing.target === 'new' ? 'New schedule' : 'Edit schedule'}>
        {editing.target != null && <ScheduleForm scope={scope} schedule={editing.target === 'new' ? null : editing.target} onDone={editing.done} />}
      </Modal>
      <ConfirmModal {...deleting.modal} title="Delete schedule?" confirmLabel="Delete" danger>
        No new processes will start from <code>{deleting.target?.cron}</code>. Past processes are kept.
      </ConfirmModal>
    </Stack>
  );
}
