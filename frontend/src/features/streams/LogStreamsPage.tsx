import { ActionIcon, Anchor, Badge, Box, Button, Group, Stack, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import type { CSSProperties } from 'react';
import { Link } from 'react-router';
import { IconDots } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { formatLocal, formatUTC } from '../../lib/format';
import { plural } from '../../lib/plural';
import { formatAgo, formatLag, healthOf } from './health';
import { StreamActionsMenu } from './StreamActionsMenu';
import { kindInfo } from './streamForm';
import { useStreamActions } from './StreamActions';
import { useStreamScope } from './scope';
import { useLiveStreams, type Stream } from './useLiveStreams';
import { useNow } from './useNow';

/** The health badge: the word on a tint, text in the darkest shade for contrast (WCAG AA). */
export function HealthBadge({ stream }: { stream: Pick<Stream, 'status' | 'lastError' | 'failingSince'> }) {
  const h = healthOf(stream);
  return (
    <Tooltip label={h.description} multiline w={280} withArrow>
      <Badge
        color={h.color}
        variant="light"
        size="sm"
        data-testid="stream-health"
        style={
          {
            '--badge-color': `light-dark(var(--mantine-color-${h.color}-9), var(--mantine-color-${h.color}-2))`,
            '--badge-bg': `light-dark(var(--mantine-color-${h.color}-0), var(--mantine-color-${h.color}-light))`,
          } as CSSProperties
        }
      >
        {h.label}
      </Badge>
    </Tooltip>
  );
}

/** "Live" next to a green dot while logStreamUpdated is connected. */
export function LiveDot({ connected, error }: { connected: boolean; error: string | null }) {
  return (
    <Group gap={6} data-testid="live-status" data-connected={connected && !error ? 'true' : 'false'}>
      <Box w={8} h={8} style={{ borderRadius: 4, background: connected && !error ? 'var(--mantine-color-teal-6)' : 'var(--mantine-color-gray-5)' }} />
      <Text size="xs" c="dimmed">
        {error ? `Live updates failed: ${error}` : connected ? 'Live' : 'Connecting…'}
      </Text>
    </Group>
  );
}

/** Where a stream delivers, short: the host of a URL, the bucket URL as is. */
export function destinationOf(s: Pick<Stream, 'kind' | 'endpoint'>): string {
  if (s.kind === 'BUCKET') return s.endpoint;
  try {
    const u = new URL(s.endpoint);
    return u.host + (u.pathname === '/' ? '' : u.pathname);
  } catch {
    return s.endpoint;
  }
}

export function LogStreamsPage() {
  const scope = useStreamScope();
  const list = useLiveStreams(scope);
  const actions = useStreamActions(scope.vars, list.reload, list.removed);
  const now = useNow(5000);
  const base = scope.base;
  const whose = scope.platform ? 'the platform log (sign-ins and other events outside any tenant)' : 'this tenant’s log';
  return (
    <Stack gap="sm">
      <PageHeader
        title={scope.platform ? 'Platform log streams' : 'Log streams'}
        description={`Every entry of ${whose}, delivered as it is recorded to your SIEM, webhook or bucket: at least once, in order, signed.`}
        actions={<Button onClick={actions.create}>New log stream</Button>}
      />
      <LiveDot connected={list.connected} error={list.subError} />
      {list.loading && <LoadingState />}
      {list.error && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.rows && list.rows.length === 0 && (
        <EmptyState title="No log streams">Create one to send every entry to a webhook, Splunk, Datadog or a bucket as it is recorded.</EmptyState>
      )}
      {list.rows && list.rows.length > 0 && (
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing={6} fz="sm" aria-label="Log streams" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Destination</Table.Th>
                <Table.Th miw={100}>Health</Table.Th>
                <Table.Th>Lag</Table.Th>
                <Table.Th>Last delivery</Table.Th>
                <Table.Th>Delivered</Table.Th>
                <Table.Th w={48}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.rows.map((s) => (
                <Table.Tr key={s.id} data-testid="stream-row">
                  <Table.Td>
                    <Anchor component={Link} to={`${base}/${encodeURIComponent(s.id)}`} size="sm" fw={500}>
                      {s.name}
                    </Anchor>
                    {s.filter && (
                      <Text size="xs" c="dimmed" ff="monospace" truncate maw={220} title={s.filter}>
                        {s.filter}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{kindInfo(s.kind).label}</Text>
                    <Text size="xs" c="dimmed" ff="monospace" truncate maw={220} title={s.endpoint}>
                      {destinationOf(s)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <HealthBadge stream={s} />
                  </Table.Td>
                  <Table.Td data-testid="stream-lag" style={{ whiteSpace: 'nowrap' }}>
                    {formatLag(s.lag)}
                  </Table.Td>
                  <Table.Td data-testid="stream-last-delivery">
                    <span title={s.lastDeliveredAt ? `${formatLocal(s.lastDeliveredAt)} (${formatUTC(s.lastDeliveredAt)})` : undefined}>{formatAgo(s.lastDeliveredAt, now)}</span>
                    {s.lastError && s.status !== 'PAUSED' && (
                      <Text size="xs" c="red.9" truncate maw={240} title={s.lastError}>
                        {s.lastError}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{plural(s.deliveredEntries, 'entry', 'entries')}</Table.Td>
                  <Table.Td>
                    <StreamActionsMenu stream={s} actions={actions} target={
                      <ActionIcon variant="subtle" aria-label={`Options for log stream ${s.name}`}>
                        <IconDots />
                      </ActionIcon>
                    } />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {actions.modals}
    </Stack>
  );
}
