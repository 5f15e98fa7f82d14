import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useClient, useQuery } from 'urql';
import type { LogStreamFieldsFragment } from '../../gql/graphql';
import { nodesOf } from '../../lib/connection';
import { useSession } from '../auth/session';
import { LogStreamChangedSubscription, LogStreamsQuery } from './documents';
import { applyStreamChange, newest, ReadsAfterEvents, withoutStream, type NumberedEvent } from './liveStreams';
import type { StreamScope } from './scope';

export type Stream = LogStreamFieldsFragment;

/**
 * A tenant's (or the platform log's) log streams, kept current by logStreamChanged (see liveStreams.ts):
 * status, lag and last delivery change in place; a stream deleted elsewhere leaves; a stream created elsewhere, or
 * events missed while the WebSocket was down, read the list again; an event that
 * came after an answer's read was sent outlives that answer (ReadsAfterEvents).
 */
export function useLiveStreams(scope: StreamScope) {
  const { tenantID, platform } = scope.vars;
  const client = useClient();
  const { ws, live } = useSession();
  const connected = useSyncExternalStore(live.subscribe, live.connected);
  const [{ data, fetching, error, operation }, refetch] = useQuery({ query: LogStreamsQuery, variables: { tenantID, platform } });
  const [order] = useState(() => new ReadsAfterEvents());
  // Each stream's last event (one per stream, kept: a late answer of an older read needs them too).
  const events = useRef(new Map<string, NumberedEvent<Stream>>());
  const [rows, setRows] = useState<Stream[] | null>(null);
  const rowsRef = useRef<Stream[] | null>(null);
  const [subError, setSubError] = useState<string | null>(null);
  const put = (next: Stream[]) => {
    rowsRef.current = next;
    setRows(next);
  };
  const reload = useCallback(() => refetch(order.read()), [refetch, order]);

  useEffect(() => {
    if (!data) return;
    const mark = order.markOf(operation);
    put(nodesOf(data.logStreams).flatMap((s) => newest(s, events.current.get(s.id), mark) ?? []));
  }, [data]); // once per answer

  useEffect(() => {
    const sub = client.subscription(LogStreamChangedSubscription, { tenantID, platform }).subscribe((res) => {
      setSubError(res.error ? res.error.message : null);
      const c = res.data?.logStreamChanged;
      if (c) events.current.set(c.id, { id: c.id, stream: c.logStream, n: order.event() });
      if (!c || !rowsRef.current) return;
      const r = applyStreamChange(rowsRef.current, c);
      put(r.rows);
      if (r.reload) reload();
    });
    // The first connection too: the list was read over HTTP before the subscription started.
    const off = ws.on('connected', () => reload());
    return () => {
      off();
      sub.unsubscribe();
    };
  }, [client, ws, tenantID, platform, reload]);

  return {
    rows,
    loading: fetching && !rows,
    error: rows ? null : error,
    connected,
    subError,
    reload,
    /** Leaves a deleted stream out at once, then reads the list again. */
    removed(id: string) {
      if (rowsRef.current) put(withoutStream(rowsRef.current, id));
      reload();
    },
  };
}
