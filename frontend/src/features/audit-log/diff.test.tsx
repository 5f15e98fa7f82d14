import { MantineProvider } from '@mantine/core';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { changeKind, leafChanges } from './diff';
import { DiffView } from './DiffView';

describe('leafChanges', () => {
  it('diffs nested objects and arrays at the leaves with server-style paths', () => {
    const old = { plan: 'standard', limits: { seats: 5, sso: false }, items: ['a', 'b', 'c'], gone: 1 };
    const neu = { plan: 'premium', limits: { seats: 10, sso: false }, items: ['a', 'b', 'x', 'y'], added: true };
    expect(leafChanges(old, neu)).toEqual([
      { path: 'added', old: null, new: true },
      { path: 'gone', old: 1, new: null },
      { path: 'items[2]', old: 'c', new: 'x' },
      { path: 'items[3]', old: null, new: 'y' },
      { path: 'limits.seats', old: 5, new: 10 },
      { path: 'plan', old: 'standard', new: 'premium' },
    ]);
  });
  it('treats a create as all-added and a scalar change as one row', () => {
    expect(leafChanges(null, { a: 1 })).toEqual([{ path: '(value)', old: null, new: { a: 1 } }]);
    expect(leafChanges('Premium', 'Enterprise')).toEqual([{ path: '(value)', old: 'Premium', new: 'Enterprise' }]);
    expect(leafChanges({ a: [1] }, { a: [1] })).toEqual([]);
  });
  it('classifies changes', () => {
    expect(changeKind({ old: null, new: 1 })).toBe('added');
    expect(changeKind({ old: 1, new: null })).toBe('removed');
    expect(changeKind({ old: 1, new: 2 })).toBe('changed');
  });
});

describe('DiffView', () => {
  const wrap = (ui: React.ReactNode) => render(<MantineProvider>{ui}</MantineProvider>);
  it('renders the server changes when present', () => {
    wrap(<DiffView changes={[{ path: 'limits.seats', old: 5, new: 10 }]} oldValue={{}} newValue={{}} />);
    const table = screen.getByRole('table', { name: 'Changes' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveTextContent('limits.seats');
    expect(rows[1]).toHaveTextContent('changed');
    expect(rows[1]).toHaveTextContent('5');
    expect(rows[1]).toHaveTextContent('10');
  });
  it('derives changes from old/new when the server sent none', () => {
    wrap(<DiffView changes={[]} oldValue={{ role: 'MEMBER' }} newValue={{ role: 'ADMIN', workspace: 'eu' }} />);
    const rows = within(screen.getByRole('table')).getAllByRole('row');
    expect(rows.map((r) => r.getAttribute('data-kind'))).toEqual([null, 'changed', 'added']);
    expect(rows[1]).toHaveTextContent('"MEMBER"'.replace(/"/g, ''));
  });
  it('says so when nothing changed', () => {
    wrap(<DiffView changes={[]} oldValue={null} newValue={null} />);
    expect(screen.getByText('No changes recorded.')).toBeInTheDocument();
  });
});
