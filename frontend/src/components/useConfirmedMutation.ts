import { useState } from 'react';
import { useMutation, type AnyVariables, type DocumentInput } from 'urql';
import type { ConfirmModalProps } from './ConfirmModal';
import { confirmDialog, confirmError, finishDialog } from './dialogAction';

/** A dialog open on a target (a row, or `true` for "new") or closed; see dialogAction.ts. */
export interface Dialog<T> {
  /** What the dialog is open on; null when it is closed. */
  target: T | null;
  opened: boolean;
  open(target: T): void;
  close(): void;
  /** The dialog's change went through: close it and reload the list. */
  done(): void;
}

/** A form dialog on a list page: `done()` closes it and calls reload. */
export function useDialog<T = true>(reload: () => void): Dialog<T> {
  const [target, setTarget] = useState<T | null>(null);
  const close = () => setTarget(null);
  return {
    target,
    opened: target != null,
    // Through a function, so that a target is never taken for a state updater.
    open: (t: T) => setTarget(() => t),
    close,
    done: () => finishDialog({ close, reload }),
  };
}

/** The props of ConfirmModal that the confirmed mutation drives. */
export type ConfirmedMutationModalProps = Pick<ConfirmModalProps, 'opened' | 'busy' | 'error' | 'onConfirm' | 'onClose'>;

export interface ConfirmedMutation<T> extends Dialog<T> {
  /** Spread into ConfirmModal: open on a target, busy while the mutation runs, its error shown. */
  modal: ConfirmedMutationModalProps;
}

/**
 * A confirmation on a list page ("Delete archive?"): open(row) asks, confirming
 * runs `mutation` with `variables(row)`, and a success closes the dialog and
 * calls reload; an error is shown in the dialog.
 */
export function useConfirmedMutation<T, Data, Variables extends AnyVariables>(
  mutation: DocumentInput<Data, Variables>,
  variables: (target: T) => Variables,
  reload: () => void,
): ConfirmedMutation<T> {
  const dialog = useDialog<T>(reload);
  const [state, run] = useMutation(mutation);
  return {
    ...dialog,
    modal: {
      opened: dialog.opened,
      busy: state.fetching,
      error: confirmError(state.error),
      onClose: dialog.close,
      onConfirm: () => void confirmDialog(dialog.target, (t) => run(variables(t)), { close: dialog.close, reload }),
    },
  };
}
