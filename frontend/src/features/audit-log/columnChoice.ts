/**
 * Which audit-table columns a person shows. Persisted in localStorage per signed-in user (and per
 * view: a tenant's log and the platform admin's all-tenants log differ), so two people sharing a
 * browser keep their own choice.
 */
export interface ColumnMeta {
  id: string;
  label: string;
  /** Width in px; the default columns of a view add up to less than 1440 px minus the navigation. */
  size: number;
  /** Shown until the person chooses otherwise. */
  byDefault: boolean;
  /** Only in the all-tenants view. */
  tenantOnly?: boolean;
}

export const AUDIT_COLUMNS: readonly ColumnMeta[] = [
  { id: 'time', label: 'Time', size: 180, byDefault: true },
  { id: 'type', label: 'Type', size: 110, byDefault: true },
  { id: 'action', label: 'Action', size: 180, byDefault: true },
  { id: 'user', label: 'User', size: 150, byDefault: true },
  { id: 'tenant', label: 'Tenant', size: 130, byDefault: true, tenantOnly: true },
  { id: 'workspace', label: 'Workspace', size: 110, byDefault: false },
  { id: 'identifier', label: 'Identifier', size: 170, byDefault: true },
  { id: 'old', label: 'Old value', size: 200, byDefault: false },
  { id: 'new', label: 'New value', size: 220, byDefault: true },
  { id: 'status', label: 'Status', size: 90, byDefault: true },
];

/** The columns a view offers, in order. */
export function columnsFor(showTenant: boolean): ColumnMeta[] {
  return AUDIT_COLUMNS.filter((c) => showTenant || !c.tenantOnly);
}

/** Column ids shown by default. The all-tenants view trades Type for Tenant to stay as narrow. */
export function defaultColumns(showTenant: boolean): string[] {
  return columnsFor(showTenant)
    .filter((c) => c.byDefault && !(showTenant && c.id === 'type'))
    .map((c) => c.id);
}

/** Total width of the given columns at their default sizes. */
export function widthOf(ids: readonly string[]): number {
  return ids.reduce((w, id) => w + (AUDIT_COLUMNS.find((c) => c.id === id)?.size ?? 0), 0);
}

export function columnChoiceKey(view: string, userID: string): string {
  return `trailmark.${view}.columns.${userID}`;
}

/**
 * The stored choice for a view, in the view's column order; unknown ids are dropped and an
 * empty, missing or broken value gives the defaults (a table needs at least one column).
 */
export function loadColumnChoice(key: string, showTenant: boolean): string[] {
  const offered = columnsFor(showTenant).map((c) => c.id);
  try {
    const raw = localStorage.getItem(key);
    if (raw) {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed)) {
        const chosen = offered.filter((id) => parsed.includes(id));
        if (chosen.length > 0) return chosen;
      }
    }
  } catch {
    /* disabled storage or junk: defaults */
  }
  return defaultColumns(showTenant);
}

export function saveColumnChoice(key: string, ids: readonly string[]): void {
  try {
    localStorage.setItem(key, JSON.stringify(ids));
  } catch {
    /* quota or disabled storage: the choice just isn't remembered */
  }
}

/** Toggles a column, keeping the view's order and at least one column. */
export function toggleColumn(current: readonly string[], id: string, showTenant: boolean): string[] {
  const next = current.includes(id) ? current.filter((c) => c !== id) : [...current, id];
  if (next.length === 0) return [...current];
  const order = columnsFor(showTenant).map((c) => c.id);
  return order.filter((c) => next.includes(c));
}
