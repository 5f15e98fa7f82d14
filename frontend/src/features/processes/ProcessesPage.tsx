import { Anchor, Progress, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { QueryFilter } from '../../components/QueryFilter';
import { StatusBadge } from '../../components/badges';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { useListParams } from '../../components/useListParams';
import { nodesOf } from '../../lib/connection';
import { filterErrorOf } from '../../lib/errors';
import { actorLabel, formatLocal, formatUTC } from '../../lib/format';
import { useTenant } from '../layout/tenant';
import { ProcessesQuery } from './documents';

const PRESETS = [
  { label: 'Running', filter: "status in ('queued', 'running')" },
  { label: 'Failed', filter: "status = 'failed'" },
  { label: 'Archives', filter: "kind = 'archive'" },
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
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ProcessesQuery,
    variables: { tenantID: tenant.id, first: list.size, offset: (list.page - 1) * list.size, filter: list.filter || undefined },
  });
  const rows = nodesOf(data?.processes);
  const fe = filterErrorOf(error);
  return (
    <Stack gap="sm">
      <PageHeader title="Processes" description="Background work in this tenant: archives, exports and retention runs." />
      <QueryFilter value={list.filter} onApply={(filter) => update({ filter })} presets={PRESETS} error={fe} placeholder="e.g. status = 'failed' and kind = 'archive'" />
      {fetching && !data && <LoadingState />}
      {error && !fe && !data && <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
      {data && rows.length === 0 && <EmptyState title="No processes">{list.filter ? 'Nothing matches this filter.' : 'Nothing has run yet.'}</EmptyState>}
      {rows.length > 0 && (
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
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/t/${tenant.slug}/activity/processes/${encodeURIComponent(p.id)}`} size="sm">
                        {p.kind.toLowerCase()}
                      </Anchor>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {p.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
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
          <Pager page={list.page} size={list.size} total={data?.processes.totalCount ?? 0} sizes={[25, 50, 100]} onPage={(page) => update({ page })} onSize={(size) => update({ size })} noun="processes" />
        </>
      )}
    </Stack>
  );
}
