import { CombinedError } from '@urql/core';
import { describe, expect, it, vi } from 'vitest';
import { confirmDialog, confirmError, finishDialog } from './dialogAction';

function steps() {
  const calls: string[] = [];
  return { calls, close: vi.fn(() => calls.push('close')), reload: vi.fn(() => calls.push('reload')) };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('finishDialog', () => {
  it('closes the dialog, then reads the list again', () => {
    const s = steps();
    finishDialog(s);
    expect(s.calls).toEqual(['close', 'reload']);
  });
});

describe('confirmDialog', () => {
  it('runs the mutation on the target and, once it succeeded, closes and reloads', async () => {
    const s = steps();
    const answer = deferred<{ error?: CombinedError }>();
    const run = vi.fn((_: { id: string }) => answer.promise);
    const done = confirmDialog({ id: 'key_1' }, run, s);
    expect(run).toHaveBeenCalledWith({ id: 'key_1' });
    // Nothing moves while the mutation is under way.
    await Promise.resolve();
    expect(s.calls).toEqual([]);
    answer.resolve({});
    expect(await done).toEqual({});
    expect(s.calls).toEqual(['close', 'reload']);
  });

  it('leaves the dialog open on an error, to show it', async () => {
    const s = steps();
    const error = new CombinedError({ graphQLErrors: ['archive is still being written'] });
    const res = await confirmDialog(true, async () => ({ error }), s);
    expect(res?.error).toBe(error);
    expect(s.close).not.toHaveBeenCalled();
    expect(s.reload).not.toHaveBeenCalled();
  });

  it('runs nothing when the dialog has no target', async () => {
    const s = steps();
    const run = vi.fn(async () => ({}));
    expect(await confirmDialog(null, run, s)).toBeNull();
    expect(run).not.toHaveBeenCalled();
    expect(s.calls).toEqual([]);
  });
});

describe('confirmError', () => {
  it('is the message of the last error, or nothing', () => {
    expect(confirmError(undefined)).toBeNull();
    expect(confirmError(null)).toBeNull();
    expect(confirmError(new CombinedError({ graphQLErrors: ['not allowed', 'gone'] }))).toBe('not allowed; gone');
  });
});
