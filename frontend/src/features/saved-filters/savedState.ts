/**
 * What a saved filter keeps of a page's URL query string: everything that selects rows
 * (filter, pickers, search, dates, switches), not where the viewer is (page, page size,
 * the open entry, the live tail).
 */
const NOT_SAVED = new Set(['page', 'size', 'entry', 'live']);

/** The state to save for the current query string, sorted so equal states compare equal. */
export function savedStateOf(params: URLSearchParams): string {
  const out = new URLSearchParams();
  const keys = [...new Set(params.keys())].filter((k) => !NOT_SAVED.has(k)).sort();
  for (const k of keys) for (const v of params.getAll(k)) if (v !== '') out.append(k, v);
  return out.toString();
}

/** The query string that applies a saved state: its parameters, keeping the page size. */
export function applySavedState(current: URLSearchParams, state: string): URLSearchParams {
  const next = new URLSearchParams(state);
  for (const k of NOT_SAVED) next.delete(k);
  const size = current.get('size');
  if (size) next.set('size', size);
  return next;
}

/** Whether the current query string is the saved state (the filter in use). */
export function isCurrent(params: URLSearchParams, state: string): boolean {
  return savedStateOf(params) === savedStateOf(new URLSearchParams(state));
}

/** A name for a new saved filter, from the filter text when there is one. */
export function suggestName(params: URLSearchParams): string {
  const f = (params.get('filter') ?? '').trim();
  if (f) return f.length > 60 ? `${f.slice(0, 57)}…` : f;
  return '';
}
