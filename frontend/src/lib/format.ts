// One formatter for every date: toLocaleString builds a new Intl.DateTimeFormat on each call,
// which cost the audit table most of its render time (docs/performance.md).
let localFormat: Intl.DateTimeFormat | null = null;

export function formatLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  localFormat ??= new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  return localFormat.format(d);
}

export function formatUTC(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A compact one-line rendering of a JSON value for table cells. */
export function compactJSON(value: unknown, max = 120): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function prettyJSON(value: unknown): string {
  return JSON.stringify(value ?? null, null, 2);
}

/** Quote a value as a filter-language string literal ('O''Brien'). */
export function quoteFilter(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function actorLabel(actor: { name?: string | null; email?: string | null; id?: string | null; type: string }): string {
  return actor.name || actor.email || actor.id || actor.type.toLowerCase();
}
