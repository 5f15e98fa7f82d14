import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes';
import { checkConsistency, leafHash, ProofError, rootFromInclusionProof, rootOf, verifyInclusion } from './merkle';
import vectors from './testdata/vectors.json';

// testdata/vectors.json was written by golang.org/x/mod/sumdb/tlog (see testdata/README.md):
// leaves are 32-byte content hashes, proofs are tlog.ProveRecord / tlog.ProveTree output.
const { tree, rfc6962 } = vectors;
const hx = (hs: string[]) => hs.map(fromHex);

describe('RFC 6962 hashing', () => {
  it('gives the RFC 6962 / Certificate Transparency test roots', async () => {
    const leaves = await Promise.all(rfc6962.leaves.map((l) => leafHash(fromHex(l))));
    for (let n = 1; n <= leaves.length; n++) expect(toHex(await rootOf(leaves.slice(0, n)))).toBe(rfc6962.roots[n - 1]);
    // The 8-leaf root published with the CT reference implementation's tests.
    expect(rfc6962.roots[7]).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('agrees with tlog on the roots of trees of content hashes', async () => {
    const leaves = await Promise.all(tree.leaves.map((l) => leafHash(fromHex(l))));
    for (let n = 1; n <= leaves.length; n++) expect(toHex(await rootOf(leaves.slice(0, n)))).toBe(tree.roots[n - 1]);
  });
});

describe('inclusion proofs', () => {
  it(`verifies every tlog.ProveRecord proof (${tree.inclusion.length})`, async () => {
    for (const p of tree.inclusion) {
      const leaf = await leafHash(fromHex(tree.leaves[p.index]));
      const root = fromHex(tree.roots[p.size - 1]);
      expect(await verifyInclusion(p.index, p.size, leaf, hx(p.hashes), root), `leaf ${p.index} of ${p.size}`).toBe(true);
    }
  });

  it('rejects a proof for another leaf, index, size, root, or with a hash changed, missing or added', async () => {
    const proofs = tree.inclusion.filter((p) => p.size === 17 || (p.size === 7 && p.index === 6));
    for (const p of proofs) {
      const leaf = await leafHash(fromHex(tree.leaves[p.index]));
      const root = fromHex(tree.roots[p.size - 1]);
      const path = hx(p.hashes);
      const other = await leafHash(fromHex(tree.leaves[(p.index + 1) % p.size]));
      expect(await verifyInclusion(p.index, p.size, other, path, root)).toBe(false);
      // The raw content hash instead of the leaf hash must not verify either.
      expect(await verifyInclusion(p.index, p.size, fromHex(tree.leaves[p.index]), path, root)).toBe(false);
      if (p.size > 1) expect(await verifyInclusion((p.index + 1) % p.size, p.size, leaf, path, root)).toBe(false);
      // The size only means something with its root: that is why the signed checkpoint's size must be the proof's.
      if (p.size < 17) expect(await verifyInclusion(p.index, p.size + 1, leaf, path, fromHex(tree.roots[p.size]))).toBe(false);
      expect(await verifyInclusion(p.index, p.size, leaf, path, fromHex(tree.roots[p.size - 2] ?? tree.roots[1]))).toBe(false);
      for (let k = 0; k < path.length; k++) {
        const bad = path.map((h) => h.slice());
        bad[k][31] ^= 1;
        expect(await verifyInclusion(p.index, p.size, leaf, bad, root), `hash ${k} flipped`).toBe(false);
        expect(await verifyInclusion(p.index, p.size, leaf, path.filter((_, j) => j !== k), root)).toBe(false);
      }
      expect(await verifyInclusion(p.index, p.size, leaf, [...path, path[0] ?? leaf], root)).toBe(false);
    }
  });

  it('refuses an index outside the tree', async () => {
    const leaf = await leafHash(fromHex(tree.leaves[0]));
    await expect(rootFromInclusionProof(3, 3, leaf, [])).rejects.toBeInstanceOf(ProofError);
    await expect(rootFromInclusionProof(-1, 3, leaf, [])).rejects.toBeInstanceOf(ProofError);
    await expect(rootFromInclusionProof(0, 0, leaf, [])).rejects.toBeInstanceOf(ProofError);
  });
});

describe('consistency proofs (RFC 9162 §2.1.4.2)', () => {
  it(`verifies every tlog.ProveTree proof (${tree.consistency.length})`, async () => {
    for (const p of tree.consistency) {
      await expect(
        checkConsistency(p.from, p.to, hx(p.hashes), fromHex(tree.roots[p.from - 1]), fromHex(tree.roots[p.to - 1])),
        `${p.from} → ${p.to}`,
      ).resolves.toBeUndefined();
    }
  });

  it('rejects a rewritten history, a changed hash, a shrunk tree and swapped sizes', async () => {
    for (const p of tree.consistency.filter((c) => c.to === 17 && c.from < 17)) {
      const r1 = fromHex(tree.roots[p.from - 1]);
      const r2 = fromHex(tree.roots[p.to - 1]);
      const path = hx(p.hashes);
      const forged = r1.slice();
      forged[0] ^= 0x80;
      await expect(checkConsistency(p.from, p.to, path, forged, r2), `old root of ${p.from} forged`).rejects.toBeInstanceOf(ProofError);
      await expect(checkConsistency(p.from, p.to, path, r1, forged)).rejects.toBeInstanceOf(ProofError);
      for (let k = 0; k < path.length; k++) {
        const bad = path.map((h) => h.slice());
        bad[k][5] ^= 4;
        await expect(checkConsistency(p.from, p.to, bad, r1, r2), `${p.from}: hash ${k} changed`).rejects.toBeInstanceOf(ProofError);
      }
      await expect(checkConsistency(p.to, p.from, path, r2, r1)).rejects.toBeInstanceOf(ProofError);
      await expect(checkConsistency(p.from, p.to, [], r1, r2)).rejects.toBeInstanceOf(ProofError);
      await expect(checkConsistency(p.from, 16, path, r1, fromHex(tree.roots[15]))).rejects.toBeInstanceOf(ProofError);
    }
  });

  it('needs equal roots for equal sizes', async () => {
    const r = fromHex(tree.roots[4]);
    await expect(checkConsistency(5, 5, [], r, r)).resolves.toBeUndefined();
    await expect(checkConsistency(5, 5, [], r, fromHex(tree.roots[5]))).rejects.toThrow(/two different roots/);
  });
});
