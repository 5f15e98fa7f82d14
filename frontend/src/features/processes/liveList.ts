// The live processes list: one page of `processes` kept current by
// `processUpdated(tenantID)` events, which carry every process of the tenant
// and know nothing of the list's filter or paging.
//
// - A process on the page is updated in place from its latest event.
// - On page 1 an event for a process that is not on the page but would sort
//   into it (newer than its last row, or the page is not full) may be a new
//   process or one that now matches the filter: the page is read again, so the
//   server decides what matches and the paging stays exact. New rows are
//   highlighted.
// - On a later page nothing moves: an event for a process newer than the
//   newest one of the list when the page was loaded is counted, after asking
//   the server which of the newest processes match the filter, as "N new".
// - A process is checked again only when its status changes: progress does
//   not change whether it matches (the filter's fields are kind, status and
//   times that change with the status).
// - After the WebSocket (re)connects, events may have been missed: page 1 is
//   read again; a later page re-reads its own rows by ID and recounts.
//
// The list is ordered by ID, newest first (IDs start with the creation time),
// so "sorts before" is a comparison of IDs.

export interface ProcessLike {
  id: string;
  status: string;
}

export interface PageResult<P> {
  rows: P[];
  total: number;
}

export interface LiveListOptions<P extends ProcessLike> {
  page: number;
  size: number;
  /** Page 1 read again from the server (network only); null when it failed. */
  fetchPage(): Promise<PageResult<P> | null>;
  /** The IDs of the newest processes matching the filter, newest first; null on failure. */
  fetchHead(): Promise<string[] | null>;
  /** The current state of these processes; null on failure. */
  fetchNodes(ids: string[]): Promise<P[] | null>;
  /** Delay that coalesces a burst of events into one request (ms). */
  delay?: number;
  /** Most events kept for processes not on the page. */
  maxLive?: number;
}

/** Whether a process with ID a sorts above one with ID b (newest first). */
export function sortsBefore(a: string, b: string): boolean {
  return a > b;
}

/** How many of ids (the newest matching processes) are newer than the baseline head. */
export function countNewer(ids: readonly string[], head: string | null): number {
  return head == null ? ids.length : ids.filter((id) => sortsBefore(id, head)).length;
}

interface LiveEntry<P> {
  p: P;
  /** Order of arrival: entries that arrived after a read was sent outlive its answer. */
  seq: number;
}

export class LiveProcessList<P extends ProcessLike> {
  private readonly opts: Required<LiveListOptions<P>>;
  private rows: P[] = [];
  private rowIds = new Set<string>();
  private total = 0;
  private loaded = false;
  /** ID of the newest matching process when a later page was loaded (null: none). */
  private head: string | null | undefined = undefined;
  private live = new Map<string, LiveEntry<P>>();
  private seq = 0;
  /** Status at which a process not on the page was last checked against the filter. */
  private checked = new Map<string, string>();
  private highlighted = new Set<string>();
  private newCount = 0;
  private version = 0;
  private listeners = new Set<() => void>();
  private active = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private again = false;
  private catchUp = false;
  private cache: { version: number; rows: P[] } | null = null;

  constructor(opts: LiveListOptions<P>) {
    this.opts = { delay: 200, maxLive: 500, ...opts };
  }

  // --- the React side -------------------------------------------------------

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getVersion = (): number => this.version;

  /** Starts acting on events (a mounted list); stop() cancels pending reads. */
  start(): void {
    this.active = true;
    this.scan();
  }

  stop(): void {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.again = false;
  }

  // --- inputs ---------------------------------------------------------------

  /** The page as the list query read it (a first load or an explicit reload). */
  setPage(rows: P[], total: number, head?: string | null): void {
    this.rows = rows;
    this.rowIds = new Set(rows.map((r) => r.id));
    this.total = total;
    this.loaded = true;
    if (this.opts.page > 1) {
      this.head = head ?? null;
      this.newCount = 0;
    }
    this.checked.clear();
    this.changed();
    this.scan();
  }

