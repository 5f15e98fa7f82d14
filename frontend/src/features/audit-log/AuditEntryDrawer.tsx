import { Alert, Badge, Button, Drawer, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from 'urql';
import { CopyIconButton, CopyTextButton } from '../../components/CopyText';
import { JsonBlock } from '../../components/JsonBlock';
import { StatusBadge } from '../../components/badges';
import type { AuditEntryFieldsFragment } from '../../gql/graphql';
import { errorMessage } from '../../lib/errors';
import { formatLocal, formatUTC } from '../../lib/format';
import { EntryIntegrity } from '../integrity/EntryIntegrity';
import { DiffView } from './DiffView';
import { AuditEntryQuery, AuditEntryRequestQuery } from './documents';

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ wordBreak: 'break-word' }}>
        {children || '—'}
      </Text>
    </div>
  );
}

function RequestSection({ id }: { id: string }) {
  const [{ data, fetching, error }] = useQuery({ query: AuditEntryRequestQuery, variables: { id } });
  const node = data?.node;
  const req = node && 'request' in node ? node.request : null;
  if (fetching && !data)
    return (
      <Text size="sm" c="dimmed">
        Loading request…
      </Text>
    );
  if (error && !req)
    return (
      <Alert color="gray" variant="light">
        Request details unavailable: {errorMessage(error)}
      </Alert>
    );
  if (!req)
    return (
      <Text size="sm" c="dimmed">
        No request recorded.
      </Text>
    );
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <Field label="Method">{req.method}</Field>
        <Field label="Path">{req.path}</Field>
        <Field label="Operation">{req.operationName}</Field>
        <Field label="HTTP status">{req.httpStatus != null ? String(req.httpStatus) : ''}</Field>
        <Field label="Source IP">{req.sourceIP}</Field>
        <Field label="User agent">{req.userAgent}</Field>
      </SimpleGrid>
      <JsonBlock label="Payload" value={req.payload} maxHeight={400} />
    </Stack>
  );
}

/** The address that opens an entry: this page with only `?entry=`, whatever page it is on. */
export function entryPermalink(id: string, loc: Pick<Location, 'origin' | 'pathname'> = window.location): string {
  return `${loc.origin}${loc.pathname}?entry=${encodeURIComponent(id)}`;
}

export interface AuditEntryDrawerProps {
  /** The entry in the URL (`?entry=`); empty when the drawer is closed. */
  entryID: string;
  /** The entry when the page already has it; otherwise it is read by `node(id:)`. */
  entry: AuditEntryFieldsFragment | null;
  onClose(): void;
  showRequest: boolean;
}

export function AuditEntryDrawer({ entryID, entry, onClose, showRequest }: AuditEntryDrawerProps) {
  const [{ data, fetching, error }, reload] = useQuery({ query: AuditEntryQuery, variables: { id: entryID }, pause: !entryID || entry != null });
  const node = data?.node;
  const loaded = node && 'hash' in node && 'action' in node ? node : null;
  const shown = entry ?? loaded;
  return (
    <Drawer
      opened={entryID !== ''}
      onClose={onClose}
      position="right"
      size="xl"
      title={
        <Title order={2} size="h4">
          {shown ? shown.action : 'Audit entry'}
        </Title>
      }
    >
      {!shown && fetching && (
        <Text size="sm" c="dimmed">
          Loading entry…
        </Text>
      )}
      {!shown && !fetching && error && (
        <Alert color="red" variant="light" title="This entry could not be loaded">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{errorMessage(error)}</Text>
            <Button size="xs" variant="light" onClick={() => reload({ requestPolicy: 'network-only' })}>
              Try again
            </Button>
          </Stack>
        </Alert>
      )}
      {!shown && !fetching && !error && data && (
        <Alert color="gray" variant="light" title="This entry can't be shown" data-testid="entry-unavailable">
          It does not exist, or it is not in what you may see here: links to entries open only for people
          whose role and workspace let them read that entry. Ask whoever shared the link, or close this
          panel to see the log.
        </Alert>
      )}
      {shown && <EntryDetails entry={shown} showRequest={showRequest} />}
    </Drawer>
  );
}

function EntryDetails({ entry, showRequest }: { entry: AuditEntryFieldsFragment; showRequest: boolean }) {
  return (
        <Stack gap="lg">
          <Group gap="xs" justify="space-between">
            <Group gap="xs">
              <StatusBadge status={entry.status} />
              <Badge variant="outline" size="sm">
                {entry.resourceType}
              </Badge>
              {entry.tenant && (
                <Badge variant="default" size="sm">
                  {entry.tenant.name}
                </Badge>
              )}
            </Group>
            <CopyTextButton value={entryPermalink(entry.id)} label="Copy link" />
          </Group>
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <Field label="Occurred">
              <span title={formatUTC(entry.occurredAt)}>{formatLocal(entry.occurredAt)}</span>
            </Field>
            <Field label="Received">
              <span title={formatUTC(entry.receivedAt)}>{formatLocal(entry.receivedAt)}</span>
            </Field>
            <Field label="Resource">
              {[entry.resourceName, entry.resourceID && `(${entry.resourceID})`].filter(Boolean).join(' ')}
            </Field>
            <Field label="Workspace">{entry.workspace}</Field>
            <Field label="Idempotency key">{entry.idempotencyKey}</Field>
            <Field label="Entry ID">{entry.id}</Field>
          </SimpleGrid>
          <section aria-label="Integrity">
            <EntryIntegrity entryID={entry.id} tenantID={entry.tenant?.id ?? null} showRequest={showRequest} />
          </section>
          <section aria-label="Actor">
            <Title order={3} size="h6" mb="xs">
              Actor
            </Title>
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
              <Field label="Type">{entry.actor.type}</Field>
              <Field label="Name">{entry.actor.name}</Field>
              <Field label="Email">{entry.actor.email}</Field>
              <Field label="ID">{entry.actor.id}</Field>
            </SimpleGrid>
          </section>
          <section aria-label="Changes">
            <Title order={3} size="h6" mb="xs">
              Changes
            </Title>
            <DiffView changes={entry.changes} oldValue={entry.oldValue} newValue={entry.newValue} />
          </section>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
            <JsonBlock label="Old value" value={entry.oldValue} />
            <JsonBlock label="New value" value={entry.newValue} />
          </SimpleGrid>
          <JsonBlock label="Metadata" value={entry.metadata} />
          {showRequest && (
            <section aria-label="Request">
              <Title order={3} size="h6" mb="xs">
                Request
              </Title>
              <RequestSection id={entry.id} />
            </section>
          )}
          <Group gap="xs" wrap="nowrap">
            <Text size="xs" c="dimmed" ff="monospace" truncate>
              hash {entry.hash}
            </Text>
            <CopyIconButton value={entry.hash} label="Copy hash" />
          </Group>
        </Stack>
  );
}
