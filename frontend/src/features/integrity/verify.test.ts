import { describe, expect, it, vi } from 'vitest';
import { checkLatest, loadSeen, saveSeen, verifyEntry, type EntryProofInput, type SeenCheckpoint } from './verify';
import vectors from './testdata/vectors.json';

const { tree, note } = vectors;
const LOG = 'ten_01TEST';

function input(index: number, over: Partial<EntryProofInput> = {}): EntryProofInput {
  const p = tree.inclusion.find((x) => x.size === 17 && x.index === index)!;
  return {
    logID: LOG,
    seq: index,
    hash: tree.leaves[index],
    recomputed: null,
    proof: { leafIndex: index, treeSize: 17, rootHash: tree.roots[16], hashes: p.hashes },
    checkpointNote: note.note,
    logKey: note.vkey,
    ...over,
  };
}

function flip(hex: string, at = 10): string {
  return hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
}

describe('verifyEntry', () => {
  it('verifies every entry of a signed tree of 17', async () => {
    for (let i = 0; i < 17; i++) {
      expect(await verifyEntry(input(i))).toEqual({ state: 'verified', treeSize: 17, rootHash: tree.roots[16], origin: note.origin, content: 'recorded' });
    }
  });

  it('says so when the entry has no seq yet', async () => {
    expect(await verifyEntry(input(3, { seq: null, proof: null }))).toEqual({ state: 'unsequenced' });
  });

  it('checks the recomputed content hash, current or legacy form', async () => {
    const h = tree.leaves[5];
    expect(await verifyEntry(input(5, { recomputed: { current: h, legacy: flip(h) } }))).toMatchObject({ state: 'verified', content: 'recomputed' });
    expect(await verifyEntry(input(5, { recomputed: { current: flip(h), legacy: h } }))).toMatchObject({ state: 'verified', content: 'recomputed-legacy' });
    expect(await verifyEntry(input(5, { recomputed: { current: flip(h), legacy: flip(h, 3) } }))).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/fields do not hash/),
    });
  });

  it('accepts the legacy form only for leaves the server marks legacy', async () => {
    const h = tree.leaves[5];
    const legacyOnly = { recomputed: { current: flip(h), legacy: h } };
    expect(await verifyEntry(input(5, { ...legacyOnly, proof: { ...input(5).proof!, legacyHash: true } }))).toMatchObject({
      state: 'verified',
      content: 'recomputed-legacy',
    });
    expect(await verifyEntry(input(5, { ...legacyOnly, proof: { ...input(5).proof!, legacyHash: false } }))).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/fields do not hash/),
    });
  });

  it('fails on a changed entry hash, proof hash, root, leaf index, tree size, note or key', async () => {
    const cases: [string, Partial<EntryProofInput>, RegExp][] = [
      ['entry hash', { hash: flip(tree.leaves[4]) }, /audit path/],
      ['proof hash', { proof: { ...input(4).proof!, hashes: input(4).proof!.hashes.map((h, i) => (i === 2 ? flip(h) : h)) } }, /audit path/],
      ['proof root', { proof: { ...input(4).proof!, rootHash: flip(tree.roots[16]) } }, /audit path/],
      ['leaf index', { proof: { ...input(4).proof!, leafIndex: 5 } }, /leaf 5/],
      ['short proof', { proof: { ...input(4).proof!, hashes: input(4).proof!.hashes.slice(1) } }, /shorter/],
      ['other size', { proof: { ...input(4).proof!, treeSize: 16 } }, /./],
      ['note of 9', { checkpointNote: note.note9 }, /tree of 17 entries, the signed checkpoint for 9/],
      ['other key', { checkpointNote: note.noteOtherKey }, /not signed by the key/],
      ['verifier key', { logKey: note.otherVkey }, /not signed by the key/],
      ['no key', { logKey: null }, /public key is missing/],
      ['other log', { logID: 'ten_02OTHER' }, /another log/],
      ['edited note', { checkpointNote: note.note.replace('\n17\n', '\n18\n') }, /does not verify/],
    ];
    for (const [name, over, reason] of cases) {
      const v = await verifyEntry(input(4, over));
      expect(v.state, name).toBe('failed');
      if (v.state === 'failed') expect(v.reason, name).toMatch(reason);
    }
  });

  it('without a checkpoint to read, checks the path to the proof’s root only', async () => {
    expect(await verifyEntry(input(2, { checkpointNote: null }))).toMatchObject({ state: 'verified', origin: null });
  });
});

