import { describe, expect, it } from 'vitest';
import { applyStreamChange, applyStreamEvent, newest, ReadsAfterEvents, withoutStream } from './liveStreams';

interface S {
  id: string;
  status: string;
  name?: string;
}

const rows: S[] = [
  { id: 'lst_2', status: 'HEALTHY', name: 'b' },
  { id: 'lst_1', status: 'PENDING', name: 'a' },
];

describe('applyStreamEvent', () => {
  it('replaces a stream on the list in place, keeping fields the event did not carry', () => {
    const r = applyStreamEvent(rows, { id: 'lst_1', status: 'FAILING' });
    expect(r.reload).toBe(false);
    expect(r.rows).toEqual([rows[0], { id: 'lst_1', status: 'FAILING', name: 'a' }]);
    expect(rows[1].status).toBe('PENDING'); // the given list is not changed
  });

  it('asks for the list again for a stream it does not have', () => {
    const r = applyStreamEvent(rows, { id: 'lst_3', status: 'PENDING' });
    expect(r.reload).toBe(true);
    expect(r.rows).toEqual(rows);
  });
});

describe('applyStreamChange', () => {
  it('drops a deleted stream at once, without reading the list again', () => {
    const r = applyStreamChange(rows, { id: 'lst_2', deleted: true, logStream: null });
    expect(r).toEqual({ rows: [rows[1]], reload: false });
    expect(rows).toHaveLength(2); // the given list is not changed
  });

  it('ignores the deletion of a stream it does not have', () => {
    expect(applyStreamChange(rows, { id: 'lst_9', deleted: true, logStream: null })).toEqual({ rows, reload: false });
  });

  it('applies a changed stream as applyStreamEvent does', () => {
    expect(applyStreamChange(rows, { id: 'lst_1', deleted: false, logStream: { id: 'lst_1', status: 'PAUSED' } })).toEqual(
      applyStreamEvent(rows, { id: 'lst_1', status: 'PAUSED' }),
    );
    expect(applyStreamChange(rows, { id: 'lst_3', deleted: false, logStream: { id: 'lst_3', status: 'PENDING' } }).reload).toBe(true);
  });
});

describe('withoutStream', () => {
  it('leaves the deleted stream out', () => {
    expect(withoutStream(rows, 'lst_2').map((s) => s.id)).toEqual(['lst_1']);
    expect(withoutStream(rows, 'nope')).toEqual(rows);
  });
});

describe('ReadsAfterEvents and newest', () => {
  const answerOf = (context: Record<string, unknown>) => ({ context });
  const answer: S = { id: 'lst_1', status: 'PENDING', name: 'a' };

  it('marks each read with the events seen when it was sent; an unmarked read counts as sent before any', () => {
    const o = new ReadsAfterEvents();
    const first = o.read();
    expect(first.requestPolicy).toBe('network-only');
    expect(o.markOf(answerOf(first))).toBe(0);
    expect(o.event()).toBe(1);
    expect(o.event()).toBe(2);
    expect(o.markOf(answerOf(o.read()))).toBe(2);
    expect(o.markOf(answerOf(first))).toBe(0);
    expect(o.markOf(answerOf({ requestPolicy: 'cache-and-network' }))).toBe(0);
    expect(o.markOf(undefined)).toBe(0);
  });

  it('shows a stream as the event that came after the answer’s read was sent, else as the answer', () => {
    const o = new ReadsAfterEvents();
    const before = o.read(); // answered before the delivery…
    const delivered = { id: 'lst_1', stream: { id: 'lst_1', status: 'HEALTHY' }, n: o.event() }; // …whose event came first
    expect(newest(answer, delivered, o.markOf(answerOf(before)))).toEqual({ id: 'lst_1', status: 'HEALTHY', name: 'a' });
    const after = o.read(); // sent after that event: its answer is at least as new
    const renamed: S = { id: 'lst_1', status: 'HEALTHY', name: 'b' };
    expect(newest(renamed, delivered, o.markOf(answerOf(after)))).toBe(renamed);
    expect(newest(answer, undefined, 0)).toBe(answer);
    expect(newest(answer, { id: 'lst_2', stream: { id: 'lst_2', status: 'FAILING' }, n: 9 }, 0)).toBe(answer); // another stream's
  });

  it('does not bring back a stream whose deletion came after the answer’s read was sent', () => {
    const o = new ReadsAfterEvents();
    const before = o.read(); // answered before the deletion, the answer arriving after its event
    const deleted = { id: 'lst_1', stream: null, n: o.event() };
    expect(newest(answer, deleted, o.markOf(answerOf(before)))).toBeNull();
    // A read sent after the deletion's event is newer: if it still has the stream, it shows it.
    expect(newest(answer, deleted, o.markOf(answerOf(o.read())))).toBe(answer);
  });
});
