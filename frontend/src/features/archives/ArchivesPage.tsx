import { ActionIcon, Alert, Button, Group, Menu, Modal, Select, Stack, Table, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CopyIconButton } from '../../components/CopyText';
import { FormFooter } from '../../components/FormFooter';
import { IconDots, IconDownload } from '../../components/icons';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { QueryFilter } from '../../components/QueryFilter';
import { SavedFiltersMenu } from '../saved-filters/SavedFiltersMenu';
import { DisabledAction } from '../../components/DisabledAction';
import { EmptyList } from '../../components/EmptyList';
import { ErrorState, LoadingState } from '../../components/states';
import { useConfirmedMutation, useDialog } from '../../components/useConfirmedMutation';
import { useListParams } from '../../components/useListParams';
import type { ArchiveFormat } from '../../gql/graphql';
import { nodesOf } from '../../lib/connection';
import { errorMessage, filterErrorOf } from '../../lib/errors';
import { ProcessUpdatedSubscription } from '../processes/documents';
import { actorLabel, formatBytes, formatLocal, formatUTC } from '../../lib/format';
import { localDayStart } from '../audit-log/composeFilter';
import { useTenant } from '../layout/tenant';
import { formatArchiveRange } from './range';
import { ArchivesQuery, CreateArchiveMutation, DeleteArchiveMutation } from './documents';

const PRESETS = [
  { label: 'JSON Lines', filter: "format = 'jsonl_gz'" },
  { label: 'CSV', filter: "format = 'csv_gz'" },
  { label: 'Created in the last 30 days', filter: "created_at > now() - interval '30 days'" },
];

function lastMonth(): { from: string; to: string } {
  const now = new Date();
  const first = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  const last = new Date(now.getFullYear(), now.getMonth(), 0);
  const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return { from: day(first), to: day(last) };
}

function CreateArchiveForm({ tenantID, slug, onDone }: { tenantID: string; slug: string; onDone(): void }) {
  const initial = lastMonth();
  const [name, setName] = useState('');
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [format, setFormat] = useState<ArchiveFormat>('JSONL_GZ');
  const [filter, setFilter] = useState('');
  const [{ fetching, error, data }, create] = useMutation(CreateArchiveMutation);
  const fe = filterErrorOf(error);
  // ISO dates compare as strings.
  const reversed = from !== '' && to !== '' && to < from;
  if (data)
    return (
      <Stack>
        <Alert color="teal" title="Archive started">
          The archive is being written by a background process.
        </Alert>
        <Group justify="flex-end">
          <Button component={Link} to={`/t/${slug}/activity/processes/${encodeURIComponent(data.createArchive.id)}`} variant="light">
            Follow the process
          </Button>
          <Button onClick={onDone}>Done</Button>
        </Group>
      </Stack>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (reversed) return;
        create({
          tenantID,
          input: { name: name || undefined, from: localDayStart(from), to: localDayStart(to, 1), format, filter: filter.trim() || undefined },
        });
      }}
    >
      <Stack>
        <TextInput label="Name" placeholder="Optional, e.g. 2026-01 audit log" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Group grow>
          <TextInput label="From (inclusive)" type="date" required value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput
            label="To (inclusive)"
            type="date"
            required
            value={to}
            min={from}
            onChange={(e) => setTo(e.currentTarget.value)}
            error={reversed ? 'The “To” date is before the “From” date.' : undefined}
          />
        </Group>
        <Select
          label="Format"
          allowDeselect={false}
          data={[
            { value: 'JSONL_GZ', label: 'JSON Lines, gzip' },
            { value: 'CSV_GZ', label: 'CSV, gzip' },
          ]}
          value={format}
          onChange={(v) => v && setFormat(v as ArchiveFormat)}
        />
        <TextInput label="Filter" description="Optional, in the filter language" placeholder="e.g. action like 'member.%'" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} ff="monospace" error={fe?.message} />
        {/* A filter error is shown at the filter. */}
        <FormFooter error={fe ? null : errorMessage(error)} label="Create archive" busy={fetching} />
      </Stack>
    </form>
  );
}

