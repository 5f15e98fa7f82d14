import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countNewer, LiveProcessList, type PageResult } from './liveList';

interface P {
  id: string;
  status: string;
  progress?: number;
}

// IDs sort like the server's: later is greater.
const id = (n: number) => `prc_${String(n).padStart(4, '0')}`;
const p = (n: number, status = 'SUCCEEDED', progress?: number): P => ({ id: id(n), status, progress });

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(page = 1, size = 3) {
  const fetchPage = vi.fn<() => Promise<PageResult<P> | null>>();
  const fetchHead = vi.fn<() => Promise<string[] | null>>();
  const fetchNodes = vi.fn<(ids: string[]) => Promise<P[] | null>>();
  const list = new LiveProcessList<P>({ page, size, fetchPage, fetchHead, fetchNodes, delay: 50 });
  list.start();
  return { list, fetchPage, fetchHead, fetchNodes };
}

const ids = (rows: P[]) => rows.map((r) => r.id);
const flush = () => vi.advanceTimersByTimeAsync(60);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('countNewer', () => {
  it('counts the IDs above the baseline head', () => {
    expect(countNewer([id(9), id(8), id(5), id(4)], id(5))).toBe(2);
    expect(countNewer([id(9), id(8)], null)).toBe(2);
    expect(countNewer([], id(1))).toBe(0);
  });
});

describe('LiveProcessList on page 1', () => {
  it('updates a row in place from its events without reading the page', async () => {
    const { list, fetchPage } = setup();
    list.setPage([p(3, 'RUNNING', 0.1), p(2), p(1)], 3);
    list.event(p(3, 'RUNNING', 0.5));
    expect(list.getRows()[0]).toEqual(p(3, 'RUNNING', 0.5));
    list.event(p(3, 'SUCCEEDED', 1));
    expect(list.getRows()[0].status).toBe('SUCCEEDED');
    await flush();
    expect(fetchPage).not.toHaveBeenCalled();
  });

  it('reads the page once for a burst of new processes and highlights those that match', async () => {
    const { list, fetchPage } = setup();
    list.setPage([p(3), p(2), p(1)], 3);
    fetchPage.mockResolvedValue({ rows: [p(6, 'QUEUED'), p(4, 'QUEUED'), p(3)], total: 5 });
    list.event(p(4, 'QUEUED'));
    list.event(p(5, 'QUEUED')); // does not match the filter: the server leaves it out
    list.event(p(6, 'QUEUED'));
    await flush();
    expect(fetchPage).toHaveBeenCalledTimes(1);
    expect(ids(list.getRows())).toEqual([id(6), id(4), id(3)]);
    expect(list.getTotal()).toBe(5);
    expect(list.isHighlighted(id(6))).toBe(true);
    expect(list.isHighlighted(id(4))).toBe(true);
    expect(list.isHighlighted(id(3))).toBe(false);
    expect(list.isHighlighted(id(5))).toBe(false);

    // Progress of the one that did not match changes nothing; a new status is checked again.
    list.event(p(5, 'QUEUED', 0));
    await flush();
    expect(fetchPage).toHaveBeenCalledTimes(1);
    fetchPage.mockResolvedValue({ rows: [p(6, 'QUEUED'), p(5, 'FAILED'), p(4, 'QUEUED')], total: 6 });
    list.event(p(5, 'FAILED'));
    await flush();
    expect(fetchPage).toHaveBeenCalledTimes(2);
    expect(ids(list.getRows())).toEqual([id(6), id(5), id(4)]);
  });

  it('ignores processes that sort below a full page', async () => {
    const { list, fetchPage } = setup();
    list.setPage([p(9), p(8), p(7)], 10);
    list.event(p(2, 'RUNNING'));
    await flush();
    expect(fetchPage).not.toHaveBeenCalled();
  });

  it('takes any process into a page that is not full', async () => {
    const { list, fetchPage } = setup();
    list.setPage([], 0);
    fetchPage.mockResolvedValue({ rows: [p(1, 'QUEUED')], total: 1 });
    list.event(p(1, 'QUEUED'));
    await flush();
    expect(ids(list.getRows())).toEqual([id(1)]);
  });

  it('waits for the first page before checking events', async () => {
    const { list, fetchPage } = setup();
    list.event(p(4, 'QUEUED'));
    await flush();
    expect(fetchPage).not.toHaveBeenCalled();
    fetchPage.mockResolvedValue({ rows: [p(4, 'QUEUED'), p(3)], total: 2 });
    list.setPage([p(3)], 1);
    await flush();
    expect(fetchPage).toHaveBeenCalledTimes(1);
    expect(ids(list.getRows())).toEqual([id(4), id(3)]);
  });

  it('catches up after a reconnection without duplicates, keeping events newer than the read', async () => {
    const { list, fetchPage } = setup();
    list.setPage([p(3, 'RUNNING', 0.2), p(2, 'RUNNING', 0.1), p(1)], 3);
    list.event(p(3, 'RUNNING', 0.4)); // then the socket drops and p(3) finishes unseen
    const read = deferred<PageResult<P> | null>();
    fetchPage.mockReturnValue(read.promise);
    list.reconnected();
    await flush();
    expect(fetchPage).toHaveBeenCalledTimes(1);
    // Replayed and new events while the read is under way.
    list.event(p(2, 'SUCCEEDED', 1));
    read.resolve({ rows: [p(4, 'QUEUED'), p(3, 'SUCCEEDED', 1), p(2, 'RUNNING', 0.9)], total: 4 });
    await flush();
    expect(list.getRows()).toEqual([p(4, 'QUEUED'), p(3, 'SUCCEEDED', 1), p(2, 'SUCCEEDED', 1)]);
    list.event(p(4, 'QUEUED'));
    list.event(p(4, 'QUEUED'));
    expect(ids(list.getRows())).toEqual([id(4), id(3), id(2)]);
    await flush();
    expect(fetchPage).toHaveBeenCalledTimes(1);
  });

  it('reads again on the next event after a failed read', async () => {
    const { list, fetchPage } = setup();
    list.setPage([p(3), p(2), p(1)], 3);
    fetchPage.mockResolvedValueOnce(null);
    list.event(p(4, 'QUEUED'));
    await flush();
    fetchPage.mockResolvedValueOnce({ rows: [p(4, 'QUEUED'), p(3), p(2)], total: 4 });
    list.event(p(4, 'QUEUED', 0.1));
    await flush();
    expect(fetchPage).toHaveBeenCalledTimes(2);
    expect(ids(list.getRows())).toEqual([id(4), id(3), id(2)]);
  });

  it('does nothing once stopped', async () => {
    const { list, fetchPage } = setup();
    list.setPage([p(3), p(2), p(1)], 3);
    list.event(p(4, 'QUEUED'));
    list.stop();
    await flush();
    expect(fetchPage).not.toHaveBeenCalled();
  });
});

