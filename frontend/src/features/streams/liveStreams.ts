// The log streams list kept current by `logStreamChanged(tenantID)`: each
// event carries one stream as it is now (status, lag, last delivery), or says
// it was deleted. The list is small (a tenant has a handful of streams) and
// read whole, so:
// - a stream on the list is replaced by its event, in place;
// - a deleted stream leaves the list at once (deleted in another tab, by
//   another admin, or through the API);
// - an event for a stream the list does not have (created in another tab or
//   by another admin) asks for the list to be read again, which also puts it
//   where the server sorts it;
// - after the WebSocket (re)connects, events may have been missed: the list is
//   read again.

export interface StreamLike {
  id: string;
}

/** A logStreamChanged event: the stream as it is now, or null when it was deleted. */
export interface StreamChange<S> {
  id: string;
  deleted: boolean;
  logStream: S | null;
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

/** Applies a logStreamChanged event: a deleted stream leaves the list, a changed one is applyStreamEvent's. */
export function applyStreamChange<S extends StreamLike>(rows: readonly S[], change: StreamChange<S>): StreamEventResult<S> {
  if (change.deleted || !change.logStream) return { rows: withoutStream(rows, change.id), reload: false };
  return applyStreamEvent(rows, change.logStream);
}

/** Leaves a stream out of the list at once (after deleting it), before the list is read again. */
export function withoutStream<S extends StreamLike>(rows: readonly S[], id: string): S[] {
  return rows.filter((r) => r.id !== id);
}

// Reads and events race. A page reads its streams over HTTP and applies
// logStreamChanged events as they come, and an answer can be older than an
// event the page already has: the server answered the read before a change
// and sent the change's event after it, but the answer arrived last — or
// arrived first and was applied last, since React took a query's answer in an
// effect that runs after the render that also took the event. Applied as is,
// such an answer put the page back to the state before the change until the
// next one: a resumed stream stayed "pending" after its delivery, for good
// (e2e/log-streams.spec.ts "pause and resume": 5 failures in 10 runs on a
// loaded machine), and a deleted stream would come back, for good, since a
// deleted stream has no next change. So, as the processes list does
// (processes/liveList.ts), every read is sent with the number of events seen
// so far, and an event that came after an answer's read was sent outlives
// that answer: the page shows the stream as that event has it, or not at all
// when it was deleted. Every change of a stream is announced, so an event
// that was in fact older than the answer is followed by a newer one.

/** The context key of a read's mark: the number of events seen when it was sent. */
const SEEN = 'streamEventsSeen';

/** A stream's last event, in order of arrival: the stream as it brought it, or null when deleted. */
export interface NumberedEvent<S> {
  id: string;
  stream: S | null;
  n: number;
}

/** Numbers a page's events and marks its reads with them (see above). */
export class ReadsAfterEvents {
  private seen = 0;

  /** Counts an event; its number, larger than every earlier one's. */
  event(): number {
    return ++this.seen;
  }

  /** The urql context of a read sent now: from the server, marked with the events seen so far. */
  read(): { requestPolicy: 'network-only'; [SEEN]: number } {
    return { requestPolicy: 'network-only', [SEEN]: this.seen };
  }

  /**
   * The events seen when an answer's read was sent. A read sent without read()'s mark (the
   * page's first, or urql's own after a mutation, which keeps the mark of the read it repeats)
   * counts as sent before any event: the events it may not know of are kept.
   */
  markOf(operation: { context: Record<string, unknown> } | undefined): number {
    const mark = operation?.context[SEEN];
    return typeof mark === 'number' ? mark : 0;
  }
}

/**
 * A stream as an answer whose read was sent at mark has it, or as a later event has it: null when
 * that event is its deletion.
 */
export function newest<S extends StreamLike>(answer: S, event: NumberedEvent<Partial<S>> | undefined, mark: number): S | null {
  if (!event || event.id !== answer.id || event.n <= mark) return answer;
  return event.stream ? { ...answer, ...event.stream } : null;
}
