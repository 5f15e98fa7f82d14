import { describe, expect, it } from 'vitest';
import { logText, mergeLogLines } from './logLines';

const l = (seq: number, message = `m${seq}`) => ({ seq, at: '2026-01-01T00:00:00Z', level: 'INFO', message });

describe('mergeLogLines', () => {
  it('appends in order and drops repeats', () => {
    let lines = mergeLogLines([], [l(1), l(2)]);
    lines = mergeLogLines(lines, [l(2), l(3)]);
    expect(lines.map((x) => x.seq)).toEqual([1, 2, 3]);
  });
  it('sorts lines that arrive out of order', () => {
    expect(mergeLogLines([l(1), l(4)], [l(3), l(2)]).map((x) => x.seq)).toEqual([1, 2, 3, 4]);
  });
  it('keeps the same array when nothing is new', () => {
    const lines = [l(1)];
    expect(mergeLogLines(lines, [l(1)])).toBe(lines);
  });
  it('formats the log for copying', () => {
    expect(logText([l(1, 'hello')])).toBe('2026-01-01T00:00:00Z INFO  hello');
  });
});
