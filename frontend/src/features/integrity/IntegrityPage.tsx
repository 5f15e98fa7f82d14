import { Alert, Anchor, Button, Card, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { CopyIconButton, CopyTextButton } from '../../components/CopyText';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/badges';
import { ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { actorLabel, formatLocal, formatUTC } from '../../lib/format';
import { plural } from '../../lib/plural';
import { useTenant } from '../layout/tenant';
import { IntegrityPageQuery, LastVerificationQuery, StartVerificationMutation } from './documents';
import { groupFingerprint, keyFingerprint, parseVerifierKey } from './note';
import { useLatestCheck } from './useLatestCheck';
import type { LatestVerdict } from './verify';

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ wordBreak: 'break-all' }}>
        {children}
      </Text>
    </div>
  );
}

function seenOn(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** What this browser's memory of the log says about the latest checkpoint. */
function ConsistencyResult({ verdict }: { verdict: LatestVerdict | null }) {
  if (!verdict)
    return (
      <Text size="sm" c="dimmed" role="status">
        Checking…
      </Text>
    );
  if (verdict.state === 'failed')
    return (
      <Alert color="red" variant="filled" title="The log does not match what you saw" role="alert" data-testid="consistency" data-state="failed">
        <Stack gap={4}>
          <Text size="sm">{verdict.reason}</Text>
          {verdict.seen && (
            <Text size="sm">
              You saw the checkpoint of size {verdict.seen.size} on {seenOn(verdict.seen.seenAt)} (root {verdict.seen.rootHash}). This browser keeps it, so
              this warning stays until someone finds out what happened. Tell whoever runs this Trailmark.
            </Text>
          )}
        </Stack>
      </Alert>
    );
  const keyChanged = (verdict.state === 'same' || verdict.state === 'consistent') && verdict.keyChanged;
  return (
    <Stack gap="xs" data-testid="consistency" data-state={verdict.state}>
      {verdict.state === 'first' && (
        <Alert color="blue" variant="light" title="First checkpoint this browser has seen">
          This browser now remembers the checkpoint of size {verdict.size}. Next time you open this page, the log is checked to extend it, entry for entry:
          a history rewritten since would show here.
        </Alert>
      )}
      {verdict.state === 'same' && (
        <Alert color="teal" variant="light" title={`Same as the checkpoint of size ${verdict.seen.size} you saw on ${seenOn(verdict.seen.seenAt)}`}>
          The log has not grown since, and its root is the one you saw.
        </Alert>
      )}
      {verdict.state === 'consistent' && (
        <Alert color="teal" variant="light" title={`Consistent with the checkpoint of size ${verdict.seen.size} you saw on ${seenOn(verdict.seen.seenAt)}`}>
          The log grew from {verdict.seen.size} to {verdict.size} entries by adding entries only: the consistency proof was verified in your browser. This
          browser now remembers the checkpoint of size {verdict.size}.
        </Alert>
      )}
      {keyChanged && (
        <Alert color="orange" variant="light" title="The log’s key changed" role="alert">
          The checkpoint you saw was signed with another key. The history still extends what you saw, but ask whoever runs this Trailmark why the key
          changed.
        </Alert>
      )}
    </Stack>
  );
}

function KeyFingerprint({ logKey }: { logKey: string }) {
  const [fp, setFp] = useState<{ name: string; hash: string } | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([parseVerifierKey(logKey), keyFingerprint(logKey)])
      .then(([k, hash]) => live && setFp({ name: k.name, hash }))
      .catch((e: Error) => live && setFp({ error: e.message }));
    return () => {
      live = false;
    };
  }, [logKey]);
  return (
    <Card withBorder radius="md">
      <Title order={2} size="h5" mb="xs">
        Signing key
      </Title>
      <Stack gap="sm">
        {fp && 'error' in fp && (
          <Alert color="red" variant="light" title="The log’s key is not a valid verifier key">
            {fp.error}
          </Alert>
        )}
        {fp && 'hash' in fp && (
          <>
            <Field label="Key name">{fp.name}</Field>
            <Field label="Fingerprint (SHA-256 of the verifier key)">
              <Group gap={4} wrap="nowrap" align="flex-start">
                <Text size="sm" ff="monospace" data-testid="key-fingerprint">
                  {groupFingerprint(fp.hash)}
                </Text>
                <CopyIconButton value={fp.hash} label="Copy fingerprint" />
              </Group>
            </Field>
          </>
        )}
        <Field label="Verifier key">
          <Group gap={4} wrap="nowrap" align="flex-start">
            <Text size="sm" ff="monospace">
              {logKey}
            </Text>
            <CopyIconButton value={logKey} label="Copy verifier key" />
          </Group>
        </Field>
        <Text size="xs" c="dimmed">
          Also published at{' '}
          <Anchor href="/.well-known/trailmark/log-key" size="xs" underline="always">
            /.well-known/trailmark/log-key
          </Anchor>
          . Compare the fingerprint with the one your operator gave you out of band.
        </Text>
      </Stack>
    </Card>
  );
}

