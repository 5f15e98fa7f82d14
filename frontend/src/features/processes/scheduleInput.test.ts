import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { fieldErrorsOf } from '../../lib/errors';
import { DEFAULT_FIELDS, defaultCron, describeInput, fieldsFromInput, inputFromFields, type ScheduleFields } from './scheduleInput';

const fields = (patch: Partial<ScheduleFields>): ScheduleFields => ({ ...DEFAULT_FIELDS, ...patch });

describe('inputFromFields', () => {
  it('builds an EXPORT input with the keys the server takes', () => {
    expect(inputFromFields('EXPORT', fields({ format: 'CSV_GZ', filter: " status = 'failure' ", name: ' SIEM feed ' }))).toEqual({
      value: { format: 'CSV_GZ', filter: "status = 'failure'", name: 'SIEM feed' },
      errors: {},
    });
    expect(inputFromFields('EXPORT', fields({ lastDays: '7' })).value).toEqual({ lastDays: 7, format: 'JSONL_GZ' });
  });

  it('checks lastDays and the name length of an EXPORT', () => {
    for (const bad of ['0', '3661', '1.5', '-2', 'x']) {
      expect(inputFromFields('EXPORT', fields({ lastDays: bad })).errors.lastDays, bad).toMatch(/whole number of days from 1 to 3660/);
    }
    expect(inputFromFields('EXPORT', fields({ lastDays: '3660' })).errors).toEqual({});
    expect(inputFromFields('EXPORT', fields({ name: 'x'.repeat(121) })).errors.name).toBe('At most 120 characters');
    expect(inputFromFields('ARCHIVE', fields({ name: 'x'.repeat(121) })).errors).toEqual({});
  });

  it('builds ARCHIVE and RETENTION inputs as the dialog did before', () => {
    expect(inputFromFields('ARCHIVE', fields({ period: 'month' })).value).toEqual({ period: 'month', format: 'JSONL_GZ' });
    expect(inputFromFields('ARCHIVE', fields({ lastDays: '5', archive: true })).value).toEqual({ period: 'day', format: 'JSONL_GZ' });
    expect(inputFromFields('RETENTION', fields({ filter: 'x', name: 'n' })).value).toEqual({});
    expect(inputFromFields('RETENTION', fields({ archive: true, format: 'CSV_GZ' })).value).toEqual({ archive: true, format: 'CSV_GZ' });
  });
});

describe('VERIFY', () => {
  it('takes no input, whatever the form holds', () => {
    // The server refuses any key in a VERIFY schedule's input (docs/processes.md).
    expect(inputFromFields('VERIFY', fields({ filter: "status = 'failure'", name: 'n', archive: true, lastDays: 'x', format: 'CSV_GZ' }))).toEqual({
      value: {},
      errors: {},
    });
    expect(describeInput('VERIFY', {})).toBe('verify every stored entry against the signed tree');
    expect(describeInput('VERIFY', null)).toBe('verify every stored entry against the signed tree');
  });

  it('starts nightly; the processes of a period start monthly', () => {
    expect(defaultCron('VERIFY')).toBe('30 4 * * *');
    expect(defaultCron('ARCHIVE')).toBe('0 3 1 * *');
  });
});

describe('fieldsFromInput', () => {
  it('reads back what the server stored', () => {
    expect(fieldsFromInput({ lastDays: 7, format: 'CSV_GZ', filter: "a = 'b'", name: 'Feed' })).toEqual(
      fields({ lastDays: '7', format: 'CSV_GZ', filter: "a = 'b'", name: 'Feed' }),
    );
    expect(fieldsFromInput({ period: 'week', format: 'JSONL_GZ' })).toEqual(fields({ period: 'week' }));
    expect(fieldsFromInput({ archive: true, format: 'CSV_GZ' })).toEqual(fields({ archive: true, format: 'CSV_GZ' }));
    expect(fieldsFromInput(null)).toEqual(DEFAULT_FIELDS);
  });

  it('round-trips through inputFromFields', () => {
    const stored = { lastDays: 30, format: 'JSONL_GZ', filter: "status = 'failure'", name: 'Monthly failures' };
    expect(inputFromFields('EXPORT', fieldsFromInput(stored)).value).toEqual(stored);
  });
});

describe('describeInput', () => {
  it('says in words what a run does', () => {
    expect(describeInput('EXPORT', { format: 'JSONL_GZ', name: 'SIEM' })).toBe('since the previous export · JSON Lines · “SIEM”');
    expect(describeInput('EXPORT', { lastDays: 1, format: 'CSV_GZ' })).toBe('last 1 day · CSV');
    expect(describeInput('ARCHIVE', { period: 'month', format: 'JSONL_GZ' })).toBe('previous month · JSON Lines');
    expect(describeInput('RETENTION', {})).toBe('delete expired entries');
  });
});

describe('fieldErrorsOf', () => {
  it('maps BAD_USER_INPUT errors to their fields with the filter position', () => {
    const err = new CombinedError({
      graphQLErrors: [
        new GraphQLError("input.input.filter: unexpected ')' at position 9", { extensions: { code: 'BAD_USER_INPUT', field: 'input.input.filter', position: 9 } }),
        new GraphQLError('input.cron: not a 5-field cron expression', { extensions: { code: 'BAD_USER_INPUT', field: 'input.cron' } }),
        new GraphQLError('forbidden', { extensions: { code: 'FORBIDDEN' } }),
      ],
    });
    const m = fieldErrorsOf(err);
    expect(m.get('input.input.filter')).toEqual({ message: "unexpected ')' at position 9", position: 9 });
    expect(m.get('input.cron')).toEqual({ message: 'not a 5-field cron expression', position: null });
    expect(m.size).toBe(2);
  });
});
