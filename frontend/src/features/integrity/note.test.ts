import { describe, expect, it } from 'vitest';
import { toBase64, toHex } from './bytes';
import { groupFingerprint, keyFingerprint, NoteError, parseCheckpoint, parseSignedNote, parseVerifierKey, verifyCheckpoint, verifyNote } from './note';
import vectors from './testdata/vectors.json';

// Notes and keys made by golang.org/x/mod/sumdb/note (testdata/README.md).
const v = vectors.note;

describe('verifier keys', () => {
  it('reads a note verifier key', async () => {
    const k = await parseVerifierKey(v.vkey);
    expect(k.name).toBe('trailmark');
    expect(v.vkey.startsWith(`trailmark+${toHex(k.keyHash)}+`)).toBe(true);
    expect(k.publicKey).toHaveLength(32);
  });

  it('refuses keys whose hash does not match, or that are not Ed25519 keys', async () => {
    const [, name, hash, key] = /^([^+]+)\+([^+]+)\+(.+)$/.exec(v.vkey)!;
    await expect(parseVerifierKey(`${name}+00000000+${key}`)).rejects.toThrow(/hash does not match/);
    await expect(parseVerifierKey(`other+${hash}+${key}`)).rejects.toThrow(/hash does not match/);
    await expect(parseVerifierKey(`${name}+${hash}`)).rejects.toBeInstanceOf(NoteError);
    await expect(parseVerifierKey(`${name}+${hash}+${toBase64(new Uint8Array(33).fill(2))}`)).rejects.toThrow(/not an Ed25519 key/);
    await expect(parseVerifierKey(`${name}+${hash}+!!!`)).rejects.toThrow(/base64/);
  });

  it('fingerprints the key text in groups', async () => {
    const fp = await keyFingerprint(v.vkey);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyFingerprint(`${v.vkey}\n`)).toBe(fp);
    expect(await keyFingerprint(v.otherVkey)).not.toBe(fp);
    expect(groupFingerprint('0123456789abcdef0123')).toBe('0123 4567 89ab cdef 0123');
  });
});

describe('signed checkpoints', () => {
  it('verifies a checkpoint signed by tlog’s note package', async () => {
    const key = await parseVerifierKey(v.vkey);
    const cp = await verifyCheckpoint(v.note, key);
    expect(cp.origin).toBe(v.origin);
    expect(cp.size).toBe(v.size);
    expect(toHex(cp.root)).toBe(v.root);
    expect(cp.extensions).toEqual([]);
  });

  it('refuses a note signed by another key with the same name', async () => {
    const key = await parseVerifierKey(v.vkey);
    await expect(verifyNote(v.noteOtherKey, key)).rejects.toThrow(/not signed by the key/);
    // Same name and key hash but another key's signature: the signature itself must fail.
    const other = parseSignedNote(v.noteOtherKey).signatures[0];
    const mine = parseSignedNote(v.note).signatures[0];
    const spliced = v.note.replace(toBase64(new Uint8Array([...mine.keyHash, ...mine.signature])), toBase64(new Uint8Array([...mine.keyHash, ...other.signature])));
    expect(spliced).not.toBe(v.note);
    await expect(verifyNote(spliced, key)).rejects.toThrow(/does not verify/);
  });

  it('refuses a checkpoint whose size or root was changed after signing', async () => {
    const key = await parseVerifierKey(v.vkey);
    await expect(verifyNote(v.note.replace(`\n${v.size}\n`, `\n${v.size + 1}\n`), key)).rejects.toThrow(/does not verify/);
    const lines = v.note.split('\n');
    const root = lines[2];
    const flipped = (root[0] === 'A' ? 'B' : 'A') + root.slice(1);
    await expect(verifyCheckpoint(v.note.replace(root, flipped), key)).rejects.toThrow(/does not verify/);
    await expect(verifyCheckpoint(v.note.replace(v.origin, `${v.origin}x`), key)).rejects.toThrow(/does not verify/);
  });

  it('refuses malformed notes and checkpoint bodies', async () => {
    const key = await parseVerifierKey(v.vkey);
    await expect(verifyNote(v.note.trimEnd(), key)).rejects.toBeInstanceOf(NoteError);
    await expect(verifyNote(v.note.split('\n\n')[0] + '\n', key)).rejects.toThrow(/no signatures/);
    expect(() => parseCheckpoint('origin\n12\n')).toThrow(NoteError);
    expect(() => parseCheckpoint('origin\n012\nAAAA\n')).toThrow(/size/);
    expect(() => parseCheckpoint('origin\n12\nAAAA\n')).toThrow(/32 bytes/);
    expect(() => parseCheckpoint(`origin\n12\n${toBase64(new Uint8Array(32))}`)).toThrow(NoteError);
    expect(parseCheckpoint(`origin\n12\n${toBase64(new Uint8Array(32))}\next\n`).extensions).toEqual(['ext']);
  });
});
