/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proof verification with
 * WebCrypto SHA-256: the checks a Certificate Transparency client makes,
 * done in the browser against Trailmark's per-tenant logs (docs/integrity.md).
 * Proof hashes are in RFC order (as golang.org/x/mod/sumdb/tlog's
 * ProveRecord / ProveTree return them): nearest the leaf first.
 */
import { concat, equalBytes, sha256 } from './bytes';

/** The leaf hash of leaf data: SHA-256(0x00 ‖ data). Trailmark's leaf data is the 32 raw bytes of the entry's content hash. */
export function leafHash(data: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(Uint8Array.of(0), data));
}

/** The hash of an interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/** Why a proof did not verify; thrown by the verifiers. */
export class ProofError extends Error {}

function checkSize(name: string, n: number) {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofError(`${name} is not a valid tree size: ${n}`);
}

/**
 * The root that an inclusion proof leads to (RFC 9162 §2.1.3.2): folds the
 * audit path of leaf `index` in a tree of `size` leaves. Throws ProofError
 * when the path has the wrong length for that position.
 */
export async function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[]): Promise<Uint8Array> {
  checkSize('tree size', size);
  checkSize('leaf index', index);
  if (index >= size) throw new ProofError(`leaf index ${index} is outside a tree of ${size} leaves`);
  // Numbers stay below 2^53; the bit operations are done arithmetically.
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new ProofError('the inclusion proof is longer than the tree is deep');
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        // Right edge of an incomplete level: climb until fn is a right child.
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError('the inclusion proof is shorter than the tree is deep');
  return r;
}

/** Whether `leaf` is leaf `index` of the tree of `size` leaves whose root is `root`. */
export async function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array): Promise<boolean> {
  try {
    return equalBytes(await rootFromInclusionProof(index, size, leaf, proof), root);
  } catch (e) {
    if (e instanceof ProofError) return false;
    throw e;
  }
}

/**
 * Verifies that the tree of size2 leaves (root2) extends the tree of size1
 * leaves (root1), by RFC 9162 §2.1.4.2. Throws ProofError with the reason
 * when it does not; returns normally when it does.
 */
export async function checkConsistency(size1: number, size2: number, proof: Uint8Array[], root1: Uint8Array, root2: Uint8Array): Promise<void> {
  checkSize('first tree size', size1);
  checkSize('second tree size', size2);
  if (size1 > size2) throw new ProofError(`the tree shrank from ${size1} to ${size2} leaves`);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofError('a proof between equal sizes must be empty');
    if (!equalBytes(root1, root2)) throw new ProofError(`two different roots for the same size ${size1}`);
    return;
  }
  if (size1 === 0) {
    if (proof.length !== 0) throw new ProofError('a proof from the empty tree must be empty');
    return;
  }
  if (proof.length === 0) throw new ProofError('the consistency proof is empty');
  let path = proof;
  // When size1 is a power of two the old root is itself a node of the proof.
  if (isPowerOfTwo(size1)) path = [root1, ...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('the consistency proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError('the consistency proof is too short');
  if (!equalBytes(fr, root1)) throw new ProofError(`the proof does not lead to the root of the tree of ${size1} leaves`);
  if (!equalBytes(sr, root2)) throw new ProofError(`the proof does not lead to the root of the tree of ${size2} leaves`);
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}

/** The root of a whole list of leaf hashes (RFC 6962 MTH); for tests and small trees. */
export async function rootOf(leaves: Uint8Array[]): Promise<Uint8Array> {
  if (leaves.length === 0) return sha256(new Uint8Array());
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(await rootOf(leaves.slice(0, k)), await rootOf(leaves.slice(k)));
}
