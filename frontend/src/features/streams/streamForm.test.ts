import { describe, expect, it } from 'vitest';
import { createInput, DEFAULT_FIELDS, fieldsFromStream, formFieldOf, updateInput, type StreamFields } from './streamForm';

const fields = (patch: Partial<StreamFields>): StreamFields => ({ ...DEFAULT_FIELDS, ...patch });

describe('createInput', () => {
  it('builds a WEBHOOK input with headers, format and the numbers given', () => {
    expect(
      createInput(
        fields({
          name: ' SIEM ',
          endpoint: ' https://siem.example.com/hook ',
          headers: [{ name: ' X-Team ', value: 'security' }, { name: '', value: '' }],
          filter: " status = 'failure' ",
          format: 'JSON_ARRAY',
          batchSize: '50',
          maxDelaySeconds: '0',
          options: { index: 'ignored for a webhook' },
        }),
      ),
    ).toEqual({
      value: {
        name: 'SIEM',
        kind: 'WEBHOOK',
        endpoint: 'https://siem.example.com/hook',
        headers: [{ name: 'X-Team', value: 'security' }],
        filter: "status = 'failure'",
        format: 'JSON_ARRAY',
        batchSize: 50,
        maxDelaySeconds: 0,
      },
      errors: {},
    });
  });

  it('leaves out what is empty, so that the server’s defaults apply', () => {
    expect(createInput(fields({ name: 'n', endpoint: 'http://127.0.0.1:9000/' })).value).toEqual({
      name: 'n',
      kind: 'WEBHOOK',
      endpoint: 'http://127.0.0.1:9000/',
      format: 'JSONL',
    });
  });

  it('takes the options of the kind only, and requires the token of Splunk and Datadog', () => {
    const splunk = createInput(fields({ kind: 'SPLUNK_HEC', name: 'n', endpoint: 'https://splunk:8088', options: { index: ' audit ', sourcetype: '', prefix: 'x' } }));
    expect(splunk.errors).toEqual({ token: 'Required' });
    expect(splunk.value).toEqual({ name: 'n', kind: 'SPLUNK_HEC', endpoint: 'https://splunk:8088', options: { index: 'audit' } });
    const dd = createInput(fields({ kind: 'DATADOG', name: 'n', endpoint: 'datadoghq.eu', token: ' k ', options: { ddtags: 'env:prod,team:sec', service: 'tm' } }));
    expect(dd).toEqual({ value: { name: 'n', kind: 'DATADOG', endpoint: 'datadoghq.eu', token: 'k', options: { service: 'tm', ddtags: 'env:prod,team:sec' } }, errors: {} });
    const viaProxy = createInput(fields({ kind: 'SPLUNK_HEC', name: 'n', endpoint: 'https://splunk:8088', token: 't', headers: [{ name: 'X-Proxy', value: 'p' }], format: 'JSON_ARRAY' }));
    expect(viaProxy.value).toEqual({ name: 'n', kind: 'SPLUNK_HEC', endpoint: 'https://splunk:8088', token: 't', headers: [{ name: 'X-Proxy', value: 'p' }] });
    const bucket = createInput(fields({ kind: 'BUCKET', name: 'n', endpoint: 'file:///var/tm', token: 'not sent', headers: [{ name: 'X-Not', value: 'sent' }], options: { prefix: 'tm/' } }));
    expect(bucket).toEqual({ value: { name: 'n', kind: 'BUCKET', endpoint: 'file:///var/tm', options: { prefix: 'tm/' } }, errors: {} });
  });

  it('checks names, endpoints and numbers at their fields', () => {
    expect(createInput(fields({})).errors).toEqual({ name: 'Required', endpoint: 'Required' });
    expect(createInput(fields({ name: 'n', endpoint: 'siem.example.com' })).errors.endpoint).toBe('An address like https://host/path');
    expect(createInput(fields({ name: 'n', endpoint: 'ftp://x/y' })).errors.endpoint).toBe('An http(s):// address');
    expect(createInput(fields({ kind: 'BUCKET', name: 'n', endpoint: 'https://bucket' })).errors.endpoint).toBe('A bucket URL: s3://… or file:///…');
    expect(createInput(fields({ kind: 'BUCKET', name: 'n', endpoint: 'gs://bucket' })).errors.endpoint).toBe('A bucket URL: s3://… or file:///…');
    expect(createInput(fields({ kind: 'DATADOG', name: 'n', token: 'k', endpoint: 'datadog' })).errors.endpoint).toMatch(/A Datadog site/);
    for (const bad of ['0', '1001', '1.5', '-1', 'x']) expect(createInput(fields({ batchSize: bad })).errors.batchSize, bad).toBe('A whole number from 1 to 1,000, or empty for the default');
    expect(createInput(fields({ maxDelaySeconds: '3601' })).errors.maxDelaySeconds).toBe('A whole number from 0 to 3,600, or empty for the default');
  });

  it('checks the headers: a valid name, a value, each once', () => {
    const h = (...hs: [string, string][]) => createInput(fields({ name: 'n', endpoint: 'https://x', headers: hs.map(([name, value]) => ({ name, value })) })).errors.headers;
    expect(h(['X-A', '1'])).toBeUndefined();
    expect(h(['', 'v'])).toBe('Each header needs a name');
    expect(h(['X A', 'v'])).toBe('“X A” is not a valid header name');
    expect(h(['X-A', ' '])).toBe('“X-A” needs a value');
    expect(h(['X-A', '1'], ['x-a', '2'])).toBe('“x-a” is given twice');
  });
});

