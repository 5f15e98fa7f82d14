import { Text } from '@mantine/core';

export interface DayCount {
  day: string;
  count: number;
}

/** Fills the days without entries so the bars are evenly spaced. */
export function fillDays(days: DayCount[], last: Date, n: number): DayCount[] {
  const map = new Map(days.map((d) => [d.day, d.count]));
  const out: DayCount[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate() - i));
    const key = d.toISOString().slice(0, 10);
    out.push({ day: key, count: map.get(key) ?? 0 });
  }
  return out;
}

/** A small bar chart of entries per UTC day. */
export function DayChart({ days, height = 120 }: { days: DayCount[]; height?: number }) {
  const max = Math.max(1, ...days.map((d) => d.count));
  const w = 100 / Math.max(1, days.length);
  const total = days.reduce((s, d) => s + d.count, 0);
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 100 ${height}`} preserveAspectRatio="none" width="100%" height={height} role="img" aria-label={`Entries per day over ${days.length} days, ${total} in total`}>
        {days.map((d, i) => {
          const h = (d.count / max) * (height - 4);
          return (
            <rect key={d.day} x={i * w + w * 0.1} y={height - h} width={w * 0.8} height={Math.max(h, d.count ? 1 : 0)} fill="var(--mantine-primary-color-filled)" rx={0.5}>
              <title>{`${d.day}: ${d.count}`}</title>
            </rect>
          );
        })}
      </svg>
      <Text component="figcaption" size="xs" c="dimmed" mt={4} style={{ display: 'flex', justifyContent: 'space-between' }}>
        <span>{days[0]?.day}</span>
        <span>{days[days.length - 1]?.day} (UTC)</span>
      </Text>
    </figure>
  );
}
