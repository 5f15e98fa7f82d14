import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Pager } from './Pager';

const wrap = (ui: React.ReactNode) => render(<MantineProvider>{ui}</MantineProvider>);
const noop = () => {};

describe('Pager', () => {
  it('shows an exact count as it is', () => {
    wrap(<Pager page={1} size={25} total={412} onPage={noop} noun="entries" />);
    expect(screen.getByTestId('showing')).toHaveTextContent('Showing 1–25 of 412 entries');
  });
  it('shows a capped count as a lower bound', () => {
    wrap(<Pager page={1} size={25} total={1000} capped onPage={noop} noun="entries" />);
    expect(screen.getByTestId('showing').textContent).toBe('Showing 1–25 of 1,000+ entries');
  });
  it('says when the server estimated the count instead of counting', () => {
    wrap(<Pager page={2} size={25} total={1000} capped estimated onPage={noop} noun="entries" />);
    expect(screen.getByTestId('showing').textContent).toBe('Showing 26–50 of 1,000+ entries (estimated)');
  });
});
