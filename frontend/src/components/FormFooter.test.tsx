import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FormFooter } from './FormFooter';

const wrap = (ui: React.ReactNode) => render(<MantineProvider>{ui}</MantineProvider>);

describe('FormFooter', () => {
  it('shows the error above the submit button', () => {
    wrap(<FormFooter error="slug already taken" label="Create tenant" busy={false} />);
    expect(screen.getByRole('alert')).toHaveTextContent('slug already taken');
    expect(screen.getByRole('button', { name: 'Create tenant' })).toHaveAttribute('type', 'submit');
  });
  it('shows no alert without an error, and a disabled button when asked', () => {
    wrap(<FormFooter error="" label="Create key" busy={false} disabled />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Create key' })).toBeDisabled();
  });
});
