import { expect, test, type Page, type WebSocketRoute } from '@playwright/test';
import { api, screenshot, tenantID, TENANT, unique } from './helpers';

// Every test starts signed in as the platform admin (global-setup.ts).

const CREATE_ARCHIVE = 'mutation($t:ID!,$i:CreateArchiveInput!){ createArchive(tenantID:$t, input:$i){ id createdAt } }';

function lastMonthRange() {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString();
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
  return { from, to };
}

/** Opens the processes list and waits until it is loaded and its live subscription connected. */
async function openLiveList(page: Page, filter?: string) {
  await page.goto(`/t/${TENANT}/activity/processes${filter ? `?filter=${encodeURIComponent(filter)}` : ''}`);
  await expect(page.getByRole('heading', { name: 'Processes' })).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-connected', 'true');
  // A marker that a reload would wipe out.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}

async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
}

/** The times at which page received answers to the list query. */
function listReads(page: Page): number[] {
  const at: number[] = [];
  page.on('response', (r) => {
    if (r.url().endsWith('/graphql') && r.request().postDataJSON()?.operationName === 'Processes') at.push(Date.now());
  });
  return at;
}

test('a process started elsewhere appears in the open list and turns succeeded without a reload', async ({ page, context }) => {
  const gql = await api();
  const tid = await tenantID(gql);

  // The same list in a second tab, filtered to processes created before this
  // test: new processes must not show up there.
  const before = new Date(Date.now() - 1000).toISOString();
  const filtered = await context.newPage();
  const reads = listReads(filtered);
  await openLiveList(filtered, `created_at < '${before}'`);
  // Its catch-up read once the WebSocket connected.
  await expect.poll(() => reads.length).toBeGreaterThan(0);
  await openLiveList(page);
  const created = Date.now();

  const d = await gql<{ createArchive: { id: string } }>(CREATE_ARCHIVE, {
    t: tid,
    i: { ...lastMonthRange(), format: 'JSONL_GZ', name: unique('e2e-live-list') },
  });
  const id = d.createArchive.id;
  const row = page.getByRole('table', { name: 'Processes' }).getByRole('row', { name: new RegExp(id) });
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-new', 'true');
  await expect(page.getByRole('table', { name: 'Processes' }).locator('tbody tr').first()).toContainText(id);
  await expect(row.getByTestId('process-status')).toHaveText('succeeded', { timeout: 60_000 });
  expect(await sameDocument(page)).toBe(true);
  await screenshot(page, 'processes-live');

  // The filtered tab asked the server again when the process appeared, and left it out.
  await expect.poll(() => reads.filter((t) => t > created).length).toBeGreaterThan(0);
  await expect(filtered.getByRole('row', { name: new RegExp(id) })).toHaveCount(0);
  expect(await sameDocument(filtered)).toBe(true);
  await filtered.close();
});

test('the open list catches up after its WebSocket reconnects', async ({ page }) => {
  const gql = await api();
  const tid = await tenantID(gql);
  // The dashboard's WebSocket goes through the test, which can drop it.
  let blocked = false;
  let current: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    if (blocked) {
      ws.close({ code: 1012, reason: 'e2e: offline' });
      return;
    }
    current = ws;
    ws.connectToServer();
  });
  const reads = listReads(page);
  await openLiveList(page);
  // The first connection also triggers a catch-up read of the page (the
  // page was read before the subscription started); let it finish, or it
  // could read the process below while the socket is down.
  await expect.poll(() => reads.length).toBeGreaterThanOrEqual(2);

  blocked = true;
  current!.close({ code: 1012, reason: 'e2e: drop' });
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-connected', 'false');
  const d = await gql<{ createArchive: { id: string } }>(CREATE_ARCHIVE, {
    t: tid,
    i: { ...lastMonthRange(), format: 'CSV_GZ', name: unique('e2e-reconnect') },
  });
  const id = d.createArchive.id;
  // Every event of the process happens while the list is not listening.
  await expect
    .poll(async () => (await gql<{ node: { status: string } }>('query($id:ID!){ node(id:$id){ ... on Process { status } } }', { id })).node.status, {
      timeout: 60_000,
    })
    .toBe('SUCCEEDED');
  const row = page.getByRole('table', { name: 'Processes' }).getByRole('row', { name: new RegExp(id) });
  await expect(row).toHaveCount(0);

  blocked = false;
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-connected', 'true', { timeout: 60_000 });
  await expect(row.getByTestId('process-status')).toHaveText('succeeded');
  await expect(row).toHaveCount(1);
  expect(await sameDocument(page)).toBe(true);
});
