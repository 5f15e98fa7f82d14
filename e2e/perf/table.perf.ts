import { expect, test, type Page } from '@playwright/test';
import { api, record, tenantID, TENANT } from '../helpers';

/*
 * The audit table's rendering speed (issue 14 item 3). Run: `npm run perf:table`
 * (TRAILMARK_E2E_PORT=… for a port of your own). It prints numbers; it asserts nothing about them.
 *
 * - Paging: at 100 rows per page, how long after the AuditEntries response has arrived does
 *   the next page show (the frame after its first row is in the DOM), and the long tasks
 *   (PerformanceObserver "longtask", >50 ms) in between.
 * - Scrolling: the long tasks while the window is scrolled over 100 rows, 120 px a wheel step.
 *
 * - Main-thread CPU: the renderer's main-thread time (Chrome DevTools Protocol Performance
 *   metrics in thread ticks) for each page turn and scroll round. Unlike wall-clock times and long
 *   tasks it does not grow when other processes share the CPU, so it compares runs on a busy
 *   machine.
 *
 * The data: PERF_ENTRIES (default 600) realistic entries are added to the demo tenant first, so
 * every page is full and carries old/new values, metadata and long identifiers.
 */

const ROUNDS = Number(process.env.PERF_ROUNDS ?? 5);
const ADD = Number(process.env.PERF_ENTRIES ?? 600);

declare global {
  interface Window {
    __perf: { longtasks: { start: number; duration: number }[] };
  }
}

async function instrument(page: Page) {
  await page.addInitScript(() => {
    window.__perf = { longtasks: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__perf.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/**
 * Resolves (in the page) with the time of the first frame painted after the table's first row has
 * changed. ("Showing 101–200" is no signal: the pager follows the URL before the data arrives.)
 */
async function armPainted(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __painted: Promise<number> };
    const firstRow = () => document.querySelector('table[aria-label="Audit log entries"] tbody tr')?.textContent ?? '';
    const before = firstRow();
    w.__painted = new Promise<number>((resolve) => {
      const done = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
      const obs = new MutationObserver(() => {
        const now = firstRow();
        if (now !== '' && now !== before) {
          obs.disconnect();
          done();
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
  return { n: s.length, median: Math.round(med), max: Math.round(s[s.length - 1] ?? 0), all: xs.map(Math.round) };
};

test('audit table: paging and scrolling', async ({ page, browser }) => {
  const gql = await api();
  const tid = await tenantID(gql);
  const actions = ['member.role_change', 'api_key.create', 'workspace.update', 'document.share', 'billing.plan_change', 'project.delete'];
  for (let done = 0; done < ADD; done += 50) {
    const batch = Array.from({ length: Math.min(50, ADD - done) }, (_, i) => {
      const n = done + i;
      return {
        action: actions[n % actions.length],
        resourceType: actions[n % actions.length].split('.')[0],
        resourceID: `res_${n.toString(36)}_${'x'.repeat(20)}`,
        resourceName: `Perf resource number ${n} with a fairly long name`,
        workspace: `ws-${n % 7}`,
        status: n % 17 === 0 ? 'FAILURE' : 'SUCCESS',
        oldValue: { plan: 'standard', seats: n % 40, tags: ['a', 'b', 'c'], owner: { id: `usr_${n}`, email: `u${n}@example.com` } },
        newValue: { plan: 'premium', seats: (n % 40) + 5, tags: ['a', 'b', 'c', 'd'], owner: { id: `usr_${n + 1}`, email: `u${n + 1}@example.com` } },
        metadata: { ticket: `T-${n}`, reason: 'perf data' },
      };
    });
    await record(gql, tid, batch);
  }
  const total = (await gql<{ auditEntries: { totalCount: number } }>('query($t:ID){ auditEntries(tenantID:$t, first:1){ totalCount } }', { t: tid }))
    .auditEntries.totalCount;

  await page.setViewportSize({ width: 1440, height: 900 });
  await instrument(page);
  await page.goto(`/t/${TENANT}/activity/audit-log?size=100`);
  const rows = page.getByRole('table', { name: 'Audit log entries' }).locator('tbody tr');
  await expect(rows).toHaveCount(100);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const cpu = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  };
  const pagingCPU: number[] = [];
  const scrollCPU: number[] = [];

  // Paging: pages 2, 3, …, each read from the network for the first time (never from the cache).
  const paging: number[] = [];
  const pagingLong: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const target = r + 2;
    await page.evaluate(() => {
      window.__perf.longtasks = [];
      performance.clearResourceTimings();
    });
    await armPainted(page);
    const cpu0 = await cpu();
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect(page).toHaveURL(new RegExp(`page=${target}`));
    const painted = await page.evaluate(() => (window as unknown as { __painted: Promise<number> }).__painted);
    // The moment the page's data arrived: the end of the last /graphql response before the paint
    // (Resource Timing; paging reads nothing else over HTTP).
    const { responses, longtasks } = await page.evaluate((painted) => {
      const responses = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.endsWith('/graphql') && (e as PerformanceResourceTiming).responseEnd <= painted)
        .map((e) => (e as PerformanceResourceTiming).responseEnd);
      return { responses, longtasks: window.__perf.longtasks };
    }, painted);
    expect(responses.length, 'the page was read from the server').toBeGreaterThan(0);
    const arrived = Math.max(...responses);
    paging.push(painted - arrived);
    for (const t of longtasks) if (t.start + t.duration >= arrived && t.start <= painted) pagingLong.push(t.duration);
    await expect(rows).toHaveCount(100);
    pagingCPU.push((await cpu()) - cpu0);
    // Let the page settle (its self-audit entry, late requests) before the next round.
    await page.waitForLoadState('networkidle');
  }

  // Scrolling over 100 rows.
  await expect(rows).toHaveCount(100);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(720, 500);
  const scrollLong: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.evaluate(() => (window.__perf.longtasks = []));
    const height = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
    const cpu0 = await cpu();
    const dir = r % 2 === 0 ? 1 : -1;
    for (let y = 0; y < height; y += 120) {
      await page.mouse.wheel(0, 120 * dir);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    }
    await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
    scrollCPU.push((await cpu()) - cpu0);
    scrollLong.push(...(await page.evaluate(() => window.__perf.longtasks.map((t) => t.duration))));
  }

  const out = {
    browser: browser.version(),
    entriesInTenant: total,
    pageSize: 100,
    rounds: ROUNDS,
    pagingDataToPaintMs: stats(paging),
    pagingLongTasksMs: { count: pagingLong.length, max: Math.round(Math.max(0, ...pagingLong)), all: pagingLong.map(Math.round) },
    pagingMainThreadCPUMs: stats(pagingCPU),
    scrollMainThreadCPUMsPerRound: stats(scrollCPU),
    scrollLongTasksMs: { count: scrollLong.length, perRound: +(scrollLong.length / ROUNDS).toFixed(1), max: Math.round(Math.max(0, ...scrollLong)), all: scrollLong.map(Math.round) },
  };
  console.log(`PERF ${JSON.stringify(out, null, 2)}`);
});
