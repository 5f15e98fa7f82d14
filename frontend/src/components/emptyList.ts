import { pageCount } from './pageRange';

export interface EmptyListInput {
  /** The total the server counted for the filter (totalCount). */
  total: number;
  page: number;
  size: number;
  /** Whether a filter (or search, or date range) narrows the list. */
  filtered: boolean;
  /** A From date after the To date. */
  fromAfterTo?: boolean;
  /** "processes", "archives", "entries". */
  noun: string;
  /** What to say when there is nothing at all ("Nothing has run yet."). */
  nothingYet: string;
}

export interface EmptyListMessage {
  title: string;
  body: string;
  /** Set when the page is past the end: the last page that has rows. */
  lastPage?: number;
}

/**
 * Why an empty page is empty, in words: a page past the end, a date range
 * that ends before it starts, a filter that matches nothing, or nothing yet.
 */
export function emptyListMessage({ total, page, size, filtered, fromAfterTo, noun, nothingYet }: EmptyListInput): EmptyListMessage {
  if (fromAfterTo) return { title: 'The date range is reversed', body: 'The “To” date is before the “From” date. Swap them or pick another range.' };
  if (total > 0 && page > 1) {
    const last = pageCount(total, size);
    return {
      title: `There is no page ${page.toLocaleString()}`,
      body: `The ${noun} fill ${last === 1 ? '1 page' : `${last.toLocaleString()} pages`}.`,
      lastPage: last,
    };
  }
  if (filtered) return { title: `No ${noun} match`, body: 'Nothing matches this filter. Try a wider one.' };
  return { title: `No ${noun}`, body: nothingYet };
}
