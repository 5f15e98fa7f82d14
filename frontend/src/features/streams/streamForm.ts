// The form of a log stream, per kind, and the input the server takes
// (docs/api.md "Log streams", docs/streams.md). What the form can tell before
// asking (a missing name, an endpoint of the wrong scheme, a batch size out of
// range) is said at the field; everything else is the server's answer, shown at
// the field it names (`input.endpoint`, `input.filter`, …).
//
// Secrets are write-only: a stored stream comes back with `hasToken` and its
// header names, never their values. Editing keeps them unless the form says
// otherwise: an empty token field keeps the token, and the headers are sent
// (replacing all of them) only once the user chose to replace them.

export type StreamKind = 'WEBHOOK' | 'SPLUNK_HEC' | 'DATADOG' | 'BUCKET';
export type StreamFormat = 'JSONL' | 'JSON_ARRAY';

export interface KindInfo {
  value: StreamKind;
  label: string;
  /** What a stream of this kind does, in one sentence. */
  help: string;
  endpointLabel: string;
  endpointPlaceholder: string;
  endpointDescription: string;
  tokenLabel: string;
  tokenDescription: string;
  tokenRequired: boolean;
  /** The JSON array format applies (webhooks only). */
  webhook: boolean;
  /** Custom headers apply (the HTTP destinations). */
  headers: boolean;
}

export const STREAM_KINDS: KindInfo[] = [
  {
    value: 'WEBHOOK',
    label: 'Webhook',
    help: 'POSTs batches of entries to your URL, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) with a secret shown once.',
    endpointLabel: 'URL',
    endpointPlaceholder: 'https://siem.example.com/trailmark',
    endpointDescription: 'The HTTPS address that receives the POSTs',
    tokenLabel: 'Bearer token',
    tokenDescription: 'Optional: sent as “Authorization: Bearer <token>”. Write-only.',
    tokenRequired: false,
    webhook: true,
    headers: true,
  },
  {
    value: 'SPLUNK_HEC',
    label: 'Splunk HEC',
    help: 'Sends each entry as an event to a Splunk HTTP Event Collector.',
    endpointLabel: 'HEC URL',
    endpointPlaceholder: 'https://splunk.example.com:8088',
    endpointDescription: 'The collector’s base address, or its full /services/collector/event URL',
    tokenLabel: 'HEC token',
    tokenDescription: 'Sent as “Authorization: Splunk <token>”. Write-only.',
    tokenRequired: true,
    webhook: false,
    headers: true,
  },
  {
    value: 'DATADOG',
    label: 'Datadog',
    help: 'Sends entries to the Datadog Logs intake of your site.',
    endpointLabel: 'Site or intake URL',
    endpointPlaceholder: 'datadoghq.com',
    endpointDescription: 'Your Datadog site (e.g. datadoghq.eu), or the Logs intake URL',
    tokenLabel: 'API key',
    tokenDescription: 'A Datadog API key (DD-API-KEY). Write-only.',
    tokenRequired: true,
    webhook: false,
    headers: true,
  },
  {
    value: 'BUCKET',
    label: 'Bucket',
    help: 'Writes each batch as one gzip JSON Lines object, named in time order, to S3 or a directory.',
    endpointLabel: 'Bucket URL',
    endpointPlaceholder: 's3://my-bucket?region=eu-west-1',
    endpointDescription: 's3:// or file://, under a bucket the server’s operator allows (its credentials are used)',
    tokenLabel: '',
    tokenDescription: '',
    tokenRequired: false,
    webhook: false,
    headers: false,
  },
];

export function kindInfo(kind: string): KindInfo {
  return STREAM_KINDS.find((k) => k.value === kind) ?? STREAM_KINDS[0];
}

/** Datadog sites: the server takes a site name for the endpoint and picks its Logs intake. */
export const DATADOG_SITES = ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ddog-gov.com'];

/** The options each kind takes (LogStreamInput.options), in the order the form shows them. */
export const KIND_OPTIONS: Record<StreamKind, { key: string; label: string; placeholder?: string }[]> = {
  WEBHOOK: [],
  SPLUNK_HEC: [
    { key: 'index', label: 'Index', placeholder: 'The token’s default' },
    { key: 'source', label: 'Source', placeholder: 'trailmark' },
    { key: 'sourcetype', label: 'Source type', placeholder: '_json' },
    { key: 'host', label: 'Host', placeholder: 'The server’s host name' },
  ],
  DATADOG: [
    { key: 'ddsource', label: 'Source (ddsource)', placeholder: 'trailmark' },
    { key: 'service', label: 'Service', placeholder: 'trailmark' },
    { key: 'ddtags', label: 'Tags (ddtags)', placeholder: 'env:prod,team:security' },
    { key: 'hostname', label: 'Host name', placeholder: 'The server’s host name' },
  ],
  BUCKET: [{ key: 'prefix', label: 'Object name prefix', placeholder: 'trailmark/' }],
};

