import { Alert, Anchor, Badge, Button, Code, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useClient, useQuery } from 'urql';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import type { LogStreamDeliveryFieldsFragment, LogStreamDetailChangedSubscription as LogStreamDetailChangedSubscriptionType, LogStreamQuery as LogStreamQueryType } from '../../gql/graphql';
import { nodesOf } from '../../lib/connection';
import { actorLabel, compactJSON, formatLocal, formatUTC } from '../../lib/format';
import { plural } from '../../lib/plural';
import { useSession } from '../auth/session';
import { useOptionalTenant } from '../layout/tenant';
import { DELIVERIES, LogStreamDetailChangedSubscription, LogStreamQuery } from './documents';
import { formatAgo, formatLag, healthOf } from './health';
import { newest, ReadsAfterEvents, type NumberedEvent } from './liveStreams';
import { HealthBadge, LiveDot } from './LogStreamsPage';
import { OutcomeBadge, useStreamActions } from './StreamActions';
import { useStreamScope } from './scope';
import { kindInfo } from './streamForm';
import { useNow } from './useNow';

type Loaded = Extract<NonNullable<LogStreamQueryType['node']>, { __typename: 'LogStream' }>;
type StreamEvent = NonNullable<LogStreamDetailChangedSubscriptionType['logStreamChanged']['logStream']>;
type Delivery = LogStreamDeliveryFieldsFragment;

function Fact({ label, children, testid }: { label: string; children: ReactNode; testid?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" component="div" data-testid={testid}>
        {children}
      </Text>
    </div>
  );
}

