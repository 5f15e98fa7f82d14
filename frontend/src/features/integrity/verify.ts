/**
 * The browser's checks of Trailmark's tamper evidence (docs/integrity.md,
 * docs/dashboard.md "Integrity"): an entry's inclusion in the signed log,
 * and a new checkpoint's consistency with one seen before. Each step is the
 * standard one (RFC 6962 hashing, RFC 9162 proof verification, C2SP signed
 * checkpoints), so the server is trusted for nothing but the data.
 */
import { equalBytes, fromHex, requireWebCrypto, toHex } from './bytes';
import { checkConsistency, leafHash, ProofError, rootFromInclusionProof } from './merkle';
import { NoteError, parseVerifierKey, verifyCheckpoint, type CheckpointBody } from './note';

export interface InclusionProofData {
  leafIndex: number;
  treeSize: number;
  rootHash: string;
  hashes: string[];
  /**
   * The leaf is one the log started with (recorded before tamper evidence):
   * only then is the legacy form of the content hash acceptable.
   */
  legacyHash?: boolean;
  /** The signed checkpoint of treeSize, sent with the proof (null: none at that size). */
  checkpointNote?: string | null;
}

export interface EntryProofInput {
  /** The log the entry belongs to: its tenant's ID, or "platform". */
  logID: string;
  seq: number | null;
  /** The entry's recorded content hash (hex). */
  hash: string;
  /**
   * The content hash recomputed from the entry's fields, in the current
   * form and the form of entries recorded before tamper evidence; null when
   * the viewer cannot read every field that the hash covers.
   */
  recomputed: { current: string; legacy: string } | null;
  proof: InclusionProofData | null;
  /** The signed checkpoint of size proof.treeSize; null when the viewer may not read checkpoints. */
  checkpointNote: string | null;
  logKey: string | null;
}

export type EntryVerdict =
  | { state: 'unsequenced' }
  | {
      state: 'verified';
      treeSize: number;
      rootHash: string;
      /** The checkpoint's origin when its signature was checked; null when only the proof's root was. */
      origin: string | null;
      /** How the content hash was checked: recomputed from the fields (current or legacy form), or taken as recorded. */
      content: 'recomputed' | 'recomputed-legacy' | 'recorded';
    }
  | { state: 'failed'; reason: string };

/** The checkpoint origin of a log ends with "/<log id>" (docs/integrity.md). */
export function originMatches(origin: string, logID: string): boolean {
  return origin.endsWith(`/${logID}`) && origin.length > logID.length + 1;
}

async function checkedCheckpoint(note: string, logKey: string, logID: string): Promise<CheckpointBody> {
  const key = await parseVerifierKey(logKey);
  const cp = await verifyCheckpoint(note, key);
  if (!originMatches(cp.origin, logID)) throw new NoteError(`the checkpoint is of another log (${cp.origin})`);
  return cp;
}

/**
 * Verifies one entry: its fields against its hash (when recomputable), its
 * leaf up the audit path to the root, and that root against the signed
 * checkpoint. Never throws: anything that does not hold is a failed verdict
 * with the reason.
 */
export async function verifyEntry(input: EntryProofInput): Promise<EntryVerdict> {
  const { logID, seq, hash, recomputed, proof, checkpointNote, logKey } = input;
  if (seq == null) return { state: 'unsequenced' };
  try {
    if (!proof) return { state: 'failed', reason: 'The server gave no inclusion proof for an entry it says is in the log.' };
    let content: 'recomputed' | 'recomputed-legacy' | 'recorded' = 'recorded';
    if (recomputed) {
      if (recomputed.current === hash) content = 'recomputed';
      // The legacy form (without id and receivedAt) only for the leaves the
      // log started with: for any later entry it would let an edit of its
      // id or receivedAt pass.
      else if (recomputed.legacy === hash && proof.legacyHash !== false) content = 'recomputed-legacy';
      else return { state: 'failed', reason: 'The entry’s fields do not hash to its recorded content hash: its content was changed after it was recorded.' };
    }
    if (proof.leafIndex !== seq) return { state: 'failed', reason: `The proof is for leaf ${proof.leafIndex}, but the entry is number ${seq} in the log.` };
    const root = await rootFromInclusionProof(proof.leafIndex, proof.treeSize, await leafHash(fromHex(hash)), proof.hashes.map(fromHex));
    if (!equalBytes(root, fromHex(proof.rootHash)))
      return { state: 'failed', reason: `The entry’s hash does not lead up its audit path to the root of the tree of ${proof.treeSize} entries.` };
    if (checkpointNote == null) return { state: 'verified', treeSize: proof.treeSize, rootHash: toHex(root), origin: null, content };
    if (!logKey) return { state: 'failed', reason: 'The log’s public key is missing, so the checkpoint’s signature cannot be checked.' };
    const cp = await checkedCheckpoint(checkpointNote, logKey, logID);
    if (cp.size !== proof.treeSize) return { state: 'failed', reason: `The proof is for a tree of ${proof.treeSize} entries, the signed checkpoint for ${cp.size}.` };
    if (!equalBytes(cp.root, root)) return { state: 'failed', reason: `The proof leads to a root that the signed checkpoint of size ${cp.size} does not have.` };
    return { state: 'verified', treeSize: cp.size, rootHash: toHex(root), origin: cp.origin, content };
  } catch (e) {
    if (e instanceof ProofError || e instanceof NoteError) return { state: 'failed', reason: sentence(e.message) };
    return { state: 'failed', reason: `The proof could not be checked: ${e instanceof Error ? e.message : String(e)}.` };
  }
}

