import { Alert, Badge, Button, Code, Group, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import { useMutation } from 'urql';
import { ConfirmModal } from '../../components/ConfirmModal';
import { useConfirmedMutation, useDialog } from '../../components/useConfirmedMutation';
import type { LogStreamDeliveryFieldsFragment } from '../../gql/graphql';
import { errorMessage } from '../../lib/errors';
import { formatLocal } from '../../lib/format';
import { DeleteLogStreamMutation, PauseLogStreamMutation, ResumeLogStreamMutation, RotateLogStreamSecretMutation, TestLogStreamMutation } from './documents';
import { deliveryOutcome } from './health';
import type { StreamScope } from './scope';
import { SecretOnce, StreamForm } from './StreamForm';
import type { Stream } from './useLiveStreams';

/** A delivery's outcome on a badge: green when the destination took it. */
export function OutcomeBadge({ d }: { d: LogStreamDeliveryFieldsFragment }) {
  return (
    <Badge size="sm" variant="light" color={d.ok ? 'teal' : 'red'} styles={{ label: { color: `var(--mantine-color-${d.ok ? 'teal' : 'red'}-9)` } }}>
      {deliveryOutcome(d)}
    </Badge>
  );
}

/** The destination's answer to one attempt: status, latency, its error and what it said. */
export function DeliveryAnswer({ d }: { d: LogStreamDeliveryFieldsFragment }) {
  return (
    <Stack gap="xs" data-testid="test-result">
      <Table variant="vertical" withTableBorder fz="sm" aria-label="Answer of the destination">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={140}>Outcome</Table.Th>
            <Table.Td>
              <OutcomeBadge d={d} />
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>HTTP status</Table.Th>
            <Table.Td data-testid="test-http-status">{d.httpStatus ?? '—'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Latency</Table.Th>
            <Table.Td>{d.latencyMs} ms</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Sent</Table.Th>
            <Table.Td>{formatLocal(d.at)}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      {d.error && (
        <Alert color="red" title="Error" role="alert">
          {d.error}
        </Alert>
      )}
      <div>
        <Text size="sm" fw={500}>
          Response body
        </Text>
        {d.response ? (
          <Code block fz="xs" data-testid="test-response" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxHeight: 200, overflow: 'auto' }}>
            {d.response}
          </Code>
        ) : (
          <Text size="sm" c="dimmed">
            (empty)
          </Text>
        )}
      </div>
    </Stack>
  );
}

const OVERLAPS = [
  { value: '0', label: 'None: the old secret stops at once' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '24 hours' },
  { value: '604800', label: '7 days' },
];

function RotateSecret({ stream, onDone }: { stream: Stream; onDone(): void }) {
  const [overlap, setOverlap] = useState('86400');
  const [{ data, fetching, error }, rotate] = useMutation(RotateLogStreamSecretMutation);
  if (data) return <SecretOnce name={stream.name} secret={data.rotateLogStreamSecret.secret} rotated={overlap !== '0'} onDone={onDone} />;
  return (
    <Stack>
      <Text size="sm">
        A new signing secret is made and shown once. During the overlap, every request carries signatures with the new and the old secret, so your receiver can switch
        without refusing any.
      </Text>
      <Select label="Overlap" data={OVERLAPS} value={overlap} onChange={(v) => v && setOverlap(v)} allowDeselect={false} />
      {error && (
        <Alert color="red" role="alert">
          {errorMessage(error)}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button loading={fetching} onClick={() => rotate({ id: stream.id, overlapSeconds: Number(overlap) })}>
          Rotate secret
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * What can be done to a stream, from the list's menu or its page: edit, send a
 * test event, pause and resume, rotate the secret, delete. Each opens its
 * dialog; `reload` reads the page's data again after a change, `deleted` runs
 * after a delete went through.
 */
export function useStreamActions(scope: StreamScope['vars'], reload: () => void, deleted: (id: string) => void) {
  const editing = useDialog<Stream | 'new'>(reload);
  const rotating = useDialog<Stream>(reload);
  const pausing = useConfirmedMutation(PauseLogStreamMutation, (s: Stream) => ({ id: s.id }), reload);
  const resuming = useConfirmedMutation(ResumeLogStreamMutation, (s: Stream) => ({ id: s.id }), reload);
  const lastDeleted = useRef<string | null>(null);
  const deleting = useConfirmedMutation(
    DeleteLogStreamMutation,
    (s: Stream) => {
      lastDeleted.current = s.id;
      return { id: s.id };
    },
    () => lastDeleted.current && deleted(lastDeleted.current),
  );
  const [testing, setTesting] = useState<Stream | null>(null);
  const [test, runTest] = useMutation(TestLogStreamMutation);
  const modals = (
    <>
      {/* Closing reloads too: a stream may have been created before its secret was shown. */}
      <Modal opened={editing.opened} onClose={editing.done} title={editing.target === 'new' ? 'New log stream' : 'Edit log stream'} size="lg" closeOnClickOutside={false}>
        {editing.target != null && <StreamForm scope={scope} stream={editing.target === 'new' ? null : editing.target} onDone={editing.done} />}
      </Modal>
      <Modal opened={rotating.opened} onClose={rotating.done} title="Rotate signing secret" closeOnClickOutside={false}>
        {rotating.target && <RotateSecret stream={rotating.target} onDone={rotating.done} />}
      </Modal>
      <Modal opened={testing != null} onClose={() => setTesting(null)} title="Send test event">
        <Stack>
          <Text size="sm">
            One synthetic entry (action <code>trailmark.log_stream.test</code>, <code>metadata.test: true</code>) is sent to <b>{testing?.name}</b>, signed and shaped like
            every other. The synthetic entry is not stored and the stream does not move; the test itself is recorded in the log (<code>log_stream.test</code>).
          </Text>
          {test.error && (
            <Alert color="red" role="alert">
              {errorMessage(test.error)}
            </Alert>
          )}
          {test.data && !test.fetching && <DeliveryAnswer d={test.data.testLogStream} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setTesting(null)}>
              Close
            </Button>
            <Button loading={test.fetching} onClick={() => testing && void runTest({ id: testing.id }).then(reload)}>
              {test.data ? 'Send again' : 'Send test event'}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <ConfirmModal {...pausing.modal} title="Pause log stream?" confirmLabel="Pause">
        Nothing is sent to <b>{pausing.target?.name}</b> until you resume it. Entries recorded meanwhile are kept and sent then, in order.
      </ConfirmModal>
      <ConfirmModal {...resuming.modal} title="Resume log stream?" confirmLabel="Resume">
        <b>{resuming.target?.name}</b> continues from where it stopped: everything recorded while it was paused is sent first.
      </ConfirmModal>
      <ConfirmModal {...deleting.modal} title="Delete log stream?" confirmLabel="Delete" danger>
        Nothing more is sent to <b>{deleting.target?.name}</b>, and its delivery history is deleted. The entries stay in the log. This cannot be undone.
      </ConfirmModal>
    </>
  );
  return {
    modals,
    create: () => editing.open('new'),
    edit: (s: Stream) => editing.open(s),
    rotate: (s: Stream) => rotating.open(s),
    pause: (s: Stream) => pausing.open(s),
    resume: (s: Stream) => resuming.open(s),
    remove: (s: Stream) => deleting.open(s),
    test: (s: Stream) => {
      setTesting(s);
      void runTest({ id: s.id }).then(reload);
    },
  };
}
