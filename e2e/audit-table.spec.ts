import { expect, test } from '@playwright/test';
import { api, record, screenshot, tenantID, TENANT, unique } from './helpers';

// Issue 14 items 3 (a table that fits: column chooser, defaults, cards) and 7 (permalinks).
// Every test starts signed in as the platform admin (global-setup.ts).

const LOG = `/t/${TENANT}/activity/audit-log`;

test('default columns fit 1440 px; the column chooser is remembered for this user', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(LOG);
  const table = page.getByRole('table', { name: 'Audit log entries' });
  await expect(table.locator('tbody tr').first()).toBeVisible();
  for (const id of ['time', 'action', 'user', 'identifier', 'new', 'status']) {
    await expect(table.locator(`th[data-column="${id}"]`)).toBeInViewport({ ratio: 1 });
  }
  // No horizontal scrolling: the table fits its box and the page fits the window.
  const fits = await page.evaluate(() => {
    const box = document.querySelector('.tm-table-scroll')!;
    return { table: box.scrollWidth <= box.clientWidth, page: document.documentElement.scrollWidth <= window.innerWidth };
  });
  expect(fits).toEqual({ table: true, page: true });
  await screenshot(page, 'audit-log-1440');

  // Choose columns: add Workspace, drop Type.
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('checkbox', { name: 'Workspace' }).check();
  await page.getByRole('checkbox', { name: 'Type' }).uncheck();
  await page.keyboard.press('Escape');
  await expect(table.getByRole('columnheader', { name: 'Workspace' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Type' })).toHaveCount(0);

  // Stored under the signed-in user's id, and still there after a reload.
  const gql = await api();
  const me = await gql<{ viewer: { user: { id: string } } }>('{ viewer { user { id } } }');
  const stored = await page.evaluate((id) => localStorage.getItem(`trailmark.auditLog.columns.${id}`), me.viewer.user.id);
  expect(JSON.parse(stored ?? '[]')).toContain('workspace');
  await page.reload();
  await expect(table.getByRole('columnheader', { name: 'Workspace' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Type' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('button', { name: 'Reset to defaults' }).click();
  await page.keyboard.press('Escape');
  await expect(table.getByRole('columnheader', { name: 'Type' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Workspace' })).toHaveCount(0);
});

test('cards on a 390 px screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(LOG);
  const cards = page.getByRole('list', { name: 'Audit log entries' });
  await expect(cards.getByRole('listitem').first()).toBeVisible();
  await expect(page.getByRole('table', { name: 'Audit log entries' })).toHaveCount(0);
  // Each card fits the screen and shows action, status, time, who and what.
  const first = cards.getByRole('listitem').first();
  const box = (await first.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await expect(first.locator('.tm-status')).toBeVisible();
  await screenshot(page, 'audit-log-cards');
  // A card opens its entry, by keyboard too.
  await first.getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]entry=/);
  await expect(page.getByRole('dialog')).toBeVisible();
});

test('permalinks: the URL names the open entry, Copy link, links to entries off the page', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const gql = await api();
  const tid = await tenantID(gql);
  const name = unique('permalink');
  const rec = await record(gql, tid, [{ action: 'workspace.update', resourceType: 'workspace', resourceName: name, newValue: { plan: 'premium' } }]);
  const id: string = rec.recordAuditEntries.entries[0].id;

  await page.goto(`${LOG}?filter=${encodeURIComponent(`resource_name = '${name}'`)}`);
  await page.locator('tbody tr', { hasText: name }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]entry=${encodeURIComponent(id)}`));
  const drawer = page.getByRole('dialog');
  await expect(drawer).toContainText(name);
  await drawer.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(new RegExp(`${LOG}\\?entry=${encodeURIComponent(id)}$`));
  // Closing the drawer takes the entry out of the URL.
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(page).not.toHaveURL(/entry=/);

  // A link opens the entry even when the page does not show it (here a filter hides it).
  await page.goto(`${LOG}?filter=${encodeURIComponent("action = 'no.such.action'")}&entry=${encodeURIComponent(id)}`);
  await expect(page.getByRole('dialog')).toContainText(name);
  await expect(page.getByRole('dialog')).toContainText('workspace.update');
  await page.goto(link);
  await expect(page.getByRole('dialog')).toContainText(name);
  await screenshot(page, 'audit-entry-permalink');

  // An entry that does not exist: said politely, and the log is still there behind it.
  const missing = id.slice(0, -4) + (id.endsWith('0000') ? '1111' : '0000');
  await page.goto(`${LOG}?entry=${encodeURIComponent(missing)}`);
  await expect(page.getByTestId('entry-unavailable')).toContainText("This entry can't be shown");
  await page.keyboard.press('Escape');
  await expect(page.getByRole('table', { name: 'Audit log entries' }).locator('tbody tr').first()).toBeVisible();
});

test('permalinks: a viewer who may not see the entry is told so', async ({ browser }) => {
  const admin = await api();
  const tid = await tenantID(admin);
  const name = unique('private');
  const rec = await record(admin, tid, [{ action: 'api_key.create', resourceType: 'api_key', resourceName: name }]);
  const id: string = rec.recordAuditEntries.entries[0].id;
  const email = `${unique('viewer')}@example.com`;
  const inv = await admin<{ inviteMember: { acceptURL: string } }>('mutation($t:ID!,$e:String!){ inviteMember(tenantID:$t, email:$e, role: MEMBER){ acceptURL } }', {
    t: tid,
    e: email,
  });
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await page.goto(inv.inviteMember.acceptURL);
  await page.getByLabel('Your name').fill('Pat Member');
  await page.locator('input[type=password]').fill('member-password-1');
  await page.getByRole('button', { name: 'Create account and accept' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${TENANT}`));
  // A MEMBER sees only their own activity: the admin's entry is not theirs to read.
  await page.goto(`${LOG}?entry=${encodeURIComponent(id)}`);
  await expect(page.getByTestId('entry-unavailable')).toBeVisible();
  await expect(page.getByRole('dialog')).not.toContainText(name);
  await ctx.close();
});
