import { useEffect, useState, useSyncExternalStore } from 'react';
import { useClient } from 'urql';
import type { ProcessFieldsFragment, ProcessesQuery as ProcessesQueryType } from '../../gql/graphql';
import { nodesOf } from '../../lib/connection';
import { useSession } from '../auth/session';
import { ProcessesByIDQuery, ProcessHeadQuery, ProcessesQuery, ProcessUpdatedSubscription } from './documents';
import { LiveProcessList } from './liveList';

type Process = ProcessFieldsFragment;

/** How many of the newest processes a later page asks for to count the new ones. */
const HEAD = 100;

export interface LiveListArgs {
  tenantID: string;
  filter: string | undefined;
  page: number;
  size: number;
}

export function listVariables({ tenantID, filter, page, size }: LiveListArgs) {
  return { tenantID, first: size, offset: (page - 1) * size, filter, withHead: page > 1 };
}

/**
 * Keeps one page of the processes list live (see liveList.ts). Mount it under a
 * key of its arguments: a new filter or page is a new list.
 */
export function useLiveProcessList(args: LiveListArgs, fresh: ProcessesQueryType | null) {
  const client = useClient();
  const { ws, live } = useSession();
  const [list] = useState(
    () =>
      new LiveProcessList<Process>({
        page: args.page,
        size: args.size,
        async fetchPage() {
          const r = await client.query(ProcessesQuery, listVariables(args), { requestPolicy: 'network-only' }).toPromise();
          return r.data ? { rows: nodesOf(r.data.processes), total: r.data.processes.totalCount } : null;
        },
        async fetchHead() {
          const r = await client
            .query(ProcessHeadQuery, { tenantID: args.tenantID, filter: args.filter, first: HEAD }, { requestPolicy: 'network-only' })
            .toPromise();
          return r.data ? nodesOf(r.data.processes).map((p) => p.id) : null;
        },
        async fetchNodes(ids) {
          const r = await client.query(ProcessesByIDQuery, { ids }, { requestPolicy: 'network-only' }).toPromise();
          return r.data ? r.data.nodes.flatMap((n) => (n && 'kind' in n ? [n] : [])) : null;
        },
      }),
  );
  useSyncExternalStore(list.subscribe, list.getVersion);
  const connected = useSyncExternalStore(live.subscribe, live.connected);
  const [error, setError] = useState<string | null>(null);

  // Each answer of the list query from the server (not from the cache).
  useEffect(() => {
    if (fresh) list.setPage(nodesOf(fresh.processes), fresh.processes.totalCount, nodesOf(fresh.head)[0]?.id ?? null);
  }, [list, fresh]);

  const enabled = list.isLoaded();
  useEffect(() => {
    if (!enabled) return;
    list.start();
    const sub = client.subscription(ProcessUpdatedSubscription, { tenantID: args.tenantID }).subscribe((res) => {
      const p = res.data?.processUpdated;
      if (p) list.event(p);
      setError(res.error ? res.error.message : null);
    });
    // Every (re)connection may follow missed events, the first one too: the
    // page was read over HTTP before the subscription started.
    const off = ws.on('connected', () => list.reconnected());
    return () => {
      off();
      sub.unsubscribe();
      list.stop();
    };
  }, [enabled, list, client, ws, args.tenantID]);

  return {
    rows: list.getRows(),
    total: list.getTotal(),
    loaded: list.isLoaded(),
    newCount: list.getNewCount(),
    isNew: (id: string) => list.isHighlighted(id),
    connected,
    error,
  };
}
