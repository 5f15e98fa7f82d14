import { Anchor, Text } from '@mantine/core';

/** How a query box turns plain words into a search. */
export interface SearchInstead {
  /** The words to search for, or null when the text looks like a filter. */
  detect(text: string): string | null;
  onSearch(words: string): void;
}

/**
 * "Search for “deploy” instead?" for a query box holding plain words rather than a filter; the
 * box shows it as its description (below it), so a screen reader reads it with the box.
 */
export function SearchInsteadHint({ words, onSearch }: { words: string; onSearch(): void }) {
  return (
    <Text span size="sm" c="var(--mantine-color-text)" data-testid="search-instead">
      Plain words are not a filter (a filter looks like <code>action = 'member.invite'</code>).{' '}
      <Anchor component="button" type="button" size="sm" onClick={onSearch}>
        Search for “{words}” instead?
      </Anchor>
    </Text>
  );
}
