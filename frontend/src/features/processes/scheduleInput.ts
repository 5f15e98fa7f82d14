// The form of a schedule's input, per kind, and the JSON the server takes
// (docs/processes.md, "Schedule inputs"). The server rejects keys a kind does
// not take, so a stored input has only the keys below.

export type ScheduleKind = 'ARCHIVE' | 'EXPORT' | 'RETENTION' | 'VERIFY';
export type ArchiveFormatValue = 'JSONL_GZ' | 'CSV_GZ';
export type Period = 'day' | 'week' | 'month';

export const SCHEDULE_KINDS: { value: ScheduleKind; label: string; help: string }[] = [
  {
    value: 'ARCHIVE',
    label: 'Archive',
    help: 'Each run archives the entries that occurred in the whole day, week or month before it.',
  },
  {
    value: 'EXPORT',
    label: 'Export',
    help: 'Each run writes the entries Trailmark received since the previous export (or in the last N days) to a file, e.g. for a SIEM.',
  },
  {
    value: 'RETENTION',
    label: 'Retention',
    help: "Each run deletes the entries older than the tenant's retention period, optionally archiving them first.",
  },
  {
    value: 'VERIFY',
    label: 'Verify',
    help: 'Each run re-hashes every stored entry of the log and checks it against the signed Merkle tree; it fails, naming each entry that does not match, when anything does not verify.',
  },
];

export const MAX_EXPORT_DAYS = 3660;

/** The cron a new schedule starts with: monthly for the processes of a period, nightly for a verification. */
export function defaultCron(kind: ScheduleKind): string {
  return kind === 'VERIFY' ? '30 4 * * *' : '0 3 1 * *';
}
export const MAX_NAME = { ARCHIVE: 200, EXPORT: 120 } as const;

export interface ScheduleFields {
  period: Period;
  format: ArchiveFormatValue;
  filter: string;
  name: string;
  /** Whole days as typed; '' exports what was received since the previous export. */
  lastDays: string;
  /** RETENTION: archive the expired entries before deleting them. */
  archive: boolean;
}

export type FieldName = keyof ScheduleFields;

export const DEFAULT_FIELDS: ScheduleFields = { period: 'day', format: 'JSONL_GZ', filter: '', name: '', lastDays: '', archive: false };

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The form's fields for a stored input (editing a schedule). */
export function fieldsFromInput(input: unknown): ScheduleFields {
  const o = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const period = str(o.period);
  const format = str(o.format);
  return {
    period: period === 'week' || period === 'month' ? period : 'day',
    format: format === 'CSV_GZ' ? 'CSV_GZ' : 'JSONL_GZ',
    filter: str(o.filter),
    name: str(o.name),
    lastDays: typeof o.lastDays === 'number' && o.lastDays > 0 ? String(o.lastDays) : '',
    archive: o.archive === true,
  };
}

export interface BuiltInput {
  value: Record<string, unknown>;
  /** What the form can tell before asking the server, by field. */
  errors: Partial<Record<FieldName, string>>;
}

/** The input JSON of a schedule of this kind from the form's fields. */
export function inputFromFields(kind: ScheduleKind, f: ScheduleFields): BuiltInput {
  const errors: BuiltInput['errors'] = {};
  const value: Record<string, unknown> = {};
  const filter = f.filter.trim();
  const name = f.name.trim();
  switch (kind) {
    case 'VERIFY':
      // Nothing to choose: a run verifies the whole log of the schedule.
      return { value, errors };
    case 'RETENTION':
      if (f.archive) {
        value.archive = true;
        value.format = f.format;
      }
      return { value, errors };
    case 'ARCHIVE':
      value.period = f.period;
      break;
    case 'EXPORT': {
      const days = f.lastDays.trim();
      if (days !== '') {
        const n = Number(days);
        if (!/^\d+$/.test(days) || n < 1 || n > MAX_EXPORT_DAYS) {
          errors.lastDays = `A whole number of days from 1 to ${MAX_EXPORT_DAYS}, or empty`;
        } else {
          value.lastDays = n;
        }
      }
      break;
    }
  }
  value.format = f.format;
  if (filter) value.filter = filter;
  if (name) value.name = name;
  if ([...name].length > MAX_NAME[kind]) errors.name = `At most ${MAX_NAME[kind]} characters`;
  return { value, errors };
}

/** A one-line description of a stored input for the schedules list. */
export function describeInput(kind: string, input: unknown): string {
  const f = fieldsFromInput(input);
  const fmt = f.format === 'CSV_GZ' ? 'CSV' : 'JSON Lines';
  const extra = [f.name && `“${f.name}”`, f.filter && `filter ${f.filter}`].filter(Boolean).join(', ');
  switch (kind) {
    case 'ARCHIVE':
      return [`previous ${f.period}`, fmt, extra].filter(Boolean).join(' · ');
    case 'EXPORT':
      return [f.lastDays ? `last ${f.lastDays} ${f.lastDays === '1' ? 'day' : 'days'}` : 'since the previous export', fmt, extra].filter(Boolean).join(' · ');
    case 'RETENTION':
      return f.archive ? `archive first (${fmt}), then delete` : 'delete expired entries';
    case 'VERIFY':
      return 'verify every stored entry against the signed tree';
  }
  return '';
}
