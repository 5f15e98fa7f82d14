// What a list page does around a dialog that changes the list: a form in a
// modal ("Create API key", "Edit schedule") or a confirmation ("Delete
// archive?") opens on a target (a row, or "new"), and once the change went
// through the dialog closes and the list is read again from the server.
//
// - A form dialog runs its own mutation and may show its result (a secret, a
//   link) before the user says it is done: done() closes and reloads.
// - A confirmation runs the mutation on its target when confirmed. Only a
//   success closes it and reloads; an error stays in the dialog to be shown,
//   and the user may confirm again or cancel.
//
// Kept apart from React so that it is tested without rendering; the hooks in
// useConfirmedMutation.ts hold the target in React state.

import type { CombinedError } from '@urql/core';
import { errorMessage } from '../lib/errors';

export interface DialogSteps {
  /** Closes the dialog (forgets its target). */
  close(): void;
  /** Reads the page's list again from the server. */
  reload(): void;
}

/** The dialog's change went through: close it, then read the list again. */
export function finishDialog(steps: DialogSteps): void {
  steps.close();
  steps.reload();
}

/**
 * Runs the confirmed mutation on the dialog's target. A success closes the
 * dialog and reloads the list; an error leaves the dialog open. Without a
 * target (the dialog closed meanwhile) nothing runs. Returns the mutation's
 * result, or null when nothing ran.
 */
export async function confirmDialog<T, R extends { error?: unknown }>(target: T | null, run: (target: T) => Promise<R>, steps: DialogSteps): Promise<R | null> {
  if (target == null) return null;
  const res = await run(target);
  if (!res.error) finishDialog(steps);
  return res;
}

/** The error a confirmation shows: the mutation's last one, if any. */
export function confirmError(error: CombinedError | undefined | null): string | null {
  return error ? errorMessage(error) : null;
}
