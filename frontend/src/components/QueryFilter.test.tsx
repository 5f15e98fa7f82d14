import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { complete, plainWords } from '../lib/filterCompletion';
import { FilterErrorView, QueryFilter } from './QueryFilter';

const wrap = (ui: React.ReactNode) => render(<MantineProvider>{ui}</MantineProvider>);

describe('FilterErrorView', () => {
  it('marks the character at the 1-based position and puts a caret under it', () => {
    wrap(<FilterErrorView filter="status = = 'x'" message="unexpected '=' at position 10" position={10} />);
    expect(screen.getByRole('alert')).toHaveTextContent("unexpected '=' at position 10");
    const mark = screen.getByTestId('filter-error-mark');
    expect(mark).toHaveTextContent('=');
    expect(mark.previousSibling?.textContent).toBe('status = ');
    const caret = screen.getByText((_, el) => el?.tagName === 'SPAN' && /^ +\^$/.test(el.textContent ?? ''));
    expect(caret.textContent).toBe(`${' '.repeat(9)}^`);
  });
  it('marks the end of input when the error is past the last character', () => {
    wrap(<FilterErrorView filter="action =" message="unexpected end" position={9} />);
    expect(screen.getByTestId('filter-error-mark').textContent).toBe(' ');
  });
  it('shows only the message without a usable position', () => {
    wrap(<FilterErrorView filter="abc" message="bad filter" position={null} />);
    expect(screen.getByRole('alert')).toHaveTextContent('bad filter');
    expect(screen.queryByTestId('filter-error-mark')).toBeNull();
  });
});

describe('QueryFilter with completion and plain words', () => {
  it('offers plain words as a search instead of applying them', () => {
    const applied: string[] = [];
    const searched: string[] = [];
    wrap(<QueryFilter value="" onApply={(v) => applied.push(v)} complete={(t, c) => complete(t, c)} searchInstead={{ detect: plainWords, onSearch: (w) => searched.push(w) }} />);
    const box = screen.getByRole('combobox', { name: 'Query filter' });
    fireEvent.change(box, { target: { value: 'deploy', selectionStart: 6 } });
    expect(box).toHaveAccessibleDescription(/Search for “deploy” instead\?/);
    fireEvent.submit(box.closest('form')!);
    expect(applied).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Search for “deploy” instead?' }));
    expect(searched).toEqual(['deploy']);
    expect(box).toHaveValue('');

    // A filter is applied as before, and the list follows the ARIA combobox pattern.
    fireEvent.change(box, { target: { value: 'stat', selectionStart: 4 } });
    expect(box).toHaveAttribute('aria-expanded', 'true');
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    const option = screen.getByRole('option', { name: /status/ });
    expect(option).toHaveAttribute('aria-selected', 'true');
    expect(box).toHaveAttribute('aria-activedescendant', option.id);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box).toHaveValue('status ');
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(box).toHaveAttribute('aria-expanded', 'false');
    fireEvent.change(box, { target: { value: "status = 'failure'" } });
    fireEvent.submit(box.closest('form')!);
    expect(applied).toEqual(["status = 'failure'"]);
  });
});
