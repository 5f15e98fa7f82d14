import { useCallback, useMemo } from 'react';
import { useQuery } from 'urql';
import { complete, type KnownValues } from '../../lib/filterCompletion';
import { USER_FIELD } from './composeFilter';
import { AuditFacetsQuery } from './documents';

/**
 * Completion for the audit log's query box: fields and operators of the filter language, and
 * the values the log holds (actions, resource types, users) from its facets — the same query
 * the pickers run, so urql answers it from its cache.
 */
export function useFilterCompletion(tenantID: string | undefined) {
  const [{ data }] = useQuery({ query: AuditFacetsQuery, variables: { tenantID: tenantID ?? '' }, pause: !tenantID });
  const f = data?.auditFacets;
  const known = useMemo<KnownValues>(
    () => ({
      action: f?.byAction.map((x) => x.value) ?? [],
      resource_type: f?.byResourceType.map((x) => x.value) ?? [],
      [USER_FIELD]: f?.byActor.map((x) => x.value) ?? [],
    }),
    [f],
  );
  return useCallback((text: string, caret: number) => complete(text, caret, undefined, known), [known]);
}
