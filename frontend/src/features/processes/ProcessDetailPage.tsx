import { plural } from '../../lib/plural';
import { Alert, Anchor, Button, Card, Group, Progress, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, Navigate, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CopyTextButton } from '../../components/CopyText';
import { JsonBlock } from '../../components/JsonBlock';
import { StatusBadge } from '../../components/badges';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { actorLabel, formatLocal, formatUTC } from '../../lib/format';
import { usePageTitle } from '../../components/usePageTitle';
import { useOptionalTenant } from '../layout/tenant';
import { CancelProcessMutation, ProcessLogSubscription, ProcessQuery, ProcessTenantQuery, ProcessUpdatedSubscription } from './documents';
import { duration } from './ProcessesPage';
import { logText, mergeLogLines, type LogLine } from './logLines';

const COLLAPSED = 200;

function LogLineView({ line }: { line: LogLine }) {
  const long = line.message.length > 160 || line.message.includes('\n');
  const [open, setOpen] = useState(false);
  return (
    <div className="tm-log-line" data-level={line.level} data-testid="log-line">
      <span title={formatUTC(line.at)} style={{ opacity: 0.6, flexShrink: 0 }}>
        {new Date(line.at).toLocaleTimeString()}
      </span>
      <span style={{ width: 44, flexShrink: 0 }}>{line.level}</span>
      <span style={{ flex: 1 }}>
        {long && !open ? `${line.message.split('\n')[0].slice(0, 160)}…` : line.message}
        {long && (
          <Anchor component="button" size="xs" ml={6} onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? 'less' : 'more'}
          </Anchor>
        )}
      </span>
    </div>
  );
}

function ProcessLog({ processID, running }: { processID: string; running: boolean }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [all, setAll] = useState(false);
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLDivElement>(null);
  const [{ error }] = useSubscription({ query: ProcessLogSubscription, variables: { processID } }, (_p: unknown, res) => {
    setLines((l) => mergeLogLines(l, [res.processLogAppended]));
    return res;
  });
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);
  const shown = all || lines.length <= COLLAPSED ? lines : lines.slice(-COLLAPSED);
  return (
    <Card withBorder radius="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          Log {running && <Text span size="xs" c="blue">(live)</Text>}
        </Title>
        <Group gap="xs">
          <Switch size="xs" label="Follow" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} />
          {lines.length > COLLAPSED && (
            <Button size="xs" variant="subtle" onClick={() => setAll(!all)} aria-expanded={all}>
              {all ? `Collapse to last ${COLLAPSED}` : `Expand all ${plural(lines.length, 'line')}`}
            </Button>
          )}
          <CopyTextButton value={logText(lines)} label="Copy all" />
        </Group>
      </Group>
      {error && <Alert color="yellow">Log stream interrupted: {errorMessage(error)}</Alert>}
      <div className="tm-log" ref={box} role="log" aria-label="Process log" aria-live="polite">
        {lines.length === 0 ? (
          <Text size="xs" c="dimmed" px="sm">
            {running ? 'Waiting for output…' : 'No log lines.'}
          </Text>
        ) : (
          shown.map((l) => <LogLineView key={l.seq} line={l} />)
        )}
      </div>
    </Card>
  );
}

/** How often a running process of the platform log is read again: processUpdated is per tenant. */
const PLATFORM_POLL_MS = 2000;

/**
 * A process of a tenant (/t/:slug/activity/processes/:id) or of the platform
 * log (/admin/processes/:id: the VERIFY processes of its schedules, platform
 * admins only; a tenant's process opened there goes to its tenant's page).
 * A tenant's updates come live from processUpdated; the
 * platform log's, which belong to no tenant, are read again while it runs.
 */