describe('checkLatest and the seen checkpoint', () => {
  const seen9: SeenCheckpoint = { size: 9, rootHash: tree.roots[8], note: note.note9, logKey: note.vkey, seenAt: '2026-12-01T10:00:00.000Z' };
  const proof9to17 = tree.consistency.find((c) => c.from === 9 && c.to === 17)!.hashes;

  it('accepts the first checkpoint it sees', async () => {
    const consistency = vi.fn();
    expect(await checkLatest({ logID: LOG, note: note.note, logKey: note.vkey, seen: null, consistency })).toEqual({
      state: 'first', size: 17, rootHash: tree.roots[16], origin: note.origin,
    });
    expect(consistency).not.toHaveBeenCalled();
  });

  it('checks that the log extends the checkpoint seen before', async () => {
    const consistency = vi.fn(async () => proof9to17);
    expect(await checkLatest({ logID: LOG, note: note.note, logKey: note.vkey, seen: seen9, consistency })).toMatchObject({
      state: 'consistent', size: 17, seen: seen9, keyChanged: false,
    });
    expect(consistency).toHaveBeenCalledWith(9, 17);
  });

  it('fails loudly on a rewritten history, a shrunk log or a bad signature', async () => {
    const forged = { ...seen9, rootHash: tree.roots[7] };
    const v1 = await checkLatest({ logID: LOG, note: note.note, logKey: note.vkey, seen: forged, consistency: async () => proof9to17 });
    expect(v1).toMatchObject({ state: 'failed', reason: expect.stringMatching(/does not extend the one of 9/) });
    const bad = await checkLatest({ logID: LOG, note: note.note, logKey: note.vkey, seen: seen9, consistency: async () => proof9to17.map((h, i) => (i ? h : flip(h))) });
    expect(bad.state).toBe('failed');
    const bigger = { ...seen9, size: 20 };
    expect(await checkLatest({ logID: LOG, note: note.note, logKey: note.vkey, seen: bigger, consistency: async () => [] })).toMatchObject({
      state: 'failed', reason: expect.stringMatching(/shrank/),
    });
    const same = { ...seen9, size: 17, rootHash: tree.roots[15] };
    expect(await checkLatest({ logID: LOG, note: note.note, logKey: note.vkey, seen: same, consistency: async () => [] })).toMatchObject({
      state: 'failed', reason: expect.stringMatching(/rewritten/),
    });
    expect(await checkLatest({ logID: LOG, note: note.noteOtherKey, logKey: note.vkey, seen: seen9, consistency: async () => proof9to17 })).toMatchObject({
      state: 'failed', reason: expect.stringMatching(/does not verify/),
    });
    expect(await checkLatest({ logID: LOG, note: note.note, logKey: note.vkey, seen: seen9, consistency: async () => { throw new Error('NOT_FOUND'); } })).toMatchObject({
      state: 'failed', reason: expect.stringMatching(/no consistency proof/),
    });
  });

  it('notices a new key even when the history holds', async () => {
    const v = await checkLatest({ logID: LOG, note: note.note, logKey: note.vkey, seen: { ...seen9, logKey: note.otherVkey }, consistency: async () => proof9to17 });
    expect(v).toMatchObject({ state: 'consistent', keyChanged: true });
  });

  it('keeps one seen checkpoint per log and ignores junk', () => {
    expect(loadSeen(LOG)).toBeNull();
    saveSeen(LOG, seen9);
    expect(loadSeen(LOG)).toEqual(seen9);
    expect(loadSeen('ten_other')).toBeNull();
    localStorage.setItem(`trailmark.integrity.seen.${LOG}`, '{"size":"9"}');
    expect(loadSeen(LOG)).toBeNull();
    localStorage.setItem(`trailmark.integrity.seen.${LOG}`, 'not json');
    expect(loadSeen(LOG)).toBeNull();
  });
});