function LastVerification({ tenantID, slug, canStart }: { tenantID: string; slug: string; canStart: boolean }) {
  const [{ data, fetching, error }] = useQuery({ query: LastVerificationQuery, variables: { tenantID }, requestPolicy: 'cache-and-network' });
  const [start, startVerification] = useMutation(StartVerificationMutation);
  const navigate = useNavigate();
  const p = data?.processes.edges?.[0]?.node ?? null;
  return (
    <Card withBorder radius="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          Full verification
        </Title>
        {canStart && (
          <Button
            size="xs"
            loading={start.fetching}
            onClick={async () => {
              const r = await startVerification({ tenantID });
              if (r.data) navigate(`/t/${slug}/activity/processes/${r.data.startVerification.id}`);
            }}
          >
            Verify now
          </Button>
        )}
      </Group>
      <Stack gap="sm">
        {start.error && (
          <Alert color="red" variant="light" title="The verification could not start" role="alert">
            {errorMessage(start.error)}
          </Alert>
        )}
        <Text size="sm" c="dimmed">
          A verification run re-hashes every stored entry and checks it against the signed tree: it catches edits made directly in the database.
        </Text>
        {fetching && !data && <Text size="sm">Loading…</Text>}
        {error && !data && (
          <Text size="sm" c="dimmed">
            The last run could not be read: {errorMessage(error)}
          </Text>
        )}
        {data && !p && <Text size="sm">No verification has run yet.</Text>}
        {p && (
          <Group gap="sm" data-testid="last-verification">
            <StatusBadge status={p.status} />
            <Anchor component={Link} to={`/t/${slug}/activity/processes/${p.id}`} size="sm">
              Last run {formatLocal(p.startedAt ?? p.createdAt)}
            </Anchor>
            <Text size="sm" c="dimmed">
              by {actorLabel(p.initiator)}
            </Text>
            {p.error && (
              <Text size="sm" c="red">
                {p.error}
              </Text>
            )}
          </Group>
        )}
      </Stack>
    </Card>
  );
}

function Offline({ slug, logKey }: { slug: string; logKey: string }) {
  const origin = window.location.origin;
  const log = `trailmark verify log --url ${origin} --tenant ${slug} --token "$READ_KEY" \\\n  --key ${logKey} --state ${slug}.trailmark-state.json`;
  const archive = `trailmark verify archive ARCHIVE.jsonl.gz --key ${logKey}`;
  return (
    <Card withBorder radius="md">
      <Title order={2} size="h5" mb="xs">
        How to verify offline
      </Title>
      <Stack gap="sm">
        <Text size="sm">
          Check the live log from a machine of yours with an API key that has READ. The state file pins the key and keeps the last checkpoint, as this
          browser does, so a rewritten history or a new key fails the next run; add <Code>--full</Code> to re-hash and prove every entry.
        </Text>
        <Group gap={4} wrap="nowrap" align="flex-start">
          <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {log}
          </Code>
          <CopyIconButton value={log} label="Copy the log check command" />
        </Group>
        <Text size="sm">Check a downloaded archive against its signed manifest (download both from the Archives page; the manifest is FILE.manifest.json):</Text>
        <Group gap={4} wrap="nowrap" align="flex-start">
          <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {archive}
          </Code>
          <CopyIconButton value={archive} label="Copy the archive check command" />
        </Group>
        <Text size="xs" c="dimmed">
          The key here is the one this server says it signs with: for a check that does not trust the server, use the key your operator gave you. docs/integrity.md
          has the threat model and the leaf and checkpoint formats, for writing a verifier of your own.
        </Text>
      </Stack>
    </Card>
  );
}

/** The tenant's tamper-evident log: the latest signed checkpoint, checked in the browser (docs/dashboard.md "Integrity"). */
export function IntegrityPage() {
  const tenant = useTenant();
  const [{ data, fetching, error }, refetch] = useQuery({ query: IntegrityPageQuery, variables: { tenantID: tenant.id }, requestPolicy: 'network-only' });
  const cp = data?.checkpoint ?? null;
  const verdict = useLatestCheck(tenant.id, cp, data?.logKey ?? null);
  return (
    <Stack gap="md">
      <PageHeader
        title="Integrity"
        description="Every entry of this tenant is a leaf of a Merkle tree whose root Trailmark signs: this page checks the signed log in your browser."
        actions={
          <Button size="xs" variant="default" onClick={() => refetch({ requestPolicy: 'network-only' })} loading={fetching}>
            Check again
          </Button>
        }
      />
      {error && !data && <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
      {fetching && !data && <LoadingState />}
      {data && (
        <>
          <Card withBorder radius="md">
            <Title order={2} size="h5" mb="xs">
              Latest checkpoint
            </Title>
            {!cp ? (
              <Text size="sm" data-testid="no-checkpoint">
                No checkpoint yet: the log is empty, or its first checkpoint is being signed (within seconds of the first entry).
              </Text>
            ) : (
              <Stack gap="sm">
                <ConsistencyResult verdict={verdict} />
                <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                  <Field label="Size">
                    <span data-testid="checkpoint-size">{plural(cp.treeSize, 'entry', 'entries')}</span>
                  </Field>
                  <Field label="Signed">
                    <span title={formatUTC(cp.createdAt)}>{formatLocal(cp.createdAt)}</span>
                  </Field>
                  <Field label="Origin">{cp.origin}</Field>
                </SimpleGrid>
                <Field label="Root hash">
                  <Text size="sm" ff="monospace" component="span">
                    {cp.rootHash}
                  </Text>
                </Field>
                <div>
                  <Group justify="space-between" mb={4}>
                    <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                      Signed note
                    </Text>
                    <CopyTextButton value={cp.note} label="Copy note" />
                  </Group>
                  <Code block data-testid="checkpoint-note">
                    {cp.note}
                  </Code>
                </div>
              </Stack>
            )}
          </Card>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <KeyFingerprint logKey={data.logKey} />
            <LastVerification tenantID={tenant.id} slug={tenant.slug} canStart={tenant.can.seeProcesses} />
          </SimpleGrid>
          <Offline slug={tenant.slug} logKey={data.logKey} />
        </>
      )}
    </Stack>
  );
}
