import { ActionIcon, Alert, Button, Checkbox, Group, Menu, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import type { CombinedError } from '@urql/core';
import { useState } from 'react';
import { useMutation } from 'urql';
import { CopyTextButton } from '../../components/CopyText';
import { FormFooter } from '../../components/FormFooter';
import { IconTrash } from '../../components/icons';
import { FilterErrorView } from '../../components/QueryFilter';
import type { LogStreamFieldsFragment } from '../../gql/graphql';
import { errorMessage, fieldErrorsOf, type FilterErrorInfo } from '../../lib/errors';
import { CreateLogStreamMutation, UpdateLogStreamMutation } from './documents';
import type { StreamScope } from './scope';
import {
  BATCH_SIZE,
  createInput,
  DATADOG_SITES,
  DEFAULT_FIELDS,
  fieldsFromStream,
  formFieldOf,
  KIND_OPTIONS,
  kindInfo,
  MAX_DELAY,
  STREAM_KINDS,
  updateInput,
  type StreamFields,
  type StreamKind,
} from './streamForm';

/** Monospace for the value typed, not the label (as the schedules form does). */
const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

/** Filters that make sense for a stream (time windows do not: a stream runs forever). */
const FILTER_PRESETS = [
  { label: 'Leave out log reads', filter: "action not like 'audit\\_log.%'" },
  { label: 'Failures', filter: "status = 'failure'" },
  { label: 'Member changes', filter: "action like 'member.%'" },
  { label: 'API keys', filter: "resource_type = 'api_key'" },
];

/** The server's field errors, each shown at its field; what no field shows goes to the footer. */
function serverErrors(error: CombinedError | undefined) {
  const byField = new Map<string, FilterErrorInfo>();
  const rest: string[] = [];
  for (const [field, e] of fieldErrorsOf(error)) {
    const at = formFieldOf(field);
    if (at && !byField.has(at)) byField.set(at, e);
    else rest.push(`${field}: ${e.message}`);
  }
  const footer = error && (rest.length > 0 ? rest.join('; ') : byField.size === 0 ? errorMessage(error) : null);
  return { of: (f: string) => byField.get(f), footer };
}

/** The signing secret, shown once, with a copy button. */
export function SecretOnce({ name, secret, rotated, onDone }: { name: string; secret: string; rotated?: boolean; onDone(): void }) {
  return (
    <Stack>
      <Alert color="yellow" title="Copy the signing secret now">
        This is the only time the signing secret of <b>{name}</b> is shown. Your receiver verifies the <code>webhook-signature</code> header with it (docs/streams.md).
        {rotated && ' The previous secret keeps signing too until the overlap ends, so receivers can switch without losing events.'}
      </Alert>
      <TextInput label="Signing secret" value={secret} readOnly styles={MONO} onFocus={(e) => e.currentTarget.select()} data-testid="stream-secret" />
      <Group justify="flex-end">
        <CopyTextButton value={secret} label="Copy secret" />
        <Button onClick={onDone}>I have copied it</Button>
      </Group>
    </Stack>
  );
}

export interface StreamFormProps {
  /** Whose log a new stream delivers: { tenantID } or { platform: true } (see scope.ts). */
  scope: StreamScope['vars'];
  /** The stream being edited; null for a new one. */
  stream: LogStreamFieldsFragment | null;
  /** The change went through; the form may have shown a secret first. */
  onDone(): void;
}

export function StreamForm({ scope, stream, onDone }: StreamFormProps) {
  const [fields, setFields] = useState<StreamFields>(() => (stream ? fieldsFromStream(stream) : DEFAULT_FIELDS));
  const [sentFilter, setSentFilter] = useState<string | null>(null);
  const [created, create] = useMutation(CreateLogStreamMutation);
  const [updated, update] = useMutation(UpdateLogStreamMutation);
  const [submitted, setSubmitted] = useState(false);
  const set = (patch: Partial<StreamFields>) => setFields((f) => ({ ...f, ...patch }));
  const info = kindInfo(fields.kind);
  const built = stream ? updateInput(fields) : createInput(fields);
  // Required fields are said once the user tried to submit; malformed values at once.
  const local = (f: keyof typeof built.errors) => {
    const e = built.errors[f];
    return e === 'Required' && !submitted ? undefined : e;
  };
  const error = stream ? updated.error : created.error;
  const server = serverErrors(error);
  const serverFilter = server.of('filter');
  // The server's positioned error belongs to the filter it was sent, until that is edited.
  const filterError = serverFilter && sentFilter === fields.filter.trim() ? serverFilter : null;
  const at = (f: string, localError?: string) => localError ?? server.of(f)?.message;

  if (created.data && fields.kind === 'WEBHOOK')
    return <SecretOnce name={created.data.createLogStream.logStream.name} secret={created.data.createLogStream.secret} onDone={onDone} />;

  return (
    <form
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setSubmitted(true);
        if (Object.keys(built.errors).length > 0) return;
        setSentFilter(fields.filter.trim());
        if (stream) {
          const res = await update({ id: stream.id, input: updateInput(fields).value });
          if (!res.error) onDone();
        } else {
          const res = await create({ ...scope, input: createInput(fields).value });
          // A webhook's secret is shown first (above); other kinds do not sign.
          if (!res.error && fields.kind !== 'WEBHOOK') onDone();
        }
      }}
    >
      <Stack gap="sm">
        <Select
          label="Destination"
          description={info.help}
          data={STREAM_KINDS.map(({ value, label }) => ({ value, label }))}
          value={fields.kind}
          onChange={(v) => v && set({ kind: v as StreamKind, endpoint: v === 'DATADOG' && fields.endpoint === '' ? DATADOG_SITES[0] : fields.endpoint, options: {} })}
          disabled={!!stream}
          allowDeselect={false}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
        />
        <TextInput label="Name" required placeholder="e.g. SIEM" value={fields.name} onChange={(e) => set({ name: e.currentTarget.value })} error={at('name', local('name'))} />
        <div>
          <TextInput
            label={info.endpointLabel}
            description={info.endpointDescription}
            required
            placeholder={info.endpointPlaceholder}
            value={fields.endpoint}
            onChange={(e) => set({ endpoint: e.currentTarget.value })}
            error={at('endpoint', local('endpoint'))}
            styles={MONO}
            spellCheck={false}
          />
          {fields.kind === 'DATADOG' && (
            <Group gap={6} mt={6}>
              {DATADOG_SITES.map((site) => (
                <Button key={site} size="compact-xs" variant="light" onClick={() => set({ endpoint: site })}>
                  {site}
                </Button>
              ))}
            </Group>
          )}
        </div>
        {info.tokenLabel && (
          <div>
            <TextInput
              label={info.tokenLabel}
              description={stream?.hasToken ? `${info.tokenDescription} One is set: leave empty to keep it.` : info.tokenDescription}
              required={info.tokenRequired && !stream}
              type="password"
              autoComplete="off"
              placeholder={stream?.hasToken ? '•••••••• (kept)' : undefined}
              value={fields.token}
              onChange={(e) => set({ token: e.currentTarget.value, clearToken: false })}
              error={at('token', local('token'))}
            />
            {stream?.hasToken && !info.tokenRequired && (
              <Checkbox mt={6} size="xs" label="Remove the token" checked={fields.clearToken} onChange={(e) => set({ clearToken: e.currentTarget.checked, token: '' })} />
            )}
          </div>
        )}
        {info.headers && <HeadersEditor fields={fields} set={set} editing={!!stream} error={at('headers', built.errors.headers)} />}
        {KIND_OPTIONS[fields.kind].length > 0 && (
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" verticalSpacing="xs">
            {KIND_OPTIONS[fields.kind].map((o) => (
              <TextInput
                key={o.key}
                label={o.label}
                placeholder={o.placeholder}
                value={fields.options[o.key] ?? ''}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setFields((f) => ({ ...f, options: { ...f.options, [o.key]: v } }));
                }}
                error={at(`options.${o.key}`)}
              />
            ))}
          </SimpleGrid>
        )}
        <div>
          <Group gap={4} wrap="nowrap" align="flex-end">
            <TextInput
              style={{ flex: 1 }}
              label="Filter"
              description="Optional: only the entries matching it are sent, in the filter language of the audit log"
              placeholder="e.g. action not like 'audit\_log.%'"
              value={fields.filter}
              onChange={(e) => set({ filter: e.currentTarget.value })}
              styles={MONO}
              spellCheck={false}
              error={filterError ? true : undefined}
            />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default">Presets</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {FILTER_PRESETS.map((p) => (
                  <Menu.Item key={p.label} onClick={() => set({ filter: p.filter })}>
                    {p.label}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          </Group>
          {filterError && <FilterErrorView filter={sentFilter ?? ''} message={filterError.message} position={filterError.position} />}
        </div>
        {info.webhook && (
          <div>
            <Text size="sm" fw={500} id="stream-format-label">
              Batch format
            </Text>
            <SegmentedControl
              aria-labelledby="stream-format-label"
              size="xs"
              value={fields.format}
              onChange={(v) => set({ format: v as StreamFields['format'] })}
              data={[
                { value: 'JSONL', label: 'JSON Lines' },
                { value: 'JSON_ARRAY', label: 'JSON array' },
              ]}
            />
          </div>
        )}
        <SimpleGrid cols={2} spacing="sm">
          <NumberInput
            label="Batch size"
            description={`Entries per delivery, ${BATCH_SIZE.min}–${BATCH_SIZE.max}`}
            placeholder={String(BATCH_SIZE.default)}
            allowDecimal={false}
            allowNegative={false}
            value={fields.batchSize}
            onChange={(v) => set({ batchSize: String(v) })}
            error={at('batchSize', built.errors.batchSize)}
          />
          <NumberInput
            label="Max delay (s)"
            description={`Longest wait for a batch to fill, ${MAX_DELAY.min}–${MAX_DELAY.max.toLocaleString('en-US')}`}
            placeholder={String(MAX_DELAY.default)}
            allowDecimal={false}
            allowNegative={false}
            value={fields.maxDelaySeconds}
            onChange={(v) => set({ maxDelaySeconds: String(v) })}
            error={at('maxDelaySeconds', built.errors.maxDelaySeconds)}
          />
        </SimpleGrid>
        <FormFooter
          error={server.footer}
          label={stream ? 'Save log stream' : 'Create log stream'}
          busy={created.fetching || updated.fetching}
          disabled={Object.entries(built.errors).some(([, e]) => e !== 'Required')}
        />
      </Stack>
    </form>
  );
}

