import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

export interface ListParams {
  filter: string;
  page: number;
  size: number;
}

/** Filter and page of a simple list, kept in the URL query string. */
export function useListParams(defaultSize = 25): [ListParams, (patch: Partial<ListParams>) => void] {
  const [params, setParams] = useSearchParams();
  const state = useMemo<ListParams>(() => {
    const page = Number(params.get('page'));
    const size = Number(params.get('size'));
    return {
      filter: params.get('filter') ?? '',
      page: Number.isInteger(page) && page > 0 ? page : 1,
      size: [25, 50, 100].includes(size) ? size : defaultSize,
    };
  }, [params, defaultSize]);
  const update = useCallback(
    (patch: Partial<ListParams>) => {
      const next = { ...state, ...('filter' in patch || 'size' in patch ? { page: 1 } : {}), ...patch };
      const p = new URLSearchParams();
      if (next.filter) p.set('filter', next.filter);
      if (next.page > 1) p.set('page', String(next.page));
      if (next.size !== defaultSize) p.set('size', String(next.size));
      setParams(p);
    },
    [state, setParams, defaultSize],
  );
  return [state, update];
}
