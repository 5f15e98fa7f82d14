import { Anchor, Button, Card, Group, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useMemo } from 'react';
import { Link } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/badges';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { graphql } from '../../gql';
import type { RecentActivityLiveSubscription } from '../../gql/graphql';
import { nodesOf } from '../../lib/connection';
import { actorLabel, formatLocal, formatUTC } from '../../lib/format';
import { plural } from '../../lib/plural';
import { LogReadsSwitch, useIncludeLogReads } from '../audit-log/LogReadsSwitch';
import { linkWithLogReads, logReadsFilter } from '../audit-log/logReads';
import { useTenant } from '../layout/tenant';
import { rememberTenant } from '../layout/HomeRedirect';
import { DayChart, fillDays } from './DayChart';
import { auditLogLink, dashboardWindow, entryLink, mergeRecent, type DashboardWindow } from './links';

const RecentActivityQuery = graphql(`
  query RecentActivity($tenantID: ID!, $filter: String) {
    auditEntries(tenantID: $tenantID, first: 6, filter: $filter) {
      edges { node { id occurredAt action resourceType resourceName status actor { type id name email } } }
    }
  }
`);

const RecentActivityLive = graphql(`
  subscription RecentActivityLive($tenantID: ID, $filter: String) {
    auditEntryCreated(tenantID: $tenantID, filter: $filter) { id occurredAt action resourceType resourceName status actor { type id name email } }
  }
`);

const RECENT = 6;

type Row = RecentActivityLiveSubscription['auditEntryCreated'];

const DashboardFacetsQuery = graphql(`
  query DashboardFacets($tenantID: ID!, $from: Time, $filter: String) {
    auditFacets(tenantID: $tenantID, from: $from, filter: $filter) {
      total
      byAction { value count }
      byStatus { value count }
      byDay { day count }
    }
  }
`);

const DAYS = 30;

function RecentActivity({ tenantID, slug }: { tenantID: string; slug: string }) {
  const includeLogReads = useIncludeLogReads();
  const filter = logReadsFilter(includeLogReads);
  const [{ data, fetching, error }, refetch] = useQuery({ query: RecentActivityQuery, variables: { tenantID, filter } });
  // Entries recorded while the dashboard is open come in live, newest on top.
  const [live] = useSubscription({ query: RecentActivityLive, variables: { tenantID, filter } }, (prev: Row[] = [], next) =>
    next.auditEntryCreated ? mergeRecent(prev, [next.auditEntryCreated], RECENT) : prev,
  );
  const rows: Row[] = mergeRecent(nodesOf(data?.auditEntries), live.data ?? [], RECENT);
  return (
    <Card withBorder radius="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h5">
          Recent activity
        </Title>
        <Button component={Link} to={linkWithLogReads(`/t/${slug}/activity/audit-log`, includeLogReads)} variant="subtle" size="xs">
          Show more
        </Button>
      </Group>
      {fetching && !data && <LoadingState />}
      {error && !data && <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
      {data && rows.length === 0 && <EmptyState title="No activity yet" />}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing={6} fz="sm" aria-label="Recent activity">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Type</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>User</Table.Th>
                <Table.Th>Time</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((e) => (
                <Table.Tr key={e.id} data-testid="recent-row">
                  <Table.Td>{e.resourceType}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Anchor component={Link} to={entryLink(slug, e.id)} size="sm" ff="monospace" aria-label={`${e.action} ${e.resourceName ?? ''}, ${formatLocal(e.occurredAt)}`.replace(' ,', ',')}>
                        {e.action}
                      </Anchor>
                      {e.status === 'FAILURE' && <StatusBadge status={e.status} />}
                    </Group>
                  </Table.Td>
                  <Table.Td>{actorLabel(e.actor)}</Table.Td>
                  <Table.Td title={formatUTC(e.occurredAt)}>{formatLocal(e.occurredAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

function Facets({ tenantID, slug }: { tenantID: string; slug: string }) {
  // One window for the numbers and their links: the log's `from` is a local day, so is this.
  const window = useMemo<DashboardWindow>(() => dashboardWindow(new Date(), DAYS), []);
  const includeLogReads = useIncludeLogReads();
  const [{ data, fetching, error }] = useQuery({
    query: DashboardFacetsQuery,
    variables: { tenantID, from: window.fromISO, filter: logReadsFilter(includeLogReads) },
  });
  const f = data?.auditFacets;
  const days = useMemo(() => fillDays(f?.byDay ?? [], new Date(), DAYS), [f]);
  const top = (f?.byAction ?? []).slice(0, 8);
  const maxTop = Math.max(1, ...top.map((t) => t.count));
  const failures = f?.byStatus.find((s) => s.value === 'FAILURE')?.count ?? 0;
  if (fetching && !data) return <LoadingState />;
  if (error && !data) return <ErrorState error={error} />;
  if (!f) return null;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Card withBorder radius="md">
        <Title order={2} size="h5">
          Entries per day
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {f.total.toLocaleString()} in the last {DAYS} days
          {failures > 0 && (
            <>
              {' · '}
              <Anchor component={Link} size="sm" underline="always" to={linkWithLogReads(auditLogLink(slug, window, { filter: "status = 'failure'" }), includeLogReads)} data-testid="failures-link">
                {plural(failures, 'failure')}
              </Anchor>
            </>
          )}
        </Text>
        <DayChart days={days} />
      </Card>
      <Card withBorder radius="md">
        <Title order={2} size="h5" mb="sm">
          Top actions
        </Title>
        {top.length === 0 && <EmptyState title="Nothing recorded in this period" />}
        <Stack gap={6}>
          {top.map((t) => (
            <div key={t.value} data-testid="top-action">
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Anchor component={Link} size="sm" ff="monospace" truncate to={linkWithLogReads(auditLogLink(slug, window, { action: t.value }), includeLogReads)}>
                  {t.value}
                </Anchor>
                <Text size="xs" c="dimmed" data-testid="top-action-count">
                  {t.count.toLocaleString()}
                </Text>
              </Group>
              <Progress value={(t.count / maxTop) * 100} size="sm" aria-label={`${t.value}: ${t.count}`} />
            </div>
          ))}
        </Stack>
      </Card>
    </SimpleGrid>
  );
}

export function DashboardPage() {
  const tenant = useTenant();
  useEffect(() => rememberTenant(tenant.slug, tenant.id), [tenant.slug, tenant.id]);
  return (
    <Stack>
      <PageHeader title={tenant.name} description="Dashboard" documentTitle="Dashboard" />
      <LogReadsSwitch />
      <Facets tenantID={tenant.id} slug={tenant.slug} />
      <RecentActivity tenantID={tenant.id} slug={tenant.slug} />
    </Stack>
  );
}
