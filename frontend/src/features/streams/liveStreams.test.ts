import { describe, expect, it } from 'vitest';
import { applyStreamEvent, withoutStream } from './liveStreams';

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

describe('withoutStream', () => {
  it('leaves the deleted stream out', () => {
    expect(withoutStream(rows, 'lst_2').map((s) => s.id)).toEqual(['lst_1']);
    expect(withoutStream(rows, 'nope')).toEqual(rows);
  });
});
