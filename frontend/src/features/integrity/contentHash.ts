/**
 * An entry's content hash recomputed from its fields (docs/api.md "The
 * content hash"): SHA-256 of one canonical JSON object. JSON values must be
 * read with their numbers exactly as written (`1.50` stays `1.50`), which
 * JSON.parse cannot do, so responses are read with parseJSONVerbatim.
 */
import { sha256, toHex, utf8 } from './bytes';

/** A JSON number kept as written. */
export class JSONNumber {
  constructor(readonly text: string) {}
}

export type JSONValue = null | boolean | string | JSONNumber | JSONValue[] | Map<string, JSONValue>;

/**
 * Parses JSON text keeping numbers as written and objects as Maps (so a key
 * like "__proto__" is data). A repeated key keeps its last value, as Go's
 * encoding/json does when it decodes into a map.
 */
export function parseJSONVerbatim(text: string): JSONValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`JSON: ${what} at offset ${i}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      }
      if (c === '\\') i += 2;
      else if (c < ' ') fail('control character in string');
      else i++;
    }
    return fail('unterminated string');
  };
  const value = (): JSONValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map<string, JSONValue>();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = str();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        m.delete(k);
        m.set(k, value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return m;
        } else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const a: JSONValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return a;
        } else fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)/.exec(text.slice(i, i + 4096));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    return new JSONNumber(m[0]);
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return v;
}

/** A JSON string as Go's encoding/json writes it (HTML-safe escaping). */
export function encodeString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (cp < 0x20 || ch === '<' || ch === '>' || ch === '&' || cp === 0x2028 || cp === 0x2029)
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd'; // a lone surrogate: Go decodes it as U+FFFD
    else out += ch;
  }
  return `${out}"`;
}

/** Compares strings by code point, which is the byte order of their UTF-8 (Go's sort.Strings). */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The canonical form of a JSON value: keys sorted, no whitespace, numbers as written. */
export function canonical(v: JSONValue | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v instanceof JSONNumber) return v.text;
  if (typeof v === 'string') return encodeString(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = [...v.keys()].sort(byCodePoint);
  return `{${keys.map((k) => `${encodeString(k)}:${canonical(v.get(k))}`).join(',')}}`;
}

/** UTC with exactly six fractional digits, from an RFC 3339 time as the API writes it. */
export function hashTime(t: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(t);
  if (!m) throw new Error(`not an RFC 3339 time: ${t}`);
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  const base = new Date(ms).toISOString().slice(0, 19); // whole seconds, UTC
  return `${base}.${frac.padEnd(6, '0').slice(0, 6)}Z`;
}

const requestMembers = ['httpStatus', 'method', 'operationName', 'path', 'payload', 'sourceIP', 'userAgent'];

function field(o: JSONValue | undefined, k: string): JSONValue | undefined {
  return o instanceof Map ? o.get(k) : undefined;
}

function str(o: JSONValue | undefined, k: string): JSONValue {
  const v = field(o, k);
  if (v === undefined) throw new Error(`the entry has no ${k}`);
  return v;
}

/**
 * The canonical form an entry's content hash is taken over, from the entry
 * as the API answers it (parsed with parseJSONVerbatim), selecting `id`,
 * `tenant { id }`, `occurredAt`, `receivedAt`, `action`, `resourceType`,
 * `resourceID`, `resourceName`, `workspace`, `actor { type id name email }`,
 * `status`, `oldValue`, `newValue`, `metadata`, `request { … }` and
 * `idempotencyKey`. `legacy` is the form of entries recorded before tamper
 * evidence (without `id` and `receivedAt`).
 */
export function canonicalEntry(e: JSONValue, legacy = false): string {
  const actor = str(e, 'actor');
  const tenant = str(e, 'tenant');
  const request = str(e, 'request');
  let req: JSONValue = null;
  if (request instanceof Map) {
    req = new Map(requestMembers.filter((k) => field(request, k) != null).map((k) => [k, field(request, k)!]));
  }
  const occurred = str(e, 'occurredAt');
  const received = str(e, 'receivedAt');
  if (typeof occurred !== 'string' || typeof received !== 'string') throw new Error('the entry has no times');
  const members: [string, string][] = [
    ...(legacy ? [] : ([['id', canonical(str(e, 'id'))]] as [string, string][])),
    ['tenantID', canonical(tenant === null ? null : str(tenant, 'id'))],
    ['occurredAt', encodeString(hashTime(occurred))],
    ...(legacy ? [] : ([['receivedAt', encodeString(hashTime(received))]] as [string, string][])),
    ['action', canonical(str(e, 'action'))],
    ['resourceType', canonical(str(e, 'resourceType'))],
    ['resourceID', canonical(str(e, 'resourceID'))],
    ['resourceName', canonical(str(e, 'resourceName'))],
    ['workspace', canonical(str(e, 'workspace'))],
    ['actorType', canonical(str(actor, 'type'))],
    ['actorID', canonical(str(actor, 'id'))],
    ['actorName', canonical(str(actor, 'name'))],
    ['actorEmail', canonical(str(actor, 'email'))],
    ['status', canonical(str(e, 'status'))],
    ['oldValue', canonical(str(e, 'oldValue'))],
    ['newValue', canonical(str(e, 'newValue'))],
    ['metadata', canonical(str(e, 'metadata'))],
    ['request', canonical(req)],
    ['idempotencyKey', canonical(str(e, 'idempotencyKey'))],
  ];
  return `{${members.map(([k, v]) => `${encodeString(k)}:${v}`).join(',')}}`;
}

/** The entry's content hash (hex), recomputed; `legacy` for the form before tamper evidence. */
export async function entryContentHash(e: JSONValue, legacy = false): Promise<string> {
  return toHex(await sha256(utf8(canonicalEntry(e, legacy))));
}