function DeliveriesTable({ rows }: { rows: Delivery[] }) {
  if (rows.length === 0) return <EmptyState title="No deliveries yet">Attempts show here as they happen, newest first; a test event too.</EmptyState>;
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing={4} fz="sm" aria-label="Deliveries">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Entries</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>HTTP status</Table.Th>
            <Table.Th>Latency</Table.Th>
            <Table.Th>Error or answer</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((d) => (
            <Table.Tr key={d.id} data-testid="delivery-row">
              <Table.Td title={formatUTC(d.at)}>{formatLocal(d.at)}</Table.Td>
              <Table.Td>
                {d.test ? (
                  <Badge size="sm" variant="outline" color="gray" styles={{ label: { color: 'var(--mantine-color-gray-9)' } }}>
                    test event
                  </Badge>
                ) : (
                  d.entries.toLocaleString()
                )}
              </Table.Td>
              <Table.Td>
                <OutcomeBadge d={d} />
              </Table.Td>
              <Table.Td>{d.httpStatus ?? '—'}</Table.Td>
              <Table.Td>{d.latencyMs} ms</Table.Td>
              <Table.Td>
                <Text size="xs" c={d.error ? 'red.9' : 'dimmed'} ff="monospace" truncate maw={360} title={d.error ?? d.response ?? undefined}>
                  {d.error ?? compactJSON(d.response, 120)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function LogStreamPage() {
  const scope = useStreamScope();
  const tenant = useOptionalTenant();
  const listTitle = scope.platform ? 'Platform log streams' : 'Log streams';
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const client = useClient();
  const { live } = useSession();
  const connected = useSyncExternalStore(live.subscribe, live.connected);
  const now = useNow(5000);
  const listURL = scope.base;
  const [{ data, fetching, error, operation }, refetch] = useQuery({ query: LogStreamQuery, variables: { id, deliveries: DELIVERIES } });
  const [order] = useState(() => new ReadsAfterEvents());
  const reload = () => refetch(order.read());
  const [event, setEvent] = useState<NumberedEvent<StreamEvent> | null>(null);
  const [subError, setSubError] = useState<string | null>(null);
  const node = data?.node;
  const loaded: Loaded | null = node?.__typename === 'LogStream' && scope.owns(node) ? node : null;

  useEffect(() => {
    const sub = client.subscription(LogStreamDetailChangedSubscription, { ...scope.vars, deliveries: DELIVERIES }).subscribe((res) => {
      setSubError(res.error ? res.error.message : null);
      const c = res.data?.logStreamChanged;
      if (c && c.id === id) setEvent({ id: c.id, stream: c.logStream, n: order.event() });
    });
    return () => sub.unsubscribe();
  }, [client, scope.vars.tenantID, scope.vars.platform, id]); // the scope's values: its object is new on each render

  const actions = useStreamActions(scope.vars, reload, () => navigate(listURL));
  // The answer, unless an event came after its read was sent (liveStreams.ts, ReadsAfterEvents); none once deleted.
  const s = loaded && newest(loaded, event ?? undefined, order.markOf(operation));

  if (fetching && !data) return <LoadingState />;
  if (error && !data) return <ErrorState error={error} onRetry={reload} />;
  if (!s)
    return (
      <EmptyState title="Log stream not found">
        There is no such log stream {tenant ? `in ${tenant.name}` : 'of the platform log'}, or it was deleted.{' '}
        <Anchor component={Link} to={listURL}>
          All log streams
        </Anchor>
      </EmptyState>
    );

  const info = kindInfo(s.kind);
  const health = healthOf(s);
  const paused = s.status === 'PAUSED';
  const deliveries = nodesOf(s.deliveries);
  return (
    <Stack gap="md">
      <Anchor component={Link} to={listURL} size="sm">
        ← {listTitle}
      </Anchor>
      <PageHeader
        title={s.name}
        documentTitle={`${s.name} · ${listTitle}`}
        description={`${info.label} · ${s.endpoint}`}
        actions={
          <>
            <Button variant="light" onClick={() => actions.test(s)}>
              Send test event
            </Button>
            {paused ? (
              <Button variant="default" onClick={() => actions.resume(s)}>
                Resume
              </Button>
            ) : (
              <Button variant="default" onClick={() => actions.pause(s)}>
                Pause
              </Button>
            )}
            <Button variant="default" onClick={() => actions.edit(s)}>
              Edit
            </Button>
            {s.kind === 'WEBHOOK' && (
              <Button variant="default" onClick={() => actions.rotate(s)}>
                Rotate secret
              </Button>
            )}
            <Button variant="subtle" color="red" onClick={() => actions.remove(s)}>
              Delete
            </Button>
          </>
        }
      />
      <LiveDot connected={connected} error={subError} />
      <Group gap="sm" align="center">
        <HealthBadge stream={s} />
        <Text size="sm">{health.description}</Text>
      </Group>
      {s.lastError && !paused && (
        <Alert color={s.status === 'FAILING' ? 'red' : 'yellow'} title="Last error" role="status">
          <Text size="sm" ff="monospace" style={{ wordBreak: 'break-word' }}>
            {s.lastError}
          </Text>
          {s.nextAttemptAt && <Text size="xs">Next attempt {formatLocal(s.nextAttemptAt)}.</Text>}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="md">
        <Fact label="Lag" testid="stream-lag">
          {formatLag(s.lag)}
        </Fact>
        <Fact label="Last delivery" testid="stream-last-delivery">
          <span title={s.lastDeliveredAt ? formatUTC(s.lastDeliveredAt) : undefined}>{formatAgo(s.lastDeliveredAt, now)}</span>
        </Fact>
        <Fact label="Delivered" testid="stream-delivered">
          {plural(s.deliveredEntries, 'entry', 'entries')}
        </Fact>
        <Fact label="Failing since">{s.failingSince ? formatLocal(s.failingSince) : '—'}</Fact>
      </SimpleGrid>

      <Title order={2} size="h5">
        Settings
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Fact label="Filter">{s.filter ? <Code>{s.filter}</Code> : 'every entry'}</Fact>
        <Fact label="Batches">
          up to {plural(s.batchSize, 'entry', 'entries')},{' '}
          {s.maxDelaySeconds > 0 ? `sent at most ${s.maxDelaySeconds} s after the first is waiting` : 'sent as soon as entries are ready'}
          {s.kind === 'WEBHOOK' && `, ${s.format === 'JSON_ARRAY' ? 'as a JSON array' : 'as JSON Lines'}`}
        </Fact>
        {info.tokenLabel && <Fact label={info.tokenLabel}>{s.hasToken ? 'set (write-only)' : 'none'}</Fact>}
        {info.headers && <Fact label="Custom headers">{s.headerNames.length > 0 ? s.headerNames.join(', ') : 'none'}</Fact>}
        {s.kind === 'WEBHOOK' && (
          <Fact label="Signing secret">
            shown once at creation{s.previousSecretExpiresAt && `; the previous one signs too until ${formatLocal(s.previousSecretExpiresAt)}`}
          </Fact>
        )}
        {s.options && Object.keys(s.options).length > 0 && (
          <Fact label="Options">
            <Code>{compactJSON(s.options, 300)}</Code>
          </Fact>
        )}
        <Fact label="Created">
          {formatLocal(s.createdAt)} by {actorLabel(s.createdBy)}
        </Fact>
      </SimpleGrid>

      <Title order={2} size="h5">
        Recent deliveries
      </Title>
      <DeliveriesTable rows={deliveries} />
      {actions.modals}
    </Stack>
  );
}
