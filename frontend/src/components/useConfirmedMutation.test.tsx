import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { parse } from 'graphql';
import { Client, fetchExchange, Provider } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { useConfirmedMutation, useDialog } from './useConfirmedMutation';

// Parsed, not tagged: codegen checks tagged documents against the real schema.
const DeleteThing = parse('mutation DeleteThing($id: ID!) { deleteThing(id: $id) }');

/** A client whose server answers every request with body. */
function serverAnswering(body: unknown) {
  const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }));
  const client = new Client({ url: 'http://trailmark.test/graphql', exchanges: [fetchExchange], fetch });
  const wrapper = ({ children }: { children: ReactNode }) => <Provider value={client}>{children}</Provider>;
  return { fetch, wrapper };
}

describe('useDialog', () => {
  it('opens on a target, and done() closes it and reloads', () => {
    const reload = vi.fn();
    const { result } = renderHook(() => useDialog<{ id: string } | 'new'>(reload));
    expect(result.current.opened).toBe(false);
    act(() => result.current.open('new'));
    expect(result.current.target).toBe('new');
    act(() => result.current.open({ id: 'sch_1' }));
    expect(result.current.target).toEqual({ id: 'sch_1' });
    act(() => result.current.close());
    expect(result.current.opened).toBe(false);
    expect(reload).not.toHaveBeenCalled();
    act(() => result.current.open('new'));
    act(() => result.current.done());
    expect(result.current.opened).toBe(false);
    expect(reload).toHaveBeenCalledTimes(1);
  });
});

describe('useConfirmedMutation', () => {
  it('runs the mutation on the target when confirmed, then closes and reloads', async () => {
    const { fetch, wrapper } = serverAnswering({ data: { deleteThing: true } });
    const reload = vi.fn();
    const { result } = renderHook(() => useConfirmedMutation(DeleteThing, (t: { id: string; name: string }) => ({ id: t.id }), reload), { wrapper });
    expect(result.current.modal.opened).toBe(false);
    act(() => result.current.open({ id: 'arc_1', name: 'January' }));
    expect(result.current.modal.opened).toBe(true);
    expect(result.current.target?.name).toBe('January');
    act(() => result.current.modal.onConfirm());
    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    expect(result.current.modal.opened).toBe(false);
    expect(result.current.modal.error).toBeNull();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body)).variables).toEqual({ id: 'arc_1' });
  });

  it('stays open and shows the error when the mutation fails', async () => {
    const { wrapper } = serverAnswering({ data: null, errors: [{ message: 'not allowed' }] });
    const reload = vi.fn();
    const { result } = renderHook(() => useConfirmedMutation(DeleteThing, (t: { id: string }) => ({ id: t.id }), reload), { wrapper });
    act(() => result.current.open({ id: 'arc_1' }));
    act(() => result.current.modal.onConfirm());
    await waitFor(() => expect(result.current.modal.error).toBe('not allowed'));
    expect(result.current.modal.busy).toBe(false);
    expect(result.current.modal.opened).toBe(true);
    expect(reload).not.toHaveBeenCalled();
    act(() => result.current.modal.onClose());
    expect(result.current.modal.opened).toBe(false);
  });
});