export const BATCH_SIZE = { min: 1, max: 1000, default: 100 };
export const MAX_DELAY = { min: 0, max: 3600, default: 5 };

export interface HeaderField {
  name: string;
  value: string;
}

export interface StreamFields {
  kind: StreamKind;
  name: string;
  endpoint: string;
  /** As typed; on edit, empty keeps the stored one unless clearToken. */
  token: string;
  /** Edit only: remove the stored token. */
  clearToken: boolean;
  headers: HeaderField[];
  /** Editing: the headers are being replaced (all of them, values retyped); always so for a new stream. */
  replaceHeaders: boolean;
  filter: string;
  format: StreamFormat;
  /** Whole numbers as typed; empty takes the server's default. */
  batchSize: string;
  maxDelaySeconds: string;
  /** The kind's options (KIND_OPTIONS) as typed. */
  options: Record<string, string>;
}

export const DEFAULT_FIELDS: StreamFields = {
  kind: 'WEBHOOK',
  name: '',
  endpoint: '',
  token: '',
  clearToken: false,
  headers: [],
  replaceHeaders: true,
  filter: '',
  format: 'JSONL',
  batchSize: '',
  maxDelaySeconds: '',
  options: {},
};

export type FieldName = 'name' | 'endpoint' | 'token' | 'headers' | 'batchSize' | 'maxDelaySeconds';

export interface LogStreamInputValue {
  name: string;
  kind: StreamKind;
  endpoint: string;
  token?: string;
  headers?: HeaderField[];
  filter?: string;
  format?: StreamFormat;
  batchSize?: number;
  maxDelaySeconds?: number;
  options?: Record<string, string>;
}

/** UpdateLogStreamInput: what is left out is kept. */
export type UpdateInputValue = Partial<Omit<LogStreamInputValue, 'kind'>>;

export interface Built<V> {
  value: V;
  /** What the form can tell before asking the server, by field. */
  errors: Partial<Record<FieldName, string>>;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function wholeNumber(s: string, { min, max }: { min: number; max: number }): number | string | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < min || n > max) return `A whole number from ${min} to ${max.toLocaleString('en-US')}, or empty for the default`;
  return n;
}

function endpointError(kind: StreamKind, endpoint: string): string | undefined {
  if (endpoint === '') return 'Required';
  if (kind === 'BUCKET') return /^(s3|file):\/\/./i.test(endpoint) ? undefined : 'A bucket URL: s3://… or file:///…';
  if (kind === 'DATADOG' && DATADOG_SITES.includes(endpoint)) return undefined;
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    return kind === 'DATADOG' ? 'A Datadog site (e.g. datadoghq.eu) or an https:// address' : 'An address like https://host/path';
  }
  return u.protocol === 'https:' || u.protocol === 'http:' ? undefined : 'An http(s):// address';
}

function headersOf(f: StreamFields, errors: Built<unknown>['errors']): HeaderField[] {
  const headers = f.headers.map((h) => ({ name: h.name.trim(), value: h.value })).filter((h) => h.name !== '' || h.value !== '');
  const seen = new Set<string>();
  for (const h of headers) {
    if (h.name === '') errors.headers ??= 'Each header needs a name';
    else if (!HEADER_NAME.test(h.name)) errors.headers ??= `“${h.name}” is not a valid header name`;
    else if (h.value.trim() === '') errors.headers ??= `“${h.name}” needs a value`;
    else if (seen.has(h.name.toLowerCase())) errors.headers ??= `“${h.name}” is given twice`;
    seen.add(h.name.toLowerCase());
  }
  return headers;
}

function optionsOf(f: StreamFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key } of KIND_OPTIONS[f.kind]) {
    const v = (f.options[key] ?? '').trim();
    if (v) out[key] = v;
  }
  return out;
}

