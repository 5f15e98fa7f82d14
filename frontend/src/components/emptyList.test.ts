import { describe, expect, it } from 'vitest';
import { emptyListMessage } from './emptyList';

const base = { total: 0, page: 1, size: 25, filtered: false, noun: 'processes', nothingYet: 'Nothing has run yet.' };

describe('emptyListMessage', () => {
  it('says a page past the end does not exist and offers the last one', () => {
    expect(emptyListMessage({ ...base, total: 60, page: 9999 })).toEqual({
      title: 'There is no page 9,999',
      body: 'The processes fill 3 pages.',
      lastPage: 3,
    });
  });

  it('says when the To date is before the From date', () => {
    expect(emptyListMessage({ ...base, fromAfterTo: true, filtered: true }).title).toBe('The date range is reversed');
  });

  it('tells a filter that matches nothing from an empty list', () => {
    expect(emptyListMessage({ ...base, filtered: true }).body).toMatch(/Nothing matches this filter/);
    expect(emptyListMessage(base)).toEqual({ title: 'No processes', body: 'Nothing has run yet.' });
  });
});
