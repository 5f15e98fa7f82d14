// How a log stream is doing, in words: the health badge, the lag and the last
// delivery (docs/dashboard.md "Log streams"). The server decides the status
// (PENDING, HEALTHY, FAILING, PAUSED); the badge adds one thing it can tell
// from the other fields: a stream whose recent attempts failed but not yet for
// long enough to be FAILING is "retrying".

export interface StreamHealthInput {
  status: string;
  lastError?: string | null;
  /** Since when delivery has failed without a success. */
  failingSince?: string | null;
}

export type HealthColor = 'teal' | 'yellow' | 'red' | 'gray' | 'blue';

export interface Health {
  /** The badge's word. */
  label: string;
  color: HealthColor;
  /** One sentence for the badge's title and the detail page. */
  description: string;
}

export function healthOf({ status, lastError, failingSince }: StreamHealthInput): Health {
  const last = lastError ? ` Last error: ${lastError}` : '';
  switch (status) {
    case 'PAUSED':
      return { label: 'paused', color: 'gray', description: 'Paused: nothing is sent until it is resumed, then it continues where it stopped.' };
    case 'FAILING':
      return { label: 'failing', color: 'red', description: `The destination has refused deliveries for a while; Trailmark keeps retrying, more slowly.${last}` };
  }
  if (failingSince) return { label: 'retrying', color: 'yellow', description: `The last delivery failed and is being retried.${last}` };
  if (status === 'PENDING') return { label: 'pending', color: 'blue', description: 'Nothing delivered yet.' };
  return { label: 'healthy', color: 'teal', description: 'The last delivery was accepted.' };
}

/** A duration in seconds in the largest unit that keeps it short: "45 s", "3 min", "2 h", "4 days". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  const d = Math.round(s / 86_400);
  return `${d} ${d === 1 ? 'day' : 'days'}`;
}

export interface Lag {
  entries: number;
  /** The count stopped there: there are more. */
  capped?: boolean;
  seconds: number;
}

/** How far behind the log a stream is: "up to date", or "1,204 entries · 3 min behind". */
export function formatLag(lag: Lag | null | undefined): string {
  if (!lag) return '—';
  if (lag.entries <= 0) return 'up to date';
  const count = `${lag.entries.toLocaleString('en-US')}${lag.capped ? '+' : ''}`;
  const n = `${count} ${lag.entries === 1 && !lag.capped ? 'entry' : 'entries'}`;
  return lag.seconds >= 1 ? `${n} · ${formatSeconds(lag.seconds)} behind` : `${n} behind`;
}

/** When something happened, relative to now: "just now", "12 s ago", "3 min ago"; "never" for nothing. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = (now - t) / 1000;
  if (s < 5) return 'just now';
  return `${formatSeconds(s)} ago`;
}

export interface DeliveryLike {
  ok: boolean;
  httpStatus?: number | null;
  error?: string | null;
}

/** A delivery's outcome in a few words: "accepted (200)", "refused (500)", "no answer" (timeout, connection refused, …). */
export function deliveryOutcome(d: DeliveryLike): string {
  if (d.ok) return d.httpStatus ? `accepted (${d.httpStatus})` : 'accepted';
  if (d.httpStatus) return `refused (${d.httpStatus})`;
  return 'no answer';
}