export function ProcessDetailPage() {
  const { id = '' } = useParams();
  const tenant = useOptionalTenant();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ProcessQuery, variables: { id } });
  // On the platform's page, a tenant's process is sent to its tenant's page (live updates, the
  // tenant's breadcrumbs); only the platform log's own processes stay here.
  const [owner] = useQuery({ query: ProcessTenantQuery, variables: { id }, pause: !!tenant });
  usePageTitle(data?.node && 'kind' in data.node ? `${data.node.kind.toLowerCase()} process` : 'Process', tenant?.name ?? 'Platform');
  const [live] = useSubscription({ query: ProcessUpdatedSubscription, variables: { tenantID: tenant?.id ?? '', id }, pause: !tenant });
  const [cancelState, cancel] = useMutation(CancelProcessMutation);
  const [confirm, setConfirm] = useState(false);
  const node = data?.node;
  const base = node && 'kind' in node ? node : null;
  useEffect(() => {
    // Re-read the full process (result, archive) when it finishes.
    const s = live.data?.processUpdated.status;
    if (s && s !== 'QUEUED' && s !== 'RUNNING') refetch({ requestPolicy: 'network-only' });
  }, [live.data?.processUpdated.status, refetch]);
  const polling = !tenant && (base?.status === 'QUEUED' || base?.status === 'RUNNING');
  useEffect(() => {
    if (!polling) return;
    const t = setInterval(() => refetch({ requestPolicy: 'network-only' }), PLATFORM_POLL_MS);
    return () => clearInterval(t);
  }, [polling, refetch]);
  if ((fetching && !data) || (!tenant && owner.fetching && !owner.data && !owner.error)) return <LoadingState />;
  if (error && !data) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!base) return <EmptyState title="Process not found" />;
  const ownerTenant = owner.data?.node && 'tenant' in owner.data.node ? owner.data.node.tenant : null;
  if (!tenant && ownerTenant)
    return <Navigate replace to={`/t/${encodeURIComponent(ownerTenant.slug)}/activity/processes/${encodeURIComponent(base.id)}`} />;
  const p = { ...base, ...(live.data?.processUpdated.id === base.id ? live.data.processUpdated : {}) };
  const running = p.status === 'QUEUED' || p.status === 'RUNNING';
  const canCancel = tenant ? tenant.can.manage : true; // the platform page is behind RequirePlatformAdmin
  return (
    <Stack>
      {tenant ? (
        <Anchor component={Link} to={`/t/${tenant.slug}/activity/processes`} size="sm">
          ← Processes
        </Anchor>
      ) : (
        <Anchor component={Link} to="/admin/schedules" size="sm">
          ← Platform schedules
        </Anchor>
      )}
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={1} size="h3">
              {p.kind.toLowerCase()} process
            </Title>
            <span data-testid="process-status">
              <StatusBadge status={p.status} />
            </span>
          </Group>
          <Text size="xs" c="dimmed" ff="monospace">
            {p.id}
          </Text>
          {base.schedule?.platform && <Text size="sm" c="dimmed">A process of the platform log</Text>}
        </div>
        {running && canCancel && (
          <Button color="red" variant="light" onClick={() => setConfirm(true)}>
            Cancel process
          </Button>
        )}
      </Group>
      <Card withBorder radius="md">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          <div>
            <Text size="xs" c="dimmed">Initiated by</Text>
            <Text size="sm">{actorLabel(p.initiator)}</Text>
            {p.initiator.email && <Text size="xs" c="dimmed">{p.initiator.email}</Text>}
          </div>
          <div>
            <Text size="xs" c="dimmed">Created</Text>
            <Text size="sm" title={formatUTC(p.createdAt)}>{formatLocal(p.createdAt)}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">Started / finished</Text>
            <Text size="sm">
              {p.startedAt ? formatLocal(p.startedAt) : '—'} / {p.finishedAt ? formatLocal(p.finishedAt) : '—'}
            </Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">Duration</Text>
            <Text size="sm">{duration(p.startedAt, p.finishedAt) || '—'}</Text>
          </div>
        </SimpleGrid>
        {p.progress != null && (
          <Progress mt="md" value={p.progress * 100} animated={running} aria-label={`Progress ${Math.round(p.progress * 100)}%`} />
        )}
        {p.error && (
          <Alert mt="md" color="red" title="Error">
            {p.error}
          </Alert>
        )}
        {base.archive && (
          <Text mt="md" size="sm">
            Archive: <Anchor href={base.archive.downloadURL}>{base.archive.name}</Anchor>
          </Text>
        )}
        {base.schedule && (
          <Text mt="xs" size="sm" c="dimmed">
            Started by schedule <code>{base.schedule.cron}</code>
          </Text>
        )}
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <JsonBlock label="Input" value={base.input} />
        <JsonBlock label="Result" value={base.result} />
      </SimpleGrid>
      <ProcessLog processID={p.id} running={running} />
      <ConfirmModal
        opened={confirm}
        title="Cancel this process?"
        confirmLabel="Cancel process"
        danger
        busy={cancelState.fetching}
        error={cancelState.error ? errorMessage(cancelState.error) : null}
        onClose={() => setConfirm(false)}
        onConfirm={async () => {
          const res = await cancel({ id: p.id });
          if (!res.error) setConfirm(false);
        }}
      >
        The process stops at its next checkpoint. Work already done is kept.
      </ConfirmModal>
    </Stack>
  );
}
