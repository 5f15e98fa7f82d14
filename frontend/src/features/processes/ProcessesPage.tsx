import { Anchor, Box, Button, Group, Progress, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { QueryFilter } from '../../components/QueryFilter';
import { SavedFiltersMenu } from '../saved-filters/SavedFiltersMenu';
import { StatusBadge } from '../../components/badges';
import { IconArrowUp } from '../../components/icons';
import { EmptyList } from '../../components/EmptyList';
import { ErrorState, LoadingState } from '../../components/states';
import { useListParams } from '../../components/useListParams';
import { nodesOf } from '../../lib/connection';
import { filterErrorOf } from '../../lib/errors';
import { actorLabel, formatLocal, formatUTC } from '../../lib/format';
import { useTenant } from '../layout/tenant';
import type { ProcessesQuery as ProcessesQueryType } from '../../gql/graphql';
import { ProcessesQuery } from './documents';
import { listVariables, useLiveProcessList, type LiveListArgs } from './useLiveProcessList';

const PRESETS = [
  { label: 'Running', filter: "status in ('queued', 'running')" },
  { label: 'Failed', filter: "status = 'failed'" },
  { label: 'Archives', filter: "kind = 'archive'" },
  { label: 'Exports', filter: "kind = 'export'" },
  { label: 'Last 7 days', filter: "created_at > now() - interval '7 days'" },
];

export function duration(start?: string | null, end?: string | null): string {
  if (!start) return '';
  const ms = (end ? new Date(end).getTime() : Date.now()) - new Date(start).getTime();
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}

export function ProcessesPage() {
  const tenant = useTenant();
  const [list, update] = useListParams();
  const args = { tenantID: tenant.id, filter: list.filter || undefined, page: list.page, size: list.size };
  const variables = listVariables(args);
  const [{ data, fetching, error, stale }, refetch] = useQuery({ query: ProcessesQuery, variables });
  const fe = filterErrorOf(error);
  return (
    <Stack gap="sm">
      <PageHeader title="Processes" description="Background work in this tenant: archives, exports and retention runs." />
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <SavedFiltersMenu tenantID={tenant.id} page="PROCESSES" presets={PRESETS} onPreset={(filter) => update({ filter })} />
        <QueryFilter value={list.filter} onApply={(filter) => update({ filter })} error={fe} placeholder="e.g. status = 'failed' and kind = 'archive'" />
      </Group>
      {fetching && !data && <LoadingState />}
      {error && !fe && !data && <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
      {data && (
        <LiveProcessTable
          key={JSON.stringify(variables)}
          args={args}
          data={data}
          fresh={fetching || stale ? null : data}
          onPage={(page) => update({ page })}
          onSize={(size) => update({ size })}
        />
      )}
    </Stack>
  );
}

interface LiveProcessTableProps {
  args: LiveListArgs;
  data: ProcessesQueryType;
  /** data once the server answered for these variables (not the cache, not the previous page's). */
  fresh: ProcessesQueryType | null;
  onPage(page: number): void;
  onSize(size: number): void;
}

/** One page of processes, kept live; mounted anew for each filter and page. */
function LiveProcessTable({ args, data, fresh, onPage, onSize }: LiveProcessTableProps) {
  const tenant = useTenant();
  const live = useLiveProcessList(args, fresh);
  const rows = live.loaded ? live.rows : nodesOf(data.processes);
  const total = live.loaded ? live.total : data.processes.totalCount;
  return (
    <>
      <Group justify="space-between" gap="xs" mih={28}>
        <LiveIndicator connected={live.connected} error={live.error} />
        {live.newCount > 0 && (
          <Button size="compact-sm" radius="xl" leftSection={<IconArrowUp />} onClick={() => onPage(1)} data-testid="new-processes">
            {live.newCount >= 100 ? '100+' : live.newCount} new
          </Button>
        )}
      </Group>
      {rows.length === 0 ? (
        <EmptyList total={total} page={args.page} size={args.size} filtered={!!args.filter} noun="processes" nothingYet="Nothing has run yet." onPage={onPage} />
      ) : (
        <>
          <Table.ScrollContainer minWidth={760}>
            <Table highlightOnHover verticalSpacing={6} fz="sm" aria-label="Processes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Process</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Initiated by</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Duration</Table.Th>
                  <Table.Th w={140}>Progress</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((p) => (
                  <Table.Tr key={p.id} className={live.isNew(p.id) ? 'tm-row-new' : undefined} data-new={live.isNew(p.id) || undefined}>
                    <Table.Td>
                      <Anchor component={Link} to={`/t/${tenant.slug}/activity/processes/${encodeURIComponent(p.id)}`} size="sm">
                        {p.kind.toLowerCase()}
                      </Anchor>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {p.id}
                      </Text>
                    </Table.Td>
                    <Table.Td data-testid="process-status">
                      <StatusBadge status={p.status} />
                    </Table.Td>
                    <Table.Td>{actorLabel(p.initiator)}</Table.Td>
                    <Table.Td title={formatUTC(p.createdAt)}>{formatLocal(p.createdAt)}</Table.Td>
                    <Table.Td>{duration(p.startedAt, p.finishedAt)}</Table.Td>
                    <Table.Td>{p.progress != null && <Progress value={p.progress * 100} size="sm" aria-label={`${Math.round(p.progress * 100)}%`} />}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={args.page} size={args.size} total={total} sizes={[25, 50, 100]} onPage={onPage} onSize={onSize} noun="processes" />
        </>
      )}
    </>
  );
}

function LiveIndicator({ connected, error }: { connected: boolean; error: string | null }) {
  const label = error ? `Live updates interrupted: ${error}` : connected ? 'Live' : 'Connecting…';
  return (
    <Group gap={6} data-testid="live-status" data-connected={connected && !error} aria-live="polite">
      <Box w={8} h={8} style={{ borderRadius: '50%', background: `var(--mantine-color-${error ? 'red' : connected ? 'teal' : 'yellow'}-filled)` }} />
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </Group>
  );
}
