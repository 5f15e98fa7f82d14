import { Box, Paper, Text, TextInput, type TextInputProps } from '@mantine/core';
import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { applySuggestion, type Completion } from '../lib/filterCompletion';

export interface CompletingInputProps extends Omit<TextInputProps, 'value' | 'onChange'> {
  value: string;
  onChange(value: string): void;
  /** The suggestions for the text with the caret at a position. */
  complete(text: string, caret: number): Completion;
}

/**
 * A text input with a list of completions, following the ARIA combobox pattern: the input keeps
 * focus, ↓/↑ move through the options (aria-activedescendant), Enter or a click inserts one,
 * Escape closes the list, Ctrl+Space opens it. Enter without a chosen option submits the form.
 */
export function CompletingInput({ value, onChange, complete, ...rest }: CompletingInputProps) {
  const id = useId();
  const listId = `${id}-completions`;
  const input = useRef<HTMLInputElement>(null);
  const [completion, setCompletion] = useState<Completion | null>(null);
  const [active, setActive] = useState(-1);
  const caretAfter = useRef<number | null>(null);
  const options = completion?.suggestions ?? [];
  const open = options.length > 0;

  useLayoutEffect(() => {
    if (caretAfter.current != null && input.current) {
      input.current.setSelectionRange(caretAfter.current, caretAfter.current);
      caretAfter.current = null;
    }
  });

  const suggest = (text: string, caret: number) => {
    setCompletion(complete(text, caret));
    setActive(-1);
  };
  const close = () => {
    setCompletion(null);
    setActive(-1);
  };
  const accept = (i: number) => {
    if (!completion) return;
    const next = applySuggestion(value, completion, completion.suggestions[i]);
    onChange(next.text);
    caretAfter.current = next.caret;
    suggest(next.text, next.caret);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const caret = e.currentTarget.selectionStart ?? value.length;
    if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault();
      suggest(value, caret);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) suggest(value, caret);
      else setActive((a) => (a + 1) % options.length);
    } else if (e.key === 'ArrowUp' && open) {
      e.preventDefault();
      setActive((a) => (a <= 0 ? options.length - 1 : a - 1));
    } else if (e.key === 'Enter' && open && active >= 0) {
      e.preventDefault();
      accept(active);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Enter') {
      close();
    }
  };

  return (
    <Box pos="relative" style={rest.style}>
      <TextInput
        {...rest}
        style={undefined}
        ref={input}
        value={value}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? `${listId}-${active}` : undefined}
        autoComplete="off"
        onChange={(e) => {
          onChange(e.currentTarget.value);
          suggest(e.currentTarget.value, e.currentTarget.selectionStart ?? e.currentTarget.value.length);
        }}
        onKeyDown={onKeyDown}
        onBlur={close}
      />
      <Paper
        component="ul"
        id={listId}
        role="listbox"
        aria-label="Completions"
        shadow="md"
        withBorder
        data-testid="filter-completions"
        style={{ display: open ? 'block' : 'none', position: 'absolute', zIndex: 300, left: 0, right: 0, top: '100%', marginTop: 2, padding: 4, listStyle: 'none', maxHeight: 280, overflowY: 'auto' }}
      >
        {options.map((o, i) => (
          <Box
            component="li"
            key={`${o.kind}:${o.label}`}
            id={`${listId}-${i}`}
            role="option"
            aria-label={o.detail ? `${o.label}, ${o.detail}` : o.label}
            aria-selected={i === active}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => accept(i)}
            onMouseEnter={() => setActive(i)}
            px="xs"
            py={2}
            style={{
              cursor: 'pointer',
              borderRadius: 4,
              display: 'flex',
              gap: 12,
              justifyContent: 'space-between',
              background: i === active ? 'var(--mantine-color-blue-light)' : undefined,
            }}
          >
            <Text span ff="monospace" size="sm">
              {o.label}
            </Text>
            {o.detail && (
              <Text span size="xs" c="dimmed" truncate>
                {o.detail}
              </Text>
            )}
          </Box>
        ))}
      </Paper>
    </Box>
  );
}
