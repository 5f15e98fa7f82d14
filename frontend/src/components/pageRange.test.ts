import { describe, expect, it } from 'vitest';
import { pageCount, pageRange, showingRange } from './pageRange';

describe('pageRange', () => {
  it('shows every page when there are few', () => {
    expect(pageRange(1, 1)).toEqual([1]);
    expect(pageRange(3, 5)).toEqual([1, 2, 3, 4, 5]);
  });
  it('puts an ellipsis after the current page near the start', () => {
    expect(pageRange(1, 17)).toEqual([1, 2, 'ellipsis-right', 17]);
    expect(pageRange(3, 17)).toEqual([1, 2, 3, 4, 'ellipsis-right', 17]);
  });
  it('puts ellipses on both sides in the middle', () => {
    expect(pageRange(9, 17)).toEqual([1, 'ellipsis-left', 8, 9, 10, 'ellipsis-right', 17]);
  });
  it('never hides a single page behind an ellipsis', () => {
    expect(pageRange(4, 17)).toEqual([1, 2, 3, 4, 5, 'ellipsis-right', 17]);
    expect(pageRange(14, 17)).toEqual([1, 'ellipsis-left', 13, 14, 15, 16, 17]);
  });
  it('clamps the current page and handles no pages', () => {
    expect(pageRange(99, 3)).toEqual([1, 2, 3]);
    expect(pageRange(1, 0)).toEqual([]);
  });
  it('honours wider siblings and boundaries', () => {
    expect(pageRange(10, 20, 2, 2)).toEqual([1, 2, 'ellipsis-left', 8, 9, 10, 11, 12, 'ellipsis-right', 19, 20]);
  });
});

describe('showingRange', () => {
  it('reports the window of the current page', () => {
    expect(showingRange(1, 25, 412)).toEqual({ from: 1, to: 25 });
    expect(showingRange(17, 25, 412)).toEqual({ from: 401, to: 412 });
    expect(showingRange(1, 25, 0)).toEqual({ from: 0, to: 0 });
  });
  it('counts pages', () => {
    expect(pageCount(412, 25)).toBe(17);
    expect(pageCount(0, 25)).toBe(1);
  });
});
