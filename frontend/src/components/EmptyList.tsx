import { Button } from '@mantine/core';
import { emptyListMessage, type EmptyListInput } from './emptyList';
import { EmptyState } from './states';

/** An empty list page that says why it is empty (see emptyListMessage). */
export function EmptyList({ onPage, ...input }: EmptyListInput & { onPage(page: number): void }) {
  const m = emptyListMessage(input);
  return (
    <EmptyState title={m.title}>
      {m.body}
      {m.lastPage != null && (
        <>
          {' '}
          <Button variant="subtle" size="compact-sm" onClick={() => onPage(m.lastPage!)}>
            Go to page {m.lastPage.toLocaleString()}
          </Button>
        </>
      )}
    </EmptyState>
  );
}