function sentence(s: string): string {
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** A checkpoint this browser saw and verified, kept per log (localStorage). */
export interface SeenCheckpoint {
  size: number;
  rootHash: string;
  note: string;
  /** The verifier key it was signed with. */
  logKey: string;
  /** When this browser saw it (ISO time). */
  seenAt: string;
}

const seenKey = (logID: string) => `trailmark.integrity.seen.${logID}`;

export function loadSeen(logID: string, storage: Storage = localStorage): SeenCheckpoint | null {
  try {
    const v = JSON.parse(storage.getItem(seenKey(logID)) ?? 'null') as Partial<SeenCheckpoint> | null;
    if (!v || !Number.isSafeInteger(v.size) || typeof v.rootHash !== 'string' || !/^[0-9a-f]{64}$/.test(v.rootHash)) return null;
    if (typeof v.note !== 'string' || typeof v.logKey !== 'string' || typeof v.seenAt !== 'string') return null;
    return v as SeenCheckpoint;
  } catch {
    return null;
  }
}

export function saveSeen(logID: string, seen: SeenCheckpoint, storage: Storage = localStorage): void {
  try {
    storage.setItem(seenKey(logID), JSON.stringify(seen));
  } catch {
    // A full or disabled storage only costs the next visit its comparison.
  }
}

export type LatestVerdict =
  | { state: 'first'; size: number; rootHash: string; origin: string }
  | { state: 'same'; size: number; rootHash: string; origin: string; seen: SeenCheckpoint; keyChanged: boolean }
  | { state: 'consistent'; size: number; rootHash: string; origin: string; seen: SeenCheckpoint; keyChanged: boolean }
  | { state: 'failed'; reason: string; seen: SeenCheckpoint | null };

export interface LatestInput {
  logID: string;
  note: string;
  logKey: string;
  seen: SeenCheckpoint | null;
  /** Fetches the consistency proof from the seen size to the latest one (hex hashes); only called when needed. */
  consistency(fromSize: number, toSize: number): Promise<string[]>;
}

/**
 * Verifies the latest signed checkpoint and, when this browser saw one
 * before, that the log grew from it by appending only (an RFC 9162
 * consistency proof). A log that shrank, or whose history changed, fails
 * loudly; so does a new key that signs a history not extending the old.
 */
export async function checkLatest({ logID, note, logKey, seen, consistency }: LatestInput): Promise<LatestVerdict> {
  let cp: CheckpointBody;
  try {
    requireWebCrypto();
    cp = await checkedCheckpoint(note, logKey, logID);
  } catch (e) {
    return { state: 'failed', reason: `The latest checkpoint does not verify: ${e instanceof Error ? e.message : String(e)}.`, seen };
  }
  const rootHash = toHex(cp.root);
  if (!seen) return { state: 'first', size: cp.size, rootHash, origin: cp.origin };
  if (cp.size < seen.size)
    return { state: 'failed', reason: `The log shrank: it had ${seen.size} entries when you last looked, the server now signs ${cp.size}.`, seen };
  if (cp.size === seen.size) {
    if (rootHash !== seen.rootHash) return { state: 'failed', reason: `The log of ${cp.size} entries has another root than when you last looked: its history was rewritten.`, seen };
    return { state: 'same', size: cp.size, rootHash, origin: cp.origin, seen, keyChanged: seen.logKey.trim() !== logKey.trim() };
  }
  let hashes: string[];
  try {
    hashes = await consistency(seen.size, cp.size);
  } catch (e) {
    return { state: 'failed', reason: `The server gave no consistency proof from ${seen.size} to ${cp.size} entries: ${e instanceof Error ? e.message : String(e)}.`, seen };
  }
  try {
    await checkConsistency(seen.size, cp.size, hashes.map(fromHex), fromHex(seen.rootHash), cp.root);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { state: 'failed', reason: `The log of ${cp.size} entries does not extend the one of ${seen.size} you saw: its history was rewritten (${why}).`, seen };
  }
  return { state: 'consistent', size: cp.size, rootHash, origin: cp.origin, seen, keyChanged: seen.logKey.trim() !== logKey.trim() };
}
