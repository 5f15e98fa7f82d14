export type PageItem = number | 'ellipsis-left' | 'ellipsis-right';

/**
 * Numbered pages to show for `current` of `total` (both 1-based): the first and last
 * `boundaries` pages, `siblings` pages either side of the current one, and an ellipsis
 * for each hidden run. An ellipsis never stands for a single page (that page is shown).
 */
export function pageRange(current: number, total: number, siblings = 1, boundaries = 1): PageItem[] {
  if (total <= 0) return [];
  const cur = Math.min(Math.max(1, current), total);
  const pages = new Set<number>();
  for (let i = 1; i <= Math.min(boundaries, total); i++) pages.add(i);
  for (let i = Math.max(1, total - boundaries + 1); i <= total; i++) pages.add(i);
  for (let i = Math.max(1, cur - siblings); i <= Math.min(total, cur + siblings); i++) pages.add(i);
  const sorted = [...pages].sort((a, b) => a - b);
  const out: PageItem[] = [];
  let prev = 0;
  for (const p of sorted) {
    const gap = p - prev - 1;
    if (gap === 1) out.push(prev + 1);
    else if (gap > 1) out.push(p <= cur ? 'ellipsis-left' : 'ellipsis-right');
    out.push(p);
    prev = p;
  }
  return out;
}

export function showingRange(page: number, size: number, total: number): { from: number; to: number } {
  if (total === 0) return { from: 0, to: 0 };
  const from = (page - 1) * size + 1;
  return { from: Math.min(from, total), to: Math.min(page * size, total) };
}

export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}
