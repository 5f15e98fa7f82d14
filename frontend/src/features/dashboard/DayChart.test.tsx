import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DayChart, fillDays } from './DayChart';

describe('fillDays', () => {
  it('fills missing UTC days with zero, oldest first', () => {
    const out = fillDays([{ day: '2026-03-02', count: 5 }], new Date('2026-03-03T12:00:00Z'), 3);
    expect(out).toEqual([
      { day: '2026-03-01', count: 0 },
      { day: '2026-03-02', count: 5 },
      { day: '2026-03-03', count: 0 },
    ]);
  });
});

describe('DayChart', () => {
  it('draws one bar per day with an accessible summary', () => {
    render(
      <MantineProvider>
        <DayChart days={[{ day: '2026-03-01', count: 2 }, { day: '2026-03-02', count: 4 }]} />
      </MantineProvider>,
    );
    expect(screen.getByRole('img')).toHaveAttribute('aria-label', 'Entries per day over 2 days, 6 in total');
    expect(document.querySelectorAll('rect')).toHaveLength(2);
  });
});
