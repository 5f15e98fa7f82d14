import { formatLocal } from '../../lib/format';

const DAY = 86_400_000;

function isLocalMidnight(d: Date) {
  return d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0;
}

function isUTCMidnight(d: Date) {
  return d.getTime() % DAY === 0;
}

/**
 * An archive's stored range [from, to) in the words a person uses: whole days
 * show as the first and last day included ("Nov 1, 2026 – Nov 30, 2026"), not
 * as the exclusive end at midnight of the day after. Days that start at UTC
 * midnight (scheduled archives) are shown in UTC and say so; anything else
 * shows both instants.
 */
export function formatArchiveRange(fromISO: string, toISO: string, locale?: string): string {
  const from = new Date(fromISO);
  const to = new Date(toISO);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from) return `${formatLocal(fromISO)} – ${formatLocal(toISO)}`;
  const local = isLocalMidnight(from) && isLocalMidnight(to);
  const utc = !local && isUTCMidnight(from) && isUTCMidnight(to);
  if (!local && !utc) return `${formatLocal(fromISO)} – ${formatLocal(toISO)}`;
  const timeZone = utc ? 'UTC' : undefined;
  const fmt = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone });
  // The last day included starts a day before the exclusive end (a local day may be 23 or 25 hours).
  const last = utc ? new Date(to.getTime() - DAY) : new Date(to.getFullYear(), to.getMonth(), to.getDate() - 1);
  const suffix = utc ? ' (UTC)' : '';
  if (last.getTime() === from.getTime()) return `${fmt.format(from)}${suffix}`;
  return `${fmt.formatRange(from, last)}${suffix}`;
}
