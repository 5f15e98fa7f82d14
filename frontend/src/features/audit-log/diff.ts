export interface LeafChange {
  path: string;
  old: unknown;
  new: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * The differences of two JSON values at their leaves, with paths like the server's
 * FieldChange ("plan", "limits.seats", "items[2]"). Used when an entry has no `changes`.
 */
export function leafChanges(oldValue: unknown, newValue: unknown, path = ''): LeafChange[] {
  if (isObject(oldValue) && isObject(newValue)) {
    const keys = [...new Set([...Object.keys(oldValue), ...Object.keys(newValue)])].sort();
    return keys.flatMap((k) => leafChanges(oldValue[k], newValue[k], join(path, k)));
  }
  if (Array.isArray(oldValue) && Array.isArray(newValue)) {
    const n = Math.max(oldValue.length, newValue.length);
    const out: LeafChange[] = [];
    for (let i = 0; i < n; i++) out.push(...leafChanges(oldValue[i], newValue[i], join(path, i)));
    return out;
  }
  if (JSON.stringify(oldValue) === JSON.stringify(newValue)) return [];
  return [{ path: path || '(value)', old: oldValue ?? null, new: newValue ?? null }];
}

export type ChangeKind = 'added' | 'removed' | 'changed';

export function changeKind(c: { old?: unknown; new?: unknown }): ChangeKind {
  if (c.old === null || c.old === undefined) return 'added';
  if (c.new === null || c.new === undefined) return 'removed';
  return 'changed';
}
