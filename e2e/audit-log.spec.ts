import { expect, test } from '@playwright/test';
import { COLUMN_SIZING_KEY } from '../frontend/src/features/audit-log/columnSizing';
import { activeSubscriptions, api, record, screenshot, showing, tenantID, TENANT, unique } from './helpers';

// Every test starts signed in as the platform admin (global-setup.ts).

test('pages, page sizes and facet filters', async ({ page }) => {
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  const table = page.getByRole('table', { name: 'Audit log entries' });
  await expect(table.getByRole('row')).toHaveCount(26);
  const first = await showing(page);
  expect(first).toMatchObject({ from: 1, to: 25 });
  expect(first.total).toBeGreaterThan(100);
  await expect(page.getByRole('button', { name: 'Later pages' })).toBeVisible();

  await page.getByRole('button', { name: 'Page 2', exact: true }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect.poll(async () => (await showing(page)).from).toBe(26);

  await page.getByLabel('Rows per page').selectOption('50');
  await expect(page).toHaveURL(/size=50/);
  await expect(table.getByRole('row')).toHaveCount(51);
  expect(await showing(page)).toMatchObject({ from: 1, to: 50 });

  // Newest first
  const times = await table.locator('tbody tr td:first-child span').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
  const sorted = [...times].sort().reverse();
  expect(times).toEqual(sorted);

  // Action facet, picked with the keyboard. Only visible options count: the
  // tenant switcher keeps its (hidden) options in the DOM too.
  const combo = page.getByRole('combobox', { name: 'Action' });
  await combo.click();
  await expect(page.locator('[data-combobox-option]:visible').first()).toBeVisible();
  await combo.press('ArrowDown');
  await combo.press('Enter');
  await combo.press('Escape');
  await expect(page).toHaveURL(/action=/);
  const action = new URL(page.url()).searchParams.get('action') ?? '';
  expect(action).not.toBe('');
  await expect
    .poll(async () => [...new Set(await table.locator('tbody tr td:nth-child(3)').allTextContents())])
    .toEqual([action]);
  await screenshot(page, 'audit-log-filtered');

  // The URL alone restores the view
  await page.reload();
  await expect(page).toHaveURL(/action=/);
  await expect(table.locator('tbody tr td:nth-child(3)').first()).toHaveText(action);
});

test('query filter and its inline error', async ({ page }) => {
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  const box = page.getByLabel('Query filter');
  await box.fill("action like 'member.%' or action like 'api_key.%'");
  await box.press('Enter');
  await expect(page).toHaveURL(/filter=/);
  const table = page.getByRole('table', { name: 'Audit log entries' });
  // The URL changes before the new page arrives: wait until every row is filtered.
  await expect
    .poll(async () => {
      const actions = await table.locator('tbody tr td:nth-child(3)').allTextContents();
      return actions.length > 0 && actions.every((a) => /^(member|api_key)\./.test(a));
    })
    .toBe(true);

  await box.fill("status = = 'failure'");
  await box.press('Enter');
  const err = page.getByTestId('filter-error');
  await expect(err).toBeVisible();
  await expect(err).toContainText(/position \d+/);
  await expect(page.getByTestId('filter-error-mark')).toHaveText('=');
  await screenshot(page, 'audit-log-filter-error');
});

test('resizes a column and remembers the width', async ({ page }) => {
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  const th = page.locator('th[data-column="action"]');
  const before = (await th.boundingBox())!.width;
  const handle = page.getByRole('separator', { name: 'Resize Action column' });
  const hb = (await handle.boundingBox())!;
  await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
  await page.mouse.down();
  await page.mouse.move(hb.x + 120, hb.y + hb.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await th.boundingBox())!.width).toBeGreaterThan(before + 80);
  // The table saves the widths a moment after the drag: reload once they are stored.
  const stored = async () =>
    page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as Record<string, number>).action ?? 0, COLUMN_SIZING_KEY);
  await expect.poll(stored).toBeGreaterThan(before + 80);
  await page.reload();
  await expect.poll(async () => (await page.locator('th[data-column="action"]').boundingBox())!.width).toBeGreaterThan(before + 80);
  await screenshot(page, 'audit-log-resized');
});