function HeadersEditor({ fields, set, editing, error }: { fields: StreamFields; set(p: Partial<StreamFields>): void; editing: boolean; error?: string }) {
  const change = (i: number, patch: Partial<{ name: string; value: string }>) => set({ headers: fields.headers.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  if (editing && !fields.replaceHeaders)
    return (
      <div>
        <Text size="sm" fw={500}>
          Custom headers
        </Text>
        <Group gap="xs" mt={4}>
          <Text size="sm" c="dimmed">
            {fields.headers.length > 0 ? `${fields.headers.map((h) => h.name).join(', ')} (values kept, never shown)` : 'None'}
          </Text>
          <Button size="compact-xs" variant="light" onClick={() => set({ replaceHeaders: true })}>
            {fields.headers.length > 0 ? 'Replace headers' : 'Add headers'}
          </Button>
        </Group>
      </div>
    );
  return (
    <div role="group" aria-labelledby="stream-headers-label">
      <Text size="sm" fw={500} id="stream-headers-label">
        Custom headers
      </Text>
      <Text size="xs" c="dimmed">
        Sent with every request; values are write-only.{editing && ' Saving replaces all headers: type each value again.'}
      </Text>
      <Stack gap={6} mt={6}>
        {fields.headers.map((h, i) => (
          <Group key={i} gap={6} wrap="nowrap">
            <TextInput aria-label={`Header ${i + 1} name`} placeholder="X-Team" value={h.name} onChange={(e) => change(i, { name: e.currentTarget.value })} style={{ flex: 1 }} styles={MONO} />
            <TextInput
              aria-label={`Header ${i + 1} value`}
              placeholder="value"
              type="password"
              autoComplete="off"
              value={h.value}
              onChange={(e) => change(i, { value: e.currentTarget.value })}
              style={{ flex: 1 }}
            />
            <ActionIcon variant="subtle" color="red" aria-label={`Remove header ${i + 1}`} onClick={() => set({ headers: fields.headers.filter((_, j) => j !== i) })}>
              <IconTrash />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button size="compact-xs" variant="light" onClick={() => set({ headers: [...fields.headers, { name: '', value: '' }] })}>
            Add header
          </Button>
        </Group>
        {error && (
          <Text size="xs" c="red" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    </div>
  );
}
