/**
 * Autocompletion for the filter language (docs/filter-language.md), position-aware: what is
 * offered depends on the token before the caret — a field at the start of a condition, operators
 * after a field, values of that field after an operator, `and`/`or` after a value.
 * Pure functions only; the query box (components/CompletingInput) renders them.
 */

export type FieldKind = 'text' | 'enum' | 'time' | 'json';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** Enum values (GraphQL names). */
  values?: readonly string[];
  description?: string;
}

/** The fields of audit entries, as in docs/filter-language.md. */
export const AUDIT_ENTRY_FIELDS: readonly FieldSpec[] = [
  { name: 'action', kind: 'text', description: 'what happened, e.g. member.role.update' },
  { name: 'resource_type', kind: 'text', description: 'workspace, user, api_key, …' },
  { name: 'resource_id', kind: 'text' },
  { name: 'resource_name', kind: 'text' },
  { name: 'workspace', kind: 'text' },
  { name: 'actor_type', kind: 'enum', values: ['USER', 'API_KEY', 'SYSTEM', 'WEBHOOK'], description: 'who: a user, an API key, the system or a webhook' },
  { name: 'actor_id', kind: 'text' },
  { name: 'actor_name', kind: 'text', description: 'a user, key or webhook source by name' },
  { name: 'actor_email', kind: 'text' },
  { name: 'status', kind: 'enum', values: ['SUCCESS', 'FAILURE'] },
  { name: 'occurred_at', kind: 'time' },
  { name: 'received_at', kind: 'time' },
  { name: 'metadata', kind: 'json' },
  { name: 'old_value', kind: 'json' },
  { name: 'new_value', kind: 'json' },
];

export type SuggestionKind = 'field' | 'operator' | 'value' | 'keyword';

export interface Suggestion {
  kind: SuggestionKind;
  /** What the list shows. */
  label: string;
  /** What replaces the text from `from` to the caret. */
  insert: string;
  detail?: string;
}

export interface Completion {
  /** Start of the text the suggestions replace (the partial word or string at the caret). */
  from: number;
  /** The caret position the suggestions were computed for; replacement ends here. */
  to: number;
  suggestions: Suggestion[];
}

/** Known values per field, e.g. actions and resource types from the log's facets. */
export type KnownValues = Partial<Record<string, readonly string[]>>;