export function ArchivesPage() {
  const tenant = useTenant();
  const canManage = tenant.can.manage;
  const [list, update] = useListParams();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ArchivesQuery,
    variables: { tenantID: tenant.id, first: list.size, offset: (list.page - 1) * list.size, filter: list.filter || undefined },
  });
  const rows = nodesOf(data?.archives);
  const fe = filterErrorOf(error);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  // An archive appears once its process has written it, seconds after "Create archive" (it waits
  // for a signed checkpoint that covers its entries): reload when a process of the tenant succeeds.
  const [live] = useSubscription({ query: ProcessUpdatedSubscription, variables: { tenantID: tenant.id } });
  const succeeded = live.data?.processUpdated.status === 'SUCCEEDED' ? live.data.processUpdated.id : null;
  useEffect(() => {
    if (succeeded) refetch({ requestPolicy: 'network-only' });
  }, [succeeded, refetch]);
  const creating = useDialog(reload);
  const deleting = useConfirmedMutation(DeleteArchiveMutation, (a: { id: string; name: string }) => ({ id: a.id }), reload);
  return (
    <Stack gap="sm">
      <PageHeader
        title="Archives"
        description="Compressed copies of the audit log for long-term storage."
        actions={canManage ? <Button onClick={() => creating.open(true)}>Create archive</Button> : <DisabledAction label="Create archive" reason={tenant.can.manageReason} />}
      />
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <SavedFiltersMenu tenantID={tenant.id} page="ARCHIVES" presets={PRESETS} onPreset={(filter) => update({ filter })} />
        <QueryFilter value={list.filter} onApply={(filter) => update({ filter })} error={fe} placeholder="e.g. format = 'csv_gz' and created_at > now() - interval '90 days'" />
      </Group>
      {fetching && !data && <LoadingState />}
      {error && !fe && !data && <ErrorState error={error} onRetry={reload} />}
      {data && rows.length === 0 && (
        <EmptyList
          total={data.archives.totalCount}
          page={list.page}
          size={list.size}
          filtered={!!list.filter}
          noun="archives"
          nothingYet={canManage ? 'Create one to keep a copy of the log.' : 'None has been created yet.'}
          onPage={(page) => update({ page })}
        />
      )}
      {rows.length > 0 && (
        <>
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing={6} fz="sm" aria-label="Archives" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Range</Table.Th>
                  <Table.Th>Format</Table.Th>
                  <Table.Th ta="right">Entries</Table.Th>
                  <Table.Th ta="right">Size</Table.Th>
                  <Table.Th>SHA-256</Table.Th>
                  <Table.Th>Created by</Table.Th>
                  <Table.Th className="tm-sticky-actions">
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {a.name}
                      </Text>
                      {a.filter && (
                        <Text size="xs" c="dimmed" ff="monospace" truncate maw={260} title={a.filter}>
                          {a.filter}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <span title={`${formatUTC(a.from)} – ${formatUTC(a.to)} (end exclusive)`}>{formatArchiveRange(a.from, a.to)}</span>
                    </Table.Td>
                    <Table.Td>{a.format === 'CSV_GZ' ? 'CSV' : 'JSONL'}</Table.Td>
                    <Table.Td ta="right">{a.entryCount.toLocaleString()}</Table.Td>
                    <Table.Td ta="right">{formatBytes(a.sizeBytes)}</Table.Td>
                    <Table.Td>
                      <Group gap={2} wrap="nowrap">
                        <Text size="xs" ff="monospace" title={a.sha256}>
                          {a.sha256.slice(0, 12)}…
                        </Text>
                        <CopyIconButton value={a.sha256} label="Copy SHA-256" />
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {actorLabel(a.createdBy)}
                      <Text size="xs" c="dimmed">
                        {formatLocal(a.createdAt)}
                      </Text>
                    </Table.Td>
                    <Table.Td className="tm-sticky-actions">
                      <Group gap={2} wrap="nowrap">
                        <Tooltip label="Download">
                          <ActionIcon component="a" href={a.downloadURL} download variant="subtle" aria-label={`Download ${a.name}`}>
                            <IconDownload />
                          </ActionIcon>
                        </Tooltip>
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <ActionIcon variant="subtle" aria-label={`Options for ${a.name}`}>
                              <IconDots />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item component="a" href={a.manifestURL} download>
                              Download signed manifest
                            </Menu.Item>
                            <Menu.Item component={Link} to={`/t/${tenant.slug}/activity/processes/${encodeURIComponent(a.process.id)}`}>
                              View process
                            </Menu.Item>
                            {canManage && (
                              <Menu.Item color="red" onClick={() => deleting.open({ id: a.id, name: a.name })}>
                                Delete
                              </Menu.Item>
                            )}
                          </Menu.Dropdown>
                        </Menu>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={list.page} size={list.size} total={data?.archives.totalCount ?? 0} sizes={[25, 50, 100]} onPage={(page) => update({ page })} onSize={(size) => update({ size })} noun="archives" />
        </>
      )}
      <Modal opened={creating.opened} onClose={creating.done} title="Create archive">
        {creating.opened && <CreateArchiveForm tenantID={tenant.id} slug={tenant.slug} onDone={creating.done} />}
      </Modal>
      <ConfirmModal {...deleting.modal} title="Delete archive?" confirmLabel="Delete archive" danger>
        <Text size="sm">
          <b>{deleting.target?.name}</b> and its stored file are removed for good. Entries still in the log are not affected.
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
