/**
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys, and
 * C2SP checkpoints (https://c2sp.org/tlog-checkpoint): what
 * golang.org/x/mod/sumdb/note writes and Trailmark signs its checkpoints with.
 * Signatures are checked with WebCrypto's Ed25519.
 */
import { concat, equalBytes, fromBase64, sha256, toHex, utf8 } from './bytes';

const algEd25519 = 1;

/** A note verifier key: "name+hash+base64(0x01 ‖ public key)". */
export interface VerifierKey {
  name: string;
  /** The 4-byte key hash: the first bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). */
  keyHash: Uint8Array;
  publicKey: Uint8Array;
}

export class NoteError extends Error {}

function validName(name: string): boolean {
  return name !== '' && !/[\s+]/u.test(name);
}

/** Parses and checks a verifier key (its embedded hash must match its name and key). */
export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  // The base64 key may itself contain '+': split at the first two only, as note.NewVerifier does.
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey.trim());
  if (!m) throw new NoteError('the verifier key is not "name+hash+key"');
  const [, name, hashHex, keyB64] = m;
  if (!validName(name)) throw new NoteError('the verifier key has an invalid name');
  if (!/^[0-9a-f]{8}$/.test(hashHex)) throw new NoteError('the verifier key hash is not 8 hex digits');
  let key: Uint8Array;
  try {
    key = fromBase64(keyB64);
  } catch {
    throw new NoteError('the verifier key is not base64');
  }
  if (key.length !== 33 || key[0] !== algEd25519) throw new NoteError('the verifier key is not an Ed25519 key');
  const keyHash = (await sha256(concat(utf8(`${name}\n`), key))).slice(0, 4);
  if (toHex(keyHash) !== hashHex) throw new NoteError('the verifier key hash does not match its name and key');
  return { name, keyHash, publicKey: key.slice(1) };
}

/** SHA-256 of the verifier key text as served, for people to compare keys by eye. */
export async function keyFingerprint(vkey: string): Promise<string> {
  return toHex(await sha256(utf8(vkey.trim())));
}

/** The fingerprint in groups of four hex digits, the way people read them out. */
export function groupFingerprint(hex: string, size = 4): string {
  return (hex.match(new RegExp(`.{1,${size}}`, 'g')) ?? []).join(' ');
}

export interface NoteSignature {
  name: string;
  keyHash: Uint8Array;
  signature: Uint8Array;
}

export interface SignedNote {
  /** The signed text, ending with a newline. */
  text: string;
  signatures: NoteSignature[];
}

/** Splits a signed note into its text and its signature lines (it does not verify them). */
export function parseSignedNote(msg: string): SignedNote {
  if (!msg.endsWith('\n')) throw new NoteError('the note does not end with a newline');
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('the note has no signatures');
  const text = msg.slice(0, split + 1);
  const sigLines = msg.slice(split + 2, -1).split('\n');
  const signatures = sigLines.map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!m) throw new NoteError(`malformed signature line: ${JSON.stringify(line.slice(0, 80))}`);
    let raw: Uint8Array;
    try {
      raw = fromBase64(m[2]);
    } catch {
      throw new NoteError('a signature is not base64');
    }
    if (raw.length < 5) throw new NoteError('a signature is too short');
    return { name: m[1], keyHash: raw.slice(0, 4), signature: raw.slice(4) };
  });
  return { text, signatures };
}

/**
 * Verifies a signed note with one key: the note must carry a signature by
 * that key (name and key hash) that verifies over its text. Returns the text.
 */
export async function verifyNote(msg: string, key: VerifierKey): Promise<string> {
  const note = parseSignedNote(msg);
  const sig = note.signatures.find((s) => s.name === key.name && equalBytes(s.keyHash, key.keyHash));
  if (!sig) throw new NoteError(`the note is not signed by the key ${key.name}+${toHex(key.keyHash)}`);
  if (sig.signature.length !== 64) throw new NoteError('the Ed25519 signature is not 64 bytes');
  const pub = await crypto.subtle.importKey('raw', key.publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']);
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, pub, sig.signature as Uint8Array<ArrayBuffer>, utf8(note.text) as Uint8Array<ArrayBuffer>);
  if (!ok) throw new NoteError('the signature does not verify: the note was altered or signed by another key');
  return note.text;
}

/** A checkpoint body: origin line, tree size, base64 root hash (and any extension lines). */
export interface CheckpointBody {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

export function parseCheckpoint(text: string): CheckpointBody {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new NoteError('the checkpoint does not have origin, size and root lines');
  const [origin, sizeText, rootText, ...rest] = lines;
  if (origin === '') throw new NoteError('the checkpoint has an empty origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw new NoteError(`the checkpoint size is not a number: ${JSON.stringify(sizeText)}`);
  let root: Uint8Array;
  try {
    root = fromBase64(rootText);
  } catch {
    throw new NoteError('the checkpoint root is not base64');
  }
  if (root.length !== 32) throw new NoteError('the checkpoint root is not 32 bytes');
  return { origin, size: Number(sizeText), root, extensions: rest.slice(0, -1) };
}

/** Verifies a signed checkpoint with the key and returns its body. */
export async function verifyCheckpoint(note: string, key: VerifierKey): Promise<CheckpointBody> {
  return parseCheckpoint(await verifyNote(note, key));
}