/** Quotes a value as the filter language wants: single quotes, a quote inside doubled. */
export function quoteValue(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

interface Token {
  type: 'word' | 'string' | 'number' | 'op' | 'punct';
  text: string;
  /** The value: lower-cased word, string content. */
  value: string;
  start: number;
  end: number;
  /** A string with no closing quote yet. */
  open?: boolean;
}

const OPS = ['->>', '->', '<=', '>=', '<>', '!=', '=', '<', '>'];

/** A forgiving lexer: never throws; an unterminated string runs to the end. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      let value = '';
      i++;
      let open = true;
      while (i < src.length) {
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          open = false;
          break;
        }
        value += src[i++];
      }
      out.push({ type: 'string', text: src.slice(start, i), value, start, end: i, open });
      continue;
    }
    if (c === '"') {
      const close = src.indexOf('"', i + 1);
      i = close < 0 ? src.length : close + 1;
      const text = src.slice(start, i);
      out.push({ type: 'word', text, value: text.replace(/^"|"$/g, ''), start, end: i });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i])) i++;
      const text = src.slice(start, i);
      out.push({ type: 'word', text, value: text.toLowerCase(), start, end: i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? '') && src[i + 1] !== '>')) {
      i++;
      while (i < src.length && /[0-9.eE+-]/.test(src[i])) i++;
      out.push({ type: 'number', text: src.slice(start, i), value: src.slice(start, i), start, end: i });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      i += op.length;
      out.push({ type: 'op', text: op, value: op, start, end: i });
      continue;
    }
    i++;
    out.push({ type: 'punct', text: c, value: c, start, end: i });
  }
  return out;
}

const COMPARISONS = ['=', '!=', '<>', '<', '<=', '>', '>='];
const CONNECTIVES = new Set(['and', 'or', 'not']);

function opsFor(kind: FieldKind): Suggestion[] {
  const op = (label: string, detail?: string, insert = label): Suggestion => ({ kind: 'operator', label, insert, detail });
  const eq = [op('=', 'equals'), op('!=', 'differs')];
  const order = [op('<'), op('<='), op('>'), op('>=')];
  const list = [op('in (…)', 'one of', 'in ('), op('not in (…)', 'none of', 'not in (')];
  const nul = [op('is null', 'has no value'), op('is not null', 'has a value')];
  switch (kind) {
    case 'text':
      return [...eq, op('like', "pattern, % any run, _ one character"), op('ilike', 'pattern, ignoring case'), op('not like'), op('not ilike'), ...list, ...order, ...nul];
    case 'enum':
      return [...eq, ...list, ...nul];
    case 'time':
      return [op('>=', 'from'), op('<', 'before'), op('>'), op('<='), op('='), ...nul];
    case 'json':
      return [op("->>'key'", 'a value, as text', "->>'"), op("->'key'", 'step into an object', "->'"), ...nul];
  }
}

function today(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}`;
}

function valuesFor(field: FieldSpec, known: KnownValues, now: Date): Suggestion[] {
  if (field.kind === 'enum') return (field.values ?? []).map((v) => ({ kind: 'value', label: quoteValue(v.toLowerCase()), insert: quoteValue(v.toLowerCase()) }));
  if (field.kind === 'time') {
    return [
      ...["1 hour", '1 day', '7 days', '30 days'].map((d): Suggestion => ({ kind: 'value', label: `now() - interval '${d}'`, insert: `now() - interval '${d}'` })),
      { kind: 'value', label: quoteValue(today(now)), insert: quoteValue(today(now)), detail: 'a date (midnight UTC)' },
    ];
  }
  return (known[field.name] ?? []).map((v) => ({ kind: 'value', label: quoteValue(v), insert: quoteValue(v) }));
}

function keyword(label: string, detail?: string): Suggestion {
  return { kind: 'keyword', label, insert: label, detail };
}

const MAX = 50;

/**
 * The suggestions for `src` with the caret at `caret` (0-based). Known values come from the
 * caller (facets of the log); enum values and time shapes come from the field list.
 */
export function complete(src: string, caret: number, fields: readonly FieldSpec[] = AUDIT_ENTRY_FIELDS, known: KnownValues = {}, now = new Date()): Completion {
  const before = src.slice(0, caret);
  const tokens = tokenize(before);
  let last = tokens[tokens.length - 1];
  // The partial token at the caret: a word being typed or a string still open.
  let partial: Token | undefined;
  if (last && last.end === caret && (last.type === 'word' || (last.type === 'string' && last.open))) {
    partial = last;
    tokens.pop();
    last = tokens[tokens.length - 1];
  }
  const from = partial ? partial.start : caret;
  const prefix = partial ? (partial.type === 'string' ? partial.text : partial.value) : '';
  const field = (t: Token | undefined) => (t && t.type === 'word' ? fields.find((f) => f.name === t.value) : undefined);
  const result = (suggestions: Suggestion[]): Completion => {
    const p = prefix.toLowerCase();
    const matching = suggestions.filter((s) => s.insert.toLowerCase().startsWith(p) || s.label.toLowerCase().startsWith(p) || (p.length > 1 && s.label.toLowerCase().includes(p.replace(/^'/, ''))));
    // An exact match alone is no suggestion: the word is complete.
    const useful = matching.length === 1 && matching[0].insert.toLowerCase() === p && partial?.type !== 'string' ? [] : matching;
    return { from, to: caret, suggestions: useful.slice(0, MAX) };
  };
  const fieldSuggestions = () =>
    fields.map((f): Suggestion => ({ kind: 'field', label: f.name, insert: f.name, detail: f.description ?? f.kind }));
  const conditionStart = () => result([...fieldSuggestions(), keyword('not', 'negates the next condition'), keyword('(', 'group conditions')]);

  // Start of a condition: nothing yet, or after ( and or not.
  if (!last || (last.type === 'punct' && last.value === '(' && !inListAfter(tokens)) || (last.type === 'word' && CONNECTIVES.has(last.value) && !field(tokens[tokens.length - 2]) && tokens[tokens.length - 2]?.value !== 'is')) {
    return partial?.type === 'string' ? result([]) : conditionStart();
  }
  // Walk back to the field of the current condition.
  const i = tokens.length - 1;
  // field ␣ → operators
  if (field(last)) return result(opsFor(field(last)!.kind));
  // field not ␣ → like, ilike, in
  if (last.type === 'word' && last.value === 'not' && field(tokens[i - 1])) {
    const k = field(tokens[i - 1])!.kind;
    return result(k === 'enum' ? [keyword('in (')] : [keyword('like'), keyword('ilike'), keyword('in (')]);
  }
  // field is ␣ / field is not ␣
  if (last.type === 'word' && last.value === 'is') return result([keyword('null'), keyword('not null')]);
  if (last.type === 'word' && last.value === 'not' && tokens[i - 1]?.value === 'is') return result([keyword('null')]);
  // field op ␣ → values of the field
  const f = fieldOfOperator(tokens, fields);
  if (f) return result(valuesFor(f, known, now));
  // in ( 'a', ␣ → more values of the field
  const inField = fieldOfList(tokens, fields);
  if (inField && ((last.type === 'punct' && (last.value === '(' || last.value === ',')) || last.type === 'string')) {
    if (last.type === 'string' && !partial) return result([keyword(',', 'another value'), keyword(')', 'end of the list')]);
    return result(valuesFor(inField, known, now));
  }
  // After a complete condition: combine.
  if (last.type === 'string' || last.type === 'number' || (last.type === 'punct' && last.value === ')') || (last.type === 'word' && last.value === 'null')) {
    return partial?.type === 'string' ? result([]) : result([keyword('and'), keyword('or')]);
  }
  return result([]);
}

/** The field compared by an operator right before the caret (`action =`, `action not like`). */
function fieldOfOperator(tokens: Token[], fields: readonly FieldSpec[]): FieldSpec | undefined {
  const last = tokens[tokens.length - 1];
  if (!last) return undefined;
  const isOp = (last.type === 'op' && COMPARISONS.includes(last.value)) || (last.type === 'word' && (last.value === 'like' || last.value === 'ilike'));
  if (!isOp) return undefined;
  let j = tokens.length - 2;
  if (tokens[j]?.value === 'not') j--;
  // A JSON path (metadata->>'k' =) compares text: offer nothing known.
  const t = tokens[j];
  return t && t.type === 'word' ? fields.find((f) => f.name === t.value) : undefined;
}

/** The field of an open `in (` list the caret is in, if any. */
function fieldOfList(tokens: Token[], fields: readonly FieldSpec[]): FieldSpec | undefined {
  for (let j = tokens.length - 1; j >= 0; j--) {
    const t = tokens[j];
    if (t.type === 'punct' && t.value === ')') return undefined;
    if (t.type === 'punct' && t.value === '(') {
      if (tokens[j - 1]?.value !== 'in') return undefined;
      let k = j - 2;
      if (tokens[k]?.value === 'not') k--;
      const f = tokens[k];
      return f && f.type === 'word' ? fields.find((x) => x.name === f.value) : undefined;
    }
    if (t.type !== 'string' && t.type !== 'number' && !(t.type === 'punct' && t.value === ',')) return undefined;
  }
  return undefined;
}

function inListAfter(tokens: Token[]): boolean {
  return tokens.length >= 2 && tokens[tokens.length - 2].value === 'in';
}

/** Applies a suggestion: the new text and caret. Fields, operators and values get a space after. */
export function applySuggestion(src: string, c: Completion, s: Suggestion): { text: string; caret: number } {
  const open = s.insert.endsWith('(') || /->>?'$/.test(s.insert);
  const insert = open ? s.insert : `${s.insert} `;
  const rest = src.slice(c.to).replace(/^ +/, open ? '' : ' ').replace(/^ /, '');
  const text = src.slice(0, c.from) + insert + rest;
  return { text, caret: c.from + insert.length };
}

/**
 * Plain words typed into the query box ("deploy", "grace hopper"): text that is not a filter
 * because it starts with no known field and has no operator or quote. Returns the words to
 * search for, or null when the text looks like a filter (or is blank).
 */
export function plainWords(src: string, fields: readonly FieldSpec[] = AUDIT_ENTRY_FIELDS): string | null {
  const text = src.trim();
  if (!text || /[=<>'"()!,]/.test(text) || text.includes('->')) return null;
  const first = text.split(/\s+/)[0].toLowerCase();
  if (first === 'not' || fields.some((f) => f.name === first)) return null;
  return text;
}
