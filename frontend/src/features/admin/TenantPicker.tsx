import { MultiSelect } from '@mantine/core';
import { useQuery } from 'urql';
import { graphql } from '../../gql';

const TenantChoicesQuery = graphql(`
  query TenantChoices {
    tenants(first: 1000, orderBy: { field: SLUG, direction: ASC }) {
      edges { node { id slug name } }
    }
  }
`);

/** Picks tenants of the platform admin's global log, by slug (the filter language's `tenant` field). */
export function TenantPicker({ value, onChange }: { value: string[]; onChange(slugs: string[]): void }) {
  const [{ data }] = useQuery({ query: TenantChoicesQuery });
  const options = (data?.tenants.edges ?? []).flatMap((e) => (e?.node ? [{ value: e.node.slug, label: `${e.node.name} (${e.node.slug})` }] : []));
  for (const s of value) if (!options.some((o) => o.value === s)) options.push({ value: s, label: s });
  return (
    <MultiSelect
      label="Tenant"
      size="xs"
      w={220}
      placeholder={value.length ? undefined : 'Every tenant'}
      data={options}
      value={value}
      onChange={onChange}
      searchable
      clearable
    />
  );
}