  /** A processUpdated event. */
  event(p: P): void {
    this.live.delete(p.id);
    this.live.set(p.id, { p, seq: ++this.seq });
    if (this.live.size > this.opts.maxLive) {
      for (const id of this.live.keys()) {
        if (this.live.size <= this.opts.maxLive) break;
        if (!this.rowIds.has(id)) this.live.delete(id);
      }
    }
    if (this.rowIds.has(p.id)) this.changed();
    this.scan();
  }

  /** The WebSocket connected again: what happened meanwhile was not delivered. */
  reconnected(): void {
    if (!this.loaded) return;
    this.catchUp = true;
    this.trigger();
  }

  // --- outputs --------------------------------------------------------------

  /** The page's rows, each in its latest known state. */
  getRows(): P[] {
    if (this.cache?.version === this.version) return this.cache.rows;
    const rows = this.rows.map((r) => this.live.get(r.id)?.p ?? r);
    this.cache = { version: this.version, rows };
    return rows;
  }

  isLoaded(): boolean {
    return this.loaded;
  }

  getTotal(): number {
    return this.total;
  }

  /** Rows that appeared on page 1 while it was open. */
  isHighlighted(id: string): boolean {
    return this.highlighted.has(id);
  }

  /** New matching processes above a later page. */
  getNewCount(): number {
    return this.newCount;
  }

  // --- internals ------------------------------------------------------------

  private changed(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }

  /** Whether a process not on the page could belong on it (page 1) or above it (later pages). */
  private relevant(p: P): boolean {
    if (this.opts.page === 1) {
      const last = this.rows[this.rows.length - 1];
      return this.rows.length < this.opts.size || !last || sortsBefore(p.id, last.id);
    }
    return this.head !== undefined && (this.head === null || sortsBefore(p.id, this.head));
  }

  private scan(): void {
    if (!this.loaded || !this.active) return;
    let need = false;
    for (const [id, { p }] of this.live) {
      if (this.rowIds.has(id) || !this.relevant(p) || this.checked.get(id) === p.status) continue;
      this.checked.set(id, p.status);
      need = true;
    }
    if (need) this.trigger();
  }

  private trigger(): void {
    if (!this.active) return;
    if (this.running || this.timer) {
      this.again = this.again || this.running;
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.check();
    }, this.opts.delay);
  }

  private async check(): Promise<void> {
    this.running = true;
    const catchUp = this.catchUp;
    this.catchUp = false;
    const sent = this.seq;
    let ok = true;
    try {
      if (this.opts.page === 1) {
        const res = await this.opts.fetchPage();
        if (res && this.active) this.applyPage1(res, sent);
        ok = !!res;
      } else {
        const ids = [...this.rowIds];
        const [head, nodes] = await Promise.all([
          this.opts.fetchHead(),
          catchUp && ids.length > 0 ? this.opts.fetchNodes(ids) : Promise.resolve(null),
        ]);
        if (head && this.active) this.newCount = countNewer(head, this.head ?? null);
        if (nodes && this.active) {
          for (const n of nodes) {
            const e = this.live.get(n.id);
            // An event that arrived after the read was sent is at least as new.
            if (!e || e.seq <= sent) this.live.set(n.id, { p: n, seq: sent });
          }
        }
        ok = !!head && (!catchUp || ids.length === 0 || !!nodes);
        this.changed();
      }
    } catch {
      ok = false;
    } finally {
      this.running = false;
    }
    if (!ok) {
      // Check again on the next event rather than trusting what was not read.
      this.checked.clear();
      if (catchUp) this.catchUp = true;
    }
    if (this.again) {
      this.again = false;
      this.trigger();
    }
  }

  private applyPage1(res: PageResult<P>, sent: number): void {
    const top = this.rows[0];
    for (const r of res.rows) {
      if (!this.rowIds.has(r.id) && (!top || sortsBefore(r.id, top.id))) this.highlighted.add(r.id);
    }
    this.rows = res.rows;
    this.rowIds = new Set(res.rows.map((r) => r.id));
    this.total = res.total;
    // The page read answers for every event that had arrived when it was sent.
    for (const [id, e] of this.live) if (e.seq <= sent) this.live.delete(id);
    this.changed();
    this.scan();
  }
}