/** The parts shared by a new stream and a change of one. */
function common(f: StreamFields) {
  const errors: Built<unknown>['errors'] = {};
  const name = f.name.trim();
  const endpoint = f.endpoint.trim();
  if (name === '') errors.name = 'Required';
  const ee = endpointError(f.kind, endpoint);
  if (ee) errors.endpoint = ee;
  const batch = wholeNumber(f.batchSize, BATCH_SIZE);
  if (typeof batch === 'string') errors.batchSize = batch;
  const delay = wholeNumber(f.maxDelaySeconds, MAX_DELAY);
  if (typeof delay === 'string') errors.maxDelaySeconds = delay;
  return {
    errors,
    name,
    endpoint,
    batchSize: typeof batch === 'number' ? batch : undefined,
    maxDelaySeconds: typeof delay === 'number' ? delay : undefined,
  };
}

/** createLogStream's input for the form's fields. */
export function createInput(f: StreamFields): Built<LogStreamInputValue> {
  const c = common(f);
  const info = kindInfo(f.kind);
  const value: LogStreamInputValue = { name: c.name, kind: f.kind, endpoint: c.endpoint };
  const token = f.token.trim();
  if (info.tokenLabel && token) value.token = token;
  if (info.tokenRequired && !token) c.errors.token = 'Required';
  if (info.headers) {
    const headers = headersOf(f, c.errors);
    if (headers.length > 0) value.headers = headers;
  }
  if (info.webhook) value.format = f.format;
  const filter = f.filter.trim();
  if (filter) value.filter = filter;
  if (c.batchSize !== undefined) value.batchSize = c.batchSize;
  if (c.maxDelaySeconds !== undefined) value.maxDelaySeconds = c.maxDelaySeconds;
  const options = optionsOf(f);
  if (Object.keys(options).length > 0) value.options = options;
  return { value, errors: c.errors };
}

/**
 * updateLogStream's input: every field the form shows is sent (an emptied
 * filter clears it, emptied numbers go back to the defaults), the secrets
 * only when the user changed them.
 */
export function updateInput(f: StreamFields): Built<UpdateInputValue> {
  const c = common(f);
  const info = kindInfo(f.kind);
  const value: UpdateInputValue = {
    name: c.name,
    endpoint: c.endpoint,
    filter: f.filter.trim(),
    batchSize: c.batchSize ?? BATCH_SIZE.default,
    maxDelaySeconds: c.maxDelaySeconds ?? MAX_DELAY.default,
    options: optionsOf(f),
  };
  const token = f.token.trim();
  if (info.tokenLabel) {
    if (token) value.token = token;
    else if (f.clearToken && !info.tokenRequired) value.token = '';
  }
  if (info.webhook) value.format = f.format;
  if (info.headers && f.replaceHeaders) value.headers = headersOf(f, c.errors);
  return { value, errors: c.errors };
}

export interface StoredStream {
  name: string;
  kind: string;
  endpoint: string;
  filter?: string | null;
  format: string;
  batchSize: number;
  maxDelaySeconds: number;
  headerNames: readonly string[];
  options?: unknown;
}

/** The form's fields for a stored stream (editing it): no secret comes back. */
export function fieldsFromStream(s: StoredStream): StreamFields {
  const o = s.options && typeof s.options === 'object' && !Array.isArray(s.options) ? (s.options as Record<string, unknown>) : {};
  const kind = kindInfo(s.kind).value;
  const options: Record<string, string> = {};
  for (const { key } of KIND_OPTIONS[kind]) if (typeof o[key] === 'string') options[key] = o[key] as string;
  return {
    ...DEFAULT_FIELDS,
    kind,
    name: s.name,
    endpoint: s.endpoint,
    filter: s.filter ?? '',
    format: s.format === 'JSON_ARRAY' ? 'JSON_ARRAY' : 'JSONL',
    batchSize: String(s.batchSize),
    maxDelaySeconds: String(s.maxDelaySeconds),
    headers: s.headerNames.map((name) => ({ name, value: '' })),
    replaceHeaders: false,
    options,
  };
}

/**
 * Where the server's BAD_USER_INPUT errors are shown: the field named by
 * `extensions.field` ("input.endpoint", "input.headers[1].name",
 * "input.options.index"), or null for the form's footer.
 */
export function formFieldOf(serverField: string): FieldName | 'filter' | 'format' | `options.${string}` | null {
  const f = serverField.replace(/^input\./, '');
  if (f.startsWith('headers')) return 'headers';
  if (f.startsWith('options.')) return f as `options.${string}`;
  switch (f) {
    case 'name':
    case 'endpoint':
    case 'token':
    case 'batchSize':
    case 'maxDelaySeconds':
    case 'filter':
    case 'format':
      return f;
  }
  return null;
}
