import { Group, MultiSelect, Select, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { useQuery } from 'urql';
import { tenantFilter } from './composeFilter';
import { AuditFacetsQuery } from './documents';
import type { AuditLogState } from './urlState';

type FacetState = Pick<AuditLogState, 'actions' | 'resourceTypes' | 'user' | 'from' | 'to'>;

const opts = (list: { value: string; count: number }[] | undefined, selected: string[]) => {
  const data = (list ?? []).map((f) => ({ value: f.value, label: `${f.value} (${f.count.toLocaleString()})` }));
  for (const s of selected) if (!data.some((d) => d.value === s)) data.push({ value: s, label: s });
  return data;
};

/**
 * Pickers for action, resource type, user and date range, with values from auditFacets: of the
 * tenant, or on the global log (no tenantID) of the tenants picked there, or of every tenant.
 */
export function AuditFilters({ tenantID, tenants = [], state, onChange, leading }: { tenantID?: string; tenants?: readonly string[]; state: FacetState; onChange(patch: Partial<FacetState>): void; leading?: ReactNode }) {
  const [{ data }] = useQuery({ query: AuditFacetsQuery, variables: { tenantID, filter: tenantID ? undefined : tenantFilter(tenants) } });
  const f = data?.auditFacets;
  return (
    <Group gap="xs" wrap="wrap" align="flex-end">
      {leading}
      <MultiSelect
        label="Action"
        size="xs"
        w={220}
        placeholder={state.actions.length ? undefined : 'Any action'}
        data={opts(f?.byAction, state.actions)}
        value={state.actions}
        onChange={(v) => onChange({ actions: v })}
        searchable
        clearable
        maxDropdownHeight={280}
      />
      <MultiSelect
        label="Resource type"
        size="xs"
        w={200}
        placeholder={state.resourceTypes.length ? undefined : 'Any type'}
        data={opts(f?.byResourceType, state.resourceTypes)}
        value={state.resourceTypes}
        onChange={(v) => onChange({ resourceTypes: v })}
        searchable
        clearable
      />
      <Select
        label="User"
        size="xs"
        w={180}
        placeholder="Anyone"
        data={opts(f?.byActor, state.user ? [state.user] : [])}
        value={state.user || null}
        onChange={(v) => onChange({ user: v ?? '' })}
        searchable
        clearable
      />
      <TextInput label="From" type="date" size="xs" w={140} value={state.from} max={state.to || undefined} onChange={(e) => onChange({ from: e.currentTarget.value })} />
      <TextInput label="To" type="date" size="xs" w={140} value={state.to} min={state.from || undefined} onChange={(e) => onChange({ to: e.currentTarget.value })} />
    </Group>
  );
}
