// The log streams list kept current by `logStreamUpdated(tenantID)`: each
// event carries one stream as it is now (status, lag, last delivery). The list
// is small (a tenant has a handful of streams) and read whole, so:
// - a stream on the list is replaced by its event, in place;
// - an event for a stream the list does not have (created in another tab or
//   by another admin) asks for the list to be read again, which also puts it
//   where the server sorts it;
// - after the WebSocket (re)connects, events may have been missed: the list is
//   read again.
// Deleted streams leave the list when it is read again (the caller does after
// its own delete).

export interface StreamLike {
  id: string;
}

export interface StreamEventResult<S> {
  rows: S[];
  /** The list should be read again from the server. */
  reload: boolean;
}

export function applyStreamEvent<S extends StreamLike>(rows: readonly S[], event: S): StreamEventResult<S> {
  const i = rows.findIndex((r) => r.id === event.id);
  if (i < 0) return { rows: [...rows], reload: true };
  const next = [...rows];
  next[i] = { ...rows[i], ...event };
  return { rows: next, reload: false };
}

/** Leaves a stream out of the list at once (after deleting it), before the list is read again. */
export function withoutStream<S extends StreamLike>(rows: readonly S[], id: string): S[] {
  return rows.filter((r) => r.id !== id);
}
