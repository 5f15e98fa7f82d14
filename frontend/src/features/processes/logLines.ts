export interface LogLine {
  seq: number;
  at: string;
  level: string;
  message: string;
}

/** Adds lines in seq order without repeats (the subscription replays stored lines first). */
export function mergeLogLines(lines: LogLine[], add: LogLine[]): LogLine[] {
  if (add.length === 0) return lines;
  const seen = new Set(lines.map((l) => l.seq));
  const fresh = add.filter((l) => !seen.has(l.seq));
  if (fresh.length === 0) return lines;
  const out = [...lines, ...fresh];
  const sorted = fresh.every((l, i) => l.seq > (i === 0 ? (lines.at(-1)?.seq ?? -Infinity) : fresh[i - 1].seq));
  return sorted ? out : out.sort((a, b) => a.seq - b.seq);
}

export function logText(lines: LogLine[]): string {
  return lines.map((l) => `${l.at} ${l.level.padEnd(5)} ${l.message}`).join('\n');
}
