import { Alert, Badge, Button, Checkbox, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CopyTextButton } from '../../components/CopyText';
import { FormFooter } from '../../components/FormFooter';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { useConfirmedMutation, useDialog } from '../../components/useConfirmedMutation';
import type { ApiKeyScope } from '../../gql/graphql';
import { nodesOf } from '../../lib/connection';
import { errorMessage } from '../../lib/errors';
import { formatLocal } from '../../lib/format';
import { useTenant } from '../layout/tenant';
import { APIKeysQuery, CreateAPIKeyMutation, DeactivateAPIKeyMutation } from './documents';

const SCOPES: { value: ApiKeyScope; label: string; description: string }[] = [
  { value: 'INGEST', label: 'Ingest', description: 'Record audit entries' },
  { value: 'READ', label: 'Read', description: "Query the tenant's whole log, requests included" },
];

function CreateKeyForm({ tenantID, onDone }: { tenantID: string; onDone(): void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['INGEST']);
  const [{ data, fetching, error }, create] = useMutation(CreateAPIKeyMutation);
  if (data)
    return (
      <Stack>
        <Alert color="yellow" title="Copy the secret now">
          This is the only time the secret of <b>{data.createAPIKey.apiKey.name}</b> is shown. Store it in your secret manager.
        </Alert>
        <TextInput label="Secret" value={data.createAPIKey.secret} readOnly ff="monospace" onFocus={(e) => e.currentTarget.select()} data-testid="api-key-secret" />
        <Group justify="flex-end">
          <CopyTextButton value={data.createAPIKey.secret} label="Copy secret" />
          <Button onClick={onDone}>I have copied it</Button>
        </Group>
      </Stack>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create({ tenantID, name, scopes: scopes as ApiKeyScope[] });
      }}
    >
      <Stack>
        <TextInput label="Name" required placeholder="e.g. billing-service" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Checkbox.Group label="Scopes" value={scopes} onChange={setScopes} withAsterisk>
          <Stack gap={6} mt={6}>
            {SCOPES.map((s) => (
              <Checkbox key={s.value} value={s.value} label={s.label} description={s.description} />
            ))}
          </Stack>
        </Checkbox.Group>
        <FormFooter error={errorMessage(error)} label="Create key" busy={fetching} disabled={scopes.length === 0 || !name.trim()} />
      </Stack>
    </form>
  );
}

export function APIKeysPage() {
  const tenant = useTenant();
  const canManage = tenant.can.manage;
  const [{ data, fetching, error }, refetch] = useQuery({ query: APIKeysQuery, variables: { slug: tenant.slug } });
  const rows = nodesOf(data?.tenant?.apiKeys);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const creating = useDialog(reload);
  const deactivating = useConfirmedMutation(DeactivateAPIKeyMutation, (k: { id: string; name: string }) => ({ id: k.id }), reload);
  return (
    <Stack gap="sm">
      <PageHeader title="API keys" description="Keys for services that record or read this tenant's log." actions={canManage && <Button onClick={() => creating.open(true)}>Create API key</Button>} />
      {fetching && !data && <LoadingState />}
      {error && !data?.tenant?.apiKeys && !fetching && <ErrorState error={error} onRetry={reload} />}
      {data?.tenant?.apiKeys && rows.length === 0 && <EmptyState title="No API keys">Create one for each service that sends entries.</EmptyState>}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing={6} fz="sm" aria-label="API keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>{k.name}</Table.Td>
                  <Table.Td ff="monospace">{k.prefix}…</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {k.scopes.map((s) => (
                        <Badge key={s} size="xs" variant="outline">
                          {s.toLowerCase()}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {formatLocal(k.createdAt)}
                    {k.createdBy && <Text size="xs" c="dimmed">by {k.createdBy.name}</Text>}
                  </Table.Td>
                  <Table.Td>{k.lastUsedAt ? formatLocal(k.lastUsedAt) : 'never'}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={k.active ? 'teal' : 'gray'}>
                      {k.active ? 'active' : 'deactivated'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {canManage && k.active && (
                      <Button size="compact-xs" variant="subtle" color="red" onClick={() => deactivating.open({ id: k.id, name: k.name })}>
                        Deactivate
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={creating.opened} onClose={creating.close} title="Create API key" closeOnClickOutside={false}>
        {creating.opened && <CreateKeyForm tenantID={tenant.id} onDone={creating.done} />}
      </Modal>
      <ConfirmModal {...deactivating.modal} title="Deactivate API key?" confirmLabel="Deactivate" danger>
        Requests with <b>{deactivating.target?.name}</b> are refused from now on. This cannot be undone.
      </ConfirmModal>
    </Stack>
  );
}
