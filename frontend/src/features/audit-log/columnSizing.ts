import type { ColumnSizingState } from '@tanstack/react-table';

export const COLUMN_SIZING_KEY = 'trailmark.auditLog.columnSizing';
const MIN = 60;
const MAX = 1200;

/** Column widths the user chose, from localStorage; junk is dropped. */
export function loadColumnSizing(key = COLUMN_SIZING_KEY): ColumnSizingState {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return {};
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: ColumnSizingState = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof v === 'number' && Number.isFinite(v)) out[k] = Math.min(MAX, Math.max(MIN, Math.round(v)));
    }
    return out;
  } catch {
    return {};
  }
}

export function saveColumnSizing(sizing: ColumnSizingState, key = COLUMN_SIZING_KEY): void {
  try {
    localStorage.setItem(key, JSON.stringify(sizing));
  } catch {
    /* quota or disabled storage: widths just aren't remembered */
  }
}
