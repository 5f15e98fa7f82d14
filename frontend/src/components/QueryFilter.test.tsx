import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FilterErrorView } from './QueryFilter';

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
