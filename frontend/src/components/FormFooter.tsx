import { Alert, Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';

export interface FormFooterProps {
  /** What went wrong with the last submit, shown above the button; nothing when empty. */
  error?: string | null;
  /** The submit button's label. */
  label: ReactNode;
  busy: boolean;
  disabled?: boolean;
}

/** The end of a form in a dialog: the submit's error, then the submit button on the right. */
export function FormFooter({ error, label, busy, disabled }: FormFooterProps) {
  return (
    <>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button type="submit" loading={busy} disabled={disabled}>
          {label}
        </Button>
      </Group>
    </>
  );
}
