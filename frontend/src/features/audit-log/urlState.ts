export const PAGE_SIZES = [25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
const SIZE_KEY = 'trailmark.auditLog.pageSize';

/** The audit log's tabs: everything, or only entries caused by triggers and webhooks. */
export type AuditLogTab = 'all' | 'triggers';

/** Everything that selects what the audit table shows; lives in the URL query string. */
export interface AuditLogState {
  filter: string;
  /** Free text: auditEntries' `search` (URL `q`). */
  search: string;
  /** URL `tab=triggers`; 'all' is the default and stays out of the URL. */
  tab: AuditLogTab;
  actions: string[];
  resourceTypes: string[];
  user: string;
  /** Tenants picked on the platform admin's global log, by slug (`?tenant=`). */
  tenants: string[];
  from: string; // YYYY-MM-DD, local day, inclusive
  to: string; // YYYY-MM-DD, local day, inclusive
  page: number;
  size: PageSize;
  live: boolean;
  /** The entry open in the detail drawer (its permalink), or ''. */
  entry: string;
}

function storedSize(): PageSize {
  try {
    const v = Number(sessionStorage.getItem(SIZE_KEY));
    return (PAGE_SIZES as readonly number[]).includes(v) ? (v as PageSize) : 25;
  } catch {
    return 25;
  }
}

export function rememberPageSize(size: PageSize): void {
  try {
    sessionStorage.setItem(SIZE_KEY, String(size));
  } catch {
    /* ignore */
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseAuditLogState(params: URLSearchParams): AuditLogState {
  const size = Number(params.get('size'));
  const page = Number(params.get('page'));
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  return {
    filter: params.get('filter') ?? '',
    search: params.get('q') ?? '',
    tab: params.get('tab') === 'triggers' ? 'triggers' : 'all',
    actions: params.getAll('action').filter(Boolean),
    resourceTypes: params.getAll('type').filter(Boolean),
    user: params.get('user') ?? '',
    tenants: params.getAll('tenant').filter(Boolean),
    from: DAY.test(from) ? from : '',
    to: DAY.test(to) ? to : '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? (size as PageSize) : storedSize(),
    live: params.get('live') === '1',
    entry: params.get('entry') ?? '',
  };
}

/** The query string for a state; defaults are left out so URLs stay short. */
export function serializeAuditLogState(s: AuditLogState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.tab === 'triggers') p.set('tab', 'triggers');
  if (s.filter) p.set('filter', s.filter);
  if (s.search.trim()) p.set('q', s.search.trim());
  for (const a of s.actions) p.append('action', a);
  for (const t of s.resourceTypes) p.append('type', t);
  if (s.user) p.set('user', s.user);
  for (const t of s.tenants) p.append('tenant', t);
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  if (s.page > 1) p.set('page', String(s.page));
  if (s.size !== 25) p.set('size', String(s.size));
  if (s.live) p.set('live', '1');
  if (s.entry) p.set('entry', s.entry);
  return p;
}
