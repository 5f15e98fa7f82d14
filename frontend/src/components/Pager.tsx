import { Button, Group, NativeSelect, Text } from '@mantine/core';
import { pageCount, pageRange, showingRange } from './pageRange';

export interface PagerProps {
  page: number;
  size: number;
  total: number;
  /** total is a lower bound (the server stopped counting): shown as "1,000+", and the pages go on past it one at a time. */
  capped?: boolean;
  /** total was estimated, not counted (the server's sample of a common search text): "(estimated)" follows it. */
  estimated?: boolean;
  sizes?: readonly number[];
  onPage(page: number): void;
  onSize?(size: number): void;
  noun?: string;
}

/** "Showing 1–25 of 412", a page-size picker and numbered pages with "…". */
export function Pager({ page, size, total, capped = false, estimated = false, sizes, onPage, onSize, noun = 'items' }: PagerProps) {
  const pages = capped ? Math.max(pageCount(total, size), page + 1) : pageCount(total, size);
  const { from, to } = showingRange(page, size, capped ? Math.max(total, page * size) : total);
  const items = pageRange(page, pages);
  return (
    <Group justify="space-between" gap="sm" wrap="wrap" py="xs">
      <Group gap="sm">
        <Text size="sm" c="dimmed" aria-live="polite" data-testid="showing">
          Showing {from}–{to} of {total.toLocaleString()}{capped ? '+' : ''} {noun}{estimated ? ' (estimated)' : ''}
        </Text>
        {sizes && onSize && (
          <NativeSelect
            size="xs"
            aria-label="Rows per page"
            value={String(size)}
            data={sizes.map((s) => ({ value: String(s), label: `${s} / page` }))}
            onChange={(e) => onSize(Number(e.currentTarget.value))}
          />
        )}
      </Group>
      <nav aria-label="Pagination">
        <Group gap={4}>
          <Button size="xs" variant="default" disabled={page <= 1} onClick={() => onPage(page - 1)} aria-label="Previous page">
            ‹
          </Button>
          {items.map((it) =>
            typeof it === 'number' ? (
              <Button
                key={it}
                size="xs"
                variant={it === page ? 'filled' : 'default'}
                aria-current={it === page ? 'page' : undefined}
                aria-label={`Page ${it}`}
                onClick={() => onPage(it)}
              >
                {it}
              </Button>
            ) : (
              <Button
                key={it}
                size="xs"
                variant="subtle"
                aria-label={it === 'ellipsis-left' ? 'Earlier pages' : 'Later pages'}
                onClick={() => onPage(it === 'ellipsis-left' ? Math.max(1, page - 5) : Math.min(pages, page + 5))}
              >
                …
              </Button>
            ),
          )}
          <Button size="xs" variant="default" disabled={page >= pages} onClick={() => onPage(page + 1)} aria-label="Next page">
            ›
          </Button>
        </Group>
      </nav>
    </Group>
  );
}
