import { Anchor, Text } from '@mantine/core';

/** How a query box turns plain words into a search. */
export interface SearchInstead {
  /** The words to search for, or null when the text looks like a filter. */
  detect(text: string): string | null;
  onSearch(words: string): void;
}

/** "Search for “deploy” instead?" under a query box holding plain words rather than a filter. */
export function SearchInsteadHint({ words, onSearch }: { words: string; onSearch(): void }) {
  return (
    <Text id="search-instead-hint" size="sm" mt={4} data-testid="search-instead">
      Plain words are not a filter (a filter looks like <code>action = 'member.invite'</code>).{' '}
      <Anchor component="button" type="button" size="sm" onClick={onSearch}>
        Search for “{words}” instead?
      </Anchor>
    </Text>
  );
}
