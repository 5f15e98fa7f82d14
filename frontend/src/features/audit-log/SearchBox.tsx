import { CloseButton, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { IconSearch } from '../../components/icons';

/** Free-text search of the log (auditEntries' `search`); applies on Enter, like GitHub's audit log. */
export function SearchBox({ value, onApply }: { value: string; onApply(value: string): void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <form
      role="search"
      aria-label="Search the audit log"
      style={{ minWidth: 220, flex: '0 1 300px' }}
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft.trim());
      }}
    >
      <TextInput
          size="sm"
          type="search"
          aria-label="Search"
          placeholder="Search actions, resources, actors…"
          leftSection={<IconSearch />}
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
          rightSection={
            value ? (
              <CloseButton
                size="sm"
                aria-label="Clear the search"
                onClick={() => {
                  setDraft('');
                  onApply('');
                }}
              />
            ) : undefined
          }
        />
    </form>
  );
}