test('live mode shows an entry recorded through the API within 2 s', async ({ page }) => {
  const gql = await api();
  const tid = await tenantID(gql);
  // The subscription is running once the browser has sent its graphql-ws subscribe message.
  const subscribed = new Promise<void>((resolve) => {
    page.on('websocket', (ws) =>
      ws.on('framesent', (f) => {
        if (typeof f.payload === 'string' && f.payload.includes('"subscribe"') && f.payload.includes('AuditEntryCreated')) resolve();
      }),
    );
  });
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  await expect(page.getByRole('table', { name: 'Audit log entries' }).locator('tbody tr').first()).toBeVisible();
  // Nothing else streams from the server now (earlier tests' pages are
  // closed, and this page is not live yet).
  await expect.poll(() => activeSubscriptions(page)).toBe(0);
  // A controlled switch (its state is the URL): click, then wait for the URL.
  await page.getByRole('switch', { name: 'Live' }).click({ force: true });
  await expect(page).toHaveURL(/live=1/);
  await subscribed;
  // Sent is not yet listening: wait until the server counts one more
  // subscription (it does so once the subscription listens).
  await expect.poll(() => activeSubscriptions(page)).toBe(1);
  const name = unique('live');
  const t0 = Date.now();
  await record(gql, tid, [{ action: 'workspace.update', resourceType: 'workspace', resourceName: name, newValue: { plan: 'premium' } }]);
  const row = page.locator('tbody tr[data-new]', { hasText: name });
  await expect(row).toBeVisible({ timeout: 2000 });
  expect(Date.now() - t0).toBeLessThan(2500);
  await screenshot(page, 'audit-log-live');
});

test('detail drawer shows the diff and the exact payload', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const gql = await api();
  const tid = await tenantID(gql);
  const name = unique('drawer');
  await record(gql, tid, [
    {
      action: 'workspace.update',
      resourceType: 'workspace',
      resourceID: 'ws_e2e',
      resourceName: name,
      oldValue: { plan: 'standard', limits: { seats: 5 } },
      newValue: { plan: 'premium', limits: { seats: 10 } },
      metadata: { ticket: 'T-1' },
      request: { method: 'PATCH', path: '/api/workspaces/ws_e2e', sourceIP: '203.0.113.7', userAgent: 'e2e', payload: { plan: 'premium', password: 'hunter2' } },
    },
  ]);
  await page.goto(`/t/${TENANT}/activity/audit-log?filter=${encodeURIComponent(`resource_name = '${name}'`)}`);
  await page.locator('tbody tr', { hasText: name }).click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByRole('table', { name: 'Changes' })).toContainText('limits.seats');
  await expect(drawer.getByRole('table', { name: 'Changes' })).toContainText('plan');
  await expect(drawer).toContainText('PATCH');
  await expect(drawer).toContainText('203.0.113.7');
  const payload = drawer.getByLabel('Payload', { exact: true });
  await expect(payload).toContainText('"plan": "premium"');
  await expect(payload).toContainText('[REDACTED]');
  await expect(payload).not.toContainText('hunter2');
  await drawer.getByRole('button', { name: 'Copy payload' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('"plan": "premium"');
  await screenshot(page, 'audit-entry-drawer');
});

test('export downloads a CSV of the current filter', async ({ page }) => {
  await page.goto(`/t/${TENANT}/activity/audit-log?filter=${encodeURIComponent("action like 'member.%'")}`);
  await page.getByRole('button', { name: 'Export' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'CSV' }).click()]);
  expect(download.url()).toContain('/export/audit-entries.csv?tenant=acme');
  expect(download.url()).toContain('filter=');
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(path!, 'utf8');
  expect(text.split('\n')[0]).toMatch(/^id,occurredAt,receivedAt,action/);
  for (const line of text.trim().split('\n').slice(1, 20)) expect(line).toMatch(/,member\./);
  await screenshot(page, 'audit-log-export');
});
