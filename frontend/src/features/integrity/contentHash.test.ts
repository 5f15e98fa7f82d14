import { describe, expect, it } from 'vitest';
import { canonical, encodeString, entryContentHash, hashTime, JSONNumber, parseJSONVerbatim } from './contentHash';
import vectors from './testdata/vectors.json';

describe('parseJSONVerbatim and canonical', () => {
  it('keeps numbers as written, sorts keys by code point and drops whitespace', () => {
    const v = parseJSONVerbatim('{ "z": 1.50, "a": [1e3, -0.0, 12345678901234567890123], "\uffff": 1, "😀": 2, "é": true, "b": {"y": null} }');
    expect(canonical(v)).toBe('{"a":[1e3,-0.0,12345678901234567890123],"b":{"y":null},"z":1.50,"é":true,"\uffff":1,"😀":2}');
  });

  it('treats __proto__ as data and keeps the last of repeated keys', () => {
    const v = parseJSONVerbatim('{"__proto__":{"x":1},"k":1,"k":2}');
    expect(canonical(v)).toBe('{"__proto__":{"x":1},"k":2}');
  });

  it('refuses what is not JSON', () => {
    for (const bad of ['{', '[1,]', '01', '"a\u0001"', '{"a" 1}', '1 2', 'nul']) expect(() => parseJSONVerbatim(bad), bad).toThrow(SyntaxError);
    expect(parseJSONVerbatim('"\\ud83d\\ude00 \\u003c"')).toBe('😀 <');
    expect(parseJSONVerbatim(' 5 ')).toEqual(new JSONNumber('5'));
  });

  it('escapes strings as Go’s encoding/json does', () => {
    expect(encodeString('a"b\\c\n\r\t\b\f\u0001\u001f<>&\u2028\u2029\u007f é😀')).toBe(
      '"a\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\\u003c\\u003e\\u0026\\u2028\\u2029\u007f é😀"',
    );
    expect(encodeString('\ud800x')).toBe('"\ufffdx"');
  });

  it('writes times in UTC with six fractional digits', () => {
    expect(hashTime('2026-03-02T09:14:07.512Z')).toBe('2026-03-02T09:14:07.512000Z');
    expect(hashTime('2026-03-02T09:14:07Z')).toBe('2026-03-02T09:14:07.000000Z');
    expect(hashTime('2026-03-02T00:14:07.123456+01:30')).toBe('2026-03-01T22:44:07.123456Z');
    expect(() => hashTime('yesterday')).toThrow();
  });
});

describe('entry content hash', () => {
  // Each vector is an entry as the API returns it and the hashes the server's
  // audit.Hash / audit.HashV1 computed for it (testdata/README.md).
  it.each(vectors.entries.map((e, i) => [i, e] as const))('recomputes the server’s hash of entry %i', async (_, e) => {
    const entry = parseJSONVerbatim(e.api);
    expect(await entryContentHash(entry)).toBe(e.hash);
    expect(await entryContentHash(entry, true)).toBe(e.hashV1);
  });

  it('changes when any field changes', async () => {
    const e = vectors.entries[1];
    const base = e.api;
    for (const [from, to] of [
      ['"action":"invoice.update"', '"action":"invoice.updatE"'],
      ['"id":"aud_01JTEST0000000000000000002"', '"id":"aud_01JTEST0000000000000000009"'],
      ['"receivedAt":"2026-03-02T09:14:08.123457Z"', '"receivedAt":"2026-03-02T09:14:08.123458Z"'],
      ['"z":1.50', '"z":1.5'],
      ['"httpStatus":500', '"httpStatus":501'],
      ['"workspace":"prod-eu"', '"workspace":null'],
      ['"tenant":{"id":"ten_01TEST"}', '"tenant":{"id":"ten_01TESU"}'],
    ]) {
      const changed = base.replace(from, to);
      expect(changed, from).not.toBe(base);
      expect(await entryContentHash(parseJSONVerbatim(changed)), from).not.toBe(e.hash);
    }
  });
});
