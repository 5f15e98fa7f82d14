import { Box, Button, Code, Group, Menu, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Completion } from '../lib/filterCompletion';
import { CompletingInput } from './CompletingInput';
import { SearchInsteadHint, type SearchInstead } from './SearchInsteadHint';

export interface FilterErrorViewProps {
  filter: string;
  message: string;
  /** 1-based character offset into `filter`, or null when unknown. */
  position: number | null;
}

/** Shows the filter with the offending character marked and a caret under it. */
export function FilterErrorView({ filter, message, position }: FilterErrorViewProps) {
  const valid = position != null && position >= 1 && position <= filter.length + 1;
  const i = valid ? position - 1 : -1;
  return (
    <Box role="alert" data-testid="filter-error" mt={4}>
      <Text size="sm" c="red">
        {message}
      </Text>
      {valid && (
        <Code block fz="xs" mt={4} style={{ whiteSpace: 'pre', overflowX: 'auto' }}>
          {filter.slice(0, i)}
          <mark data-testid="filter-error-mark" style={{ background: 'var(--mantine-color-red-light)', color: 'inherit', outline: '1px solid var(--mantine-color-red-filled)' }}>
            {i < filter.length ? filter[i] : ' '}
          </mark>
          {filter.slice(i + 1)}
          {'\n'}
          <span aria-hidden="true">{' '.repeat(i)}^</span>
          <span style={{ position: 'absolute', left: -9999 }}>{` at position ${position}`}</span>
        </Code>
      )}
    </Box>
  );
}

export interface QueryFilterProps {
  value: string;
  onApply(value: string): void;
  error?: { message: string; position: number | null } | null;
  presets?: { label: string; filter: string }[];
  placeholder?: string;
  label?: string;
  /** Completions for the box (fields, operators, values); without it, a plain input. */
  complete?(text: string, caret: number): Completion;
  /** Plain words typed into the box are offered as a search instead of being applied. */
  searchInstead?: SearchInstead;
}

/** A query-filter box in the filter language; applies on Enter or the button. */
export function QueryFilter({ value, onApply, error, presets, placeholder, label = 'Query filter', complete, searchInstead }: QueryFilterProps) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const words = searchInstead?.detect(draft) ?? null;
  const inputProps = {
    style: { flex: 1 },
    'aria-label': label,
    // Plain words: the hint is the box's description, shown below it.
    description:
      words && searchInstead ? (
        <SearchInsteadHint
          words={words}
          onSearch={() => {
            setDraft('');
            searchInstead.onSearch(words);
          }}
        />
      ) : undefined,
    inputWrapperOrder: ['label', 'input', 'description', 'error'] as ('label' | 'input' | 'description' | 'error')[],
    placeholder: placeholder ?? "e.g. action like 'member.%' and status = 'failure'",
    error: error ? true : undefined,
    ff: 'monospace',
    size: 'sm',
    spellCheck: false,
  } as const;
  return (
    <Box style={{ flex: 1, minWidth: 260 }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          // Plain words are no filter: offer the search rather than send them to fail.
          if (words) return;
          onApply(draft.trim() === '' ? '' : draft);
        }}
      >
        <Group gap={4} wrap="nowrap" align="flex-start">
          {presets && presets.length > 0 && (
            <Menu position="bottom-start" withinPortal>
              <Menu.Target>
                <Button variant="default" size="sm">
                  Query
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {presets.map((p) => (
                  <Menu.Item key={p.label} onClick={() => onApply(p.filter)}>
                    {p.label}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          )}
          {complete ? (
            <CompletingInput {...inputProps} value={draft} onChange={setDraft} complete={complete} />
          ) : (
            <TextInput {...inputProps} value={draft} onChange={(e) => setDraft(e.currentTarget.value)} />
          )}
          <Button type="submit" size="sm" variant="light">
            Apply
          </Button>
          {value && (
            <Button size="sm" variant="subtle" onClick={() => onApply('')}>
              Clear
            </Button>
          )}
        </Group>
      </form>
      {error && !(words && draft === value) && <FilterErrorView filter={value} message={error.message} position={error.position} />}
    </Box>
  );
}