describe('LiveProcessList on a later page', () => {
  it('counts new matching processes above the page instead of moving rows', async () => {
    const { list, fetchHead, fetchPage } = setup(2, 2);
    list.setPage([p(5, 'RUNNING'), p(4)], 10, id(7));
    list.event(p(5, 'SUCCEEDED')); // on the page: in place
    list.event(p(6, 'RUNNING')); // on page 1: neither new nor on this page
    await flush();
    expect(fetchHead).not.toHaveBeenCalled();
    expect(list.getRows()[0].status).toBe('SUCCEEDED');

    fetchHead.mockResolvedValue([id(9), id(7), id(6)]); // id(8) does not match
    list.event(p(8, 'QUEUED'));
    list.event(p(9, 'QUEUED'));
    await flush();
    expect(fetchHead).toHaveBeenCalledTimes(1);
    expect(list.getNewCount()).toBe(1);
    expect(ids(list.getRows())).toEqual([id(5), id(4)]);
    expect(fetchPage).not.toHaveBeenCalled();
  });

  it('re-reads its own rows and recounts after a reconnection', async () => {
    const { list, fetchHead, fetchNodes } = setup(2, 2);
    list.setPage([p(5, 'RUNNING', 0.5), p(4)], 10, id(7));
    fetchHead.mockResolvedValue([id(8), id(7)]);
    fetchNodes.mockResolvedValue([p(5, 'FAILED'), p(4)]);
    list.reconnected();
    await flush();
    expect(fetchNodes).toHaveBeenCalledWith([id(5), id(4)]);
    expect(list.getRows()[0]).toEqual(p(5, 'FAILED'));
    expect(list.getNewCount()).toBe(1);
  });

  it('counts everything when nothing matched at load', async () => {
    const { list, fetchHead } = setup(2, 2);
    list.setPage([], 0, null);
    fetchHead.mockResolvedValue([id(1)]);
    list.event(p(1, 'QUEUED'));
    await flush();
    expect(list.getNewCount()).toBe(1);
  });
});
