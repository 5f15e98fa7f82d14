import { plural } from '../../lib/plural';
import { Anchor, Button, Modal, NumberInput, Stack, Table, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { FormFooter } from '../../components/FormFooter';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { useDialog } from '../../components/useConfirmedMutation';
import { graphql } from '../../gql';
import { nodesOf } from '../../lib/connection';
import { errorMessage } from '../../lib/errors';
import { formatLocal } from '../../lib/format';

const TenantsQuery = graphql(`
  query AdminTenants($first: Int) {
    tenants(first: $first) {
      totalCount
      edges { node { id slug name createdAt retentionDays } }
    }
  }
`);

const CreateTenantMutation = graphql(`
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) { id slug name }
  }
`);

export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

function CreateTenantForm({ onDone }: { onDone(): void }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [retention, setRetention] = useState<number | ''>('');
  const [{ fetching, error }, create] = useMutation(CreateTenantMutation);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const res = await create({ input: { name, slug, retentionDays: retention === '' ? undefined : retention } });
        if (!res.error) onDone();
      }}
    >
      <Stack>
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setName(v);
            if (!slugTouched) setSlug(slugify(v));
          }}
        />
        <TextInput
          label="Slug"
          required
          description="Lower-case letters, digits and dashes; used in URLs and exports."
          value={slug}
          onChange={(e) => {
            setSlugTouched(true);
            setSlug(e.currentTarget.value);
          }}
          ff="monospace"
        />
        <NumberInput label="Retention (days)" description="Empty: keep forever" min={1} value={retention} onChange={(v) => setRetention(v === '' ? '' : Number(v))} w={200} />
        <FormFooter error={errorMessage(error)} label="Create tenant" busy={fetching} />
      </Stack>
    </form>
  );
}

export function TenantsPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: TenantsQuery, variables: { first: 1000 } });
  const rows = nodesOf(data?.tenants);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const creating = useDialog(reload);
  return (
    <Stack gap="sm">
      <PageHeader title="Tenants" description={data ? `${plural(data.tenants.totalCount, 'tenant')} on this Trailmark` : undefined} actions={<Button onClick={() => creating.open(true)}>Create tenant</Button>} />
      {fetching && !data && <LoadingState />}
      {error && !data && <ErrorState error={error} onRetry={reload} />}
      {data && rows.length === 0 && <EmptyState title="No tenants yet" />}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={6} fz="sm" aria-label="Tenants" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Slug</Table.Th>
                <Table.Th>Retention</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/t/${t.slug}`} size="sm">
                      {t.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ff="monospace">{t.slug}</Table.Td>
                  <Table.Td>{t.retentionDays == null ? 'forever' : plural(t.retentionDays, 'day')}</Table.Td>
                  <Table.Td>{formatLocal(t.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={creating.opened} onClose={creating.close} title="Create tenant">
        {creating.opened && <CreateTenantForm onDone={creating.done} />}
      </Modal>
    </Stack>
  );
}
