import { Alert, Group, Loader, Text } from '@mantine/core';
import { useViewer } from '../auth/session';
import { useOptionalTenant } from '../layout/tenant';
import { useEntryVerification } from './useEntryVerification';

const CONTENT: Record<'recomputed' | 'recomputed-legacy' | 'recorded', string> = {
  recomputed: 'its content hash, recomputed from the fields shown here,',
  'recomputed-legacy':
    'its content hash, recomputed from the fields shown here in the form of entries recorded before tamper evidence (which leaves out the entry’s ID and received time),',
  recorded: 'its recorded content hash',
};

/**
 * The entry's place in the tamper-evident log, verified in the browser
 * (docs/dashboard.md "Entry drawer: integrity").
 */
export function EntryIntegrity({ entryID, tenantID, showRequest }: { entryID: string; tenantID: string | null; showRequest: boolean }) {
  const tenant = useOptionalTenant();
  const viewer = useViewer();
  // Checkpoints are for tenant-wide auditors and up (and platform admins); others check the proof's root only.
  const withCheckpoint = tenant ? tenant.can.seeProcesses : viewer.user.isPlatformAdmin;
  const check = useEntryVerification({ entryID, tenantID, withCheckpoint, withRequest: showRequest });

  if (check.phase === 'checking')
    return (
      <Group gap="xs" data-testid="entry-integrity" data-state="checking" role="status">
        <Loader size="xs" />
        <Text size="sm" c="dimmed">
          Verifying this entry against the signed log…
        </Text>
      </Group>
    );
  if (check.phase === 'error')
    return (
      <Alert color="gray" variant="light" title="Could not check this entry’s proof" data-testid="entry-integrity" data-state="error">
        {check.message}
      </Alert>
    );
  if (check.phase === 'waiting')
    return (
      <Alert
        color={check.overdue ? 'orange' : 'gray'}
        variant="light"
        title="Not yet in a checkpoint"
        data-testid="entry-integrity"
        data-state="waiting"
        role="status"
      >
        {check.overdue
          ? `${check.seq == null ? 'This entry still has no place in the log' : `This entry is number ${check.seq} in the log but no signed checkpoint covers it yet`}, although it was received over a minute ago. Entries are sequenced within about a second: the sequencer may be stopped, or the entry was written outside Trailmark.`
          : check.seq == null
            ? 'This entry is being added to the tamper-evident log; that takes about a second. This panel checks again by itself.'
            : `This entry is number ${check.seq} in the log; the next signed checkpoint will include it within a few seconds. This panel checks again by itself.`}
      </Alert>
    );

  const { verdict } = check;
  if (verdict.state === 'failed')
    return (
      <Alert color="red" variant="filled" title="This entry does not match the signed log" data-testid="entry-integrity" data-state="failed" role="alert">
        {verdict.reason} Someone may have altered the stored log; tell whoever runs this Trailmark, and check it with a full verification (Integrity page) or offline with <code>trailmark verify</code>.
      </Alert>
    );
  if (verdict.state === 'unsequenced') return null; // not reached: unsequenced entries are "waiting"
  return (
    <Alert color="teal" variant="light" title={`Included in checkpoint of size ${verdict.treeSize}`} data-testid="entry-integrity" data-state="verified">
      <Text size="sm">
        {verdict.origin
          ? `Verified in your browser: ${CONTENT[verdict.content]} leads up an audit path of ${check.pathLength} hashes to the root of the checkpoint signed for ${verdict.origin}, and that signature checks out with the log’s public key.`
          : `Verified in your browser: ${CONTENT[verdict.content]} leads up an audit path of ${check.pathLength} hashes to the root of the log’s tree of ${verdict.treeSize} entries. No signed checkpoint came with it, so its signature was not checked here.`}
      </Text>
      {check.contentNote && (
        <Text size="xs" c="dimmed" mt={4}>
          {check.contentNote}
        </Text>
      )}
      <Text size="xs" c="dimmed" mt={4} ff="monospace" style={{ wordBreak: 'break-all' }}>
        root {verdict.rootHash}
      </Text>
    </Alert>
  );
}