describe('editing', () => {
  const stored = {
    name: 'SIEM',
    kind: 'WEBHOOK',
    endpoint: 'https://siem.example.com/hook',
    filter: "status = 'failure'",
    format: 'JSON_ARRAY',
    batchSize: 100,
    maxDelaySeconds: 5,
    headerNames: ['X-Team'],
    options: null,
  };

  it('keeps the secrets unless changed: token, then headers', () => {
    const f = fieldsFromStream(stored);
    expect(f).toMatchObject({ name: 'SIEM', format: 'JSON_ARRAY', batchSize: '100', headers: [{ name: 'X-Team', value: '' }], replaceHeaders: false, token: '' });
    expect(updateInput(f)).toEqual({
      value: { name: 'SIEM', endpoint: 'https://siem.example.com/hook', filter: "status = 'failure'", batchSize: 100, maxDelaySeconds: 5, options: {}, format: 'JSON_ARRAY' },
      errors: {},
    });
    expect(updateInput({ ...f, token: 'new' }).value.token).toBe('new');
    expect(updateInput({ ...f, clearToken: true }).value.token).toBe('');
    // Replacing the headers needs every value again.
    expect(updateInput({ ...f, replaceHeaders: true }).errors.headers).toBe('“X-Team” needs a value');
    expect(updateInput({ ...f, replaceHeaders: true, headers: [] }).value.headers).toEqual([]);
  });

  it('sends an emptied filter and numbers, so that they are cleared', () => {
    const f = { ...fieldsFromStream(stored), filter: ' ', batchSize: '', maxDelaySeconds: '' };
    expect(updateInput(f).value).toMatchObject({ filter: '', batchSize: 100, maxDelaySeconds: 5 });
  });

  it('reads back the options of the kind and never clears a required token', () => {
    const f = fieldsFromStream({ ...stored, kind: 'SPLUNK_HEC', headerNames: [], options: { index: 'audit', sourcetype: '_json', other: 1 } });
    expect(f.options).toEqual({ index: 'audit', sourcetype: '_json' });
    expect(updateInput({ ...f, clearToken: true }).value).not.toHaveProperty('token');
    expect(updateInput(f).value).not.toHaveProperty('headers');
    expect(updateInput(f).value.options).toEqual({ index: 'audit', sourcetype: '_json' });
  });
});

describe('formFieldOf', () => {
  it('maps the server’s field paths onto the form', () => {
    expect(formFieldOf('input.endpoint')).toBe('endpoint');
    expect(formFieldOf('input.headers[1].name')).toBe('headers');
    expect(formFieldOf('input.options.index')).toBe('options.index');
    expect(formFieldOf('input.filter')).toBe('filter');
    expect(formFieldOf('tenantID')).toBeNull();
  });
});
